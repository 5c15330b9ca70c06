/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers the tests share: the clock, names, making and removing trees,
 * and running the programs of the mixed workload.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

uint64_t bench_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int bench_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Fixed-width names, so every target sees the same name lengths. */
int bench_file_name(char *out, size_t size, const char *dir, int i)
{
    int n = snprintf(out, size, "%s/f%07d", dir, i);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int rm_one(const char *path, const struct stat *st, int type,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = type == FTW_DP ? rmdir(path) : unlink(path);
    return r < 0 && errno != ENOENT ? -errno : 0;
}

int bench_rm_tree(const char *path)
{
    int r = nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
    return r < 0 ? -errno : r;
}

/* Write `bytes` of a non-zero pattern (zero pages could be special-cased
 * by a file system) to path, creating it. */
int bench_fill_file(const char *path, size_t bytes)
{
    static char chunk[1 << 20];
    if (!chunk[0])
        memset(chunk, 'x', sizeof chunk);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    for (size_t done = 0; done < bytes;) {
        size_t n = bytes - done < sizeof chunk ? bytes - done : sizeof chunk;
        ssize_t w = write(fd, chunk, n);
        if (w <= 0) {
            int e = w < 0 ? -errno : -EIO;
            close(fd);
            return e;
        }
        done += (size_t)w;
    }
    return close(fd) < 0 ? -errno : 0;
}

int bench_make_files(const char *dir, int n, size_t bytes)
{
    char path[4096];
    for (int i = 0; i < n; i++) {
        int r = bench_file_name(path, sizeof path, dir, i);
        if (!r)
            r = bench_fill_file(path, bytes);
        if (r)
            return r;
    }
    return 0;
}

/* Run argv[0] from PATH and wait; with discard_output its standard output
 * goes through a pipe we drain (not to /dev/null: GNU tar notices an
 * archive on /dev/null and then skips reading the files). */
int bench_spawn(char *const argv[], int discard_output)
{
    int p[2] = { -1, -1 };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (discard_output) {
        if (pipe2(p, O_CLOEXEC) < 0)
            return -errno;
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    }
    pid_t pid;
    int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (discard_output) {
        close(p[1]);
        if (r == 0) {
            static char sink[1 << 16];
            while (read(p[0], sink, sizeof sink) > 0)
                ;
        }
        close(p[0]);
    }
    if (r)
        return -r;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}
