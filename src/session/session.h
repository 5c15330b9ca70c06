/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Session layer: one FUSE connection.  It negotiates INIT, reads requests
 * through a transport, decodes their headers, keeps per-opcode counters,
 * the debug trace and the interrupt table, runs the dispatcher threads,
 * and encodes replies.  What a request means is the business of the
 * low-level handlers registered in struct ses_ll_ops (layer 3), which the
 * native API (layer 4) implements.
 *
 * Rule: every request gets exactly one reply (FORGET and BATCH_FORGET get
 * none, and INTERRUPT only when the interrupted request is not found).
 * Every ses_reply_* call is that one reply; it may be made from any
 * thread, which is what lets a request complete asynchronously.
 */
#ifndef FSP_SESSION_SESSION_H
#define FSP_SESSION_SESSION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>
#include <time.h>

#include "kernel/wire.h"

struct ses_session;
struct ses_conn;

/*
 * Transport: how requests come in and replies go out.  The /dev/fuse
 * transport reads and writes the device; FUSE-over-io_uring and tests
 * plug in here without touching the layers above.
 */
struct ses_transport {
    /* Block until one request is in buf; return its length or -errno
     * (-ENODEV: the connection is gone; -EINTR: woken by stop). */
    ssize_t (*receive)(struct ses_transport *t, void *buf, size_t size);
    /* Send one reply or notification (header first); 0 or -errno. */
    int (*send)(struct ses_transport *t, const struct iovec *iov, int cnt);
    /* Make every receive return -EINTR promptly; async-signal-safe. */
    void (*wake)(struct ses_transport *t);
    /* A dispatcher thread is about to exit: drop its per-thread state. */
    void (*thread_exit)(struct ses_transport *t);
    /* Free the transport (closing first what close would); called when
     * the last request that may point into it is gone. */
    void (*destroy)(struct ses_transport *t);

    /* Optional, for transports with threads of their own (io_uring).
     * prepare: during INIT, before the reply; nonzero means "do not ask
     * the kernel for this transport".  start: right after the INIT reply
     * when the kernel agreed.  join: stop and join those threads.
     * describe: one line for the counters. */
    int (*prepare)(struct ses_transport *t, const struct ses_conn *c);
    /* The connection's /dev/fuse descriptor, for its ioctls (backing
     * files); -1 when there is none. */
    int (*dev_fd)(struct ses_transport *t);
    int (*start)(struct ses_transport *t, struct ses_session *se);
    void (*join)(struct ses_transport *t);
    void (*describe)(struct ses_transport *t, FILE *f);
    /* Optional: answer request `unique` with up to len bytes of fd at
     * off without copying them through user space (splice); *sent gets
     * the bytes.  0 once answered, or -errno with nothing sent. */
    int (*send_fd)(struct ses_transport *t, uint64_t unique, int fd,
                   uint64_t off, uint32_t len, uint32_t *sent);
    /* Optional: end the connection (close every descriptor, stop and
     * join the transport's threads) but keep the memory requests may
     * still point into (io_uring entries) until destroy.  Called once,
     * when the session's owner deletes it; nothing is sent afterwards.
     * (Last, so that transports initialized by position still work.) */
    void (*close)(struct ses_transport *t);
};

/* FUSE over io_uring, wrapping the /dev/fuse transport `dev` (taken over)
 * for what still travels there; fd is the connection's /dev/fuse. */
struct ses_transport *ses_uring_transport_new(struct ses_transport *dev,
                                              int fd);

/* Set on threads whose receive buffers belong to the transport (io_uring
 * queue threads): a request detached there keeps its buffer until it is
 * answered, and the session never frees it. */
extern _Thread_local int ses_transport_buf;

/* The /dev/fuse transport over a duplicate of fd (the caller keeps and
 * closes fd; the transport closes its duplicate when destroyed). */
struct ses_transport *ses_dev_transport_new(int fd);

/* How long (microseconds) a /dev/fuse transport t keeps reading an empty
 * device before it sleeps; -1 picks the default (50 with more than one
 * CPU online, else 0), 0 turns busy polling off.  Any thread, any time
 * (the io_uring transport turns it off once its queues serve). */
void ses_dev_transport_busy_poll(struct ses_transport *t, int us);

/* Tell a /dev/fuse transport that another transport (io_uring) now
 * serves the requests, so only FORGET, INTERRUPT and notification replies
 * come its way: it stops polling and stops sleeping on the device, so
 * that sending those costs the kernel's clients no wakeup (see
 * dev_transport.c).  Returns the busy-poll budget (ns) it had, for the
 * transport taking over.  Any thread, once; there is no way back. */
int64_t ses_dev_transport_side_channel(struct ses_transport *t);

/* What INIT settled; readable by handlers after init. */
struct ses_conn {
    uint32_t proto_major, proto_minor;   /* the kernel's */
    uint64_t kernel_flags;               /* what the kernel offered */
    uint64_t want_flags;                 /* what we asked for (and got) */
    uint32_t max_write;
    uint32_t max_readahead;
    uint16_t max_pages;
    uint16_t request_timeout;            /* seconds, 0 = none */
    uint32_t time_gran;
    uint32_t max_stack_depth;            /* with WIRE_PASSTHROUGH */
    /* Background requests the kernel may queue, and where it starts
     * throttling; init may change them (libfuse's conn info does). */
    uint16_t max_background;
    uint16_t congestion_threshold;
};

/*
 * One request in flight.  Lives in the receiving thread's buffer unless
 * detached for asynchronous completion.  The session's own: the layer
 * above (the native API, the libfuse layers) keeps its per-request state
 * in a structure of its own, hung on `owner`, and frees it in `release`,
 * which the session calls once, when the request is answered (or, for a
 * forget, when the handler returns without an answer).
 */
struct ses_request {
    struct ses_session *se;
    uint64_t unique;
    uint64_t nodeid;
    uint32_t opcode;
    uint32_t uid, gid, pid;
    uint32_t umask;
    const void *arg;          /* body after the in-header */
    size_t arglen;
    atomic_int interrupted;
    int replied;
    /* The layer above's interrupt hook (ses_req_on_interrupt); read and
     * written under the session's in-flight lock. */
    const struct ses_interrupt_hook *intr_hook;
    void *intr_data;
    uint64_t start_ns;
    struct ses_request *inflight_next, *inflight_prev;
    /* The layer above's: its request state and how to let go of it.
     * release runs in the answering thread right after the reply is
     * sent (the request is still valid then, and freed after). */
    void *owner;
    void (*release)(struct ses_request *req);
    void *buf;                /* the receive buffer the request is in */
    size_t bufsize;
    int buf_taken;            /* a detached request kept buf */
    void *owned;              /* buffer freed with the request */
    int detached;             /* answered later from a heap copy */
    int heap;                 /* this is that copy: freed after its reply */
};

typedef void (*ses_ll_handler)(struct ses_request *req);

#define SES_LL_OPS_MAX 64

/* The low-level handlers: one per opcode, called with the decoded
 * header; each must reply exactly once (except forgets). */
struct ses_ll_ops {
    /* After the kernel's INIT is read and before the reply: adjust
     * conn->want_flags and limits.  May be NULL. */
    void (*init)(void *userdata, struct ses_conn *conn);
    /* When the session ends (DESTROY or unmount).  May be NULL. */
    void (*destroy)(void *userdata);
    ses_ll_handler op[SES_LL_OPS_MAX];
    /* WIRE_OP_BATCH_FORGET and friends above 63 are routed by session.
     * op[WIRE_OP_NOTIFY_REPLY], if set, gets the kernel's answers to
     * RETRIEVE notifications (and must reply none); unset, they are
     * dropped.  op[WIRE_OP_DESTROY], if set, answers DESTROY (sent for
     * fuseblk mounts, whose unmount waits for the answer) after work
     * that must be done by then; unset, the session answers at once.
     * The session ends after a DESTROY either way. */
};

/* Per-opcode counters, from the start of the session. */
struct ses_op_stats {
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t errors;
    atomic_uint_fast64_t total_ns;
};

/* Who makes the threads that process requests (the native API's
 * fsp_fs_set_thread_factory has the contract): spawn runs run(arg) on a
 * new thread and returns 0, or returns -errno.  NULL spawn: pthreads. */
struct ses_thread_factory {
    int (*spawn)(void *ctx, void (*run)(void *arg), void *arg);
    void *ctx;
};

struct ses_params {
    unsigned threads;         /* 0: one per CPU, at least 2 */
    unsigned max_threads;     /* 0: 4 x threads */
    int debug;
    uint16_t request_timeout; /* seconds; asked of the kernel in INIT */
    int io_uring;             /* ask for FUSE over io_uring */
    struct ses_thread_factory factory;  /* dispatchers and io_uring queues */
    /* Optional, with debug: print the trace through this instead of
     * fsp's own lines on stderr (the libfuse layers print libfuse's
     * format).  Called with reply 0 for each request (size: its bytes,
     * header included) and reply 1 for each answer sent (error, size:
     * the bytes sent, header included); not for a request answered with
     * no message (FORGET).  Any thread; calls may interleave. */
    void (*trace)(void *userdata, const struct ses_request *req, int reply,
                  int error, size_t size);
};

/*
 * A thread of the session's that processes requests: a pthread of ours,
 * or one the params' factory made, which we cannot pthread_join (the
 * factory's runtime owns it), so it says when it is done instead.  The
 * struct lives where its owner keeps it, from start to join.
 */
struct ses_thread {
    pthread_t tid;                 /* ours */
    struct ses_session *se;        /* the factory's: whose lock `done` is under */
    void *(*fn)(void *);
    void *arg;
    int done;                      /* the factory's: fn returned */
};

/* Start fn(arg) on a new thread with every asynchronous signal blocked
 * (they go to the thread that runs the session loop).  Returns 0 or
 * -errno.  Any thread; the session's pool lock may be held. */
int ses_thread_start(struct ses_session *se, struct ses_thread *th,
                     void *(*fn)(void *), void *arg);
/* Wait until the thread th has finished fn.  Not with the pool lock. */
void ses_thread_join(struct ses_thread *th);

/* Create a session serving `t` with handlers `ops`.  Takes ownership of
 * t.  userdata is passed to init/destroy and kept for handlers. */
int ses_new(struct ses_transport *t, const struct ses_ll_ops *ops,
                    void *userdata, const struct ses_params *p,
                    struct ses_session **out);
/*
 * The owner's end of the session (after ses_join, or if the loop
 * never ran): closes the connection and drops the owner's reference.
 * Requests detached and not yet answered hold references of their own,
 * so the memory they point into (the session, the transport, an io_uring
 * entry's buffer) lives until the last of them is answered; answering
 * one now touches nothing but that memory: the reply is dropped
 * (ses_reply_* returns -ENOTCONN).  The owner may free userdata once this
 * returns: see ses_enter.
 */
void ses_delete(struct ses_session *se);
/*
 * A thread answering a detached request late, which wants to touch the
 * layer above's state (userdata) as well, brackets that work with these:
 * enter returns 0, and ses_delete then waits until leave before
 * it returns, so userdata cannot be freed under the caller; or -ENOTCONN
 * when the session was deleted already: the caller must touch nothing
 * of the layer above and just drop the request (any ses_reply_*).
 * Nests; any thread holding a reference (a detached request).
 */
int ses_enter(struct ses_session *se);
void ses_leave(struct ses_session *se);
void *ses_userdata(const struct ses_session *se);
const struct ses_conn *ses_conn(const struct ses_session *se);
int ses_debug(const struct ses_session *se);

/* Run the dispatcher threads until the connection ends or
 * ses_exit; returns 0 or -errno.  One caller. */
int ses_loop(struct ses_session *se);
/* Ask the loop to finish.  Async-signal-safe. */
void ses_exit(struct ses_session *se);
/* Make the loop finish with error err (-errno; the first error given
 * wins): for a transport that can no longer serve.  Any thread but a
 * signal handler. */
void ses_fail(struct ses_session *se, int err);
int ses_exited(const struct ses_session *se);

/* Handle one received request of `len` bytes in buf (bufsize long; what
 * each dispatcher thread does).  Returns 1 when a detached request kept
 * the buffer, so the caller must get a new one. */
int ses_process(struct ses_session *se, void *buf, size_t len,
                        size_t bufsize);
/* Wake and join the dispatcher threads after the loop returned; returns
 * why the session ended (0 or -errno).  Calls ops->destroy. */
int ses_join(struct ses_session *se);
/* How many requests a file system pended and has not completed yet.  Any
 * thread. */
int ses_pending(struct ses_session *se);

/* Register fd as a backing file (FUSE passthrough); returns the backing
 * id (> 0) or -errno.  ses_backing_close releases an id. */
int ses_backing_open(struct ses_session *se, int fd);
void ses_backing_close(struct ses_session *se, int id);

/* Counters of one opcode, NULL for an unknown one. */
const struct ses_op_stats *ses_stats(const struct ses_session *se,
                                             uint32_t opcode);
/* Print the non-zero counters to f, one opcode a line. */
void ses_print_stats(const struct ses_session *se, void *file);

/* Body access with bounds checks: NULL when the body is too short. */
const void *ses_req_arg(const struct ses_request *req, size_t size);
/* The NUL-terminated name at byte `off` of the body, or NULL. */
const char *ses_req_name(const struct ses_request *req, size_t off);

/*
 * How the layer above hears of an INTERRUPT the moment it arrives, for a
 * request it still serves (libfuse's interrupt functions need that; the
 * native API polls the `interrupted` flag instead and sets no hook).
 *
 * When INTERRUPT finds the request in the in-flight table, the session
 * sets `interrupted`, then calls hold(data) while still holding the
 * table's lock: hold must only take a reference on whatever `data` is
 * (no blocking, no locks), so that data survives a reply racing in from
 * another thread.  Then, with no session lock held and from the thread
 * that read the INTERRUPT, it calls notify(data), which owns that
 * reference and may reply to the request.  A request leaves the table
 * when it is replied to (before ses_reply_* returns), so hold is never
 * called after that; a detached request takes its hook along.
 */
struct ses_interrupt_hook {
    void (*hold)(void *data);
    void (*notify)(void *data);
};

/* Set req's hook (NULL removes it).  req must be in flight: handed to a
 * handler and not yet replied to.  Returns 1 if req was interrupted
 * already (that INTERRUPT will not reach the hook), else 0; the check
 * and the setting are one step against a concurrent INTERRUPT. */
int ses_req_on_interrupt(struct ses_request *req,
                         const struct ses_interrupt_hook *hook, void *data);

/* Detach a request so it can outlive its handler (asynchronous
 * completion): the copy keeps the receive buffer, which the dispatcher
 * thread replaces, and a reference on the session (and so on the
 * transport), dropped by its one reply.  Returns the heap copy or NULL. */
struct ses_request *ses_req_detach(struct ses_request *req);

/* Replies, each named after what it answers.  Return 0 or the
 * transport's -errno (-ENOENT: the kernel no longer waits for it). */
int ses_reply_err(struct ses_request *req, int err);
int ses_reply_none(struct ses_request *req);
int ses_reply_buf(struct ses_request *req, const void *buf, size_t size);
int ses_reply_iov(struct ses_request *req, const struct iovec *iov, int cnt);
int ses_reply_entry(struct ses_request *req, const struct wire_entry_out *e);
int ses_reply_attr(struct ses_request *req, const struct wire_attr_out *a);
int ses_reply_statx(struct ses_request *req, const struct wire_statx_out *s);
int ses_reply_open(struct ses_request *req, const struct wire_open_out *o);
int ses_reply_create(struct ses_request *req, const struct wire_entry_out *e,
                     const struct wire_open_out *o);
int ses_reply_write(struct ses_request *req, uint32_t size);
int ses_reply_data(struct ses_request *req, const void *buf, size_t size);
/* Answer a READ with up to len bytes of fd at off, moved by the kernel
 * (splice) where the transport can and the read is large enough to pay
 * (32 KiB); returns 0 once answered, or -errno with the request still
 * unanswered (-EOPNOTSUPP: not here or not worth it; -EINVAL: not an
 * unanswered READ). */
int ses_reply_data_fd(struct ses_request *req, int fd, uint64_t off,
                      uint32_t len);
int ses_reply_statfs(struct ses_request *req, const struct wire_kstatfs *st);
int ses_reply_xattr(struct ses_request *req, uint32_t size);
int ses_reply_readlink(struct ses_request *req, const char *target);

/* Notifications to the kernel (unique 0). */
int ses_notify_inval_inode(struct ses_session *se, uint64_t nodeid,
                           int64_t off, int64_t len);
int ses_notify_inval_entry(struct ses_session *se, uint64_t parent,
                           const char *name, size_t namelen);
/* Any notification: iov[0] is left for the out-header, iov[1..cnt) is
 * the body (the layer above builds it: delete, store, retrieve, poll,
 * expire).  0 or the transport's -errno. */
int ses_notify_iov(struct ses_session *se, int code, struct iovec *iov,
                   int cnt);

/* Monotonic nanoseconds, for counters and the trace. */
uint64_t ses_now_ns(void);

#endif
