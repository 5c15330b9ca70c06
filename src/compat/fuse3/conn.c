/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INIT: show the program the connection as libfuse would (capabilities in
 * libfuse's numbering, libfuse's default wants), call its init, and turn
 * what it wants back into the flags fsp's session asks the kernel for.
 *
 * fsp's own defaults are replaced, not added to: a libfuse program gets
 * exactly the features libfuse would negotiate for it (no readdirplus
 * without a readdirplus handler, no export support unless asked).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

/* libfuse capability bit <-> kernel bit, where they differ or not. */
static const struct {
    uint64_t cap;
    uint64_t kernel;
} cap_map[] = {
    { FUSE_CAP_ASYNC_READ, WIRE_ASYNC_READ },
    { FUSE_CAP_POSIX_LOCKS, WIRE_POSIX_LOCKS },
    { FUSE_CAP_ATOMIC_O_TRUNC, WIRE_ATOMIC_O_TRUNC },
    { FUSE_CAP_EXPORT_SUPPORT, WIRE_EXPORT_SUPPORT },
    { FUSE_CAP_DONT_MASK, WIRE_DONT_MASK },
    { FUSE_CAP_FLOCK_LOCKS, WIRE_FLOCK_LOCKS },
    { FUSE_CAP_IOCTL_DIR, WIRE_HAS_IOCTL_DIR },
    { FUSE_CAP_AUTO_INVAL_DATA, WIRE_AUTO_INVAL_DATA },
    { FUSE_CAP_READDIRPLUS, WIRE_DO_READDIRPLUS },
    { FUSE_CAP_READDIRPLUS_AUTO, WIRE_READDIRPLUS_AUTO },
    { FUSE_CAP_ASYNC_DIO, WIRE_ASYNC_DIO },
    { FUSE_CAP_WRITEBACK_CACHE, WIRE_WRITEBACK_CACHE },
    { FUSE_CAP_NO_OPEN_SUPPORT, WIRE_NO_OPEN_SUPPORT },
    { FUSE_CAP_PARALLEL_DIROPS, WIRE_PARALLEL_DIROPS },
    { FUSE_CAP_POSIX_ACL, WIRE_POSIX_ACL },
    { FUSE_CAP_HANDLE_KILLPRIV, WIRE_HANDLE_KILLPRIV },
    { FUSE_CAP_CACHE_SYMLINKS, WIRE_CACHE_SYMLINKS },
    { FUSE_CAP_NO_OPENDIR_SUPPORT, WIRE_NO_OPENDIR_SUPPORT },
    { FUSE_CAP_EXPLICIT_INVAL_DATA, WIRE_EXPLICIT_INVAL_DATA },
    { FUSE_CAP_EXPIRE_ONLY, WIRE_HAS_EXPIRE_ONLY },
#if FSP_FUSE_ABI >= 318
    { FUSE_CAP_HANDLE_KILLPRIV_V2, WIRE_HANDLE_KILLPRIV_V2 },
    { FUSE_CAP_SETXATTR_EXT, WIRE_SETXATTR_EXT },
    { FUSE_CAP_DIRECT_IO_ALLOW_MMAP, WIRE_DIRECT_IO_ALLOW_MMAP },
    /* Backing files are registered through fsp's session
     * (fuse_passthrough_open, passthrough.c). */
    { FUSE_CAP_PASSTHROUGH, WIRE_PASSTHROUGH },
    { FUSE_CAP_NO_EXPORT_SUPPORT, WIRE_NO_EXPORT_SUPPORT },
#endif
    /* The splice capabilities are never offered: fsp does not splice. */
};

#define N_CAPS (sizeof cap_map / sizeof cap_map[0])

/* The capabilities as libfuse numbers them: 64 bits from 3.17 on. */
#if FSP_FUSE_ABI >= 318
typedef uint64_t caps_t;
#else
typedef unsigned caps_t;
#endif

void fsp_fuse_init_hook(void *userdata, struct ses_conn *c)
{
    struct fuse_session *se = userdata;
    struct fuse_conn_info *conn = &se->conn;
    memset(conn, 0, sizeof *conn);
    conn->proto_major = c->proto_major;
    conn->proto_minor = c->proto_minor;
    caps_t capable = 0;
    for (size_t i = 0; i < N_CAPS; i++)
        if (c->kernel_flags & cap_map[i].kernel)
            capable |= (caps_t)cap_map[i].cap;
#if FSP_FUSE_ABI >= 318
    /* Offered when the kernel does and -o io_uring asked for it; the
     * transport is fsp's, negotiated by its session after this hook. */
    if (se->uring && (c->kernel_flags & WIRE_OVER_IO_URING))
        capable |= FUSE_CAP_OVER_IO_URING;
    conn->capable_ext = capable;
    conn->max_backing_stack_depth = 1;
#endif
    conn->capable = (unsigned)capable;
    conn->max_write = c->max_write;
    conn->max_read = se->mo.max_read;
    conn->max_readahead = c->max_readahead;
    conn->max_background = c->max_background;
    conn->congestion_threshold = c->congestion_threshold;
    conn->time_gran = c->time_gran;

    /* libfuse 3.14's defaults: on when the kernel offers them (and, for
     * some, when the program has the handler that makes sense of them).
     * Not HANDLE_KILLPRIV: Debian's libfuse 3.14 does not ask for it
     * (its INIT reply on Linux 6.18 has no FUSE_HANDLE_KILLPRIV), so the
     * kernel clears set-user-ID and set-group-ID itself on write, truncate
     * and chown.  Asking for it by default made every program that does
     * not clear them (the high-level layer never does) keep set-user-ID
     * across a write by another user. */
    caps_t def = FUSE_CAP_ASYNC_READ | FUSE_CAP_PARALLEL_DIROPS |
                 FUSE_CAP_AUTO_INVAL_DATA | FUSE_CAP_ASYNC_DIO |
                 FUSE_CAP_IOCTL_DIR | FUSE_CAP_ATOMIC_O_TRUNC;
    if (se->op.getlk && se->op.setlk)
        def |= FUSE_CAP_POSIX_LOCKS;
    if (se->op.flock)
        def |= FUSE_CAP_FLOCK_LOCKS;
    if (se->op.readdirplus)
        def |= FUSE_CAP_READDIRPLUS;
    if (se->op.readdirplus && se->op.readdir)
        def |= FUSE_CAP_READDIRPLUS_AUTO;
#if FSP_FUSE_ABI >= 318
    if (capable & FUSE_CAP_OVER_IO_URING)
        def |= FUSE_CAP_OVER_IO_URING;
#endif
    caps_t want = def & capable;
    conn->want = (unsigned)want;
#if FSP_FUSE_ABI >= 318
    conn->want_ext = want;
    se->conn_want = (unsigned)want;
    se->conn_want_ext = want;
#endif

    if (se->op.init)
        se->op.init(se->userdata, conn);

#if FSP_FUSE_ABI >= 318
    /* A program that changed the 32-bit want (written for 3.14) has it
     * folded into want_ext, as libfuse does after init. */
    if (fuse_convert_to_conn_want_ext(conn) < 0)
        fuse_log(FUSE_LOG_ERR, "fuse: init changed both want and want_ext; "
                 "using want_ext\n");
    want = conn->want_ext;
#else
    want = conn->want;
#endif
    /* Splicing is an optimisation fsp does not do: drop it quietly. */
    want &= ~(caps_t)(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
                      FUSE_CAP_SPLICE_MOVE);
    caps_t extra = want & ~capable;
    if (extra) {
        /* libfuse refuses the mount here; fsp's INIT hook cannot fail,
         * so the unsupported wishes are dropped and said so. */
        fuse_log(FUSE_LOG_ERR, "fuse: error: filesystem requested "
                 "capabilities 0x%llx that are not supported by kernel; "
                 "ignoring them\n", (unsigned long long)extra);
        want &= capable;
    }
    conn->want = (unsigned)want;
#if FSP_FUSE_ABI >= 318
    conn->want_ext = want;
#endif

    /* What fsp itself needs stays: the extended INIT flags, big writes
     * and max_pages (for max_write), and a request timeout asked for. */
    uint64_t kwant = c->want_flags & (WIRE_INIT_EXT | WIRE_BIG_WRITES |
                                      WIRE_MAX_PAGES | WIRE_REQUEST_TIMEOUT);
    for (size_t i = 0; i < N_CAPS; i++)
        if (want & cap_map[i].cap)
            kwant |= cap_map[i].kernel;
#if FSP_FUSE_ABI >= 318
    /* 3.17's request timeout, set by init: the kernel aborts requests
     * left unanswered that long (fsp's FUSE_REQUEST_TIMEOUT). */
    if (conn->request_timeout &&
        (c->kernel_flags & WIRE_REQUEST_TIMEOUT)) {
        kwant |= WIRE_REQUEST_TIMEOUT;
        c->request_timeout = conn->request_timeout;
    }
    if (want & FUSE_CAP_PASSTHROUGH)
        c->max_stack_depth = conn->max_backing_stack_depth
                                 ? conn->max_backing_stack_depth : 1;
#endif
    c->want_flags = kwant;

    if (conn->max_write && conn->max_write < c->max_write)
        c->max_write = conn->max_write;
    if (c->max_write < 4096)
        c->max_write = 4096;
    c->max_pages = (uint16_t)((c->max_write + 4095) / 4096);
    if (conn->max_readahead < c->max_readahead)
        c->max_readahead = conn->max_readahead;
    if (conn->max_background && conn->max_background <= UINT16_MAX)
        c->max_background = (uint16_t)conn->max_background;
    if (conn->congestion_threshold &&
        conn->congestion_threshold <= UINT16_MAX)
        c->congestion_threshold = (uint16_t)conn->congestion_threshold;
    if (conn->time_gran)
        c->time_gran = conn->time_gran;
    atomic_store(&se->got_init, 1);
}

/* ---- fuse_parse_conn_info_opts ------------------------------------- */

struct fuse_conn_info_opts {
    int atomic_o_trunc;
    int no_remote_posix_lock;
    int no_remote_flock;
    int splice_write, splice_move, splice_read;
    int no_splice_write, no_splice_move, no_splice_read;
    int auto_inval_data, no_auto_inval_data;
    int no_readdirplus, no_readdirplus_auto;
    int async_dio, no_async_dio;
    int writeback_cache, no_writeback_cache;
    int async_read, sync_read;
    unsigned max_write;
    unsigned max_readahead;
    unsigned max_background;
    unsigned congestion_threshold;
    unsigned time_gran;
    int set_max_write, set_max_readahead, set_max_background;
    int set_congestion_threshold, set_time_gran;
};

#define CONN_OPT(t, p, v) { t, offsetof(struct fuse_conn_info_opts, p), v }

static const struct fuse_opt conn_info_opt_spec[] = {
    CONN_OPT("max_write=%u", max_write, 0),
    CONN_OPT("max_write=", set_max_write, 1),
    CONN_OPT("max_readahead=%u", max_readahead, 0),
    CONN_OPT("max_readahead=", set_max_readahead, 1),
    CONN_OPT("max_background=%u", max_background, 0),
    CONN_OPT("max_background=", set_max_background, 1),
    CONN_OPT("congestion_threshold=%u", congestion_threshold, 0),
    CONN_OPT("congestion_threshold=", set_congestion_threshold, 1),
    CONN_OPT("sync_read", sync_read, 1),
    CONN_OPT("async_read", async_read, 1),
    CONN_OPT("atomic_o_trunc", atomic_o_trunc, 1),
    CONN_OPT("no_remote_lock", no_remote_posix_lock, 1),
    CONN_OPT("no_remote_lock", no_remote_flock, 1),
    CONN_OPT("no_remote_flock", no_remote_flock, 1),
    CONN_OPT("no_remote_posix_lock", no_remote_posix_lock, 1),
    CONN_OPT("splice_write", splice_write, 1),
    CONN_OPT("no_splice_write", no_splice_write, 1),
    CONN_OPT("splice_move", splice_move, 1),
    CONN_OPT("no_splice_move", no_splice_move, 1),
    CONN_OPT("splice_read", splice_read, 1),
    CONN_OPT("no_splice_read", no_splice_read, 1),
    CONN_OPT("auto_inval_data", auto_inval_data, 1),
    CONN_OPT("no_auto_inval_data", no_auto_inval_data, 1),
    CONN_OPT("readdirplus=no", no_readdirplus, 1),
    CONN_OPT("readdirplus=yes", no_readdirplus, 0),
    CONN_OPT("readdirplus=yes", no_readdirplus_auto, 1),
    CONN_OPT("readdirplus=auto", no_readdirplus, 0),
    CONN_OPT("readdirplus=auto", no_readdirplus_auto, 0),
    CONN_OPT("writeback_cache", writeback_cache, 1),
    CONN_OPT("no_writeback_cache", no_writeback_cache, 1),
    CONN_OPT("async_dio", async_dio, 1),
    CONN_OPT("no_async_dio", no_async_dio, 1),
    CONN_OPT("time_gran=%u", time_gran, 0),
    CONN_OPT("time_gran=", set_time_gran, 1),
    FUSE_OPT_END
};

struct fuse_conn_info_opts *fuse_parse_conn_info_opts(struct fuse_args *args)
{
    struct fuse_conn_info_opts *opts = calloc(1, sizeof *opts);
    if (!opts) {
        fuse_log(FUSE_LOG_ERR, "calloc failed\n");
        return NULL;
    }
    if (fuse_opt_parse(args, opts, conn_info_opt_spec, NULL) == -1) {
        free(opts);
        return NULL;
    }
    return opts;
}

/* Set or clear cap in conn->want as the option pair says. */
static void want(struct fuse_conn_info *conn, int on, int off, unsigned cap)
{
    if (on)
        conn->want |= cap;
    if (off)
        conn->want &= ~cap;
}

void fuse_apply_conn_info_opts(struct fuse_conn_info_opts *o,
                               struct fuse_conn_info *conn)
{
    if (o->set_max_write)
        conn->max_write = o->max_write;
    if (o->set_max_background)
        conn->max_background = o->max_background;
    if (o->set_congestion_threshold)
        conn->congestion_threshold = o->congestion_threshold;
    if (o->set_time_gran)
        conn->time_gran = o->time_gran;
    if (o->set_max_readahead)
        conn->max_readahead = o->max_readahead;
    want(conn, o->splice_read, o->no_splice_read, FUSE_CAP_SPLICE_READ);
    want(conn, o->splice_write, o->no_splice_write, FUSE_CAP_SPLICE_WRITE);
    want(conn, o->splice_move, o->no_splice_move, FUSE_CAP_SPLICE_MOVE);
    want(conn, o->auto_inval_data, o->no_auto_inval_data,
         FUSE_CAP_AUTO_INVAL_DATA);
    want(conn, 0, o->no_readdirplus, FUSE_CAP_READDIRPLUS);
    want(conn, 0, o->no_readdirplus_auto, FUSE_CAP_READDIRPLUS_AUTO);
    want(conn, o->async_dio, o->no_async_dio, FUSE_CAP_ASYNC_DIO);
    want(conn, o->writeback_cache, o->no_writeback_cache,
         FUSE_CAP_WRITEBACK_CACHE);
    want(conn, o->atomic_o_trunc, 0, FUSE_CAP_ATOMIC_O_TRUNC);
    want(conn, o->async_read, o->sync_read, FUSE_CAP_ASYNC_READ);
    want(conn, 0, o->no_remote_posix_lock, FUSE_CAP_POSIX_LOCKS);
    want(conn, 0, o->no_remote_flock, FUSE_CAP_FLOCK_LOCKS);
}
