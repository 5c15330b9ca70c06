/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* statfs, the -n/-s limits (ENOSPC), name length limits. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void limits_statfs(void)
{
    struct statvfs sv;
    REQUIRE(statvfs(itest_mnt, &sv) == 0);
    CHECK(sv.f_bsize > 0);
    CHECK(sv.f_frsize > 0);
    CHECK_EQ(sv.f_namemax, 255);
    CHECK(sv.f_bfree <= sv.f_blocks);
    CHECK(sv.f_bavail <= sv.f_blocks);
    CHECK(sv.f_ffree <= sv.f_files);
    struct statfs sf;
    CHECK_EQ(statfs(itest_mnt, &sf), 0);
    CHECK(sf.f_bsize > 0);
    CHECK_EQ(sf.f_namelen, 255);
    /* statfs on a file inside works the same */
    CHECK_EQ(write_file(P("f"), "x", 1), 0);
    struct statvfs sv2;
    CHECK_EQ(statvfs(P("f"), &sv2), 0);
    CHECK_EQ(sv2.f_namemax, 255);
    /* without -n, an estimate df -i can show, and a new file uses one */
    if (!itest_tmpfs) {
        CHECK(sv.f_files > 1000);
        CHECK_EQ(sv2.f_ffree, sv.f_ffree - 1);
        CHECK_EQ(sv2.f_files, sv.f_files);
    }
}

/* -n 10 -s 1048576: the totals reflect the limits, usage moves. */
static void limits_statfs_limits(void)
{
    struct statvfs sv;
    REQUIRE(statvfs(itest_mnt, &sv) == 0);
    CHECK_EQ(sv.f_files, 10);
    CHECK(sv.f_ffree <= 10);
    unsigned long long total = (unsigned long long)sv.f_blocks * sv.f_frsize;
    if (total + sv.f_frsize <= 1048576 || total >= 1048576 + sv.f_frsize) {
        printf("  f_blocks %llu * f_frsize %lu = %llu, expected ~1048576\n",
               (unsigned long long)sv.f_blocks, (unsigned long)sv.f_frsize, total);
        check_failed = 1;
    }
    /* usage shows up */
    static unsigned char buf[262144];
    fill_pattern(buf, sizeof buf, 0, 1);
    CHECK_EQ(write_file(P("f"), buf, sizeof buf), 0);
    struct statvfs sv2;
    CHECK_EQ(statvfs(itest_mnt, &sv2), 0);
    CHECK_EQ(sv2.f_ffree, sv.f_ffree - 1);
    CHECK(sv2.f_bfree < sv.f_bfree);
    CHECK((unsigned long long)(sv.f_bfree - sv2.f_bfree) * sv.f_frsize >= sizeof buf);
    CHECK_EQ(unlink(P("f")), 0);
    /* the kernel forgets the inode asynchronously: give it a moment */
    for (int i = 0; i < 200; i++) {
        CHECK_EQ(statvfs(itest_mnt, &sv2), 0);
        if (sv2.f_ffree == sv.f_ffree && sv2.f_bfree == sv.f_bfree)
            break;
        msleep(10);
    }
    CHECK_EQ(sv2.f_ffree, sv.f_ffree);
    CHECK_EQ(sv2.f_bfree, sv.f_bfree);
}

#define LIMIT 1048576
#define CHUNK 65536

/* -s 1048576: writing 2 MiB fails with ENOSPC; what was written is intact
 * and the space comes back when the file goes. */
static void limits_enospc_bytes(void)
{
    unsigned char *buf = malloc(2 * LIMIT);
    REQUIRE(buf != NULL);
    fill_pattern(buf, 2 * LIMIT, 0, 5);
    const char *p = P("big");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        free(buf);
    REQUIRE(fd >= 0);
    size_t written = 0;
    int err = 0, where = 0;
    while (written < 2 * LIMIT) {
        ssize_t n = write(fd, buf + written, CHUNK);
        if (n < 0) {
            err = errno;
            where = 1;
            break;
        }
        written += (size_t)n;
    }
    if (fsync(fd) != 0 && !err) {
        err = errno;
        where = 2;
    }
    if (close(fd) != 0 && !err) {
        err = errno;
        where = 3;
    }
    printf("  wrote %zu bytes; error %s from %s\n", written, strerror(err),
           where == 1 ? "write" : where == 2 ? "fsync" : where == 3 ? "close" : "-");
    CHECK_EQ(err, ENOSPC);
    CHECK(written <= LIMIT || where != 1);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    if (where == 1)
        CHECK_EQ(st.st_size, written);
    CHECK(st.st_size <= LIMIT);
    CHECK(st.st_size >= LIMIT / 2);
    memset(buf, 0, 2 * LIMIT);
    ssize_t got = read_file(p, buf, 2 * LIMIT);
    CHECK_EQ(got, st.st_size);
    if (got > 0) {
        long long bad = check_pattern(buf, (size_t)got, 0, 5);
        if (bad >= 0)
            printf("  first wrong byte at %lld\n", bad);
        CHECK(bad < 0);
    }
    /* still full: a new file cannot take data */
    fd = open(P("more"), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        fill_pattern(buf, CHUNK, 0, 6);
        ssize_t n = write(fd, buf, CHUNK);
        int e = n < 0 ? errno : 0;
        int fs = fsync(fd);
        close(fd);
        /* a short write, ENOSPC from write, or ENOSPC from fsync */
        CHECK((n >= 0 && n < CHUNK) || e == ENOSPC || fs != 0);
    }
    /* overwriting existing bytes in place needs no new space */
    fd = open(p, O_WRONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        unsigned char page[4096];
        fill_pattern(page, sizeof page, 0, 5);
        CHECK_EQ(pwrite(fd, page, sizeof page, 0), (long)sizeof page);
        CHECK_EQ(fsync(fd), 0);
        close(fd);
    }
    /* freeing the file gives the space back (the kernel may take a
       moment to forget the unlinked inodes) */
    CHECK_EQ(unlink(p), 0);
    CHECK_EQ(unlink(P("more")), 0);
    fill_pattern(buf, LIMIT / 2, 0, 8);
    int rc = -1;
    for (int i = 0; i < 200 && rc != 0; i++) {
        rc = write_file(P("again"), buf, LIMIT / 2);
        if (rc != 0 && errno != ENOSPC)
            break;
        if (rc != 0)
            msleep(10);
    }
    CHECK_EQ(rc, 0);
    memset(buf, 0, LIMIT / 2);
    CHECK_EQ(read_file(P("again"), buf, LIMIT / 2), LIMIT / 2);
    CHECK(check_pattern(buf, LIMIT / 2, 0, 8) < 0);
    free(buf);
}

/* -n 10: creating files beyond the limit fails with ENOSPC, existing
 * files are fine, and deleting one makes room. */
static void limits_enospc_files(void)
{
    int created = 0, err = 0;
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%02d", i);
        int fd = open(P("%s", name), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            err = errno;
            break;
        }
        CHECK_EQ(write(fd, name, 3), 3);
        close(fd);
        created++;
    }
    printf("  created %d files before %s\n", created, strerror(err));
    CHECK_EQ(err, ENOSPC);
    /* 10 files, perhaps counting the root directory as one of them */
    CHECK(created >= 9 && created <= 10);
    CHECK_ERRNO(mkdir(P("dir"), 0755), ENOSPC);
    CHECK_ERRNO(symlink("x", P("link")), ENOSPC);
    CHECK_ERRNO(open(P("more"), O_WRONLY | O_CREAT | O_EXCL, 0644), ENOSPC);
    struct stat st;
    CHECK_ERRNO(stat(P("more"), &st), ENOENT);
    for (int i = 0; i < created; i++) {
        char name[32], buf[8] = "";
        snprintf(name, sizeof name, "f%02d", i);
        CHECK_EQ(read_file(P("%s", name), buf, sizeof buf), 3);
        CHECK(memcmp(buf, name, 3) == 0);
    }
    /* overwriting and renaming existing files still works */
    CHECK_EQ(write_file(P("f00"), "abc", 3), 0);
    CHECK_EQ(rename(P("f00"), P("renamed")), 0);
    CHECK_EQ(unlink(P("renamed")), 0);
    int rc = -1;
    for (int i = 0; i < 200 && rc != 0; i++) {
        rc = write_file(P("new"), "new", 3);
        if (rc != 0 && errno != ENOSPC)
            break;
        if (rc != 0)
            msleep(10);
    }
    CHECK_EQ(rc, 0);
    CHECK_ERRNO(open(P("more"), O_WRONLY | O_CREAT | O_EXCL, 0644), ENOSPC);
}

static void limits_name_too_long(void)
{
    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    struct stat st;
    CHECK_ERRNO(open(P("%s", name), O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
    CHECK_ERRNO(mkdir(P("%s", name), 0755), ENAMETOOLONG);
    CHECK_ERRNO(stat(P("%s", name), &st), ENAMETOOLONG);
    CHECK_ERRNO(symlink("x", P("%s", name)), ENAMETOOLONG);
    REQUIRE(write_file(P("short"), "s", 1) == 0);
    CHECK_ERRNO(rename(P("short"), P("%s", name)), ENAMETOOLONG);
    CHECK_ERRNO(link(P("short"), P("%s", name)), ENAMETOOLONG);
    CHECK_EQ(stat(P("short"), &st), 0);
    /* 255 is fine */
    name[255] = 0;
    int fd = open(P("%s", name), O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_EQ(stat(P("%s", name), &st), 0);
    CHECK_EQ(unlink(P("%s", name)), 0);
    CHECK_EQ(mkdir(P("%s", name), 0755), 0);
    CHECK_EQ(rmdir(P("%s", name)), 0);
    CHECK_EQ(rename(P("short"), P("%s", name)), 0);
    CHECK_EQ(stat(P("%s", name), &st), 0);
}

/* memfs -F 1M: no file grows past 1 MiB, by write, truncate or
 * fallocate, and what was written stays intact. */
static void limits_efbig(void)
{
    enum { MAX = 1 << 20 };
    const char *p = P("big");
    int fd = open(p, O_CREAT | O_RDWR, 0644);
    REQUIRE(fd >= 0);
    static char buf[MAX + 4096];
    memset(buf, 'e', sizeof buf);
    /* a write across the limit is cut short, the next one fails */
    CHECK_EQ(pwrite(fd, buf, sizeof buf, 0), MAX);
    CHECK_ERRNO(pwrite(fd, buf, 10, MAX), EFBIG);
    CHECK_ERRNO(ftruncate(fd, (off_t)MAX + 1), EFBIG);
    CHECK_ERRNO(fallocate(fd, 0, MAX - 10, 20), EFBIG);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, MAX);
    static char back[MAX];
    CHECK_EQ(pread(fd, back, MAX, 0), MAX);
    CHECK(memcmp(back, buf, MAX) == 0);
    CHECK_EQ(ftruncate(fd, MAX), 0);   /* at the limit is fine */
    close(fd);
}

void limits_tests(void)
{
    CASE(limits_efbig, "-F 1M", IT_MEMFS_ONLY);
    CASE(limits_statfs, NULL, 0);
    CASE(limits_statfs_limits, "-n 10 -s 1048576", 0);
    CASE(limits_enospc_bytes, "-s 1048576", 0);
    CASE(limits_enospc_files, "-n 10", 0);
    CASE(limits_name_too_long, NULL, 0);
}
