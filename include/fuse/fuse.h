/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 2.9 high-level (path) API, fsp's libfuse compatibility layer
 * (libfuse.so.2), implemented on the libfuse 3 high-level code of
 * src/compat/fuse3.  Names, values and layouts are libfuse 2.9's (binary
 * compatibility needs them); the text is fsp's.
 *
 * Define FUSE_USE_VERSION (26 to 29) before including this file, and
 * compile with -D_FILE_OFFSET_BITS=64 (pkg-config fuse gives both the
 * include path and that).
 */
#ifndef FUSE_H_
#define FUSE_H_

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 26
#endif
#if FUSE_USE_VERSION < 26
#error "fsp's libfuse 2 supports FUSE_USE_VERSION 26 to 29 only"
#endif

#include "fuse_common.h"

#include <fcntl.h>
#include <time.h>
#include <utime.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One mounted file system (opaque). */
struct fuse;
/* Old commands interface: not offered (opaque). */
struct fuse_cmd;

/*
 * readdir's filler: off is 0 when the whole directory is listed in one
 * call, else the offset of the next entry.  1 when the buffer is full.
 */
typedef int (*fuse_fill_dir_t) (void *buf, const char *name,
				const struct stat *stbuf, off_t off);

/* getdir's (deprecated) filler: type is the DT_ value, as in dirent. */
typedef struct fuse_dirhandle *fuse_dirh_t;
typedef int (*fuse_dirfil_t) (fuse_dirh_t h, const char *name, int type,
			      ino_t ino);

/*
 * The callbacks, all optional; each returns 0 (or a count where said)
 * or -errno.  Member order, and the flag bits after bmap, are the ABI.
 */
struct fuse_operations {
	int (*getattr) (const char *, struct stat *);
	int (*readlink) (const char *, char *, size_t);
	/* Deprecated: used only without readdir */
	int (*getdir) (const char *, fuse_dirh_t, fuse_dirfil_t);
	int (*mknod) (const char *, mode_t, dev_t);
	int (*mkdir) (const char *, mode_t);
	int (*unlink) (const char *);
	int (*rmdir) (const char *);
	int (*symlink) (const char *, const char *);
	int (*rename) (const char *, const char *);
	int (*link) (const char *, const char *);
	int (*chmod) (const char *, mode_t);
	int (*chown) (const char *, uid_t, gid_t);
	int (*truncate) (const char *, off_t);
	/* Deprecated: used only without utimens */
	int (*utime) (const char *, struct utimbuf *);
	int (*open) (const char *, struct fuse_file_info *);
	int (*read) (const char *, char *, size_t, off_t,
		     struct fuse_file_info *);
	int (*write) (const char *, const char *, size_t, off_t,
		      struct fuse_file_info *);
	int (*statfs) (const char *, struct statvfs *);
	int (*flush) (const char *, struct fuse_file_info *);
	int (*release) (const char *, struct fuse_file_info *);
	int (*fsync) (const char *, int, struct fuse_file_info *);
	int (*setxattr) (const char *, const char *, const char *, size_t, int);
	int (*getxattr) (const char *, const char *, char *, size_t);
	int (*listxattr) (const char *, char *, size_t);
	int (*removexattr) (const char *, const char *);
	int (*opendir) (const char *, struct fuse_file_info *);
	int (*readdir) (const char *, void *, fuse_fill_dir_t, off_t,
			struct fuse_file_info *);
	int (*releasedir) (const char *, struct fuse_file_info *);
	int (*fsyncdir) (const char *, int, struct fuse_file_info *);
	/* The result becomes fuse_get_context()->private_data */
	void *(*init) (struct fuse_conn_info *conn);
	void (*destroy) (void *);
	int (*access) (const char *, int);
	int (*create) (const char *, mode_t, struct fuse_file_info *);
	/* Preferred over truncate/getattr when the file is open */
	int (*ftruncate) (const char *, off_t, struct fuse_file_info *);
	int (*fgetattr) (const char *, struct stat *, struct fuse_file_info *);
	int (*lock) (const char *, struct fuse_file_info *, int cmd,
		     struct flock *);
	/* tv_nsec may be UTIME_NOW or UTIME_OMIT with flag_utime_omit_ok */
	int (*utimens) (const char *, const struct timespec tv[2]);
	int (*bmap) (const char *, size_t blocksize, uint64_t *idx);
	/* Operations on open files accept a NULL path (unlinked files) */
	unsigned int flag_nullpath_ok:1;
	/* ... and need none at all */
	unsigned int flag_nopath:1;
	/* utimens understands UTIME_NOW and UTIME_OMIT */
	unsigned int flag_utime_omit_ok:1;
	unsigned int flag_reserved:29;
	int (*ioctl) (const char *, int cmd, void *arg,
		      struct fuse_file_info *, unsigned int flags, void *data);
	int (*poll) (const char *, struct fuse_file_info *,
		     struct fuse_pollhandle *ph, unsigned *reventsp);
	int (*write_buf) (const char *, struct fuse_bufvec *buf, off_t off,
			  struct fuse_file_info *);
	int (*read_buf) (const char *, struct fuse_bufvec **bufp,
			 size_t size, off_t off, struct fuse_file_info *);
	int (*flock) (const char *, struct fuse_file_info *, int op);
	int (*fallocate) (const char *, int, off_t, off_t,
			  struct fuse_file_info *);
};

/* Who made the request being served (fuse_get_context). */
struct fuse_context {
	struct fuse *fuse;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	/* What init returned, or the user_data of fuse_new/fuse_main */
	void *private_data;
	mode_t umask;
};

/*
 * Parse the command line, mount, serve until unmounted or signalled,
 * unmount.  0 on success, 1 on failure.
 */
#define fuse_main(argc, argv, op, user_data)				\
	fuse_main_real(argc, argv, op, sizeof(*(op)), user_data)

int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op,
		   size_t op_size, void *user_data);

/* A file system on ch (from fuse_mount) with the library options in
 * args; NULL after a message on failure. */
struct fuse *fuse_new(struct fuse_chan *ch, struct fuse_args *args,
		      const struct fuse_operations *op, size_t op_size,
		      void *user_data);
/* Also calls destroy if init ran. */
void fuse_destroy(struct fuse *f);

/* Serve in this thread / in a pool until unmounted or fuse_exit; 0 or
 * -1. */
int fuse_loop(struct fuse *f);
int fuse_loop_mt(struct fuse *f);
void fuse_exit(struct fuse *f);
/* 1 once the loop was asked to end. */
int fuse_exited(struct fuse *f);

struct fuse_context *fuse_get_context(void);
int fuse_getgroups(int size, gid_t list[]);
int fuse_interrupted(void);
/* Obsolete in 2.9 as well: -EINVAL. */
int fuse_invalidate(struct fuse *f, const char *path);
/* 1 if opt is one of the high-level library's -o options. */
int fuse_is_lib_option(const char *opt);

/* Tell the kernel the file of ph is ready (poll); 0 or -errno. */
int fuse_notify_poll(struct fuse_pollhandle *ph);

/* fuse_main in pieces: parse, mount, new, daemonize, signals ... */
struct fuse *fuse_setup(int argc, char *argv[],
			const struct fuse_operations *op, size_t op_size,
			char **mountpoint, int *multithreaded,
			void *user_data);
/* ... and back: signals, unmount, destroy, free(mountpoint). */
void fuse_teardown(struct fuse *fuse, char *mountpoint);

/* The session, for fuse_set_signal_handlers. */
struct fuse_session *fuse_get_session(struct fuse *f);

/* -o remember's cleanup thread. */
int fuse_start_cleanup_thread(struct fuse *fuse);
void fuse_stop_cleanup_thread(struct fuse *fuse);
int fuse_clean_cache(struct fuse *fuse);

#ifdef __cplusplus
}
#endif

#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(sizeof(struct fuse_operations) == 45 * sizeof(void *),
	       "fuse_operations 2.9");
_Static_assert(sizeof(struct fuse_context) == 40, "fuse_context");
#endif

#endif
