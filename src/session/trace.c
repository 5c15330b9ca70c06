/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Debug trace (-d) and counters.
 *
 * One line when a request arrives and one when it is answered, so an
 * interleaved multi-threaded trace still pairs up by the unique id.  The
 * key arguments are decoded for the opcodes people debug most; the rest
 * show opcode and node only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "session/session_int.h"

static void describe(const struct ses_request *req, char *buf, size_t size)
{
    buf[0] = 0;
    switch (req->opcode) {
    case FSP_OP_LOOKUP: case FSP_OP_UNLINK: case FSP_OP_RMDIR: {
        const char *name = fsp_req_name(req, 0);
        snprintf(buf, size, " name=%s", name ? name : "?");
        break;
    }
    case FSP_OP_MKDIR: {
        const char *name = fsp_req_name(req, sizeof(struct fsp_mkdir_in));
        snprintf(buf, size, " name=%s", name ? name : "?");
        break;
    }
    case FSP_OP_CREATE: {
        const struct fsp_create_in *in = fsp_req_arg(req, sizeof *in);
        const char *name = fsp_req_name(req, sizeof(struct fsp_create_in));
        snprintf(buf, size, " name=%s flags=0%o mode=0%o",
                 name ? name : "?", in ? in->flags : 0, in ? in->mode : 0);
        break;
    }
    case FSP_OP_READ: case FSP_OP_READDIR: case FSP_OP_READDIRPLUS: {
        const struct fsp_read_in *in = fsp_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " fh=%" PRIu64 " off=%" PRIu64 " size=%u",
                     in->fh, in->offset, in->size);
        break;
    }
    case FSP_OP_WRITE: {
        const struct fsp_write_in *in = fsp_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " fh=%" PRIu64 " off=%" PRIu64 " size=%u",
                     in->fh, in->offset, in->size);
        break;
    }
    case FSP_OP_FORGET: {
        const struct fsp_forget_in *in = fsp_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " nlookup=%" PRIu64, in->nlookup);
        break;
    }
    case FSP_OP_SETATTR: {
        const struct fsp_setattr_in *in = fsp_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " valid=0x%x", in->valid);
        break;
    }
    default:
        break;
    }
}

void fsp_trace_request(struct fsp_session *se, const struct ses_request *req)
{
    char args[512];
    describe(req, args, sizeof args);
    pthread_mutex_lock(&se->trace_lock);
    fprintf(stderr, "fsp: -> #%" PRIu64 " %s node=%" PRIu64 " uid=%u pid=%u%s\n",
            req->unique, fsp_opcode_name(req->opcode), req->nodeid, req->uid,
            req->pid, args);
    pthread_mutex_unlock(&se->trace_lock);
}

void fsp_trace_reply(struct fsp_session *se, const struct ses_request *req,
                     int error, size_t outlen)
{
    uint64_t us = (fsp_now_ns() - req->start_ns) / 1000;
    pthread_mutex_lock(&se->trace_lock);
    if (error)
        fprintf(stderr, "fsp: <- #%" PRIu64 " %s error %d (%s) %" PRIu64 "us\n",
                req->unique, fsp_opcode_name(req->opcode), error,
                strerror(-error), us);
    else
        fprintf(stderr, "fsp: <- #%" PRIu64 " %s ok %zu bytes %" PRIu64 "us\n",
                req->unique, fsp_opcode_name(req->opcode), outlen, us);
    pthread_mutex_unlock(&se->trace_lock);
}

const struct fsp_op_stats *fsp_session_stats(const struct fsp_session *se,
                                             uint32_t opcode)
{
    return opcode < FSP_OPCODE_SLOTS ? &se->stats[opcode] : NULL;
}

void fsp_session_print_stats(const struct fsp_session *se, void *file)
{
    FILE *f = file;
    fprintf(f, "%-16s %12s %10s %12s\n", "opcode", "count", "errors",
            "avg_us");
    for (uint32_t op = 0; op < FSP_OPCODE_SLOTS; op++) {
        const struct fsp_op_stats *s = &se->stats[op];
        uint64_t n = atomic_load(&s->count);
        if (!n)
            continue;
        fprintf(f, "%-16s %12" PRIu64 " %10" PRIu64 " %12.1f\n",
                fsp_opcode_name(op), n, (uint64_t)atomic_load(&s->errors),
                (double)atomic_load(&s->total_ns) / 1000.0 / (double)n);
    }
    fprintf(f, "async_completions %" PRIu64 "\n",
            (uint64_t)atomic_load(&se->detached_total));
    fprintf(f, "spliced_replies %" PRIu64 "\n",
            (uint64_t)atomic_load(&se->spliced_total));
    if (se->t->describe)
        se->t->describe(se->t, f);
}
