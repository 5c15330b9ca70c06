/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replies.  Each public function is named after the request it answers
 * and builds the out-header itself, so a handler never touches framing.
 * All of them end in send_reply(), the one place that counts errors and
 * time, writes the trace line, leaves the interrupt table and frees what
 * the request owned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_int.h"

/* finish's outlen when nothing was sent (reply_none, a dropped reply). */
#define NO_MESSAGE ((size_t)-1)

static void finish(struct ses_request *req, int error, size_t outlen)
{
    struct ses_session *se = req->se;
    if (req->opcode < SES_OPCODE_SLOTS) {
        struct ses_op_stats *s = &se->stats[req->opcode];
        if (error)
            atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&s->total_ns, ses_now_ns() - req->start_ns,
                                  memory_order_relaxed);
    }
    if (se->p.debug && se->p.trace) {
        if (outlen != NO_MESSAGE)
            se->p.trace(se->userdata, req, 1, error,
                        sizeof(struct wire_out_header) + outlen);
    } else if (se->p.debug) {
        ses_trace_reply(se, req, error, outlen == NO_MESSAGE ? 0 : outlen);
    }
    ses_inflight_remove(req);
    req->replied = 1;
    /* The layer above lets go of its part (for the native API: a path
     * it computed, a backing file registered for an open that failed). */
    if (req->release) {
        void (*release)(struct ses_request *) = req->release;
        req->release = NULL;
        release(req);
    }
    free(req->owned);
    req->owned = NULL;
    if (req->heap) {
        atomic_fetch_sub(&se->ndetached, 1);
        free(req);
        ses_put(se); /* the request's reference: may free se */
    }
}

/* A detached request may be answered after the session's owner deleted
 * it: then only the reference the request holds keeps anything alive,
 * and nothing is sent (the transport's descriptors are closed, their
 * numbers maybe reused).  Returns 1 when the reply may be sent, after
 * which late_end must follow; 0 when the request was dropped. */
static int late_begin(struct ses_request *req, int error)
{
    if (!req->heap || !ses_enter(req->se))
        return 1;
    finish(req, error, NO_MESSAGE);
    return 0;
}

static void late_end(struct ses_session *se, int heap)
{
    if (heap)
        ses_leave(se);
}

/* Frame iov[1..cnt) with an out-header in iov[0] and send it; *len gets
 * the body length.  Replies carry the request's unique; notifications
 * carry 0 and their code in the error field. */
static int send_framed(struct ses_session *se, uint64_t unique, int error,
                       struct iovec *iov, int cnt, size_t *len)
{
    struct wire_out_header out = { .unique = unique, .error = error };
    *len = 0;
    for (int i = 1; i < cnt; i++)
        *len += iov[i].iov_len;
    out.len = (uint32_t)(sizeof out + *len);
    iov[0].iov_base = &out;
    iov[0].iov_len = sizeof out;
    return se->t->send(se->t, iov, cnt);
}

/* iov[0] is reserved for the out-header. */
static int send_reply(struct ses_request *req, int error, struct iovec *iov,
                      int cnt)
{
    struct ses_session *se = req->se;
    int heap = req->heap;
    size_t len;
    if (!late_begin(req, error))
        return -ENOTCONN;
    int r = send_framed(se, req->unique, error, iov, cnt, &len);
    /* finish frees a detached request, but the session stays: its owner
     * cannot let go of it before late_end. */
    finish(req, error, len);
    late_end(se, heap);
    return r;
}

int ses_reply_err(struct ses_request *req, int err)
{
    struct iovec iov[1];
    if (err > 0 || err < -4095)
        err = -EIO;
    return send_reply(req, err, iov, 1);
}

int ses_reply_none(struct ses_request *req)
{
    struct ses_session *se = req->se;
    int heap = req->heap;
    if (!late_begin(req, 0))
        return -ENOTCONN;
    finish(req, 0, NO_MESSAGE);
    late_end(se, heap);
    return 0;
}

int ses_reply_iov(struct ses_request *req, const struct iovec *iov, int cnt)
{
    struct iovec v[8];
    if (cnt > 7)
        return ses_reply_err(req, -EIO);
    memcpy(v + 1, iov, (size_t)cnt * sizeof *iov);
    return send_reply(req, 0, v, cnt + 1);
}

int ses_reply_buf(struct ses_request *req, const void *buf, size_t size)
{
    struct iovec v[2] = { { 0 }, { (void *)buf, size } };
    return send_reply(req, 0, v, size ? 2 : 1);
}

int ses_reply_entry(struct ses_request *req, const struct wire_entry_out *e)
{
    return ses_reply_buf(req, e, sizeof *e);
}

int ses_reply_attr(struct ses_request *req, const struct wire_attr_out *a)
{
    return ses_reply_buf(req, a, sizeof *a);
}

int ses_reply_statx(struct ses_request *req, const struct wire_statx_out *s)
{
    return ses_reply_buf(req, s, sizeof *s);
}

int ses_reply_open(struct ses_request *req, const struct wire_open_out *o)
{
    return ses_reply_buf(req, o, sizeof *o);
}

int ses_reply_create(struct ses_request *req, const struct wire_entry_out *e,
                     const struct wire_open_out *o)
{
    struct iovec v[3] = { { 0 }, { (void *)e, sizeof *e },
                          { (void *)o, sizeof *o } };
    return send_reply(req, 0, v, 3);
}

int ses_reply_write(struct ses_request *req, uint32_t size)
{
    struct wire_write_out o = { .size = size };
    return ses_reply_buf(req, &o, sizeof o);
}

int ses_reply_data(struct ses_request *req, const void *buf, size_t size)
{
    return ses_reply_buf(req, buf, size);
}

/* Below this a splice's extra system calls (four, against pread and
 * writev) cost more than the copy it saves. */
#define SPLICE_MIN_BYTES (32u << 10)

int ses_reply_data_fd(struct ses_request *req, int fd, uint64_t off,
                      uint32_t len)
{
    struct ses_transport *t = req->se->t;
    uint32_t sent = 0;
    if (req->opcode != WIRE_OP_READ || req->replied)
        return -EINVAL;
    if (!t->send_fd || len < SPLICE_MIN_BYTES)
        return -EOPNOTSUPP;
    int r = t->send_fd(t, req->unique, fd, off, len, &sent);
    if (!r) {
        atomic_fetch_add_explicit(&req->se->spliced_total, 1,
                                  memory_order_relaxed);
        finish(req, 0, sent);
    }
    return r;
}

int ses_reply_statfs(struct ses_request *req, const struct wire_kstatfs *st)
{
    struct wire_statfs_out o = { .st = *st };
    return ses_reply_buf(req, &o, sizeof o);
}

int ses_reply_xattr(struct ses_request *req, uint32_t size)
{
    struct wire_getxattr_out o = { .size = size };
    return ses_reply_buf(req, &o, sizeof o);
}

int ses_reply_readlink(struct ses_request *req, const char *target)
{
    return ses_reply_buf(req, target, strlen(target));
}

static int notify(struct ses_session *se, int code, struct iovec *iov, int cnt)
{
    size_t len;
    return send_framed(se, 0, code, iov, cnt, &len);
}

int ses_notify_iov(struct ses_session *se, int code, struct iovec *iov,
                   int cnt)
{
    return notify(se, code, iov, cnt);
}

int ses_notify_inval_inode(struct ses_session *se, uint64_t nodeid,
                           int64_t off, int64_t len)
{
    struct wire_notify_inval_inode_out o = { .ino = nodeid, .off = off,
                                            .len = len };
    struct iovec v[2] = { { 0 }, { &o, sizeof o } };
    return notify(se, WIRE_NOTIFY_INVAL_INODE, v, 2);
}

int ses_notify_inval_entry(struct ses_session *se, uint64_t parent,
                           const char *name, size_t namelen)
{
    struct wire_notify_inval_entry_out o = { .parent = parent,
                                            .namelen = (uint32_t)namelen };
    struct iovec v[3] = { { 0 }, { &o, sizeof o },
                          { (void *)name, namelen + 1 } };
    return notify(se, WIRE_NOTIFY_INVAL_ENTRY, v, 3);
}
