/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 2.9 low-level (inode) API, fsp's libfuse compatibility layer
 * (libfuse.so.2), implemented on the libfuse 3 low-level code of
 * src/compat/fuse3.  Names, values, signatures and layouts are libfuse
 * 2.9's, since compiled programs depend on them; the text is fsp's.
 *
 * The flow of a 2.x low-level program: fuse_mount gives a channel,
 * fuse_lowlevel_new a session with the program's operations,
 * fuse_session_add_chan joins them, fuse_session_loop serves requests,
 * and fuse_session_remove_chan, fuse_session_destroy and fuse_unmount
 * undo it.  Every request gets exactly one fuse_reply_* (or
 * fuse_reply_none for forget), from the handler or later from any thread.
 *
 * Define FUSE_USE_VERSION (26 to 29) before including this file, and
 * compile with -D_FILE_OFFSET_BITS=64 (pkg-config fuse gives both).
 */
#ifndef FUSE_LOWLEVEL_H_
#define FUSE_LOWLEVEL_H_

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 26
#endif
#if FUSE_USE_VERSION < 26
#error "fsp's libfuse 2 supports FUSE_USE_VERSION 26 to 29 only"
#endif

#include "fuse_common.h"

#include <fcntl.h>
#include <utime.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The inode number of the root directory. */
#define FUSE_ROOT_ID 1

/* An inode number, as the kernel knows it. */
typedef unsigned long fuse_ino_t;

/* One request, answered once by a fuse_reply_* call (opaque). */
typedef struct fuse_req *fuse_req_t;

/* The answer to lookup, mknod, mkdir, symlink, link and create.  An ino
 * of 0 is a negative entry, cached for entry_timeout seconds. */
struct fuse_entry_param {
	fuse_ino_t ino;
	unsigned long generation;	/* ino+generation unique for ever */
	struct stat attr;
	double attr_timeout;		/* seconds the kernel trusts attr */
	double entry_timeout;		/* seconds it trusts the name */
};

/* Who made a request. */
struct fuse_ctx {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	mode_t umask;			/* of the caller (since 2.8) */
};

/* One element of forget_multi. */
struct fuse_forget_data {
	uint64_t ino;
	uint64_t nlookup;
};

/* setattr's to_set bits: which members of attr to apply. */
#define FUSE_SET_ATTR_MODE	(1 << 0)
#define FUSE_SET_ATTR_UID	(1 << 1)
#define FUSE_SET_ATTR_GID	(1 << 2)
#define FUSE_SET_ATTR_SIZE	(1 << 3)
#define FUSE_SET_ATTR_ATIME	(1 << 4)
#define FUSE_SET_ATTR_MTIME	(1 << 5)
#define FUSE_SET_ATTR_ATIME_NOW	(1 << 7)
#define FUSE_SET_ATTR_MTIME_NOW	(1 << 8)

/*
 * The program's request handlers.  Each must answer its request exactly
 * once with the fuse_reply_* call named in its comment, or with
 * fuse_reply_err.  A NULL member makes the kernel see ENOSYS, except
 * open/opendir and release/releasedir (succeed), forget (dropped) and
 * statfs (a default answer), as in libfuse.  Member order is the ABI.
 */
struct fuse_lowlevel_ops {
	/* Once, before any request; conn may be changed.  No reply. */
	void (*init) (void *userdata, struct fuse_conn_info *conn);
	/* Once, at fuse_session_destroy after a successful init. */
	void (*destroy) (void *userdata);
	/* fuse_reply_entry */
	void (*lookup) (fuse_req_t req, fuse_ino_t parent, const char *name);
	/* fuse_reply_none: the kernel dropped nlookup references */
	void (*forget) (fuse_req_t req, fuse_ino_t ino, unsigned long nlookup);
	/* fuse_reply_attr; fi is NULL (reserved) */
	void (*getattr) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	/* fuse_reply_attr; to_set says which members of attr count, fi
	 * is the open file for ftruncate and similar, else NULL */
	void (*setattr) (fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			 int to_set, struct fuse_file_info *fi);
	/* fuse_reply_readlink */
	void (*readlink) (fuse_req_t req, fuse_ino_t ino);
	/* fuse_reply_entry */
	void (*mknod) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, dev_t rdev);
	/* fuse_reply_entry */
	void (*mkdir) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode);
	/* fuse_reply_err */
	void (*unlink) (fuse_req_t req, fuse_ino_t parent, const char *name);
	/* fuse_reply_err */
	void (*rmdir) (fuse_req_t req, fuse_ino_t parent, const char *name);
	/* fuse_reply_entry */
	void (*symlink) (fuse_req_t req, const char *link, fuse_ino_t parent,
			 const char *name);
	/* fuse_reply_err */
	void (*rename) (fuse_req_t req, fuse_ino_t parent, const char *name,
			fuse_ino_t newparent, const char *newname);
	/* fuse_reply_entry */
	void (*link) (fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		      const char *newname);
	/* fuse_reply_open; fi->flags are open(2)'s, fi->fh is the program's */
	void (*open) (fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi);
	/* fuse_reply_buf, _iov or _data: size bytes at off, fewer at EOF */
	void (*read) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi);
	/* fuse_reply_write with the bytes written */
	void (*write) (fuse_req_t req, fuse_ino_t ino, const char *buf,
		       size_t size, off_t off, struct fuse_file_info *fi);
	/* fuse_reply_err: once per close(2) of a descriptor */
	void (*flush) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi);
	/* fuse_reply_err: the last close of an open */
	void (*release) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	/* fuse_reply_err; datasync: data only */
	void (*fsync) (fuse_req_t req, fuse_ino_t ino, int datasync,
		       struct fuse_file_info *fi);
	/* fuse_reply_open */
	void (*opendir) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	/* fuse_reply_buf with entries from fuse_add_direntry */
	void (*readdir) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			 struct fuse_file_info *fi);
	/* fuse_reply_err */
	void (*releasedir) (fuse_req_t req, fuse_ino_t ino,
			    struct fuse_file_info *fi);
	/* fuse_reply_err */
	void (*fsyncdir) (fuse_req_t req, fuse_ino_t ino, int datasync,
			  struct fuse_file_info *fi);
	/* fuse_reply_statfs */
	void (*statfs) (fuse_req_t req, fuse_ino_t ino);
	/* fuse_reply_err */
	void (*setxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  const char *value, size_t size, int flags);
	/* size 0: fuse_reply_xattr with the size; else fuse_reply_buf */
	void (*getxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  size_t size);
	/* as getxattr, with the NUL-separated name list */
	void (*listxattr) (fuse_req_t req, fuse_ino_t ino, size_t size);
	/* fuse_reply_err */
	void (*removexattr) (fuse_req_t req, fuse_ino_t ino, const char *name);
	/* fuse_reply_err */
	void (*access) (fuse_req_t req, fuse_ino_t ino, int mask);
	/* fuse_reply_create */
	void (*create) (fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, struct fuse_file_info *fi);
	/* fuse_reply_lock */
	void (*getlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, struct flock *lock);
	/* fuse_reply_err; sleep: wait for the lock */
	void (*setlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi,
		       struct flock *lock, int sleep);
	/* fuse_reply_bmap */
	void (*bmap) (fuse_req_t req, fuse_ino_t ino, size_t blocksize,
		      uint64_t idx);
	/* fuse_reply_ioctl, _ioctl_iov or _ioctl_retry */
	void (*ioctl) (fuse_req_t req, fuse_ino_t ino, int cmd, void *arg,
		       struct fuse_file_info *fi, unsigned flags,
		       const void *in_buf, size_t in_bufsz, size_t out_bufsz);
	/* fuse_reply_poll; ph (may be NULL) is for fuse_lowlevel_notify_poll */
	void (*poll) (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		      struct fuse_pollhandle *ph);
	/* fuse_reply_write; used instead of write when set */
	void (*write_buf) (fuse_req_t req, fuse_ino_t ino,
			   struct fuse_bufvec *bufv, off_t off,
			   struct fuse_file_info *fi);
	/* fuse_reply_none: data asked for by fuse_lowlevel_notify_retrieve */
	void (*retrieve_reply) (fuse_req_t req, void *cookie, fuse_ino_t ino,
				off_t offset, struct fuse_bufvec *bufv);
	/* fuse_reply_none: several forgets at once */
	void (*forget_multi) (fuse_req_t req, size_t count,
			      struct fuse_forget_data *forgets);
	/* fuse_reply_err; op is flock(2)'s */
	void (*flock) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, int op);
	/* fuse_reply_err */
	void (*fallocate) (fuse_req_t req, fuse_ino_t ino, int mode,
		       off_t offset, off_t length, struct fuse_file_info *fi);
};

/* ---- Replies: each returns 0 or -errno (the reply could not be sent,
 * for example because the caller was interrupted) ------------------- */

/* err is a positive errno, or 0 for success. */
int fuse_reply_err(fuse_req_t req, int err);
/* forget's reply: nothing goes to the kernel. */
void fuse_reply_none(fuse_req_t req);
int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e);
int fuse_reply_create(fuse_req_t req, const struct fuse_entry_param *e,
		      const struct fuse_file_info *fi);
int fuse_reply_attr(fuse_req_t req, const struct stat *attr,
		    double attr_timeout);
int fuse_reply_readlink(fuse_req_t req, const char *link);
int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi);
int fuse_reply_write(fuse_req_t req, size_t count);
int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size);
int fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
		    enum fuse_buf_copy_flags flags);
int fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count);
int fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf);
int fuse_reply_xattr(fuse_req_t req, size_t count);
int fuse_reply_lock(fuse_req_t req, const struct flock *lock);
int fuse_reply_bmap(fuse_req_t req, uint64_t idx);

/* Append a directory entry to buf (bufsize bytes left) and return its
 * size; only st_ino and the type bits of st_mode are used, off is where
 * the next readdir continues.  A NULL buf only measures.  When the
 * result is larger than bufsize nothing was written. */
size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
			 const char *name, const struct stat *stbuf,
			 off_t off);

/* Unrestricted ioctls: ask the kernel to retry with these buffers. */
int fuse_reply_ioctl_retry(fuse_req_t req,
			   const struct iovec *in_iov, size_t in_count,
			   const struct iovec *out_iov, size_t out_count);
int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf,
		     size_t size);
int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
			 int count);
int fuse_reply_poll(fuse_req_t req, unsigned revents);

/* ---- Notifications (0 or -errno; -ENOENT when the kernel no longer
 * has the inode or name) --------------------------------------------- */

/* Wake the poller of ph (and keep ph: free it with
 * fuse_pollhandle_destroy). */
int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph);
/* Drop cached data of ino from off for len bytes (len 0: to the end;
 * off < 0: attributes only). */
int fuse_lowlevel_notify_inval_inode(struct fuse_chan *ch, fuse_ino_t ino,
				     off_t off, off_t len);
/* Drop the cached name in parent. */
int fuse_lowlevel_notify_inval_entry(struct fuse_chan *ch, fuse_ino_t parent,
				     const char *name, size_t namelen);
/* As inval_entry, and tell watchers child was deleted. */
int fuse_lowlevel_notify_delete(struct fuse_chan *ch,
				fuse_ino_t parent, fuse_ino_t child,
				const char *name, size_t namelen);
/* Put data into the kernel's cache of ino at offset. */
int fuse_lowlevel_notify_store(struct fuse_chan *ch, fuse_ino_t ino,
			       off_t offset, struct fuse_bufvec *bufv,
			       enum fuse_buf_copy_flags flags);
/* Ask the kernel for cached data; it arrives at retrieve_reply. */
int fuse_lowlevel_notify_retrieve(struct fuse_chan *ch, fuse_ino_t ino,
				  size_t size, off_t offset, void *cookie);

/* ---- About a request ------------------------------------------------ */

/* fuse_lowlevel_new's userdata. */
void *fuse_req_userdata(fuse_req_t req);
/* Who asked. */
const struct fuse_ctx *fuse_req_ctx(fuse_req_t req);
/* The caller's supplementary groups: their count (up to size are stored
 * in list), or -errno. */
int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[]);

/* Called when the kernel interrupts a request. */
typedef void (*fuse_interrupt_func_t)(fuse_req_t req, void *data);
/* Register func for req (NULL unregisters, after waiting for a func
 * still running).  It runs when the INTERRUPT arrives, or at once if req
 * already was interrupted, never once req is answered; it may answer req
 * itself. */
void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
			     void *data);
/* 1 if the kernel interrupted req. */
int fuse_req_interrupted(fuse_req_t req);

/* ---- Sessions --------------------------------------------------------- */

/* 1 if opt is an option fuse_lowlevel_new understands (deprecated). */
int fuse_lowlevel_is_lib_option(const char *opt);

/* A session serving op (op_size: sizeof the program's struct) with the
 * low-level options of args (debug, max_write=, async_read, ...);
 * userdata reaches init, destroy and fuse_req_userdata.  NULL on error. */
struct fuse_session *fuse_lowlevel_new(struct fuse_args *args,
				       const struct fuse_lowlevel_ops *op,
				       size_t op_size, void *userdata);

/* A session of the program's own (custom processing).  fsp's libfuse 2
 * offers the type for source compatibility only: fuse_session_new is
 * not exported. */
struct fuse_session_ops {
	void (*process) (void *data, const char *buf, size_t len,
			 struct fuse_chan *ch);
	void (*exit) (void *data, int val);
	int (*exited) (void *data);
	void (*destroy) (void *data);
};

/* Attach ch (from fuse_mount) to se: se serves that mount.  One channel
 * per session. */
void fuse_session_add_chan(struct fuse_session *se, struct fuse_chan *ch);
/* Detach ch from its session. */
void fuse_session_remove_chan(struct fuse_chan *ch);
/* The channel after ch (NULL: the first); NULL at the end. */
struct fuse_chan *fuse_session_next_chan(struct fuse_session *se,
					 struct fuse_chan *ch);
/* Process one request read with fuse_chan_recv. */
void fuse_session_process(struct fuse_session *se, const char *buf,
			  size_t len, struct fuse_chan *ch);
/* Process one request read with fuse_session_receive_buf. */
void fuse_session_process_buf(struct fuse_session *se,
			      const struct fuse_buf *buf, struct fuse_chan *ch);
/* Read one request into buf (buf->mem of fuse_chan_bufsize bytes, or
 * NULL to have one allocated); its size, 0 at unmount, or -errno
 * (-EINTR: try again). */
int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf,
			     struct fuse_chan **chp);
/* Destroy se: destroy (after init), then the attached channel. */
void fuse_session_destroy(struct fuse_session *se);
/* End the loop (async-signal-safe), undo that, ask. */
void fuse_session_exit(struct fuse_session *se);
void fuse_session_reset(struct fuse_session *se);
int fuse_session_exited(struct fuse_session *se);
/* The session's private data (the library's, not userdata). */
void *fuse_session_data(struct fuse_session *se);
/* Serve requests in this thread until unmount or fuse_session_exit
 * (a signal too): 0, or -1 on error. */
int fuse_session_loop(struct fuse_session *se);
/* The same with a pool of threads (up to 10). */
int fuse_session_loop_mt(struct fuse_session *se);

/* ---- Channels --------------------------------------------------------- */

/* A channel of the program's own.  fsp's libfuse 2 offers the type for
 * source compatibility only: fuse_chan_new is not exported. */
struct fuse_chan_ops {
	int (*receive)(struct fuse_chan **chp, char *buf, size_t size);
	int (*send)(struct fuse_chan *ch, const struct iovec iov[],
		    size_t count);
	void (*destroy)(struct fuse_chan *ch);
};

/* The channel's /dev/fuse descriptor. */
int fuse_chan_fd(struct fuse_chan *ch);
/* How large a buffer fuse_chan_recv and fuse_session_receive_buf need. */
size_t fuse_chan_bufsize(struct fuse_chan *ch);
/* The channel's private data. */
void *fuse_chan_data(struct fuse_chan *ch);
/* The session ch is attached to, or NULL. */
struct fuse_session *fuse_chan_session(struct fuse_chan *ch);
/* Read one request: its size, 0 at unmount, or -errno. */
int fuse_chan_recv(struct fuse_chan **ch, char *buf, size_t size);
/* Write a reply or notification made of count pieces: 0 or -errno. */
int fuse_chan_send(struct fuse_chan *ch, const struct iovec iov[],
		   size_t count);
/* Detach and free ch.  A mount never attached to a session goes with
 * it; an attached one stays with its session (fuse_session_destroy
 * unmounts). */
void fuse_chan_destroy(struct fuse_chan *ch);

#ifdef __cplusplus
}
#endif

#if defined(__x86_64__) || defined(__aarch64__)
/* libfuse 2.9's 64-bit layouts, compared with Debian's headers by
 * tests/compat/abi2_layout.c. */
_Static_assert(sizeof(struct fuse_lowlevel_ops) == 41 * sizeof(void *),
	       "fuse_lowlevel_ops 2.9");
_Static_assert(sizeof(struct fuse_entry_param) == 32 + sizeof(struct stat),
	       "fuse_entry_param");
_Static_assert(sizeof(struct fuse_ctx) == 16, "fuse_ctx");
#endif

#endif
