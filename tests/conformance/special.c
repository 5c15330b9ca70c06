/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Special files: FIFOs with a reader and a writer, device nodes, and
 * AF_UNIX sockets bound to a name in the file system. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

static void fifo(void)
{
    REQUIRE_OK(mkfifo("p", 0644));
    struct stat sb;
    REQUIRE_OK(lstat("p", &sb));
    CHECK(S_ISFIFO(sb.st_mode));
    CHECK_EQ(sb.st_mode & 07777, 0644);
    CHECK_EQ(sb.st_size, 0);
    CHECK_ERR(mkfifo("p", 0644), EEXIST);
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int fd = open("p", O_WRONLY);       /* blocks until a reader */
        if (fd < 0)
            _exit(1);
        for (int i = 0; i < 100; i++)
            if (write(fd, "0123456789abcdef", 16) != 16)
                _exit(2);
        _exit(0);
    }
    REQUIRE(pid > 0);
    int fd = open("p", O_RDONLY);
    REQUIRE(fd >= 0);
    char buf[4096];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != "0123456789abcdef"[(got + (size_t)i) % 16]) {
                FAIL("fifo data corrupt at %zu", got + (size_t)i);
                break;
            }
        got += (size_t)r;
    }
    close(fd);
    CHECK_EQ(got, 1600);
    CHECK_EQ(ct_wait(pid, 10000), 0);
    /* non-blocking: a writer without a reader gets ENXIO */
    CHECK_ERR(open("p", O_WRONLY | O_NONBLOCK), ENXIO);
    fd = open("p", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(read(fd, buf, 1), 0);      /* no writer: EOF */
        close(fd);
    }
    CHECK_OK(unlink("p"));
    /* mknod(S_IFIFO) makes one as well */
    CHECK_OK(mknod("p2", S_IFIFO | 0600, 0));
    CHECK_OK(lstat("p2", &sb));
    CHECK(S_ISFIFO(sb.st_mode));
}

static void mknod_devices(void)
{
    struct stat sb;
    /* a regular file through mknod works for anyone */
    CHECK_OK(mknod("r", S_IFREG | 0640, 0));
    CHECK_OK(lstat("r", &sb));
    CHECK(S_ISREG(sb.st_mode));
    CHECK_EQ(sb.st_mode & 07777, 0640);
    if (!ct_is_root())
        SKIP("not root: cannot make device nodes");
    REQUIRE_OK(mknod("c", S_IFCHR | 0666, makedev(1, 3)));   /* null */
    REQUIRE_OK(lstat("c", &sb));
    CHECK(S_ISCHR(sb.st_mode));
    CHECK_EQ(major(sb.st_rdev), 1);
    CHECK_EQ(minor(sb.st_rdev), 3);
    CHECK_EQ(sb.st_mode & 07777, 0644);      /* umask 022 applied */
    REQUIRE_OK(mknod("b", S_IFBLK | 0600, makedev(7, 200)));
    CHECK_OK(lstat("b", &sb));
    CHECK(S_ISBLK(sb.st_mode));
    CHECK_EQ(major(sb.st_rdev), 7);
    CHECK_EQ(minor(sb.st_rdev), 200);
    /* a large device number round-trips */
    CHECK_OK(mknod("big", S_IFCHR | 0600, makedev(4000, 70000)));
    CHECK_OK(lstat("big", &sb));
    CHECK_EQ(major(sb.st_rdev), 4000);
    CHECK_EQ(minor(sb.st_rdev), 70000);
    /* the node works: it is /dev/null's device, unless the mount is nodev */
    int fd = open("c", O_RDWR);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "gone", 4), 4);
        char c;
        CHECK_EQ(read(fd, &c, 1), 0);
        close(fd);
    } else {
        CHECK_EQ(errno, EACCES);             /* nodev mount */
        ct_note("device open: %s (nodev mount?)", ct_errname(errno));
    }
    CHECK_ERR(mknod("c", S_IFCHR | 0600, makedev(1, 3)), EEXIST);
    CHECK_OK(unlink("c"));
    CHECK_OK(unlink("b"));
    /* a socket node by mknod */
    CHECK_OK(mknod("s", S_IFSOCK | 0600, 0));
    CHECK_OK(lstat("s", &sb));
    CHECK(S_ISSOCK(sb.st_mode));
}

static void unix_socket(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", ct_casedir);
    if (n < 0 || (size_t)n >= sizeof sa.sun_path)
        snprintf(sa.sun_path, sizeof sa.sun_path, "sock");  /* relative */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    REQUIRE_OK(bind(s, (struct sockaddr *)&sa, sizeof sa));
    struct stat sb;
    CHECK_OK(lstat("sock", &sb));
    CHECK(S_ISSOCK(sb.st_mode));
    REQUIRE_OK(listen(s, 1));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof sa) == -1)
            _exit(1);
        if (write(c, "ping", 4) != 4)
            _exit(2);
        char buf[4];
        if (read(c, buf, 4) != 4 || memcmp(buf, "pong", 4) != 0)
            _exit(3);
        _exit(0);
    }
    REQUIRE(pid > 0);
    int a = accept(s, NULL, NULL);
    CHECK(a >= 0);
    if (a >= 0) {
        char buf[4];
        CHECK_EQ(read(a, buf, 4), 4);
        CHECK(memcmp(buf, "ping", 4) == 0);
        CHECK_EQ(write(a, "pong", 4), 4);
        close(a);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
    close(s);
    /* binding again to an existing name fails */
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(s, (struct sockaddr *)&sa, sizeof sa), EADDRINUSE);
    close(s);
    CHECK_OK(unlink("sock"));
    CHECK_ERR(lstat("sock", &sb), ENOENT);
}

const struct ct_case ct_special_cases[] = {
    { "special_fifo", fifo, 0 },
    { "special_mknod_devices", mknod_devices, 0 },
    { "special_unix_socket", unix_socket, 0 },
    { NULL, NULL, 0 },
};
