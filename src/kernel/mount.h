/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel channel: mounting and unmounting a FUSE file system.
 *
 * This layer knows /dev/fuse, mount(2), Debian's fusermount3 and the
 * kernel's fusectl directory, and nothing above it.  A mount produces one
 * open /dev/fuse descriptor (close-on-exec) that the session reads
 * requests from.
 *
 * Why a watchdog: a FUSE mount whose server died returns ENOTCONN to every
 * client (the kernel aborts the connection when the last /dev/fuse
 * descriptor closes), but the dead mount stays in the namespace until
 * someone unmounts it.  auto_unmount (on by default) forks a tiny helper
 * process that holds nothing but a pipe to the file system process and
 * lazily unmounts the mountpoint when that pipe reaches EOF.  For mounts
 * made through fusermount3 the watchdog runs "fusermount3 -u" instead:
 * fusermount3's own auto_unmount is not used because in fuse3 3.14
 * (Debian 12) it cannot unmount mounts without allow_other.
 */
#ifndef FSP_KERNEL_MOUNT_H
#define FSP_KERNEL_MOUNT_H

#include <stddef.h>
#include <stdint.h>

/* Mount options as users write them after -o. */
struct kmount_opts {
    int allow_other;          /* allow_other */
    int default_permissions;  /* default_permissions: kernel checks modes */
    int read_only;            /* ro */
    int nonempty;             /* nonempty: allow mounting over a non-empty dir */
    int auto_unmount;         /* auto_unmount / noauto_unmount; default 1 */
    uint32_t max_read;        /* max_read=N, 0 = kernel default */
    uint32_t request_timeout; /* request_timeout=SECONDS, 0 = none */
    int io_uring;             /* io_uring: serve over FUSE-over-io_uring
                                 when the kernel offers it */
    int writeback_cache;      /* writeback_cache: the kernel caches writes
                                 and keeps mtime and size itself */
    unsigned long ms_flags;   /* MS_* flags for mount(2): nosuid,nodev by
                                 default; suid, dev, exec, noexec, sync,
                                 async, atime, noatime, diratime,
                                 nodiratime, dirsync change them */
    int busy_poll_us;         /* busy_poll=US: poll /dev/fuse (or the
                                 io_uring queues) this long before
                                 sleeping; -1 = default */
    char fsname[256];         /* fsname=NAME, "" = the program's name */
    char subtype[64];         /* subtype=NAME, "" = none */
    int blkdev;               /* a "fuseblk" mount: fsname is the block
                                 device the file system serves (root only) */
    uint32_t blksize;         /* blksize=N for a fuseblk mount, 0 = the
                                 kernel's default */
    int file_root;            /* a regular file may be the mount point
                                 (libfuse's rule; its root is then a
                                 file); otherwise it must be a directory */
};

/* Initialise *o with the defaults (auto_unmount on, everything else off). */
void kmount_opts_init(struct kmount_opts *o);

/*
 * Parse one -o argument ("ro,allow_other,fsname=x") into *o.  Options are
 * comma separated; a backslash escapes a comma.  Returns 0, or -EINVAL with
 * a one-line message in err (e.g. "unknown option 'foo'", "bad value for
 * max_read: 'abc'").  May be called several times to accumulate.
 */
int kmount_opts_parse(struct kmount_opts *o, const char *arg,
                         char *err, size_t errlen);

/* State of one live mount; owned by the caller, filled by kmount_mount(). */
struct kmount {
    char mountpoint[4096];    /* absolute, canonical path */
    int fd;                   /* /dev/fuse descriptor, O_CLOEXEC */
    int via_fusermount;       /* mounted through fusermount3 */
    int watchdog_fd;          /* write end of the watchdog pipe; -1 if none */
    int watchdog_pid;         /* watchdog process, 0 if none */
    unsigned dev_minor;       /* minor of the mount's st_dev: the fusectl connection id */
    int mounted;              /* set by kmount_mount(), cleared by kmount_unmount(); lets a
                                 zeroed or failed struct be unmounted harmlessly */
    int blkdev;               /* a fuseblk mount (see kmount_unmount) */
};

/*
 * Check the mountpoint and mount.  As root (CAP_SYS_ADMIN) uses mount(2)
 * with "fd=N,rootmode=...,user_id=...,group_id=..." and the options;
 * otherwise runs fusermount3 and receives the descriptor over a socket.
 * A mountpoint that is a dead FUSE mount (ENOTCONN) is lazily detached
 * first, with a line on stderr saying so.  Starts the watchdog when
 * o->auto_unmount.  On failure returns a negative errno and writes one
 * line into err: "mountpoint does not exist: /x", "not a directory: /x",
 * "already a mount point: /x", "/dev/fuse not available: ...",
 * "mount not permitted: ...", "mountpoint is not empty: /x" (unless
 * nonempty).  Any thread; not async-signal-safe.
 */
int kmount_mount(struct kmount *m, const char *mountpoint,
              const struct kmount_opts *o, char *err, size_t errlen);

/*
 * Unmount and close the descriptor.  Safe to call twice and on a mount
 * whose kernel side is already gone.  Stops the watchdog.  Returns 0 or a
 * negative errno.
 */
int kmount_unmount(struct kmount *m);

/*
 * Abort the FUSE connection of a mountpoint through fusectl
 * (/sys/fs/fuse/connections/N/abort), mounting fusectl there first if it
 * is not mounted.  Every pending and future request then fails with
 * ENOTCONN; this is the "cut off a stuck file system" command.  Returns 0
 * or a negative errno with a message in err.
 */
int kmount_abort(const char *mountpoint, char *err, size_t errlen);

/*
 * The same for the connection of m, after kmount_unmount too (dev_minor
 * stays): for ending requests a server can no longer answer.  Returns 0
 * or a negative errno with a message in err.
 */
int kmount_abort_conn(const struct kmount *m, char *err, size_t errlen);

#endif
