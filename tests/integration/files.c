/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Regular files: create, read, write, append, offsets, truncate, unlink,
 * large files, data surviving the page cache and inode cache being
 * dropped, files used after unlink, mmap, concurrency. */
#include "harness.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void file_create_rw(void)
{
    const char *p = P("hello.txt");
    int fd = open(p, O_RDWR | O_CREAT | O_EXCL, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "hello world", 11), 11);
    CHECK_EQ(fsync(fd), 0);
    CHECK_EQ(fdatasync(fd), 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0644);
    CHECK_EQ(st.st_size, 11);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(st.st_uid, geteuid());
    CHECK_EQ(st.st_gid, getegid());
    char buf[64] = "";
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 11);
    CHECK(memcmp(buf, "hello world", 11) == 0);
    /* overwrite in the middle */
    CHECK_EQ(pwrite(fd, "WORLD", 5, 6), 5);
    CHECK_EQ(close(fd), 0);

    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(p, buf, sizeof buf), 11);
    CHECK(memcmp(buf, "hello WORLD", 11) == 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_size, 11);

    /* sequential reads advance the offset; EOF returns 0 */
    fd = open(p, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(read(fd, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(read(fd, buf, 64), 6);
    CHECK(memcmp(buf, " WORLD", 6) == 0);
    CHECK_EQ(read(fd, buf, 64), 0);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    close(fd);

    /* an empty file */
    fd = open(P("empty"), O_WRONLY | O_CREAT, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK_EQ(stat(P("empty"), &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(st.st_mode & 07777, 0600);
}

static void file_open_errors(void)
{
    CHECK_ERRNO(open(P("missing"), O_RDONLY), ENOENT);
    CHECK_ERRNO(open(P("nodir/x"), O_RDWR | O_CREAT, 0644), ENOENT);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    CHECK_ERRNO(open(P("f/x"), O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open(P("f/x"), O_RDWR | O_CREAT, 0644), ENOTDIR);
    CHECK_ERRNO(open(P("f"), O_RDONLY | O_DIRECTORY), ENOTDIR);
    REQUIRE(mkdir(P("d"), 0755) == 0);
    CHECK_ERRNO(open(P("d"), O_WRONLY), EISDIR);
    CHECK_ERRNO(open(P("d"), O_RDWR), EISDIR);
    int fd = open(P("d"), O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        char c;
        CHECK_ERRNO(read(fd, &c, 1), EISDIR);
        close(fd);
    }
}

static void file_append(void)
{
    const char *p = P("log");
    REQUIRE(write_file(p, "one\n", 4) == 0);
    int fd = open(p, O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "two\n", 4), 4);
    /* seeking does not matter with O_APPEND */
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, "three\n", 6), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 14);
    /* a second appender through another descriptor */
    int fd2 = open(p, O_WRONLY | O_APPEND);
    CHECK(fd2 >= 0);
    if (fd2 >= 0) {
        CHECK_EQ(write(fd2, "four\n", 5), 5);
        close(fd2);
    }
    CHECK_EQ(write(fd, "five\n", 5), 5);
    close(fd);
    char buf[64] = "";
    CHECK_EQ(read_file(p, buf, sizeof buf), 24);
    CHECK(strcmp(buf, "one\ntwo\nthree\nfour\nfive\n") == 0);
}

static void file_pread_pwrite(void)
{
    const char *p = P("sparse");
    int fd = open(p, O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(pwrite(fd, "tail", 4, 10000), 4);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 10004);
    /* the hole reads as zeros */
    static char buf[20000];
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10004);
    int zeros = 1;
    for (int i = 0; i < 10000; i++)
        zeros &= buf[i] == 0;
    CHECK(zeros);
    CHECK(memcmp(buf + 10000, "tail", 4) == 0);
    /* pwrite straddling a page boundary, pread of a sub-range */
    CHECK_EQ(pwrite(fd, "ABCDEFGH", 8, 4092), 8);
    char small[8] = "";
    CHECK_EQ(pread(fd, small, 4, 4094), 4);
    CHECK(memcmp(small, "CDEF", 4) == 0);
    /* pread at and beyond EOF */
    CHECK_EQ(pread(fd, small, 8, 10004), 0);
    CHECK_EQ(pread(fd, small, 8, 1 << 20), 0);
    CHECK_EQ(pread(fd, small, 8, 10000), 4);
    /* pread/pwrite do not move the file offset */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 10004);
    close(fd);
}

static void file_truncate(void)
{
    const char *p = P("t");
    REQUIRE(write_file(p, "abcdef", 6) == 0);
    int fd = open(p, O_RDWR);
    REQUIRE(fd >= 0);
    /* up: zero filled */
    CHECK_EQ(ftruncate(fd, 5000), 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 5000);
    static char buf[8192];
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 5000);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    int zeros = 1;
    for (int i = 6; i < 5000; i++)
        zeros &= buf[i] == 0;
    CHECK(zeros);
    /* down */
    CHECK_EQ(ftruncate(fd, 2), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 2);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 2);
    CHECK(memcmp(buf, "ab", 2) == 0);
    /* up again: the old bytes beyond 2 must not come back */
    CHECK_EQ(ftruncate(fd, 6), 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 6);
    CHECK(memcmp(buf, "ab\0\0\0\0", 6) == 0);
    close(fd);
    /* by path */
    CHECK_EQ(truncate(p, 0), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(truncate(p, 100000), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_size, 100000);
    memset(buf, 'x', sizeof buf);
    fd = open(p, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(pread(fd, buf, sizeof buf, 95000), 5000);
    zeros = 1;
    for (int i = 0; i < 5000; i++)
        zeros &= buf[i] == 0;
    CHECK(zeros);
    close(fd);
    CHECK_ERRNO(truncate(P("missing"), 0), ENOENT);
    CHECK_ERRNO(truncate(p, -1), EINVAL);
}

static void file_unlink(void)
{
    const char *p = P("gone");
    REQUIRE(write_file(p, "data", 4) == 0);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(unlink(p), 0);
    CHECK_ERRNO(stat(p, &st), ENOENT);
    CHECK_ERRNO(unlink(p), ENOENT);
    CHECK_ERRNO(open(p, O_RDONLY), ENOENT);
    /* the name can be reused for a new, empty file */
    int fd = open(p, O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(fstat(fd, &st), 0);
        CHECK_EQ(st.st_size, 0);
        close(fd);
    }
}

static void file_excl_trunc(void)
{
    const char *p = P("x");
    REQUIRE(write_file(p, "keep me", 7) == 0);
    CHECK_ERRNO(open(p, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    REQUIRE(mkdir(P("dir"), 0755) == 0);
    CHECK_ERRNO(open(P("dir"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    char buf[16] = "";
    CHECK_EQ(read_file(p, buf, sizeof buf), 7);
    CHECK(memcmp(buf, "keep me", 7) == 0);
    /* O_CREAT without O_EXCL opens the existing file untouched */
    int fd = open(p, O_RDWR | O_CREAT, 0600);
    REQUIRE(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 7);
    CHECK_EQ(st.st_mode & 07777, 0644);
    close(fd);
    /* O_TRUNC empties it */
    fd = open(p, O_WRONLY | O_TRUNC);
    REQUIRE(fd >= 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(write(fd, "new", 3), 3);
    close(fd);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(p, buf, sizeof buf), 3);
    CHECK(strcmp(buf, "new") == 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_size, 3);
}

#define LARGE (8u << 20)

static void file_large(void)
{
    const char *p = P("large");
    unsigned char *buf = malloc(LARGE);
    REQUIRE(buf != NULL);
    fill_pattern(buf, LARGE, 0, 42);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        free(buf);
        REQUIRE(fd >= 0);
    }
    /* write in 64 KiB chunks */
    size_t off = 0;
    while (off < LARGE) {
        ssize_t n = write(fd, buf + off, 65536);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    CHECK_EQ(off, LARGE);
    CHECK_EQ(close(fd), 0);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_size, LARGE);
    /* read back in odd-sized chunks */
    memset(buf, 0, LARGE);
    fd = open(p, O_RDONLY);
    if (fd >= 0) {
        size_t got = 0;
        for (;;) {
            size_t want = LARGE - got < 100003 ? LARGE - got : 100003;
            ssize_t n = want ? read(fd, buf + got, want) : 0;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        CHECK_EQ(got, LARGE);
        long long bad = check_pattern(buf, LARGE, 0, 42);
        if (bad >= 0)
            printf("  first wrong byte at offset %lld\n", bad);
        CHECK(bad < 0);
        /* random-access reads */
        for (int i = 0; i < 64; i++) {
            off_t o = (off_t)(((unsigned)i * 2654435761u) % (LARGE - 5000));
            unsigned char small[5000];
            CHECK_EQ(pread(fd, small, sizeof small, o), 5000);
            CHECK(check_pattern(small, sizeof small, o, 42) < 0);
        }
        close(fd);
    }
    CHECK(fd >= 0);
    free(buf);
}

/* Write files, close, drop the kernel's page and inode caches, and check
 * everything reads back: memfs must keep the data and metadata of inodes
 * the kernel forgot. */
static void file_drop_caches(void)
{
    enum { N = 1 << 20 };
    unsigned char *buf = malloc(N);
    REQUIRE(buf != NULL);
    fill_pattern(buf, N, 0, 7);
    CHECK_EQ(mkdir(P("d"), 0750), 0);
    CHECK_EQ(mkdir(P("d/sub"), 0755), 0);
    CHECK_EQ(write_file(P("d/sub/big"), buf, N), 0);
    CHECK_EQ(write_file(P("small"), "small file\n", 11), 0);
    CHECK_EQ(chmod(P("small"), 0604), 0);
    CHECK_EQ(symlink("d/sub/big", P("link")), 0);
    struct timespec ts[2] = { { 1000000000, 111 }, { 1100000000, 222 } };
    CHECK_EQ(utimensat(AT_FDCWD, P("small"), ts, 0), 0);
    struct stat big0, small0, d0;
    CHECK_EQ(stat(P("d/sub/big"), &big0), 0);
    CHECK_EQ(stat(P("small"), &small0), 0);
    CHECK_EQ(stat(P("d"), &d0), 0);

    for (int round = 0; round < 2; round++) {
        REQUIRE(drop_caches() == 0);
        memset(buf, 0, N);
        CHECK_EQ(read_file(P("d/sub/big"), buf, N), N);
        long long bad = check_pattern(buf, N, 0, 7);
        if (bad >= 0)
            printf("  round %d: first wrong byte at %lld\n", round, bad);
        CHECK(bad < 0);
        char s[32] = "";
        CHECK_EQ(read_file(P("small"), s, sizeof s), 11);
        CHECK(strcmp(s, "small file\n") == 0);
        char l[64] = "";
        CHECK_EQ(readlink(P("link"), l, sizeof l), 9);
        CHECK(strcmp(l, "d/sub/big") == 0);
        struct stat st;
        CHECK_EQ(stat(P("d/sub/big"), &st), 0);
        CHECK_EQ(st.st_ino, big0.st_ino);
        CHECK_EQ(st.st_size, N);
        CHECK_EQ(stat(P("small"), &st), 0);
        CHECK_EQ(st.st_ino, small0.st_ino);
        CHECK_EQ(st.st_mode, small0.st_mode);
        CHECK_EQ(st.st_mtim.tv_sec, 1100000000);
        CHECK_EQ(st.st_mtim.tv_nsec, 222);
        CHECK_EQ(stat(P("d"), &st), 0);
        CHECK_EQ(st.st_ino, d0.st_ino);
        CHECK_EQ(st.st_mode & 07777, 0750);
        CHECK(S_ISDIR(st.st_mode));
        CHECK_EQ(stat(P("link"), &st), 0);
        CHECK_EQ(st.st_ino, big0.st_ino);
        /* modify after the drop, then drop again in the next round */
        if (round == 0) {
            int fd = open(P("small"), O_WRONLY | O_APPEND);
            CHECK(fd >= 0);
            if (fd >= 0) {
                CHECK_EQ(write(fd, "", 0), 0);
                close(fd);
            }
        }
    }
    /* a file written, then the caches dropped while it is still open */
    int fd = open(P("open"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    fill_pattern(buf, N, 0, 9);
    CHECK_EQ(write_all(fd, buf, N), N);
    CHECK_EQ(drop_caches(), 0);
    memset(buf, 0, N);
    CHECK_EQ(pread(fd, buf, N, 0), N);
    CHECK(check_pattern(buf, N, 0, 9) < 0);
    close(fd);
    CHECK_EQ(drop_caches(), 0);
    memset(buf, 0, N);
    CHECK_EQ(read_file(P("open"), buf, N), N);
    CHECK(check_pattern(buf, N, 0, 9) < 0);
    free(buf);
}

/* Many inodes forgotten at once, while the tree is also being changed:
 * every name and every byte must still be there after each drop. */
static void file_drop_caches_many(void)
{
    enum { DIRS = 20, FILES = 150 };
    char p[PATH_MAX], want[64], got[64];
    for (int d = 0; d < DIRS; d++) {
        snprintf(p, sizeof p, "%s/d%02d", itest_mnt, d);
        REQUIRE(mkdir(p, 0755) == 0);
        for (int f = 0; f < FILES; f++) {
            snprintf(p, sizeof p, "%s/d%02d/f%03d", itest_mnt, d, f);
            int n = snprintf(want, sizeof want, "file %d/%d", d, f);
            REQUIRE(write_file(p, want, (size_t)n) == 0);
        }
    }
    int bad = 0;
    for (int round = 0; round < 4; round++) {
        CHECK_EQ(drop_caches(), 0);
        for (int d = 0; d < DIRS; d++) {
            for (int f = 0; f < FILES; f++) {
                /* this round's victims: renamed away and back, or removed */
                int gone = f % 4 == round && f % 3 == 0;
                snprintf(p, sizeof p, "%s/d%02d/f%03d", itest_mnt, d, f);
                int n = snprintf(want, sizeof want, "file %d/%d", d, f);
                ssize_t r = read_file(p, got, sizeof got);
                int was_removed = f % 3 == 0 && f % 4 < round;
                if (was_removed) {
                    if (r >= 0 && bad++ < 10)
                        printf("  round %d: removed %s is back\n", round, p);
                    continue;
                }
                if (r != n || memcmp(got, want, (size_t)n) != 0) {
                    if (bad++ < 10)
                        printf("  round %d: %s: read %zd (%s)\n", round, p, r,
                               r < 0 ? strerror(errno) : "wrong data");
                    continue;
                }
                if (gone) {
                    CHECK_EQ(unlink(p), 0);
                } else if (f % 5 == round) {
                    char q[PATH_MAX + 8];
                    snprintf(q, sizeof q, "%s.tmp", p);
                    CHECK_EQ(rename(p, q), 0);
                    CHECK_EQ(rename(q, p), 0);
                }
            }
        }
    }
    CHECK_EQ(bad, 0);
}

static void file_unlinked_open(void)
{
    const char *p = P("tmpfile");
    int fd = open(p, O_RDWR | O_CREAT | O_EXCL, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "before", 6), 6);
    CHECK_EQ(unlink(p), 0);
    struct stat st;
    CHECK_ERRNO(stat(p, &st), ENOENT);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    /* still fully usable */
    CHECK_EQ(write(fd, " after", 6), 6);
    CHECK_EQ(drop_caches(), 0);
    char buf[32] = "";
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 12);
    CHECK(strcmp(buf, "before after") == 0);
    CHECK_EQ(ftruncate(fd, 3), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(st.st_nlink, 0);
    /* a new file of the same name is a different file */
    CHECK_EQ(write_file(p, "new", 3), 0);
    struct stat st2;
    CHECK_EQ(stat(p, &st2), 0);
    CHECK(st2.st_ino != st.st_ino);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 3);
    CHECK(strcmp(buf, "bef") == 0);
    CHECK_EQ(close(fd), 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(p, buf, sizeof buf), 3);
    CHECK(strcmp(buf, "new") == 0);
}

static void file_hardlink(void)
{
    REQUIRE(write_file(P("a"), "shared", 6) == 0);
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    if (link(P("a"), P("d/b")) != 0 && errno == EPERM) {
        /* hard links not supported: fine, as long as nothing changed */
        printf("  link: EPERM (no hard links); checking nothing was made\n");
        struct stat st;
        CHECK_ERRNO(stat(P("d/b"), &st), ENOENT);
        CHECK_EQ(stat(P("a"), &st), 0);
        CHECK_EQ(st.st_nlink, 1);
        return;
    }
    struct stat sa, sb;
    CHECK_EQ(stat(P("a"), &sa), 0);
    CHECK_EQ(stat(P("d/b"), &sb), 0);
    CHECK_EQ(sa.st_ino, sb.st_ino);
    CHECK_EQ(sa.st_nlink, 2);
    CHECK_ERRNO(link(P("a"), P("d/b")), EEXIST);
    CHECK_ERRNO(link(P("d"), P("d2")), EPERM);
    CHECK_EQ(unlink(P("a")), 0);
    CHECK_EQ(stat(P("d/b"), &sb), 0);
    CHECK_EQ(sb.st_nlink, 1);
    char buf[16] = "";
    CHECK_EQ(read_file(P("d/b"), buf, sizeof buf), 6);
    CHECK(strcmp(buf, "shared") == 0);
}

static void file_attrs(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "x", 1) == 0);
    struct stat st;
    CHECK_EQ(chmod(p, 04751), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_mode & 07777, 04751);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(chown(p, 1234, 5678), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_uid, 1234);
    CHECK_EQ(st.st_gid, 5678);
    /* chown clears set-user-id */
    CHECK_EQ(st.st_mode & 04000, 0);
    CHECK_EQ(chown(p, -1, 42), 0);
    CHECK_EQ(stat(p, &st), 0);
    CHECK_EQ(st.st_uid, 1234);
    CHECK_EQ(st.st_gid, 42);
    int fd = open(p, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(fchmod(fd, 0600), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0600);
    close(fd);
    CHECK_EQ(mkdir(P("d"), 0700), 0);
    CHECK_EQ(chmod(P("d"), 01777), 0);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 01777);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERRNO(chmod(P("missing"), 0644), ENOENT);
}

static void file_mmap(void)
{
    enum { N = 3 * 4096 + 100 };
    const char *p = P("mapped");
    int fd = open(p, O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, N), 0);
    unsigned char *m = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        close(fd);
        REQUIRE(m != MAP_FAILED);
    }
    fill_pattern(m, N, 0, 3);
    CHECK_EQ(msync(m, N, MS_SYNC), 0);
    munmap(m, N);
    close(fd);
    unsigned char buf[N + 10];
    CHECK_EQ(read_file(p, buf, sizeof buf), N);
    CHECK(check_pattern(buf, N, 0, 3) < 0);
    CHECK_EQ(drop_caches(), 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(p, buf, sizeof buf), N);
    CHECK(check_pattern(buf, N, 0, 3) < 0);
    /* a read-only private mapping sees the data too */
    fd = open(p, O_RDONLY);
    REQUIRE(fd >= 0);
    m = mmap(NULL, N, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED);
    if (m != MAP_FAILED) {
        CHECK(check_pattern(m, N, 0, 3) < 0);
        munmap(m, N);
    }
    close(fd);
}

/* Several threads at once: each its own file, and all of them writing
 * disjoint stripes of one shared file. */
#define THREADS 4
#define PER (1 << 20)
#define STRIPE 65536

static int concurrent_errors;

static void *concurrent_worker(void *arg)
{
    int id = (int)(long)arg;
    unsigned char *buf = malloc(PER);
    if (!buf)
        return NULL;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/own%d", itest_mnt, id);
    for (int round = 0; round < 3; round++) {
        fill_pattern(buf, PER, 0, (unsigned)(id * 10 + round));
        if (write_file(path, buf, PER) != 0)
            __atomic_add_fetch(&concurrent_errors, 1, __ATOMIC_RELAXED);
        memset(buf, 0, PER);
        if (read_file(path, buf, PER) != PER ||
            check_pattern(buf, PER, 0, (unsigned)(id * 10 + round)) >= 0)
            __atomic_add_fetch(&concurrent_errors, 1, __ATOMIC_RELAXED);
    }
    snprintf(path, sizeof path, "%s/shared", itest_mnt);
    int fd = open(path, O_RDWR);
    if (fd < 0) {
        __atomic_add_fetch(&concurrent_errors, 1, __ATOMIC_RELAXED);
    } else {
        for (off_t o = (off_t)id * STRIPE; o < PER; o += THREADS * STRIPE) {
            fill_pattern(buf, STRIPE, o, 99);
            if (pwrite(fd, buf, STRIPE, o) != STRIPE)
                __atomic_add_fetch(&concurrent_errors, 1, __ATOMIC_RELAXED);
        }
        close(fd);
    }
    free(buf);
    return NULL;
}

static void file_concurrent(void)
{
    int fd = open(P("shared"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    close(fd);
    pthread_t t[THREADS];
    concurrent_errors = 0;
    for (long i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, concurrent_worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(concurrent_errors, 0);
    unsigned char *buf = malloc(PER);
    REQUIRE(buf != NULL);
    CHECK_EQ(read_file(P("shared"), buf, PER), PER);
    CHECK(check_pattern(buf, PER, 0, 99) < 0);
    free(buf);
}

void files_tests(void)
{
    CASE(file_create_rw, NULL, 0);
    CASE(file_open_errors, NULL, 0);
    CASE(file_append, NULL, 0);
    CASE(file_pread_pwrite, NULL, 0);
    CASE(file_truncate, NULL, 0);
    CASE(file_unlink, NULL, 0);
    CASE(file_excl_trunc, NULL, 0);
    CASE(file_large, NULL, 0);
    CASE(file_drop_caches, NULL, 0);
    CASE(file_drop_caches_many, NULL, 0);
    CASE(file_unlinked_open, NULL, 0);
    CASE(file_hardlink, NULL, 0);
    CASE(file_attrs, NULL, 0);
    CASE(file_mmap, NULL, 0);
    CASE(file_concurrent, "-t 4", 0);
}
