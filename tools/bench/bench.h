/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-bench: WinFsp fsbench's tests on Linux, run against several mount
 * points interleaved in one run so that they see the same machine state.
 *
 * One file per job: main.c (options, the interleaved loop), tests_meta.c
 * and tests_data.c and tests_mixed.c (the tests), util.c (timing, trees),
 * stats.c (fsp's request counters), table.c (the report).
 */
#ifndef FSP_BENCH_H
#define FSP_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_TARGETS 8
#define BENCH_MAX_REPEATS 64
#define BENCH_MAX_OPCODES 64

/* Geometric means are taken per group, as the issue states its targets. */
enum bench_group { G_META, G_CACHED, G_UNCACHED, G_MIXED, G_COUNT };

struct bench_params {
    int files;          /* files per metadata test */
    size_t data_bytes;  /* file size of the data tests */
    const char *tarball;/* the mixed workload's input (made by main) */
};

/* What a test sees: its fresh, empty directory and the parameters. */
struct bench_ctx {
    const struct bench_params *p;
    const char *dir;
    char note[128];     /* why a test was skipped, for the report */
};

/* setup runs untimed; run is timed and returns the operations it did, or
 * a negative errno (-EOPNOTSUPP-like results become a "skip").  The
 * directory is removed afterwards by the driver, so tests need no
 * teardown of their own. */
struct bench_test {
    const char *name;
    enum bench_group group;
    int (*setup)(struct bench_ctx *c);
    long (*run)(struct bench_ctx *c);
};

/* A skipped test returns this from run, with c->note saying why. */
#define BENCH_SKIP (-100000L)

extern const struct bench_test bench_meta_tests[];
extern const int bench_meta_count;
extern const struct bench_test bench_data_tests[];
extern const int bench_data_count;
extern const struct bench_test bench_mixed_tests[];
extern const int bench_mixed_count;

/* util.c */
uint64_t bench_now_ns(void);
int bench_path(char *out, size_t size, const char *dir, const char *name);
int bench_rm_tree(const char *path);
int bench_make_files(const char *dir, int n, size_t bytes);
int bench_file_name(char *out, size_t size, const char *dir, int i);
int bench_fill_file(const char *path, size_t bytes);
int bench_spawn(char *const argv[], int discard_output);

/* stats.c: fsp's per-opcode request counters of one mount. */
struct bench_counts {
    int n;
    char name[BENCH_MAX_OPCODES][20];
    uint64_t count[BENCH_MAX_OPCODES];
    double busy_us[BENCH_MAX_OPCODES]; /* count x avg_us: time in handlers */
};
int bench_stats_available(const char *root);
int bench_stats_calibrate(const char *root, struct bench_counts *per_read);
int bench_stats_settle(const char *root, const struct bench_counts *per_read,
                       struct bench_counts *out);
void bench_counts_add_diff(struct bench_counts *acc,
                           const struct bench_counts *after,
                           const struct bench_counts *before,
                           const struct bench_counts *per_read, int reads);
void bench_counts_print(const char *test, const struct bench_counts *acc,
                        double ops, double wall_us);

/* table.c: one row per test, one column per target. */
struct bench_result {
    int runs;                       /* repeats that produced a number */
    double ops_per_s[BENCH_MAX_REPEATS];
    char note[128];
};
void bench_table_print(const char *title, int use_median,
                       const struct bench_test *const *tests, int ntests,
                       char *const *names, int ntargets,
                       struct bench_result (*res)[BENCH_MAX_TARGETS]);
double bench_best(const struct bench_result *r);
double bench_median(const struct bench_result *r);

#endif
