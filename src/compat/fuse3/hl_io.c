/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Operations on an open file other than open and close: data, sync,
 * locks, ioctl, poll, space, copy and seek.  They name the file by path
 * (NULL for an unlinked one when the file system set nullpath_ok) and by
 * the handle its open returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

/* The path of an open file; with nullpath_ok an unlinked one has none. */
static int open_path(struct fuse *f, fuse_ino_t ino, char **path)
{
    return hl_path(f, ino, NULL, f->conf.nullpath_ok, path);
}

void hl_ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    struct fuse_bufvec *buf = NULL;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_read_buf(f->fs, path, &buf, size, off, fi);
        free(path);
    }
    if (res == 0)
        fuse_reply_data(req, buf, FUSE_BUF_SPLICE_MOVE);
    else
        hl_reply_err(req, res);
    hl_free_bufvec(buf);
    hl_leave();
}

void hl_ll_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
                     off_t off, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_write_buf(f->fs, path, bufv, off, fi);
        free(path);
    }
    if (res >= 0)
        fuse_reply_write(req, (size_t)res);
    else
        hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
                 struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_fsync(f->fs, path, datasync, fi);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 struct flock *lock)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_lock(f->fs, path, fi, F_GETLK, lock);
        free(path);
    }
    if (res == 0)
        fuse_reply_lock(req, lock);
    else
        hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 struct flock *lock, int sleep)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_lock(f->fs, path, fi, sleep ? F_SETLKW : F_SETLK,
                           lock);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_flock(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 int op)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_flock(f->fs, path, fi, op);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_bmap(fuse_req_t req, fuse_ino_t ino, size_t blocksize,
                uint64_t idx)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0) {
        res = fuse_fs_bmap(f->fs, path, blocksize, &idx);
        free(path);
    }
    if (res == 0)
        fuse_reply_bmap(req, idx);
    else
        hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
                 struct fuse_file_info *llfi, unsigned flags,
                 const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
    struct fuse *f = hl_enter(req);
    /* The path API has no way to ask for more data (retry): restricted
     * ioctls only, with the sizes the command encodes. */
    if (flags & FUSE_IOCTL_UNRESTRICTED) {
        fuse_reply_err(req, ENOSYS);
        hl_leave();
        return;
    }
    struct fuse_file_info *fi = (flags & FUSE_IOCTL_DIR) ? hl_dir_fi(llfi)
                                                         : llfi;
    char *out = NULL;
    int res = 0;
    if (out_bufsz) {
        out = calloc(1, out_bufsz);
        if (!out)
            res = -ENOMEM;
        else if (in_bufsz)
            memcpy(out, in_buf, in_bufsz < out_bufsz ? in_bufsz : out_bufsz);
    }
    char *path = NULL;
    if (res == 0)
        res = open_path(f, ino, &path);
    if (res == 0)
        res = fuse_fs_ioctl(f->fs, path, cmd, arg, fi, flags,
                            out ? out : (void *)in_buf);
    free(path);
    if (res >= 0)
        fuse_reply_ioctl(req, res, out, out_bufsz);
    else
        hl_reply_err(req, res);
    free(out);
    hl_leave();
}

void hl_ll_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                struct fuse_pollhandle *ph)
{
    struct fuse *f = hl_enter(req);
    char *path;
    unsigned revents = 0;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_poll(f->fs, path, fi, ph, &revents);
        free(path);
    } else {
        fuse_pollhandle_destroy(ph);
    }
    if (res == 0)
        fuse_reply_poll(req, revents);
    else
        hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
                     off_t length, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_fallocate(f->fs, path, mode, offset, length, fi);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
                           struct fuse_file_info *fi_in, fuse_ino_t ino_out,
                           off_t off_out, struct fuse_file_info *fi_out,
                           size_t len, int flags)
{
    struct fuse *f = hl_enter(req);
    char *pin = NULL, *pout = NULL;
    ssize_t res = open_path(f, ino_in, &pin);
    if (res == 0)
        res = open_path(f, ino_out, &pout);
    if (res == 0)
        res = fuse_fs_copy_file_range(f->fs, pin, fi_in, off_in, pout,
                                      fi_out, off_out, len, flags);
    free(pin);
    free(pout);
    if (res >= 0)
        fuse_reply_write(req, (size_t)res);
    else
        hl_reply_err(req, (int)res);
    hl_leave();
}

void hl_ll_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
                 struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    off_t res = open_path(f, ino, &path);
    if (res == 0) {
        res = fuse_fs_lseek(f->fs, path, off, whence, fi);
        free(path);
    }
    if (res >= 0)
        fuse_reply_lseek(req, res);
    else
        hl_reply_err(req, (int)res);
    hl_leave();
}
