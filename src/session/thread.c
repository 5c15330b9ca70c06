/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The threads that process requests: the dispatcher pool's and the
 * io_uring queues'.  By default they are pthreads of ours.  A language
 * runtime that embeds fsp (Go) may make them instead through a thread
 * factory (fsp_fs_set_thread_factory): a callback entering the runtime
 * from a thread the runtime made is an ordinary call, where one from a
 * foreign thread costs the runtime a thread hand-over on every request.
 *
 * We cannot pthread_join a thread the factory made (it may not even be
 * joinable, and the runtime may reuse it), so its run function says when
 * it is done: it sets `done` under the pool lock and wakes the pool's
 * condition, and touches nothing of ours after that.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "session/session_int.h"

/* Every signal blocked, as on our own dispatcher threads, except those a
 * fault raises on the faulting thread: blocked, the kernel would kill
 * the process at once instead of calling the runtime's handler (Go turns
 * SIGSEGV into a panic the binding answers EIO for). */
static void async_signals(sigset_t *set)
{
    static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                  SIGTRAP, SIGSYS };
    sigfillset(set);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        sigdelset(set, faults[i]);
}

/* What the factory's thread runs. */
static void factory_run(void *arg)
{
    struct ses_thread *th = arg;
    struct ses_session *se = th->se;
    sigset_t set, old;
    async_signals(&set);
    pthread_sigmask(SIG_SETMASK, &set, &old);
    th->fn(th->arg);
    /* The thread is the factory's again: as it was given to us. */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_lock(&se->pool_lock);
    th->done = 1;
    pthread_cond_broadcast(&se->pool_cond);
    pthread_mutex_unlock(&se->pool_lock);
    /* th may be freed now; the session lives until its owner's join
     * returned, which needs the lock we just let go of. */
}

int ses_thread_start(struct ses_session *se, struct ses_thread *th,
                     void *(*fn)(void *), void *arg)
{
    th->fn = fn;
    th->arg = arg;
    th->done = 0;
    const struct ses_thread_factory *f = &se->p.factory;
    if (f->spawn) {
        th->se = se;
        int r = f->spawn(f->ctx, factory_run, th);
        /* Anything but a negative errno is a broken factory: treat it
         * as a failure to start rather than wait for a thread that may
         * never come. */
        return r == 0 ? 0 : r < 0 && r > -4096 ? r : -EAGAIN;
    }
    th->se = NULL;
    /* Dispatcher threads take no signals: those go to the thread that
     * called fsp_fs_run, whose handlers stop the session.  Set here so
     * that the thread has the mask from its first instruction. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int r = pthread_create(&th->tid, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return -r;
}

void ses_thread_join(struct ses_thread *th)
{
    struct ses_session *se = th->se;
    if (!se) {
        pthread_join(th->tid, NULL);
        return;
    }
    pthread_mutex_lock(&se->pool_lock);
    while (!th->done)
        pthread_cond_wait(&se->pool_cond, &se->pool_lock);
    pthread_mutex_unlock(&se->pool_lock);
}
