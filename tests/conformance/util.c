/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the conformance cases: processes, files, time. */
#include "ct.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t ct_fork(int secs)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        alarm((unsigned)secs);
    return pid;
}

int ct_wait(pid_t pid, int timeout_ms)
{
    long long end = ct_now_ms() + timeout_ms;
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r == -1 && errno != EINTR)
            return -1;
        if (ct_now_ms() >= end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        ct_msleep(2);
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

int ct_become(uid_t uid, gid_t gid)
{
    if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
        setresuid(uid, uid, uid) == -1)
        return -1;
    return 0;
}

int ct_is_root(void)
{
    return geteuid() == 0;
}

void ct_msleep(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

long long ct_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ct_write_file(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t w = n ? write(fd, buf, n) : 0;
    int e = errno;
    close(fd);
    errno = e;
    return w == (ssize_t)n ? 0 : -1;
}

long ct_read_file(const char *path, void *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, (char *)buf + got, cap - got);
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return (long)got;
}

int ct_touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int ct_all_zero(int fd, off_t off, size_t n)
{
    unsigned char buf[8192];
    while (n > 0) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        ssize_t r = pread(fd, buf, k, off);
        if (r < 0)
            return -1;
        if ((size_t)r != k)
            return 0;
        for (size_t i = 0; i < k; i++)
            if (buf[i])
                return 0;
        off += (off_t)k;
        n -= k;
    }
    return 1;
}

void ct_fill(unsigned char *buf, size_t n, unsigned seed, off_t off)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = ct_pat(seed, (unsigned long long)off + i);
}

int ct_ts_cmp(struct timespec a, struct timespec b)
{
    if (a.tv_sec != b.tv_sec)
        return a.tv_sec < b.tv_sec ? -1 : 1;
    if (a.tv_nsec != b.tv_nsec)
        return a.tv_nsec < b.tv_nsec ? -1 : 1;
    return 0;
}
