/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 low-level API (fsp's libfuse compatibility layer).
 *
 * The file system works on inode numbers: the kernel names a file by the
 * fuse_ino_t a lookup returned, and counts lookups until it forgets them.
 * Every handler gets a request (fuse_req_t) and must answer it exactly
 * once with a fuse_reply_* call (forget and forget_multi with
 * fuse_reply_none), from any thread and at any later time.
 *
 * Names, values and layouts are libfuse 3.18's (or 3.14's with
 * FSP_FUSE_ABI 314, see libfuse_config.h); the text is fsp's.
 * Define FUSE_USE_VERSION (30 to 318) before including this file.
 */
#ifndef FUSE_LOWLEVEL_H_
#define FUSE_LOWLEVEL_H_

#ifndef FUSE_USE_VERSION
#error FUSE_USE_VERSION not defined
#endif

#include "fuse_common.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <utime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Inode number of the mount's root directory. */
#define FUSE_ROOT_ID 1

typedef uint64_t fuse_ino_t;

/* A request in flight; valid until its reply. */
typedef struct fuse_req *fuse_req_t;

struct fuse_session;
#if FSP_FUSE_ABI >= 318
struct statx;
#endif

/* Answer to lookup, mknod, mkdir, symlink, link and create. */
struct fuse_entry_param {
	/* Inode number; 0 in a lookup reply caches a negative entry */
	fuse_ino_t ino;
	/* ino + generation must never repeat while the fs exists */
	uint64_t generation;
	struct stat attr;
	/* Seconds the kernel may keep the attributes */
	double attr_timeout;
	/* Seconds the kernel may keep the name */
	double entry_timeout;
};

/* Who made the request. */
struct fuse_ctx {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	/* The caller's umask, in create, mkdir and mknod */
	mode_t umask;
};

/* One element of forget_multi. */
struct fuse_forget_data {
	fuse_ino_t ino;
	uint64_t nlookup;
};

/* Replacement I/O for the session's descriptor (fuse_session_custom_io). */
struct fuse_custom_io {
	ssize_t (*writev)(int fd, struct iovec *iov, int count, void *userdata);
	ssize_t (*read)(int fd, void *buf, size_t buf_len, void *userdata);
	ssize_t (*splice_receive)(int fdin, off_t *offin, int fdout,
				  off_t *offout, size_t len,
				  unsigned int flags, void *userdata);
	ssize_t (*splice_send)(int fdin, off_t *offin, int fdout,
			       off_t *offout, size_t len,
			       unsigned int flags, void *userdata);
#if FSP_FUSE_ABI >= 318
	/* A descriptor for another worker thread (clone_fd); optional */
	int (*clone_fd)(int master_fd);
#endif
};

#if FSP_FUSE_ABI >= 318
enum fuse_notify_entry_flags {
	FUSE_LL_INVALIDATE	= 0,
	/* Expire the entry but keep it (children stay reachable) */
	FUSE_LL_EXPIRE_ONLY	= (1 << 0),
};
#else
enum fuse_expire_flags {
	/* Expire the entry but keep it (children stay reachable) */
	FUSE_LL_EXPIRE_ONLY	= (1 << 0),
};
#endif

/* setattr's to_set: which fields of attr to apply. */
#define FUSE_SET_ATTR_MODE	(1 << 0)
#define FUSE_SET_ATTR_UID	(1 << 1)
#define FUSE_SET_ATTR_GID	(1 << 2)
#define FUSE_SET_ATTR_SIZE	(1 << 3)
#define FUSE_SET_ATTR_ATIME	(1 << 4)
#define FUSE_SET_ATTR_MTIME	(1 << 5)
#define FUSE_SET_ATTR_ATIME_NOW	(1 << 7)
#define FUSE_SET_ATTR_MTIME_NOW	(1 << 8)
#define FUSE_SET_ATTR_FORCE	(1 << 9)
#define FUSE_SET_ATTR_CTIME	(1 << 10)
#define FUSE_SET_ATTR_KILL_SUID	(1 << 11)
#define FUSE_SET_ATTR_KILL_SGID	(1 << 12)
#define FUSE_SET_ATTR_FILE	(1 << 13)
#define FUSE_SET_ATTR_KILL_PRIV	(1 << 14)
#define FUSE_SET_ATTR_OPEN	(1 << 15)
#define FUSE_SET_ATTR_TIMES_SET	(1 << 16)
#define FUSE_SET_ATTR_TOUCH	(1 << 17)

/*
 * The handlers.  All are optional; a missing one answers ENOSYS, except
 * open/opendir (succeed with fh 0), release/releasedir/forget (succeed),
 * and statfs (a default answer).  Member order is the ABI.
 */
struct fuse_lowlevel_ops {
	/* After INIT is read, before it is answered: adjust conn->want */
	void (*init) (void *userdata, struct fuse_conn_info *conn);
	/* When the session ends */
	void (*destroy) (void *userdata);
	void (*lookup) (fuse_req_t req, fuse_ino_t parent, const char *name);
	/* Reply with fuse_reply_none */
	void (*forget) (fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
	/* fi is NULL unless the kernel names an open file */
	void (*getattr) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	void (*setattr) (fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			 int to_set, struct fuse_file_info *fi);
	void (*readlink) (fuse_req_t req, fuse_ino_t ino);
	void (*mknod) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, dev_t rdev);
	void (*mkdir) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode);
	void (*unlink) (fuse_req_t req, fuse_ino_t parent, const char *name);
	void (*rmdir) (fuse_req_t req, fuse_ino_t parent, const char *name);
	void (*symlink) (fuse_req_t req, const char *link, fuse_ino_t parent,
			 const char *name);
	/* flags: RENAME_EXCHANGE / RENAME_NOREPLACE of renameat2 */
	void (*rename) (fuse_req_t req, fuse_ino_t parent, const char *name,
			fuse_ino_t newparent, const char *newname,
			unsigned int flags);
	void (*link) (fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		      const char *newname);
	void (*open) (fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi);
	void (*read) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi);
	void (*write) (fuse_req_t req, fuse_ino_t ino, const char *buf,
		       size_t size, off_t off, struct fuse_file_info *fi);
	void (*flush) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi);
	void (*release) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	void (*fsync) (fuse_req_t req, fuse_ino_t ino, int datasync,
		       struct fuse_file_info *fi);
	void (*opendir) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);
	/* Fill with fuse_add_direntry, answer with fuse_reply_buf */
	void (*readdir) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			 struct fuse_file_info *fi);
	void (*releasedir) (fuse_req_t req, fuse_ino_t ino,
			    struct fuse_file_info *fi);
	void (*fsyncdir) (fuse_req_t req, fuse_ino_t ino, int datasync,
			  struct fuse_file_info *fi);
	void (*statfs) (fuse_req_t req, fuse_ino_t ino);
	void (*setxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  const char *value, size_t size, int flags);
	/* size 0: answer the size with fuse_reply_xattr */
	void (*getxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  size_t size);
	void (*listxattr) (fuse_req_t req, fuse_ino_t ino, size_t size);
	void (*removexattr) (fuse_req_t req, fuse_ino_t ino, const char *name);
	void (*access) (fuse_req_t req, fuse_ino_t ino, int mask);
	void (*create) (fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, struct fuse_file_info *fi);
	void (*getlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, struct flock *lock);
	void (*setlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi,
		       struct flock *lock, int sleep);
	void (*bmap) (fuse_req_t req, fuse_ino_t ino, size_t blocksize,
		      uint64_t idx);
#if FUSE_USE_VERSION < 35
	void (*ioctl) (fuse_req_t req, fuse_ino_t ino, int cmd,
		       void *arg, struct fuse_file_info *fi, unsigned flags,
		       const void *in_buf, size_t in_bufsz, size_t out_bufsz);
#else
	void (*ioctl) (fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		       void *arg, struct fuse_file_info *fi, unsigned flags,
		       const void *in_buf, size_t in_bufsz, size_t out_bufsz);
#endif
	/* ph (may be NULL) is the program's to notify and destroy */
	void (*poll) (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		      struct fuse_pollhandle *ph);
	/* Preferred over write when set */
	void (*write_buf) (fuse_req_t req, fuse_ino_t ino,
			   struct fuse_bufvec *bufv, off_t off,
			   struct fuse_file_info *fi);
	/* The kernel's answer to fuse_lowlevel_notify_retrieve */
	void (*retrieve_reply) (fuse_req_t req, void *cookie, fuse_ino_t ino,
				off_t offset, struct fuse_bufvec *bufv);
	/* Reply with fuse_reply_none */
	void (*forget_multi) (fuse_req_t req, size_t count,
			      struct fuse_forget_data *forgets);
	void (*flock) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, int op);
	void (*fallocate) (fuse_req_t req, fuse_ino_t ino, int mode,
			   off_t offset, off_t length, struct fuse_file_info *fi);
	/* Fill with fuse_add_direntry_plus, answer with fuse_reply_buf */
	void (*readdirplus) (fuse_req_t req, fuse_ino_t ino, size_t size,
			     off_t off, struct fuse_file_info *fi);
	/* Answer with fuse_reply_write */
	void (*copy_file_range) (fuse_req_t req, fuse_ino_t ino_in,
				 off_t off_in, struct fuse_file_info *fi_in,
				 fuse_ino_t ino_out, off_t off_out,
				 struct fuse_file_info *fi_out, size_t len,
				 int flags);
	void (*lseek) (fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		       struct fuse_file_info *fi);
#if FSP_FUSE_ABI >= 318
	/* O_TMPFILE in parent: answer with fuse_reply_create */
	void (*tmpfile) (fuse_req_t req, fuse_ino_t parent, mode_t mode,
			 struct fuse_file_info *fi);
	/* statx(2): answer with fuse_reply_statx (fi may be NULL) */
	void (*statx) (fuse_req_t req, fuse_ino_t ino, int flags, int mask,
		       struct fuse_file_info *fi);
#endif
};

#if FSP_FUSE_ABI >= 318
/* In open or create: let the kernel do the file's I/O on fd (FUSE
 * passthrough, FUSE_CAP_PASSTHROUGH).  Returns a backing id (> 0) to put
 * in fi->backing_id, or 0 with errno set.  The fs keeps fd open. */
int fuse_passthrough_open(fuse_req_t req, int fd);
/* Release a backing id; 0 or -errno. */
int fuse_passthrough_close(fuse_req_t req, int backing_id);
#endif

/* ---- Replies: each returns 0 or -errno (the kernel refused it) ----- */

/* err is a positive errno, or 0 for success without data. */
int fuse_reply_err(fuse_req_t req, int err);
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
#if FSP_FUSE_ABI >= 318
/* Answer statx with statx (only the fields in its stx_mask count). */
int fuse_reply_statx(fuse_req_t req, int flags, struct statx *statx,
		     double attr_timeout);
#endif

/* ---- Directory buffers ---------------------------------------------- */

/*
 * Append one entry to buf (bufsize bytes left) for readdir; only the
 * inode number and type bits of stbuf are used; off is the offset of the
 * next entry.  Returns the entry's size; if that exceeds bufsize nothing
 * was written.  buf NULL just measures.
 */
size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
			 const char *name, const struct stat *stbuf,
			 off_t off);
/* The same for readdirplus, with a whole entry (counts as a lookup
 * unless e->ino is 0). */
size_t fuse_add_direntry_plus(fuse_req_t req, char *buf, size_t bufsize,
			      const char *name,
			      const struct fuse_entry_param *e, off_t off);

int fuse_reply_ioctl_retry(fuse_req_t req,
			   const struct iovec *in_iov, size_t in_count,
			   const struct iovec *out_iov, size_t out_count);
int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf, size_t size);
int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
			 int count);
int fuse_reply_poll(fuse_req_t req, unsigned revents);
int fuse_reply_lseek(fuse_req_t req, off_t off);

/* ---- Notifications: 0 or -errno --------------------------------------- */

int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph);
int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
				     off_t off, off_t len);
int fuse_lowlevel_notify_inval_entry(struct fuse_session *se, fuse_ino_t parent,
				     const char *name, size_t namelen);
#if FSP_FUSE_ABI >= 318
/* Expire the entry (keep it for its children; needs FUSE_CAP_EXPIRE_ONLY) */
int fuse_lowlevel_notify_expire_entry(struct fuse_session *se, fuse_ino_t parent,
				      const char *name, size_t namelen);
/* Make every cached entry and attribute of the mount stale at once. */
int fuse_lowlevel_notify_increment_epoch(struct fuse_session *se);
#else
int fuse_lowlevel_notify_expire_entry(struct fuse_session *se, fuse_ino_t parent,
				      const char *name, size_t namelen,
				      enum fuse_expire_flags flags);
#endif
int fuse_lowlevel_notify_delete(struct fuse_session *se,
				fuse_ino_t parent, fuse_ino_t child,
				const char *name, size_t namelen);
int fuse_lowlevel_notify_store(struct fuse_session *se, fuse_ino_t ino,
			       off_t offset, struct fuse_bufvec *bufv,
			       enum fuse_buf_copy_flags flags);
int fuse_lowlevel_notify_retrieve(struct fuse_session *se, fuse_ino_t ino,
				  size_t size, off_t offset, void *cookie);

/* ---- About a request ---------------------------------------------- */

void *fuse_req_userdata(fuse_req_t req);
const struct fuse_ctx *fuse_req_ctx(fuse_req_t req);
/* The caller's supplementary groups: how many it has (may exceed size,
 * only size are stored), or -errno. */
int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[]);

typedef void (*fuse_interrupt_func_t)(fuse_req_t req, void *data);

/* Call func(req, data) when the kernel interrupts the request: from the
 * thread that reads the INTERRUPT, or at once if it already came; never
 * once the request is answered.  func may answer the request; a reply
 * from another thread waits until func returns.  NULL removes it (and
 * waits for a func still running). */
void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
			     void *data);
int fuse_req_interrupted(fuse_req_t req);
#if FSP_FUSE_ABI >= 318
/* Whether req came over FUSE-over-io_uring. */
bool fuse_req_is_uring(fuse_req_t req);
/* The payload of an io_uring request, to read or write in place; 0, or
 * -ENOTSUP for a request from /dev/fuse. */
int fuse_req_get_payload(fuse_req_t req, char **payload, size_t *payload_sz,
			 void **mr);
#endif

/* ---- Help and version ---------------------------------------------- */

void fuse_lowlevel_version(void);
void fuse_lowlevel_help(void);
void fuse_cmdline_help(void);

/* ---- Setup and teardown ---------------------------------------------- */

/* What fuse_parse_cmdline found.  max_threads is new in 3.12. */
struct fuse_cmdline_opts {
	int singlethread;
	int foreground;
	int debug;
	int nodefault_subtype;
	char *mountpoint;
	int show_version;
	int show_help;
	int clone_fd;
	unsigned int max_idle_threads;
	unsigned int max_threads;
};

#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
int fuse_parse_cmdline(struct fuse_args *args,
		       struct fuse_cmdline_opts *opts);
#else
#if FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
int fuse_parse_cmdline_30(struct fuse_args *args,
			  struct fuse_cmdline_opts *opts);
#define fuse_parse_cmdline(args, opts) fuse_parse_cmdline_30(args, opts)
#else
int fuse_parse_cmdline_312(struct fuse_args *args,
			   struct fuse_cmdline_opts *opts);
#define fuse_parse_cmdline(args, opts) fuse_parse_cmdline_312(args, opts)
#endif
#endif

/* A session with op (op_size bytes of it) and the options in args; NULL
 * (after a message) on an unknown option or error. */
#if FSP_FUSE_ABI >= 318
/* The 3.17 entry point: fuse_session_new() passes the program's libfuse
 * version (the library builds itself with FSP_FUSE_LIB and gets the
 * plain declarations). */
struct fuse_session *
fuse_session_new_versioned(struct fuse_args *args,
			   const struct fuse_lowlevel_ops *op, size_t op_size,
			   struct libfuse_version *version, void *userdata);
int fuse_session_custom_io_317(struct fuse_session *se,
			       const struct fuse_custom_io *io, size_t op_size,
			       int fd);
#endif
#if FSP_FUSE_ABI >= 318 && !defined(FSP_FUSE_LIB)
static inline struct fuse_session *
fuse_session_new_fn(struct fuse_args *args, const struct fuse_lowlevel_ops *op,
		    size_t op_size, void *userdata)
{
	struct libfuse_version version = {
		FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION, 0
	};
	return fuse_session_new_versioned(args, op, op_size, &version,
					  userdata);
}
#define fuse_session_new(args, op, op_size, userdata) \
	fuse_session_new_fn(args, op, op_size, userdata)
#if FUSE_USE_VERSION >= FUSE_MAKE_VERSION(3, 17)
static inline int fuse_session_custom_io(struct fuse_session *se,
					 const struct fuse_custom_io *io,
					 size_t op_size, int fd)
{
	return fuse_session_custom_io_317(se, io, op_size, fd);
}
#else
static inline int fuse_session_custom_io(struct fuse_session *se,
					 const struct fuse_custom_io *io,
					 int fd)
{
	return fuse_session_custom_io_317(se, io,
				offsetof(struct fuse_custom_io, clone_fd), fd);
}
#endif
#else
struct fuse_session *fuse_session_new(struct fuse_args *args,
				      const struct fuse_lowlevel_ops *op,
				      size_t op_size, void *userdata);
int fuse_session_custom_io(struct fuse_session *se,
			   const struct fuse_custom_io *io, int fd);
#endif
/* 0 or -1. */
int fuse_session_mount(struct fuse_session *se, const char *mountpoint);
/* Until unmounted or exited: 0, -errno, or the signal that ended it. */
int fuse_session_loop(struct fuse_session *se);

#if FUSE_USE_VERSION < 32
int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd);
#define fuse_session_loop_mt(se, clone_fd) fuse_session_loop_mt_31(se, clone_fd)
#elif FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
int fuse_session_loop_mt_32(struct fuse_session *se,
			    struct fuse_loop_config *config);
#define fuse_session_loop_mt(se, config) fuse_session_loop_mt_32(se, config)
#else
#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
int fuse_session_loop_mt(struct fuse_session *se,
			 struct fuse_loop_config *config);
#else
int fuse_session_loop_mt_312(struct fuse_session *se,
			     struct fuse_loop_config *config);
#define fuse_session_loop_mt(se, config) fuse_session_loop_mt_312(se, config)
#endif
#endif

void fuse_session_exit(struct fuse_session *se);
void fuse_session_reset(struct fuse_session *se);
int fuse_session_exited(struct fuse_session *se);
void fuse_session_unmount(struct fuse_session *se);
void fuse_session_destroy(struct fuse_session *se);

/* ---- Custom event loops ---------------------------------------------- */

int fuse_session_fd(struct fuse_session *se);
void fuse_session_process_buf(struct fuse_session *se,
			      const struct fuse_buf *buf);
int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf);

#ifdef __cplusplus
}
#endif

/* libfuse 3.14's sizes on x86_64 and aarch64 (both LP64, the same
 * alignment rules): a mismatch is an ABI break.  tests/compat/run.sh and
 * tests/arm64.sh compare every offset with Debian's headers. */
#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__) && \
    !defined(__cplusplus)
/* It holds a struct stat: 144 bytes on x86_64, 128 on aarch64. */
#if defined(__x86_64__)
_Static_assert(sizeof(struct fuse_entry_param) == 176, "fuse_entry_param ABI");
#else
_Static_assert(sizeof(struct fuse_entry_param) == 160, "fuse_entry_param ABI");
#endif
_Static_assert(sizeof(struct fuse_ctx) == 16, "fuse_ctx ABI");
_Static_assert(sizeof(struct fuse_forget_data) == 16, "fuse_forget_data ABI");
_Static_assert(sizeof(struct fuse_cmdline_opts) == 48, "fuse_cmdline_opts ABI");
#if FSP_FUSE_ABI >= 318
_Static_assert(sizeof(struct fuse_custom_io) == 40, "fuse_custom_io ABI");
_Static_assert(sizeof(struct fuse_lowlevel_ops) == 46 * sizeof(void (*)(void)),
	       "fuse_lowlevel_ops ABI: 46 handlers");
#else
_Static_assert(sizeof(struct fuse_custom_io) == 32, "fuse_custom_io ABI");
_Static_assert(sizeof(struct fuse_lowlevel_ops) == 44 * sizeof(void (*)(void)),
	       "fuse_lowlevel_ops ABI: 44 handlers");
#endif
#endif

#endif /* FUSE_LOWLEVEL_H_ */
