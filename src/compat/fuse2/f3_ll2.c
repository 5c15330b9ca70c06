/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse3 side of the 2.x low-level API: a fuse3 session
 * whose 3.x handlers hand each request to the program's 2.9 handler
 * (through the f2l_* functions of ll2_ops.c), and the few fuse3 calls
 * the 2.x session and channel functions are built from.  Compiled like
 * src/compat/fuse3 for this library (include/fuse3, fuse3_renames.h).
 *
 * Only the layouts differ between 2.9 and 3.x requests: fuse_file_info
 * crosses as struct f2b_fi, everything else as it is.
 */
#include "compat/fuse3/compat.h"
#include "compat/fuse2/bridge.h"
#include "compat/fuse2/f3_fi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The receive buffer fsp's loops use: a 1 MiB write and its headers. */
#define LL2_BUFSIZE ((1u << 20) + 4096)

static struct f2_ll *ll_of(fuse_req_t req)
{
    return fuse_req_userdata(req);
}

/* The fields of a 2.x open reply, for the 3.x one. */
static void fi_3(struct fuse_file_info *fi, const struct f2b_fi *b)
{
    memset(fi, 0, sizeof *fi);
    fi->flags = b->flags;
    fi->fh = b->fh;
    fi->direct_io = b->direct_io;
    fi->keep_cache = b->keep_cache;
    fi->nonseekable = b->nonseekable;
}

/* Handler bodies: B forwards, BFI forwards with the file info. */
#define B(name, ...) f2l_##name(ll_of(req), req, __VA_ARGS__)
#define BFI(name, ...)                                                      \
    do {                                                                    \
        struct f2b_fi b_;                                                   \
        f2l_##name(ll_of(req), req, __VA_ARGS__);                           \
    } while (0)
#define FI f3_fi_to_bridge(&b_, fi)

/* What 2.9 asked for before init: async reads and the lock kinds whose
 * handlers exist (f2l_init takes those away again).  The 3.x defaults
 * (parallel directory operations, killpriv, async dio, auto inval data,
 * readdir plus, ioctl on directories, atomic O_TRUNC) stay off unless
 * the program or its options ask, as it knows nothing of them. */
#define WANT2 (FUSE_CAP_ASYNC_READ | FUSE_CAP_POSIX_LOCKS |                 \
               FUSE_CAP_FLOCK_LOCKS)

static void b_init(void *userdata, struct fuse_conn_info *conn)
{
    conn->want &= WANT2;
    struct f2b_conn c = {
        conn->proto_major, conn->proto_minor, conn->max_write,
        conn->max_readahead, conn->capable, conn->want,
        conn->max_background, conn->congestion_threshold,
    };
    f2l_init(userdata, &c);
    conn->want = c.want;
    conn->max_write = c.max_write;
    conn->max_readahead = c.max_readahead;
    conn->max_background = c.max_background;
    conn->congestion_threshold = c.congestion_threshold;
}

static void b_destroy(void *userdata)
{
    f2l_destroy(userdata);
}

static void b_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    B(lookup, parent, name);
}

static void b_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    B(forget, ino, nlookup);
}

static void b_getattr(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    (void)fi;
    f2l_getattr(ll_of(req), req, ino);
}

/* The to_set bits 2.9 passed on. */
#define SET_ATTR2 (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |                 \
                   FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE |                 \
                   FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |              \
                   FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)

static void b_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                      int to_set, struct fuse_file_info *fi)
{
    struct f2b_fi b_;
    f2l_setattr(ll_of(req), req, ino, attr, to_set & SET_ATTR2,
                f3_fi_to_bridge(&b_, fi));
}

static void b_readlink(fuse_req_t req, fuse_ino_t ino)
{
    f2l_readlink(ll_of(req), req, ino);
}

static void b_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode, dev_t rdev)
{
    B(mknod, parent, name, mode, rdev);
}

static void b_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode)
{
    B(mkdir, parent, name, mode);
}

static void b_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    B(unlink, parent, name);
}

static void b_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    B(rmdir, parent, name);
}

static void b_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                      const char *name)
{
    B(symlink, link, parent, name);
}

/* 2.9 had no renameat2 flags: refuse them as its kernel would have. */
static void b_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                     fuse_ino_t newparent, const char *newname,
                     unsigned int flags)
{
    if (flags) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    B(rename, parent, name, newparent, newname);
}

static void b_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
                   const char *newname)
{
    B(link, ino, newparent, newname);
}

static void b_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    BFI(open, ino, FI);
}

static void b_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    BFI(read, ino, size, off, FI);
}

static void b_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
                    size_t size, off_t off, struct fuse_file_info *fi)
{
    BFI(write, ino, buf, size, off, FI);
}

static void b_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    BFI(flush, ino, FI);
}

static void b_release(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    BFI(release, ino, FI);
}

static void b_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
                    struct fuse_file_info *fi)
{
    BFI(fsync, ino, datasync, FI);
}

static void b_opendir(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    BFI(opendir, ino, FI);
}

static void b_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    BFI(readdir, ino, size, off, FI);
}

static void b_releasedir(fuse_req_t req, fuse_ino_t ino,
                         struct fuse_file_info *fi)
{
    BFI(releasedir, ino, FI);
}

static void b_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
                       struct fuse_file_info *fi)
{
    BFI(fsyncdir, ino, datasync, FI);
}

static void b_statfs(fuse_req_t req, fuse_ino_t ino)
{
    f2l_statfs(ll_of(req), req, ino);
}

static void b_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                       const char *value, size_t size, int flags)
{
    B(setxattr, ino, name, value, size, flags);
}

static void b_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                       size_t size)
{
    B(getxattr, ino, name, size);
}

static void b_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    B(listxattr, ino, size);
}

static void b_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    B(removexattr, ino, name);
}

static void b_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    B(access, ino, mask);
}

static void b_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode, struct fuse_file_info *fi)
{
    BFI(create, parent, name, mode, FI);
}

static void b_getlk(fuse_req_t req, fuse_ino_t ino,
                    struct fuse_file_info *fi, struct flock *lock)
{
    BFI(getlk, ino, FI, lock);
}

static void b_setlk(fuse_req_t req, fuse_ino_t ino,
                    struct fuse_file_info *fi, struct flock *lock, int sleep)
{
    BFI(setlk, ino, FI, lock, sleep);
}

static void b_bmap(fuse_req_t req, fuse_ino_t ino, size_t blocksize,
                   uint64_t idx)
{
    B(bmap, ino, blocksize, idx);
}

static void b_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
                    void *arg, struct fuse_file_info *fi, unsigned flags,
                    const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
    BFI(ioctl, ino, (int)cmd, arg, FI, flags, in_buf, in_bufsz, out_bufsz);
}

static void b_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                   struct fuse_pollhandle *ph)
{
    BFI(poll, ino, FI, ph);
}

static void b_write_buf(fuse_req_t req, fuse_ino_t ino,
                        struct fuse_bufvec *bufv, off_t off,
                        struct fuse_file_info *fi)
{
    BFI(write_buf, ino, bufv, off, FI);
}

static void b_retrieve_reply(fuse_req_t req, void *cookie, fuse_ino_t ino,
                             off_t offset, struct fuse_bufvec *bufv)
{
    B(retrieve_reply, cookie, ino, offset, bufv);
}

static void b_forget_multi(fuse_req_t req, size_t count,
                           struct fuse_forget_data *forgets)
{
    B(forget_multi, count, forgets);
}

static void b_flock(fuse_req_t req, fuse_ino_t ino,
                    struct fuse_file_info *fi, int op)
{
    BFI(flock, ino, FI, op);
}

static void b_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
                        off_t offset, off_t length, struct fuse_file_info *fi)
{
    BFI(fallocate, ino, mode, offset, length, FI);
}

void *f2b_ll_new(void *args, struct f2_ll *ll, const unsigned char *has)
{
    struct fuse_lowlevel_ops op;
    memset(&op, 0, sizeof op);
    /* A 3.x handler only where the program has the 2.x one, so missing
     * ones get the same default answers (ENOSYS, open succeeds, ...). */
#define SET(k, m) if (has[F2L_##k]) op.m = b_##m
    SET(LOOKUP, lookup); SET(FORGET, forget); SET(GETATTR, getattr);
    SET(SETATTR, setattr); SET(READLINK, readlink); SET(MKNOD, mknod);
    SET(MKDIR, mkdir); SET(UNLINK, unlink); SET(RMDIR, rmdir);
    SET(SYMLINK, symlink); SET(RENAME, rename); SET(LINK, link);
    SET(OPEN, open); SET(READ, read); SET(WRITE, write); SET(FLUSH, flush);
    SET(RELEASE, release); SET(FSYNC, fsync); SET(OPENDIR, opendir);
    SET(READDIR, readdir); SET(RELEASEDIR, releasedir);
    SET(FSYNCDIR, fsyncdir); SET(STATFS, statfs); SET(SETXATTR, setxattr);
    SET(GETXATTR, getxattr); SET(LISTXATTR, listxattr);
    SET(REMOVEXATTR, removexattr); SET(ACCESS, access); SET(CREATE, create);
    SET(GETLK, getlk); SET(SETLK, setlk); SET(BMAP, bmap); SET(IOCTL, ioctl);
    SET(POLL, poll); SET(WRITE_BUF, write_buf);
    SET(RETRIEVE_REPLY, retrieve_reply); SET(FORGET_MULTI, forget_multi);
    SET(FLOCK, flock); SET(FALLOCATE, fallocate);
#undef SET
    /* always: init applies the 2.x options and conn, destroy is 2.x's */
    op.init = b_init;
    op.destroy = b_destroy;
    return fuse_session_new(args, &op, sizeof op, ll);
}

struct f2_ll *f2b_ll_of(void *se)
{
    struct fuse_session *s = se;
    return s && s->op.init == b_init ? s->userdata : NULL;
}

struct f2_ll *f2b_req_ll(struct fuse_req *req)
{
    return f2b_ll_of(req->se);
}

void *f2b_fuse_of(void *se)
{
    /* every other session of this library is a struct fuse's */
    struct fuse_session *s = se;
    return s->op.init == b_init ? NULL : s->userdata;
}

int f2b_ll_loop_mt(void *se)
{
    return fuse_session_loop_mt_312(se, NULL);
}

int f2b_reply_open(struct fuse_req *req, const struct f2b_fi *b)
{
    struct fuse_file_info fi;
    fi_3(&fi, b);
    return fuse_reply_open(req, &fi);
}

int f2b_reply_create(struct fuse_req *req, const void *e,
                     const struct f2b_fi *b)
{
    struct fuse_file_info fi;
    fi_3(&fi, b);
    return fuse_reply_create(req, e, &fi);
}

size_t f2b_bufsize(void)
{
    return LL2_BUFSIZE;
}

int f2b_receive(void *se, void *buf, size_t size)
{
    struct fuse_session *s = se;
    int r = fsp_fuse_session_start(s, 1, 1);
    if (r)
        return r;
    ssize_t n = s->t->receive(s->t, buf, size);
    if (n == -EINTR && ses_exited(s->fse))
        fuse_session_exit(s);    /* the kernel sent DESTROY */
    return (int)n;
}

int f2b_send(void *se, const struct iovec *iov, int count)
{
    struct fuse_session *s = se;
    int r = fsp_fuse_session_start(s, 1, 1);
    return r ? r : s->t->send(s->t, iov, count);
}
