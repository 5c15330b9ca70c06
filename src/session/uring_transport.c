/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FUSE over io_uring.
 *
 * With FUSE_OVER_IO_URING the kernel hands ordinary requests to
 * per-CPU queues of ring entries instead of /dev/fuse reads.  Each queue
 * here is one thread with its own io_uring, pinned to its CPU: an entry
 * is a header area and a payload buffer registered with the kernel
 * (FUSE_IO_URING_CMD_REGISTER); when a request arrives its entry's
 * command completes, the thread processes the request inline, and the
 * reply goes back in the same entry with COMMIT_AND_FETCH, which also
 * re-arms it.  One system call per request, no thread hand-off.
 *
 * INIT, FORGET, INTERRUPT and notifications still travel over /dev/fuse,
 * so this transport wraps the /dev/fuse one and sends everything that is
 * not the reply to the request its thread is serving through it.
 *
 * The kernel puts the request's in-header in the entry's header area,
 * the opcode's fixed struct in op_in and the rest (names, data) in the
 * payload.  The session wants one contiguous request, so each payload
 * buffer has room in front: the in-header and fixed struct are copied
 * there and the payload itself is never moved.
 *
 * Asynchronous completion: a request served here may be detached
 * (fsp_request_pend) and answered later from any thread.  Its entry
 * stays with it, since the kernel reuses an entry only after its commit.
 * Only the queue thread touches its ring, so a late reply is copied into
 * the entry by the answering thread, which then puts the entry on the
 * queue's done list and writes the queue's eventfd; the queue thread
 * (which polls that eventfd through its ring) commits what is on the
 * list with its next system call.
 *
 * Busy polling, with the budget the /dev/fuse transport had (busy_poll=,
 * taken over when the rings start serving): a queue thread whose queue
 * had a request within the budget keeps running (yielding) instead of
 * sleeping, so the client's next request finds it awake; and while any
 * queue is that busy, one more thread does the same.  The second one is
 * for the client: after our reply the scheduler moves the woken client to
 * an idle CPU if there is one, and on a VM waking a halted vCPU costs
 * more than the whole request (measured on 2 vCPUs: an unpinned mkdir
 * loop ran at 77 us per call, 28-35 us with the other CPU kept busy).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "session/session.h"

#define QUEUE_DEPTH 4            /* ring entries per queue */
#define FRONT_ROOM 4096          /* in-header + op struct go before payload */
#define STOP_TAG ((void *)1)     /* user_data of the stop poll */
#define DONE_TAG ((void *)2)     /* user_data of the done-list poll */

struct uring_queue;

struct uring_ent {
    struct uring_queue *q;
    struct wire_uring_req_header hdr;
    char *mem;                   /* FRONT_ROOM + payload + slack */
    char *payload;
    struct iovec iov[2];
    _Atomic uint64_t unique;     /* the request being served, 0 if none;
                                    read by threads answering late */
    struct uring_ent *next_done; /* on the queue's done list */
};

struct uring_transport;

struct uring_queue {
    struct uring_transport *ut;
    unsigned qid;
    struct io_uring ring;
    int ring_ok;
    struct uring_ent ents[QUEUE_DEPTH];
    struct ses_thread thread;
    int running;
    uint64_t last_ns;            /* when this queue got a request */
    int donefd;                  /* eventfd: late replies to commit */
    pthread_mutex_t done_lock;
    int lock_ok;                 /* done_lock is initialized */
    struct uring_ent *done;      /* entries answered by other threads */
};

struct uring_transport {
    struct ses_transport base;
    struct ses_transport *dev;   /* /dev/fuse: everything not from a ring */
    struct ses_session *se;
    int fd;
    int stopfd;
    unsigned nqueues;
    size_t payload_size;
    struct uring_queue *queues;
    atomic_uint_fast64_t requests;   /* served through rings */
    _Atomic int64_t poll_ns;         /* busy-poll budget, 0 = none */
    _Atomic uint64_t last_ns;        /* when any queue got a request */
    atomic_int helper;               /* 1 while a thread polls for others */
    atomic_int failed;               /* the kernel refused registration */
};

/* The entry whose request this thread is serving. */
static _Thread_local struct uring_ent *tl_ent;

static ssize_t ur_receive(struct ses_transport *t, void *buf, size_t size)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    return ut->dev->receive(ut->dev, buf, size);
}

static int ur_dev_fd(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    return ut->dev->dev_fd(ut->dev);
}

static void ur_thread_exit(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    if (ut->dev->thread_exit)
        ut->dev->thread_exit(ut->dev);
}

static struct io_uring_sqe *cmd_sqe(struct uring_ent *e, uint32_t cmd)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&e->q->ring);
    if (!sqe)
        return NULL;
    memset(sqe, 0, 2 * sizeof *sqe); /* SQE128: the command area too */
    sqe->opcode = IORING_OP_URING_CMD;
    sqe->fd = e->q->ut->fd;
    sqe->cmd_op = cmd;
    struct wire_uring_cmd_req *req = (void *)sqe->cmd;
    req->qid = (uint16_t)e->q->qid;
    io_uring_sqe_set_data(sqe, e);
    return sqe;
}

/* Answer the entry's request and ask for the next one, in one command.
 * Only queued here: queue_main submits it with its next wait, so a
 * request costs one system call. */
static int commit_and_fetch(struct uring_ent *e)
{
    struct io_uring_sqe *sqe = cmd_sqe(e, WIRE_IO_URING_CMD_COMMIT_AND_FETCH);
    if (!sqe)
        return -EBUSY;
    ((struct wire_uring_cmd_req *)(void *)sqe->cmd)->commit_id =
        atomic_load(&e->unique);
    atomic_store(&e->unique, 0);
    return 0;
}

/* Copy a reply into e: the header in the header area, the body in the
 * payload (a read's data may already sit there, hence memmove). */
static int fill_reply(struct uring_ent *e, const struct iovec *iov, int cnt)
{
    size_t off = 0;
    for (int i = 1; i < cnt; i++) {
        if (off + iov[i].iov_len > e->q->ut->payload_size)
            return -EOVERFLOW;
        memmove(e->payload + off, iov[i].iov_base, iov[i].iov_len);
        off += iov[i].iov_len;
    }
    memcpy(e->hdr.in_out, iov[0].iov_base, sizeof(struct wire_out_header));
    e->hdr.ring_ent_in_out.payload_sz = (uint32_t)off;
    return 0;
}

/* The entry serving request `unique`, or NULL (a /dev/fuse request). */
static struct uring_ent *find_ent(struct uring_transport *ut, uint64_t unique)
{
    for (unsigned i = 0; i < ut->nqueues; i++)
        for (unsigned j = 0; j < QUEUE_DEPTH; j++)
            if (atomic_load(&ut->queues[i].ents[j].unique) == unique)
                return &ut->queues[i].ents[j];
    return NULL;
}

/* A late reply from a thread that is not e's queue thread. */
static int send_late(struct uring_ent *e, const struct iovec *iov, int cnt)
{
    struct uring_queue *q = e->q;
    int r = fill_reply(e, iov, cnt);
    if (r)
        return r;
    pthread_mutex_lock(&q->done_lock);
    e->next_done = q->done;
    q->done = e;
    pthread_mutex_unlock(&q->done_lock);
    uint64_t one = 1;
    ssize_t w = write(q->donefd, &one, sizeof one);
    (void)w; /* a full eventfd is already readable */
    return 0;
}

static void arm_done_poll(struct uring_queue *q)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);
    if (sqe) {
        io_uring_prep_poll_add(sqe, q->donefd, POLLIN);
        io_uring_sqe_set_data(sqe, DONE_TAG);
    }
}

/* Commit every entry other threads answered, and watch for more. */
static void commit_done(struct uring_queue *q)
{
    uint64_t n;
    ssize_t r = read(q->donefd, &n, sizeof n);
    (void)r; /* EAGAIN: a racing writer's entry is on the list anyway */
    pthread_mutex_lock(&q->done_lock);
    struct uring_ent *e = q->done;
    q->done = NULL;
    pthread_mutex_unlock(&q->done_lock);
    while (e) {
        struct uring_ent *next = e->next_done;
        commit_and_fetch(e);
        e = next;
    }
    arm_done_poll(q);
}

static int ur_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    const struct wire_out_header *oh = iov[0].iov_base;
    struct uring_ent *e = tl_ent;
    if (e && oh->unique && oh->unique == atomic_load(&e->unique)) {
        int r = fill_reply(e, iov, cnt);
        if (r)
            return r;
        tl_ent = NULL;
        return commit_and_fetch(e);
    }
    /* Notifications (unique 0) and /dev/fuse requests go there; a ring
     * request answered late goes back through its entry. */
    e = oh->unique ? find_ent(ut, oh->unique) : NULL;
    return e ? send_late(e, iov, cnt) : ut->dev->send(ut->dev, iov, cnt);
}

/* Rebuild the request in front of its payload and process it. */
static void serve_entry(struct uring_transport *ut, struct uring_ent *e)
{
    struct wire_in_header in;
    memcpy(&in, e->hdr.in_out, sizeof in);
    uint32_t payload = e->hdr.ring_ent_in_out.payload_sz;
    size_t fixed = in.len >= sizeof in + payload ? in.len - sizeof in - payload
                                                 : SIZE_MAX;
    if (fixed > WIRE_URING_OP_IN_OUT_SZ || payload > ut->payload_size) {
        /* Nothing the kernel sends; answer EIO rather than hang it. */
        struct wire_out_header oh = { .len = sizeof oh, .error = -EIO,
                                     .unique = in.unique };
        atomic_store(&e->unique, in.unique);
        memcpy(e->hdr.in_out, &oh, sizeof oh);
        e->hdr.ring_ent_in_out.payload_sz = 0;
        commit_and_fetch(e);
        return;
    }
    char *start = e->payload - fixed - sizeof in;
    memcpy(start, &in, sizeof in);
    memcpy(start + sizeof in, e->hdr.op_in, fixed);
    atomic_store(&e->unique, in.unique);
    tl_ent = e;
    /* The kernel sends requests to the rings only once all queues are
     * ready, and then never to /dev/fuse again. */
    if (atomic_fetch_add_explicit(&ut->requests, 1, memory_order_relaxed) == 0)
        atomic_store_explicit(&ut->poll_ns,
                              ses_dev_transport_side_channel(ut->dev),
                              memory_order_relaxed);
    e->q->last_ns = ses_now_ns();
    atomic_store_explicit(&ut->last_ns, e->q->last_ns, memory_order_relaxed);
    size_t room = (size_t)(e->mem + FRONT_ROOM + ut->payload_size +
                           FRONT_ROOM - start);
    ses_process(ut->se, start, in.len, room);
    tl_ent = NULL;
}

/* Busy polling (see the top of this file): 1 with *cqe set once a
 * completion came, 0 when the budget ran out first.  Queued commits go out
 * first, so the client is not kept waiting. */
static int ring_poll(struct uring_queue *q, struct io_uring_cqe **cqe)
{
    struct uring_transport *ut = q->ut;
    uint64_t budget = (uint64_t)atomic_load_explicit(&ut->poll_ns,
                                                     memory_order_relaxed);
    int helping = 0, got = 0;
    if (budget == 0)
        return 0;
    if (io_uring_sq_ready(&q->ring) && io_uring_submit(&q->ring) < 0)
        return 0;
    for (;;) {
        uint64_t now = ses_now_ns();
        if (now - q->last_ns > budget) {
            uint64_t any = atomic_load_explicit(&ut->last_ns,
                                                memory_order_relaxed);
            int idle = 0;
            if (now - any > budget ||
                (!helping && !atomic_compare_exchange_strong(&ut->helper,
                                                             &idle, 1)))
                break;
            helping = 1;
        }
        /* A client on this CPU may be what we wait for: let it run. */
        sched_yield();
        if (io_uring_peek_cqe(&q->ring, cqe) == 0) {
            got = 1;
            break;
        }
    }
    if (helping)
        atomic_store(&ut->helper, 0);
    return got;
}

static void *queue_main(void *arg)
{
    struct uring_queue *q = arg;
    struct uring_transport *ut = q->ut;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(q->qid, &set);
    /* Requests go to the queue of the CPU they come from: serve them
     * there.  Best effort; a refused affinity changes nothing else. */
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    /* Requests detached here keep the entry's buffer until answered. */
    ses_transport_buf = 1;

    int live = 0;
    for (unsigned i = 0; i < QUEUE_DEPTH; i++) {
        struct uring_ent *e = &q->ents[i];
        struct io_uring_sqe *sqe = cmd_sqe(e, WIRE_IO_URING_CMD_REGISTER);
        if (!sqe)
            break;
        sqe->addr = (uintptr_t)e->iov;
        sqe->len = 2;
        live++;
    }
    struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);
    if (sqe) {
        io_uring_prep_poll_add(sqe, ut->stopfd, POLLIN);
        io_uring_sqe_set_data(sqe, STOP_TAG);
    }
    arm_done_poll(q);
    io_uring_submit(&q->ring);

    int failed = 0;
    while (live > 0) {
        struct io_uring_cqe *cqe;
        /* Queued commits go out with the wait for the next completion
         * (ring_poll sends them before it polls). */
        int have = io_uring_peek_cqe(&q->ring, &cqe) == 0 ||
                   ring_poll(q, &cqe);
        if (!have || io_uring_sq_ready(&q->ring)) {
            int r = io_uring_submit_and_wait(&q->ring, have ? 0 : 1);
            if (r == -EINTR)
                continue;
            if (r < 0) {
                failed = r;
                break;
            }
            if (!have && io_uring_peek_cqe(&q->ring, &cqe))
                continue;
        }
        void *tag = io_uring_cqe_get_data(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&q->ring, cqe);
        if (tag == STOP_TAG)
            break;
        if (tag == DONE_TAG) {
            commit_done(q);
            continue;
        }
        if (res < 0) {
            /* Refused at registration (the kernel then falls back to
             * /dev/fuse by itself) or torn down at unmount. */
            if (res != -ENOTCONN && res != -ECONNABORTED &&
                !atomic_exchange(&ut->failed, 1))
                fprintf(stderr, "fsp: io_uring queue %u: %s; serving "
                        "over /dev/fuse\n", q->qid, strerror(-res));
            live--;
            continue;
        }
        serve_entry(ut, tag);
    }
    if (failed) {
        /* The kernel never hears that this queue is gone: it holds the
         * requests for it (all of them, if the queue never registered)
         * forever.  End the session rather than leave a hung mount. */
        fprintf(stderr, "fsp: io_uring queue %u: %s; ending the session\n",
                q->qid, strerror(-failed));
        ses_fail(ut->se, failed);
    }
    /* A thread a factory made may serve its runtime afterwards. */
    ses_transport_buf = 0;
    return NULL;
}

static int ur_start(struct ses_transport *t, struct ses_session *se)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    ut->se = se;
    /* Queue threads process requests inline: the session's thread
     * factory makes them, as it makes the dispatchers. */
    for (unsigned i = 0; i < ut->nqueues; i++) {
        struct uring_queue *q = &ut->queues[i];
        int r = ses_thread_start(se, &q->thread, queue_main, q);
        if (r < 0)
            return r;
        q->running = 1;
    }
    /* /dev/fuse keeps serving (and polling) until the rings take over:
     * serve_entry makes it a side channel then. */
    return 0;
}

static void ur_wake(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    uint64_t one = 1;
    ssize_t r = write(ut->stopfd, &one, sizeof one);
    (void)r;
    ut->dev->wake(ut->dev);
}

static void ur_join(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    ur_wake(t);
    for (unsigned i = 0; ut->queues && i < ut->nqueues; i++)
        if (ut->queues[i].running) {
            ses_thread_join(&ut->queues[i].thread);
            ut->queues[i].running = 0;
        }
}

static void ur_describe(struct ses_transport *t, FILE *f)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    if (!ut->queues) {
        /* Not offered by the kernel, or the rings could not be made. */
        fprintf(f, "transport /dev/fuse (io_uring not in use)\n");
        return;
    }
    fprintf(f, "transport io_uring queues %u requests %llu%s\n", ut->nqueues,
            (unsigned long long)atomic_load(&ut->requests),
            atomic_load(&ut->failed) ? " (refused by the kernel)" : "");
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Rings and descriptors of the queues; their entries' memory stays. */
static void close_queues(struct uring_transport *ut)
{
    for (unsigned i = 0; ut->queues && i < ut->nqueues; i++) {
        struct uring_queue *q = &ut->queues[i];
        if (q->ring_ok)
            io_uring_queue_exit(&q->ring);
        q->ring_ok = 0;
        if (q->donefd > 0)
            close(q->donefd);
        q->donefd = 0;
    }
}

static void free_queues(struct uring_transport *ut)
{
    close_queues(ut);
    for (unsigned i = 0; ut->queues && i < ut->nqueues; i++) {
        struct uring_queue *q = &ut->queues[i];
        if (q->lock_ok)
            pthread_mutex_destroy(&q->done_lock);
        for (unsigned j = 0; j < QUEUE_DEPTH; j++)
            free(q->ents[j].mem);
    }
    free(ut->queues);
    ut->queues = NULL;
    /* No queues, and nothing may look for them: with the count left
     * behind, find_ent (every reply once a failed setup fell back to
     * /dev/fuse) and ur_join walked the freed array. */
    ut->nqueues = 0;
}

/* End the connection: a request pended from a ring keeps pointing into
 * its entry's buffer, which stays until ur_destroy (the session's last
 * reference); its late reply is never sent here after this. */
static void ur_close(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    ur_join(t);
    close_queues(ut);
    close_fd(&ut->stopfd);
    close_fd(&ut->fd);
    if (ut->dev->close)
        ut->dev->close(ut->dev);
}

static void ur_destroy(struct ses_transport *t)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    ur_close(t);
    free_queues(ut);
    ut->dev->destroy(ut->dev);
    free(ut);
}

/* A no-op through the ring and back.  Some sandboxes let io_uring_setup
 * through but not io_uring_enter; found out only after INIT, that would
 * leave the kernel holding every request for queues that never
 * register, so find it out now, while /dev/fuse can still take over. */
static int probe_ring(struct io_uring *ring)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    struct io_uring_cqe *cqe;
    if (!sqe)
        return -EBUSY;
    io_uring_prep_nop(sqe);
    int r;
    do
        r = io_uring_submit_and_wait(ring, 1);
    while (r == -EINTR);
    if (r < 0)
        return r;
    r = io_uring_peek_cqe(ring, &cqe);
    if (r < 0)
        return r;
    r = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    return r < 0 ? r : 0;
}

/* Rings and buffers, made before INIT is answered so that a failure here
 * just means not asking the kernel for io_uring. */
static int ur_prepare(struct ses_transport *t, const struct ses_conn *c)
{
    struct uring_transport *ut = (struct uring_transport *)t;
    /* The kernel wants room for the largest write or read it may send,
     * max_pages of ITS pages: 16 or 64 KiB on many arm64 kernels, where
     * 4096 here would make every ring registration be refused. */
    long page = sysconf(_SC_PAGESIZE);
    size_t reads = (size_t)c->max_pages * (size_t)(page > 0 ? page : 4096);
    ut->payload_size = c->max_write > reads ? c->max_write : reads;
    ut->nqueues = (unsigned)get_nprocs_conf();
    ut->queues = calloc(ut->nqueues, sizeof *ut->queues);
    if (!ut->queues)
        return -ENOMEM;
    for (unsigned i = 0; i < ut->nqueues; i++) {
        struct uring_queue *q = &ut->queues[i];
        q->ut = ut;
        q->qid = i;
        q->donefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (q->donefd < 0) {
            free_queues(ut);
            return -errno;
        }
        pthread_mutex_init(&q->done_lock, NULL);
        q->lock_ok = 1;
        struct io_uring_params p = { .flags = IORING_SETUP_SQE128 };
        int r = io_uring_queue_init_params(2 * QUEUE_DEPTH + 4, &q->ring, &p);
        if (r < 0) {
            free_queues(ut);
            return r;
        }
        q->ring_ok = 1;
        r = probe_ring(&q->ring);
        if (r < 0) {
            free_queues(ut);
            return r;
        }
        for (unsigned j = 0; j < QUEUE_DEPTH; j++) {
            struct uring_ent *e = &q->ents[j];
            e->q = q;
            e->mem = malloc(FRONT_ROOM + ut->payload_size + FRONT_ROOM);
            if (!e->mem) {
                free_queues(ut);
                return -ENOMEM;
            }
            e->payload = e->mem + FRONT_ROOM;
            e->iov[0] = (struct iovec){ &e->hdr, sizeof e->hdr };
            e->iov[1] = (struct iovec){ e->payload, ut->payload_size };
        }
    }
    return 0;
}

struct ses_transport *ses_uring_transport_new(struct ses_transport *dev,
                                              int fd)
{
    struct uring_transport *ut = calloc(1, sizeof *ut);
    if (!ut)
        return NULL;
    ut->dev = dev;
    ut->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    ut->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ut->fd < 0 || ut->stopfd < 0) {
        if (ut->fd >= 0)
            close(ut->fd);
        if (ut->stopfd >= 0)
            close(ut->stopfd);
        free(ut);
        return NULL;
    }
    ut->base.receive = ur_receive;
    ut->base.send = ur_send;
    ut->base.wake = ur_wake;
    ut->base.thread_exit = ur_thread_exit;
    ut->base.dev_fd = ur_dev_fd;
    ut->base.close = ur_close;
    ut->base.destroy = ur_destroy;
    ut->base.prepare = ur_prepare;
    ut->base.start = ur_start;
    ut->base.join = ur_join;
    ut->base.describe = ur_describe;
    return &ut->base;
}
