/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Space: fallocate (plain, KEEP_SIZE, PUNCH_HOLE), sparse files and
 * st_blocks, SEEK_DATA/SEEK_HOLE, copy_file_range. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MB (1024 * 1024)

static void fallocate_plain(void)
{
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    struct stat sb;
    if (fallocate(fd, 0, 0, MB) == -1)
        FAIL("fallocate(0, 1 MiB): %s", ct_errname(errno));
    REQUIRE_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, MB);
    CHECKM(sb.st_blocks >= MB / 512, "st_blocks %lld after fallocate of 1 "
           "MiB", (long long)sb.st_blocks);
    CHECK_EQ(ct_all_zero(fd, 0, MB), 1);
    /* allocating inside keeps data */
    CHECK_EQ(pwrite(fd, "data", 4, 1000), 4);
    CHECK_OK(fallocate(fd, 0, 0, 4096));
    char buf[4];
    CHECK_EQ(pread(fd, buf, 4, 1000), 4);
    CHECK(memcmp(buf, "data", 4) == 0);
    /* past the end extends */
    CHECK_OK(fallocate(fd, 0, 2 * MB, 4096));
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, 2 * MB + 4096);
    CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
    close(fd);
    fd = open("f", O_RDONLY);
    CHECK_ERR(fallocate(fd, 0, 0, 10), EBADF);
    close(fd);
}

static void fallocate_keep_size(void)
{
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "abc", 3), 3);
    struct stat a, b;
    REQUIRE_OK(fstat(fd, &a));
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, MB) == -1)
        FAIL("fallocate(KEEP_SIZE): %s", ct_errname(errno));
    REQUIRE_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 3);
    CHECK(b.st_blocks >= MB / 512);
    CHECK(b.st_blocks > a.st_blocks);
    char buf[8];
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 3);
    /* the preallocated range beyond EOF reads as zero once grown */
    CHECK_OK(ftruncate(fd, 8192));
    CHECK_EQ(ct_all_zero(fd, 3, 8192 - 3), 1);
    close(fd);
}

static void punch_hole(void)
{
    enum { CH = 65536 };
    unsigned char *w = malloc(3 * CH);
    REQUIRE(w);
    ct_fill(w, 3 * CH, 9, 0);
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, w, 3 * CH), 3 * CH);
    struct stat a, b;
    REQUIRE_OK(fstat(fd, &a));
    /* PUNCH_HOLE needs KEEP_SIZE (checked by the kernel) */
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, CH, CH), EOPNOTSUPP);
    int r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, CH, CH);
    if (r == -1)
        FAIL("fallocate(PUNCH_HOLE|KEEP_SIZE): %s", ct_errname(errno));
    REQUIRE(r == 0);
    REQUIRE_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 3 * CH);
    CHECK(b.st_blocks < a.st_blocks);
    CHECK(b.st_blocks <= a.st_blocks - CH / 512);
    unsigned char *r2 = malloc(3 * CH);
    REQUIRE(r2);
    CHECK_EQ(pread(fd, r2, 3 * CH, 0), 3 * CH);
    CHECK(memcmp(r2, w, CH) == 0);
    CHECK_EQ(ct_all_zero(fd, CH, CH), 1);
    CHECK(memcmp(r2 + 2 * CH, w + 2 * CH, CH) == 0);
    /* an unaligned punch zeroes exactly the range */
    CHECK_OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100,
                       5000));
    CHECK_EQ(pread(fd, r2, CH, 0), CH);
    CHECK(memcmp(r2, w, 100) == 0);
    CHECK_EQ(ct_all_zero(fd, 100, 5000), 1);
    CHECK(memcmp(r2 + 5100, w + 5100, CH - 5100) == 0);
    /* punching past EOF does not extend */
    CHECK_OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       2 * CH, 4 * CH));
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 3 * CH);
    CHECK_EQ(ct_all_zero(fd, 2 * CH, CH), 1);
    close(fd);
    free(w);
    free(r2);
}

static void sparse_blocks(void)
{
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE_OK(ftruncate(fd, 100 * MB));
    struct stat sb;
    REQUIRE_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, 100 * MB);
    CHECKM(sb.st_blocks < 64, "st_blocks of a 100 MiB hole is %lld: sparse "
           "files not reported as sparse", (long long)sb.st_blocks);
    CHECK_EQ(pwrite(fd, "x", 1, 50 * MB), 1);
    REQUIRE_OK(fstat(fd, &sb));
    CHECK(sb.st_blocks >= 1);
    CHECKM(sb.st_blocks <= 1024, "st_blocks after 1 byte at 50 MiB is %lld",
           (long long)sb.st_blocks);
    CHECK_EQ(ct_all_zero(fd, 50 * MB - 8192, 8192), 1);
    /* writing a full MiB is accounted */
    char *buf = calloc(1, MB);
    REQUIRE(buf);
    memset(buf, 1, MB);
    CHECK_EQ(pwrite(fd, buf, MB, 10 * MB), MB);
    struct stat sb2;
    REQUIRE_OK(fstat(fd, &sb2));
    CHECKM(sb2.st_blocks >= sb.st_blocks + MB / 512, "st_blocks %lld -> %lld "
           "after writing 1 MiB: allocation not reflected",
           (long long)sb.st_blocks, (long long)sb2.st_blocks);
    free(buf);
    /* truncating down frees */
    CHECK_OK(ftruncate(fd, 0));
    REQUIRE_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_blocks, 0);
    close(fd);
    /* st_blksize is sane */
    CHECK(sb.st_blksize >= 512);
}

static void seek_data_hole(void)
{
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    char buf[8192];
    memset(buf, 'd', sizeof buf);
    CHECK_EQ(pwrite(fd, buf, 8192, 0), 8192);
    CHECK_EQ(pwrite(fd, buf, 8192, MB), 8192);
    CHECK_OK(ftruncate(fd, 4 * MB));
    off_t h = lseek(fd, 0, SEEK_HOLE);
    if (h == -1 && errno == EINVAL)
        FAIL("SEEK_HOLE: EINVAL (unsupported)");
    /* a hole starts after the first data, before the second */
    CHECKM(h >= 8192 && h <= MB, "SEEK_HOLE from 0 gave %lld, expected the "
           "hole in [8192, 1 MiB] (holes not reported)", (long long)h);
    off_t d = lseek(fd, h, SEEK_DATA);
    CHECKM(d > h && d <= MB, "SEEK_DATA from %lld gave %lld (%s)",
           (long long)h, (long long)d, d < 0 ? ct_errname(errno) : "ok");
    /* the exact data offsets where the file system tracks pages */
    CHECK_EQ(lseek(fd, 0, SEEK_DATA), 0);
    CHECK_EQ(lseek(fd, MB + 100, SEEK_DATA), MB + 100);
    off_t h2 = lseek(fd, MB, SEEK_HOLE);
    CHECK(h2 >= MB + 8192 && h2 <= 4 * MB);
    CHECK_EQ(lseek(fd, 2 * MB, SEEK_HOLE), 2 * MB);
    /* no data after the second chunk: ENXIO */
    CHECK_ERR(lseek(fd, 2 * MB, SEEK_DATA), ENXIO);
    /* at or past EOF: ENXIO for both */
    CHECK_ERR(lseek(fd, 4 * MB, SEEK_DATA), ENXIO);
    CHECK_ERR(lseek(fd, 4 * MB, SEEK_HOLE), ENXIO);
    CHECK_ERR(lseek(fd, 5 * MB, SEEK_HOLE), ENXIO);
    /* the implicit hole at EOF: a file ending in data */
    CHECK_OK(ftruncate(fd, MB + 8192));
    CHECK_EQ(lseek(fd, MB, SEEK_HOLE), MB + 8192);
    /* a fully hole-free file: SEEK_HOLE gives EOF */
    int g = open("g", O_RDWR | O_CREAT, 0644);
    CHECK_EQ(pwrite(g, buf, 5000, 0), 5000);
    CHECK_EQ(lseek(g, 0, SEEK_HOLE), 5000);
    CHECK_EQ(lseek(g, 0, SEEK_DATA), 0);
    close(g);
    /* a fully sparse file has no data */
    g = open("s", O_RDWR | O_CREAT, 0644);
    CHECK_OK(ftruncate(g, MB));
    CHECK_ERR(lseek(g, 0, SEEK_DATA), ENXIO);
    CHECK_EQ(lseek(g, 0, SEEK_HOLE), 0);
    close(g);
    close(fd);
}

static void copy_range(void)
{
    enum { LEN = 300000 };
    unsigned char *w = malloc(LEN), *r = malloc(LEN);
    REQUIRE(w && r);
    ct_fill(w, LEN, 11, 0);
    REQUIRE_OK(ct_write_file("src", w, LEN));
    int in = open("src", O_RDONLY), out = open("dst", O_RDWR | O_CREAT, 0644);
    REQUIRE(in >= 0 && out >= 0);
    loff_t oi = 1000, oo = 5000;
    size_t want = 200000, done = 0;
    while (done < want) {
        ssize_t n = copy_file_range(in, &oi, out, &oo, want - done, 0);
        if (n <= 0) {
            FAIL("copy_file_range: returned %zd (%s)", n,
                 n < 0 ? ct_errname(errno) : "short");
            break;
        }
        done += (size_t)n;
    }
    CHECK_EQ(oi, 1000 + 200000);
    CHECK_EQ(oo, 5000 + 200000);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);     /* offsets given: fd offsets kept */
    struct stat sb;
    CHECK_OK(fstat(out, &sb));
    CHECK_EQ(sb.st_size, 205000);
    CHECK_EQ(pread(out, r, 205000, 0), 205000);
    CHECK_EQ(ct_all_zero(out, 0, 5000), 1);
    CHECK(memcmp(r + 5000, w + 1000, 200000) == 0);
    /* using and advancing the file offsets */
    CHECK_EQ(lseek(in, 10, SEEK_SET), 10);
    CHECK_EQ(lseek(out, 0, SEEK_SET), 0);
    ssize_t n = copy_file_range(in, NULL, out, NULL, 100, 0);
    CHECK_EQ(n, 100);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 110);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 100);
    CHECK_EQ(pread(out, r, 100, 0), 100);
    CHECK(memcmp(r, w + 10, 100) == 0);
    /* at EOF of the source: 0 */
    loff_t end = LEN;
    CHECK_EQ(copy_file_range(in, &end, out, NULL, 10, 0), 0);
    /* within one file, non-overlapping */
    loff_t a = 0, b = 250000;
    int rw = open("src", O_RDWR);
    CHECK_EQ(copy_file_range(rw, &a, rw, &b, 1000, 0), 1000);
    CHECK_EQ(pread(rw, r, 1000, 250000), 1000);
    CHECK(memcmp(r, w, 1000) == 0);
    /* overlapping in one file: EINVAL */
    a = 0;
    b = 500;
    CHECK_ERR(copy_file_range(rw, &a, rw, &b, 1000, 0), EINVAL);
    close(rw);
    close(in);
    close(out);
    free(w);
    free(r);
}

const struct ct_case ct_space_cases[] = {
    { "space_fallocate", fallocate_plain, 0 },
    { "space_fallocate_keep_size", fallocate_keep_size, 0 },
    { "space_punch_hole", punch_hole, 0 },
    { "space_sparse_blocks", sparse_blocks, 0 },
    { "space_seek_data_hole", seek_data_hole, 0 },
    { "space_copy_file_range", copy_range, 0 },
    { NULL, NULL, 0 },
};
