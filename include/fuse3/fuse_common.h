/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 declarations shared by the high- and low-level APIs (fsp's
 * libfuse compatibility layer; the text is fsp's, the names, values and
 * layouts are libfuse 3.14's, which is what binary compatibility needs).
 *
 * Include <fuse_lowlevel.h> (or <fuse.h>), not this file.
 */
#if !defined(FUSE_H_) && !defined(FUSE_LOWLEVEL_H_)
#error "Include <fuse_lowlevel.h> or <fuse.h>, not <fuse_common.h>."
#endif

#ifndef FUSE_COMMON_H_
#define FUSE_COMMON_H_

/* libfuse's own examples and tests are built with this (their build's
 * HAVE_* settings), as libfuse 3.17's header does. */
#ifdef HAVE_LIBFUSE_PRIVATE_CONFIG_H
#include "fuse_config.h"
#endif
#include "libfuse_config.h"
#include "fuse_opt.h"
#include "fuse_log.h"
#include <stdint.h>
#include <sys/types.h>
#if FSP_FUSE_ABI >= 318
#include <stdbool.h>
#endif

/* The libfuse version whose API and ABI this is (libfuse_config.h). */
#define FUSE_MAJOR_VERSION 3
#if FSP_FUSE_ABI >= 318
#define FUSE_MINOR_VERSION 18
#define FUSE_HOTFIX_VERSION 3
#else
#define FUSE_MINOR_VERSION 14
#define FUSE_HOTFIX_VERSION 0
#endif

#define FUSE_MAKE_VERSION(maj, min)  ((maj) * 100 + (min))
#define FUSE_VERSION FUSE_MAKE_VERSION(FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION)

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Per-open-file state passed to open, read, write, release and friends.
 * 3.14: the flags word is 8 one-bit fields and 24 bits of padding, then
 * 32 more bits of padding: 8 bytes before fh (40 bytes in all).  3.18:
 * two more flags, one more padding word, and a backing id, compatibility
 * flags and two reserved words after poll_events (64 bytes).
 */
struct fuse_file_info {
	/* open(2) flags; in open, create, release and the I/O calls */
	int flags;

	/* The write comes from the page cache (writeback), not a caller */
	unsigned int writepage : 1;
	/* Set by open: bypass the page cache for this file */
	unsigned int direct_io : 1;
	/* Set by open: keep cached data from earlier opens */
	unsigned int keep_cache : 1;
	/* The release or lock comes with a flush */
	unsigned int flush : 1;
	/* Set by open: the file is not seekable */
	unsigned int nonseekable : 1;
	/* In release: drop this owner's flock locks */
	unsigned int flock_release : 1;
	/* Set by opendir: the kernel may cache the directory's entries */
	unsigned int cache_readdir : 1;
	/* Set by open: no FLUSH on close */
	unsigned int noflush : 1;
#if FSP_FUSE_ABI >= 318
	/* Set by open: concurrent direct writes to this file are fine */
	unsigned int parallel_direct_writes : 1;
	/* In create, open, write: the kernel wants set-user/group-ID gone */
	unsigned int kill_suidgid : 1;
	unsigned int padding : 22;
	unsigned int padding2 : 32;
	unsigned int padding3 : 32;
#else
	unsigned int padding : 24;
	unsigned int padding2 : 32;
#endif

	/* The file system's handle, set by open/create/opendir */
	uint64_t fh;
	/* Lock owner id, in flush, release, locks and some writes */
	uint64_t lock_owner;
	/* Events asked for, in poll */
	uint32_t poll_events;
#if FSP_FUSE_ABI >= 318
	/* Set by open: the id fuse_passthrough_open() returned */
	int32_t backing_id;
	/* For the library's own use */
	uint64_t compat_flags;
	uint64_t reserved[2];
#endif
};

/*
 * Multi-threaded loop settings.  Before API 3.12 this is a plain struct
 * the program fills; from 3.12 on it is opaque (fuse_loop_cfg_create()
 * and the setters below) and the old layout is fuse_loop_config_v1.
 */
#if FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
struct fuse_loop_config_v1;
struct fuse_loop_config {
#else
struct fuse_loop_config_v1 {
#endif
	/* Give each thread its own /dev/fuse descriptor */
	int clone_fd;
	/* Idle threads beyond this many exit */
	unsigned int max_idle_threads;
};

/* Capability bits of fuse_conn_info.capable and .want (libfuse's
 * numbering, which is not always the kernel's). */
#define FUSE_CAP_ASYNC_READ		(1 << 0)
#define FUSE_CAP_POSIX_LOCKS		(1 << 1)
#define FUSE_CAP_ATOMIC_O_TRUNC		(1 << 3)
#define FUSE_CAP_EXPORT_SUPPORT		(1 << 4)
#define FUSE_CAP_DONT_MASK		(1 << 6)
#define FUSE_CAP_SPLICE_WRITE		(1 << 7)
#define FUSE_CAP_SPLICE_MOVE		(1 << 8)
#define FUSE_CAP_SPLICE_READ		(1 << 9)
#define FUSE_CAP_FLOCK_LOCKS		(1 << 10)
#define FUSE_CAP_IOCTL_DIR		(1 << 11)
#define FUSE_CAP_AUTO_INVAL_DATA	(1 << 12)
#define FUSE_CAP_READDIRPLUS		(1 << 13)
#define FUSE_CAP_READDIRPLUS_AUTO	(1 << 14)
#define FUSE_CAP_ASYNC_DIO		(1 << 15)
#define FUSE_CAP_WRITEBACK_CACHE	(1 << 16)
#define FUSE_CAP_NO_OPEN_SUPPORT	(1 << 17)
#define FUSE_CAP_PARALLEL_DIROPS	(1 << 18)
#define FUSE_CAP_POSIX_ACL		(1 << 19)
#define FUSE_CAP_HANDLE_KILLPRIV	(1 << 20)
#define FUSE_CAP_CACHE_SYMLINKS		(1 << 23)
#define FUSE_CAP_NO_OPENDIR_SUPPORT	(1 << 24)
#define FUSE_CAP_EXPLICIT_INVAL_DATA	(1 << 25)
#define FUSE_CAP_EXPIRE_ONLY		(1 << 26)
#if FSP_FUSE_ABI >= 318
#define FUSE_CAP_HANDLE_KILLPRIV_V2	(1UL << 21)
#define FUSE_CAP_SETXATTR_EXT		(1UL << 27)
#define FUSE_CAP_DIRECT_IO_ALLOW_MMAP	(1UL << 28)
#define FUSE_CAP_PASSTHROUGH		(1UL << 29)
#define FUSE_CAP_NO_EXPORT_SUPPORT	(1UL << 30)
#define FUSE_CAP_OVER_IO_URING		(1UL << 31)
#endif

/* ioctl flags as the ioctl handler sees them */
#define FUSE_IOCTL_COMPAT	(1 << 0)
#define FUSE_IOCTL_UNRESTRICTED	(1 << 1)
#define FUSE_IOCTL_RETRY	(1 << 2)
#define FUSE_IOCTL_DIR		(1 << 4)

#define FUSE_IOCTL_MAX_IOV	256

/*
 * The connection, as the init handler sees it: what the kernel offers
 * (capable) and what the file system wants, plus limits it may lower.
 */
struct fuse_conn_info {
	unsigned proto_major;
	unsigned proto_minor;
	unsigned max_write;
	unsigned max_read;
	unsigned max_readahead;
	unsigned capable;
	unsigned want;
	unsigned max_background;
	unsigned congestion_threshold;
	unsigned time_gran;
#if FSP_FUSE_ABI >= 318
#define FUSE_BACKING_STACKED_UNDER	(0)
#define FUSE_BACKING_STACKED_OVER	(1)
	/* How deep backing (passthrough) files may stack */
	uint32_t max_backing_stack_depth;
	/* Set by init: never send INTERRUPT */
	uint32_t no_interrupt : 1;
	uint32_t padding : 31;
	/* All capabilities, 64 bits: capable/want are their low 32 bits */
	uint64_t capable_ext;
	uint64_t want_ext;
	/* Set by init: seconds after which the kernel aborts a request
	 * the file system has not answered (0: never) */
	uint16_t request_timeout;
	uint16_t reserved[31];
#else
	/* Room for later fields without changing the size */
	unsigned reserved[22];
#endif
};

struct fuse_session;
struct fuse_pollhandle;
struct fuse_conn_info_opts;

/*
 * Parse the connection options ("max_write=N", "async_read",
 * "writeback_cache", ...) out of args, for fuse_apply_conn_info_opts()
 * to apply in init.  NULL on error.
 */
struct fuse_conn_info_opts *fuse_parse_conn_info_opts(struct fuse_args *args);
void fuse_apply_conn_info_opts(struct fuse_conn_info_opts *opts,
			       struct fuse_conn_info *conn);

/* Go to the background unless foreground; 0 or -1. */
int fuse_daemonize(int foreground);

/* FUSE_VERSION of the library, and its package version string. */
int fuse_version(void);
const char *fuse_pkgversion(void);

/* Free a poll handle the poll handler kept. */
void fuse_pollhandle_destroy(struct fuse_pollhandle *ph);

/* ---- Data buffers ------------------------------------------------- */

enum fuse_buf_flags {
	/* The data is in file descriptor fd, not in mem */
	FUSE_BUF_IS_FD		= (1 << 1),
	/* Read or write fd at pos, not at its current offset */
	FUSE_BUF_FD_SEEK	= (1 << 2),
	/* Retry short reads and writes until done or EOF */
	FUSE_BUF_FD_RETRY	= (1 << 3)
};

enum fuse_buf_copy_flags {
	FUSE_BUF_NO_SPLICE	 = (1 << 1),
	FUSE_BUF_FORCE_SPLICE	 = (1 << 2),
	FUSE_BUF_SPLICE_MOVE	 = (1 << 3),
	FUSE_BUF_SPLICE_NONBLOCK = (1 << 4)
};

/* One piece of data, in memory or behind a file descriptor. */
struct fuse_buf {
	size_t size;
	enum fuse_buf_flags flags;
	void *mem;
	int fd;
	off_t pos;
#if FSP_FUSE_ABI >= 318
	/* Bytes allocated at mem (the library's receive buffers) */
	size_t mem_size;
#endif
};

/* A list of buffers and a cursor (buffer idx, byte off) into it.  The
 * array really has `count` entries. */
struct fuse_bufvec {
	size_t count;
	size_t idx;
	size_t off;
	struct fuse_buf buf[1];
};

#if FSP_FUSE_ABI >= 318
/* The libfuse version a program was built with (fuse_session_new(),
 * fuse_new() and fuse_main() pass it). */
struct libfuse_version {
	uint32_t major;
	uint32_t minor;
	uint32_t hotfix;
	uint32_t padding;
};
#endif

/* A one-buffer vector of size__ bytes, memory not yet set. */
#if FSP_FUSE_ABI >= 318
#define FUSE_BUFVEC_INIT(size__)					\
	((struct fuse_bufvec) {						\
		1, 0, 0,						\
		{ { (size__), (enum fuse_buf_flags) 0, NULL, -1, 0, 0 } } \
	})
#else
#define FUSE_BUFVEC_INIT(size__)					\
	((struct fuse_bufvec) {						\
		1, 0, 0,						\
		{ { (size__), (enum fuse_buf_flags) 0, NULL, -1, 0 } }	\
	})
#endif

/* Bytes in the vector. */
size_t fuse_buf_size(const struct fuse_bufvec *bufv);

/* Copy from src to dst, advancing both cursors; bytes copied or -errno. */
ssize_t fuse_buf_copy(struct fuse_bufvec *dst, struct fuse_bufvec *src,
		      enum fuse_buf_copy_flags flags);

/* ---- Signals -------------------------------------------------------- */

/* SIGINT, SIGTERM, SIGHUP end se's loop; SIGPIPE is ignored.  0 or -1. */
int fuse_set_signal_handlers(struct fuse_session *se);
void fuse_remove_signal_handlers(struct fuse_session *se);
#if FSP_FUSE_ABI >= 318
/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT: print a backtrace and exit,
 * where they are at their default action.  0 or -1. */
int fuse_set_fail_signal_handlers(struct fuse_session *se);
#endif

/* ---- Loop configuration (API 3.12) -------------------------------- */

struct fuse_loop_config *fuse_loop_cfg_create(void);
void fuse_loop_cfg_destroy(struct fuse_loop_config *config);
void fuse_loop_cfg_set_idle_threads(struct fuse_loop_config *config,
				    unsigned int value);
void fuse_loop_cfg_set_max_threads(struct fuse_loop_config *config,
				   unsigned int value);
void fuse_loop_cfg_set_clone_fd(struct fuse_loop_config *config,
				unsigned int value);
/* Copy an old-style configuration into config. */
void fuse_loop_cfg_convert(struct fuse_loop_config *config,
			   struct fuse_loop_config_v1 *v1_conf);

#if FSP_FUSE_ABI >= 318
/* ---- 64-bit capabilities (want_ext) ---------------------------------- */

/* Ask for flag (a FUSE_CAP_*) if the kernel offers it: true if it does. */
bool fuse_set_feature_flag(struct fuse_conn_info *conn, uint64_t flag);
void fuse_unset_feature_flag(struct fuse_conn_info *conn, uint64_t flag);
/* Whether flag is asked for. */
bool fuse_get_feature_flag(struct fuse_conn_info *conn, uint64_t flag);
/* Fold a program's changes to the 32-bit want into want_ext; 0, or -EINVAL
 * when want_ext's low half was changed as well.  For libfuse's tests. */
int fuse_convert_to_conn_want_ext(struct fuse_conn_info *conn);
#endif

#if !defined(FUSE_USE_VERSION) || FUSE_USE_VERSION < 30
#error only API version 30 or greater is supported
#endif

#ifdef __cplusplus
}
#endif

/* The library is built with a 64-bit off_t; so must its callers be. */
#if defined(__GNUC__) && !defined(__cplusplus)
_Static_assert(sizeof(off_t) == 8, "fuse: off_t must be 64bit");
#endif

/* libfuse's sizes on x86_64 and aarch64 (both LP64, the same alignment
 * rules): a mismatch is an ABI break.  tests/compat/run.sh and
 * tests/arm64.sh compare every offset with Debian's headers (3.14), and
 * tests/compat/abi318.sh with libfuse 3.18's. */
#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__) && \
    !defined(__cplusplus)
#if FSP_FUSE_ABI >= 318
_Static_assert(sizeof(struct fuse_file_info) == 64, "fuse_file_info ABI");
_Static_assert(sizeof(struct fuse_buf) == 48, "fuse_buf ABI");
_Static_assert(sizeof(struct fuse_bufvec) == 72, "fuse_bufvec ABI");
_Static_assert(sizeof(struct libfuse_version) == 16, "libfuse_version ABI");
#else
_Static_assert(sizeof(struct fuse_file_info) == 40, "fuse_file_info ABI");
_Static_assert(sizeof(struct fuse_buf) == 40, "fuse_buf ABI");
_Static_assert(sizeof(struct fuse_bufvec) == 64, "fuse_bufvec ABI");
#endif
_Static_assert(sizeof(struct fuse_conn_info) == 128, "fuse_conn_info ABI");
_Static_assert(sizeof(struct fuse_args) == 24, "fuse_args ABI");
_Static_assert(sizeof(struct fuse_opt) == 24, "fuse_opt ABI");
#if FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
_Static_assert(sizeof(struct fuse_loop_config) == 8, "fuse_loop_config ABI");
#else
_Static_assert(sizeof(struct fuse_loop_config_v1) == 8, "loop_config_v1 ABI");
#endif
#endif

#endif /* FUSE_COMMON_H_ */
