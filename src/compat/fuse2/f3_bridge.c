/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse3 side: a libfuse 3 file system whose callbacks are
 * the program's 2.x callbacks (through bridge.h), and the few fuse3
 * entry points the 2.x API is built from.  Compiled like
 * src/compat/fuse3 for this library: against include/fuse3, with
 * fuse3_renames.h forced in, so every fuse3 name used here is the
 * library-internal fsp3_ one.
 */
#include "compat/fuse3/compat.h"
#include "compat/fuse3/hl.h"
#include "compat/fuse2/bridge.h"
#include "compat/fuse2/f3_fi.h"

#include <errno.h>
#include <string.h>

/* The 2.x state of the file system being served: the fuse3 private
 * data, which init keeps (it returns it again). */
static struct f2_fs *cur_fs(void)
{
    return fuse_get_context()->private_data;
}

/* fi is NULL when the kernel names no open file. */
const struct f2b_fi *f3_fi_to_bridge(struct f2b_fi *b,
                                     const struct fuse_file_info *fi)
{
    if (!fi)
        return NULL;
    memset(b, 0, sizeof(*b));
    b->flags = fi->flags;
    b->writepage = fi->writepage;
    b->direct_io = fi->direct_io;
    b->keep_cache = fi->keep_cache;
    b->flush = fi->flush;
    b->nonseekable = fi->nonseekable;
    b->flock_release = fi->flock_release;
    b->fh = fi->fh;
    b->lock_owner = fi->lock_owner;
    return b;
}

/* What an open-like callback may hand back to the kernel. */
static void fi_out(struct fuse_file_info *fi, const struct f2b_fi *b)
{
    fi->fh = b->fh;
    fi->direct_io = b->direct_io;
    fi->keep_cache = b->keep_cache;
    fi->nonseekable = b->nonseekable;
}

/* Calls that take a mutable fi: convert, call, copy back. */
#define WITH_FI(call)                                                       \
    do {                                                                    \
        struct f2b_fi b_;                                                   \
        f3_fi_to_bridge(&b_, fi);                                                     \
        int r_ = (call);                                                    \
        fi_out(fi, &b_);                                                    \
        return r_;                                                          \
    } while (0)

static int b_getattr(const char *path, struct stat *st,
                     struct fuse_file_info *fi)
{
    struct f2b_fi b;
    return f2_getattr(cur_fs(), path, st, f3_fi_to_bridge(&b, fi));
}

static int b_readlink(const char *path, char *buf, size_t size)
{
    return f2_readlink(cur_fs(), path, buf, size);
}

static int b_mknod(const char *path, mode_t mode, dev_t rdev)
{
    return f2_mknod(cur_fs(), path, mode, rdev);
}

static int b_mkdir(const char *path, mode_t mode)
{
    return f2_mkdir(cur_fs(), path, mode);
}

static int b_unlink(const char *path)
{
    return f2_unlink(cur_fs(), path);
}

static int b_rmdir(const char *path)
{
    return f2_rmdir(cur_fs(), path);
}

static int b_symlink(const char *target, const char *path)
{
    return f2_symlink(cur_fs(), target, path);
}

static int b_rename(const char *from, const char *to, unsigned int flags)
{
    /* 2.x renames have no flags: exchange/noreplace cannot be honoured */
    if (flags)
        return -EINVAL;
    return f2_rename(cur_fs(), from, to);
}

static int b_link(const char *from, const char *to)
{
    return f2_link(cur_fs(), from, to);
}

static int b_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)fi;
    return f2_chmod(cur_fs(), path, mode);
}

static int b_chown(const char *path, uid_t uid, gid_t gid,
                   struct fuse_file_info *fi)
{
    (void)fi;
    return f2_chown(cur_fs(), path, uid, gid);
}

static int b_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    struct f2b_fi b;
    return f2_truncate(cur_fs(), path, size, f3_fi_to_bridge(&b, fi));
}

static int b_utimens(const char *path, const struct timespec tv[2],
                     struct fuse_file_info *fi)
{
    struct f2b_fi b;
    return f2_utimens(cur_fs(), path, tv, f3_fi_to_bridge(&b, fi));
}

static int b_open(const char *path, struct fuse_file_info *fi)
{
    WITH_FI(f2_open(cur_fs(), path, &b_));
}

static int b_read(const char *path, char *buf, size_t size, off_t off,
                  struct fuse_file_info *fi)
{
    WITH_FI(f2_read(cur_fs(), path, buf, size, off, &b_));
}

static int b_write(const char *path, const char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    WITH_FI(f2_write(cur_fs(), path, buf, size, off, &b_));
}

static int b_statfs(const char *path, struct statvfs *st)
{
    return f2_statfs(cur_fs(), path, st);
}

static int b_flush(const char *path, struct fuse_file_info *fi)
{
    WITH_FI(f2_flush(cur_fs(), path, &b_));
}

static int b_release(const char *path, struct fuse_file_info *fi)
{
    WITH_FI(f2_release(cur_fs(), path, &b_));
}

static int b_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    WITH_FI(f2_fsync(cur_fs(), path, datasync, &b_));
}

static int b_setxattr(const char *path, const char *name, const char *value,
                      size_t size, int flags)
{
    return f2_setxattr(cur_fs(), path, name, value, size, flags);
}

static int b_getxattr(const char *path, const char *name, char *value,
                      size_t size)
{
    return f2_getxattr(cur_fs(), path, name, value, size);
}

static int b_listxattr(const char *path, char *list, size_t size)
{
    return f2_listxattr(cur_fs(), path, list, size);
}

static int b_removexattr(const char *path, const char *name)
{
    return f2_removexattr(cur_fs(), path, name);
}

static int b_opendir(const char *path, struct fuse_file_info *fi)
{
    WITH_FI(f2_opendir(cur_fs(), path, &b_));
}

/* A 2.x filler call forwarded to the 3.x filler (no readdirplus: 2.x
 * file systems give only what getattr would need a lookup for). */
struct sink {
    void *buf;
    fuse_fill_dir_t filler;
};

static int sink_fill(void *dh, const char *name, const struct stat *st,
                     off_t off)
{
    struct sink *s = dh;
    return s->filler(s->buf, name, st, off, (enum fuse_fill_dir_flags)0);
}

static int b_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
                     off_t off, struct fuse_file_info *fi,
                     enum fuse_readdir_flags flags)
{
    (void)flags;
    struct sink s = { buf, filler };
    WITH_FI(f2_readdir(cur_fs(), path, &s, sink_fill, off, &b_));
}

static int b_releasedir(const char *path, struct fuse_file_info *fi)
{
    WITH_FI(f2_releasedir(cur_fs(), path, &b_));
}

static int b_fsyncdir(const char *path, int datasync,
                      struct fuse_file_info *fi)
{
    WITH_FI(f2_fsyncdir(cur_fs(), path, datasync, &b_));
}

/* Set by f2b_new for the init of the fuse being created. */
static void *b_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    struct fuse *f = fuse_get_context()->fuse;
    struct f2_fs *fs = cur_fs();
    struct f2b_conn c = {
        conn->proto_major, conn->proto_minor, conn->max_write,
        conn->max_readahead, conn->capable, conn->want,
        conn->max_background, conn->congestion_threshold,
    };
    /* 2.x had no readdir plus: keep the kernel's requests plain ones */
    conn->want &= ~(unsigned)(FUSE_CAP_READDIRPLUS |
                              FUSE_CAP_READDIRPLUS_AUTO);
    /* 2.9 truncated on open only with -o atomic_o_trunc: without it a
     * 2.x open never sees O_TRUNC, the kernel sends a setattr instead */
    c.want &= ~(unsigned)FUSE_CAP_ATOMIC_O_TRUNC;
    /* the 2.x flags were copied into f->conf.nullpath_ok by f2b_new */
    cfg->nullpath_ok = f->conf.nullpath_ok;
    f2_init(fs, &c);
    conn->want = c.want;
    conn->max_write = c.max_write;
    conn->max_readahead = c.max_readahead;
    conn->max_background = c.max_background;
    conn->congestion_threshold = c.congestion_threshold;
    /* the fuse3 private data stays the 2.x state; the 2.x init's result
     * is kept there and shown by the 2.x fuse_get_context */
    return fs;
}

static void b_destroy(void *private_data)
{
    f2_destroy(private_data);
}

static int b_access(const char *path, int mask)
{
    return f2_access(cur_fs(), path, mask);
}

static int b_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    WITH_FI(f2_create(cur_fs(), path, mode, &b_));
}

static int b_lock(const char *path, struct fuse_file_info *fi, int cmd,
                  struct flock *lock)
{
    WITH_FI(f2_lock(cur_fs(), path, &b_, cmd, lock));
}

static int b_bmap(const char *path, size_t blocksize, uint64_t *idx)
{
    return f2_bmap(cur_fs(), path, blocksize, idx);
}

static int b_flock(const char *path, struct fuse_file_info *fi, int op)
{
    WITH_FI(f2_flock(cur_fs(), path, &b_, op));
}

static int b_fallocate(const char *path, int mode, off_t off, off_t len,
                       struct fuse_file_info *fi)
{
    WITH_FI(f2_fallocate(cur_fs(), path, mode, off, len, &b_));
}

static int b_ioctl(const char *path, unsigned int cmd, void *arg,
                   struct fuse_file_info *fi, unsigned int flags, void *data)
{
    /* 2.x declared cmd int: the same bits */
    WITH_FI(f2_ioctl(cur_fs(), path, (int)cmd, arg, &b_, flags, data));
}

static int b_poll(const char *path, struct fuse_file_info *fi,
                  struct fuse_pollhandle *ph, unsigned *reventsp)
{
    WITH_FI(f2_poll(cur_fs(), path, &b_, ph, reventsp));
}

static int b_write_buf(const char *path, struct fuse_bufvec *buf, off_t off,
                       struct fuse_file_info *fi)
{
    WITH_FI(f2_write_buf(cur_fs(), path, buf, off, &b_));
}

static int b_read_buf(const char *path, struct fuse_bufvec **bufp,
                      size_t size, off_t off, struct fuse_file_info *fi)
{
    void *p = NULL;
    struct f2b_fi b;
    f3_fi_to_bridge(&b, fi);
    int r = f2_read_buf(cur_fs(), path, &p, size, off, &b);
    fi_out(fi, &b);
    *bufp = p;
    return r;
}

void *f2b_new(void *args, struct f2_fs *fs, const unsigned char *has)
{
    struct fuse_operations op;
    memset(&op, 0, sizeof(op));
    /* Only what the program implements, so that the fuse3 layer and the
     * kernel fall back exactly as they would for a 3.x program. */
#define SET(bit, member, fn) if (has[bit]) op.member = fn
    SET(F2B_GETATTR, getattr, b_getattr);
    SET(F2B_READLINK, readlink, b_readlink);
    SET(F2B_MKNOD, mknod, b_mknod);
    SET(F2B_MKDIR, mkdir, b_mkdir);
    SET(F2B_UNLINK, unlink, b_unlink);
    SET(F2B_RMDIR, rmdir, b_rmdir);
    SET(F2B_SYMLINK, symlink, b_symlink);
    SET(F2B_RENAME, rename, b_rename);
    SET(F2B_LINK, link, b_link);
    SET(F2B_CHMOD, chmod, b_chmod);
    SET(F2B_CHOWN, chown, b_chown);
    SET(F2B_TRUNCATE, truncate, b_truncate);
    SET(F2B_UTIMENS, utimens, b_utimens);
    SET(F2B_OPEN, open, b_open);
    SET(F2B_READ, read, b_read);
    SET(F2B_WRITE, write, b_write);
    SET(F2B_STATFS, statfs, b_statfs);
    SET(F2B_FLUSH, flush, b_flush);
    SET(F2B_RELEASE, release, b_release);
    SET(F2B_FSYNC, fsync, b_fsync);
    SET(F2B_SETXATTR, setxattr, b_setxattr);
    SET(F2B_GETXATTR, getxattr, b_getxattr);
    SET(F2B_LISTXATTR, listxattr, b_listxattr);
    SET(F2B_REMOVEXATTR, removexattr, b_removexattr);
    SET(F2B_OPENDIR, opendir, b_opendir);
    SET(F2B_READDIR, readdir, b_readdir);
    SET(F2B_RELEASEDIR, releasedir, b_releasedir);
    SET(F2B_FSYNCDIR, fsyncdir, b_fsyncdir);
    SET(F2B_ACCESS, access, b_access);
    SET(F2B_CREATE, create, b_create);
    SET(F2B_LOCK, lock, b_lock);
    SET(F2B_BMAP, bmap, b_bmap);
    SET(F2B_FLOCK, flock, b_flock);
    SET(F2B_FALLOCATE, fallocate, b_fallocate);
    SET(F2B_IOCTL, ioctl, b_ioctl);
    SET(F2B_POLL, poll, b_poll);
    SET(F2B_WRITE_BUF, write_buf, b_write_buf);
    SET(F2B_READ_BUF, read_buf, b_read_buf);
#undef SET
    /* always: init carries the 2.x flags and the conn, destroy frees */
    op.init = b_init;
    op.destroy = b_destroy;

    struct fuse *f = fuse_new_31(args, &op, sizeof(op), fs);
    if (f && has[F2B_NULLPATH_OK]) {
        f->conf.nullpath_ok = 1;
        /* 2.9: flag_nullpath_ok leaves out only the path an unlinked file
         * no longer has; flag_nopath leaves out every one */
        f->nullpath_unlinked_only = !has[F2B_NOPATH];
    }
    return f;
}

void f2b_unmount(void *f)
{
    fuse_unmount(f);
}

void f2b_destroy(void *f)
{
    fuse_destroy(f);
}

/* 3.x loops return the signal that ended them; 2.x returned 0 then. */
int f2b_loop(void *f)
{
    return fuse_loop(f) < 0 ? -1 : 0;
}

int f2b_loop_mt(void *f)
{
    return fuse_loop_mt_31(f, 0) < 0 ? -1 : 0;
}

struct f2_fs *f2b_fs_of(void *f)
{
    return ((struct fuse *)f)->fs->user_data;
}

int f2b_context(void **f, uid_t *uid, gid_t *gid, pid_t *pid, mode_t *umask)
{
    struct fuse_context *c = fuse_get_context();
    if (!c || !c->fuse)
        return -1;
    *f = c->fuse;
    *uid = c->uid;
    *gid = c->gid;
    *pid = c->pid;
    *umask = c->umask;
    return 0;
}

int f2b_parse_cmdline(void *args, char **mountpoint, int *singlethread,
                      int *foreground, int *show_help, int *show_version)
{
    struct fuse_cmdline_opts o;
    if (fuse_parse_cmdline_312(args, &o) != 0)
        return -1;
    *mountpoint = o.mountpoint;
    *singlethread = o.singlethread;
    *foreground = o.foreground;
    *show_help = o.show_help;
    *show_version = o.show_version;
    return 0;
}

int f2b_daemonize(int foreground)
{
    return fuse_daemonize(foreground);
}

void f2b_cmdline_help(void)
{
    fuse_cmdline_help();
}

void f2b_lib_help(void *args)
{
    fuse_lib_help(args);
}
