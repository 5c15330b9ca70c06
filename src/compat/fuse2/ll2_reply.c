/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: the 2.x replies, request accessors and notifications.
 * Most are the fuse3 functions (same ABI, see ll2.h); what differs is
 * fuse_file_info in open/create replies, fuse_req_userdata (the fuse3
 * session's userdata is the library's state), and notifications, which
 * name a channel in 2.x and a session in 3.x.
 */
#include "compat/fuse2/ll2.h"

#include <errno.h>

int fuse_reply_err(fuse_req_t req, int err)
{
    return fsp3_fuse_reply_err(req, err);
}

void fuse_reply_none(fuse_req_t req)
{
    fsp3_fuse_reply_none(req);
}

int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e)
{
    return fsp3_fuse_reply_entry(req, e);
}

/* The fields of a 2.x file info the bridge carries. */
static const struct f2b_fi *fi_b(struct f2b_fi *b,
                                 const struct fuse_file_info *fi)
{
    *b = (struct f2b_fi){
        .flags = fi->flags, .writepage = fi->writepage,
        .direct_io = fi->direct_io, .keep_cache = fi->keep_cache,
        .flush = fi->flush, .nonseekable = fi->nonseekable,
        .flock_release = fi->flock_release, .fh = fi->fh,
        .lock_owner = fi->lock_owner,
    };
    return b;
}

int fuse_reply_create(fuse_req_t req, const struct fuse_entry_param *e,
                      const struct fuse_file_info *fi)
{
    struct f2b_fi b;
    return f2b_reply_create(req, e, fi_b(&b, fi));
}

int fuse_reply_attr(fuse_req_t req, const struct stat *attr,
                    double attr_timeout)
{
    return fsp3_fuse_reply_attr(req, attr, attr_timeout);
}

int fuse_reply_readlink(fuse_req_t req, const char *link)
{
    return fsp3_fuse_reply_readlink(req, link);
}

int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi)
{
    struct f2b_fi b;
    return f2b_reply_open(req, fi_b(&b, fi));
}

int fuse_reply_write(fuse_req_t req, size_t count)
{
    return fsp3_fuse_reply_write(req, count);
}

int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size)
{
    return fsp3_fuse_reply_buf(req, buf, size);
}

int fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
                    enum fuse_buf_copy_flags flags)
{
    return fsp3_fuse_reply_data(req, bufv, flags);
}

int fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count)
{
    return fsp3_fuse_reply_iov(req, iov, count);
}

int fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf)
{
    return fsp3_fuse_reply_statfs(req, stbuf);
}

int fuse_reply_xattr(fuse_req_t req, size_t count)
{
    return fsp3_fuse_reply_xattr(req, count);
}

int fuse_reply_lock(fuse_req_t req, const struct flock *lock)
{
    return fsp3_fuse_reply_lock(req, lock);
}

int fuse_reply_bmap(fuse_req_t req, uint64_t idx)
{
    return fsp3_fuse_reply_bmap(req, idx);
}

size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
                         const char *name, const struct stat *stbuf,
                         off_t off)
{
    return fsp3_fuse_add_direntry(req, buf, bufsize, name, stbuf, off);
}

int fuse_reply_ioctl_retry(fuse_req_t req,
                           const struct iovec *in_iov, size_t in_count,
                           const struct iovec *out_iov, size_t out_count)
{
    return fsp3_fuse_reply_ioctl_retry(req, in_iov, in_count, out_iov,
                                       out_count);
}

int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf,
                     size_t size)
{
    return fsp3_fuse_reply_ioctl(req, result, buf, size);
}

int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
                         int count)
{
    return fsp3_fuse_reply_ioctl_iov(req, result, iov, count);
}

int fuse_reply_poll(fuse_req_t req, unsigned revents)
{
    return fsp3_fuse_reply_poll(req, revents);
}

/* ---- About a request ------------------------------------------------- */

/* The program's userdata; for a request of a high-level file system
 * the library's (its struct fuse), as in 2.9. */
void *fuse_req_userdata(fuse_req_t req)
{
    struct f2_ll *ll = f2b_req_ll(req);
    return ll ? ll->userdata : fsp3_fuse_req_userdata(req);
}

const struct fuse_ctx *fuse_req_ctx(fuse_req_t req)
{
    return fsp3_fuse_req_ctx(req);
}

int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[])
{
    return fsp3_fuse_req_getgroups(req, size, list);
}

void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
                             void *data)
{
    fsp3_fuse_req_interrupt_func(req, func, data);
}

int fuse_req_interrupted(fuse_req_t req)
{
    return fsp3_fuse_req_interrupted(req);
}

/* ---- Notifications --------------------------------------------------- */

int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph)
{
    return fsp3_fuse_lowlevel_notify_poll(ph);
}

/* The session behind a channel, or -EINVAL from the caller. */
#define SESSION_OF(ch, se)                                                  \
    struct fuse_session *se = f2_chan_session(ch);                          \
    if (!se)                                                                \
        return -EINVAL

int fuse_lowlevel_notify_inval_inode(struct fuse_chan *ch, fuse_ino_t ino,
                                     off_t off, off_t len)
{
    SESSION_OF(ch, se);
    return fsp3_fuse_lowlevel_notify_inval_inode(se, ino, off, len);
}

int fuse_lowlevel_notify_inval_entry(struct fuse_chan *ch, fuse_ino_t parent,
                                     const char *name, size_t namelen)
{
    SESSION_OF(ch, se);
    return fsp3_fuse_lowlevel_notify_inval_entry(se, parent, name, namelen);
}

int fuse_lowlevel_notify_delete(struct fuse_chan *ch, fuse_ino_t parent,
                                fuse_ino_t child, const char *name,
                                size_t namelen)
{
    SESSION_OF(ch, se);
    return fsp3_fuse_lowlevel_notify_delete(se, parent, child, name,
                                            namelen);
}

int fuse_lowlevel_notify_store(struct fuse_chan *ch, fuse_ino_t ino,
                               off_t offset, struct fuse_bufvec *bufv,
                               enum fuse_buf_copy_flags flags)
{
    SESSION_OF(ch, se);
    return fsp3_fuse_lowlevel_notify_store(se, ino, offset, bufv, flags);
}

int fuse_lowlevel_notify_retrieve(struct fuse_chan *ch, fuse_ino_t ino,
                                  size_t size, off_t offset, void *cookie)
{
    SESSION_OF(ch, se);
    return fsp3_fuse_lowlevel_notify_retrieve(se, ino, size, offset, cookie);
}
