/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The request a thread is serving, as the high-level API shows it:
 * fuse_get_context, fuse_getgroups and fuse_interrupted take no request
 * argument, so each handler records its request in thread-local storage
 * before it calls the file system.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "compat/fuse3/hl.h"

static _Thread_local struct fuse_context tls_ctx;
static _Thread_local fuse_req_t tls_req;

/*
 * -o intr, as in libfuse's high-level API: while a thread serves a
 * request, an INTERRUPT for it sends that thread conf.intr_signal, so a
 * system call the file system's callback is blocked in returns EINTR.
 * Dispatcher threads keep all signals blocked; the serving thread lets
 * this one through only between hl_enter and hl_leave.  One signal per
 * INTERRUPT: libfuse repeats it every second until the callback
 * returns, which needs the interrupt function to wait for the reply,
 * and here a reply waits for a running interrupt function.
 */
struct hl_intr {
    pthread_t thread;
    int sig;
};
static _Thread_local struct hl_intr tls_intr;
static _Thread_local int tls_intr_on;

static void intr_sighandler(int sig)
{
    (void)sig; /* only to interrupt the system call it lands in */
}

static void hl_intr_func(fuse_req_t req, void *data)
{
    (void)req;
    const struct hl_intr *d = data;
    if (!pthread_equal(d->thread, pthread_self()))
        pthread_kill(d->thread, d->sig);
}

static void intr_mask(int how, int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(how, &set, NULL);
}

void hl_intr_init(struct fuse *f)
{
    struct sigaction old;
    if (!f->conf.intr || f->intr_installed ||
        sigaction(f->conf.intr_signal, NULL, &old) != 0 ||
        old.sa_handler != SIG_DFL)
        return;
    struct sigaction sa = { .sa_handler = intr_sighandler };
    sigemptyset(&sa.sa_mask);
    if (sigaction(f->conf.intr_signal, &sa, NULL) == 0)
        f->intr_installed = 1;
}

void hl_intr_fini(struct fuse *f)
{
    if (!f->intr_installed)
        return;
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigemptyset(&sa.sa_mask);
    sigaction(f->conf.intr_signal, &sa, NULL);
    f->intr_installed = 0;
}

struct fuse *hl_enter(fuse_req_t req)
{
    struct fuse *f = fuse_req_userdata(req);
    const struct fuse_ctx *c = fuse_req_ctx(req);
    tls_req = req;
    tls_ctx.fuse = f;
    tls_ctx.uid = c->uid;
    tls_ctx.gid = c->gid;
    tls_ctx.pid = c->pid;
    tls_ctx.umask = c->umask;
    tls_ctx.private_data = f->fs->user_data;
    if (f->conf.intr) {
        tls_intr.thread = pthread_self();
        tls_intr.sig = f->conf.intr_signal;
        tls_intr_on = 1;
        intr_mask(SIG_UNBLOCK, tls_intr.sig);
        fuse_req_interrupt_func(req, hl_intr_func, &tls_intr);
    }
    return f;
}

void hl_enter_fuse(struct fuse *f)
{
    memset(&tls_ctx, 0, sizeof tls_ctx);
    tls_req = NULL;
    tls_ctx.fuse = f;
    tls_ctx.private_data = f->fs ? f->fs->user_data : NULL;
}

void hl_leave(void)
{
    /* The request may be answered and freed after this: forget it, but
     * keep fuse and private_data, which outlive requests (a program may
     * look at them from a thread of its own that once served one). */
    tls_req = NULL;
    if (tls_intr_on) {
        tls_intr_on = 0;
        intr_mask(SIG_BLOCK, tls_intr.sig);
    }
    tls_ctx.uid = 0;
    tls_ctx.gid = 0;
    tls_ctx.pid = 0;
    tls_ctx.umask = 0;
}

/* As in libfuse: NULL on a thread that never had a file system's
 * context (main before fuse_new, a thread of the program's own). */
struct fuse_context *fuse_get_context(void)
{
    return tls_ctx.fuse ? &tls_ctx : NULL;
}

int fuse_getgroups(int size, gid_t list[])
{
    if (!tls_req)
        return -EPERM;
    return fuse_req_getgroups(tls_req, size, list);
}

int fuse_interrupted(void)
{
    return tls_req ? fuse_req_interrupted(tls_req) : 0;
}
