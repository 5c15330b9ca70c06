/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which operation moves which time: create, link, unlink and rename on
 * the directories and the file; write, truncate, chmod, chown and
 * utimensat on the file; nanosecond resolution; creation time through
 * statx.  Same results on tmpfs.
 *
 * Times are compared with what the file had before, never with the
 * test's clock: the kernel stamps with a coarse clock that may lag
 * clock_gettime() by a tick. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static const struct timespec old_times[2] = { { 1000000000, 0 },
                                              { 1000000000, 0 } };

static long long ns(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Set path's atime and mtime far back and return its stat. */
static struct stat age(const char *path)
{
    struct stat st = { 0 };
    memset(&st, 0, sizeof st);
    CHECK_EQ(utimensat(AT_FDCWD, path, old_times, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(lstat(path, &st), 0);
    msleep(20);  /* more than a clock tick */
    return st;
}

/* mtime and ctime moved forward since `before` (taken by age()). */
static void moved(const char *path, const struct stat *before, int line)
{
    struct stat st = { 0 };
    CHECK_EQ(lstat(path, &st), 0);
    if (ns(st.st_mtim) <= ns(before->st_mtim) ||
        ns(st.st_ctim) <= ns(before->st_ctim)) {
        printf("  line %d: %s: mtime/ctime did not move\n", line, path);
        check_failed = 1;
    }
}

/* Only ctime moved. */
static void ctime_moved(const char *path, const struct stat *before, int line)
{
    struct stat st = { 0 };
    CHECK_EQ(lstat(path, &st), 0);
    if (ns(st.st_mtim) != ns(before->st_mtim) ||
        ns(st.st_ctim) <= ns(before->st_ctim)) {
        printf("  line %d: %s: expected only ctime to move\n", line, path);
        check_failed = 1;
    }
}

static void unchanged(const char *path, const struct stat *before, int line)
{
    struct stat st = { 0 };
    CHECK_EQ(lstat(path, &st), 0);
    if (ns(st.st_mtim) != ns(before->st_mtim) ||
        ns(st.st_ctim) != ns(before->st_ctim)) {
        printf("  line %d: %s: times changed\n", line, path);
        check_failed = 1;
    }
}

/* Every kind of create changes the parent's mtime and ctime. */
static void posix_times_create(void)
{
    REQUIRE(mkdir(P("d"), 0755) == 0);
    struct stat d = age(P("d"));
    CHECK_EQ(write_file(P("d/f"), "", 0), 0);
    moved(P("d"), &d, __LINE__);
    d = age(P("d"));
    CHECK_EQ(mkdir(P("d/sub"), 0755), 0);
    moved(P("d"), &d, __LINE__);
    d = age(P("d"));
    CHECK_EQ(symlink("f", P("d/s")), 0);
    moved(P("d"), &d, __LINE__);
    d = age(P("d"));
    CHECK_EQ(mkfifo(P("d/p"), 0644), 0);
    moved(P("d"), &d, __LINE__);
    /* a new file's own times are all one moment */
    struct stat st = { 0 };
    CHECK_EQ(stat(P("d/f"), &st), 0);
    CHECK_EQ(ns(st.st_mtim), ns(st.st_ctim));
    CHECK_EQ(ns(st.st_atim), ns(st.st_ctim));
}

/* link, unlink and rename change the directories' mtime and ctime and
 * the file's ctime, never the file's mtime. */
static void posix_times_namespace(void)
{
    REQUIRE(mkdir(P("a"), 0755) == 0);
    REQUIRE(mkdir(P("b"), 0755) == 0);
    REQUIRE(write_file(P("a/f"), "x", 1) == 0);
    struct stat a = age(P("a")), f = age(P("a/f"));
    CHECK_EQ(link(P("a/f"), P("a/g")), 0);
    moved(P("a"), &a, __LINE__);
    ctime_moved(P("a/f"), &f, __LINE__);

    a = age(P("a"));
    f = age(P("a/f"));
    CHECK_EQ(unlink(P("a/g")), 0);
    moved(P("a"), &a, __LINE__);
    ctime_moved(P("a/f"), &f, __LINE__);

    a = age(P("a"));
    struct stat b = age(P("b"));
    f = age(P("a/f"));
    CHECK_EQ(rename(P("a/f"), P("b/f")), 0);
    moved(P("a"), &a, __LINE__);
    moved(P("b"), &b, __LINE__);
    ctime_moved(P("b/f"), &f, __LINE__);

    /* the file a rename replaces loses a name: its ctime moves */
    REQUIRE(write_file(P("b/victim"), "v", 1) == 0);
    REQUIRE(link(P("b/victim"), P("b/keep")) == 0);
    struct stat v = age(P("b/keep"));
    CHECK_EQ(rename(P("b/f"), P("b/victim")), 0);
    ctime_moved(P("b/keep"), &v, __LINE__);

    /* unlink of an open file's last name moves its ctime too */
    int fd = open(P("b/keep"), O_RDONLY);
    REQUIRE(fd >= 0);
    v = age(P("b/keep"));
    CHECK_EQ(unlink(P("b/victim")), 0);
    CHECK_EQ(unlink(P("b/keep")), 0);
    struct stat st = { 0 };
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK(ns(st.st_ctim) > ns(v.st_ctim));
    CHECK_EQ(ns(st.st_mtim), ns(v.st_mtim));
    close(fd);
}

/* Data changes move mtime and ctime; attribute changes ctime only. */
static void posix_times_file_ops(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "abc", 3) == 0);
    struct stat f = age(p);
    int fd = open(p, O_WRONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(pwrite(fd, "z", 1, 1), 1);
    close(fd);
    moved(p, &f, __LINE__);

    f = age(p);
    CHECK_EQ(truncate(p, 10), 0);
    moved(p, &f, __LINE__);
    f = age(p);
    CHECK_EQ(truncate(p, 2), 0);
    moved(p, &f, __LINE__);
    /* POSIX requires it only when the size changes; Linux (tmpfs, ext4)
     * marks them anyway, and so does memfs */
    f = age(p);
    CHECK_EQ(truncate(p, 2), 0);
    moved(p, &f, __LINE__);
    /* open(O_TRUNC) always marks them, even of an empty file */
    REQUIRE(truncate(p, 0) == 0);
    f = age(p);
    fd = open(p, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    moved(p, &f, __LINE__);

    f = age(p);
    CHECK_EQ(chmod(p, 0600), 0);
    ctime_moved(p, &f, __LINE__);
    f = age(p);
    CHECK_EQ(chown(p, 1234, 5678), 0);
    ctime_moved(p, &f, __LINE__);
    f = age(p);
    CHECK_EQ(setxattr(p, "user.t", "1", 1, 0), 0);
    ctime_moved(p, &f, __LINE__);
    /* reading changes neither */
    f = age(p);
    char c;
    CHECK_EQ(read_file(p, &c, 1), 0);
    unchanged(p, &f, __LINE__);

    /* utimensat sets what it is told and moves ctime to now */
    struct stat before;
    CHECK_EQ(stat(p, &before), 0);
    msleep(20);
    struct timespec ts[2] = { { 5, 5 }, { 6, 6 } };
    CHECK_EQ(utimensat(AT_FDCWD, p, ts, 0), 0);
    struct stat st = { 0 };
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(ns(st.st_mtim), 6000000006LL);
    CHECK_EQ(ns(st.st_atim), 5000000005LL);
    CHECK(ns(st.st_ctim) > ns(before.st_ctim));
}

/* Two writes a few milliseconds apart get different mtimes: the times
 * have sub-second resolution end to end. */
static void posix_times_nsec(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "a", 1) == 0);
    int fd = open(p, O_WRONLY);
    REQUIRE(fd >= 0);
    struct stat s1, s2;
    int nonzero = 0;
    CHECK_EQ(fstat(fd, &s1), 0);
    for (int i = 0; i < 5; i++) {
        msleep(20);
        CHECK_EQ(pwrite(fd, "b", 1, 0), 1);
        CHECK_EQ(fstat(fd, &s2), 0);
        CHECK(ns(s2.st_mtim) > ns(s1.st_mtim));
        CHECK(s2.st_mtim.tv_sec - s1.st_mtim.tv_sec <= 1);
        nonzero |= s2.st_mtim.tv_nsec != 0;
        s1 = s2;
    }
    close(fd);
    CHECK(nonzero);
}

/* statx reports a creation time that no later change moves. */
static void posix_times_btime(void)
{
    const char *p = P("f");
    time_t t0 = time(NULL);
    REQUIRE(write_file(p, "a", 1) == 0);
    struct statx sx;
    CHECK_EQ(statx(AT_FDCWD, p, 0, STATX_BTIME | STATX_BASIC_STATS, &sx), 0);
    CHECK(sx.stx_mask & STATX_BTIME);
    CHECK(sx.stx_btime.tv_sec >= t0 - 2 && sx.stx_btime.tv_sec <= time(NULL) + 2);
    struct statx_timestamp born = sx.stx_btime;
    msleep(20);
    CHECK_EQ(write_file(p, "bb", 2), 0);
    CHECK_EQ(utimensat(AT_FDCWD, p, old_times, 0), 0);
    CHECK_EQ(chmod(p, 0600), 0);
    CHECK_EQ(rename(p, P("g")), 0);
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(statx(AT_FDCWD, P("g"), 0, STATX_BTIME, &sx), 0);
    CHECK(sx.stx_mask & STATX_BTIME);
    CHECK_EQ(sx.stx_btime.tv_sec, born.tv_sec);
    CHECK_EQ(sx.stx_btime.tv_nsec, born.tv_nsec);
    /* directories have one too */
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    CHECK_EQ(statx(AT_FDCWD, P("d"), 0, STATX_BTIME, &sx), 0);
    CHECK(sx.stx_mask & STATX_BTIME);
    CHECK(sx.stx_btime.tv_sec >= t0 - 2);
}

void posix_times_tests(void)
{
    CASE(posix_times_create, NULL, 0);
    CASE(posix_times_namespace, NULL, 0);
    CASE(posix_times_file_ops, NULL, 0);
    CASE(posix_times_nsec, NULL, 0);
    CASE(posix_times_btime, NULL, 0);
}
