/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Session lifetime and the dispatcher pool.
 *
 * Like WinFsp's dispatcher, each thread runs one plain loop: receive a
 * request, process it inline, reply, repeat.  The pool starts with one
 * thread per CPU (at least two) and grows by one whenever a thread picks
 * up a request while every other thread is already busy, up to
 * max_threads: a file system that blocks in one callback never starves
 * the others.  Threads never shrink while the session lives; idle ones
 * cost a stack and an epoll set.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "session/session_int.h"

struct ses_worker {
    struct ses_worker *next;
    struct ses_session *se;
    struct ses_thread thread;
};

uint64_t ses_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ses_new(struct ses_transport *t, const struct ses_ll_ops *ops,
                    void *userdata, const struct ses_params *p,
                    struct ses_session **out)
{
    struct ses_session *se = calloc(1, sizeof *se);
    if (!se)
        return -ENOMEM;
    se->t = t;
    se->ops = *ops;
    se->userdata = userdata;
    if (p)
        se->p = *p;
    if (se->p.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        se->p.threads = n < 2 ? 2 : (unsigned)n;
    }
    if (se->p.max_threads < se->p.threads)
        se->p.max_threads = se->p.threads == 1 ? 1 : 4 * se->p.threads;
    atomic_init(&se->max_threads, se->p.max_threads);
    /* Big enough for a 1 MiB write and its headers (max_pages = 256). */
    se->bufsize = (1u << 20) + 4096;
    if (pipe2(se->exit_pipe, O_CLOEXEC) < 0) {
        int err = -errno;
        free(se);
        return err;
    }
    fcntl(se->exit_pipe[1], F_SETFL, O_NONBLOCK);
    pthread_mutex_init(&se->inflight_lock, NULL);
    pthread_mutex_init(&se->pool_lock, NULL);
    pthread_cond_init(&se->pool_cond, NULL);
    pthread_mutex_init(&se->trace_lock, NULL);
    atomic_init(&se->refs, 1);
    *out = se;
    return 0;
}

void ses_put(struct ses_session *se)
{
    if (atomic_fetch_sub(&se->refs, 1) != 1)
        return;
    if (se->t)
        se->t->destroy(se->t);
    close(se->exit_pipe[0]);
    close(se->exit_pipe[1]);
    pthread_mutex_destroy(&se->inflight_lock);
    pthread_mutex_destroy(&se->pool_lock);
    pthread_cond_destroy(&se->pool_cond);
    pthread_mutex_destroy(&se->trace_lock);
    free(se);
}

/* enter and delete each write their flag and then read the other's
 * (sequentially consistent): a late answer either sees `closed`, or the
 * closer sees it busy and waits for it. */
int ses_enter(struct ses_session *se)
{
    atomic_fetch_add(&se->late_busy, 1);
    if (atomic_load(&se->closed)) {
        atomic_fetch_sub(&se->late_busy, 1);
        return -ENOTCONN;
    }
    return 0;
}

void ses_leave(struct ses_session *se)
{
    atomic_fetch_sub(&se->late_busy, 1);
}

void ses_delete(struct ses_session *se)
{
    if (!se)
        return;
    atomic_store(&se->closed, 1);
    while (atomic_load(&se->late_busy) > 0)
        sched_yield();
    /* End the connection now, whoever still holds a request: its
     * clients get ENOTCONN rather than wait for answers that would go
     * nowhere.  The memory goes with the last reference. */
    if (se->t && se->t->close)
        se->t->close(se->t);
    ses_put(se);
}

void *ses_userdata(const struct ses_session *se) { return se->userdata; }
const struct ses_conn *ses_conn(const struct ses_session *se) { return &se->conn; }
int ses_debug(const struct ses_session *se) { return se->p.debug; }
int ses_exited(const struct ses_session *se) { return atomic_load(&se->exited); }

void ses_exit(struct ses_session *se)
{
    atomic_store(&se->exited, 1);
    char c = 0;
    ssize_t r = write(se->exit_pipe[1], &c, 1);
    (void)r; /* a full pipe already wakes the loop */
    se->t->wake(se->t);
}

void ses_fail(struct ses_session *se, int err)
{
    pthread_mutex_lock(&se->pool_lock);
    if (!se->error)
        se->error = err;
    pthread_mutex_unlock(&se->pool_lock);
    ses_exit(se);
}

static int spawn_worker(struct ses_session *se);

/* Called with a request in hand: grow the pool if nobody else is idle.
 * The count is atomic so the common case takes no lock; only growing,
 * rare and bounded, takes pool_lock and checks again under it. */
static void note_busy(struct ses_session *se)
{
    unsigned busy = atomic_fetch_add(&se->nbusy, 1) + 1;
    if (busy < atomic_load(&se->nthreads) ||
        atomic_load(&se->nthreads) >= atomic_load(&se->max_threads))
        return;
    pthread_mutex_lock(&se->pool_lock);
    if (atomic_load(&se->nbusy) >= atomic_load(&se->nthreads) &&
        atomic_load(&se->nthreads) < atomic_load(&se->max_threads) &&
        !atomic_load(&se->exited) && spawn_worker(se) < 0)
        /* Out of threads (or the factory refused): the pool keeps the
         * ones it has and stops trying, rather than fail again on every
         * busy request. */
        atomic_store(&se->max_threads, atomic_load(&se->nthreads));
    pthread_mutex_unlock(&se->pool_lock);
}

static void note_idle(struct ses_session *se)
{
    atomic_fetch_sub(&se->nbusy, 1);
}

static void *worker_main(void *arg)
{
    struct ses_worker *w = arg;
    struct ses_session *se = w->se;
    void *buf = malloc(se->bufsize);
    int err = buf ? 0 : -ENOMEM;

    while (!err && !atomic_load(&se->exited)) {
        ssize_t n = se->t->receive(se->t, buf, se->bufsize);
        if (n == -EINTR)
            continue;
        if (n < 0) {
            /* ENODEV: unmounted or aborted; ECONNABORTED: aborted, as a
             * kernel that reports aborts distinctly says it (seen once in
             * a hundred fsptool aborts under load).  The session is over
             * either way. */
            err = n == -ENODEV || n == -ECONNABORTED ? 0 : (int)n;
            break;
        }
        note_busy(se);
        if (ses_process(se, buf, (size_t)n, se->bufsize)) {
            buf = malloc(se->bufsize);
            if (!buf)
                err = -ENOMEM;
        }
        note_idle(se);
    }
    free(buf);
    if (se->t->thread_exit)
        se->t->thread_exit(se->t);

    pthread_mutex_lock(&se->pool_lock);
    if (err && !se->error)
        se->error = err;
    se->nexited++;
    pthread_cond_broadcast(&se->pool_cond);
    pthread_mutex_unlock(&se->pool_lock);
    /* One thread ending ends them all: the connection is shared. */
    ses_exit(se);
    return NULL;
}

/* pool_lock held. */
static int spawn_worker(struct ses_session *se)
{
    struct ses_worker *w = calloc(1, sizeof *w);
    if (!w)
        return -ENOMEM;
    w->se = se;
    int r = ses_thread_start(se, &w->thread, worker_main, w);
    if (r) {
        free(w);
        return r;
    }
    w->next = se->workers;
    se->workers = w;
    atomic_fetch_add(&se->nthreads, 1);
    return 0;
}

int ses_loop(struct ses_session *se)
{
    /* Without a first thread nothing serves: fail.  Without a later one
     * the pool keeps what it has, as when it cannot grow. */
    pthread_mutex_lock(&se->pool_lock);
    int err = spawn_worker(se);
    for (unsigned i = 1; i < se->p.threads && !err; i++)
        if (spawn_worker(se) < 0) {
            atomic_store(&se->max_threads, atomic_load(&se->nthreads));
            break;
        }
    pthread_mutex_unlock(&se->pool_lock);
    if (err)
        ses_exit(se);
    /* Wait on a pipe, not a condition variable, so that a signal handler
     * calling ses_exit can wake us. */
    while (!atomic_load(&se->exited)) {
        char c;
        ssize_t r = read(se->exit_pipe[0], &c, 1);
        (void)r;
    }
    return err;
}

/* Wake and join every dispatcher thread; returns why the loop ended. */
int ses_backing_open(struct ses_session *se, int fd)
{
    int dev = se->t->dev_fd ? se->t->dev_fd(se->t) : -1;
    if (dev < 0)
        return -ENOTSUP;
    struct wire_backing_map map = { .fd = fd };
    int id = ioctl(dev, WIRE_DEV_IOC_BACKING_OPEN, &map);
    return id < 0 ? -errno : id;
}

void ses_backing_close(struct ses_session *se, int id)
{
    /* Once the connection is closed the kernel dropped it already. */
    if (atomic_load(&se->closed))
        return;
    int dev = se->t->dev_fd ? se->t->dev_fd(se->t) : -1;
    uint32_t u = (uint32_t)id;
    if (dev >= 0 && id > 0 && ioctl(dev, WIRE_DEV_IOC_BACKING_CLOSE, &u) < 0)
        fprintf(stderr, "fsp: closing backing file %d: %s\n", id,
                strerror(errno));
}

int ses_pending(struct ses_session *se)
{
    return atomic_load(&se->ndetached);
}

int ses_join(struct ses_session *se)
{
    ses_exit(se);
    pthread_mutex_lock(&se->pool_lock);
    struct ses_worker *w = se->workers;
    se->workers = NULL;
    pthread_mutex_unlock(&se->pool_lock);
    while (w) {
        struct ses_worker *next = w->next;
        ses_thread_join(&w->thread);
        free(w);
        w = next;
    }
    if (se->t->join)
        se->t->join(se->t);
    /* Clients of a lazily unmounted file system may still wait for
     * requests the file system pended: give it time to answer them.
     * Later answers are safe (each request holds a reference on what it
     * points into) but dropped, see ses_delete. */
    uint64_t end = ses_now_ns() + 10000000000u; /* 10 s, however loaded */
    while (atomic_load(&se->ndetached) > 0 && ses_now_ns() < end)
        usleep(1000);
    if (atomic_load(&se->ndetached) > 0)
        fprintf(stderr, "fsp: %d pending requests not completed by "
                "unmount; their answers will be dropped\n",
                atomic_load(&se->ndetached));
    if (se->ops.destroy && atomic_load(&se->initialized))
        se->ops.destroy(se->userdata);
    return se->error;
}
