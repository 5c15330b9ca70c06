/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helper processes of the mounting layer: the auto_unmount watchdog and
 * the dead-mount probe, plus the descriptor sweep their children need.
 *
 * Everything that runs in a forked child here uses raw system calls only
 * (no stdio, no malloc): the parent may have other threads, and a child of
 * a multithreaded process may only call async-signal-safe functions.
 */
#include "kernel/watchdog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int is_kept(int fd, const int *keep, int nkeep)
{
    int i;

    for (i = 0; i < nkeep; i++)
        if (keep[i] == fd)
            return 1;
    return 0;
}

/*
 * Fallback for kernels without close_range(2): walk /proc/self/fd with
 * getdents64 into a stack buffer (opendir would allocate).  Closing while
 * walking is fine: the directory is indexed by descriptor number.
 */
static int close_by_proc(const int *keep, int nkeep)
{
    char buf[4096];
    int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct rlimit rl;
    long n;
    int fd;

    if (dfd >= 0) {
        while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
            long off = 0;
            while (off < n) {
                struct dirent64 *d = (struct dirent64 *)(buf + off);
                const char *c = d->d_name;
                int v = 0;
                off += d->d_reclen;
                if (*c < '0' || *c > '9')
                    continue;  /* "." and ".." */
                for (; *c >= '0' && *c <= '9'; c++)
                    v = v * 10 + (*c - '0');
                if (v != dfd && !is_kept(v, keep, nkeep))
                    close(v);
            }
        }
        close(dfd);
        return n < 0 ? -1 : 0;
    }
    /* No /proc either: brute force up to the descriptor limit. */
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY
        || rl.rlim_cur > (1u << 20))
        rl.rlim_cur = 1u << 16;
    for (fd = 0; fd < (int)rl.rlim_cur; fd++)
        if (!is_kept(fd, keep, nkeep))
            close(fd);
    return 0;
}

int kmount_close_fds_except(const int *keep, int nkeep)
{
    int sorted[8];
    int n = 0, i, j;
    unsigned next = 0;

    if (nkeep > (int)(sizeof(sorted) / sizeof(sorted[0])))
        return -1;
    /* Sort the descriptors to keep so the gaps between them can be closed
     * with one close_range() each. */
    for (i = 0; i < nkeep; i++) {
        if (keep[i] < 0)
            continue;
        for (j = n; j > 0 && sorted[j - 1] > keep[i]; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = keep[i];
        n++;
    }
    for (i = 0; i < n; i++) {
        unsigned k = (unsigned)sorted[i];
        if (k > next && close_range(next, k - 1, 0) < 0)
            return close_by_proc(keep, nkeep);
        if (k + 1 > next)
            next = k + 1;
    }
    if (close_range(next, ~0u, 0) < 0)
        return close_by_proc(keep, nkeep);
    return 0;
}

/* Device of whatever is mounted at path now, without talking to a FUSE
 * server: AT_STATX_DONT_SYNC makes FUSE answer from its attribute cache,
 * so a hung or uninitialised server cannot block the caller. */
static int dev_now(const char *path, dev_t *dev)
{
    struct statx stx;

    if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
              STATX_TYPE, &stx) < 0)
        return -errno;
    *dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
    return 0;
}

static void ignore_signal(int sig)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* The watchdog child.  Never returns. */
static void watchdog_main(const char *mountpoint, dev_t dev, int rfd,
                          int fuse_fd, const struct kmount_cmd *cmd)
{
    /* Keep stderr for the unmount command's messages, unless the process
     * started without one and the /dev/fuse descriptor landed on fd 2:
     * holding that would keep the connection alive after the file system
     * died, which is exactly what the watchdog must not do. */
    int keep[2] = { rfd, fuse_fd == 2 ? -1 : 2 };
    char c;
    ssize_t n;
    dev_t now = 0;
    int r, fd;

    if (kmount_close_fds_except(keep, 2) < 0)
        _exit(1);

    /* A Ctrl-C reaches the whole foreground process group.  If the
     * watchdog died of it, nobody would unmount should the file system
     * then crash in its own signal handling; and its clean unmount needs
     * the watchdog to survive until then. */
    ignore_signal(SIGINT);
    ignore_signal(SIGTERM);
    ignore_signal(SIGHUP);
    ignore_signal(SIGQUIT);
    ignore_signal(SIGTSTP);  /* a stopped watchdog would miss the EOF */
    ignore_signal(SIGPIPE);

    /* Do not keep the caller's working directory (possibly inside some
     * other mount) busy for the lifetime of the file system. */
    if (chdir("/") < 0) {
        /* harmless: the mountpoint is absolute */
    }

    /* Nothing is ever written; EOF means every copy of the write end is
     * closed, i.e. the file system process is gone or unmounted cleanly. */
    for (;;) {
        n = read(rfd, &c, 1);
        if (n == 0)
            break;
        if (n < 0 && errno != EINTR)
            break;
    }
    close(rfd);

    /* Only detach what is still our mount: after a clean unmount, or if
     * someone mounted something else there, the device differs. */
    r = dev_now(mountpoint, &now);
    if (!((r == 0 && now == dev) || r == -ENOTCONN))
        _exit(0);
    if (!cmd) {
        umount2(mountpoint, MNT_DETACH);
        _exit(0);
    }
    /* fusermount3 gets /dev/null for whatever stdio we do not have.
     * (Not O_CLOEXEC: they are meant to cross the exec.) */
    for (fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(1);
    {
        /* Ignored signals stay ignored across exec; give it defaults. */
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sigaction(SIGQUIT, &sa, NULL);
        sigaction(SIGTSTP, &sa, NULL);
        sigaction(SIGPIPE, &sa, NULL);
    }
    execve(cmd->prog, cmd->argv, cmd->env);
    _exit(127);
}

int kmount_watchdog_start(const char *mountpoint, dev_t dev, int fuse_fd,
                          const struct kmount_cmd *cmd, int *wfd, pid_t *pid)
{
    int p[2];
    pid_t child;

    *wfd = -1;
    *pid = 0;
    /* O_CLOEXEC on both ends: exec'd programs must not hold the write end,
     * or the watchdog would never see EOF. */
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;

    child = fork();
    if (child < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return -e;
    }
    if (child == 0)
        watchdog_main(mountpoint, dev, p[0], fuse_fd, cmd);

    close(p[0]);
    *wfd = p[1];
    *pid = child;
    return 0;
}

static void reap(pid_t pid)
{
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

void kmount_watchdog_stop(int wfd, pid_t pid)
{
    if (wfd >= 0)
        close(wfd);
    if (pid > 0)
        reap(pid);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kmount_probe_dead(const char *path, int timeout_ms)
{
    int p[2];
    pid_t child;
    unsigned char verdict = 0;
    int64_t deadline;
    int rc = 0;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    child = fork();
    if (child < 0) {
        rc = -errno;
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (child == 0) {
        /* The child must not hold any /dev/fuse descriptor of ours while
         * it may be stuck in the kernel. */
        struct statx stx;
        unsigned char v;
        int keep[1] = { p[1] };

        kmount_close_fds_except(keep, 1);
        v = statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_BASIC_STATS,
                  &stx) < 0 && errno == ENOTCONN;
        if (write(p[1], &v, 1) < 0)
            _exit(1);
        _exit(0);
    }

    close(p[1]);
    deadline = now_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        int64_t left = deadline - now_ms();
        int r;

        if (left <= 0)
            break;  /* no answer: a live server that is slow or stuck */
        r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0 && read(p[0], &verdict, 1) != 1)
            verdict = 0;
        break;
    }
    /* A child stuck waiting for a FUSE reply sleeps killably: SIGKILL
     * always gets it out.  Harmless if it has exited already. */
    kill(child, SIGKILL);
    reap(child);
    close(p[0]);
    return verdict ? 1 : 0;
}
