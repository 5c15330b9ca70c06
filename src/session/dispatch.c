/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decode one request and hand it to its handler.
 *
 * The session answers the requests that are about the connection itself
 * (INIT, INTERRUPT, DESTROY) and routes the rest by opcode to the
 * low-level handlers.  Any opcode without a handler gets ENOSYS, which the
 * kernel remembers for most operations, so an unimplemented feature costs
 * one round trip per mount rather than one per call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_int.h"

const void *ses_req_arg(const struct ses_request *req, size_t size)
{
    return req->arglen >= size ? req->arg : NULL;
}

const char *ses_req_name(const struct ses_request *req, size_t off)
{
    if (off >= req->arglen)
        return NULL;
    const char *s = (const char *)req->arg + off;
    return memchr(s, 0, req->arglen - off) ? s : NULL;
}

static void inflight_add(struct ses_request *req)
{
    struct ses_session *se = req->se;
    pthread_mutex_lock(&se->inflight_lock);
    req->inflight_prev = NULL;
    req->inflight_next = se->inflight;
    if (se->inflight)
        se->inflight->inflight_prev = req;
    se->inflight = req;
    pthread_mutex_unlock(&se->inflight_lock);
}

void ses_inflight_remove(struct ses_request *req)
{
    struct ses_session *se = req->se;
    pthread_mutex_lock(&se->inflight_lock);
    if (req->inflight_prev)
        req->inflight_prev->inflight_next = req->inflight_next;
    else if (se->inflight == req)
        se->inflight = req->inflight_next;
    if (req->inflight_next)
        req->inflight_next->inflight_prev = req->inflight_prev;
    req->inflight_next = req->inflight_prev = NULL;
    pthread_mutex_unlock(&se->inflight_lock);
}

/* The kernel asks to interrupt request `unique`.  If it is being served,
 * flag it (the file system polls fsp_request_interrupted), tell the layer
 * above if it asked to be told, and send no reply.  If it is not here
 * yet, answer EAGAIN: the kernel then queues the interrupt again, by
 * which time the request has arrived or ended. */
static void do_interrupt(struct ses_request *req)
{
    const struct wire_interrupt_in *in = ses_req_arg(req, sizeof *in);
    if (!in) {
        ses_reply_err(req, -EINVAL);
        return;
    }
    struct ses_session *se = req->se;
    const struct ses_interrupt_hook *hook = NULL;
    void *data = NULL;
    int found = 0;
    pthread_mutex_lock(&se->inflight_lock);
    for (struct ses_request *r = se->inflight; r; r = r->inflight_next)
        if (r->unique == in->unique) {
            atomic_store(&r->interrupted, 1);
            found = 1;
            hook = r->intr_hook;
            data = r->intr_data;
            /* r may be answered and freed once the lock is dropped;
             * the reference taken here keeps `data` for notify. */
            if (hook)
                hook->hold(data);
            break;
        }
    pthread_mutex_unlock(&se->inflight_lock);
    if (found)
        ses_reply_none(req);
    else
        ses_reply_err(req, -EAGAIN);
    if (hook)
        hook->notify(data);
}

int ses_req_on_interrupt(struct ses_request *req,
                         const struct ses_interrupt_hook *hook, void *data)
{
    struct ses_session *se = req->se;
    pthread_mutex_lock(&se->inflight_lock);
    req->intr_hook = hook;
    req->intr_data = hook ? data : NULL;
    int was = atomic_load(&req->interrupted);
    pthread_mutex_unlock(&se->inflight_lock);
    return was;
}

/* DESTROY comes for fuseblk mounts, whose unmount waits for the answer:
 * a layer with work to finish first answers it from op[WIRE_OP_DESTROY]. */
static void do_destroy(struct ses_request *req)
{
    struct ses_session *se = req->se;
    if (atomic_load(&se->initialized) && se->ops.op[WIRE_OP_DESTROY])
        se->ops.op[WIRE_OP_DESTROY](req);
    else
        ses_reply_err(req, 0);
    ses_exit(se);
}

int ses_process(struct ses_session *se, void *buf, size_t len,
                        size_t bufsize)
{
    const struct wire_in_header *in = buf;
    if (len < sizeof *in || in->len != len)
        return 0; /* the kernel never sends this; nothing to answer */

    size_t ext = (size_t)in->total_extlen * 8;
    struct ses_request req = {
        .se = se,
        .unique = in->unique,
        .nodeid = in->nodeid,
        .opcode = in->opcode,
        .uid = in->uid,
        .gid = in->gid,
        .pid = in->pid,
        .arg = (const char *)buf + sizeof *in,
        .arglen = len - sizeof *in >= ext ? len - sizeof *in - ext : 0,
        .start_ns = ses_now_ns(),
        .buf = buf,
        .bufsize = bufsize,
    };
    atomic_init(&req.interrupted, 0);

    if (in->opcode < SES_OPCODE_SLOTS)
        atomic_fetch_add_explicit(&se->stats[in->opcode].count, 1,
                                  memory_order_relaxed);
    if (se->p.debug && se->p.trace)
        se->p.trace(se->userdata, &req, 0, 0, len);
    else if (se->p.debug)
        ses_trace_request(se, &req);

    switch (in->opcode) {
    case WIRE_OP_INIT:
        ses_do_init(&req);
        break;
    case WIRE_OP_INTERRUPT:
        do_interrupt(&req);
        break;
    case WIRE_OP_DESTROY:
        do_destroy(&req);
        break;
    case WIRE_OP_NOTIFY_REPLY:
        /* Answers a RETRIEVE the layer above sent, if it sends any. */
        if (atomic_load(&se->initialized) && se->ops.op[WIRE_OP_NOTIFY_REPLY])
            se->ops.op[WIRE_OP_NOTIFY_REPLY](&req);
        else
            ses_reply_none(&req);
        break;
    default:
        if (!atomic_load(&se->initialized)) {
            /* Forgets are never answered, not even this way. */
            if (in->opcode == WIRE_OP_FORGET ||
                in->opcode == WIRE_OP_BATCH_FORGET)
                ses_reply_none(&req);
            else
                ses_reply_err(&req, -EIO);
            break;
        }
        if (in->opcode >= SES_LL_OPS_MAX || !se->ops.op[in->opcode]) {
            ses_reply_err(&req, -ENOSYS);
            break;
        }
        inflight_add(&req);
        se->ops.op[in->opcode](&req);
        break;
    }
    /* A handler that detached the request replies later; otherwise the
     * request must have been answered by now. */
    if (!req.replied && !req.detached)
        ses_reply_err(&req, -EIO);
    return req.buf_taken;
}

_Thread_local int ses_transport_buf;

struct ses_request *ses_req_detach(struct ses_request *req)
{
    struct ses_request *copy = malloc(sizeof *copy);
    if (!copy)
        return NULL;
    struct ses_session *se = req->se;
    /* The copy takes the original's place in the in-flight table in one
     * step, so an INTERRUPT arriving meanwhile finds one of the two, with
     * the hook and flag that are current (both change under this lock). */
    pthread_mutex_lock(&se->inflight_lock);
    memcpy(copy, req, sizeof *copy);
    atomic_init(&copy->interrupted, atomic_load(&req->interrupted));
    if (copy->inflight_prev)
        copy->inflight_prev->inflight_next = copy;
    else if (se->inflight == req)
        se->inflight = copy;
    if (copy->inflight_next)
        copy->inflight_next->inflight_prev = copy;
    req->inflight_next = req->inflight_prev = NULL;
    req->intr_hook = NULL;
    req->intr_data = NULL;
    pthread_mutex_unlock(&se->inflight_lock);
    copy->detached = 1;
    copy->heap = 1;
    req->detached = 1;
    req->owner = NULL; /* the layer above moves its part to the copy */
    req->release = NULL;
    /* The body stays where it is: the copy takes the whole buffer. */
    copy->arg = req->arg;
    copy->owned = ses_transport_buf ? NULL : req->buf;
    req->buf_taken = 1;
    /* The copy may outlive the session's owner: see ses_delete. */
    atomic_fetch_add(&se->refs, 1);
    atomic_fetch_add(&se->ndetached, 1);
    atomic_fetch_add(&se->detached_total, 1);
    return copy;
}
