/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse2 side of the 2.x low-level API: what ll2_*.c
 * share.  They see include/fuse (fuse_lowlevel.h for the 2.9 names and
 * layouts) and reach the fuse3 code through bridge.h, or directly by
 * the fsp3_ names below for the functions whose ABI 2.9 and 3.x share.
 */
#ifndef FSP_COMPAT_FUSE2_LL2_H
#define FSP_COMPAT_FUSE2_LL2_H

#include "compat/fuse2/fuse2.h"
#include <fuse_lowlevel.h>

/* The low-level options of 2.9 that set up the connection before init
 * (fuse_lowlevel_new parses them; 3.x takes them elsewhere). */
struct f2_ll_opts {
    unsigned max_write, max_readahead;
    unsigned max_background, congestion_threshold;
    int async_read, sync_read, atomic_o_trunc, no_remote_lock;
};

/* A session made by fuse_lowlevel_new: the fuse3 session's userdata. */
struct f2_ll {
    struct fuse_lowlevel_ops op;
    void *userdata;                  /* the program's */
    struct fuse_session *se;         /* the fuse3 session */
    struct fuse_chan *ch;            /* attached channel, or NULL */
    struct f2_ll_opts o;
};

/*
 * fuse3 functions with the same ABI as their 2.9 namesakes: the request
 * is the fuse3 struct fuse_req, and fuse_entry_param, fuse_ctx,
 * fuse_bufvec, stat, statvfs and flock are laid out alike in both (see
 * tests/compat/abi2_layout.c).  fuse3_renames.h gave them these names.
 */
int fsp3_fuse_reply_err(fuse_req_t req, int err);
void fsp3_fuse_reply_none(fuse_req_t req);
int fsp3_fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e);
int fsp3_fuse_reply_attr(fuse_req_t req, const struct stat *attr,
                         double attr_timeout);
int fsp3_fuse_reply_readlink(fuse_req_t req, const char *link);
int fsp3_fuse_reply_write(fuse_req_t req, size_t count);
int fsp3_fuse_reply_buf(fuse_req_t req, const char *buf, size_t size);
int fsp3_fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
                         enum fuse_buf_copy_flags flags);
int fsp3_fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count);
int fsp3_fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf);
int fsp3_fuse_reply_xattr(fuse_req_t req, size_t count);
int fsp3_fuse_reply_lock(fuse_req_t req, const struct flock *lock);
int fsp3_fuse_reply_bmap(fuse_req_t req, uint64_t idx);
size_t fsp3_fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
                              const char *name, const struct stat *stbuf,
                              off_t off);
int fsp3_fuse_reply_ioctl_retry(fuse_req_t req,
                                const struct iovec *in_iov, size_t in_count,
                                const struct iovec *out_iov,
                                size_t out_count);
int fsp3_fuse_reply_ioctl(fuse_req_t req, int result, const void *buf,
                          size_t size);
int fsp3_fuse_reply_ioctl_iov(fuse_req_t req, int result,
                              const struct iovec *iov, int count);
int fsp3_fuse_reply_poll(fuse_req_t req, unsigned revents);
void *fsp3_fuse_req_userdata(fuse_req_t req);
const struct fuse_ctx *fsp3_fuse_req_ctx(fuse_req_t req);
int fsp3_fuse_req_getgroups(fuse_req_t req, int size, gid_t list[]);
void fsp3_fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
                                  void *data);
int fsp3_fuse_req_interrupted(fuse_req_t req);
int fsp3_fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph);
int fsp3_fuse_lowlevel_notify_inval_inode(struct fuse_session *se,
                                          fuse_ino_t ino, off_t off,
                                          off_t len);
int fsp3_fuse_lowlevel_notify_inval_entry(struct fuse_session *se,
                                          fuse_ino_t parent,
                                          const char *name, size_t namelen);
int fsp3_fuse_lowlevel_notify_delete(struct fuse_session *se,
                                     fuse_ino_t parent, fuse_ino_t child,
                                     const char *name, size_t namelen);
int fsp3_fuse_lowlevel_notify_store(struct fuse_session *se, fuse_ino_t ino,
                                    off_t offset, struct fuse_bufvec *bufv,
                                    enum fuse_buf_copy_flags flags);
int fsp3_fuse_lowlevel_notify_retrieve(struct fuse_session *se,
                                       fuse_ino_t ino, size_t size,
                                       off_t offset, void *cookie);
int fsp3_fuse_session_fd(struct fuse_session *se);
int fsp3_fuse_session_loop(struct fuse_session *se);
void fsp3_fuse_session_unmount(struct fuse_session *se);
void fsp3_fuse_session_destroy(struct fuse_session *se);
void fsp3_fuse_session_process_buf(struct fuse_session *se,
                                   const struct fuse_buf *buf);

/* The session a channel serves: the one it was added to, or its
 * high-level file system's; NULL if none (ll2_session.c). */
struct fuse_session *f2_chan_session(struct fuse_chan *ch);

/* -1 (after libfuse 2.9's "unknown option" message) if args holds an
 * option of 2.9's fuse_mount, which fuse_new and fuse_lowlevel_new
 * refuse; 0 otherwise.  args is not changed (fuse2_main.c). */
int f2_reject_mount_opts(const struct fuse_args *args);

#endif
