/*
 * The request a thread is serving, as the high-level API shows it:
 * fuse_get_context, fuse_getgroups and fuse_interrupted take no request
 * argument, so each handler records its request in thread-local storage
 * before it calls the file system.
 */
#include <errno.h>
#include <string.h>

#include "compat/fuse3/hl.h"

static _Thread_local struct fuse_context tls_ctx;
static _Thread_local fuse_req_t tls_req;

struct fuse *hl_enter(fuse_req_t req)
{
    struct fuse *f = fuse_req_userdata(req);
    const struct fuse_ctx *c = fuse_req_ctx(req);
    tls_req = req;
    tls_ctx.fuse = f;
    tls_ctx.uid = c->uid;
    tls_ctx.gid = c->gid;
    tls_ctx.pid = c->pid;
    tls_ctx.umask = c->umask;
    tls_ctx.private_data = f->fs->user_data;
    return f;
}

void hl_enter_fuse(struct fuse *f)
{
    memset(&tls_ctx, 0, sizeof tls_ctx);
    tls_req = NULL;
    tls_ctx.fuse = f;
    tls_ctx.private_data = f->fs ? f->fs->user_data : NULL;
}

void hl_leave(void)
{
    /* The request may be answered and freed after this: forget it, but
     * keep fuse and private_data, which outlive requests (a program may
     * look at them from a thread of its own that once served one). */
    tls_req = NULL;
    tls_ctx.uid = 0;
    tls_ctx.gid = 0;
    tls_ctx.pid = 0;
    tls_ctx.umask = 0;
}

/* As in libfuse: NULL on a thread that never had a file system's
 * context (main before fuse_new, a thread of the program's own). */
struct fuse_context *fuse_get_context(void)
{
    return tls_ctx.fuse ? &tls_ctx : NULL;
}

int fuse_getgroups(int size, gid_t list[])
{
    if (!tls_req)
        return -EPERM;
    return fuse_req_getgroups(tls_req, size, list);
}

int fuse_interrupted(void)
{
    return tls_req ? fuse_req_interrupted(tls_req) : 0;
}
