/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp's own description of the FUSE kernel wire protocol, 7.1 through
 * 7.45 (the level Linux 6.18 speaks).
 *
 * Shape of the conversation on /dev/fuse: every request the kernel hands
 * us is one read(2) holding a struct wire_in_header followed by a body
 * whose layout depends on in_header.opcode (often a fixed struct, then
 * zero or more NUL-terminated names or raw data).  in_header.unique
 * identifies the request; the reply is one write(2) of a struct
 * wire_out_header carrying the same unique, the total length, and error =
 * 0 followed by the opcode's reply body, or error = a negative errno with
 * no body.  FORGET and BATCH_FORGET get no reply at all.  The server may
 * also write unsolicited notifications: those have unique = 0 and carry
 * the notify code (enum wire_notify_code) in the error field, followed by
 * the matching *_out struct.  The kernel answers a RETRIEVE notification
 * with a NOTIFY_REPLY request.
 *
 * Names follow the kernel's with fuse_/FUSE_ replaced by fsp_/FSP_ so
 * that anyone holding include/uapi/linux/fuse.h can map one onto the
 * other; numbers and layouts are the kernel ABI and must not be changed.
 * Nearly every struct is padded to a multiple of 8 bytes so that 32-
 * and 64-bit servers see one layout; the size checks at the bottom pin
 * each struct to the kernel's size.
 */
#ifndef FSP_KERNEL_WIRE_H
#define FSP_KERNEL_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* ------------------------------------------------------------------ */
/* Versions and fixed numbers                                          */
/* ------------------------------------------------------------------ */

/*
 * INIT negotiation: both sides state their version; with equal majors
 * both use the smaller minor.  If the kernel's major is larger we answer
 * with ours and wait for a fresh INIT.
 */
#define WIRE_KERNEL_VERSION        7
#define WIRE_KERNEL_MINOR_VERSION  45

/* Node id the kernel uses for the mount's root directory. */
#define WIRE_ROOT_ID 1

/* A read on /dev/fuse with a smaller buffer fails with EINVAL. */
#define WIRE_MIN_READ_BUFFER 8192

/* Reply sizes older minors expect; trim replies to these for them. */
#define WIRE_COMPAT_ENTRY_OUT_SIZE     120  /* before 7.9 (no blksize) */
#define WIRE_COMPAT_ATTR_OUT_SIZE      96   /* before 7.9 */
#define WIRE_COMPAT_MKNOD_IN_SIZE      8    /* before 7.12 (no umask) */
#define WIRE_COMPAT_WRITE_IN_SIZE      24   /* before 7.9 */
#define WIRE_COMPAT_STATFS_SIZE        48   /* before 7.4 (no frsize) */
#define WIRE_COMPAT_SETXATTR_IN_SIZE   8    /* without WIRE_SETXATTR_EXT */
#define WIRE_COMPAT_INIT_OUT_SIZE      8    /* before 7.5 */
#define WIRE_COMPAT_22_INIT_OUT_SIZE   24   /* before 7.23 */

/* ------------------------------------------------------------------ */
/* Flag bits                                                           */
/* ------------------------------------------------------------------ */

/* wire_setattr_in.valid: which fields of the request are meaningful. */
#define WIRE_FATTR_MODE          (1 << 0)
#define WIRE_FATTR_UID           (1 << 1)
#define WIRE_FATTR_GID           (1 << 2)
#define WIRE_FATTR_SIZE          (1 << 3)
#define WIRE_FATTR_ATIME         (1 << 4)
#define WIRE_FATTR_MTIME         (1 << 5)
#define WIRE_FATTR_FH            (1 << 6)
#define WIRE_FATTR_ATIME_NOW     (1 << 7)
#define WIRE_FATTR_MTIME_NOW     (1 << 8)
#define WIRE_FATTR_LOCKOWNER     (1 << 9)
#define WIRE_FATTR_CTIME         (1 << 10)
#define WIRE_FATTR_KILL_SUIDGID  (1 << 11)

/* wire_open_out.open_flags: how the kernel should treat the open file. */
#define WIRE_FOPEN_DIRECT_IO              (1 << 0)
#define WIRE_FOPEN_KEEP_CACHE             (1 << 1)
#define WIRE_FOPEN_NONSEEKABLE            (1 << 2)
#define WIRE_FOPEN_CACHE_DIR              (1 << 3)
#define WIRE_FOPEN_STREAM                 (1 << 4)
#define WIRE_FOPEN_NOFLUSH                (1 << 5)
#define WIRE_FOPEN_PARALLEL_DIRECT_WRITES (1 << 6)
#define WIRE_FOPEN_PASSTHROUGH            (1 << 7)   /* needs backing_id */

/*
 * INIT capability bits.  Bits 0..31 travel in init_in/out.flags; bits
 * 32..63 travel in flags2 (shifted down by 32) and are only looked at
 * when WIRE_INIT_EXT is set.  Written as one 64-bit space so callers can
 * combine flags | (uint64_t)flags2 << 32.
 */
#define WIRE_ASYNC_READ            (1 << 0)
#define WIRE_POSIX_LOCKS           (1 << 1)
#define WIRE_FILE_OPS              (1 << 2)
#define WIRE_ATOMIC_O_TRUNC        (1 << 3)
#define WIRE_EXPORT_SUPPORT        (1 << 4)
#define WIRE_BIG_WRITES            (1 << 5)
#define WIRE_DONT_MASK             (1 << 6)
#define WIRE_SPLICE_WRITE          (1 << 7)
#define WIRE_SPLICE_MOVE           (1 << 8)
#define WIRE_SPLICE_READ           (1 << 9)
#define WIRE_FLOCK_LOCKS           (1 << 10)
#define WIRE_HAS_IOCTL_DIR         (1 << 11)
#define WIRE_AUTO_INVAL_DATA       (1 << 12)
#define WIRE_DO_READDIRPLUS        (1 << 13)
#define WIRE_READDIRPLUS_AUTO      (1 << 14)
#define WIRE_ASYNC_DIO             (1 << 15)
#define WIRE_WRITEBACK_CACHE       (1 << 16)
#define WIRE_NO_OPEN_SUPPORT       (1 << 17)
#define WIRE_PARALLEL_DIROPS       (1 << 18)
#define WIRE_HANDLE_KILLPRIV       (1 << 19)
#define WIRE_POSIX_ACL             (1 << 20)
#define WIRE_ABORT_ERROR           (1 << 21)
#define WIRE_MAX_PAGES             (1 << 22)
#define WIRE_CACHE_SYMLINKS        (1 << 23)
#define WIRE_NO_OPENDIR_SUPPORT    (1 << 24)
#define WIRE_EXPLICIT_INVAL_DATA   (1 << 25)
#define WIRE_MAP_ALIGNMENT         (1 << 26)
#define WIRE_SUBMOUNTS             (1 << 27)
#define WIRE_HANDLE_KILLPRIV_V2    (1 << 28)
#define WIRE_SETXATTR_EXT          (1 << 29)
#define WIRE_INIT_EXT              (1 << 30)
/* Same bit as the kernel's (1 << 31); unsigned here to stay defined C. */
#define WIRE_INIT_RESERVED         (1U << 31)
#define WIRE_SECURITY_CTX          (1ULL << 32)
#define WIRE_HAS_INODE_DAX         (1ULL << 33)
#define WIRE_CREATE_SUPP_GROUP     (1ULL << 34)
#define WIRE_HAS_EXPIRE_ONLY       (1ULL << 35)
#define WIRE_DIRECT_IO_ALLOW_MMAP  (1ULL << 36)
#define WIRE_PASSTHROUGH           (1ULL << 37)
#define WIRE_NO_EXPORT_SUPPORT     (1ULL << 38)
#define WIRE_HAS_RESEND            (1ULL << 39)
#define WIRE_ALLOW_IDMAP           (1ULL << 40)
#define WIRE_OVER_IO_URING         (1ULL << 41)
#define WIRE_REQUEST_TIMEOUT       (1ULL << 42)

/* Older spelling the kernel still keeps for bit 36. */
#define WIRE_DIRECT_IO_RELAX       WIRE_DIRECT_IO_ALLOW_MMAP

/* CUSE_INIT capability bits. */
#define WIRE_CUSE_UNRESTRICTED_IOCTL (1 << 0)

/* wire_release_in.release_flags */
#define WIRE_RELEASE_FLUSH         (1 << 0)
#define WIRE_RELEASE_FLOCK_UNLOCK  (1 << 1)

/* wire_getattr_in.getattr_flags: fh is valid. */
#define WIRE_GETATTR_FH            (1 << 0)

/* wire_lk_in.lk_flags: the lock is a flock(2) lock, not POSIX. */
#define WIRE_LK_FLOCK              (1 << 0)

/* wire_write_in.write_flags */
#define WIRE_WRITE_CACHE           (1 << 0)   /* writeback; fh is a guess */
#define WIRE_WRITE_LOCKOWNER       (1 << 1)
#define WIRE_WRITE_KILL_SUIDGID    (1 << 2)
#define WIRE_WRITE_KILL_PRIV       WIRE_WRITE_KILL_SUIDGID  /* old name */

/* wire_read_in.read_flags */
#define WIRE_READ_LOCKOWNER        (1 << 1)

/* wire_ioctl_in.flags / wire_ioctl_out.flags */
#define WIRE_IOCTL_COMPAT          (1 << 0)
#define WIRE_IOCTL_UNRESTRICTED    (1 << 1)
#define WIRE_IOCTL_RETRY           (1 << 2)
#define WIRE_IOCTL_32BIT           (1 << 3)
#define WIRE_IOCTL_DIR             (1 << 4)
#define WIRE_IOCTL_COMPAT_X32      (1 << 5)

/* Limit on in_iovs + out_iovs in a retried unrestricted ioctl. */
#define WIRE_IOCTL_MAX_IOV         256

/* wire_poll_in.flags: the kernel wants a NOTIFY_POLL wakeup later. */
#define WIRE_POLL_SCHEDULE_NOTIFY  (1 << 0)

/* wire_fsync_in.fsync_flags */
#define WIRE_FSYNC_FDATASYNC       (1 << 0)

/* wire_attr.flags */
#define WIRE_ATTR_SUBMOUNT         (1 << 0)
#define WIRE_ATTR_DAX              (1 << 1)

/* wire_open_in.open_flags / wire_create_in.open_flags */
#define WIRE_OPEN_KILL_SUIDGID     (1 << 0)

/* wire_setxattr_in.setxattr_flags */
#define WIRE_SETXATTR_ACL_KILL_SGID (1 << 0)

/* wire_notify_inval_entry_out.flags: only expire the dentry, keep it. */
#define WIRE_EXPIRE_ONLY           (1 << 0)

/* Top bit of in_header.unique marks a request the kernel re-sent. */
#define WIRE_UNIQUE_RESEND         (1ULL << 63)

/* in_header.uid/gid when an idmapped mount cannot map the caller. */
#define WIRE_INVALID_UIDGID        ((uint32_t)(-1))

/* DAX window mapping (virtiofs); kept for completeness. */
#define WIRE_SETUPMAPPING_FLAG_WRITE (1ULL << 0)
#define WIRE_SETUPMAPPING_FLAG_READ  (1ULL << 1)

/* Largest CUSE device-info string accepted after cuse_init_out. */
#define WIRE_CUSE_INIT_INFO_MAX    4096

/* ------------------------------------------------------------------ */
/* Opcodes and notification codes                                     */
/* ------------------------------------------------------------------ */

/* in_header.opcode.  Gaps (7, 19) are numbers retired long ago. */
enum wire_opcode {
    WIRE_OP_LOOKUP           = 1,
    WIRE_OP_FORGET           = 2,   /* never answered */
    WIRE_OP_GETATTR          = 3,
    WIRE_OP_SETATTR          = 4,
    WIRE_OP_READLINK         = 5,
    WIRE_OP_SYMLINK          = 6,
    WIRE_OP_MKNOD            = 8,
    WIRE_OP_MKDIR            = 9,
    WIRE_OP_UNLINK           = 10,
    WIRE_OP_RMDIR            = 11,
    WIRE_OP_RENAME           = 12,
    WIRE_OP_LINK             = 13,
    WIRE_OP_OPEN             = 14,
    WIRE_OP_READ             = 15,
    WIRE_OP_WRITE            = 16,
    WIRE_OP_STATFS           = 17,
    WIRE_OP_RELEASE          = 18,
    WIRE_OP_FSYNC            = 20,
    WIRE_OP_SETXATTR         = 21,
    WIRE_OP_GETXATTR         = 22,
    WIRE_OP_LISTXATTR        = 23,
    WIRE_OP_REMOVEXATTR      = 24,
    WIRE_OP_FLUSH            = 25,
    WIRE_OP_INIT             = 26,
    WIRE_OP_OPENDIR          = 27,
    WIRE_OP_READDIR          = 28,
    WIRE_OP_RELEASEDIR       = 29,
    WIRE_OP_FSYNCDIR         = 30,
    WIRE_OP_GETLK            = 31,
    WIRE_OP_SETLK            = 32,
    WIRE_OP_SETLKW           = 33,
    WIRE_OP_ACCESS           = 34,
    WIRE_OP_CREATE           = 35,
    WIRE_OP_INTERRUPT        = 36,
    WIRE_OP_BMAP             = 37,
    WIRE_OP_DESTROY          = 38,
    WIRE_OP_IOCTL            = 39,
    WIRE_OP_POLL             = 40,
    WIRE_OP_NOTIFY_REPLY     = 41,  /* answer to NOTIFY_RETRIEVE */
    WIRE_OP_BATCH_FORGET     = 42,  /* never answered */
    WIRE_OP_FALLOCATE        = 43,
    WIRE_OP_READDIRPLUS      = 44,
    WIRE_OP_RENAME2          = 45,
    WIRE_OP_LSEEK            = 46,
    WIRE_OP_COPY_FILE_RANGE  = 47,
    WIRE_OP_SETUPMAPPING     = 48,
    WIRE_OP_REMOVEMAPPING    = 49,
    WIRE_OP_SYNCFS           = 50,
    WIRE_OP_TMPFILE          = 51,
    WIRE_OP_STATX            = 52,
    WIRE_OP_COPY_FILE_RANGE_64 = 53,

    WIRE_OP_CUSE_INIT        = 4096,

    /*
     * Never sent: INIT and CUSE_INIT as they would read with the wrong
     * byte order, reserved so a byte-swapped peer can be recognised.
     */
    WIRE_OP_CUSE_INIT_BSWAP_RESERVED = 1048576,    /* CUSE_INIT << 8 */
    WIRE_OP_INIT_BSWAP_RESERVED      = 436207616,  /* INIT << 24 */
};

/*
 * Notification codes, carried in out_header.error with unique == 0.
 * The kernel dropped its NOTIFY_CODE_MAX sentinel at 7.45; so do we.
 */
enum wire_notify_code {
    WIRE_NOTIFY_POLL         = 1,
    WIRE_NOTIFY_INVAL_INODE  = 2,
    WIRE_NOTIFY_INVAL_ENTRY  = 3,
    WIRE_NOTIFY_STORE        = 4,
    WIRE_NOTIFY_RETRIEVE     = 5,
    WIRE_NOTIFY_DELETE       = 6,
    WIRE_NOTIFY_RESEND       = 7,   /* no body: re-queue pending requests */
    WIRE_NOTIFY_INC_EPOCH    = 8,   /* no body: stale all cached dentries */
    WIRE_NOTIFY_PRUNE        = 9,
};

/*
 * Types of the request extensions that may trail a request body (their
 * total length is in_header.total_extlen * 8).  Values up to
 * WIRE_MAX_NR_SECCTX are taken by the security-context block, whose
 * header's second word is a count rather than a type.
 */
enum wire_ext_type {
    WIRE_MAX_NR_SECCTX       = 31,
    WIRE_EXT_GROUPS          = 32,
};

/* ------------------------------------------------------------------ */
/* Common pieces                                                       */
/* ------------------------------------------------------------------ */

struct wire_attr {
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;
    uint64_t atime;
    uint64_t mtime;
    uint64_t ctime;
    uint32_t atimensec;
    uint32_t mtimensec;
    uint32_t ctimensec;
    uint32_t mode;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint32_t rdev;
    uint32_t blksize;
    uint32_t flags;          /* WIRE_ATTR_* */
};

/* Mirrors struct statx_timestamp bit for bit. */
struct wire_sx_time {
    int64_t  tv_sec;
    uint32_t tv_nsec;
    int32_t  __reserved;
};

/* Mirrors struct statx bit for bit. */
struct wire_statx {
    uint32_t mask;
    uint32_t blksize;
    uint64_t attributes;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint16_t mode;
    uint16_t __spare0[1];
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributes_mask;
    struct wire_sx_time atime;
    struct wire_sx_time btime;
    struct wire_sx_time ctime;
    struct wire_sx_time mtime;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint64_t __spare2[14];
};

struct wire_kstatfs {
    uint64_t blocks;
    uint64_t bfree;
    uint64_t bavail;
    uint64_t files;
    uint64_t ffree;
    uint32_t bsize;
    uint32_t namelen;
    uint32_t frsize;
    uint32_t padding;
    uint32_t spare[6];
};

struct wire_file_lock {
    uint64_t start;
    uint64_t end;
    uint32_t type;
    uint32_t pid;            /* thread-group id of the lock holder */
};

/* ------------------------------------------------------------------ */
/* Headers                                                             */
/* ------------------------------------------------------------------ */

struct wire_in_header {
    uint32_t len;            /* whole request, header included */
    uint32_t opcode;         /* enum wire_opcode */
    uint64_t unique;
    uint64_t nodeid;
    uint32_t uid;
    uint32_t gid;
    uint32_t pid;
    uint16_t total_extlen;   /* trailing extensions, in 8-byte units */
    uint16_t padding;
};

struct wire_out_header {
    uint32_t len;            /* whole reply, header included */
    int32_t  error;          /* 0, -errno, or a notify code */
    uint64_t unique;         /* request's unique; 0 for notifications */
};

/* ------------------------------------------------------------------ */
/* Request and reply bodies                                            */
/* ------------------------------------------------------------------ */

/* Reply to LOOKUP, MKNOD, MKDIR, SYMLINK, LINK (and part of CREATE). */
struct wire_entry_out {
    uint64_t nodeid;
    uint64_t generation;     /* nodeid+generation unique for fs lifetime */
    uint64_t entry_valid;    /* seconds the name may be cached */
    uint64_t attr_valid;     /* seconds the attributes may be cached */
    uint32_t entry_valid_nsec;
    uint32_t attr_valid_nsec;
    struct wire_attr attr;
};

struct wire_forget_in {
    uint64_t nlookup;
};

struct wire_forget_one {
    uint64_t nodeid;
    uint64_t nlookup;
};

/* Followed by count struct wire_forget_one. */
struct wire_batch_forget_in {
    uint32_t count;
    uint32_t dummy;
};

struct wire_getattr_in {
    uint32_t getattr_flags;  /* WIRE_GETATTR_* */
    uint32_t dummy;
    uint64_t fh;
};

struct wire_attr_out {
    uint64_t attr_valid;
    uint32_t attr_valid_nsec;
    uint32_t dummy;
    struct wire_attr attr;
};

struct wire_statx_in {
    uint32_t getattr_flags;
    uint32_t reserved;
    uint64_t fh;
    uint32_t sx_flags;       /* AT_STATX_* sync flags from the caller */
    uint32_t sx_mask;        /* STATX_* fields the caller asked for */
};

struct wire_statx_out {
    uint64_t attr_valid;
    uint32_t attr_valid_nsec;
    uint32_t flags;
    uint64_t spare[2];
    struct wire_statx stat;
};

/* Followed by the new name. */
struct wire_mknod_in {
    uint32_t mode;
    uint32_t rdev;
    uint32_t umask;
    uint32_t padding;
};

/* Followed by the new name. */
struct wire_mkdir_in {
    uint32_t mode;
    uint32_t umask;
};

/* Followed by old name and new name. */
struct wire_rename_in {
    uint64_t newdir;
};

/* Followed by old name and new name; flags are RENAME_* of renameat2. */
struct wire_rename2_in {
    uint64_t newdir;
    uint32_t flags;
    uint32_t padding;
};

/* Followed by the new name; nodeid in the header is the new parent. */
struct wire_link_in {
    uint64_t oldnodeid;
};

struct wire_setattr_in {
    uint32_t valid;          /* WIRE_FATTR_* */
    uint32_t padding;
    uint64_t fh;
    uint64_t size;
    uint64_t lock_owner;
    uint64_t atime;
    uint64_t mtime;
    uint64_t ctime;
    uint32_t atimensec;
    uint32_t mtimensec;
    uint32_t ctimensec;
    uint32_t mode;
    uint32_t unused4;
    uint32_t uid;
    uint32_t gid;
    uint32_t unused5;
};

struct wire_open_in {
    uint32_t flags;          /* open(2) flags */
    uint32_t open_flags;     /* WIRE_OPEN_* */
};

/* Followed by the new name. */
struct wire_create_in {
    uint32_t flags;
    uint32_t mode;
    uint32_t umask;
    uint32_t open_flags;     /* WIRE_OPEN_* */
};

struct wire_open_out {
    uint64_t fh;
    uint32_t open_flags;     /* WIRE_FOPEN_* */
    int32_t  backing_id;     /* with WIRE_FOPEN_PASSTHROUGH */
};

struct wire_release_in {
    uint64_t fh;
    uint32_t flags;
    uint32_t release_flags;  /* WIRE_RELEASE_* */
    uint64_t lock_owner;
};

struct wire_flush_in {
    uint64_t fh;
    uint32_t unused;
    uint32_t padding;
    uint64_t lock_owner;
};

struct wire_read_in {
    uint64_t fh;
    uint64_t offset;
    uint32_t size;
    uint32_t read_flags;     /* WIRE_READ_* */
    uint64_t lock_owner;
    uint32_t flags;
    uint32_t padding;
};

/* Followed by size bytes of data. */
struct wire_write_in {
    uint64_t fh;
    uint64_t offset;
    uint32_t size;
    uint32_t write_flags;    /* WIRE_WRITE_* */
    uint64_t lock_owner;
    uint32_t flags;
    uint32_t padding;
};

/* Reply to WRITE and (32-bit) COPY_FILE_RANGE. */
struct wire_write_out {
    uint32_t size;
    uint32_t padding;
};

struct wire_statfs_out {
    struct wire_kstatfs st;
};

struct wire_fsync_in {
    uint64_t fh;
    uint32_t fsync_flags;    /* WIRE_FSYNC_* */
    uint32_t padding;
};

/* Followed by name and value; only 8 bytes without WIRE_SETXATTR_EXT. */
struct wire_setxattr_in {
    uint32_t size;
    uint32_t flags;
    uint32_t setxattr_flags; /* WIRE_SETXATTR_* */
    uint32_t padding;
};

/* For GETXATTR followed by the name; also LISTXATTR's whole body. */
struct wire_getxattr_in {
    uint32_t size;
    uint32_t padding;
};

/* Reply when getxattr_in.size was 0: the size the value needs. */
struct wire_getxattr_out {
    uint32_t size;
    uint32_t padding;
};

struct wire_lk_in {
    uint64_t fh;
    uint64_t owner;
    struct wire_file_lock lk;
    uint32_t lk_flags;       /* WIRE_LK_* */
    uint32_t padding;
};

struct wire_lk_out {
    struct wire_file_lock lk;
};

struct wire_access_in {
    uint32_t mask;
    uint32_t padding;
};

/* The kernel sends all 64 bytes only when it sets WIRE_INIT_EXT. */
struct wire_init_in {
    uint32_t major;
    uint32_t minor;
    uint32_t max_readahead;
    uint32_t flags;
    uint32_t flags2;         /* capability bits 32..63 */
    uint32_t unused[11];
};

struct wire_init_out {
    uint32_t major;
    uint32_t minor;
    uint32_t max_readahead;
    uint32_t flags;
    uint16_t max_background;
    uint16_t congestion_threshold;
    uint32_t max_write;
    uint32_t time_gran;      /* timestamp granularity in ns */
    uint16_t max_pages;      /* with WIRE_MAX_PAGES */
    uint16_t map_alignment;  /* log2, with WIRE_MAP_ALIGNMENT */
    uint32_t flags2;         /* capability bits 32..63 */
    uint32_t max_stack_depth;   /* with WIRE_PASSTHROUGH */
    uint16_t request_timeout;   /* seconds, with WIRE_REQUEST_TIMEOUT */
    uint16_t unused[11];
};

struct wire_cuse_init_in {
    uint32_t major;
    uint32_t minor;
    uint32_t unused;
    uint32_t flags;
};

/* Followed by the device info string ("DEVNAME=..."), NUL-separated. */
struct wire_cuse_init_out {
    uint32_t major;
    uint32_t minor;
    uint32_t unused;
    uint32_t flags;
    uint32_t max_read;
    uint32_t max_write;
    uint32_t dev_major;      /* character device numbers */
    uint32_t dev_minor;
    uint32_t spare[10];
};

struct wire_interrupt_in {
    uint64_t unique;         /* the request to interrupt */
};

struct wire_bmap_in {
    uint64_t block;
    uint32_t blocksize;
    uint32_t padding;
};

struct wire_bmap_out {
    uint64_t block;
};

struct wire_ioctl_in {
    uint64_t fh;
    uint32_t flags;          /* WIRE_IOCTL_* */
    uint32_t cmd;
    uint64_t arg;
    uint32_t in_size;
    uint32_t out_size;
};

struct wire_ioctl_iovec {
    uint64_t base;
    uint64_t len;
};

struct wire_ioctl_out {
    int32_t  result;
    uint32_t flags;
    uint32_t in_iovs;
    uint32_t out_iovs;
};

struct wire_poll_in {
    uint64_t fh;
    uint64_t kh;             /* handle to quote in NOTIFY_POLL */
    uint32_t flags;          /* WIRE_POLL_* */
    uint32_t events;
};

struct wire_poll_out {
    uint32_t revents;
    uint32_t padding;
};

struct wire_fallocate_in {
    uint64_t fh;
    uint64_t offset;
    uint64_t length;
    uint32_t mode;
    uint32_t padding;
};

struct wire_lseek_in {
    uint64_t fh;
    uint64_t offset;
    uint32_t whence;
    uint32_t padding;
};

struct wire_lseek_out {
    uint64_t offset;
};

/* Body of COPY_FILE_RANGE and COPY_FILE_RANGE_64. */
struct wire_copy_file_range_in {
    uint64_t fh_in;
    uint64_t off_in;
    uint64_t nodeid_out;
    uint64_t fh_out;
    uint64_t off_out;
    uint64_t len;
    uint64_t flags;
};

/* Reply to COPY_FILE_RANGE_64 (the old opcode answers wire_write_out). */
struct wire_copy_file_range_out {
    uint64_t bytes_copied;
};

struct wire_setupmapping_in {
    uint64_t fh;
    uint64_t foffset;
    uint64_t len;
    uint64_t flags;          /* WIRE_SETUPMAPPING_FLAG_* */
    uint64_t moffset;
};

/*
 * Followed by count struct wire_removemapping_one.  Really only 4 bytes.
 * The kernel's REMOVEMAPPING_MAX_ENTRY depends on its PAGE_SIZE and is
 * not reproduced here.
 */
struct wire_removemapping_in {
    uint32_t count;
};

struct wire_removemapping_one {
    uint64_t moffset;
    uint64_t len;
};

struct wire_syncfs_in {
    uint64_t padding;
};

/* ------------------------------------------------------------------ */
/* Directory entries                                                   */
/* ------------------------------------------------------------------ */

/* One READDIR record; records are padded to 8 bytes. */
struct wire_dirent {
    uint64_t ino;
    uint64_t off;            /* cookie for the next readdir */
    uint32_t namelen;
    uint32_t type;           /* DT_* value */
    char     name[];
};

/*
 * One READDIRPLUS record: a lookup reply glued to a dirent.  Nesting a
 * struct that ends in a flexible array is a GNU/Clang extension (only
 * -pedantic objects); the kernel's layout needs it, so we keep it.
 */
struct wire_direntplus {
    struct wire_entry_out entry_out;
    struct wire_dirent    dirent;
};

#define WIRE_REC_ALIGN(x) \
    (((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))
#define WIRE_DIRENT_ALIGN(x)         WIRE_REC_ALIGN(x)
#define WIRE_NAME_OFFSET             offsetof(struct wire_dirent, name)
#define WIRE_DIRENT_SIZE(d) \
    WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET + (d)->namelen)
#define WIRE_NAME_OFFSET_DIRENTPLUS \
    offsetof(struct wire_direntplus, dirent.name)
#define WIRE_DIRENTPLUS_SIZE(d) \
    WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET_DIRENTPLUS + (d)->dirent.namelen)

/* ------------------------------------------------------------------ */
/* Notifications (server to kernel, unique == 0)                       */
/* ------------------------------------------------------------------ */

struct wire_notify_poll_wakeup_out {
    uint64_t kh;
};

/* off < 0: attributes only; len <= 0: to end of file. */
struct wire_notify_inval_inode_out {
    uint64_t ino;
    int64_t  off;
    int64_t  len;
};

/* Followed by the name and its NUL. */
struct wire_notify_inval_entry_out {
    uint64_t parent;
    uint32_t namelen;
    uint32_t flags;          /* WIRE_EXPIRE_ONLY */
};

/* Followed by the name and its NUL. */
struct wire_notify_delete_out {
    uint64_t parent;
    uint64_t child;
    uint32_t namelen;
    uint32_t padding;
};

/* Followed by size bytes to place in the page cache. */
struct wire_notify_store_out {
    uint64_t nodeid;
    uint64_t offset;
    uint32_t size;
    uint32_t padding;
};

struct wire_notify_retrieve_out {
    uint64_t notify_unique;  /* echoed back as NOTIFY_REPLY's unique */
    uint64_t nodeid;
    uint64_t offset;
    uint32_t size;
    uint32_t padding;
};

/* NOTIFY_REPLY's body; same size as wire_write_in, data follows. */
struct wire_notify_retrieve_in {
    uint64_t dummy1;
    uint64_t offset;
    uint32_t size;
    uint32_t dummy2;
    uint64_t dummy3;
    uint64_t dummy4;
};

/* Followed by count uint64_t node ids whose dentries to drop. */
struct wire_notify_prune_out {
    uint32_t count;
    uint32_t padding;
    uint64_t spare;
};

/* ------------------------------------------------------------------ */
/* Request extensions                                                  */
/* ------------------------------------------------------------------ */

/* Each security context: this, then the xattr name, then the label. */
struct wire_secctx {
    uint32_t size;
    uint32_t padding;
};

/* Leads the security-context block; size includes this header. */
struct wire_secctx_header {
    uint32_t size;
    uint32_t nr_secctx;
};

/* Generic extension header; size includes the header itself. */
struct wire_ext_header {
    uint32_t size;
    uint32_t type;           /* enum wire_ext_type */
};

/* Body of an WIRE_EXT_GROUPS extension. */
struct wire_supp_groups {
    uint32_t nr_groups;
    uint32_t groups[];
};

/* ------------------------------------------------------------------ */
/* /dev/fuse ioctls                                                    */
/* ------------------------------------------------------------------ */

/* Argument of BACKING_OPEN; the ioctl returns a backing id. */
struct wire_backing_map {
    int32_t  fd;
    uint32_t flags;
    uint64_t padding;
};

#define WIRE_DEV_IOC_MAGIC          229
/* Attach this fd to the session whose /dev/fuse fd is the argument. */
#define WIRE_DEV_IOC_CLONE          _IOR(WIRE_DEV_IOC_MAGIC, 0, uint32_t)
#define WIRE_DEV_IOC_BACKING_OPEN   _IOW(WIRE_DEV_IOC_MAGIC, 1, \
                                        struct wire_backing_map)
#define WIRE_DEV_IOC_BACKING_CLOSE  _IOW(WIRE_DEV_IOC_MAGIC, 2, uint32_t)
/* 6.18: ask for INIT to be served synchronously during mount(2). */
#define WIRE_DEV_IOC_SYNC_INIT      _IO(WIRE_DEV_IOC_MAGIC, 3)

/* ------------------------------------------------------------------ */
/* io_uring transport (7.42)                                           */
/* ------------------------------------------------------------------ */

#define WIRE_URING_IN_OUT_HEADER_SZ 128
#define WIRE_URING_OP_IN_OUT_SZ     128

struct wire_uring_ent_in_out {
    uint64_t flags;
    uint64_t commit_id;      /* quote in the COMMIT_AND_FETCH for this */
    uint32_t payload_sz;     /* bytes of payload in the entry's buffer */
    uint32_t padding;
    uint64_t reserved;
};

/* Fixed header area shared with the kernel for each ring entry. */
struct wire_uring_req_header {
    char in_out[WIRE_URING_IN_OUT_HEADER_SZ];  /* in or out header */
    char op_in[WIRE_URING_OP_IN_OUT_SZ];       /* opcode's fixed struct */
    struct wire_uring_ent_in_out ring_ent_in_out;
};

enum wire_uring_cmd {
    WIRE_IO_URING_CMD_INVALID          = 0,
    WIRE_IO_URING_CMD_REGISTER         = 1,  /* hand a buffer, await work */
    WIRE_IO_URING_CMD_COMMIT_AND_FETCH = 2,  /* answer one, await next */
};

/* Lives in the SQE's 80-byte command area. */
struct wire_uring_cmd_req {
    uint64_t flags;
    uint64_t commit_id;
    uint16_t qid;
    uint8_t  padding[6];
};

/* ------------------------------------------------------------------ */
/* Layout checks: any mismatch with the kernel ABI fails the build.    */
/* ------------------------------------------------------------------ */

#define WIRE_WIRE_SIZE(s, n) \
    _Static_assert(sizeof(struct s) == (n), #s " must be " #n " bytes")

WIRE_WIRE_SIZE(wire_attr, 88);
WIRE_WIRE_SIZE(wire_sx_time, 16);
WIRE_WIRE_SIZE(wire_statx, 256);
WIRE_WIRE_SIZE(wire_kstatfs, 80);
WIRE_WIRE_SIZE(wire_file_lock, 24);
WIRE_WIRE_SIZE(wire_in_header, 40);
WIRE_WIRE_SIZE(wire_out_header, 16);
WIRE_WIRE_SIZE(wire_entry_out, 128);
WIRE_WIRE_SIZE(wire_forget_in, 8);
WIRE_WIRE_SIZE(wire_forget_one, 16);
WIRE_WIRE_SIZE(wire_batch_forget_in, 8);
WIRE_WIRE_SIZE(wire_getattr_in, 16);
WIRE_WIRE_SIZE(wire_attr_out, 104);
WIRE_WIRE_SIZE(wire_statx_in, 24);
WIRE_WIRE_SIZE(wire_statx_out, 288);
WIRE_WIRE_SIZE(wire_mknod_in, 16);
WIRE_WIRE_SIZE(wire_mkdir_in, 8);
WIRE_WIRE_SIZE(wire_rename_in, 8);
WIRE_WIRE_SIZE(wire_rename2_in, 16);
WIRE_WIRE_SIZE(wire_link_in, 8);
WIRE_WIRE_SIZE(wire_setattr_in, 88);
WIRE_WIRE_SIZE(wire_open_in, 8);
WIRE_WIRE_SIZE(wire_create_in, 16);
WIRE_WIRE_SIZE(wire_open_out, 16);
WIRE_WIRE_SIZE(wire_release_in, 24);
WIRE_WIRE_SIZE(wire_flush_in, 24);
WIRE_WIRE_SIZE(wire_read_in, 40);
WIRE_WIRE_SIZE(wire_write_in, 40);
WIRE_WIRE_SIZE(wire_write_out, 8);
WIRE_WIRE_SIZE(wire_statfs_out, 80);
WIRE_WIRE_SIZE(wire_fsync_in, 16);
WIRE_WIRE_SIZE(wire_setxattr_in, 16);
WIRE_WIRE_SIZE(wire_getxattr_in, 8);
WIRE_WIRE_SIZE(wire_getxattr_out, 8);
WIRE_WIRE_SIZE(wire_lk_in, 48);
WIRE_WIRE_SIZE(wire_lk_out, 24);
WIRE_WIRE_SIZE(wire_access_in, 8);
WIRE_WIRE_SIZE(wire_init_in, 64);
WIRE_WIRE_SIZE(wire_init_out, 64);
WIRE_WIRE_SIZE(wire_cuse_init_in, 16);
WIRE_WIRE_SIZE(wire_cuse_init_out, 72);
WIRE_WIRE_SIZE(wire_interrupt_in, 8);
WIRE_WIRE_SIZE(wire_bmap_in, 16);
WIRE_WIRE_SIZE(wire_bmap_out, 8);
WIRE_WIRE_SIZE(wire_ioctl_in, 32);
WIRE_WIRE_SIZE(wire_ioctl_iovec, 16);
WIRE_WIRE_SIZE(wire_ioctl_out, 16);
WIRE_WIRE_SIZE(wire_poll_in, 24);
WIRE_WIRE_SIZE(wire_poll_out, 8);
WIRE_WIRE_SIZE(wire_fallocate_in, 32);
WIRE_WIRE_SIZE(wire_lseek_in, 24);
WIRE_WIRE_SIZE(wire_lseek_out, 8);
WIRE_WIRE_SIZE(wire_copy_file_range_in, 56);
WIRE_WIRE_SIZE(wire_copy_file_range_out, 8);
WIRE_WIRE_SIZE(wire_setupmapping_in, 40);
WIRE_WIRE_SIZE(wire_removemapping_in, 4);
WIRE_WIRE_SIZE(wire_removemapping_one, 16);
WIRE_WIRE_SIZE(wire_syncfs_in, 8);
WIRE_WIRE_SIZE(wire_dirent, 24);
WIRE_WIRE_SIZE(wire_direntplus, 152);
WIRE_WIRE_SIZE(wire_notify_poll_wakeup_out, 8);
WIRE_WIRE_SIZE(wire_notify_inval_inode_out, 24);
WIRE_WIRE_SIZE(wire_notify_inval_entry_out, 16);
WIRE_WIRE_SIZE(wire_notify_delete_out, 24);
WIRE_WIRE_SIZE(wire_notify_store_out, 24);
WIRE_WIRE_SIZE(wire_notify_retrieve_out, 32);
WIRE_WIRE_SIZE(wire_notify_retrieve_in, 40);
WIRE_WIRE_SIZE(wire_notify_prune_out, 16);
WIRE_WIRE_SIZE(wire_secctx, 8);
WIRE_WIRE_SIZE(wire_secctx_header, 8);
WIRE_WIRE_SIZE(wire_ext_header, 8);
WIRE_WIRE_SIZE(wire_supp_groups, 4);
WIRE_WIRE_SIZE(wire_backing_map, 16);
WIRE_WIRE_SIZE(wire_uring_ent_in_out, 32);
WIRE_WIRE_SIZE(wire_uring_req_header, 288);
WIRE_WIRE_SIZE(wire_uring_cmd_req, 24);

/* Offsets a reader of the raw byte stream depends on. */
_Static_assert(offsetof(struct wire_in_header, opcode) == 4, "opcode");
_Static_assert(offsetof(struct wire_in_header, unique) == 8, "unique");
_Static_assert(offsetof(struct wire_in_header, nodeid) == 16, "nodeid");
_Static_assert(offsetof(struct wire_in_header, total_extlen) == 36,
               "total_extlen");
_Static_assert(offsetof(struct wire_out_header, unique) == 8, "out unique");
_Static_assert(offsetof(struct wire_entry_out, attr) == 40, "entry attr");
_Static_assert(offsetof(struct wire_attr_out, attr) == 16, "attr_out attr");
_Static_assert(offsetof(struct wire_statx_out, stat) == 32, "statx stat");
_Static_assert(offsetof(struct wire_init_out, max_stack_depth) == 36,
               "max_stack_depth");
_Static_assert(offsetof(struct wire_init_out, request_timeout) == 40,
               "request_timeout");
_Static_assert(offsetof(struct wire_open_out, backing_id) == 12,
               "backing_id");
_Static_assert(offsetof(struct wire_dirent, name) == 24, "dirent name");
_Static_assert(offsetof(struct wire_direntplus, dirent.name) == 152,
               "direntplus name");
_Static_assert(offsetof(struct wire_uring_req_header, ring_ent_in_out)
               == 256, "ring_ent_in_out");
_Static_assert(WIRE_COMPAT_ENTRY_OUT_SIZE ==
               offsetof(struct wire_entry_out, attr) +
               offsetof(struct wire_attr, blksize), "compat entry_out");
_Static_assert(WIRE_COMPAT_ATTR_OUT_SIZE ==
               offsetof(struct wire_attr_out, attr) +
               offsetof(struct wire_attr, blksize), "compat attr_out");

#undef WIRE_WIRE_SIZE

/* ------------------------------------------------------------------ */

/* "LOOKUP", "GETATTR", ... for log lines; "UNKNOWN" for anything else. */
const char *wire_opcode_name(uint32_t opcode);

#endif /* FSP_KERNEL_WIRE_H */
