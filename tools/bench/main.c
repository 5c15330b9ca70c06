/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-bench [-r REPEATS] [-n FILES] [-s MIB] [-t TESTS] [-m TREE]
 *           NAME=DIR [NAME=DIR...]
 *
 * Runs every test against every target interleaved (for each repeat, each
 * test, each target in turn), so a slow moment of the machine hits all
 * targets alike, and reports best and median ops/s with ratios to the
 * first target.  Targets whose root serves fsp's counters also get
 * requests per operation, by opcode.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <getopt.h>
#include <unistd.h>

#include "bench.h"

#define MAX_TESTS 32

struct target {
    char *name;
    const char *root;
    int has_stats;
    struct bench_counts per_read;
};

static volatile sig_atomic_t stop;
static char tar_dir[4096];

static void on_signal(int sig)
{
    stop = sig;
}

static const char usage_text[] =
    "usage: fsp-bench [-r REPEATS] [-n FILES] [-s MIB] [-t TESTS] [-m TREE]\n"
    "                 NAME=DIR [NAME=DIR...]\n"
    "\n"
    "Run the same benchmarks on several directories and compare them in a table.\n"
    "\n"
    "  -r REPEATS     repeats of each test (default 5)\n"
    "  -n FILES       files per metadata test (default 1000)\n"
    "  -s MIB         file size of the data tests in MiB (default 32)\n"
    "  -t TESTS       comma-separated test names or prefixes (default all)\n"
    "  -m TREE        directory the mixed workload unpacks as a tar\n"
    "                 (default /usr/include/linux)\n"
    "  -h, --help     show this help\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

/* Does name match one of the comma-separated prefixes in list? */
static int selected(const char *list, const char *name)
{
    if (!list)
        return 1;
    const char *p = list;
    for (int guard = 0; *p && guard < 256; guard++) {
        size_t len = strcspn(p, ",");
        if (len && strncmp(name, p, len) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* The mixed workload's tar, made once from tree in a private directory. */
static int make_tarball(const char *tree, char *out, size_t size)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tar_dir, sizeof tar_dir, "%s/fsp-bench.XXXXXX", tmp);
    if (!mkdtemp(tar_dir)) {
        tar_dir[0] = '\0';
        return -errno;
    }
    int r = bench_path(out, size, tar_dir, "tree.tar");
    if (r)
        return r;
    char *argv[] = { "tar", "-cf", out, "-C", (char *)tree, ".", NULL };
    return bench_spawn(argv, 0);
}

/* One run of one test on one target; returns ops/s, 0 for a skip, or a
 * negative errno.  The counters' difference goes into acc. */
static double run_one(const struct bench_test *t, const struct bench_params *p,
                      struct target *tg, struct bench_counts *acc,
                      double *ops_out, double *wall_us, char *note,
                      size_t note_size)
{
    char dir[4096];
    int len = snprintf(dir, sizeof dir, "%s/fsp-bench.%d.%s", tg->root,
                       (int)getpid(), t->name);
    if (len < 0 || (size_t)len >= sizeof dir)
        return -ENAMETOOLONG;
    bench_rm_tree(dir); /* a leftover of an interrupted run */
    if (mkdir(dir, 0755) < 0)
        return -errno;
    struct bench_ctx c = { .p = p, .dir = dir };
    int r = t->setup ? t->setup(&c) : 0;
    struct bench_counts before, after;
    if (!r && tg->has_stats && (r = bench_stats_settle(tg->root, &tg->per_read,
                                                       &before)) > 0)
        r = 0;
    double rate = r;
    if (!r) {
        uint64_t t0 = bench_now_ns();
        long ops = t->run(&c);
        uint64_t t1 = bench_now_ns();
        if (ops == BENCH_SKIP) {
            snprintf(note, note_size, "%s", c.note);
            rate = 0;
        } else if (ops < 0) {
            rate = (double)ops;
        } else {
            rate = (double)ops * 1e9 / (double)(t1 - t0 ? t1 - t0 : 1);
            *ops_out += (double)ops;
            *wall_us += (double)(t1 - t0) / 1000.0;
            int reads = tg->has_stats ? bench_stats_settle(tg->root,
                                                           &tg->per_read, &after)
                                      : 0;
            if (reads > 0)
                bench_counts_add_diff(acc, &after, &before, &tg->per_read,
                                      reads);
        }
    }
    int rm = bench_rm_tree(dir);
    if (rm && rate >= 0)
        rate = rm;
    return rate;
}

int main(int argc, char **argv)
{
    int repeats = 5;
    const char *test_list = NULL, *tree = "/usr/include/linux";
    struct bench_params p = { .files = 1000, .data_bytes = 32u << 20 };
    int opt;
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    while ((opt = getopt_long(argc, argv, "r:n:s:t:m:h", longopts, NULL)) !=
           -1) {
        switch (opt) {
        case 'h': fputs(usage_text, stdout); return 0;
        case 'r': repeats = atoi(optarg); break;
        case 'n': p.files = atoi(optarg); break;
        case 's': p.data_bytes = (size_t)atoi(optarg) << 20; break;
        case 't': test_list = optarg; break;
        case 'm': tree = optarg; break;
        default: return usage();
        }
    }
    int ntargets = argc - optind;
    if (repeats < 1 || repeats > BENCH_MAX_REPEATS || p.files < 1 ||
        p.data_bytes < (1u << 20) || ntargets < 1 ||
        ntargets > BENCH_MAX_TARGETS)
        return usage();

    static struct target tg[BENCH_MAX_TARGETS];
    char *names[BENCH_MAX_TARGETS];
    for (int i = 0; i < ntargets; i++) {
        char *arg = argv[optind + i], *eq = strchr(arg, '=');
        struct stat st;
        if (!eq || eq == arg || stat(eq + 1, &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "fsp-bench: %s: want NAME=DIRECTORY\n", arg);
            return 2;
        }
        *eq = '\0';
        tg[i].name = names[i] = arg;
        tg[i].root = eq + 1;
        tg[i].has_stats = bench_stats_available(tg[i].root) &&
                          bench_stats_calibrate(tg[i].root, &tg[i].per_read) == 0;
    }

    const struct bench_test *tests[MAX_TESTS];
    int ntests = 0;
    const struct { const struct bench_test *t; int n; } sets[] = {
        { bench_meta_tests, bench_meta_count },
        { bench_data_tests, bench_data_count },
        { bench_mixed_tests, bench_mixed_count },
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
        for (int i = 0; i < sets[s].n && ntests < MAX_TESTS; i++)
            if (selected(test_list, sets[s].t[i].name))
                tests[ntests++] = &sets[s].t[i];
    if (!ntests) {
        fprintf(stderr, "fsp-bench: no test matches %s\n", test_list);
        return 2;
    }

    char tarball[4096] = "";
    for (int i = 0; i < ntests; i++)
        if (tests[i]->group == G_MIXED && !tarball[0]) {
            int r = make_tarball(tree, tarball, sizeof tarball);
            if (r) {
                fprintf(stderr, "fsp-bench: cannot pack %s: %s\n", tree,
                        strerror(-r));
                return 1;
            }
        }
    p.tarball = tarball;

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);

    static struct bench_result res[MAX_TESTS][BENCH_MAX_TARGETS];
    static struct bench_counts acc[MAX_TESTS][BENCH_MAX_TARGETS];
    static double total_ops[MAX_TESTS][BENCH_MAX_TARGETS];
    static double total_us[MAX_TESTS][BENCH_MAX_TARGETS];
    int failed = 0;
    for (int rep = 0; rep < repeats && !stop; rep++) {
        for (int i = 0; i < ntests && !stop; i++) {
            /* progress: a run of all tests takes minutes */
            fprintf(stderr, "fsp-bench: repeat %d/%d, test %d/%d: %s\n",
                    rep + 1, repeats, i + 1, ntests, tests[i]->name);
            for (int t = 0; t < ntargets && !stop; t++) {
                struct bench_result *r = &res[i][t];
                double v = run_one(tests[i], &p, &tg[t], &acc[i][t],
                                   &total_ops[i][t], &total_us[i][t], r->note,
                                   sizeof r->note);
                if (v > 0) {
                    r->ops_per_s[r->runs++] = v;
                } else if (v < 0) {
                    fprintf(stderr, "fsp-bench: %s on %s: %s\n",
                            tests[i]->name, tg[t].name, strerror((int)-v));
                    failed = 1;
                }
            }
        }
    }
    if (tar_dir[0])
        bench_rm_tree(tar_dir);
    if (stop) {
        /* Die of the signal, so a calling shell knows it was interrupted
         * (bash ignores a Ctrl-C its child handled and exited from). */
        fprintf(stderr, "fsp-bench: interrupted\n");
        signal((int)stop, SIG_DFL);
        raise((int)stop);
        return 128 + (int)stop;
    }

    printf("fsp-bench: %d repeats, %d files, %zu MiB data files; "
           "ratio = column / %s\n", repeats, p.files, p.data_bytes >> 20,
           names[0]);
    bench_table_print("best of repeats", 0, tests, ntests, names, ntargets,
                      res);
    bench_table_print("median of repeats", 1, tests, ntests, names, ntargets,
                      res);
    for (int i = 0; i < ntests; i++)
        for (int t = 0; t < ntargets; t++)
            if (res[i][t].note[0])
                printf("note: %s on %s skipped: %s\n", tests[i]->name,
                       names[t], res[i][t].note);
    for (int t = 0; t < ntargets; t++) {
        if (!tg[t].has_stats)
            continue;
        printf("\nrequests per operation on %s (fsp counters, timed part "
               "only):\n", names[t]);
        for (int i = 0; i < ntests; i++)
            bench_counts_print(tests[i]->name, &acc[i][t], total_ops[i][t],
                               total_us[i][t]);
    }
    return failed;
}
