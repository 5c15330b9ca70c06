/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Locks across processes: POSIX byte-range locks (F_SETLK, F_SETLKW,
 * F_GETLK), open-file-description locks, flock, and blocking waits
 * interrupted by a signal. */
#include "ct.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
                        .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

/* Wait up to ms for one byte on fd: the byte, or -1. */
static int get_byte(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, ms) != 1)
        return -1;
    unsigned char c;
    return read(fd, &c, 1) == 1 ? c : -1;
}

static void put_byte(int fd, int c)
{
    unsigned char b = (unsigned char)c;
    if (write(fd, &b, 1) != 1)
        _exit(99);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* Arm SIGALRM to interrupt (no SA_RESTART) after ms. */
static void interrupt_after(int ms)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void posix_locks(void)
{
    REQUIRE_OK(ct_write_file("f", "0123456789", 10));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    int toc[2], top[2];
    REQUIRE_OK(pipe(toc));
    REQUIRE_OK(pipe(top));
    REQUIRE_OK(lk(fd, F_SETLK, F_WRLCK, 0, 100));
    REQUIRE_OK(lk(fd, F_SETLK, F_RDLCK, 200, 100));
    pid_t parent = getpid();
    pid_t pid = ct_fork(15);
    if (pid == 0) {
        int f = open("f", O_RDWR);
        /* conflicts are refused without waiting */
        CHECK_ERR2(lk(f, F_SETLK, F_WRLCK, 50, 10), EAGAIN, EACCES);
        CHECK_ERR2(lk(f, F_SETLK, F_RDLCK, 0, 1), EAGAIN, EACCES);
        CHECK_ERR2(lk(f, F_SETLK, F_WRLCK, 250, 1), EAGAIN, EACCES);
        /* a shared lock on a shared range is fine, as is a free range */
        CHECK_OK(lk(f, F_SETLK, F_RDLCK, 250, 10));
        CHECK_OK(lk(f, F_SETLK, F_WRLCK, 100, 100));
        /* F_GETLK reports the holder */
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                            .l_start = 10, .l_len = 5 };
        CHECK_OK(fcntl(f, F_GETLK, &fl));
        CHECK_EQ(fl.l_type, F_WRLCK);
        CHECK_EQ(fl.l_pid, parent);
        CHECK_EQ(fl.l_start, 0);
        CHECK_EQ(fl.l_len, 100);
        struct flock fr = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                            .l_start = 1000, .l_len = 5 };
        CHECK_OK(fcntl(f, F_GETLK, &fr));
        CHECK_EQ(fr.l_type, F_UNLCK);
        put_byte(top[1], 1);
        /* now wait for the parent to unlock, blocking */
        long long t0 = ct_now_ms();
        CHECK_OK(lk(f, F_SETLKW, F_WRLCK, 0, 100));
        CHECK(ct_now_ms() - t0 >= 100);           /* it really waited */
        put_byte(top[1], 2);
        get_byte(toc[0], 5000);                   /* hold until told */
        _exit(0);
    }
    REQUIRE(pid > 0);
    CHECK_EQ(get_byte(top[0], 10000), 1);
    /* the parent's own locks merge/split freely */
    CHECK_OK(lk(fd, F_SETLK, F_WRLCK, 0, 50));
    ct_msleep(200);
    CHECK_OK(lk(fd, F_SETLK, F_UNLCK, 0, 100));
    CHECK_EQ(get_byte(top[0], 10000), 2);
    /* now the child holds [0,100) and [100,200) */
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
                        .l_start = 0, .l_len = 0 };
    CHECK_OK(fcntl(fd, F_GETLK, &fl));
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_pid, pid);
    CHECK_ERR2(lk(fd, F_SETLK, F_WRLCK, 150, 1), EAGAIN, EACCES);
    put_byte(toc[1], 3);
    CHECK_EQ(ct_wait(pid, 10000), 0);
    /* the child's exit released its locks */
    CHECK_OK(lk(fd, F_SETLK, F_WRLCK, 0, 0));
    close(fd);
}

/* Classic POSIX semantics: closing any descriptor of the file drops the
 * process's locks on it. */
static void posix_close_releases(void)
{
    REQUIRE_OK(ct_touch("f"));
    int fd = open("f", O_RDWR), fd2 = open("f", O_RDONLY);
    REQUIRE(fd >= 0 && fd2 >= 0);
    REQUIRE_OK(lk(fd, F_SETLK, F_WRLCK, 0, 0));
    close(fd2);
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int f = open("f", O_RDWR);
        CHECK_OK(lk(f, F_SETLK, F_WRLCK, 0, 0));
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
    close(fd);
}

static void setlkw_eintr(void)
{
    REQUIRE_OK(ct_touch("f"));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE_OK(lk(fd, F_SETLK, F_WRLCK, 0, 0));
    int h = open("f", O_RDONLY);
    CHECK_OK(flock(h, LOCK_EX));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int f = open("f", O_RDWR);
        interrupt_after(300);
        long long t0 = ct_now_ms();
        CHECK_ERR(lk(f, F_SETLKW, F_WRLCK, 0, 10), EINTR);
        CHECK(ct_now_ms() - t0 >= 250);
        /* and the lock was not taken */
        CHECK_ERR2(lk(f, F_SETLK, F_WRLCK, 0, 10), EAGAIN, EACCES);
        /* the same for flock */
        int g = open("f", O_RDONLY);
        interrupt_after(300);
        CHECK_ERR(flock(g, LOCK_EX), EINTR);
        _exit(0);
    }
    REQUIRE(pid > 0);
    CHECK_EQ(ct_wait(pid, 10000), 0);
    close(h);
    close(fd);
}

/* POSIX lock deadlock detection between two processes. */
static void posix_deadlock(void)
{
    REQUIRE_OK(ct_touch("f"));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    int top[2];
    REQUIRE_OK(pipe(top));
    REQUIRE_OK(lk(fd, F_SETLK, F_WRLCK, 0, 1));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int f = open("f", O_RDWR);
        CHECK_OK(lk(f, F_SETLK, F_WRLCK, 1, 1));
        put_byte(top[1], 1);
        /* waits for the parent's byte 0 */
        CHECK_OK(lk(f, F_SETLKW, F_WRLCK, 0, 1));
        _exit(0);
    }
    CHECK_EQ(get_byte(top[0], 10000), 1);
    ct_msleep(100);                      /* let the child block */
    CHECK_ERR(lk(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK);
    CHECK_OK(lk(fd, F_SETLK, F_UNLCK, 0, 1));
    CHECK_EQ(ct_wait(pid, 10000), 0);
    close(fd);
}

static void ofd_locks(void)
{
    REQUIRE_OK(ct_touch("f"));
    int a = open("f", O_RDWR), b = open("f", O_RDWR);
    REQUIRE(a >= 0 && b >= 0);
    int r = lk(a, F_OFD_SETLK, F_WRLCK, 0, 10);
    if (r == -1 && errno == EINVAL)
        SKIP("F_OFD_SETLK: EINVAL from the kernel");
    REQUIRE(r == 0);
    /* unlike POSIX locks, two descriptions in one process conflict */
    CHECK_ERR2(lk(b, F_OFD_SETLK, F_WRLCK, 5, 10), EAGAIN, EACCES);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                        .l_start = 0, .l_len = 1 };
    CHECK_OK(fcntl(b, F_OFD_GETLK, &fl));
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_pid, -1);
    /* a POSIX lock of the same process conflicts with the OFD lock */
    CHECK_ERR2(lk(b, F_SETLK, F_WRLCK, 0, 1), EAGAIN, EACCES);
    /* inherited over fork: the child shares the description */
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        CHECK_OK(lk(a, F_OFD_SETLK, F_WRLCK, 0, 20));    /* own: upgrade */
        int c = open("f", O_RDWR);
        CHECK_ERR2(lk(c, F_OFD_SETLK, F_RDLCK, 15, 1), EAGAIN, EACCES);
        /* a blocking wait interrupted by a signal */
        interrupt_after(200);
        CHECK_ERR(lk(c, F_OFD_SETLKW, F_WRLCK, 0, 1), EINTR);
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
    /* closing another descriptor does not drop an OFD lock */
    int c = open("f", O_RDONLY);
    close(c);
    CHECK_ERR2(lk(b, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN, EACCES);
    close(a);                            /* last reference: released */
    CHECK_OK(lk(b, F_OFD_SETLK, F_WRLCK, 0, 20));
    close(b);
}

static void flock_modes(void)
{
    REQUIRE_OK(ct_touch("f"));
    int a = open("f", O_RDONLY), b = open("f", O_RDONLY);
    REQUIRE(a >= 0 && b >= 0);
    CHECK_OK(flock(a, LOCK_SH));
    CHECK_OK(flock(b, LOCK_SH | LOCK_NB));        /* shared + shared */
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(flock(a, LOCK_UN));
    CHECK_OK(flock(b, LOCK_EX | LOCK_NB));        /* upgrade once alone */
    CHECK_ERR(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    int top[2];
    REQUIRE_OK(pipe(top));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int c = open("f", O_RDONLY);
        CHECK_ERR(flock(c, LOCK_SH | LOCK_NB), EWOULDBLOCK);
        put_byte(top[1], 1);
        long long t0 = ct_now_ms();
        CHECK_OK(flock(c, LOCK_EX));              /* blocks until b drops */
        CHECK(ct_now_ms() - t0 >= 100);
        put_byte(top[1], 2);
        ct_msleep(300);
        _exit(0);                                 /* exit releases */
    }
    CHECK_EQ(get_byte(top[0], 10000), 1);
    ct_msleep(200);
    CHECK_OK(flock(b, LOCK_UN));
    CHECK_EQ(get_byte(top[0], 10000), 2);
    CHECK_ERR(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_EQ(ct_wait(pid, 10000), 0);
    CHECK_OK(flock(a, LOCK_EX | LOCK_NB));
    /* flock and POSIX locks are independent on Linux */
    CHECK_OK(lk(open("f", O_RDWR), F_SETLK, F_WRLCK, 0, 0));
    close(a);
    close(b);
}

const struct ct_case ct_locks_cases[] = {
    { "lock_posix", posix_locks, 0 },
    { "lock_posix_close_releases", posix_close_releases, 0 },
    { "lock_posix_deadlock", posix_deadlock, 0 },
    { "lock_setlkw_eintr", setlkw_eintr, 0 },
    { "lock_ofd", ofd_locks, 0 },
    { "lock_flock", flock_modes, 0 },
    { NULL, NULL, 0 },
};
