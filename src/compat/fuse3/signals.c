/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_set_signal_handlers: SIGHUP, SIGINT and SIGTERM end the session's
 * loop (which then returns the signal number), SIGPIPE is made harmless.
 * As in libfuse, a signal whose handler the program already changed is
 * left alone, and the handlers are installed without SA_RESTART so a
 * blocking call in the loop's thread returns.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#if FSP_FUSE_ABI >= 318
#include <execinfo.h>
#include <unistd.h>
#endif

#include "compat/fuse3/compat.h"

static struct fuse_session *fuse_instance;
#if FSP_FUSE_ABI >= 318
static void remove_fail(void);
#endif

static void exit_handler(int sig)
{
    struct fuse_session *se = fuse_instance;
    if (!se)
        return;
    atomic_store(&se->error, sig);
    fuse_session_exit(se);
}

static void do_nothing(int sig)
{
    (void)sig;
}

static int set_one(int sig, void (*handler)(int), int remove)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove ? SIG_DFL : handler;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, NULL, &old) == -1) {
        fuse_log(FUSE_LOG_ERR, "fuse: cannot get old signal handler\n");
        return -1;
    }
    if (old.sa_handler == (remove ? handler : SIG_DFL) &&
        sigaction(sig, &sa, NULL) == -1) {
        fuse_log(FUSE_LOG_ERR, "fuse: cannot set signal handler\n");
        return -1;
    }
    return 0;
}

int fuse_set_signal_handlers(struct fuse_session *se)
{
    if (set_one(SIGHUP, exit_handler, 0) == -1 ||
        set_one(SIGINT, exit_handler, 0) == -1 ||
        set_one(SIGTERM, exit_handler, 0) == -1 ||
        set_one(SIGPIPE, do_nothing, 0) == -1)
        return -1;
    fuse_instance = se;
    return 0;
}

void fuse_remove_signal_handlers(struct fuse_session *se)
{
    if (fuse_instance != se)
        fuse_log(FUSE_LOG_ERR,
                 "fuse: fuse_remove_signal_handlers: unknown session\n");
    else
        fuse_instance = NULL;
    set_one(SIGHUP, exit_handler, 1);
    set_one(SIGINT, exit_handler, 1);
    set_one(SIGTERM, exit_handler, 1);
    set_one(SIGPIPE, do_nothing, 1);
#if FSP_FUSE_ABI >= 318
    remove_fail();
#endif
}

#if FSP_FUSE_ABI >= 318
/* 3.17's fuse_set_fail_signal_handlers: a crash signal ends the loop,
 * logs the signal and a backtrace, and aborts (a core dump, as the
 * default action would give). */
static const int fail_sigs[] = { SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
                                 SIGSEGV };
#define N_FAIL (sizeof fail_sigs / sizeof fail_sigs[0])

static void fail_handler(int sig)
{
    struct fuse_session *se = fuse_instance;
    if (!se)
        return;
    fuse_session_exit(se);
    /* Back to the defaults first, so abort() and a second fault end the
     * process instead of coming here again. */
    for (size_t i = 0; i < N_FAIL; i++)
        signal(fail_sigs[i], SIG_DFL);
    fuse_log(FUSE_LOG_ERR, "Got signal: %d\n", sig);
    void *frames[64];
    int n = backtrace(frames, 64);
    /* backtrace_symbols_fd allocates nothing: safe in a crash. */
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    abort();
}

static void remove_fail(void)
{
    for (size_t i = 0; i < N_FAIL; i++)
        set_one(fail_sigs[i], fail_handler, 1);
}

int fuse_set_fail_signal_handlers(struct fuse_session *se)
{
    for (size_t i = 0; i < N_FAIL; i++)
        if (set_one(fail_sigs[i], fail_handler, 0) == -1)
            return -1;
    if (!fuse_instance)
        fuse_instance = se;
    return 0;
}
#endif
