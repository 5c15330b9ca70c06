/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The report: ops/s per test and target, each target's ratio to the
 * first column, and per group the geometric mean of those ratios (the
 * number the targets are stated in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const group_name[G_COUNT] = {
    "metadata", "cached data", "uncached data", "mixed workload"
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The n-th root of prod, found by bisection between lo and hi (the
 * smallest and largest factor, which bracket it): the Makefile links no
 * libm, and 200 halvings are exact to double precision. */
static double nth_root(double prod, int n, double lo, double hi)
{
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2, pow = 1;
        for (int k = 0; k < n; k++)
            pow *= mid;
        if (pow < prod)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

double bench_best(const struct bench_result *r)
{
    double best = 0;
    for (int i = 0; i < r->runs; i++)
        if (r->ops_per_s[i] > best)
            best = r->ops_per_s[i];
    return best;
}

double bench_median(const struct bench_result *r)
{
    if (r->runs == 0)
        return 0;
    double v[BENCH_MAX_REPEATS];
    memcpy(v, r->ops_per_s, sizeof v[0] * (size_t)r->runs);
    qsort(v, (size_t)r->runs, sizeof v[0], cmp_double);
    return r->runs % 2 ? v[r->runs / 2]
                       : (v[r->runs / 2 - 1] + v[r->runs / 2]) / 2;
}

static void print_rate(double v)
{
    if (v <= 0)
        printf(" %12s", "-");
    else if (v >= 100)
        printf(" %12.0f", v);
    else
        printf(" %12.2f", v);
}

static void print_header(char *const *names, int ntargets)
{
    printf("%-22s", "test (ops/s)");
    for (int t = 0; t < ntargets; t++)
        printf(t ? " %12.12s %6s" : " %12.12s", names[t], "ratio");
    printf("\n");
}

void bench_table_print(const char *title, int use_median,
                       const struct bench_test *const *tests, int ntests,
                       char *const *names, int ntargets,
                       struct bench_result (*res)[BENCH_MAX_TARGETS])
{
    printf("\n%s\n", title);
    print_header(names, ntargets);
    for (int g = 0; g < G_COUNT; g++) {
        double prod[BENCH_MAX_TARGETS], lo[BENCH_MAX_TARGETS],
            hi[BENCH_MAX_TARGETS];
        int nlog[BENCH_MAX_TARGETS] = { 0 };
        for (int t = 0; t < ntargets; t++) {
            prod[t] = 1;
            lo[t] = 1e300;
            hi[t] = 0;
        }
        int rows = 0;
        for (int i = 0; i < ntests; i++) {
            if (tests[i]->group != (enum bench_group)g)
                continue;
            rows++;
            printf("%-22s", tests[i]->name);
            double base = use_median ? bench_median(&res[i][0])
                                     : bench_best(&res[i][0]);
            for (int t = 0; t < ntargets; t++) {
                double v = use_median ? bench_median(&res[i][t])
                                      : bench_best(&res[i][t]);
                print_rate(v);
                if (t == 0)
                    continue;
                if (v > 0 && base > 0) {
                    printf(" %6.3f", v / base);
                    double q = v / base;
                    prod[t] *= q;
                    lo[t] = q < lo[t] ? q : lo[t];
                    hi[t] = q > hi[t] ? q : hi[t];
                    nlog[t]++;
                } else {
                    printf(" %6s", "-");
                }
            }
            printf("\n");
        }
        if (!rows)
            continue;
        printf("%-22s %12s", group_name[g], "geomean");
        for (int t = 1; t < ntargets; t++) {
            printf(" %12s", "");
            if (nlog[t])
                printf(" %6.3f", nth_root(prod[t], nlog[t], lo[t], hi[t]));
            else
                printf(" %6s", "-");
        }
        printf("\n\n");
    }
}
