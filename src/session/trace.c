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
    case WIRE_OP_LOOKUP: case WIRE_OP_UNLINK: case WIRE_OP_RMDIR: {
        const char *name = ses_req_name(req, 0);
        snprintf(buf, size, " name=%s", name ? name : "?");
        break;
    }
    case WIRE_OP_MKDIR: {
        const char *name = ses_req_name(req, sizeof(struct wire_mkdir_in));
        snprintf(buf, size, " name=%s", name ? name : "?");
        break;
    }
    case WIRE_OP_CREATE: {
        const struct wire_create_in *in = ses_req_arg(req, sizeof *in);
        const char *name = ses_req_name(req, sizeof(struct wire_create_in));
        snprintf(buf, size, " name=%s flags=0%o mode=0%o",
                 name ? name : "?", in ? in->flags : 0, in ? in->mode : 0);
        break;
    }
    case WIRE_OP_READ: case WIRE_OP_READDIR: case WIRE_OP_READDIRPLUS: {
        const struct wire_read_in *in = ses_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " fh=%" PRIu64 " off=%" PRIu64 " size=%u",
                     in->fh, in->offset, in->size);
        break;
    }
    case WIRE_OP_WRITE: {
        const struct wire_write_in *in = ses_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " fh=%" PRIu64 " off=%" PRIu64 " size=%u",
                     in->fh, in->offset, in->size);
        break;
    }
    case WIRE_OP_FORGET: {
        const struct wire_forget_in *in = ses_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " nlookup=%" PRIu64, in->nlookup);
        break;
    }
    case WIRE_OP_SETATTR: {
        const struct wire_setattr_in *in = ses_req_arg(req, sizeof *in);
        if (in)
            snprintf(buf, size, " valid=0x%x", in->valid);
        break;
    }
    default:
        break;
    }
}

void ses_trace_request(struct ses_session *se, const struct ses_request *req)
{
    char args[512];
    describe(req, args, sizeof args);
    pthread_mutex_lock(&se->trace_lock);
    fprintf(stderr, "fsp: -> #%" PRIu64 " %s node=%" PRIu64 " uid=%u pid=%u%s\n",
            req->unique, wire_opcode_name(req->opcode), req->nodeid, req->uid,
            req->pid, args);
    pthread_mutex_unlock(&se->trace_lock);
}

void ses_trace_reply(struct ses_session *se, const struct ses_request *req,
                     int error, size_t outlen)
{
    uint64_t us = (ses_now_ns() - req->start_ns) / 1000;
    pthread_mutex_lock(&se->trace_lock);
    if (error)
        fprintf(stderr, "fsp: <- #%" PRIu64 " %s error %d (%s) %" PRIu64 "us\n",
                req->unique, wire_opcode_name(req->opcode), error,
                strerror(-error), us);
    else
        fprintf(stderr, "fsp: <- #%" PRIu64 " %s ok %zu bytes %" PRIu64 "us\n",
                req->unique, wire_opcode_name(req->opcode), outlen, us);
    pthread_mutex_unlock(&se->trace_lock);
}

const struct ses_op_stats *ses_stats(const struct ses_session *se,
                                             uint32_t opcode)
{
    return opcode < SES_OPCODE_SLOTS ? &se->stats[opcode] : NULL;
}

void ses_print_stats(const struct ses_session *se, void *file)
{
    FILE *f = file;
    fprintf(f, "%-16s %12s %10s %12s\n", "opcode", "count", "errors",
            "avg_us");
    for (uint32_t op = 0; op < SES_OPCODE_SLOTS; op++) {
        const struct ses_op_stats *s = &se->stats[op];
        uint64_t n = atomic_load(&s->count);
        if (!n)
            continue;
        fprintf(f, "%-16s %12" PRIu64 " %10" PRIu64 " %12.1f\n",
                wire_opcode_name(op), n, (uint64_t)atomic_load(&s->errors),
                (double)atomic_load(&s->total_ns) / 1000.0 / (double)n);
    }
    fprintf(f, "async_completions %" PRIu64 "\n",
            (uint64_t)atomic_load(&se->detached_total));
    fprintf(f, "spliced_replies %" PRIu64 "\n",
            (uint64_t)atomic_load(&se->spliced_total));
    if (se->t->describe)
        se->t->describe(se->t, f);
}
