/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 high-level (path) API, fsp's libfuse compatibility layer.
 *
 * The file system names files by path; the library keeps the inode
 * numbers the kernel uses, builds the paths, and turns each callback's
 * return value into the reply: 0 or a count for success, -errno for an
 * error.  Names, values and layouts are libfuse 3.18's (3.14's with
 * FSP_FUSE_ABI 314, see libfuse_config.h): binary compatibility needs
 * them; the text is fsp's.
 *
 * Define FUSE_USE_VERSION (30 to 318) before including this file.
 */
#ifndef FUSE_H_
#define FUSE_H_

#include "fuse_common.h"

#include <fcntl.h>
#include <time.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One mounted high-level file system (opaque). */
struct fuse;
#if FSP_FUSE_ABI >= 318
struct statx;
#endif

/* What readdir is asked for. */
enum fuse_readdir_flags {
#if FSP_FUSE_ABI >= 318
	FUSE_READDIR_DEFAULTS = 0,
#endif
	/* Readdirplus: give each entry's whole stat to the filler (with
	 * FUSE_FILL_DIR_PLUS), so the kernel need not look them up. */
	FUSE_READDIR_PLUS = (1 << 0)
};

/* What the filler is told about one entry. */
enum fuse_fill_dir_flags {
#if FSP_FUSE_ABI >= 318
	FUSE_FILL_DIR_DEFAULTS = 0,
#endif
	/* All of stbuf is valid, not just the type and inode number. */
	FUSE_FILL_DIR_PLUS = (1 << 1)
};

/*
 * The callback readdir hands each entry to.  off is 0 when the file
 * system lists the whole directory in one call, else the offset of the
 * next entry.  Returns 1 when the buffer is full (stop), else 0.
 */
typedef int (*fuse_fill_dir_t) (void *buf, const char *name,
				const struct stat *stbuf, off_t off,
				enum fuse_fill_dir_flags flags);

/*
 * The library's settings, from -o options; init may change them.
 * Member order is the ABI.
 */
struct fuse_config {
	/* gid=N: report every file as owned by group gid */
	int set_gid;
	unsigned int gid;
	/* uid=N: report every file as owned by uid */
	int set_uid;
	unsigned int uid;
	/* umask=M: report permissions 0777 & ~umask */
	int set_mode;
	unsigned int umask;
	/* Seconds the kernel may keep names, missing names and attributes */
	double entry_timeout;
	double negative_timeout;
	double attr_timeout;
	/* intr: interrupt a callback with intr_signal when the caller gives up */
	int intr;
	int intr_signal;
	/* Seconds to keep forgotten inodes (-1: forever; for NFS export) */
	int remember;
	/* Remove unlinked files at once instead of hiding them while open */
	int hard_remove;
	/* Use the file system's st_ino */
	int use_ino;
	/* Without use_ino: give readdir the inode numbers already known */
	int readdir_ino;
	/* Bypass the page cache */
	int direct_io;
	/* Keep cached data across opens */
	int kernel_cache;
	/* Keep it only if mtime and size did not change */
	int auto_cache;
#if FSP_FUSE_ABI < 318
	/* No flush for read-only opens */
	int no_rofd_flush;
#endif
	/* ac_attr_timeout: how old the attributes auto_cache trusts may be */
	int ac_attr_timeout_set;
	double ac_attr_timeout;
	/* Operations on an open file may get a NULL path */
	int nullpath_ok;
	/* Private to the library */
	int show_help;
	char *modules;
	int debug;
#if FSP_FUSE_ABI >= 318
	/* fmask=M, dmask=M: umask for files and for directories only */
	unsigned int fmask;
	unsigned int dmask;
	/* No flush for read-only opens (moved here in 3.17) */
	int no_rofd_flush;
	/* Allow parallel direct writes to a file */
	int parallel_direct_writes;
	/* For the library's own use */
	unsigned int flags;
	uint64_t reserved[48];
#endif
};

/*
 * The callbacks.  All optional.  Each returns 0 (or a byte count where
 * said) on success and -errno on failure; anything else is a bug in the
 * file system, answered EIO and logged.  Member order is the ABI.
 */
struct fuse_operations {
	/* stat(2); fi is set when the kernel names an open file */
	int (*getattr) (const char *, struct stat *, struct fuse_file_info *fi);
	/* Copy the target, NUL-terminated and truncated to fit, into buf */
	int (*readlink) (const char *, char *, size_t);
	/* Any non-directory, non-symlink node (regular files too if there
	 * is no create) */
	int (*mknod) (const char *, mode_t, dev_t);
	int (*mkdir) (const char *, mode_t);
	int (*unlink) (const char *);
	int (*rmdir) (const char *);
	/* symlink(target, linkpath) */
	int (*symlink) (const char *, const char *);
	/* flags: RENAME_EXCHANGE or RENAME_NOREPLACE; refuse others EINVAL */
	int (*rename) (const char *, const char *, unsigned int flags);
	int (*link) (const char *, const char *);
	int (*chmod) (const char *, mode_t, struct fuse_file_info *fi);
	int (*chown) (const char *, uid_t, gid_t, struct fuse_file_info *fi);
	int (*truncate) (const char *, off_t, struct fuse_file_info *fi);
	/* May set fi->fh, direct_io, keep_cache, nonseekable, noflush */
	int (*open) (const char *, struct fuse_file_info *);
	/* Bytes read (fewer only at end of file unless direct_io) */
	int (*read) (const char *, char *, size_t, off_t,
		     struct fuse_file_info *);
	/* Bytes written (all, unless direct_io) */
	int (*write) (const char *, const char *, size_t, off_t,
		      struct fuse_file_info *);
	int (*statfs) (const char *, struct statvfs *);
	/* On each close(2) of a descriptor */
	int (*flush) (const char *, struct fuse_file_info *);
	/* When the last descriptor of an open is gone; the result is ignored */
	int (*release) (const char *, struct fuse_file_info *);
	int (*fsync) (const char *, int, struct fuse_file_info *);
	int (*setxattr) (const char *, const char *, const char *, size_t, int);
	/* Size of the value (size 0: just measure) */
	int (*getxattr) (const char *, const char *, char *, size_t);
	int (*listxattr) (const char *, char *, size_t);
	int (*removexattr) (const char *, const char *);
	int (*opendir) (const char *, struct fuse_file_info *);
	/* Hand entries to filler; see fuse_fill_dir_t */
	int (*readdir) (const char *, void *, fuse_fill_dir_t, off_t,
			struct fuse_file_info *, enum fuse_readdir_flags);
	int (*releasedir) (const char *, struct fuse_file_info *);
	int (*fsyncdir) (const char *, int, struct fuse_file_info *);
	/* Before the first request; may adjust conn and cfg.  The result
	 * becomes fuse_get_context()->private_data. */
	void *(*init) (struct fuse_conn_info *conn,
		       struct fuse_config *cfg);
	/* At unmount, with that private_data */
	void (*destroy) (void *private_data);
	/* access(2); not called with default_permissions */
	int (*access) (const char *, int);
	/* Create and open a regular file */
	int (*create) (const char *, mode_t, struct fuse_file_info *);
	/* F_GETLK, F_SETLK, F_SETLKW */
	int (*lock) (const char *, struct fuse_file_info *, int cmd,
		     struct flock *);
	/* tv: atime, mtime; tv_nsec may be UTIME_NOW or UTIME_OMIT */
	int (*utimens) (const char *, const struct timespec tv[2],
			struct fuse_file_info *fi);
	int (*bmap) (const char *, size_t blocksize, uint64_t *idx);
#if FUSE_USE_VERSION < 35
	int (*ioctl) (const char *, int cmd, void *arg,
		      struct fuse_file_info *, unsigned int flags, void *data);
#else
	int (*ioctl) (const char *, unsigned int cmd, void *arg,
		      struct fuse_file_info *, unsigned int flags, void *data);
#endif
	/* Store ready events in *reventsp; ph is the file system's to
	 * notify (fuse_notify_poll) and destroy */
	int (*poll) (const char *, struct fuse_file_info *,
		     struct fuse_pollhandle *ph, unsigned *reventsp);
	/* Preferred over write when set */
	int (*write_buf) (const char *, struct fuse_bufvec *buf, off_t off,
			  struct fuse_file_info *);
	/* Preferred over read: *bufp is allocated by the file system and
	 * freed by the library (with the memory of its buffers) */
	int (*read_buf) (const char *, struct fuse_bufvec **bufp,
			 size_t size, off_t off, struct fuse_file_info *);
	/* LOCK_SH, LOCK_EX, LOCK_UN, maybe with LOCK_NB */
	int (*flock) (const char *, struct fuse_file_info *, int op);
	int (*fallocate) (const char *, int, off_t, off_t,
			  struct fuse_file_info *);
	/* Bytes copied */
	ssize_t (*copy_file_range) (const char *path_in,
				    struct fuse_file_info *fi_in,
				    off_t offset_in, const char *path_out,
				    struct fuse_file_info *fi_out,
				    off_t offset_out, size_t size, int flags);
	/* The new offset (SEEK_DATA, SEEK_HOLE) */
	off_t (*lseek) (const char *, off_t off, int whence,
			struct fuse_file_info *);
#if FSP_FUSE_ABI >= 318
	/* statx(2); fi is set when the kernel names an open file */
	int (*statx) (const char *path, int flags, int mask,
		      struct statx *stxbuf, struct fuse_file_info *fi);
#endif
};

/* Who made the request being served (fuse_get_context). */
struct fuse_context {
	struct fuse *fuse;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	/* What init returned (or the pointer given to fuse_main/fuse_new) */
	void *private_data;
	/* The caller's umask, in create, mknod and mkdir */
	mode_t umask;
};

/*
 * Parse the command line, mount, serve until unmounted or signalled,
 * unmount.  0 after an unmount; 1 for bad usage, 2 without mount
 * point, 3 to 7 when creating, mounting, daemonizing, signal setup or
 * the loop configuration failed, 8 when the loop ended with an error or
 * a signal (libfuse 3.14's codes).
 */
#if FSP_FUSE_ABI >= 318
/* The 3.17 entry points; fuse_main() and fuse_new() pass the program's
 * libfuse version.  Do not call them directly. */
int fuse_main_real_versioned(int argc, char *argv[],
			     const struct fuse_operations *op, size_t op_size,
			     struct libfuse_version *version, void *user_data);
struct fuse *_fuse_new_30(struct fuse_args *args,
			  const struct fuse_operations *op, size_t op_size,
			  struct libfuse_version *version, void *user_data);
struct fuse *_fuse_new_31(struct fuse_args *args,
			  const struct fuse_operations *op, size_t op_size,
			  struct libfuse_version *version, void *user_data);
#endif
#if FSP_FUSE_ABI >= 318 && !defined(FSP_FUSE_LIB)
static inline int fuse_main_fn(int argc, char *argv[],
			       const struct fuse_operations *op,
			       void *user_data)
{
	struct libfuse_version version = {
		FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION, 0
	};
	return fuse_main_real_versioned(argc, argv, op, sizeof(*(op)),
					&version, user_data);
}
#define fuse_main(argc, argv, op, user_data) \
	fuse_main_fn(argc, argv, op, user_data)
#else
#define fuse_main(argc, argv, op, private_data)				\
	fuse_main_real(argc, argv, op, sizeof(*(op)), private_data)
#endif

/* Print the library's -o options. */
void fuse_lib_help(struct fuse_args *args);

/*
 * A file system with op (op_size bytes of it: an older or newer struct
 * is accepted) and the options in args.  NULL, after a message, on a
 * bad option.  The 3.0 variant also answers -h itself.
 */
#if FSP_FUSE_ABI >= 318 && !defined(FSP_FUSE_LIB)
static inline struct fuse *fuse_new_fn(struct fuse_args *args,
				       const struct fuse_operations *op,
				       size_t op_size, void *user_data)
{
	struct libfuse_version version = {
		FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION, 0
	};
#if FUSE_USE_VERSION == 30
	return _fuse_new_30(args, op, op_size, &version, user_data);
#else
	return _fuse_new_31(args, op, op_size, &version, user_data);
#endif
}
#define fuse_new(args, op, size, data) fuse_new_fn(args, op, size, data)
#elif FUSE_USE_VERSION == 30
struct fuse *fuse_new_30(struct fuse_args *args,
			 const struct fuse_operations *op,
			 size_t op_size, void *private_data);
#define fuse_new(args, op, size, data) fuse_new_30(args, op, size, data)
#else
#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
struct fuse *fuse_new(struct fuse_args *args, const struct fuse_operations *op,
		      size_t op_size, void *private_data);
#else
struct fuse *fuse_new_31(struct fuse_args *args,
			 const struct fuse_operations *op,
			 size_t op_size, void *private_data);
#define fuse_new(args, op, size, data) fuse_new_31(args, op, size, data)
#endif
#endif

/* 0 or -1. */
int fuse_mount(struct fuse *f, const char *mountpoint);
void fuse_unmount(struct fuse *f);
/* Also calls the file system's destroy if init ran. */
void fuse_destroy(struct fuse *f);

/* Serve in this thread until unmounted or fuse_exit; 0, -errno or the
 * signal that ended it. */
int fuse_loop(struct fuse *f);
/* Make the loop return (any thread, or a signal handler). */
void fuse_exit(struct fuse *f);

#if FUSE_USE_VERSION < 32
int fuse_loop_mt_31(struct fuse *f, int clone_fd);
#define fuse_loop_mt(f, clone_fd) fuse_loop_mt_31(f, clone_fd)
#elif FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
int fuse_loop_mt_32(struct fuse *f, struct fuse_loop_config *config);
#define fuse_loop_mt(f, config) fuse_loop_mt_32(f, config)
#else
#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
int fuse_loop_mt(struct fuse *f, struct fuse_loop_config *config);
#else
#define fuse_loop_mt(f, config) fuse_loop_mt_312(f, config)
#endif
#endif

/* The request being served by this thread (zeros outside one). */
struct fuse_context *fuse_get_context(void);
/* The caller's supplementary groups: how many (may exceed size), or
 * -errno. */
int fuse_getgroups(int size, gid_t list[]);
/* 1 if the request being served was interrupted. */
int fuse_interrupted(void);
/* Drop the kernel's cached name and data of path; 0 or -errno. */
int fuse_invalidate_path(struct fuse *f, const char *path);

#if FSP_FUSE_ABI >= 318 && !defined(FSP_FUSE_LIB)
/* Kept for binaries built against older libfuse; use fuse_main(). */
static inline int fuse_main_real(int argc, char *argv[],
				 const struct fuse_operations *op,
				 size_t op_size, void *user_data)
{
	struct libfuse_version version = {
		FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION, 0
	};
	return fuse_main_real_versioned(argc, argv, op, op_size, &version,
					user_data);
}
#else
int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op,
		   size_t op_size, void *private_data);
#endif

/* With -o remember: a thread that forgets old inodes; 0 or -errno. */
int fuse_start_cleanup_thread(struct fuse *fuse);
void fuse_stop_cleanup_thread(struct fuse *fuse);
/* Forget the inodes remembered long enough; seconds until the next. */
int fuse_clean_cache(struct fuse *fuse);

/* ---- Stacking: a file system calling another one's callbacks ------- */

struct fuse_fs;

int fuse_fs_getattr(struct fuse_fs *fs, const char *path, struct stat *buf,
		    struct fuse_file_info *fi);
int fuse_fs_rename(struct fuse_fs *fs, const char *oldpath,
		   const char *newpath, unsigned int flags);
int fuse_fs_unlink(struct fuse_fs *fs, const char *path);
int fuse_fs_rmdir(struct fuse_fs *fs, const char *path);
int fuse_fs_symlink(struct fuse_fs *fs, const char *linkname,
		    const char *path);
int fuse_fs_link(struct fuse_fs *fs, const char *oldpath, const char *newpath);
int fuse_fs_release(struct fuse_fs *fs, const char *path,
		    struct fuse_file_info *fi);
int fuse_fs_open(struct fuse_fs *fs, const char *path,
		 struct fuse_file_info *fi);
int fuse_fs_read(struct fuse_fs *fs, const char *path, char *buf, size_t size,
		 off_t off, struct fuse_file_info *fi);
int fuse_fs_read_buf(struct fuse_fs *fs, const char *path,
		     struct fuse_bufvec **bufp, size_t size, off_t off,
		     struct fuse_file_info *fi);
int fuse_fs_write(struct fuse_fs *fs, const char *path, const char *buf,
		  size_t size, off_t off, struct fuse_file_info *fi);
int fuse_fs_write_buf(struct fuse_fs *fs, const char *path,
		      struct fuse_bufvec *buf, off_t off,
		      struct fuse_file_info *fi);
int fuse_fs_fsync(struct fuse_fs *fs, const char *path, int datasync,
		  struct fuse_file_info *fi);
int fuse_fs_flush(struct fuse_fs *fs, const char *path,
		  struct fuse_file_info *fi);
int fuse_fs_statfs(struct fuse_fs *fs, const char *path, struct statvfs *buf);
int fuse_fs_opendir(struct fuse_fs *fs, const char *path,
		    struct fuse_file_info *fi);
int fuse_fs_readdir(struct fuse_fs *fs, const char *path, void *buf,
		    fuse_fill_dir_t filler, off_t off,
		    struct fuse_file_info *fi, enum fuse_readdir_flags flags);
int fuse_fs_fsyncdir(struct fuse_fs *fs, const char *path, int datasync,
		     struct fuse_file_info *fi);
int fuse_fs_releasedir(struct fuse_fs *fs, const char *path,
		       struct fuse_file_info *fi);
int fuse_fs_create(struct fuse_fs *fs, const char *path, mode_t mode,
		   struct fuse_file_info *fi);
int fuse_fs_lock(struct fuse_fs *fs, const char *path,
		 struct fuse_file_info *fi, int cmd, struct flock *lock);
int fuse_fs_flock(struct fuse_fs *fs, const char *path,
		  struct fuse_file_info *fi, int op);
int fuse_fs_chmod(struct fuse_fs *fs, const char *path, mode_t mode,
		  struct fuse_file_info *fi);
int fuse_fs_chown(struct fuse_fs *fs, const char *path, uid_t uid, gid_t gid,
		  struct fuse_file_info *fi);
int fuse_fs_truncate(struct fuse_fs *fs, const char *path, off_t size,
		     struct fuse_file_info *fi);
int fuse_fs_utimens(struct fuse_fs *fs, const char *path,
		    const struct timespec tv[2], struct fuse_file_info *fi);
int fuse_fs_access(struct fuse_fs *fs, const char *path, int mask);
int fuse_fs_readlink(struct fuse_fs *fs, const char *path, char *buf,
		     size_t len);
int fuse_fs_mknod(struct fuse_fs *fs, const char *path, mode_t mode,
		  dev_t rdev);
int fuse_fs_mkdir(struct fuse_fs *fs, const char *path, mode_t mode);
int fuse_fs_setxattr(struct fuse_fs *fs, const char *path, const char *name,
		     const char *value, size_t size, int flags);
int fuse_fs_getxattr(struct fuse_fs *fs, const char *path, const char *name,
		     char *value, size_t size);
int fuse_fs_listxattr(struct fuse_fs *fs, const char *path, char *list,
		      size_t size);
int fuse_fs_removexattr(struct fuse_fs *fs, const char *path,
			const char *name);
int fuse_fs_bmap(struct fuse_fs *fs, const char *path, size_t blocksize,
		 uint64_t *idx);
#if FUSE_USE_VERSION < 35
int fuse_fs_ioctl(struct fuse_fs *fs, const char *path, int cmd,
		  void *arg, struct fuse_file_info *fi, unsigned int flags,
		  void *data);
#else
int fuse_fs_ioctl(struct fuse_fs *fs, const char *path, unsigned int cmd,
		  void *arg, struct fuse_file_info *fi, unsigned int flags,
		  void *data);
#endif
int fuse_fs_poll(struct fuse_fs *fs, const char *path,
		 struct fuse_file_info *fi, struct fuse_pollhandle *ph,
		 unsigned *reventsp);
int fuse_fs_fallocate(struct fuse_fs *fs, const char *path, int mode,
		      off_t offset, off_t length, struct fuse_file_info *fi);
ssize_t fuse_fs_copy_file_range(struct fuse_fs *fs, const char *path_in,
				struct fuse_file_info *fi_in, off_t off_in,
				const char *path_out,
				struct fuse_file_info *fi_out, off_t off_out,
				size_t len, int flags);
off_t fuse_fs_lseek(struct fuse_fs *fs, const char *path, off_t off,
		    int whence, struct fuse_file_info *fi);
#if FSP_FUSE_ABI >= 318
int fuse_fs_statx(struct fuse_fs *fs, const char *path, int flags, int mask,
		  struct statx *stxbuf, struct fuse_file_info *fi);
#endif
void fuse_fs_init(struct fuse_fs *fs, struct fuse_conn_info *conn,
		  struct fuse_config *cfg);
void fuse_fs_destroy(struct fuse_fs *fs);

/* Wake a poller whose handle poll kept; 0 or -errno. */
int fuse_notify_poll(struct fuse_pollhandle *ph);

/* A file system object for op, for stacking modules. */
struct fuse_fs *fuse_fs_new(const struct fuse_operations *op, size_t op_size,
			    void *private_data);

/* Module factories (fsp loads no modules; -o modules= is an error). */
typedef struct fuse_fs *(*fuse_module_factory_t)(struct fuse_args *args,
						 struct fuse_fs *fs[]);
#define FUSE_REGISTER_MODULE(name_, factory_) \
	fuse_module_factory_t fuse_module_ ## name_ ## _factory = factory_

/* The low-level session underneath. */
struct fuse_session *fuse_get_session(struct fuse *f);

/* Mount with these options and return the /dev/fuse descriptor, or -1. */
int fuse_open_channel(const char *mountpoint, const char *options);

#ifdef __cplusplus
}
#endif

/* libfuse 3.14's sizes on x86_64 and aarch64 (both LP64, the same
 * alignment rules): a mismatch is an ABI break.  tests/compat/run.sh and
 * tests/arm64.sh compare every offset with Debian's headers. */
#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__) && \
    !defined(__cplusplus)
#if FSP_FUSE_ABI >= 318
_Static_assert(sizeof(struct fuse_operations) == 43 * sizeof(void (*)(void)),
	       "fuse_operations ABI: 43 callbacks");
_Static_assert(sizeof(struct fuse_config) == 520, "fuse_config ABI");
#else
_Static_assert(sizeof(struct fuse_operations) == 42 * sizeof(void (*)(void)),
	       "fuse_operations ABI: 42 callbacks");
_Static_assert(sizeof(struct fuse_config) == 128, "fuse_config ABI");
#endif
_Static_assert(sizeof(struct fuse_context) == 40, "fuse_context ABI");
#endif

#endif /* FUSE_H_ */
