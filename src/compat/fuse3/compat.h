/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 compatibility layer: what its files share.
 *
 * A struct fuse_session wraps a mount (layer 1) and, once a loop starts,
 * an fsp session (layer 2) whose low-level handler table (layer 3,
 * dispatch.c) decodes fsp's wire structs into fuse_lowlevel_ops calls.
 * The fsp session is created lazily, by the first loop or
 * fuse_session_receive_buf, because only then is the thread model known
 * and because programs daemonize (fork) between mount and loop.
 */
#ifndef FSP_COMPAT_FUSE3_H
#define FSP_COMPAT_FUSE3_H

/* Which ABI this build of the sources has: 314 (libfuse3.so.3, and the
 * copies libfuse.so.2 and the fuzz targets build) or 318 (libfuse3.so.4);
 * the Makefile says.  The library sees the plain declarations of the
 * entry points 3.17's headers wrap (FSP_FUSE_LIB). */
#ifndef FSP_FUSE_ABI
#define FSP_FUSE_ABI 314
#endif
#ifndef FSP_FUSE_LIB
#define FSP_FUSE_LIB 1
#endif
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <pthread.h>
#include <stdatomic.h>

#include "kernel/mount.h"
#include "session/session.h"

/* The package version fuse_pkgversion() reports. */
#if FSP_FUSE_ABI >= 318
#define FSP_FUSE3_PKGVERSION "3.18.3-fsp"
#else
#define FSP_FUSE3_PKGVERSION "3.14.0-fsp"
#endif

/* A notify_retrieve waiting for the kernel's NOTIFY_REPLY. */
struct retrieve_cookie {
    struct retrieve_cookie *next;
    uint64_t unique;
    void *cookie;
};

struct fuse_session {
    struct fuse_lowlevel_ops op;
    void *userdata;

    /* From fuse_session_new's arguments. */
    int debug;
    int deny_others;             /* allow_root: only owner and root */
    uid_t owner;
    struct kmount_opts mo;

    /* Mount (fuse_session_mount). */
    struct kmount m;
    int fd;                      /* the connection, -1 before mount */
    int fd_external;             /* /dev/fd/N: not ours to unmount */
    char *mountpoint;

    /* The fsp session and its transport (owned by it). */
    struct ses_session *fse;
    struct ses_transport *t;
    const struct fuse_custom_io *io;  /* &io_copy once set, else NULL */
    struct fuse_custom_io io_copy;    /* op_size bytes of the program's */
    void *io_userdata;
#if FSP_FUSE_ABI >= 318
    int uring;                   /* -o io_uring: serve over io_uring */
    unsigned uring_q_depth;      /* -o io_uring_q_depth=N (fsp's default) */
    struct libfuse_version version;  /* the program's, 0.0 if unknown */
    /* want and want_ext as the library last set them (features.c) */
    unsigned conn_want;
    uint64_t conn_want_ext;
#endif

    atomic_int exited;
    atomic_int error;            /* a signal number, or -errno */
    atomic_int got_init;
    int got_destroy;
    struct fuse_conn_info conn;

    /* Outstanding notify_retrieve cookies, by notify_unique. */
    pthread_mutex_t lock;
    struct retrieve_cookie *retrieves;
    uint64_t notify_ctr;
};

/*
 * The request the program holds (fuse_req_t).  It outlives the handler
 * when the program answers later: then the fsp request is detached and
 * `r` points to its heap copy.  `lock` makes the reply, that hand-over
 * and the interrupt function exclusive; `refs` counts the handler, the
 * pending reply and an INTERRUPT being delivered (req.c).
 */
struct fuse_req {
    struct ses_request *r;
    struct fuse_session *se;
    struct fuse_ctx ctx;
    pthread_mutex_t lock;
    atomic_int refs;
    int replied;
    int dummy;                   /* a forget of a batch: replies go nowhere */
    fuse_interrupt_func_t ifunc;
    void *idata;
    int hooked;                  /* fsp tells us of INTERRUPT (req.c) */
    int intr_seen;               /* and it did */
    int uring;                   /* came over io_uring (fuse_req_is_uring) */
};

/* What a poll handler may keep to wake the poller later. */
struct fuse_pollhandle {
    uint64_t kh;                 /* the kernel's handle */
    struct fuse_session *se;
};

/* Request lifetime (req.c). */
struct fuse_req *fsp_fuse_req_begin(struct fuse_session *se,
                                    struct ses_request *r);
void fsp_fuse_req_end(struct fuse_req *req);
/* Take the request for its one reply: the fsp request to answer, with
 * req->lock held, or NULL (already answered: logged). */
struct ses_request *fsp_fuse_req_take(struct fuse_req *req);
/* After the fsp reply: drop the lock and the reply's reference. */
void fsp_fuse_req_done(struct fuse_req *req);

/* The handler table (dispatch.c) and the INIT hook (conn.c). */
void fsp_fuse_ll_ops(struct ses_ll_ops *ops);
void fsp_fuse_init_hook(void *userdata, struct ses_conn *c);

/* Remove the pending retrieve whose notify_unique is `unique`; 0 and
 * its cookie, or -ENOENT (notify.c). */
int fsp_fuse_retrieve_find(struct fuse_session *se, uint64_t unique,
                           void **cookie);

/* Replace se's mount options by those of opts (a -o list, may be NULL;
 * options that are not mount or session options are ignored), for
 * libfuse 2, where they come with the channel (session.c); 0 or -1. */
int fsp_fuse_session_mount_opts(struct fuse_session *se, const char *opts);

/* Give src's mount (descriptor, watchdog, mount options) to dst, which
 * has none; src is left unmounted (session.c).  For libfuse 2, whose
 * fuse_mount mounts before the session that will serve it exists. */
void fsp_fuse_session_move_mount(struct fuse_session *dst,
                                 struct fuse_session *src);

/* Create the fsp session if there is none yet (loop.c); 0 or -errno. */
int fsp_fuse_session_start(struct fuse_session *se, unsigned threads,
                           unsigned max_threads);

/* Attribute conversions (reply.c). */
void fsp_fuse_fill_attr(struct wire_attr *a, const struct stat *st);
void fsp_fuse_fill_entry(struct wire_entry_out *o,
                         const struct fuse_entry_param *e);

/* Versioned entry points (loop.c, cmdline.c); the map binds the plain
 * names to these. */
int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd);
int fuse_session_loop_mt_32(struct fuse_session *se,
                            struct fuse_loop_config_v1 *config);
int fuse_session_loop_mt_312(struct fuse_session *se,
                             struct fuse_loop_config *config);
int fuse_parse_cmdline_30(struct fuse_args *args,
                          struct fuse_cmdline_opts *opts);
int fuse_parse_cmdline_312(struct fuse_args *args,
                           struct fuse_cmdline_opts *opts);

#endif
