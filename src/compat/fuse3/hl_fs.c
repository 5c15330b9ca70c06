/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_fs_*: the one place the program's callbacks are called.  Each
 * answers ENOSYS when the callback is missing (or falls back to its
 * sibling: read/read_buf, write/write_buf), traces the call with -d, and
 * checks the result: a callback that returns a positive value where an
 * error or 0 is due, or a "count" larger than was asked for, or a value
 * below -4095, is a bug in the file system; the kernel would misread it,
 * so it becomes EIO and a log line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

/* The largest errno Linux uses; below -4095 a value is not an error. */
#define MAX_ERRNO 4095

int hl_check(const char *op, long long res, long long max)
{
    if (res == 0 || (res < 0 && res >= -MAX_ERRNO) ||
        (res > 0 && res <= max))
        return (int)res;
    fuse_log(FUSE_LOG_ERR, "fuse: %s returned %lld, which is not %s; "
             "replying EIO\n", op, res,
             max > 0 ? "a count in range or -errno" : "0 or -errno");
    return -EIO;
}

static void trace(const struct fuse_fs *fs, const char *op, const char *path)
{
    if (fs->debug)
        fuse_log(FUSE_LOG_DEBUG, "   %s %s\n", op, path ? path : "(null)");
}

/* Call callback `name` if the file system has it, else ENOSYS. */
#define FS_CALL(fs, name, path, max, ...)                              \
    ((fs)->op.name ? (trace(fs, #name, path),                          \
                      hl_check(#name, (fs)->op.name(__VA_ARGS__), max)) \
                   : -ENOSYS)

struct fuse_fs *fuse_fs_new(const struct fuse_operations *op, size_t op_size,
                            void *private_data)
{
    if (op_size > sizeof(struct fuse_operations)) {
        /* A newer program: the callbacks this library does not know of
         * are left out, as libfuse does. */
        fuse_log(FUSE_LOG_ERR, "fuse: warning: library too old, some "
                 "operations may not work\n");
        op_size = sizeof(struct fuse_operations);
    }
    struct fuse_fs *fs = calloc(1, sizeof *fs);
    if (!fs) {
        fuse_log(FUSE_LOG_ERR, "fuse: failed to allocate fuse_fs object\n");
        return NULL;
    }
    /* An older, shorter struct leaves the newer callbacks NULL. */
    if (op)
        memcpy(&fs->op, op, op_size);
    fs->user_data = private_data;
    return fs;
}

int fuse_fs_getattr(struct fuse_fs *fs, const char *path, struct stat *buf,
                    struct fuse_file_info *fi)
{
    return FS_CALL(fs, getattr, path, 0, path, buf, fi);
}

int fuse_fs_rename(struct fuse_fs *fs, const char *oldpath,
                   const char *newpath, unsigned int flags)
{
    return FS_CALL(fs, rename, oldpath, 0, oldpath, newpath, flags);
}

int fuse_fs_unlink(struct fuse_fs *fs, const char *path)
{
    return FS_CALL(fs, unlink, path, 0, path);
}

int fuse_fs_rmdir(struct fuse_fs *fs, const char *path)
{
    return FS_CALL(fs, rmdir, path, 0, path);
}

int fuse_fs_symlink(struct fuse_fs *fs, const char *linkname,
                    const char *path)
{
    return FS_CALL(fs, symlink, path, 0, linkname, path);
}

int fuse_fs_link(struct fuse_fs *fs, const char *oldpath, const char *newpath)
{
    return FS_CALL(fs, link, newpath, 0, oldpath, newpath);
}

int fuse_fs_release(struct fuse_fs *fs, const char *path,
                    struct fuse_file_info *fi)
{
    return FS_CALL(fs, release, path, 0, path, fi);
}

int fuse_fs_opendir(struct fuse_fs *fs, const char *path,
                    struct fuse_file_info *fi)
{
    /* libfuse: no opendir callback means every directory opens. */
    if (!fs->op.opendir)
        return 0;
    return FS_CALL(fs, opendir, path, 0, path, fi);
}

int fuse_fs_open(struct fuse_fs *fs, const char *path,
                 struct fuse_file_info *fi)
{
    if (!fs->op.open)
        return 0;
    return FS_CALL(fs, open, path, 0, path, fi);
}

/* Free what read_buf handed over: the vector and its memory buffers. */
void hl_free_bufvec(struct fuse_bufvec *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->count; i++)
        if (!(b->buf[i].flags & FUSE_BUF_IS_FD))
            free(b->buf[i].mem);
    free(b);
}

int fuse_fs_read_buf(struct fuse_fs *fs, const char *path,
                     struct fuse_bufvec **bufp, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    *bufp = NULL;
    if (fs->op.read_buf) {
        trace(fs, "read_buf", path);
        int res = hl_check("read_buf",
                           fs->op.read_buf(path, bufp, size, off, fi), 0);
        if (res < 0) {
            /* Whatever it left in *bufp is not ours to free. */
            *bufp = NULL;
            return res;
        }
        if (!*bufp)
            return hl_check("read_buf (no buffer)", 1, 0);
        if (fuse_buf_size(*bufp) > size) {
            hl_free_bufvec(*bufp);
            *bufp = NULL;
            return hl_check("read_buf (too much data)", (long long)size + 1,
                            (long long)size);
        }
        return 0;
    }
    if (!fs->op.read)
        return -ENOSYS;
    struct fuse_bufvec *b = malloc(sizeof *b);
    char *mem = malloc(size ? size : 1);
    if (!b || !mem) {
        free(b);
        free(mem);
        return -ENOMEM;
    }
    int res = FS_CALL(fs, read, path, (long long)size, path, mem, size, off,
                      fi);
    if (res < 0) {
        free(b);
        free(mem);
        return res;
    }
    *b = FUSE_BUFVEC_INIT((size_t)res);
    b->buf[0].mem = mem;
    *bufp = b;
    return 0;
}

int fuse_fs_read(struct fuse_fs *fs, const char *path, char *buf, size_t size,
                 off_t off, struct fuse_file_info *fi)
{
    if (fs->op.read || !fs->op.read_buf)
        return FS_CALL(fs, read, path, (long long)size, path, buf, size, off,
                       fi);
    struct fuse_bufvec *src = NULL;
    int res = fuse_fs_read_buf(fs, path, &src, size, off, fi);
    if (res == 0) {
        struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
        dst.buf[0].mem = buf;
        ssize_t n = fuse_buf_copy(&dst, src, 0);
        res = n < 0 ? (int)n : (int)n;
    }
    hl_free_bufvec(src);
    return res;
}

int fuse_fs_write_buf(struct fuse_fs *fs, const char *path,
                      struct fuse_bufvec *buf, off_t off,
                      struct fuse_file_info *fi)
{
    size_t size = fuse_buf_size(buf);
    if (fs->op.write_buf)
        return FS_CALL(fs, write_buf, path, (long long)size, path, buf, off,
                       fi);
    if (!fs->op.write)
        return -ENOSYS;
    /* write wants one flat buffer: use the first if that is all there
     * is, else gather. */
    const struct fuse_buf *b0 = &buf->buf[buf->idx];
    if (buf->count - buf->idx == 1 && !(b0->flags & FUSE_BUF_IS_FD))
        return FS_CALL(fs, write, path, (long long)size, path,
                       (const char *)b0->mem + buf->off, size, off, fi);
    char *mem = malloc(size ? size : 1);
    if (!mem)
        return -ENOMEM;
    struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
    dst.buf[0].mem = mem;
    ssize_t n = fuse_buf_copy(&dst, buf, 0);
    int res = n < 0 ? (int)n
              : FS_CALL(fs, write, path, (long long)n, path, mem, (size_t)n,
                        off, fi);
    free(mem);
    return res;
}

int fuse_fs_write(struct fuse_fs *fs, const char *path, const char *buf,
                  size_t size, off_t off, struct fuse_file_info *fi)
{
    struct fuse_bufvec b = FUSE_BUFVEC_INIT(size);
    b.buf[0].mem = (void *)buf;
    return fuse_fs_write_buf(fs, path, &b, off, fi);
}

int fuse_fs_fsync(struct fuse_fs *fs, const char *path, int datasync,
                  struct fuse_file_info *fi)
{
    return FS_CALL(fs, fsync, path, 0, path, datasync, fi);
}

int fuse_fs_fsyncdir(struct fuse_fs *fs, const char *path, int datasync,
                     struct fuse_file_info *fi)
{
    return FS_CALL(fs, fsyncdir, path, 0, path, datasync, fi);
}

int fuse_fs_flush(struct fuse_fs *fs, const char *path,
                  struct fuse_file_info *fi)
{
    return FS_CALL(fs, flush, path, 0, path, fi);
}

int fuse_fs_statfs(struct fuse_fs *fs, const char *path, struct statvfs *buf)
{
    if (!fs->op.statfs) {
        /* libfuse's answer for file systems without statfs. */
        buf->f_namemax = 255;
        buf->f_bsize = 512;
        return 0;
    }
    return FS_CALL(fs, statfs, path, 0, path, buf);
}

int fuse_fs_releasedir(struct fuse_fs *fs, const char *path,
                       struct fuse_file_info *fi)
{
    if (!fs->op.releasedir)
        return 0;
    return FS_CALL(fs, releasedir, path, 0, path, fi);
}

int fuse_fs_readdir(struct fuse_fs *fs, const char *path, void *buf,
                    fuse_fill_dir_t filler, off_t off,
                    struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    return FS_CALL(fs, readdir, path, 0, path, buf, filler, off, fi, flags);
}

int fuse_fs_create(struct fuse_fs *fs, const char *path, mode_t mode,
                   struct fuse_file_info *fi)
{
    return FS_CALL(fs, create, path, 0, path, mode, fi);
}

int fuse_fs_lock(struct fuse_fs *fs, const char *path,
                 struct fuse_file_info *fi, int cmd, struct flock *lock)
{
    return FS_CALL(fs, lock, path, 0, path, fi, cmd, lock);
}

int fuse_fs_flock(struct fuse_fs *fs, const char *path,
                  struct fuse_file_info *fi, int op)
{
    return FS_CALL(fs, flock, path, 0, path, fi, op);
}

int fuse_fs_chown(struct fuse_fs *fs, const char *path, uid_t uid, gid_t gid,
                  struct fuse_file_info *fi)
{
    return FS_CALL(fs, chown, path, 0, path, uid, gid, fi);
}

int fuse_fs_truncate(struct fuse_fs *fs, const char *path, off_t size,
                     struct fuse_file_info *fi)
{
    return FS_CALL(fs, truncate, path, 0, path, size, fi);
}

int fuse_fs_utimens(struct fuse_fs *fs, const char *path,
                    const struct timespec tv[2], struct fuse_file_info *fi)
{
    return FS_CALL(fs, utimens, path, 0, path, tv, fi);
}

int fuse_fs_access(struct fuse_fs *fs, const char *path, int mask)
{
    return FS_CALL(fs, access, path, 0, path, mask);
}

int fuse_fs_readlink(struct fuse_fs *fs, const char *path, char *buf,
                     size_t len)
{
    return FS_CALL(fs, readlink, path, 0, path, buf, len);
}

int fuse_fs_mknod(struct fuse_fs *fs, const char *path, mode_t mode,
                  dev_t rdev)
{
    return FS_CALL(fs, mknod, path, 0, path, mode, rdev);
}

int fuse_fs_mkdir(struct fuse_fs *fs, const char *path, mode_t mode)
{
    return FS_CALL(fs, mkdir, path, 0, path, mode);
}

int fuse_fs_setxattr(struct fuse_fs *fs, const char *path, const char *name,
                     const char *value, size_t size, int flags)
{
    return FS_CALL(fs, setxattr, path, 0, path, name, value, size, flags);
}

/* size 0 asks for the size: any count up to the largest value is fine. */
#define XATTR_LIMIT(size) ((size) ? (long long)(size) : (long long)(1 << 30))

int fuse_fs_getxattr(struct fuse_fs *fs, const char *path, const char *name,
                     char *value, size_t size)
{
    return FS_CALL(fs, getxattr, path, XATTR_LIMIT(size), path, name, value,
                   size);
}

int fuse_fs_listxattr(struct fuse_fs *fs, const char *path, char *list,
                      size_t size)
{
    return FS_CALL(fs, listxattr, path, XATTR_LIMIT(size), path, list, size);
}

int fuse_fs_removexattr(struct fuse_fs *fs, const char *path,
                        const char *name)
{
    return FS_CALL(fs, removexattr, path, 0, path, name);
}

int fuse_fs_bmap(struct fuse_fs *fs, const char *path, size_t blocksize,
                 uint64_t *idx)
{
    return FS_CALL(fs, bmap, path, 0, path, blocksize, idx);
}

int fuse_fs_ioctl(struct fuse_fs *fs, const char *path, unsigned int cmd,
                  void *arg, struct fuse_file_info *fi, unsigned int flags,
                  void *data)
{
    /* ioctl may return a positive result (it is the ioctl's value). */
    if (!fs->op.ioctl)
        return -ENOSYS;
    trace(fs, "ioctl", path);
    int res = fs->op.ioctl(path, cmd, arg, fi, flags, data);
    return res < -MAX_ERRNO ? hl_check("ioctl", res, 0) : res;
}

int fuse_fs_poll(struct fuse_fs *fs, const char *path,
                 struct fuse_file_info *fi, struct fuse_pollhandle *ph,
                 unsigned *reventsp)
{
    if (!fs->op.poll) {
        fuse_pollhandle_destroy(ph);
        return -ENOSYS;
    }
    return FS_CALL(fs, poll, path, 0, path, fi, ph, reventsp);
}

int fuse_fs_fallocate(struct fuse_fs *fs, const char *path, int mode,
                      off_t offset, off_t length, struct fuse_file_info *fi)
{
    return FS_CALL(fs, fallocate, path, 0, path, mode, offset, length, fi);
}

ssize_t fuse_fs_copy_file_range(struct fuse_fs *fs, const char *path_in,
                                struct fuse_file_info *fi_in, off_t off_in,
                                const char *path_out,
                                struct fuse_file_info *fi_out, off_t off_out,
                                size_t len, int flags)
{
    if (!fs->op.copy_file_range)
        return -ENOSYS;
    trace(fs, "copy_file_range", path_in);
    ssize_t res = fs->op.copy_file_range(path_in, fi_in, off_in, path_out,
                                         fi_out, off_out, len, flags);
    if (res == 0 || (res < 0 && res >= -MAX_ERRNO) ||
        (res > 0 && (size_t)res <= len))
        return res;
    return hl_check("copy_file_range", 1, 0);
}

off_t fuse_fs_lseek(struct fuse_fs *fs, const char *path, off_t off,
                    int whence, struct fuse_file_info *fi)
{
    if (!fs->op.lseek)
        return -ENOSYS;
    trace(fs, "lseek", path);
    off_t res = fs->op.lseek(path, off, whence, fi);
    return res < -MAX_ERRNO ? hl_check("lseek", 1, 0) : res;
}

int fuse_fs_chmod(struct fuse_fs *fs, const char *path, mode_t mode,
                  struct fuse_file_info *fi)
{
    return FS_CALL(fs, chmod, path, 0, path, mode, fi);
}

void fuse_fs_init(struct fuse_fs *fs, struct fuse_conn_info *conn,
                  struct fuse_config *cfg)
{
    if (fs->op.init)
        fs->user_data = fs->op.init(conn, cfg);
}

void fuse_fs_destroy(struct fuse_fs *fs)
{
    if (fs->op.destroy)
        fs->op.destroy(fs->user_data);
    free(fs);
}

int fuse_notify_poll(struct fuse_pollhandle *ph)
{
    return fuse_lowlevel_notify_poll(ph);
}
