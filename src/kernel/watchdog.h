/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the mounting layer (not part of the public contract in
 * mount.h): the helper processes it forks, the fusermount3 client, the
 * /proc/self/mountinfo reader and fusectl.
 *
 * Names start with "kmount_" rather than "fsp_" on purpose: the shared
 * library's version script exports only fsp_*, so these stay private.
 */
#ifndef FSP_KERNEL_WATCHDOG_H
#define FSP_KERNEL_WATCHDOG_H

#include <stddef.h>
#include <sys/types.h>

/*
 * In a freshly forked child: close every descriptor except the nkeep ones
 * in keep[] (entries < 0 are ignored).  Uses only system calls, so it is
 * safe between fork() and exec()/_exit() in a multithreaded parent.
 * Returns 0 or -1 (nothing sensible can be reported from there).
 */
int kmount_close_fds_except(const int *keep, int nkeep);

/* snprintf into err when err is non-NULL (defined in mount.c). */
void kmount_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A prepared "fusermount3 -u -q -z -- mountpoint", ready for execve. */
struct kmount_cmd {
    char prog[4096];   /* absolute path of fusermount3 */
    char *argv[8];     /* points into prog and the caller's mountpoint */
    char **env;        /* our environment minus _FUSE_COMMFD; malloc'ed */
};

/*
 * Fork the auto_unmount watchdog for a mount of device dev at mountpoint.
 * fuse_fd is the /dev/fuse descriptor; the child makes sure it holds no
 * copy of it (not even as fd 2).  When the pipe reaches EOF and the mount
 * is still ours, the watchdog calls umount2(MNT_DETACH) itself, or, when
 * cmd is non-NULL (callers without CAP_SYS_ADMIN), execs that command
 * ("fusermount3 -u -q -z -- mountpoint").  cmd is only read in the child,
 * so the caller may free it as soon as this returns.  On success *wfd is the write end of the watchdog pipe
 * (O_CLOEXEC) and *pid the child.  Returns 0 or -errno.
 */
int kmount_watchdog_start(const char *mountpoint, dev_t dev, int fuse_fd,
                          const struct kmount_cmd *cmd, int *wfd, pid_t *pid);

/*
 * Close the watchdog pipe and reap the process.  Either argument may be
 * -1 / 0.  The watchdog exits on EOF, so the wait is short.
 */
void kmount_watchdog_stop(int wfd, pid_t pid);

/*
 * Does a full stat of path fail with ENOTCONN (a dead FUSE mount)?  The
 * stat runs in a short-lived child so that a live FUSE mount whose server
 * does not answer cannot block the caller: after timeout_ms the child is
 * killed and the answer is "no".  Returns 1 (dead), 0 (not dead or
 * unknown) or -errno when the probe could not run.
 */
int kmount_probe_dead(const char *path, int timeout_ms);

/*
 * Find the topmost mount whose mount point is exactly path (canonical,
 * absolute) in /proc/self/mountinfo.  Any output pointer may be NULL.
 * Returns 0, -ENOENT when path is not a mount point, or another -errno.
 */
int kmount_mountinfo_find(const char *path, dev_t *dev, char *fstype,
                          size_t fstypelen, char *source, size_t sourcelen);

/* fusectl (fusectl.c) */

/* Make sure fusectl is mounted on /sys/fs/fuse/connections.  0 or -errno. */
int kmount_fusectl_ensure(char *err, size_t errlen);

/* Write "1" to the abort file of connection dev.  0 or -errno. */
int kmount_fusectl_abort(dev_t dev, char *err, size_t errlen);

/* fusermount3 client (fusermount.c) */

/* Find fusermount3 in PATH.  0, or -ENOENT with a message in err. */
int kmount_fusermount_find(char *path, size_t pathlen, char *err,
                           size_t errlen);

/*
 * Run "fusermount3 -o opts -- mountpoint" and receive the /dev/fuse
 * descriptor (close-on-exec) into *fuse_fd; fusermount3 has exited when
 * this returns.  Returns 0 or -errno with a message in err.
 */
int kmount_fusermount_mount(const char *mountpoint, const char *opts,
                            int *fuse_fd, char *err, size_t errlen);

/* Fill *c for mountpoint (which must outlive *c).  0 or -errno. */
int kmount_fusermount_unmount_cmd(struct kmount_cmd *c, const char *mountpoint,
                                  char *err, size_t errlen);
void kmount_cmd_free(struct kmount_cmd *c);

/* Run "fusermount3 -u -q -z -- mountpoint".  0 or -errno (message in err). */
int kmount_fusermount_unmount(const char *mountpoint, char *err,
                              size_t errlen);

#endif
