/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Timestamps: utimensat round trips, write/truncate/create/unlink move
 * the right times forward, UTIME_OMIT and UTIME_NOW. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long ts_ns(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void times_utimens(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "x", 1) == 0);
    struct timespec ts[2] = { { 1234567890, 123456789 }, { 987654321, 999999999 } };
    CHECK_EQ(utimensat(AT_FDCWD, p, ts, 0), 0);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 1234567890);
    CHECK_EQ(st.st_atim.tv_nsec, 123456789);
    CHECK_EQ(st.st_mtim.tv_sec, 987654321);
    CHECK_EQ(st.st_mtim.tv_nsec, 999999999);
    /* after the caches are dropped too */
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 1234567890);
    CHECK_EQ(st.st_atim.tv_nsec, 123456789);
    CHECK_EQ(st.st_mtim.tv_sec, 987654321);
    CHECK_EQ(st.st_mtim.tv_nsec, 999999999);
    /* on a directory, through an fd, and on a symlink itself */
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    struct timespec dts[2] = { { 100, 1 }, { 200, 2 } };
    CHECK_EQ(utimensat(AT_FDCWD, P("d"), dts, 0), 0);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK_EQ(st.st_mtim.tv_sec, 200);
    CHECK_EQ(st.st_mtim.tv_nsec, 2);
    int fd = open(p, O_RDWR);
    REQUIRE(fd >= 0);
    struct timespec fts[2] = { { 300, 3 }, { 400, 4 } };
    CHECK_EQ(futimens(fd, fts), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 300);
    CHECK_EQ(st.st_mtim.tv_nsec, 4);
    close(fd);
    CHECK_EQ(symlink("f", P("l")), 0);
    struct timespec lts[2] = { { 500, 5 }, { 600, 6 } };
    CHECK_EQ(utimensat(AT_FDCWD, P("l"), lts, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(lstat(P("l"), &st), 0);
    CHECK_EQ(st.st_mtim.tv_sec, 600);
    CHECK_EQ(st.st_mtim.tv_nsec, 6);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_mtim.tv_sec, 400);
}

static void times_omit_now(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "x", 1) == 0);
    struct timespec ts[2] = { { 1000, 10 }, { 2000, 20 } };
    CHECK_EQ(utimensat(AT_FDCWD, p, ts, 0), 0);
    /* change mtime only */
    struct timespec m[2] = { { 0, UTIME_OMIT }, { 3000, 30 } };
    CHECK_EQ(utimensat(AT_FDCWD, p, m, 0), 0);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 1000);
    CHECK_EQ(st.st_atim.tv_nsec, 10);
    CHECK_EQ(st.st_mtim.tv_sec, 3000);
    CHECK_EQ(st.st_mtim.tv_nsec, 30);
    /* change atime only */
    struct timespec a[2] = { { 4000, 40 }, { 0, UTIME_OMIT } };
    CHECK_EQ(utimensat(AT_FDCWD, p, a, 0), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 4000);
    CHECK_EQ(st.st_atim.tv_nsec, 40);
    CHECK_EQ(st.st_mtim.tv_sec, 3000);
    CHECK_EQ(st.st_mtim.tv_nsec, 30);
    /* both omitted: nothing changes */
    struct timespec o[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    CHECK_EQ(utimensat(AT_FDCWD, p, o, 0), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 4000);
    CHECK_EQ(st.st_mtim.tv_sec, 3000);
    /* UTIME_NOW on mtime, atime left alone */
    struct timespec n[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    time_t before = time(NULL);
    CHECK_EQ(utimensat(AT_FDCWD, p, n, 0), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_atim.tv_sec, 4000);
    CHECK(st.st_mtim.tv_sec >= before - 2 && st.st_mtim.tv_sec <= time(NULL) + 2);
    /* NULL times: both now */
    CHECK_EQ(utimensat(AT_FDCWD, p, NULL, 0), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK(st.st_atim.tv_sec >= before - 2 && st.st_atim.tv_sec <= time(NULL) + 2);
    CHECK(st.st_mtim.tv_sec >= before - 2 && st.st_mtim.tv_sec <= time(NULL) + 2);
}

static void times_advance(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "x", 1) == 0);
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    CHECK_EQ(utimensat(AT_FDCWD, p, old, 0), 0);
    struct stat s0, s1;
    CHECK_EQ(stat(p, &s0), 0);
    msleep(30);
    time_t now = time(NULL);
    /* write: mtime and ctime move forward */
    int fd = open(p, O_WRONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "yz", 2), 2);
    close(fd);
    CHECK_EQ(stat(p, &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    CHECK(ts_ns(s1.st_ctim) > ts_ns(s0.st_ctim));
    CHECK_EQ(s1.st_atim.tv_sec, 1000000000);

    /* truncate: both forward */
    CHECK_EQ(utimensat(AT_FDCWD, p, old, 0), 0);
    CHECK_EQ(stat(p, &s0), 0);
    msleep(30);
    CHECK_EQ(truncate(p, 100), 0);
    CHECK_EQ(stat(p, &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    CHECK(ts_ns(s1.st_ctim) > ts_ns(s0.st_ctim));

    /* chmod: ctime forward, mtime unchanged */
    CHECK_EQ(utimensat(AT_FDCWD, p, old, 0), 0);
    CHECK_EQ(stat(p, &s0), 0);
    msleep(30);
    CHECK_EQ(chmod(p, 0600), 0);
    CHECK_EQ(stat(p, &s1), 0);
    CHECK_EQ(s1.st_mtim.tv_sec, 1000000000);
    CHECK(ts_ns(s1.st_ctim) > ts_ns(s0.st_ctim));

    /* a directory's mtime and ctime move when entries come and go */
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    CHECK_EQ(utimensat(AT_FDCWD, P("d"), old, 0), 0);
    CHECK_EQ(stat(P("d"), &s0), 0);
    msleep(30);
    CHECK_EQ(write_file(P("d/new"), "", 0), 0);
    CHECK_EQ(stat(P("d"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    CHECK(ts_ns(s1.st_ctim) > ts_ns(s0.st_ctim));
    CHECK_EQ(utimensat(AT_FDCWD, P("d"), old, 0), 0);
    msleep(30);
    CHECK_EQ(unlink(P("d/new")), 0);
    CHECK_EQ(stat(P("d"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    CHECK_EQ(utimensat(AT_FDCWD, P("d"), old, 0), 0);
    msleep(30);
    CHECK_EQ(mkdir(P("d/sub"), 0755), 0);
    CHECK_EQ(stat(P("d"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    /* rename: both directories change */
    CHECK_EQ(write_file(P("d/moved"), "", 0), 0);
    CHECK_EQ(utimensat(AT_FDCWD, P("d"), old, 0), 0);
    CHECK_EQ(utimensat(AT_FDCWD, P("d/sub"), old, 0), 0);
    CHECK_EQ(stat(P("d/moved"), &s0), 0);
    msleep(30);
    CHECK_EQ(rename(P("d/moved"), P("d/sub/moved")), 0);
    CHECK_EQ(stat(P("d"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    CHECK_EQ(stat(P("d/sub"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2);
    /* a newly created file has all three times near now */
    CHECK_EQ(write_file(P("fresh"), "", 0), 0);
    CHECK_EQ(stat(P("fresh"), &s1), 0);
    CHECK(s1.st_mtim.tv_sec >= now - 2 && s1.st_mtim.tv_sec <= time(NULL) + 2);
    CHECK(s1.st_ctim.tv_sec >= now - 2 && s1.st_ctim.tv_sec <= time(NULL) + 2);
    CHECK(s1.st_atim.tv_sec >= now - 2 && s1.st_atim.tv_sec <= time(NULL) + 2);
}

void times_tests(void)
{
    CASE(times_utimens, NULL, 0);
    CASE(times_omit_now, NULL, 0);
    CASE(times_advance, NULL, 0);
}
