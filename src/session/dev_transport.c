/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The /dev/fuse transport.
 *
 * Each dispatcher thread reads the device itself and processes what it
 * read inline: no hand-off between threads.  The descriptor is set
 * non-blocking so a busy thread reads back to back with one system call
 * per request; only when the queue is empty does it wait, in its own
 * epoll set where /dev/fuse is registered with EPOLLEXCLUSIVE, so that one
 * new request wakes one idle thread rather than all of them.  The same
 * epoll set holds an eventfd that stop() makes readable, which is how
 * every thread is woken for shutdown without signals.
 *
 * Busy polling: before it sleeps, one thread at a time keeps reading the
 * empty device for a few microseconds.  A synchronous client sends its
 * next request within microseconds of our reply (a lookup, then the
 * create), and a thread that is still running takes it without a wakeup.
 * A wakeup is what costs most here: the scheduler puts the woken thread
 * on an idle CPU, which in a VM means an interprocessor interrupt and a
 * halted vCPU to restart (docs/performance.md measures it).  One poller
 * at most, so the others leave the CPUs to the clients; none on a
 * single CPU, where polling would only delay the client we wait for.
 * The poller yields between reads and backs off after polls that found
 * nothing, so on a busy machine it gives its CPU back (measured under
 * load: a fixed spin lost a third of the rate; this one gains a quarter).
 *
 * Side channel: once FUSE over io_uring serves the requests, only FORGET,
 * INTERRUPT and notification replies come here, and a thread sleeping on
 * the device makes each of them expensive for the client that sends it:
 * the kernel wakes the sleeper from inside the client's unlink or rmdir,
 * an interprocessor interrupt to a halted vCPU (measured: a quarter of an
 * rmdir's time).  So one thread at a time (the holder of the baton, an
 * eventfd semaphore) reads the device without sleeping on it, checking
 * every SIDE_POLL_MS while there is traffic; forgets gather into batches
 * meanwhile.  After SIDE_IDLE_POLLS empty checks it sleeps on the device
 * again, so an idle file system costs no timer wakeups.  An interrupt
 * waits SIDE_POLL_MS at most.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "session/dev_splice.h"
#include "session/session.h"

/*
 * ThreadSanitizer cannot see that the kernel orders our traffic: a reply
 * written by one thread happens before every request the kernel sends
 * because of it (the RELEASE after a READDIR reply, say), which another
 * thread reads.  Telling TSan that each send releases and each receive
 * acquires the connection states exactly that ordering, and nothing more.
 */
#if defined(__SANITIZE_THREAD__)
#define FSP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FSP_TSAN 1
#endif
#endif
#ifdef FSP_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define kernel_ordered_acquire(p) __tsan_acquire(p)
#define kernel_ordered_release(p) __tsan_release(p)
#else
#define kernel_ordered_acquire(p) ((void)(p))
#define kernel_ordered_release(p) ((void)(p))
#endif

struct dev_transport {
    struct ses_transport base;
    int fd;
    int stopfd;
    _Atomic int64_t poll_ns; /* busy-poll budget before sleeping, 0 = none */
    atomic_int polling;  /* 1 while a thread busy-polls */
    /* Backoff after polls that found nothing: skip the next `skip` idle
     * moments; `miss` doubles it per fruitless poll.  Both touched only
     * by the thread holding `polling`. */
    unsigned skip, miss;
    atomic_int side;     /* a side channel now: see side_receive */
    int batonfd;         /* eventfd semaphore: 1 while nobody leads */
    unsigned side_idle;  /* the leader's empty checks in a row */
    uint64_t serial;     /* names it in threads' sets (thread_set) */
};

#define SIDE_POLL_MS 2
#define SIDE_IDLE_POLLS 50

/* Busy-poll budget when the mount does not choose one. */
#define DEFAULT_BUSY_POLL_US 50

/* Read the device without sleeping for up to d->poll_ns, if no other
 * thread is polling; returns what read() returned (with errno). */
static ssize_t poll_read(struct dev_transport *d, void *buf, size_t size)
{
    int idle = 0;
    int64_t budget = atomic_load_explicit(&d->poll_ns, memory_order_relaxed);
    if (budget <= 0 ||
        !atomic_compare_exchange_strong(&d->polling, &idle, 1)) {
        errno = EAGAIN;
        return -1;
    }
    if (d->skip > 0) {
        d->skip--;
        atomic_store(&d->polling, 0);
        errno = EAGAIN;
        return -1;
    }
    uint64_t end = ses_now_ns() + (uint64_t)budget;
    ssize_t n;
    do {
        n = read(d->fd, buf, size);
        if (n >= 0 || errno != EAGAIN)
            break;
        /* Let a runnable client on this CPU go first: on a busy machine
         * the request we wait for may be waiting for our CPU. */
        sched_yield();
    } while (ses_now_ns() < end);
    int saved = errno;
    if (n >= 0) {
        d->miss = 0;
    } else if (saved == EAGAIN) {
        /* Nothing came: traffic is not a quick back-and-forth now (or
         * the CPUs are busy), so poll less often until it is again. */
        d->miss = d->miss ? (d->miss < 64 ? d->miss * 2 : 64) : 1;
        d->skip = d->miss;
    }
    atomic_store(&d->polling, 0);
    errno = saved;
    return n;
}

/* A thread's epoll set, made on first use for the transport it serves:
 * one for the device (tl_dev), one for the side channel's baton
 * (tl_side, see side_receive).  It names its transport by a serial
 * number, not its address: a thread may outlive a transport destroyed
 * elsewhere, and a new one at the same address must not take over a set
 * watching the old one's closed descriptors (its receive would wait
 * forever). */
struct thread_set {
    int ep;
    uint64_t owner;   /* the transport's serial, 0: none */
};
static _Thread_local struct thread_set tl_dev = { -1, 0 };
static _Thread_local struct thread_set tl_side = { -1, 0 };
static atomic_uint_fast64_t transport_serial;

/* A new epoll set: fd with EPOLLEXCLUSIVE (so one event wakes one of
 * the threads watching it) as tag 0, and the stop eventfd as tag 1. */
static int epoll_set(int fd, int stopfd)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        return -errno;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE,
                              .data.u32 = 0 };
    struct epoll_event sv = { .events = EPOLLIN, .data.u32 = 1 };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ||
        epoll_ctl(ep, EPOLL_CTL_ADD, stopfd, &sv) < 0) {
        int err = -errno;
        close(ep);
        return err;
    }
    return ep;
}

/* ts's set for d, watching fd and d's stop eventfd; -errno. */
static int thread_set(struct thread_set *ts, struct dev_transport *d, int fd)
{
    if (ts->ep >= 0 && ts->owner == d->serial)
        return ts->ep;
    if (ts->ep >= 0)
        close(ts->ep);
    ts->ep = epoll_set(fd, d->stopfd);
    ts->owner = ts->ep >= 0 ? d->serial : 0;
    return ts->ep;
}

static void thread_set_close(struct thread_set *ts)
{
    if (ts->ep >= 0)
        close(ts->ep);
    ts->ep = -1;
    ts->owner = 0;
}

/* Wait on epoll set ep; -EINTR once stop() was called, else 0. */
static int wait_set(int ep, int timeout_ms)
{
    struct epoll_event ev[2];
    int k = epoll_wait(ep, ev, 2, timeout_ms);
    if (k < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < k; i++)
        if (ev[i].data.u32 == 1)
            return -EINTR;
    return 0;
}

/* The baton holder's read: checks the device every SIDE_POLL_MS, or
 * sleeps on it after a quiet spell. */
static ssize_t side_lead(struct dev_transport *d, int side_ep, void *buf,
                         size_t size)
{
    for (;;) {
        ssize_t n = read(d->fd, buf, size);
        if (n >= 0) {
            d->side_idle = 0;
            return n;
        }
        if (errno == ENOENT || errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -errno;
        int r;
        if (d->side_idle < SIDE_IDLE_POLLS) {
            d->side_idle++;
            r = wait_set(side_ep, SIDE_POLL_MS); /* we hold the baton */
        } else {
            int ep = thread_set(&tl_dev, d, d->fd);
            r = ep < 0 ? ep : wait_set(ep, -1);
            d->side_idle = 0;
        }
        if (r < 0)
            return r;
    }
}

static ssize_t side_receive(struct dev_transport *d, void *buf, size_t size)
{
    int ep = thread_set(&tl_side, d, d->batonfd);
    if (ep < 0)
        return ep;
    uint64_t v;
    while (read(d->batonfd, &v, sizeof v) < 0) {
        if (errno != EAGAIN)
            return -errno;
        int r = wait_set(ep, -1);
        if (r < 0)
            return r;
    }
    ssize_t n = side_lead(d, ep, buf, size);
    uint64_t one = 1;
    ssize_t w = write(d->batonfd, &one, sizeof one);
    (void)w; /* cannot fail: the count is back at 1 at most */
    if (n >= 0)
        kernel_ordered_acquire(d);
    return n;
}

static ssize_t dev_receive(struct ses_transport *t, void *buf, size_t size)
{
    struct dev_transport *d = (struct dev_transport *)t;
    if (atomic_load_explicit(&d->side, memory_order_relaxed))
        return side_receive(d, buf, size);
    for (int polled = 0;; polled = 1) {
        ssize_t n = read(d->fd, buf, size);
        if (n < 0 && errno == EAGAIN && !polled)
            n = poll_read(d, buf, size);
        if (n >= 0) {
            kernel_ordered_acquire(d);
            return n;
        }
        switch (errno) {
        case ENOENT:     /* the request was interrupted before we read it */
        case EINTR:
            continue;
        case EAGAIN:
            break;
        default:
            return -errno;
        }
        int ep = thread_set(&tl_dev, d, d->fd);
        if (ep < 0)
            return ep;
        struct epoll_event ev[2];
        int k = epoll_wait(ep, ev, 2, -1);
        if (k < 0 && errno != EINTR)
            return -errno;
        for (int i = 0; i < k; i++)
            if (ev[i].data.u32 == 1)
                return -EINTR;
    }
}

static int dev_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    struct dev_transport *d = (struct dev_transport *)t;
    ssize_t n;
    kernel_ordered_release(d);
    do
        n = writev(d->fd, iov, cnt);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

static void dev_wake(struct ses_transport *t)
{
    struct dev_transport *d = (struct dev_transport *)t;
    uint64_t one = 1;
    ssize_t r = write(d->stopfd, &one, sizeof one);
    (void)r; /* a full eventfd is already readable: nothing to do */
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The descriptors go at once (ending the connection); the memory may
 * wait for requests still out (see ses_delete). */
static void dev_close(struct ses_transport *t)
{
    struct dev_transport *d = (struct dev_transport *)t;
    if (tl_dev.owner == d->serial)
        thread_set_close(&tl_dev);
    if (tl_side.owner == d->serial)
        thread_set_close(&tl_side);
    close_fd(&d->batonfd);
    close_fd(&d->stopfd);
    close_fd(&d->fd);
}

static void dev_destroy(struct ses_transport *t)
{
    dev_close(t);
    free(t);
}

static int dev_fd(struct ses_transport *t)
{
    return ((struct dev_transport *)t)->fd;
}

static int dev_send_fd(struct ses_transport *t, uint64_t unique, int fd,
                       uint64_t off, uint32_t len, uint32_t *sent)
{
    struct dev_transport *d = (struct dev_transport *)t;
    kernel_ordered_release(d);
    return ses_splice_reply(d->fd, unique, fd, off, len, sent);
}

static void dev_thread_exit(struct ses_transport *t)
{
    (void)t;
    ses_splice_thread_exit();
    thread_set_close(&tl_dev);
    thread_set_close(&tl_side);
}

struct ses_transport *ses_dev_transport_new(int fd)
{
    struct dev_transport *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    /* Our own descriptor for the connection: unmounting closes the
     * mount's one while dispatcher threads may still be reading ours,
     * and the connection lives until the last of them closes. */
    d->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    d->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    d->batonfd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
    int fl = d->fd < 0 ? -1 : fcntl(d->fd, F_GETFL);
    if (d->stopfd < 0 || d->batonfd < 0 || fl < 0 ||
        fcntl(d->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        if (d->batonfd >= 0)
            close(d->batonfd);
        if (d->stopfd >= 0)
            close(d->stopfd);
        if (d->fd >= 0)
            close(d->fd);
        free(d);
        return NULL;
    }
    d->serial = atomic_fetch_add(&transport_serial, 1) + 1;
    d->base.receive = dev_receive;
    d->base.send = dev_send;
    d->base.wake = dev_wake;
    d->base.thread_exit = dev_thread_exit;
    d->base.send_fd = dev_send_fd;
    d->base.dev_fd = dev_fd;
    d->base.close = dev_close;
    d->base.destroy = dev_destroy;
    ses_dev_transport_busy_poll(&d->base, -1);
    return &d->base;
}

void ses_dev_transport_busy_poll(struct ses_transport *t, int us)
{
    struct dev_transport *d = (struct dev_transport *)t;
    if (us < 0)
        us = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? DEFAULT_BUSY_POLL_US : 0;
    atomic_store_explicit(&d->poll_ns, (int64_t)us * 1000,
                          memory_order_relaxed);
}

int64_t ses_dev_transport_side_channel(struct ses_transport *t)
{
    struct dev_transport *d = (struct dev_transport *)t;
    atomic_store_explicit(&d->side, 1, memory_order_relaxed);
    return atomic_exchange_explicit(&d->poll_ns, 0, memory_order_relaxed);
}
