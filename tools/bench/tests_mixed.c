/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mixed workload, timed as a whole: unpack a tree, walk it (find),
 * size it (du), pack it again (tar to a pipe), remove it (rm -rf).  The
 * real programs, so the mix of system calls is what people actually run.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bench.h"

static long run_mixed(struct bench_ctx *c)
{
    char tree[4096];
    int r = bench_path(tree, sizeof tree, c->dir, "t");
    if (r)
        return r;
    if (mkdir(tree, 0755) < 0)
        return -errno;
    char *untar[] = { "tar", "-xf", (char *)c->p->tarball, "-C", tree, NULL };
    char *find[] = { "find", tree, NULL };
    char *du[] = { "du", "-s", tree, NULL };
    char *tar[] = { "tar", "-cf", "-", "-C", tree, ".", NULL };
    char *rm[] = { "rm", "-rf", tree, NULL };
    if ((r = bench_spawn(untar, 0)) || (r = bench_spawn(find, 1)) ||
        (r = bench_spawn(du, 1)) || (r = bench_spawn(tar, 1)) ||
        (r = bench_spawn(rm, 0)))
        return r;
    return 1;
}

const struct bench_test bench_mixed_tests[] = {
    { "mixed_untar_find_du_tar_rm", G_MIXED, NULL, run_mixed },
};
const int bench_mixed_count = sizeof bench_mixed_tests / sizeof bench_mixed_tests[0];
