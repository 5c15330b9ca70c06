/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Timestamps: utimensat with UTIME_NOW/UTIME_OMIT and nanoseconds, the
 * mtime/ctime update rule of each operation, statx birth time. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

static struct timespec ts(time_t s, long ns)
{
    struct timespec t = { s, ns };
    return t;
}

static struct timespec now_rt(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t;
}

/* |a - b| <= slack seconds */
static int near(struct timespec a, struct timespec b, int slack)
{
    long long d = (long long)a.tv_sec - (long long)b.tv_sec;
    return d >= -slack && d <= slack;
}

static void utimens(void)
{
    REQUIRE_OK(ct_touch("f"));
    struct timespec t[2] = { ts(1000000000, 123456789),
                             ts(1500000000, 987654321) };
    struct stat sb, prev;
    REQUIRE_OK(stat("f", &prev));
    CT_TICK();
    CHECK_OK(utimensat(AT_FDCWD, "f", t, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_atim, t[0]));
    CHECK(TS_EQ(sb.st_mtim, t[1]));
    CHECK(TS_GT(sb.st_ctim, prev.st_ctim));       /* ctime is now */
    CHECK(near(sb.st_ctim, now_rt(), 5));
    /* UTIME_OMIT leaves one alone, a new value for the other */
    struct timespec t2[2] = { ts(0, UTIME_OMIT), ts(1600000000, 1) };
    CHECK_OK(utimensat(AT_FDCWD, "f", t2, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_atim, t[0]));
    CHECK(TS_EQ(sb.st_mtim, t2[1]));
    /* UTIME_NOW for atime only */
    struct timespec t3[2] = { ts(0, UTIME_NOW), ts(0, UTIME_OMIT) };
    CHECK_OK(utimensat(AT_FDCWD, "f", t3, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(near(sb.st_atim, now_rt(), 5));
    CHECK(TS_EQ(sb.st_mtim, t2[1]));
    /* both omitted: nothing changes, not even ctime */
    prev = sb;
    CT_TICK();
    struct timespec t4[2] = { ts(0, UTIME_OMIT), ts(0, UTIME_OMIT) };
    CHECK_OK(utimensat(AT_FDCWD, "f", t4, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_ctim, prev.st_ctim));
    CHECK(TS_EQ(sb.st_mtim, prev.st_mtim));
    /* NULL: both now */
    CHECK_OK(utimensat(AT_FDCWD, "f", NULL, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(near(sb.st_mtim, now_rt(), 5));
    CHECK(near(sb.st_atim, now_rt(), 5));
    /* before the epoch and far in the future */
    struct timespec t5[2] = { ts(-1000, 5), ts(4102444800LL, 999999999) };
    CHECK_OK(utimensat(AT_FDCWD, "f", t5, 0));
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_atim, t5[0]));
    CHECK(TS_EQ(sb.st_mtim, t5[1]));
    /* futimens and a symlink itself */
    int fd = open("f", O_RDONLY);
    CHECK_OK(futimens(fd, t));
    CHECK_OK(fstat(fd, &sb));
    CHECK(TS_EQ(sb.st_mtim, t[1]));
    close(fd);
    REQUIRE_OK(symlink("f", "l"));
    CHECK_OK(utimensat(AT_FDCWD, "l", t2 + 1 - 1, AT_SYMLINK_NOFOLLOW));
    struct stat ls;
    CHECK_OK(lstat("l", &ls));
    CHECK(TS_EQ(ls.st_mtim, t2[1]));
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_mtim, t[1]));
    struct timespec bad[2] = { ts(0, 1000000000), ts(0, 0) };
    CHECK_ERR(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    /* directories too */
    REQUIRE_OK(mkdir("d", 0755));
    CHECK_OK(utimensat(AT_FDCWD, "d", t, 0));
    CHECK_OK(stat("d", &sb));
    CHECK(TS_EQ(sb.st_mtim, t[1]));
}

static void utime_nonowner_child(void)
{
    /* write permission allows "now", not explicit times */
    CHECK_OK(utimensat(AT_FDCWD, "w/f", NULL, 0));
    struct timespec t[2] = { ts(5, 0), ts(5, 0) };
    CHECK_ERR(utimensat(AT_FDCWD, "w/f", t, 0), EPERM);
    struct timespec n[2] = { ts(0, UTIME_NOW), ts(0, UTIME_NOW) };
    CHECK_OK(utimensat(AT_FDCWD, "w/f", n, 0));
    /* no write permission: not even now */
    CHECK_ERR(utimensat(AT_FDCWD, "w/ro", NULL, 0), EACCES);
}

static void utime_nonowner(void)
{
    if (!ct_is_root())
        SKIP("needs root to switch users");
    REQUIRE_OK(mkdir("w", 0755));
    REQUIRE_OK(ct_touch("w/f"));
    REQUIRE_OK(chmod("w/f", 0666));
    REQUIRE_OK(ct_touch("w/ro"));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        if (ct_become(CT_NOBODY, CT_NOBODY) == 0)
            utime_nonowner_child();
        else
            FAIL("setresuid: %s", ct_errname(errno));
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
}

/* ---- update rules --------------------------------------------------------- */

struct snap {
    const char *path;
    struct stat sb;
};

/* A path "old>new" names a file that the operation renames: the
 * snapshot is taken of old, the comparison made on new. */
static const char *side(const char *path, int after, char *buf, size_t cap)
{
    const char *gt = strchr(path, '>');
    if (!gt)
        return path;
    if (after)
        return gt + 1;
    snprintf(buf, cap, "%.*s", (int)(gt - path), path);
    return buf;
}

static void take(struct snap *s, int n)
{
    char b[256];
    for (int i = 0; i < n; i++)
        if (lstat(side(s[i].path, 0, b, sizeof b), &s[i].sb) == -1)
            FAIL("lstat %s: %s", s[i].path, ct_errname(errno));
}

/* After op: for each path, 'm' if mtime must change, 'c' ctime, '-'
 * neither (an expectation string like "mc", "c", "-"). */
static void expect(const char *op, struct snap *before, int n,
                   const char *const *want)
{
    for (int i = 0; i < n; i++) {
        struct stat now;
        char b[256];
        if (lstat(side(before[i].path, 1, b, sizeof b), &now) == -1) {
            FAIL("%s: lstat %s: %s", op, before[i].path, ct_errname(errno));
            continue;
        }
        int m = !TS_EQ(now.st_mtim, before[i].sb.st_mtim);
        int c = !TS_EQ(now.st_ctim, before[i].sb.st_ctim);
        int wm = strchr(want[i], 'm') != NULL;
        int wc = strchr(want[i], 'c') != NULL;
        if (m != wm)
            FAIL("%s: mtime of %s %s", op, before[i].path,
                 m ? "changed, must not" : "unchanged, must change");
        if (c != wc)
            FAIL("%s: ctime of %s %s", op, before[i].path,
                 c ? "changed, must not" : "unchanged, must change");
    }
}

#define STEP(opname, call, ...)                                            \
    do {                                                                   \
        const char *paths_[] = { __VA_ARGS__ };                            \
        enum { N_ = sizeof paths_ / sizeof paths_[0] / 2 };                \
        struct snap s_[N_];                                                \
        const char *want_[N_];                                             \
        for (int i_ = 0; i_ < N_; i_++) {                                  \
            s_[i_].path = paths_[2 * i_];                                  \
            want_[i_] = paths_[2 * i_ + 1];                                \
        }                                                                  \
        take(s_, N_);                                                      \
        CT_TICK();                                                         \
        CHECK_OK(call);                                                    \
        expect(opname, s_, N_, want_);                                     \
    } while (0)

/* Attribute changes are inode changes.  Its own case (its name has
 * "xattr" in it), so a mount without extended attributes, which the
 * xattr_ cases already report, does not fail the other time rules. */
static void xattr_ctime(void)
{
    REQUIRE_OK(mkdir("e", 0755));
    REQUIRE_OK(ct_touch("e/h"));
    STEP("setxattr", setxattr("e/h", "user.t", "v", 1, 0), "e/h", "c", "e",
         "-");
    STEP("replace", setxattr("e/h", "user.t", "w", 1, XATTR_REPLACE), "e/h",
         "c");
    STEP("removexattr", removexattr("e/h", "user.t"), "e/h", "c", "e", "-");
}

static void update_rules(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(mkdir("e", 0755));
    int fd = -1;
    char buf[16];
    STEP("create", fd = open("d/f", O_CREAT | O_RDWR, 0644), "d", "mc");
    struct stat nf;
    CHECK_OK(fstat(fd, &nf));
    CHECK(TS_EQ(nf.st_mtim, nf.st_ctim));
    CHECK(TS_EQ(nf.st_atim, nf.st_ctim));
    REQUIRE(fd >= 0);
    STEP("write", pwrite(fd, "data", 4, 0), "d/f", "mc", "d", "-");
    STEP("read", pread(fd, buf, 4, 0), "d/f", "-");
    STEP("ftruncate grow", ftruncate(fd, 100), "d/f", "mc");
    STEP("ftruncate shrink", ftruncate(fd, 10), "d/f", "mc");
    STEP("truncate", truncate("d/f", 20), "d/f", "mc");
    STEP("chmod", chmod("d/f", 0600), "d/f", "c", "d", "-");
    STEP("chown", chown("d/f", getuid(), getgid()), "d/f", "c");
    STEP("link", link("d/f", "d/g"), "d/f", "c", "d", "mc");
    STEP("unlink one link", unlink("d/g"), "d/f", "c", "d", "mc");
    STEP("rename in dir", rename("d/f", "d/h"), "d/f>d/h", "c", "d", "mc");
    STEP("rename across", rename("d/h", "e/h"), "d/h>e/h", "c", "d", "mc", "e",
         "mc");
    STEP("mkdir", mkdir("d/sub", 0755), "d", "mc");
    STEP("rmdir", rmdir("d/sub"), "d", "mc");
    STEP("symlink", symlink("x", "d/s"), "d", "mc");
    STEP("mkfifo", mkfifo("d/p", 0644), "d", "mc");
    STEP("utimensat", utimensat(AT_FDCWD, "e/h", NULL, 0), "e/h", "mc");
    STEP("open no write", close(open("e/h", O_RDWR)), "e/h", "-", "e", "-");
    STEP("O_TRUNC", close(open("e/h", O_RDWR | O_TRUNC)), "e/h", "mc");
    STEP("stat", access("e/h", F_OK), "e/h", "-", "e", "-");
    STEP("rename over", rename("e/h", "d/s"), "d", "mc", "e", "mc");
    close(fd);
    /* a write through an O_APPEND descriptor */
    fd = open("d/s", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    STEP("append", write(fd, "x", 1), "d/s", "mc");
    close(fd);
}

static void statx_btime(void)
{
    struct timespec before = now_rt();
    before.tv_sec -= 2;
    REQUIRE_OK(ct_touch("f"));
    struct statx sx;
    REQUIRE_OK(statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS | STATX_BTIME, &sx));
    if (!(sx.stx_mask & STATX_BTIME)) {
        FAIL("statx did not report STATX_BTIME (mask %#x)", sx.stx_mask);
        return;
    }
    struct timespec b = { sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec };
    struct timespec m = { sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec };
    CHECK(ct_ts_cmp(b, before) >= 0);
    CHECK(ct_ts_cmp(b, m) <= 0);
    CHECK(near(b, now_rt(), 5));
    CT_TICK();
    /* writes, chmod and utimensat do not move the birth time */
    REQUIRE_OK(ct_write_file("f", "abc", 3));
    REQUIRE_OK(chmod("f", 0600));
    struct timespec t[2] = { ts(100, 0), ts(100, 0) };
    REQUIRE_OK(utimensat(AT_FDCWD, "f", t, 0));
    struct statx sx2;
    REQUIRE_OK(statx(AT_FDCWD, "f", 0, STATX_BTIME, &sx2));
    CHECK(sx2.stx_mask & STATX_BTIME);
    CHECK_EQ(sx2.stx_btime.tv_sec, sx.stx_btime.tv_sec);
    CHECK_EQ(sx2.stx_btime.tv_nsec, sx.stx_btime.tv_nsec);
    /* a directory has one too */
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(statx(AT_FDCWD, "d", 0, STATX_BTIME, &sx2));
    CHECK(sx2.stx_mask & STATX_BTIME);
    /* a file created later is born later */
    REQUIRE_OK(ct_touch("g"));
    REQUIRE_OK(statx(AT_FDCWD, "g", 0, STATX_BTIME, &sx2));
    struct timespec b2 = { sx2.stx_btime.tv_sec, sx2.stx_btime.tv_nsec };
    CHECK(TS_GT(b2, b));
}

/* Reading updates atime under relatime when atime is not newer than
 * mtime; O_NOATIME reads never do.  (FUSE marks inodes S_NOATIME, so on
 * a FUSE mount the file system has to do this itself, and cached reads
 * never reach it: see issue 3.) */
static void atime_relatime(void)
{
    struct statvfs vfs;
    REQUIRE_OK(statvfs(".", &vfs));
    if (vfs.f_flag & ST_NOATIME)
        SKIP("mounted noatime");
    REQUIRE_OK(ct_write_file("f", "atime", 5));
    struct timespec old[2] = { ts(1000, 0), ts(0, UTIME_OMIT) };
    REQUIRE_OK(utimensat(AT_FDCWD, "f", old, 0));
    /* O_NOATIME: no change */
    char c;
    int fd = open("f", O_RDONLY | O_NOATIME);
    REQUIRE(fd >= 0);
    CHECK_EQ(read(fd, &c, 1), 1);
    close(fd);
    struct stat sb;
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_atim.tv_sec, 1000);
    /* a plain read: atime (older than mtime) moves to now */
    fd = open("f", O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(read(fd, &c, 1), 1);
    close(fd);
    CHECK_OK(stat("f", &sb));
    CHECKM(near(sb.st_atim, now_rt(), 5), "atime after a read is %lld, "
           "expected now (relatime: atime was older than mtime)",
           (long long)sb.st_atim.tv_sec);
    /* readdir updates a directory's atime the same way */
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(utimensat(AT_FDCWD, "d", old, 0));
    DIR *d = opendir("d");
    REQUIRE(d);
    while (readdir(d)) {
    }
    closedir(d);
    CHECK_OK(stat("d", &sb));
    CHECKM(near(sb.st_atim, now_rt(), 5), "directory atime after readdir "
           "is %lld, expected now", (long long)sb.st_atim.tv_sec);
}

const struct ct_case ct_times_cases[] = {
    { "time_utimensat", utimens, 0 },
    { "time_utimensat_nonowner", utime_nonowner, 0 },
    { "time_update_rules", update_rules, 0 },
    { "time_xattr_ctime", xattr_ctime, 0 },
    { "time_statx_btime", statx_btime, 0 },
    { "time_atime_relatime", atime_relatime, 0 },
    { NULL, NULL, 0 },
};
