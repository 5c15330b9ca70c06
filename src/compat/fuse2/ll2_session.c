/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: 2.x low-level sessions and their channels.
 *
 * fuse_lowlevel_new makes a fuse3 session (f2b_ll_new) whose handlers
 * call the program's 2.9 ones; the session pointer the program holds is
 * that fuse3 session, so fuse_session_exit/exited/reset and the signal
 * handlers are the fuse3 code's.  A channel from fuse_mount holds its
 * mount in a session of its own (f3_chan.c); fuse_session_add_chan
 * moves the mount to the serving session.
 */
#include "compat/fuse2/ll2.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options of 2.9's fuse_lowlevel_new that 3.x's session does not
 * take: what init sees, or accepted and dropped (what is always so on
 * fsp, or splicing, which fsp does not do). */
#define LLO(t, m, v) { t, offsetof(struct f2_ll_opts, m), v }
static const struct fuse_opt ll2_opts[] = {
    LLO("max_write=%u", max_write, 0),
    LLO("max_readahead=%u", max_readahead, 0),
    LLO("max_background=%u", max_background, 0),
    LLO("congestion_threshold=%u", congestion_threshold, 0),
    LLO("async_read", async_read, 1),
    LLO("sync_read", sync_read, 1),
    LLO("atomic_o_trunc", atomic_o_trunc, 1),
    LLO("no_remote_lock", no_remote_lock, 1),
    LLO("no_remote_flock", no_remote_lock, 1),
    LLO("no_remote_posix_lock", no_remote_lock, 1),
    FUSE_OPT_KEY("big_writes", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_read", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_write", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_move", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_read", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_write", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_move", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("auto_inval_data", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_auto_inval_data", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_END
};

/* Everything fuse_lowlevel_new understands, for fuse_lowlevel_is_lib_option. */
static const struct fuse_opt ll2_known[] = {
    FUSE_OPT_KEY("debug", 0), FUSE_OPT_KEY("-d", 0),
    FUSE_OPT_KEY("allow_root", 0),
    FUSE_OPT_KEY("max_write=", 0), FUSE_OPT_KEY("max_readahead=", 0),
    FUSE_OPT_KEY("max_background=", 0),
    FUSE_OPT_KEY("congestion_threshold=", 0),
    FUSE_OPT_KEY("async_read", 0), FUSE_OPT_KEY("sync_read", 0),
    FUSE_OPT_KEY("atomic_o_trunc", 0), FUSE_OPT_KEY("no_remote_lock", 0),
    FUSE_OPT_KEY("no_remote_flock", 0),
    FUSE_OPT_KEY("no_remote_posix_lock", 0), FUSE_OPT_KEY("big_writes", 0),
    FUSE_OPT_KEY("splice_read", 0), FUSE_OPT_KEY("splice_write", 0),
    FUSE_OPT_KEY("splice_move", 0), FUSE_OPT_KEY("no_splice_read", 0),
    FUSE_OPT_KEY("no_splice_write", 0), FUSE_OPT_KEY("no_splice_move", 0),
    FUSE_OPT_KEY("auto_inval_data", 0),
    FUSE_OPT_KEY("no_auto_inval_data", 0),
    FUSE_OPT_END
};

int fuse_lowlevel_is_lib_option(const char *opt)
{
    return fuse_opt_match(ll2_known, opt);
}

/* has[] for f2b_ll_new. */
static void ll_present(const struct fuse_lowlevel_ops *op, unsigned char *has)
{
    has[F2L_LOOKUP] = !!op->lookup;
    has[F2L_FORGET] = !!op->forget;
    has[F2L_GETATTR] = !!op->getattr;
    has[F2L_SETATTR] = !!op->setattr;
    has[F2L_READLINK] = !!op->readlink;
    has[F2L_MKNOD] = !!op->mknod;
    has[F2L_MKDIR] = !!op->mkdir;
    has[F2L_UNLINK] = !!op->unlink;
    has[F2L_RMDIR] = !!op->rmdir;
    has[F2L_SYMLINK] = !!op->symlink;
    has[F2L_RENAME] = !!op->rename;
    has[F2L_LINK] = !!op->link;
    has[F2L_OPEN] = !!op->open;
    has[F2L_READ] = !!op->read;
    has[F2L_WRITE] = !!op->write;
    has[F2L_FLUSH] = !!op->flush;
    has[F2L_RELEASE] = !!op->release;
    has[F2L_FSYNC] = !!op->fsync;
    has[F2L_OPENDIR] = !!op->opendir;
    has[F2L_READDIR] = !!op->readdir;
    has[F2L_RELEASEDIR] = !!op->releasedir;
    has[F2L_FSYNCDIR] = !!op->fsyncdir;
    has[F2L_STATFS] = !!op->statfs;
    has[F2L_SETXATTR] = !!op->setxattr;
    has[F2L_GETXATTR] = !!op->getxattr;
    has[F2L_LISTXATTR] = !!op->listxattr;
    has[F2L_REMOVEXATTR] = !!op->removexattr;
    has[F2L_ACCESS] = !!op->access;
    has[F2L_CREATE] = !!op->create;
    has[F2L_GETLK] = !!op->getlk;
    has[F2L_SETLK] = !!op->setlk;
    has[F2L_BMAP] = !!op->bmap;
    has[F2L_IOCTL] = !!op->ioctl;
    has[F2L_POLL] = !!op->poll;
    has[F2L_WRITE_BUF] = !!op->write_buf;
    has[F2L_RETRIEVE_REPLY] = !!op->retrieve_reply;
    has[F2L_FORGET_MULTI] = !!op->forget_multi;
    has[F2L_FLOCK] = !!op->flock;
    has[F2L_FALLOCATE] = !!op->fallocate;
}

struct fuse_session *fuse_lowlevel_new(struct fuse_args *args,
                                       const struct fuse_lowlevel_ops *op,
                                       size_t op_size, void *userdata)
{
    if (!op) {
        fprintf(stderr, "fuse: fuse_lowlevel_new needs operations\n");
        return NULL;
    }
    struct f2_ll *ll = calloc(1, sizeof(*ll));
    if (!ll) {
        fprintf(stderr, "fuse: failed to allocate fuse object\n");
        return NULL;
    }
    /* An older program's smaller struct leaves the rest NULL. */
    if (op_size > sizeof(ll->op)) {
        fprintf(stderr, "fuse: warning: library too old, some operations "
                "may not work\n");
        op_size = sizeof(ll->op);
    }
    memcpy(&ll->op, op, op_size);
    ll->userdata = userdata;

    /* A copy: the 2.x-only options go, the rest is the fuse3 session's
     * (which rejects unknown ones, as 2.9 did). */
    struct fuse_args a = FUSE_ARGS_INIT(0, NULL);
    unsigned char has[F2L_NOPS];
    int ok = fuse_opt_add_arg(&a, args && args->argc > 0 ? args->argv[0]
                                                         : "fuse") == 0;
    for (int i = 1; ok && args && i < args->argc; i++)
        ok = fuse_opt_add_arg(&a, args->argv[i]) == 0;
    if (ok)
        ok = f2_reject_mount_opts(&a) == 0 &&
             fuse_opt_parse(&a, &ll->o, ll2_opts, NULL) == 0;
    ll_present(&ll->op, has);
    if (ok)
        ll->se = f2b_ll_new(&a, ll, has);
    fuse_opt_free_args(&a);
    if (!ll->se) {
        free(ll);
        return NULL;
    }
    return ll->se;
}

/* ---- Channels ----------------------------------------------------------- */

struct fuse_session *f2_chan_session(struct fuse_chan *ch)
{
    if (!ch)
        return NULL;
    if (ch->se)
        return ch->se;
    return ch->f ? fuse_get_session(ch->f) : NULL;
}

void fuse_session_add_chan(struct fuse_session *se, struct fuse_chan *ch)
{
    struct f2_ll *ll = f2b_ll_of(se);
    if (!ll || !ch || ch->se || ch->f || ll->ch) {
        fprintf(stderr, "fuse: fuse_session_add_chan needs a low-level "
                "session and a channel, both unattached\n");
        return;
    }
    ll->ch = ch;
    ch->se = se;
    /* The mount moves to se once: a channel removed and added again
     * finds it there. */
    if (fsp3_fuse_session_fd(se) < 0 && f2b_chan_give(ch->mse, se) == -1)
        fprintf(stderr, "fuse: %s is not mounted\n", ch->mountpoint);
}

void fuse_session_remove_chan(struct fuse_chan *ch)
{
    struct f2_ll *ll = ch ? f2b_ll_of(ch->se) : NULL;
    if (ll)
        ll->ch = NULL;
    if (ch)
        ch->se = NULL;
}

struct fuse_chan *fuse_session_next_chan(struct fuse_session *se,
                                         struct fuse_chan *ch)
{
    struct f2_ll *ll = f2b_ll_of(se);
    if (ch)
        return NULL;             /* one channel per session */
    if (ll)
        return ll->ch;
    /* a high-level file system's session: its channel */
    void *f = se ? f2b_fuse_of(se) : NULL;
    return f ? f2b_fs_of(f)->ch : NULL;
}

int fuse_chan_fd(struct fuse_chan *ch)
{
    struct fuse_session *se = f2_chan_session(ch);
    if (se)
        return fsp3_fuse_session_fd(se);
    return ch && ch->mse ? fsp3_fuse_session_fd(ch->mse) : -1;
}

size_t fuse_chan_bufsize(struct fuse_chan *ch)
{
    (void)ch;
    return f2b_bufsize();
}

void *fuse_chan_data(struct fuse_chan *ch)
{
    /* fuse_mount's channels carry no program data in 2.9 either. */
    (void)ch;
    return NULL;
}

struct fuse_session *fuse_chan_session(struct fuse_chan *ch)
{
    return f2_chan_session(ch);
}

int fuse_chan_recv(struct fuse_chan **chp, char *buf, size_t size)
{
    struct fuse_session *se = chp ? f2_chan_session(*chp) : NULL;
    if (!se)
        return -EBADF;
    int n = f2b_receive(se, buf, size);
    /* 2.9: unmounted ends the session and reads as 0; loops of their
     * own (zfs-fuse's) look at fuse_session_exited to tear down */
    if (n == -ENODEV) {
        fuse_session_exit(se);
        return 0;
    }
    return n;
}

int fuse_chan_send(struct fuse_chan *ch, const struct iovec iov[],
                   size_t count)
{
    struct fuse_session *se = f2_chan_session(ch);
    if (!se)
        return -EBADF;
    return f2b_send(se, iov, (int)count);
}

void fuse_chan_destroy(struct fuse_chan *ch)
{
    if (!ch)
        return;
    fuse_session_remove_chan(ch);
    if (ch->mse)
        f2b_chan_release(ch->mse);
    free(ch->mountpoint);
    free(ch->opts);
    free(ch);
}

/* ---- Loops and processing ------------------------------------------------ */

/* 2.9's loops return 0 when a signal or unmount ended them. */
int fuse_session_loop(struct fuse_session *se)
{
    return fsp3_fuse_session_loop(se) < 0 ? -1 : 0;
}

int fuse_session_loop_mt(struct fuse_session *se)
{
    return f2b_ll_loop_mt(se) < 0 ? -1 : 0;
}

int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf,
                             struct fuse_chan **chp)
{
    (void)chp;                   /* one channel: it stays what it was */
    size_t size = f2b_bufsize();
    if (!buf->mem) {
        buf->mem = malloc(size);
        if (!buf->mem)
            return -ENOMEM;
    } else if (buf->size < size) {
        size = buf->size;
    }
    int n = f2b_receive(se, buf->mem, size);
    if (n == -ENODEV) {
        fuse_session_exit(se);
        return 0;
    }
    if (n < 0)
        return n;
    buf->size = (size_t)n;
    buf->flags = 0;
    return n;
}

void fuse_session_process_buf(struct fuse_session *se,
                              const struct fuse_buf *buf,
                              struct fuse_chan *ch)
{
    (void)ch;
    fsp3_fuse_session_process_buf(se, buf);
}

void fuse_session_process(struct fuse_session *se, const char *buf,
                          size_t len, struct fuse_chan *ch)
{
    struct fuse_buf fb = { .size = len, .mem = (void *)buf, .fd = -1 };
    fuse_session_process_buf(se, &fb, ch);
}

void *fuse_session_data(struct fuse_session *se)
{
    return f2b_ll_of(se);
}

/* 2.9: destroy the session's channel with it; the mount goes too (fsp's
 * session unmounts what the program did not). */
void fuse_session_destroy(struct fuse_session *se)
{
    struct f2_ll *ll = f2b_ll_of(se);
    if (!ll) {
        fprintf(stderr, "fuse: fuse_session_destroy: not a low-level "
                "session (use fuse_destroy)\n");
        return;
    }
    if (ll->ch)
        fuse_chan_destroy(ll->ch);
    fsp3_fuse_session_destroy(se);
    free(ll);
}
