/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: the program's 2.x callbacks, called from the fuse3
 * layer's 3.x callbacks (f3_bridge.c).  Here the 2.x forms are adapted:
 * fgetattr/ftruncate when the kernel names an open file, getdir when
 * there is no readdir, utime when there is no utimens, UTIME_NOW and
 * UTIME_OMIT resolved for file systems without flag_utime_omit_ok.
 */
#include "compat/fuse2/fuse2.h"

#include <errno.h>
#include <string.h>

void f2_fi_from(struct fuse_file_info *o, const struct f2b_fi *b)
{
    memset(o, 0, sizeof(*o));
    o->flags = b->flags;
    o->writepage = b->writepage;
    o->direct_io = b->direct_io;
    o->keep_cache = b->keep_cache;
    o->flush = b->flush;
    o->nonseekable = b->nonseekable;
    o->flock_release = b->flock_release;
    o->fh = b->fh;
    o->lock_owner = b->lock_owner;
}

/* What the callback may have set for the kernel. */
void f2_fi_to(struct f2b_fi *b, const struct fuse_file_info *o)
{
    b->fh = o->fh;
    b->direct_io = o->direct_io;
    b->keep_cache = o->keep_cache;
    b->nonseekable = o->nonseekable;
}

/* Call op member m with a 2.x fuse_file_info made from b, copy back. */
#define CALL_FI(m, ...)                                                     \
    do {                                                                    \
        if (!fs->op.m)                                                      \
            return -ENOSYS;                                                 \
        struct fuse_file_info fi2_;                                         \
        f2_fi_from(&fi2_, b);                                               \
        int r_ = fs->op.m(__VA_ARGS__, &fi2_);                              \
        f2_fi_to(b, &fi2_);                                                 \
        return r_;                                                          \
    } while (0)

#define CALL(m, ...)                                                        \
    return fs->op.m ? fs->op.m(__VA_ARGS__) : -ENOSYS

int f2_getattr(struct f2_fs *fs, const char *path, struct stat *st,
               const struct f2b_fi *b)
{
    if (b && fs->op.fgetattr) {
        struct fuse_file_info fi;
        f2_fi_from(&fi, b);
        return fs->op.fgetattr(path, st, &fi);
    }
    if (!path)
        return -ENOENT;
    CALL(getattr, path, st);
}

int f2_readlink(struct f2_fs *fs, const char *path, char *buf, size_t size)
{
    CALL(readlink, path, buf, size);
}

int f2_mknod(struct f2_fs *fs, const char *path, mode_t mode, dev_t rdev)
{
    CALL(mknod, path, mode, rdev);
}

int f2_mkdir(struct f2_fs *fs, const char *path, mode_t mode)
{
    CALL(mkdir, path, mode);
}

int f2_unlink(struct f2_fs *fs, const char *path)
{
    CALL(unlink, path);
}

int f2_rmdir(struct f2_fs *fs, const char *path)
{
    CALL(rmdir, path);
}

int f2_symlink(struct f2_fs *fs, const char *target, const char *path)
{
    CALL(symlink, target, path);
}

int f2_rename(struct f2_fs *fs, const char *from, const char *to)
{
    CALL(rename, from, to);
}

int f2_link(struct f2_fs *fs, const char *from, const char *to)
{
    CALL(link, from, to);
}

int f2_chmod(struct f2_fs *fs, const char *path, mode_t mode)
{
    CALL(chmod, path, mode);
}

int f2_chown(struct f2_fs *fs, const char *path, uid_t uid, gid_t gid)
{
    CALL(chown, path, uid, gid);
}

int f2_truncate(struct f2_fs *fs, const char *path, off_t size,
                const struct f2b_fi *b)
{
    if (b && fs->op.ftruncate) {
        struct fuse_file_info fi;
        f2_fi_from(&fi, b);
        return fs->op.ftruncate(path, size, &fi);
    }
    if (!path)
        return -ENOENT;
    CALL(truncate, path, size);
}

/* UTIME_NOW becomes the time now, UTIME_OMIT the current value; for
 * utime (seconds only) and utimens without flag_utime_omit_ok. */
static int resolve_times(struct f2_fs *fs, const char *path,
                         const struct timespec in[2], struct timespec out[2],
                         const struct f2b_fi *b)
{
    struct timespec now;
    struct stat st;
    int have_st = 0;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int i = 0; i < 2; i++) {
        out[i] = in[i];
        if (in[i].tv_nsec == UTIME_NOW) {
            out[i] = now;
        } else if (in[i].tv_nsec == UTIME_OMIT) {
            if (!have_st) {
                memset(&st, 0, sizeof(st));
                int r = f2_getattr(fs, path, &st, b);
                if (r)
                    return r;
                have_st = 1;
            }
            out[i] = i == 0 ? st.st_atim : st.st_mtim;
        }
    }
    return 0;
}

int f2_utimens(struct f2_fs *fs, const char *path,
               const struct timespec tv[2], const struct f2b_fi *b)
{
    struct timespec t[2];
    int r;
    if (fs->op.utimens) {
        if (fs->op.flag_utime_omit_ok)
            return fs->op.utimens(path, tv);
        if ((r = resolve_times(fs, path, tv, t, b)))
            return r;
        return fs->op.utimens(path, t);
    }
    if (!fs->op.utime)
        return -ENOSYS;
    if ((r = resolve_times(fs, path, tv, t, b)))
        return r;
    struct utimbuf u = { .actime = t[0].tv_sec, .modtime = t[1].tv_sec };
    return fs->op.utime(path, &u);
}

int f2_open(struct f2_fs *fs, const char *path, struct f2b_fi *b)
{
    /* 2.x: no open callback means every open succeeds */
    if (!fs->op.open)
        return 0;
    CALL_FI(open, path);
}

int f2_read(struct f2_fs *fs, const char *path, char *buf, size_t size,
            off_t off, struct f2b_fi *b)
{
    CALL_FI(read, path, buf, size, off);
}

int f2_write(struct f2_fs *fs, const char *path, const char *buf,
             size_t size, off_t off, struct f2b_fi *b)
{
    CALL_FI(write, path, buf, size, off);
}

int f2_statfs(struct f2_fs *fs, const char *path, struct statvfs *st)
{
    CALL(statfs, path, st);
}

int f2_flush(struct f2_fs *fs, const char *path, struct f2b_fi *b)
{
    CALL_FI(flush, path);
}

int f2_release(struct f2_fs *fs, const char *path, struct f2b_fi *b)
{
    CALL_FI(release, path);
}

int f2_fsync(struct f2_fs *fs, const char *path, int datasync,
             struct f2b_fi *b)
{
    CALL_FI(fsync, path, datasync);
}

int f2_setxattr(struct f2_fs *fs, const char *path, const char *name,
                const char *value, size_t size, int flags)
{
    CALL(setxattr, path, name, value, size, flags);
}

int f2_getxattr(struct f2_fs *fs, const char *path, const char *name,
                char *value, size_t size)
{
    CALL(getxattr, path, name, value, size);
}

int f2_listxattr(struct f2_fs *fs, const char *path, char *list, size_t size)
{
    CALL(listxattr, path, list, size);
}

int f2_removexattr(struct f2_fs *fs, const char *path, const char *name)
{
    CALL(removexattr, path, name);
}

int f2_opendir(struct f2_fs *fs, const char *path, struct f2b_fi *b)
{
    if (!fs->op.opendir)
        return 0;
    CALL_FI(opendir, path);
}

/* getdir's handle: where its entries go. */
struct fuse_dirhandle {
    void *dh;
    f2b_fill_t fill;
};

static int getdir_fill(fuse_dirh_t h, const char *name, int type, ino_t ino)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_ino = ino;
    st.st_mode = (mode_t)type << 12;     /* DT_x is S_IFx >> 12 */
    h->fill(h->dh, name, &st, 0);
    return 0;
}

int f2_readdir(struct f2_fs *fs, const char *path, void *dh,
               f2b_fill_t fill, off_t off, struct f2b_fi *b)
{
    if (fs->op.readdir) {
        /* the 2.x filler has the bridge's signature */
        CALL_FI(readdir, path, dh, fill, off);
    }
    if (!fs->op.getdir)
        return -ENOSYS;
    struct fuse_dirhandle h = { dh, fill };
    return fs->op.getdir(path, &h, getdir_fill);
}

int f2_releasedir(struct f2_fs *fs, const char *path, struct f2b_fi *b)
{
    if (!fs->op.releasedir)
        return 0;
    CALL_FI(releasedir, path);
}

int f2_fsyncdir(struct f2_fs *fs, const char *path, int datasync,
                struct f2b_fi *b)
{
    CALL_FI(fsyncdir, path, datasync);
}

/* The capability bits 2.9 knows; BIG_WRITES (bit 5) is gone from 3.x
 * because big writes are always on, so it is offered and ignored. */
#define CAPS2 (FUSE_CAP_ASYNC_READ | FUSE_CAP_POSIX_LOCKS |                 \
               FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_EXPORT_SUPPORT |          \
               FUSE_CAP_DONT_MASK | FUSE_CAP_SPLICE_WRITE |                 \
               FUSE_CAP_SPLICE_MOVE | FUSE_CAP_SPLICE_READ |                \
               FUSE_CAP_FLOCK_LOCKS | FUSE_CAP_IOCTL_DIR)

void f2_conn_to2(struct fuse_conn_info *ci, const struct f2b_conn *c)
{
    memset(ci, 0, sizeof(*ci));
    ci->proto_major = c->proto_major;
    ci->proto_minor = c->proto_minor;
    ci->async_read = !!(c->want & FUSE_CAP_ASYNC_READ);
    ci->max_write = c->max_write;
    ci->max_readahead = c->max_readahead;
    ci->capable = (c->capable & CAPS2) | FUSE_CAP_BIG_WRITES;
    ci->want = (c->want & CAPS2) | FUSE_CAP_BIG_WRITES;
    ci->max_background = c->max_background;
    ci->congestion_threshold = c->congestion_threshold;
}

void f2_conn_from2(struct f2b_conn *c, const struct fuse_conn_info *ci)
{
    c->want = (c->want & ~(unsigned)CAPS2) | (ci->want & c->capable & CAPS2);
    if (!ci->async_read)
        c->want &= ~(unsigned)FUSE_CAP_ASYNC_READ;
    c->max_write = ci->max_write;
    c->max_readahead = ci->max_readahead;
    c->max_background = ci->max_background;
    c->congestion_threshold = ci->congestion_threshold;
}

void f2_init(struct f2_fs *fs, struct f2b_conn *c)
{
    if (!fs->op.init)
        return;
    struct fuse_conn_info ci;
    f2_conn_to2(&ci, c);
    fs->user_data = fs->op.init(&ci);
    f2_conn_from2(c, &ci);
}

void f2_destroy(struct f2_fs *fs)
{
    if (fs->op.destroy)
        fs->op.destroy(fs->user_data);
}

int f2_access(struct f2_fs *fs, const char *path, int mask)
{
    CALL(access, path, mask);
}

int f2_create(struct f2_fs *fs, const char *path, mode_t mode,
              struct f2b_fi *b)
{
    CALL_FI(create, path, mode);
}

int f2_lock(struct f2_fs *fs, const char *path, struct f2b_fi *b, int cmd,
            struct flock *lock)
{
    if (!fs->op.lock)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    return fs->op.lock(path, &fi, cmd, lock);
}

int f2_bmap(struct f2_fs *fs, const char *path, size_t blocksize,
            uint64_t *idx)
{
    CALL(bmap, path, blocksize, idx);
}

int f2_flock(struct f2_fs *fs, const char *path, struct f2b_fi *b, int op)
{
    if (!fs->op.flock)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    return fs->op.flock(path, &fi, op);
}

int f2_fallocate(struct f2_fs *fs, const char *path, int mode, off_t off,
                 off_t len, struct f2b_fi *b)
{
    if (!fs->op.fallocate)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    return fs->op.fallocate(path, mode, off, len, &fi);
}

int f2_ioctl(struct f2_fs *fs, const char *path, int cmd, void *arg,
             struct f2b_fi *b, unsigned flags, void *data)
{
    if (!fs->op.ioctl)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    return fs->op.ioctl(path, cmd, arg, &fi, flags, data);
}

int f2_poll(struct f2_fs *fs, const char *path, struct f2b_fi *b, void *ph,
            unsigned *reventsp)
{
    if (!fs->op.poll)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    return fs->op.poll(path, &fi, ph, reventsp);
}

int f2_write_buf(struct f2_fs *fs, const char *path, void *bufv, off_t off,
                 struct f2b_fi *b)
{
    CALL_FI(write_buf, path, bufv, off);
}

int f2_read_buf(struct f2_fs *fs, const char *path, void **bufp, size_t size,
                off_t off, struct f2b_fi *b)
{
    struct fuse_bufvec *v = NULL;
    if (!fs->op.read_buf)
        return -ENOSYS;
    struct fuse_file_info fi;
    f2_fi_from(&fi, b);
    int r = fs->op.read_buf(path, &v, size, off, &fi);
    f2_fi_to(b, &fi);
    *bufp = v;
    return r;
}
