/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Locks across processes: POSIX record locks (F_SETLK, F_SETLKW,
 * F_GETLK), open file description locks and flock().  fsp negotiates no
 * lock support with the kernel, so the kernel keeps the locks itself,
 * which is right for a file system that lives on one machine.  Same
 * results on tmpfs. */
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a child process; its CHECK failures count as ours. */
static void in_child(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        check_failed = 0;
        fn();
        fflush(stdout);
        _exit(check_failed ? 1 : 0);
    }
    int st = 0;
    CHECK(pid > 0);
    if (pid > 0 && (wait_deadline(pid, 30000, &st) != 0 || !WIFEXITED(st) ||
                    WEXITSTATUS(st) != 0)) {
        if (!WIFEXITED(st))
            kill(pid, SIGKILL);
        printf("  the child failed\n");
        check_failed = 1;
    }
}

static int set_lock(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
                        .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

static pid_t holder;

static void child_sees_lock(void)
{
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                        .l_start = 50, .l_len = 10 };
    CHECK_EQ(fcntl(fd, F_GETLK, &fl), 0);
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_pid, holder);
    CHECK_EQ(fl.l_start, 0);
    CHECK_EQ(fl.l_len, 100);
    errno = 0;
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, 50, 10) == -1 &&
          (errno == EAGAIN || errno == EACCES));
    CHECK(set_lock(fd, F_SETLK, F_RDLCK, 0, 1) == -1);
    /* outside the held range: free */
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 100, 10), 0);
    close(fd);
}

static void child_sees_read_lock(void)
{
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    /* readers share, writers wait */
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, 0, 100), 0);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, 0, 100) == -1);
    close(fd);
}

static void child_lock_free(void)
{
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                        .l_start = 0, .l_len = 0 };
    CHECK_EQ(fcntl(fd, F_GETLK, &fl), 0);
    CHECK_EQ(fl.l_type, F_UNLCK);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 0), 0);
    close(fd);
}

static void posix_lock_fcntl(void)
{
    REQUIRE(write_file(P("f"), "0123456789", 10) == 0);
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    holder = getpid();
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 100), 0);
    in_child(child_sees_lock);
    /* downgraded to a read lock: other readers get in */
    CHECK_EQ(set_lock(fd, F_SETLK, F_RDLCK, 0, 100), 0);
    in_child(child_sees_read_lock);
    /* any close by the holder releases its POSIX locks */
    int other = open(P("f"), O_RDONLY);
    CHECK(other >= 0);
    close(other);
    in_child(child_lock_free);
    close(fd);
}

static void child_flock_excluded(void)
{
    int fd = open(P("f"), O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_ERRNO(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERRNO(flock(fd, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    close(fd);
}

static void child_flock_shared(void)
{
    int fd = open(P("f"), O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(flock(fd, LOCK_SH | LOCK_NB), 0);
    CHECK_ERRNO(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    close(fd);
}

static void posix_lock_flock(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    int fd = open(P("f"), O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(flock(fd, LOCK_EX), 0);
    in_child(child_flock_excluded);
    CHECK_EQ(flock(fd, LOCK_SH), 0);
    in_child(child_flock_shared);
    CHECK_EQ(flock(fd, LOCK_UN), 0);
    /* flock and POSIX locks do not see each other on Linux */
    CHECK_EQ(flock(fd, LOCK_EX), 0);
    int fd2 = open(P("f"), O_RDWR);
    CHECK(fd2 >= 0);
    CHECK_EQ(set_lock(fd2, F_SETLK, F_WRLCK, 0, 0), 0);
    close(fd2);
    close(fd);
}

/* Open file description locks belong to the open, not the process. */
static void posix_lock_ofd(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    int a = open(P("f"), O_RDWR), b = open(P("f"), O_RDWR);
    REQUIRE(a >= 0 && b >= 0);
    CHECK_EQ(set_lock(a, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
    errno = 0;
    CHECK(set_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1) == -1 && errno == EAGAIN);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
                        .l_start = 0, .l_len = 1 };
    CHECK_EQ(fcntl(b, F_OFD_GETLK, &fl), 0);
    CHECK_EQ(fl.l_type, F_WRLCK);
    CHECK_EQ(fl.l_pid, -1);
    /* closing another descriptor does not drop it (unlike POSIX locks) */
    int c = open(P("f"), O_RDONLY);
    CHECK(c >= 0);
    close(c);
    CHECK(set_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1) == -1);
    close(a);
    CHECK_EQ(set_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1), 0);
    close(b);
}

static void on_alarm(int sig) { (void)sig; }

static void child_waits(void)
{
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    struct sigaction sa = { .sa_handler = on_alarm };  /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { .it_value = { 0, 200000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    long long t0 = now_ms();
    CHECK_ERRNO(set_lock(fd, F_SETLKW, F_WRLCK, 0, 0), EINTR);
    CHECK(now_ms() - t0 >= 150);
    /* the same for flock */
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK_ERRNO(flock(fd, LOCK_EX), EINTR);
    close(fd);
}

static void child_waits_for_release(void)
{
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    /* the holder lets go 300 ms in (see the parent) */
    CHECK_EQ(set_lock(fd, F_SETLKW, F_WRLCK, 0, 0), 0);
    close(fd);
}

/* A blocked F_SETLKW or flock() ends with EINTR on a signal, and gets
 * the lock once the holder lets go. */
static void posix_lock_wait(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    int fd = open(P("f"), O_RDWR);
    REQUIRE(fd >= 0);
    CHECK_EQ(set_lock(fd, F_SETLK, F_WRLCK, 0, 0), 0);
    CHECK_EQ(flock(fd, LOCK_EX), 0);
    in_child(child_waits);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        check_failed = 0;
        child_waits_for_release();
        _exit(check_failed ? 1 : 0);
    }
    REQUIRE(pid > 0);
    msleep(300);
    CHECK_EQ(set_lock(fd, F_SETLK, F_UNLCK, 0, 0), 0);
    int st = 0;
    CHECK_EQ(wait_deadline(pid, 10000, &st), 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(fd);
}

void posix_locks_tests(void)
{
    CASE(posix_lock_fcntl, NULL, 0);
    CASE(posix_lock_flock, NULL, 0);
    CASE(posix_lock_ofd, NULL, 0);
    CASE(posix_lock_wait, NULL, 0);
}
