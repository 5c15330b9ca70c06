/*
 * The fuse_req_t a handler receives, and what a program may ask of it.
 *
 * libfuse lets a program answer a request after its handler returned,
 * from any thread.  An fsp request lives in the dispatcher's receive
 * buffer only while the handler runs, so when the handler returns
 * without having replied, fsp_fuse_req_end detaches it (the heap copy
 * keeps the buffer, and with it the names and data the program was
 * given).  The per-request lock orders that hand-over against a reply
 * made meanwhile by another thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

struct fuse_req *fsp_fuse_req_begin(struct fuse_session *se,
                                    struct fsp_request *r)
{
    struct fuse_req *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->r = r;
    req->se = se;
    req->ctx.uid = r->uid;
    req->ctx.gid = r->gid;
    req->ctx.pid = (pid_t)r->pid;
    req->refs = 2; /* the handler's and the reply's */
    pthread_mutex_init(&req->lock, NULL);
    return req;
}

static void put(struct fuse_req *req)
{
    /* Called with req->lock held. */
    int last = --req->refs == 0;
    pthread_mutex_unlock(&req->lock);
    if (last) {
        pthread_mutex_destroy(&req->lock);
        free(req);
    }
}

void fsp_fuse_req_end(struct fuse_req *req)
{
    pthread_mutex_lock(&req->lock);
    if (!req->replied && !req->dummy) {
        struct fsp_request *copy = fsp_req_detach(req->r);
        if (copy) {
            req->r = copy;
        } else {
            /* Cannot keep it: answer now.  A later reply finds it taken;
             * the reply's reference stays, so the program's pointer
             * never dangles (a small leak on an out-of-memory path). */
            fsp_reply_err(req->r, -ENOMEM);
            req->replied = 1;
        }
    }
    put(req);
}

struct fsp_request *fsp_fuse_req_take(struct fuse_req *req)
{
    pthread_mutex_lock(&req->lock);
    if (req->dummy && !req->replied) {
        /* One forget of a batch: the batch itself is answered once by
         * the dispatcher, this reply only releases the stand-in. */
        req->replied = 1;
        put(req);
        return NULL;
    }
    if (req->replied) {
        pthread_mutex_unlock(&req->lock);
        fuse_log(FUSE_LOG_ERR, "fuse: request answered twice\n");
        return NULL;
    }
    req->replied = 1;
    return req->r;
}

void fsp_fuse_req_done(struct fuse_req *req)
{
    put(req);
}

void *fuse_req_userdata(fuse_req_t req)
{
    return req->se->userdata;
}

const struct fuse_ctx *fuse_req_ctx(fuse_req_t req)
{
    return &req->ctx;
}

/* Like libfuse: the groups of the calling thread, from procfs. */
int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[])
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%lu/task/%lu/status",
             (unsigned long)req->ctx.pid, (unsigned long)req->ctx.pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    char *line = NULL;
    size_t cap = 0;
    int ret = -EIO;
    while (getline(&line, &cap, f) >= 0) {
        if (strncmp(line, "Groups:", 7) != 0)
            continue;
        ret = 0;
        char *s = line + 7, *end;
        for (;;) {
            unsigned long g = strtoul(s, &end, 10);
            if (end == s)
                break;
            if (ret < size)
                list[ret] = (gid_t)g;
            ret++;
            s = end;
        }
        break;
    }
    free(line);
    fclose(f);
    return ret;
}

/*
 * fsp marks a request interrupted when the kernel's INTERRUPT finds it;
 * the compat layer sees that flag, but gets no call at that moment, so a
 * registered function runs only if the interrupt already arrived when it
 * is registered (see docs/compat.md).
 */
void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
                             void *data)
{
    pthread_mutex_lock(&req->lock);
    req->ifunc = func;
    req->idata = data;
    int now = func && !req->replied && atomic_load(&req->r->interrupted);
    pthread_mutex_unlock(&req->lock);
    if (now)
        func(req, data);
}

int fuse_req_interrupted(fuse_req_t req)
{
    pthread_mutex_lock(&req->lock);
    int v = !req->replied && atomic_load(&req->r->interrupted);
    pthread_mutex_unlock(&req->lock);
    return v;
}
