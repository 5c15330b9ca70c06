/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 2.9 common definitions, fsp's libfuse compatibility layer
 * (libfuse.so.2).  Names, values and layouts are libfuse 2.9's, since
 * compiled programs depend on them; the text is fsp's.  The layouts are
 * pinned below and compared with Debian's headers by
 * tests/compat/abi2_layout.c.
 */
#ifndef FUSE_COMMON_H_
#define FUSE_COMMON_H_

#include "fuse_opt.h"
#include <stdint.h>
#include <sys/types.h>

/* The API version of this library: 2.9. */
#define FUSE_MAJOR_VERSION 2
#define FUSE_MINOR_VERSION 9
#define FUSE_MAKE_VERSION(maj, min) ((maj) * 10 + (min))
#define FUSE_VERSION FUSE_MAKE_VERSION(FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION)

/* libfuse 2 only exists with 64-bit off_t: the struct layouts use it. */
#if !defined(_FILE_OFFSET_BITS) || _FILE_OFFSET_BITS != 64
#if !defined(__LP64__) && !defined(_LP64)
#error Please add -D_FILE_OFFSET_BITS=64 to the compiler options
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* One open file or directory: set by open/create/opendir, seen by the
 * later calls on it.  Member order and bit positions are the ABI. */
struct fuse_file_info {
	/* open(2) flags */
	int flags;
	/* Unused since 2.x, kept for the layout */
	unsigned long fh_old;
	/* A write from the page cache (writepage) */
	int writepage;
	/* open may set these: bypass the page cache, keep it, no seeks */
	unsigned int direct_io : 1;
	unsigned int keep_cache : 1;
	/* flush or release on behalf of a close(2) */
	unsigned int flush : 1;
	unsigned int nonseekable : 1;
	/* release: drop the flock locks of lock_owner */
	unsigned int flock_release : 1;
	unsigned int padding : 27;
	/* The file system's handle */
	uint64_t fh;
	uint64_t lock_owner;
};

/* What the kernel offers (capable) and the file system asks (want). */
#define FUSE_CAP_ASYNC_READ	(1 << 0)
#define FUSE_CAP_POSIX_LOCKS	(1 << 1)
#define FUSE_CAP_ATOMIC_O_TRUNC	(1 << 3)
#define FUSE_CAP_EXPORT_SUPPORT	(1 << 4)
#define FUSE_CAP_BIG_WRITES	(1 << 5)
#define FUSE_CAP_DONT_MASK	(1 << 6)
#define FUSE_CAP_SPLICE_WRITE	(1 << 7)
#define FUSE_CAP_SPLICE_MOVE	(1 << 8)
#define FUSE_CAP_SPLICE_READ	(1 << 9)
#define FUSE_CAP_FLOCK_LOCKS	(1 << 10)
#define FUSE_CAP_IOCTL_DIR	(1 << 11)

/* ioctl flags */
#define FUSE_IOCTL_COMPAT	(1 << 0)
#define FUSE_IOCTL_UNRESTRICTED	(1 << 1)
#define FUSE_IOCTL_RETRY	(1 << 2)
#define FUSE_IOCTL_DIR		(1 << 4)
#define FUSE_IOCTL_MAX_IOV	256

/* The connection, as init sees it.  Member order is the ABI. */
struct fuse_conn_info {
	unsigned proto_major;
	unsigned proto_minor;
	unsigned async_read;
	unsigned max_write;
	unsigned max_readahead;
	unsigned capable;
	unsigned want;
	unsigned max_background;
	unsigned congestion_threshold;
	unsigned reserved[23];
};

struct fuse_session;
struct fuse_chan;
struct fuse_pollhandle;

/*
 * Mount mountpoint with the mount options (-o) in args: a channel for
 * fuse_new or fuse_session_add_chan, or NULL (said on stderr).  args is
 * left as it is.  fuse_unmount unmounts and frees the channel.
 */
struct fuse_chan *fuse_mount(const char *mountpoint, struct fuse_args *args);
void fuse_unmount(const char *mountpoint, struct fuse_chan *ch);

/*
 * The generic options: -h, -V, -d, -f, -s and the mount point (strdup'd
 * into *mountpoint).  Each out pointer may be NULL.  0 or -1.
 */
int fuse_parse_cmdline(struct fuse_args *args, char **mountpoint,
		       int *multithreaded, int *foreground);

/* Detach into the background unless foreground; 0 or -1. */
int fuse_daemonize(int foreground);

/* FUSE_VERSION of the library: 29. */
int fuse_version(void);

/* ---- Data buffers (the same as libfuse 3's) ----------------------- */

enum fuse_buf_flags {
	FUSE_BUF_IS_FD		= (1 << 1),
	FUSE_BUF_FD_SEEK	= (1 << 2),
	FUSE_BUF_FD_RETRY	= (1 << 3),
};

enum fuse_buf_copy_flags {
	FUSE_BUF_NO_SPLICE	= (1 << 1),
	FUSE_BUF_FORCE_SPLICE	= (1 << 2),
	FUSE_BUF_SPLICE_MOVE	= (1 << 3),
	FUSE_BUF_SPLICE_NONBLOCK= (1 << 4),
};

/* Memory (mem) or a descriptor (fd, at pos with FUSE_BUF_FD_SEEK). */
struct fuse_buf {
	size_t size;
	enum fuse_buf_flags flags;
	void *mem;
	int fd;
	off_t pos;
};

/* A list of buffers; idx/off say where copying has got to. */
struct fuse_bufvec {
	size_t count;
	size_t idx;
	size_t off;
	struct fuse_buf buf[1];
};

#define FUSE_BUFVEC_INIT(size__)				\
	((struct fuse_bufvec) {					\
		/* .count= */ 1,				\
		/* .idx =  */ 0,				\
		/* .off =  */ 0,				\
		/* .buf =  */ { /* [0] = */ {			\
			/* .size =  */ (size__),		\
			/* .flags = */ (enum fuse_buf_flags) 0,	\
			/* .mem =   */ NULL,			\
			/* .fd =    */ -1,			\
			/* .pos =   */ 0,			\
		} }						\
	} )

/* Total size of bufv. */
size_t fuse_buf_size(const struct fuse_bufvec *bufv);
/* Copy src to dst; bytes copied or -errno. */
ssize_t fuse_buf_copy(struct fuse_bufvec *dst, struct fuse_bufvec *src,
		      enum fuse_buf_copy_flags flags);

/* A poll handle given to the poll callback: wake the poller, free it. */
void fuse_pollhandle_destroy(struct fuse_pollhandle *ph);

/* ---- Signals ------------------------------------------------------ */

/* SIGHUP, SIGINT, SIGTERM end se's loop (if still at their default
 * action); SIGPIPE is ignored.  0 or -1. */
int fuse_set_signal_handlers(struct fuse_session *se);
void fuse_remove_signal_handlers(struct fuse_session *se);

#ifdef __cplusplus
}
#endif

#if defined(__x86_64__) || defined(__aarch64__)
/* The 64-bit layouts of libfuse 2.9 (what Debian's binaries use). */
_Static_assert(sizeof(struct fuse_file_info) == 40, "fuse_file_info");
_Static_assert(sizeof(struct fuse_conn_info) == 128, "fuse_conn_info");
_Static_assert(sizeof(struct fuse_buf) == 40, "fuse_buf");
#endif

#endif
