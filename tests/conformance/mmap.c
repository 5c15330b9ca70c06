/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Memory mappings: shared writable mappings coherent with read/write
 * from another process, msync and mtime, private mappings, SIGBUS past
 * the end of the file. */
#include "ct.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { LEN = 65536 };

static int sync_byte(int rfd, int ms)
{
    struct pollfd p = { .fd = rfd, .events = POLLIN };
    unsigned char c;
    if (poll(&p, 1, ms) != 1 || read(rfd, &c, 1) != 1)
        return -1;
    return c;
}

static void send_byte(int wfd, int c)
{
    unsigned char b = (unsigned char)c;
    if (write(wfd, &b, 1) != 1)
        FAIL("pipe write");
}

static void shared_coherent(void)
{
    unsigned char buf[LEN];
    ct_fill(buf, LEN, 13, 0);
    REQUIRE_OK(ct_write_file("f", buf, LEN));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
                            fd, 0);
    REQUIRE(m != MAP_FAILED);
    CHECK(memcmp(m, buf, LEN) == 0);
    int toc[2], top[2];
    REQUIRE_OK(pipe(toc));
    REQUIRE_OK(pipe(top));
    pid_t pid = ct_fork(15);
    if (pid == 0) {
        int f = open("f", O_RDWR);
        unsigned char b[16];
        /* 1: the child writes with pwrite; the parent reads the map */
        CHECK_EQ(pwrite(f, "child-wrote-this", 16, 5000), 16);
        send_byte(top[1], 1);
        /* 2: the parent stores into the map; the child preads */
        if (sync_byte(toc[0], 10000) != 2)
            _exit(1);
        CHECK_EQ(pread(f, b, 16, 40000), 16);
        CHECK(memcmp(b, "parent-mapped-it", 16) == 0);
        /* 3: the child maps too and stores; the parent reads it via read */
        unsigned char *cm = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
                                 MAP_SHARED, f, 0);
        CHECK(cm != MAP_FAILED);
        if (cm != MAP_FAILED) {
            memcpy(cm + 60000, "child-mapped-one", 16);
            /* and sees the parent's earlier map store through its map */
            CHECK(memcmp(cm + 40000, "parent-mapped-it", 16) == 0);
        }
        send_byte(top[1], 3);
        sync_byte(toc[0], 10000);
        _exit(0);
    }
    REQUIRE(pid > 0);
    CHECK_EQ(sync_byte(top[0], 10000), 1);
    CHECK(memcmp(m + 5000, "child-wrote-this", 16) == 0);
    memcpy(m + 40000, "parent-mapped-it", 16);
    send_byte(toc[1], 2);
    CHECK_EQ(sync_byte(top[0], 10000), 3);
    unsigned char b[16];
    CHECK_EQ(pread(fd, b, 16, 60000), 16);
    CHECK(memcmp(b, "child-mapped-one", 16) == 0);
    CHECK(memcmp(m + 60000, "child-mapped-one", 16) == 0);
    send_byte(toc[1], 4);
    CHECK_EQ(ct_wait(pid, 10000), 0);
    /* everything else is untouched */
    CHECK(memcmp(m, buf, 5000) == 0);
    CHECK(memcmp(m + 5016, buf + 5016, 40000 - 5016) == 0);
    munmap(m, LEN);
    close(fd);
}

static void msync_mtime(void)
{
    unsigned char buf[LEN];
    ct_fill(buf, LEN, 17, 0);
    REQUIRE_OK(ct_write_file("f", buf, LEN));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    struct stat a, b;
    REQUIRE_OK(fstat(fd, &a));
    unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
                            fd, 0);
    REQUIRE(m != MAP_FAILED);
    CT_TICK();
    memset(m + 100, 'M', 1000);
    CHECK_OK(msync(m, LEN, MS_SYNC));
    REQUIRE_OK(fstat(fd, &b));
    CHECK(TS_GT(b.st_mtim, a.st_mtim));
    CHECK(TS_GT(b.st_ctim, a.st_ctim));
    CHECK_EQ(b.st_size, LEN);
    CHECK_OK(msync(m, LEN, MS_ASYNC));
    CHECK_OK(msync(m, LEN, MS_INVALIDATE));
    CHECK_ERR(msync(m + 1, LEN, MS_SYNC), EINVAL);      /* unaligned */
    munmap(m, LEN);
    close(fd);
    /* after unmap and close, the data is in the file */
    unsigned char r[LEN];
    CHECK_EQ(ct_read_file("f", r, LEN), LEN);
    memset(buf + 100, 'M', 1000);
    CHECK(memcmp(r, buf, LEN) == 0);
    /* a store without msync is written back on munmap + close too */
    fd = open("f", O_RDWR);
    m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    memset(m + LEN - 10, 'E', 10);
    munmap(m, LEN);
    CHECK_OK(fsync(fd));
    close(fd);
    CHECK_EQ(ct_read_file("f", r, LEN), LEN);
    CHECK(memcmp(r + LEN - 10, "EEEEEEEEEE", 10) == 0);
}

static void private_map(void)
{
    unsigned char buf[8192];
    ct_fill(buf, sizeof buf, 19, 0);
    REQUIRE_OK(ct_write_file("f", buf, sizeof buf));
    int fd = open("f", O_RDONLY);
    REQUIRE(fd >= 0);
    unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                            fd, 0);
    REQUIRE(m != MAP_FAILED);
    memset(m, 'P', 100);
    unsigned char r[100];
    CHECK_EQ(pread(fd, r, 100, 0), 100);
    CHECK(memcmp(r, buf, 100) == 0);           /* not in the file */
    /* a shared writable map of a read-only descriptor is refused */
    CHECK(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
          MAP_FAILED && errno == EACCES);
    munmap(m, 8192);
    close(fd);
}

static void on_sigbus(int sig)
{
    (void)sig;
    _exit(42);
}

static void sigbus_past_eof(void)
{
    REQUIRE_OK(ct_write_file("f", "x", 1));
    int fd = open("f", O_RDWR);
    REQUIRE(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, (size_t)pg * 4, PROT_READ | PROT_WRITE,
                            MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    /* the rest of the last page reads as zero */
    CHECK_EQ(m[0], 'x');
    CHECK_EQ(m[pg - 1], 0);
    pid_t pid = ct_fork(5);
    if (pid == 0) {
        signal(SIGBUS, on_sigbus);
        volatile unsigned char c = m[2 * pg];      /* beyond EOF */
        (void)c;
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 5000), 42);   /* SIGBUS */
    /* growing the file makes the pages valid, reading zero */
    CHECK_OK(ftruncate(fd, pg * 4));
    CHECK_EQ(m[2 * pg], 0);
    m[3 * pg] = 'y';
    unsigned char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 3 * pg), 1);
    CHECK_EQ(c, 'y');
    /* and shrinking it makes them invalid again */
    CHECK_OK(ftruncate(fd, 1));
    pid = ct_fork(5);
    if (pid == 0) {
        signal(SIGBUS, on_sigbus);
        volatile unsigned char d = m[3 * pg];
        (void)d;
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 5000), 42);   /* SIGBUS */
    munmap(m, (size_t)pg * 4);
    close(fd);
}

const struct ct_case ct_mmap_cases[] = {
    { "mmap_shared_coherent", shared_coherent, 0 },
    { "mmap_msync_mtime", msync_mtime, 0 },
    { "mmap_private", private_map, 0 },
    { "mmap_sigbus_past_eof", sigbus_past_eof, 0 },
    { NULL, NULL, 0 },
};
