/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The loops.  fuse_session_loop serves requests in the calling thread,
 * one at a time, as libfuse does (programs rely on that: no locking,
 * thread-local state).  fuse_session_loop_mt runs fsp's dispatcher pool
 * sized by the loop configuration.  Both join every handler before they
 * return, so nothing of the program runs after its loop ended.
 *
 * The versioned variants differ only in how the configuration arrives:
 * @FUSE_3.0 an int clone_fd, @FUSE_3.2 the old public struct, and
 * @@FUSE_3.12 the opaque one built with fuse_loop_cfg_*.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

/* The receive buffer: a 1 MiB write and its headers (fsp's max_write). */
#define BUFSIZE ((1u << 20) + 4096)

/* libfuse 3.14's defaults. */
#define DEF_MAX_THREADS 10
#define DEF_IDLE_THREADS UINT_MAX

struct fuse_loop_config {
    int clone_fd;
    unsigned int max_idle_threads;
    unsigned int max_threads;
};

struct fuse_loop_config *fuse_loop_cfg_create(void)
{
    struct fuse_loop_config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_idle_threads = DEF_IDLE_THREADS;
    c->max_threads = DEF_MAX_THREADS;
    return c;
}

void fuse_loop_cfg_destroy(struct fuse_loop_config *config)
{
    free(config);
}

void fuse_loop_cfg_set_idle_threads(struct fuse_loop_config *config,
                                    unsigned int value)
{
    config->max_idle_threads = value;
}

void fuse_loop_cfg_set_max_threads(struct fuse_loop_config *config,
                                   unsigned int value)
{
    config->max_threads = value;
}

void fuse_loop_cfg_set_clone_fd(struct fuse_loop_config *config,
                                unsigned int value)
{
    config->clone_fd = (int)value;
}

void fuse_loop_cfg_convert(struct fuse_loop_config *config,
                           struct fuse_loop_config_v1 *v1_conf)
{
    config->max_idle_threads = v1_conf->max_idle_threads;
    config->clone_fd = v1_conf->clone_fd;
}

/* ---- Transport over fuse_session_custom_io -------------------------- */

struct custom_transport {
    struct ses_transport base;
    struct fuse_session *se;
};

static ssize_t custom_receive(struct ses_transport *t, void *buf, size_t size)
{
    struct fuse_session *se = ((struct custom_transport *)t)->se;
    if (atomic_load(&se->exited))
        return -EINTR;
    ssize_t n = se->io->read(se->fd, buf, size, se->io_userdata);
    return n < 0 ? -errno : n;
}

static int custom_send(struct ses_transport *t, const struct iovec *iov,
                       int cnt)
{
    struct fuse_session *se = ((struct custom_transport *)t)->se;
    ssize_t n = se->io->writev(se->fd, (struct iovec *)iov, cnt,
                               se->io_userdata);
    return n < 0 ? -errno : 0;
}

/* The program's read cannot be interrupted; like libfuse, the loop ends
 * after its next request. */
static void custom_wake(struct ses_transport *t) { (void)t; }

static void custom_destroy(struct ses_transport *t)
{
    free(t);
}

/* op_size: how much of struct fuse_custom_io the program knows (3.17
 * added clone_fd); the rest stays NULL. */
static int custom_io(struct fuse_session *se, const struct fuse_custom_io *io,
                     size_t op_size, int fd)
{
    if (fd < 0) {
        fuse_log(FUSE_LOG_ERR, "Invalid file descriptor value %d passed "
                 "to fuse_session_custom_io()\n", fd);
        return -EBADF;
    }
    if (!io || !io->read || !io->writev) {
        fuse_log(FUSE_LOG_ERR, "fuse_session_custom_io: read and writev "
                 "are required\n");
        return -EINVAL;
    }
    if (op_size > sizeof se->io_copy)
        op_size = sizeof se->io_copy;
    memset(&se->io_copy, 0, sizeof se->io_copy);
    memcpy(&se->io_copy, io, op_size);
    se->io = &se->io_copy;
    se->fd = fd;
    return 0;
}

#if FSP_FUSE_ABI >= 318
int fuse_session_custom_io_317(struct fuse_session *se,
                               const struct fuse_custom_io *io,
                               size_t op_size, int fd)
{
    return custom_io(se, io, op_size, fd);
}

/* What binaries built against 3.12 to 3.16 call (three arguments). */
int fuse_session_custom_io_30(struct fuse_session *se,
                              const struct fuse_custom_io *io, int fd);
int fuse_session_custom_io_30(struct fuse_session *se,
                              const struct fuse_custom_io *io, int fd)
{
    return custom_io(se, io, offsetof(struct fuse_custom_io, clone_fd), fd);
}
__asm__(".symver fuse_session_custom_io_30,fuse_session_custom_io@FUSE_3.0");
__asm__(".symver fuse_session_custom_io_317,"
        "fuse_session_custom_io@@FUSE_3.17");
#else
int fuse_session_custom_io(struct fuse_session *se,
                           const struct fuse_custom_io *io, int fd)
{
    return custom_io(se, io, sizeof *io, fd);
}
#endif

/* ---- Starting and running -------------------------------------------- */

/* -d through the libfuse layers prints libfuse's trace, which test
 * harnesses and scripts parse (fsp's own format stays for the native
 * API).  3.17 put "dev " before the request line ("cqe " over io_uring). */
/* libfuse's name, "???" for one it does not know. */
static const char *op_name(uint32_t opcode)
{
    const char *n = wire_opcode_name(opcode);
    return strcmp(n, "UNKNOWN") ? n : "???";
}

static void lib_trace(void *userdata, const struct ses_request *r, int reply,
                      int error, size_t size)
{
    (void)userdata;
    if (!reply) {
#if FSP_FUSE_ABI >= 318
        const char *src = ses_transport_buf ? "cqe " : "dev ";
#else
        const char *src = "";
#endif
        fuse_log(FUSE_LOG_DEBUG, "%sunique: %llu, opcode: %s (%u), "
                 "nodeid: %llu, insize: %zu, pid: %u\n", src,
                 (unsigned long long)r->unique, op_name(r->opcode),
                 r->opcode, (unsigned long long)r->nodeid, size, r->pid);
    } else if (error) {
        fuse_log(FUSE_LOG_DEBUG, "   unique: %llu, error: %i (%s), "
                 "outsize: %zu\n", (unsigned long long)r->unique, error,
                 strerror(-error), size);
    } else {
        fuse_log(FUSE_LOG_DEBUG, "   unique: %llu, success, outsize: %zu\n",
                 (unsigned long long)r->unique, size);
    }
}

int fsp_fuse_session_start(struct fuse_session *se, unsigned threads,
                           unsigned max_threads)
{
    if (se->fse)
        return 0;
    if (se->fd < 0) {
        fuse_log(FUSE_LOG_ERR, "fuse: session is not mounted\n");
        return -EBADF;
    }
    struct ses_transport *t;
    if (se->io) {
        struct custom_transport *c = calloc(1, sizeof *c);
        if (!c)
            return -ENOMEM;
        c->se = se;
        c->base.receive = custom_receive;
        c->base.send = custom_send;
        c->base.wake = custom_wake;
        c->base.destroy = custom_destroy;
        t = &c->base;
    } else {
        t = ses_dev_transport_new(se->fd);
        if (!t)
            return -ENOMEM;
    }
    int uring = 0;
#if FSP_FUSE_ABI >= 318
    /* -o io_uring (3.18): fsp's io_uring transport, which falls back to
     * /dev/fuse by itself when the kernel does not offer it.  Only for
     * the multi-threaded loop: the single-threaded one reads the device
     * in the caller's thread. */
    if (se->uring && !se->io && max_threads > 1) {
        struct ses_transport *u = ses_uring_transport_new(t, se->fd);
        if (u) {
            t = u; /* it owns the /dev/fuse transport now */
            uring = 1;
        }
    }
#endif
    struct ses_ll_ops ops;
    fsp_fuse_ll_ops(&ops);
    struct ses_params p = {
        .threads = threads,
        .max_threads = max_threads,
        .debug = se->debug,
        .io_uring = uring,
        .trace = lib_trace,
    };
    int r = ses_new(t, &ops, se, &p, &se->fse);
    if (r) {
        t->destroy(t);
        return r;
    }
    se->t = t;
    if (atomic_load(&se->exited))
        ses_exit(se->fse);
    return 0;
}

/* fsp's session cannot be restarted once stopped; say so rather than
 * spin on a transport that stays woken. */
static int check_restart(struct fuse_session *se)
{
    if (se->fse && ses_exited(se->fse)) {
        fuse_log(FUSE_LOG_ERR, "fuse: this session's loop has already "
                 "ended; fsp cannot restart it\n");
        return -EINVAL;
    }
    return 0;
}

/* How a loop reports its end: the signal or error recorded, else res;
 * then the session is ready for another loop, as in libfuse. */
static int loop_result(struct fuse_session *se, int res)
{
    int e = atomic_load(&se->error);
    if (e)
        res = e;
    fuse_session_reset(se);
    return res;
}

int fuse_session_loop(struct fuse_session *se)
{
    int res = check_restart(se);
    if (!res)
        res = fsp_fuse_session_start(se, 1, 1);
    if (res)
        return res;
    void *buf = malloc(BUFSIZE);
    if (!buf)
        return -ENOMEM;
    /* fsp's own flag too: a DESTROY from the kernel ends the session. */
    while (!atomic_load(&se->exited) && !ses_exited(se->fse)) {
        ssize_t n = se->t->receive(se->t, buf, BUFSIZE);
        if (n == -EINTR || n == -EAGAIN)
            continue;
        if (n < 0) {
            /* ENODEV: unmounted or aborted, the normal end. */
            res = n == -ENODEV ? 0 : (int)n;
            break;
        }
        /* A request answered later keeps this buffer: take another. */
        if (ses_process(se->fse, buf, (size_t)n, BUFSIZE) &&
            !(buf = malloc(BUFSIZE))) {
            res = -ENOMEM;
            break;
        }
    }
    free(buf);
    if (se->t->thread_exit)
        se->t->thread_exit(se->t);
    ses_exit(se->fse);
    return loop_result(se, res);
}

static int loop_mt(struct fuse_session *se, unsigned max_threads)
{
    int res = check_restart(se);
    if (res)
        return res;
    if (max_threads == 0)
        max_threads = DEF_MAX_THREADS;
    /* Start with one thread, as libfuse does; fsp's pool adds one
     * whenever all are busy, up to max_threads.  Idle threads are not
     * retired (max_idle_threads has no effect). */
    res = fsp_fuse_session_start(se, 1, max_threads);
    if (res)
        return res;
    res = ses_loop(se->fse);
    int jr = ses_join(se->fse);
    if (!res)
        res = jr;
    return loop_result(se, res);
}

int fuse_session_loop_mt_312(struct fuse_session *se,
                             struct fuse_loop_config *config)
{
    return loop_mt(se, config ? config->max_threads : DEF_MAX_THREADS);
}

int fuse_session_loop_mt_32(struct fuse_session *se,
                            struct fuse_loop_config_v1 *config)
{
    (void)config; /* clone_fd and max_idle_threads: see loop_mt */
    return loop_mt(se, DEF_MAX_THREADS);
}

int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd)
{
    (void)clone_fd;
    return loop_mt(se, DEF_MAX_THREADS);
}

__asm__(".symver fuse_session_loop_mt_31,fuse_session_loop_mt@FUSE_3.0");
__asm__(".symver fuse_session_loop_mt_32,fuse_session_loop_mt@FUSE_3.2");
__asm__(".symver fuse_session_loop_mt_312,fuse_session_loop_mt@@FUSE_3.12");

/* ---- Custom event loops ---------------------------------------------- */

int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf)
{
    int r = fsp_fuse_session_start(se, 1, 1);
    if (r)
        return r;
    if (!buf->mem) {
        buf->mem = malloc(BUFSIZE);
        if (!buf->mem)
            return -ENOMEM;
    }
    ssize_t n = se->t->receive(se->t, buf->mem, BUFSIZE);
    if (n == -ENODEV) {
        fuse_session_exit(se);
        return 0;
    }
    if (n == -EINTR && ses_exited(se->fse))
        fuse_session_exit(se); /* the kernel sent DESTROY */
    if (n < 0)
        return (int)n;
    buf->size = (size_t)n;
    buf->flags = 0;
    return (int)n;
}

/* fsp may keep the buffer a request came in (asynchronous replies), but
 * the program owns its fuse_buf: work on a copy in a buffer of ours. */
static _Thread_local void *process_buf_mem;

void fuse_session_process_buf(struct fuse_session *se,
                              const struct fuse_buf *buf)
{
    if (fsp_fuse_session_start(se, 1, 1))
        return;
    if (!process_buf_mem && !(process_buf_mem = malloc(BUFSIZE)))
        return;
    size_t n = buf->size < BUFSIZE ? buf->size : BUFSIZE;
    if (buf->flags & FUSE_BUF_IS_FD) {
        struct fuse_bufvec src = { 1, 0, 0, { *buf } };
        struct fuse_bufvec dst = FUSE_BUFVEC_INIT(n);
        dst.buf[0].mem = process_buf_mem;
        ssize_t got = fuse_buf_copy(&dst, &src, 0);
        if (got < 0)
            return;
        n = (size_t)got;
    } else {
        memcpy(process_buf_mem, buf->mem, n);
    }
    if (ses_process(se->fse, process_buf_mem, n, BUFSIZE))
        process_buf_mem = NULL; /* kept by a detached request */
}
