/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Metadata tests, after WinFsp's fsbench.  Each timed loop does only the
 * operation its name says; files it needs exist beforehand (setup), so
 * "open", "attr" and the listings measure a file the kernel already
 * knows, which is where a FUSE file system can answer with no request.
 *
 * The cheap cached operations repeat over the files several times so the
 * timed part is long enough to measure on tmpfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define CACHED_PASSES 10  /* open, attr, negative lookup */
#define LIST_PASSES 50    /* file_list: listings of the directory */
#define LIST_STAT_PASSES 5 /* file_list_single: listings with a stat each */
#define MISSING_NAMES 100 /* distinct names the negative lookups cycle over */

static int setup_files(struct bench_ctx *c)
{
    return bench_make_files(c->dir, c->p->files, 0);
}

static int setup_dirs(struct bench_ctx *c)
{
    char path[4096];
    for (int i = 0; i < c->p->files; i++) {
        int r = bench_file_name(path, sizeof path, c->dir, i);
        if (r)
            return r;
        if (mkdir(path, 0755) < 0)
            return -errno;
    }
    return 0;
}

/* open(2) each name with flags, then close it. */
static long open_all(struct bench_ctx *c, int flags, int passes)
{
    char path[4096];
    for (int p = 0; p < passes; p++)
        for (int i = 0; i < c->p->files; i++) {
            int r = bench_file_name(path, sizeof path, c->dir, i);
            if (r)
                return r;
            int fd = open(path, flags | O_CLOEXEC, 0644);
            if (fd < 0)
                return -errno;
            close(fd);
        }
    return (long)passes * c->p->files;
}

static long run_create(struct bench_ctx *c)
{
    return open_all(c, O_CREAT | O_EXCL | O_WRONLY, 1);
}

static long run_open(struct bench_ctx *c)
{
    return open_all(c, O_RDONLY, CACHED_PASSES);
}

static long run_overwrite(struct bench_ctx *c)
{
    return open_all(c, O_WRONLY | O_TRUNC, 1);
}

static long run_attr(struct bench_ctx *c)
{
    char path[4096];
    struct stat st;
    for (int p = 0; p < CACHED_PASSES; p++)
        for (int i = 0; i < c->p->files; i++) {
            int r = bench_file_name(path, sizeof path, c->dir, i);
            if (r)
                return r;
            if (stat(path, &st) < 0)
                return -errno;
        }
    return (long)CACHED_PASSES * c->p->files;
}

/* One listing of c->dir; with_stat stats each entry too (ls -l). */
static long list_once(struct bench_ctx *c, int with_stat)
{
    int fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        int e = -errno;
        if (fd >= 0)
            close(fd);
        return e;
    }
    long seen = 0;
    struct dirent *de;
    struct stat st;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (with_stat && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            int e = -errno;
            closedir(d);
            return e;
        }
        seen++;
    }
    closedir(d);
    return seen == c->p->files ? 0 : -EIO; /* a listing must be complete */
}

static long run_list(struct bench_ctx *c)
{
    for (int p = 0; p < LIST_PASSES; p++) {
        long r = list_once(c, 0);
        if (r)
            return r;
    }
    return LIST_PASSES;
}

static long run_list_single(struct bench_ctx *c)
{
    for (int p = 0; p < LIST_STAT_PASSES; p++) {
        long r = list_once(c, 1);
        if (r)
            return r;
    }
    return LIST_STAT_PASSES;
}

/* Lookups of names that do not exist: a few distinct ones, asked again
 * and again, as a shell's PATH search or a compiler's include search does. */
static long run_list_none(struct bench_ctx *c)
{
    char path[4096];
    struct stat st;
    long n = (long)CACHED_PASSES * c->p->files;
    for (long i = 0; i < n; i++) {
        int len = snprintf(path, sizeof path, "%s/missing%03ld", c->dir,
                           i % MISSING_NAMES);
        if (len < 0 || (size_t)len >= sizeof path)
            return -ENAMETOOLONG;
        if (stat(path, &st) == 0 || errno != ENOENT)
            return -EIO;
    }
    return n;
}

static long run_delete(struct bench_ctx *c)
{
    char path[4096];
    for (int i = 0; i < c->p->files; i++) {
        int r = bench_file_name(path, sizeof path, c->dir, i);
        if (r)
            return r;
        if (unlink(path) < 0)
            return -errno;
    }
    return c->p->files;
}

static long run_mkdir(struct bench_ctx *c)
{
    char path[4096];
    for (int i = 0; i < c->p->files; i++) {
        int r = bench_file_name(path, sizeof path, c->dir, i);
        if (r)
            return r;
        if (mkdir(path, 0755) < 0)
            return -errno;
    }
    return c->p->files;
}

static long run_rmdir(struct bench_ctx *c)
{
    char path[4096];
    for (int i = 0; i < c->p->files; i++) {
        int r = bench_file_name(path, sizeof path, c->dir, i);
        if (r)
            return r;
        if (rmdir(path) < 0)
            return -errno;
    }
    return c->p->files;
}

const struct bench_test bench_meta_tests[] = {
    { "file_create", G_META, NULL, run_create },
    { "file_open", G_META, setup_files, run_open },
    { "file_overwrite", G_META, setup_files, run_overwrite },
    { "file_attr", G_META, setup_files, run_attr },
    { "file_list", G_META, setup_files, run_list },
    { "file_list_single", G_META, setup_files, run_list_single },
    { "file_list_none", G_META, NULL, run_list_none },
    { "file_delete", G_META, setup_files, run_delete },
    { "file_mkdir", G_META, NULL, run_mkdir },
    { "file_rmdir", G_META, setup_dirs, run_rmdir },
};
const int bench_meta_count = sizeof bench_meta_tests / sizeof bench_meta_tests[0];
