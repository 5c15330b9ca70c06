/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data tests, after fsbench's rdwr_* and mmap_* tests.  "cc" goes through
 * the page cache (files are written and read once in setup, so reads are
 * cache hits where the file system lets the kernel keep the cache); "nc"
 * is O_DIRECT, which a FUSE file system sees as one request per call.
 * One operation is one read or write of the stated size, or one page
 * touched through a mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define PAGE 4096u
#define LARGE (1u << 20)
#define LARGE_PASSES 4 /* 1 MiB tests go over the file this many times */

static char *buffer(void)
{
    /* Aligned for O_DIRECT, filled so writes carry real data. */
    static char *buf;
    if (!buf && posix_memalign((void **)&buf, PAGE, LARGE) == 0)
        memset(buf, 'y', LARGE);
    return buf;
}

static int data_path(struct bench_ctx *c, char *out, size_t size)
{
    return bench_path(out, size, c->dir, "data");
}

/* A file of the full size, read once so its pages are cached. */
static int setup_cached(struct bench_ctx *c)
{
    char path[4096];
    int r = data_path(c, path, sizeof path);
    if (!r)
        r = bench_fill_file(path, c->p->data_bytes);
    int fd = r ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return r ? r : -errno;
    char *b = buffer();
    while (b && read(fd, b, LARGE) > 0)
        ;
    close(fd);
    return b ? 0 : -ENOMEM;
}

static int setup_empty(struct bench_ctx *c)
{
    char path[4096];
    int r = data_path(c, path, sizeof path);
    return r ? r : bench_fill_file(path, 0);
}

/* passes over the file in io-sized preads or pwrites. */
static long rdwr(struct bench_ctx *c, int flags, size_t io, int passes,
                 int write_)
{
    char path[4096];
    char *b = buffer();
    int r = data_path(c, path, sizeof path);
    if (r || !b)
        return r ? r : -ENOMEM;
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EINVAL && (flags & O_DIRECT)) {
            strcpy(c->note, "O_DIRECT refused (EINVAL)");
            return BENCH_SKIP;
        }
        return -errno;
    }
    size_t per_pass = c->p->data_bytes / io;
    long ops = 0;
    for (int p = 0; p < passes; p++)
        for (size_t i = 0; i < per_pass; i++, ops++) {
            ssize_t n = write_ ? pwrite(fd, b, io, (off_t)(i * io))
                               : pread(fd, b, io, (off_t)(i * io));
            if (n != (ssize_t)io) {
                int e = n < 0 ? -errno : -EIO;
                close(fd);
                if (e == -EINVAL && (flags & O_DIRECT)) {
                    strcpy(c->note, "O_DIRECT I/O refused (EINVAL)");
                    return BENCH_SKIP;
                }
                return e;
            }
        }
    return close(fd) < 0 ? -errno : ops;
}

static long run_cc_read_page(struct bench_ctx *c)
{
    return rdwr(c, O_RDONLY, PAGE, 1, 0);
}

static long run_cc_write_page(struct bench_ctx *c)
{
    return rdwr(c, O_WRONLY, PAGE, 1, 1);
}

static long run_cc_read_large(struct bench_ctx *c)
{
    return rdwr(c, O_RDONLY, LARGE, LARGE_PASSES, 0);
}

static long run_cc_write_large(struct bench_ctx *c)
{
    return rdwr(c, O_WRONLY, LARGE, LARGE_PASSES, 1);
}

static long run_nc_read_large(struct bench_ctx *c)
{
    return rdwr(c, O_RDONLY | O_DIRECT, LARGE, LARGE_PASSES, 0);
}

static long run_nc_write_large(struct bench_ctx *c)
{
    return rdwr(c, O_WRONLY | O_DIRECT, LARGE, LARGE_PASSES, 1);
}

/* Map the file and copy each page out of (or into) the mapping. */
static long run_mmap(struct bench_ctx *c, int write_)
{
    char path[4096];
    char *b = buffer();
    int r = data_path(c, path, sizeof path);
    if (r || !b)
        return r ? r : -ENOMEM;
    int fd = open(path, (write_ ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = c->p->data_bytes;
    if (write_ && ftruncate(fd, (off_t)len) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    char *m = mmap(NULL, len, write_ ? PROT_READ | PROT_WRITE : PROT_READ,
                   MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        r = -errno;
        close(fd);
        return r;
    }
    for (size_t off = 0; off < len; off += PAGE) {
        if (write_)
            memcpy(m + off, b, PAGE);
        else
            memcpy(b, m + off, PAGE);
    }
    /* A written mapping is synced inside the timed part: otherwise a FUSE
     * file system gets its WRITEs from the flusher after the clock stops
     * (the counters showed 3x the timed part spent in handlers). */
    r = write_ && msync(m, len, MS_SYNC) < 0 ? -errno : 0;
    munmap(m, len);
    if (close(fd) < 0 && !r)
        r = -errno;
    return r ? r : (long)(len / PAGE);
}

static long run_mmap_read(struct bench_ctx *c)
{
    return run_mmap(c, 0);
}

static long run_mmap_write(struct bench_ctx *c)
{
    return run_mmap(c, 1);
}

const struct bench_test bench_data_tests[] = {
    { "rdwr_cc_read_page", G_CACHED, setup_cached, run_cc_read_page },
    { "rdwr_cc_write_page", G_CACHED, setup_empty, run_cc_write_page },
    { "rdwr_cc_read_large", G_CACHED, setup_cached, run_cc_read_large },
    { "rdwr_cc_write_large", G_CACHED, setup_empty, run_cc_write_large },
    { "mmap_read", G_CACHED, setup_cached, run_mmap_read },
    { "mmap_write", G_CACHED, setup_empty, run_mmap_write },
    { "rdwr_nc_read_large", G_UNCACHED, setup_cached, run_nc_read_large },
    { "rdwr_nc_write_large", G_UNCACHED, setup_empty, run_nc_write_large },
};
const int bench_data_count = sizeof bench_data_tests / sizeof bench_data_tests[0];
