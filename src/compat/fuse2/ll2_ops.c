/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: the program's 2.9 low-level handlers, called from the
 * 3.x handlers of f3_ll2.c (which only installs those the program set).
 * Here a request gets the 2.x forms: a 2.9 fuse_file_info, no rename
 * flags, the 2.9 fuse_conn_info with the options of fuse_lowlevel_new
 * applied before init.
 */
#include "compat/fuse2/ll2.h"

#include <string.h>

/* A 2.9 fuse_file_info named fi2 made from the bridge's fields b. */
#define FI2(b)                                                              \
    struct fuse_file_info fi2;                                              \
    f2_fi_from(&fi2, b)

void f2l_init(struct f2_ll *ll, struct f2b_conn *c)
{
    struct fuse_conn_info ci;
    const struct f2_ll_opts *o = &ll->o;
    f2_conn_to2(&ci, c);
    /* what 2.9 did with its options before calling init */
    if (o->max_write && o->max_write < ci.max_write)
        ci.max_write = o->max_write;
    if (o->max_readahead && o->max_readahead < ci.max_readahead)
        ci.max_readahead = o->max_readahead;
    if (o->max_background)
        ci.max_background = o->max_background;
    if (o->congestion_threshold)
        ci.congestion_threshold = o->congestion_threshold;
    if (o->async_read)
        ci.async_read = 1;
    if (o->sync_read)
        ci.async_read = 0;
    if (o->atomic_o_trunc)
        ci.want |= ci.capable & FUSE_CAP_ATOMIC_O_TRUNC;
    else
        ci.want &= ~(unsigned)FUSE_CAP_ATOMIC_O_TRUNC;
    if (o->no_remote_lock)
        ci.want &= ~(unsigned)(FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS);
    /* 2.9 asked for lock support only when the handlers exist */
    if (!ll->op.getlk || !ll->op.setlk)
        ci.want &= ~(unsigned)FUSE_CAP_POSIX_LOCKS;
    if (!ll->op.flock)
        ci.want &= ~(unsigned)FUSE_CAP_FLOCK_LOCKS;
    if (ll->op.init)
        ll->op.init(ll->userdata, &ci);
    f2_conn_from2(c, &ci);
}

void f2l_destroy(struct f2_ll *ll)
{
    if (ll->op.destroy)
        ll->op.destroy(ll->userdata);
}

void f2l_lookup(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
                const char *name)
{
    ll->op.lookup(req, parent, name);
}

void f2l_forget(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                uint64_t nlookup)
{
    ll->op.forget(req, ino, nlookup);
}

/* 2.9's getattr always got a NULL fi ("for future use"). */
void f2l_getattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino)
{
    ll->op.getattr(req, ino, NULL);
}

void f2l_setattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                 struct stat *attr, int to_set, const struct f2b_fi *b)
{
    if (!b) {
        ll->op.setattr(req, ino, attr, to_set, NULL);
        return;
    }
    FI2(b);
    ll->op.setattr(req, ino, attr, to_set, &fi2);
}

void f2l_readlink(struct f2_ll *ll, fuse_req_t req, uint64_t ino)
{
    ll->op.readlink(req, ino);
}

void f2l_mknod(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
               const char *name, mode_t mode, dev_t rdev)
{
    ll->op.mknod(req, parent, name, mode, rdev);
}

void f2l_mkdir(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
               const char *name, mode_t mode)
{
    ll->op.mkdir(req, parent, name, mode);
}

void f2l_unlink(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
                const char *name)
{
    ll->op.unlink(req, parent, name);
}

void f2l_rmdir(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
               const char *name)
{
    ll->op.rmdir(req, parent, name);
}

void f2l_symlink(struct f2_ll *ll, fuse_req_t req, const char *link,
                 uint64_t parent, const char *name)
{
    ll->op.symlink(req, link, parent, name);
}

void f2l_rename(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
                const char *name, uint64_t newparent, const char *newname)
{
    ll->op.rename(req, parent, name, newparent, newname);
}

void f2l_link(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
              uint64_t newparent, const char *newname)
{
    ll->op.link(req, ino, newparent, newname);
}

void f2l_open(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
              const struct f2b_fi *b)
{
    FI2(b);
    ll->op.open(req, ino, &fi2);
}

void f2l_read(struct f2_ll *ll, fuse_req_t req, uint64_t ino, size_t size,
              off_t off, const struct f2b_fi *b)
{
    FI2(b);
    ll->op.read(req, ino, size, off, &fi2);
}

void f2l_write(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
               const char *buf, size_t size, off_t off,
               const struct f2b_fi *b)
{
    FI2(b);
    ll->op.write(req, ino, buf, size, off, &fi2);
}

void f2l_flush(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
               const struct f2b_fi *b)
{
    FI2(b);
    ll->op.flush(req, ino, &fi2);
}

void f2l_release(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                 const struct f2b_fi *b)
{
    FI2(b);
    ll->op.release(req, ino, &fi2);
}

void f2l_fsync(struct f2_ll *ll, fuse_req_t req, uint64_t ino, int datasync,
               const struct f2b_fi *b)
{
    FI2(b);
    ll->op.fsync(req, ino, datasync, &fi2);
}

void f2l_opendir(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                 const struct f2b_fi *b)
{
    FI2(b);
    ll->op.opendir(req, ino, &fi2);
}

void f2l_readdir(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                 size_t size, off_t off, const struct f2b_fi *b)
{
    FI2(b);
    ll->op.readdir(req, ino, size, off, &fi2);
}

void f2l_releasedir(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                    const struct f2b_fi *b)
{
    FI2(b);
    ll->op.releasedir(req, ino, &fi2);
}

void f2l_fsyncdir(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                  int datasync, const struct f2b_fi *b)
{
    FI2(b);
    ll->op.fsyncdir(req, ino, datasync, &fi2);
}

void f2l_statfs(struct f2_ll *ll, fuse_req_t req, uint64_t ino)
{
    ll->op.statfs(req, ino);
}

void f2l_setxattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                  const char *name, const char *value, size_t size,
                  int flags)
{
    ll->op.setxattr(req, ino, name, value, size, flags);
}

void f2l_getxattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                  const char *name, size_t size)
{
    ll->op.getxattr(req, ino, name, size);
}

void f2l_listxattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                   size_t size)
{
    ll->op.listxattr(req, ino, size);
}

void f2l_removexattr(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                     const char *name)
{
    ll->op.removexattr(req, ino, name);
}

void f2l_access(struct f2_ll *ll, fuse_req_t req, uint64_t ino, int mask)
{
    ll->op.access(req, ino, mask);
}

void f2l_create(struct f2_ll *ll, fuse_req_t req, uint64_t parent,
                const char *name, mode_t mode, const struct f2b_fi *b)
{
    FI2(b);
    ll->op.create(req, parent, name, mode, &fi2);
}

void f2l_getlk(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
               const struct f2b_fi *b, struct flock *lock)
{
    FI2(b);
    ll->op.getlk(req, ino, &fi2, lock);
}

void f2l_setlk(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
               const struct f2b_fi *b, struct flock *lock, int sleep)
{
    FI2(b);
    ll->op.setlk(req, ino, &fi2, lock, sleep);
}

void f2l_bmap(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
              size_t blocksize, uint64_t idx)
{
    ll->op.bmap(req, ino, blocksize, idx);
}

void f2l_ioctl(struct f2_ll *ll, fuse_req_t req, uint64_t ino, int cmd,
               void *arg, const struct f2b_fi *b, unsigned flags,
               const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
    FI2(b);
    ll->op.ioctl(req, ino, cmd, arg, &fi2, flags, in_buf, in_bufsz,
                 out_bufsz);
}

void f2l_poll(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
              const struct f2b_fi *b, struct fuse_pollhandle *ph)
{
    FI2(b);
    ll->op.poll(req, ino, &fi2, ph);
}

void f2l_write_buf(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
                   struct fuse_bufvec *bufv, off_t off,
                   const struct f2b_fi *b)
{
    FI2(b);
    ll->op.write_buf(req, ino, bufv, off, &fi2);
}

void f2l_retrieve_reply(struct f2_ll *ll, fuse_req_t req, void *cookie,
                        uint64_t ino, off_t offset, struct fuse_bufvec *bufv)
{
    ll->op.retrieve_reply(req, cookie, ino, offset, bufv);
}

void f2l_forget_multi(struct f2_ll *ll, fuse_req_t req, size_t count,
                      struct fuse_forget_data *forgets)
{
    ll->op.forget_multi(req, count, forgets);
}

void f2l_flock(struct f2_ll *ll, fuse_req_t req, uint64_t ino,
               const struct f2b_fi *b, int op)
{
    FI2(b);
    ll->op.flock(req, ino, &fi2, op);
}

void f2l_fallocate(struct f2_ll *ll, fuse_req_t req, uint64_t ino, int mode,
                   off_t offset, off_t length, const struct f2b_fi *b)
{
    FI2(b);
    ll->op.fallocate(req, ino, mode, offset, length, &fi2);
}
