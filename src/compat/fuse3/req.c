/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
 *
 * Interrupts: the first interrupt function registered asks fsp's session
 * for a hook (ses_req_on_interrupt), so the thread that reads the
 * kernel's INTERRUPT calls the function, as libfuse does; one registered
 * after the INTERRUPT arrived is called at once.  The function runs with
 * the request's lock held by its thread: a reply from another thread
 * waits until it returns, so it never starts once the request has been
 * answered, and the reference the session's hold took keeps the request
 * allocated until it returns.  The calls the function may make on its
 * own request (reply, fuse_req_interrupted, fuse_req_interrupt_func)
 * know, by tls_calling, that the lock is already theirs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

/* The request whose interrupt function this thread is running. */
static _Thread_local struct fuse_req *tls_calling;

static void req_lock(struct fuse_req *req)
{
    if (tls_calling != req)
        pthread_mutex_lock(&req->lock);
}

static void req_unlock(struct fuse_req *req)
{
    if (tls_calling != req)
        pthread_mutex_unlock(&req->lock);
}

struct fuse_req *fsp_fuse_req_begin(struct fuse_session *se,
                                    struct ses_request *r)
{
    struct fuse_req *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->r = r;
    req->se = se;
    req->ctx.uid = r->uid;
    req->ctx.gid = r->gid;
    req->ctx.pid = (pid_t)r->pid;
    /* io_uring queue threads own their buffers; /dev/fuse readers not */
    req->uring = ses_transport_buf;
    atomic_init(&req->refs, 2); /* the handler's and the reply's */
    pthread_mutex_init(&req->lock, NULL);
    return req;
}

static void put(struct fuse_req *req)
{
    /* Called with req->lock held.  Only intr_hold adds references
     * without it, and only while the reply's is still held, so the count
     * never rises again once it reached zero. */
    int last = atomic_fetch_sub(&req->refs, 1) == 1;
    req_unlock(req);
    if (last) {
        pthread_mutex_destroy(&req->lock);
        free(req);
    }
}

void fsp_fuse_req_end(struct fuse_req *req)
{
    req_lock(req);
    if (!req->replied && !req->dummy) {
        struct ses_request *copy = ses_req_detach(req->r);
        if (copy) {
            req->r = copy;
        } else {
            /* Cannot keep it: answer now.  A later reply finds it taken;
             * the reply's reference stays, so the program's pointer
             * never dangles (a small leak on an out-of-memory path). */
            ses_reply_err(req->r, -ENOMEM);
            req->replied = 1;
        }
    }
    put(req);
}

struct ses_request *fsp_fuse_req_take(struct fuse_req *req)
{
    req_lock(req);
    if (req->dummy && !req->replied) {
        /* One forget of a batch: the batch itself is answered once by
         * the dispatcher, this reply only releases the stand-in. */
        req->replied = 1;
        put(req);
        return NULL;
    }
    if (req->replied) {
        req_unlock(req);
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

/* Call the interrupt function f of req, with req->lock held. */
static void call_ifunc(struct fuse_req *req, fuse_interrupt_func_t f,
                       void *data)
{
    struct fuse_req *outer = tls_calling;
    tls_calling = req;
    f(req, data);
    tls_calling = outer;
}

/* Under the session's in-flight lock: see fsp_interrupt_hook. */
static void intr_hold(void *data)
{
    struct fuse_req *req = data;
    atomic_fetch_add(&req->refs, 1);
}

/* The INTERRUPT for req arrived: call its function unless it has been
 * answered meanwhile, then drop intr_hold's reference. */
static void intr_notify(void *data)
{
    struct fuse_req *req = data;
    req_lock(req);
    req->intr_seen = 1;
    if (!req->replied && req->ifunc)
        call_ifunc(req, req->ifunc, req->idata);
    put(req);
}

static const struct ses_interrupt_hook intr_hook = {
    .hold = intr_hold,
    .notify = intr_notify,
};

void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
                             void *data)
{
    req_lock(req);
    req->ifunc = func;
    req->idata = data;
    /* A reply ended the request (registering then is the program's
     * mistake); a forget of a batch cannot be interrupted. */
    if (req->replied || req->dummy) {
        req_unlock(req);
        return;
    }
    if (func && !req->hooked) {
        req->hooked = 1;
        /* An INTERRUPT that came before the hook counts as seen. */
        if (ses_req_on_interrupt(req->r, &intr_hook, req))
            req->intr_seen = 1;
    }
    /* Already interrupted: call it now, as libfuse does, unless this is
     * the function itself re-registering (it already runs). */
    if (func && req->intr_seen && tls_calling != req) {
        /* The function may answer, dropping the reference the caller
         * holds: keep the request until it returns. */
        atomic_fetch_add(&req->refs, 1);
        call_ifunc(req, func, data);
        put(req);
        return;
    }
    req_unlock(req);
}

int fuse_req_interrupted(fuse_req_t req)
{
    req_lock(req);
    int v = !req->replied &&
            (req->intr_seen || atomic_load(&req->r->interrupted));
    req_unlock(req);
    return v;
}
