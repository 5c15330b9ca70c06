/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Space: sparse files and st_blocks, fallocate (plain, keep size, punch
 * hole; other modes EOPNOTSUPP), lseek SEEK_DATA/SEEK_HOLE,
 * copy_file_range, and ENOSPC leaving nothing behind.  Same results on
 * tmpfs (4 KiB pages on both). */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PG 4096
#define MIB (1024 * 1024)

static long long blocks_of(int fd)
{
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    return (long long)st.st_blocks;
}

static long long size_of(int fd)
{
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    return (long long)st.st_size;
}

/* A byte range reads as zeros. */
static int all_zero(int fd, off_t off, size_t len)
{
    char *buf = malloc(len);
    if (!buf)
        return 0;
    ssize_t n = pread(fd, buf, len, off);
    int ok = n == (ssize_t)len;
    for (size_t i = 0; ok && i < len; i++)
        ok = buf[i] == 0;
    free(buf);
    return ok;
}

static int has_pattern(int fd, off_t off, size_t len, unsigned seed)
{
    unsigned char *buf = malloc(len);
    if (!buf)
        return 0;
    ssize_t n = pread(fd, buf, len, off);
    int ok = n == (ssize_t)len && check_pattern(buf, len, off, seed) < 0;
    free(buf);
    return ok;
}

static void write_pattern(int fd, off_t off, size_t len, unsigned seed)
{
    unsigned char *buf = malloc(len);
    if (!buf) {
        check_failed = 1;
        return;
    }
    fill_pattern(buf, len, off, seed);
    CHECK_EQ(pwrite(fd, buf, len, off), (long)len);
    free(buf);
}

/* Holes take no space and read as zeros; st_blocks counts pages. */
static void posix_space_sparse(void)
{
    int fd = open(P("f"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(blocks_of(fd), 0);
    CHECK_EQ(ftruncate(fd, 64 * MIB), 0);
    CHECK_EQ(blocks_of(fd), 0);
    CHECK(all_zero(fd, 10 * MIB, 8192));
    CHECK_EQ(pwrite(fd, "x", 1, 5 * MIB + 10), 1);
    CHECK_EQ(blocks_of(fd), PG / 512);
    CHECK_EQ(size_of(fd), 64 * MIB);
    CHECK(all_zero(fd, 5 * MIB, 10));
    /* 10000 bytes take three pages */
    int g = open(P("g"), O_RDWR | O_CREAT, 0644);
    REQUIRE(g >= 0);
    write_pattern(g, 0, 10000, 1);
    CHECK_EQ(blocks_of(g), 3 * PG / 512);
    /* shrinking frees, and the cut-off tail reads as zeros on regrowth */
    CHECK_EQ(ftruncate(g, 5000), 0);
    CHECK_EQ(blocks_of(g), 2 * PG / 512);
    CHECK_EQ(ftruncate(g, 10000), 0);
    CHECK(has_pattern(g, 0, 5000, 1));
    CHECK(all_zero(g, 5000, 5000));
    /* a write far out: one page, and the file is that long */
    CHECK_EQ(pwrite(g, "y", 1, (off_t)1 << 40), 1);
    CHECK_EQ(size_of(g), (1LL << 40) + 1);
    CHECK_EQ(blocks_of(g), 3 * PG / 512);
    close(g);
    close(fd);
}

static void posix_space_fallocate(void)
{
    int fd = open(P("f"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    /* plain: allocates and grows */
    CHECK_EQ(fallocate(fd, 0, 0, MIB), 0);
    CHECK_EQ(size_of(fd), MIB);
    CHECK_EQ(blocks_of(fd), MIB / 512);
    CHECK(all_zero(fd, 0, MIB));
    /* keep size: allocates past the end without growing */
    CHECK_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, MIB, 64 * 1024), 0);
    CHECK_EQ(size_of(fd), MIB);
    CHECK_EQ(blocks_of(fd), (MIB + 64 * 1024) / 512);
    /* inside the file: the size stays, the data too */
    write_pattern(fd, 0, 8192, 2);
    CHECK_EQ(fallocate(fd, 0, 0, 8192), 0);
    CHECK(has_pattern(fd, 0, 8192, 2));
    CHECK_EQ(size_of(fd), MIB);
    /* growing into a partial page */
    CHECK_EQ(fallocate(fd, 0, MIB, 100), 0);
    CHECK_EQ(size_of(fd), MIB + 100);
    /* unsupported modes */
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, PG), EOPNOTSUPP);
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, PG), EOPNOTSUPP);
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, PG), EOPNOTSUPP);
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, PG), EOPNOTSUPP);
    CHECK_ERRNO(fallocate(fd, 0, 0, 0), EINVAL);
    close(fd);
    /* a directory is no place for it */
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    int d = open(P("d"), O_RDONLY | O_DIRECTORY);
    CHECK(d >= 0);
    if (d >= 0) {
        CHECK(fallocate(d, 0, 0, PG) == -1);
        close(d);
    }
}

static void posix_space_punch(void)
{
    int fd = open(P("f"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    write_pattern(fd, 0, 256 * 1024, 3);
    CHECK_EQ(blocks_of(fd), 256 * 1024 / 512);
    /* whole pages go */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       64 * 1024, 64 * 1024), 0);
    CHECK_EQ(size_of(fd), 256 * 1024);
    CHECK_EQ(blocks_of(fd), 192 * 1024 / 512);
    CHECK(has_pattern(fd, 0, 64 * 1024, 3));
    CHECK(all_zero(fd, 64 * 1024, 64 * 1024));
    CHECK(has_pattern(fd, 128 * 1024, 128 * 1024, 3));
    /* part of a page is zeroed in place */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       1000, 2000), 0);
    CHECK_EQ(blocks_of(fd), 192 * 1024 / 512);
    CHECK(has_pattern(fd, 0, 1000, 3));
    CHECK(all_zero(fd, 1000, 2000));
    CHECK(has_pattern(fd, 3000, 64 * 1024 - 3000, 3));
    /* across page edges: the middle page goes, the edges are zeroed */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       128 * 1024 + 100, 2 * PG), 0);
    CHECK_EQ(blocks_of(fd), (192 * 1024 - PG) / 512);
    CHECK(all_zero(fd, 128 * 1024 + 100, 2 * PG));
    CHECK(has_pattern(fd, 128 * 1024, 100, 3));
    CHECK(has_pattern(fd, 128 * 1024 + 100 + 2 * PG, 1000, 3));
    /* past the end: nothing to do, nothing grows */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       MIB, MIB), 0);
    CHECK_EQ(size_of(fd), 256 * 1024);
    close(fd);
}

static void posix_space_seek(void)
{
    int fd = open(P("f"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    write_pattern(fd, 0, PG, 4);
    write_pattern(fd, MIB, 2 * PG, 4);
    CHECK_EQ(ftruncate(fd, 2 * MIB), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_DATA), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_HOLE), PG);
    CHECK_EQ(lseek(fd, 100, SEEK_HOLE), PG);
    CHECK_EQ(lseek(fd, PG, SEEK_DATA), MIB);
    CHECK_EQ(lseek(fd, PG + 5, SEEK_HOLE), PG + 5);
    CHECK_EQ(lseek(fd, MIB + 10, SEEK_DATA), MIB + 10);
    CHECK_EQ(lseek(fd, MIB, SEEK_HOLE), MIB + 2 * PG);
    CHECK_ERRNO(lseek(fd, MIB + 2 * PG, SEEK_DATA), ENXIO);
    /* the end of the file is a hole; past it there is nothing */
    CHECK_EQ(lseek(fd, 2 * MIB - 1, SEEK_HOLE), 2 * MIB - 1);
    CHECK_ERRNO(lseek(fd, 2 * MIB, SEEK_HOLE), ENXIO);
    CHECK_ERRNO(lseek(fd, 2 * MIB, SEEK_DATA), ENXIO);
    /* a punched hole shows up */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       MIB, PG), 0);
    CHECK_EQ(lseek(fd, PG, SEEK_DATA), MIB + PG);
    /* a file full of data ends in the hole at its end */
    int g = open(P("g"), O_RDWR | O_CREAT, 0644);
    REQUIRE(g >= 0);
    write_pattern(g, 0, 3 * PG + 7, 5);
    CHECK_EQ(lseek(g, 0, SEEK_HOLE), 3 * PG + 7);
    CHECK_EQ(lseek(g, 0, SEEK_DATA), 0);
    close(g);
    /* allocated but never written is a hole, as on tmpfs, until written */
    int h = open(P("h"), O_RDWR | O_CREAT, 0644);
    REQUIRE(h >= 0);
    CHECK_EQ(fallocate(h, 0, 0, 4 * PG), 0);
    CHECK_ERRNO(lseek(h, 0, SEEK_DATA), ENXIO);
    CHECK_EQ(lseek(h, 0, SEEK_HOLE), 0);
    CHECK_EQ(pwrite(h, "w", 1, 2 * PG + 1), 1);
    CHECK_EQ(lseek(h, 0, SEEK_DATA), 2 * PG);
    CHECK_EQ(lseek(h, 2 * PG, SEEK_HOLE), 3 * PG);
    close(h);
    /* an empty file has neither */
    int e = open(P("e"), O_RDWR | O_CREAT, 0644);
    REQUIRE(e >= 0);
    CHECK_ERRNO(lseek(e, 0, SEEK_DATA), ENXIO);
    CHECK_ERRNO(lseek(e, 0, SEEK_HOLE), ENXIO);
    close(e);
    close(fd);
}

static void posix_space_copy_range(void)
{
    int src = open(P("src"), O_RDWR | O_CREAT, 0644);
    int dst = open(P("dst"), O_RDWR | O_CREAT, 0644);
    REQUIRE(src >= 0 && dst >= 0);
    write_pattern(src, 0, 300 * 1000, 6);
    loff_t in = 0, out = 0;
    size_t left = 300 * 1000;
    while (left > 0) {
        ssize_t n = copy_file_range(src, &in, dst, &out, left, 0);
        if (n <= 0)
            break;
        left -= (size_t)n;
    }
    CHECK_EQ(left, 0);
    CHECK_EQ(size_of(dst), 300 * 1000);
    CHECK(has_pattern(dst, 0, 300 * 1000, 6));
    /* within one file, to another offset */
    in = 0;
    out = 400 * 1000;
    CHECK_EQ(copy_file_range(src, &in, src, &out, 5000, 0), 5000);
    unsigned char buf[5000], want[5000];
    fill_pattern(want, sizeof want, 0, 6);
    CHECK_EQ(pread(src, buf, sizeof buf, 400 * 1000), 5000);
    CHECK(memcmp(buf, want, sizeof buf) == 0);
    CHECK(all_zero(src, 300 * 1000, 100 * 1000));
    close(src);
    close(dst);
}

static unsigned long long free_bytes(void)
{
    struct statvfs sv;
    CHECK_EQ(statvfs(itest_mnt, &sv), 0);
    return (unsigned long long)sv.f_bfree * sv.f_frsize;
}

/* -s 1048576: fallocate that does not fit fails whole; punching gives
 * the space back. */
static void posix_space_enospc(void)
{
    int fd = open(P("f"), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    unsigned long long before = free_bytes();
    CHECK_ERRNO(fallocate(fd, 0, 0, 2 * MIB), ENOSPC);
    CHECK_EQ(size_of(fd), 0);
    CHECK_EQ(blocks_of(fd), 0);
    CHECK_EQ(free_bytes(), before);
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * MIB), ENOSPC);
    CHECK_EQ(blocks_of(fd), 0);
    CHECK_EQ(fallocate(fd, 0, 0, MIB / 2), 0);
    CHECK_EQ(blocks_of(fd), MIB / 2 / 512);
    CHECK(free_bytes() <= before - MIB / 2);
    /* a sparse file bigger than the volume is fine: holes are free */
    int g = open(P("g"), O_RDWR | O_CREAT, 0644);
    REQUIRE(g >= 0);
    CHECK_EQ(ftruncate(g, 100 * MIB), 0);
    CHECK_EQ(pwrite(g, "z", 1, 50 * MIB), 1);
    close(g);
    /* the space comes back */
    CHECK_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
                       MIB / 2), 0);
    CHECK_EQ(blocks_of(fd), 0);
    CHECK_EQ(fallocate(fd, 0, 0, MIB / 2), 0);
    close(fd);
}

void posix_space_tests(void)
{
    CASE(posix_space_sparse, NULL, 0);
    CASE(posix_space_fallocate, NULL, 0);
    CASE(posix_space_punch, NULL, 0);
    CASE(posix_space_seek, NULL, 0);
    CASE(posix_space_copy_range, NULL, 0);
    CASE(posix_space_enospc, "-s 1048576", 0);
}
