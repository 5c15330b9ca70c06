/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * statx (libfuse 3.18): fuse_reply_statx for the low-level API, and the
 * high-level statx callback (fuse_fs_statx and the path layer's handler,
 * set only when the file system has the callback, so the kernel falls
 * back to getattr otherwise).  libfuse3.so.4 only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat/fuse3/compat.h"
#include "compat/fuse3/hl.h"

#if FSP_FUSE_ABI >= 318

/* The kernel's statx reply is struct statx's first part, field by field
 * (wire.h mirrors it); copied by name so a libc with more fields after
 * dev_minor does not matter. */
static void fill_statx(struct wire_statx *o, const struct statx *s)
{
    memset(o, 0, sizeof *o);
    o->mask = s->stx_mask;
    o->blksize = s->stx_blksize;
    o->attributes = s->stx_attributes;
    o->nlink = s->stx_nlink;
    o->uid = s->stx_uid;
    o->gid = s->stx_gid;
    o->mode = s->stx_mode;
    o->ino = s->stx_ino;
    o->size = s->stx_size;
    o->blocks = s->stx_blocks;
    o->attributes_mask = s->stx_attributes_mask;
#define T(f) o->f.tv_sec = s->stx_##f.tv_sec; o->f.tv_nsec = s->stx_##f.tv_nsec
    T(atime);
    T(btime);
    T(ctime);
    T(mtime);
#undef T
    o->rdev_major = s->stx_rdev_major;
    o->rdev_minor = s->stx_rdev_minor;
    o->dev_major = s->stx_dev_major;
    o->dev_minor = s->stx_dev_minor;
}

int fuse_reply_statx(fuse_req_t req, int flags, struct statx *statx,
                     double attr_timeout)
{
    struct ses_request *r = fsp_fuse_req_take(req);
    if (!r)
        return -EINVAL;
    struct wire_statx_out o;
    memset(&o, 0, sizeof o);
    o.flags = (uint32_t)flags;
    if (attr_timeout > 0) {
        o.attr_valid = (uint64_t)attr_timeout;
        o.attr_valid_nsec =
            (uint32_t)((attr_timeout - (double)o.attr_valid) * 1e9);
    }
    fill_statx(&o.stat, statx);
    int res = ses_reply_statx(r, &o);
    fsp_fuse_req_done(req);
    return res;
}

int fuse_fs_statx(struct fuse_fs *fs, const char *path, int flags, int mask,
                  struct statx *stxbuf, struct fuse_file_info *fi)
{
    fuse_get_context()->private_data = fs->user_data;
    if (!fs->op.statx)
        return -ENOSYS;
    if (fs->debug)
        fuse_log(FUSE_LOG_DEBUG, "statx %s %d %d\n", path ? path : "-",
                 flags, mask);
    return fs->op.statx(path, flags, mask, stxbuf, fi);
}

void hl_ll_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
                 struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    struct statx stx;
    memset(&stx, 0, sizeof stx);
    int res = hl_path(f, ino, NULL, fi && f->conf.nullpath_ok, &path);
    if (res == 0)
        res = fuse_fs_statx(f->fs, path, flags, mask, &stx, fi);
    free(path);
    if (res == 0)
        fuse_reply_statx(req, 0, &stx, f->conf.attr_timeout);
    else
        hl_reply_err(req, res);
    hl_leave();
}

#else
typedef int fsp_fuse_statx_unused;
#endif
