/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a callback may ask of its request, and asynchronous completion.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "native/ops_common.h"

uid_t fsp_request_uid(const fsp_request *req) { return req->s->uid; }
gid_t fsp_request_gid(const fsp_request *req) { return req->s->gid; }
pid_t fsp_request_pid(const fsp_request *req) { return (pid_t)req->s->pid; }
mode_t fsp_request_umask(const fsp_request *req) { return req->s->umask; }

int fsp_request_interrupted(const fsp_request *req)
{
    return atomic_load(&req->s->interrupted);
}

fsp_fs *fsp_request_fs(const fsp_request *req)
{
    return req_fs(req);
}

const char *fsp_request_path(fsp_request *req)
{
    if (!req->path && req->node)
        req->path = nat_node_path(req_fs(req), req->node, req->name);
    return req->path;
}

int fsp_request_passthrough(fsp_request *req, int fd)
{
    struct fsp_fs *fs = req_fs(req);
    const struct ses_conn *c = ses_conn(req->s->se);
    if (req->s->opcode != WIRE_OP_OPEN && req->s->opcode != WIRE_OP_CREATE)
        return -EINVAL;
    if (!(fs->vp.flags & FSP_VOL_PASSTHROUGH) ||
        !(c->want_flags & WIRE_PASSTHROUGH))
        return -ENOTSUP;
    if (req->backing_id > 0)
        ses_backing_close(req->s->se, req->backing_id);
    int id = ses_backing_open(req->s->se, fd);
    req->backing_id = id > 0 ? id : 0;
    return id > 0 ? 0 : id;
}

int fsp_request_read_fd(fsp_request *req, int fd, uint64_t offset,
                        uint32_t length)
{
    if (req->s->opcode != WIRE_OP_READ || req->s->detached)
        return -EINVAL;
    const struct wire_read_in *in = req->s->arg;
    if (length > in->size)
        length = in->size;
    return ses_reply_data_fd(req->s, fd, offset, length);
}

void nat_request_drop(struct fsp_request *req)
{
    /* A backing file registered for an open that then failed. */
    if (req->backing_id > 0)
        ses_backing_close(req->s->se, req->backing_id);
    req->backing_id = 0;
    free(req->path);
    req->path = NULL;
}

/* The session answered a pended request: its native copy goes too. */
static void release_pended(struct ses_request *sr)
{
    struct fsp_request *req = sr->owner;
    nat_request_drop(req);
    free(req);
}

fsp_request *fsp_request_pend(fsp_request *req)
{
    if (req->s->opcode != WIRE_OP_READ && req->s->opcode != WIRE_OP_WRITE)
        return NULL; /* version 1 completes reads and writes later */
    struct fsp_request *copy = malloc(sizeof *copy);
    if (!copy)
        return NULL;
    struct ses_request *sr = ses_req_detach(req->s);
    if (!sr) {
        free(copy);
        return NULL;
    }
    *copy = *req;
    copy->s = sr;
    sr->owner = copy;
    sr->release = release_pended;
    /* The copy owns them now. */
    req->path = NULL;
    req->backing_id = 0;
    return copy;
}

/* fsp_request_complete with the session held open. */
static void complete(fsp_request *req, int result, uint32_t bytes,
                     const struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    result = nat_check_result(fs, "completion", result);
    if (result == FSP_PENDING)
        result = -EIO;
    if (result) {
        ses_reply_err(req->s, result);
        return;
    }
    if (req->s->opcode == WIRE_OP_READ) {
        const struct wire_read_in *in = req->s->arg;
        size_t used = (((const struct wire_in_header *)req->s->buf)->len + 63) &
                      ~(size_t)63;
        size_t max = req->s->bufsize - used;
        if (max > in->size)
            max = in->size;
        ses_reply_data(req->s, (char *)req->s->buf + used, bytes > max ? max : bytes);
    } else if (req->s->opcode == WIRE_OP_WRITE) {
        const struct wire_write_in *in = req->s->arg;
        /* As nat_op_write does for a write finished at once. */
        int r = 0;
        if ((in->write_flags & WIRE_WRITE_KILL_SUIDGID) && req->node &&
            (!fi || (fi->mode & (S_ISUID | S_ISGID)))) {
            struct nat_open *o = open_of(in->fh);
            r = nat_kill_suidgid(req, req->node, o ? o->file : NULL);
        }
        if (r)
            ses_reply_err(req->s, r);
        else
            ses_reply_write(req->s, bytes > in->size ? in->size : bytes);
    } else {
        ses_reply_err(req->s, -EIO);
    }
}

void fsp_request_complete(fsp_request *req, int result, uint32_t bytes,
                          const struct fsp_file_info *fi)
{
    struct ses_session *se = req->s->se;
    /* After fsp_fs_run ended the session, the fs may be freed already:
     * drop the request without looking at it.  Otherwise the fs stays
     * until ses_leave. */
    if (ses_enter(se)) {
        ses_reply_err(req->s, -ENOTCONN);
        return;
    }
    complete(req, result, bytes, fi);
    ses_leave(se);
}
