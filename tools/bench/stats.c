/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp's request counters, read from outside the process: fsp serves them
 * as the text of the attribute "user.fsp.stats" on the mount root (a
 * header line, then "OPCODE count errors avg_us" lines).
 *
 * Reading the attribute is itself a request (GETXATTR), and the kernel
 * sends some requests after the system call that caused them returned
 * (RELEASE goes to the background queue, FORGET when an inode is
 * evicted).  So a snapshot is taken only once the counters stop moving,
 * and the reads' own cost, measured once per mount, is subtracted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>

#include "bench.h"

#define STATS_EA "user.fsp.stats"
#define STATS_MAX 65536
#define SETTLE_TRIES 200

static int read_counts(const char *root, struct bench_counts *out)
{
    /* One getxattr with a buffer large enough: a size probe first would
     * be a second request to account for. */
    static char buf[STATS_MAX + 1];
    ssize_t n = getxattr(root, STATS_EA, buf, STATS_MAX);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    memset(out, 0, sizeof *out);
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(buf, "\n", &save); l && out->n < BENCH_MAX_OPCODES;
         l = strtok_r(NULL, "\n", &save)) {
        if (line++ == 0)
            continue; /* the header */
        char name[20];
        unsigned long long count, errors;
        double avg_us = 0;
        if (sscanf(l, "%19s %llu %llu %lf", name, &count, &errors, &avg_us) < 2)
            continue;
        snprintf(out->name[out->n], sizeof out->name[0], "%s", name);
        out->busy_us[out->n] = avg_us * (double)count;
        out->count[out->n++] = count;
    }
    return 0;
}

static double busy_of(const struct bench_counts *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return c->busy_us[i];
    return 0;
}

static uint64_t count_of(const struct bench_counts *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return c->count[i];
    return 0;
}

/* Add `delta` requests and busy_us to acc's entry for name, creating it. */
static void acc_add(struct bench_counts *acc, const char *name, int64_t delta,
                    double busy_us)
{
    for (int i = 0; i < acc->n; i++)
        if (strcmp(acc->name[i], name) == 0) {
            acc->count[i] += (uint64_t)delta;
            acc->busy_us[i] += busy_us;
            return;
        }
    if (acc->n < BENCH_MAX_OPCODES) {
        snprintf(acc->name[acc->n], sizeof acc->name[0], "%s", name);
        acc->busy_us[acc->n] = busy_us;
        acc->count[acc->n++] = (uint64_t)delta;
    }
}

int bench_stats_available(const char *root)
{
    struct bench_counts c;
    return read_counts(root, &c) == 0;
}

/* Requests per counter read: two reads back to back, nothing between. */
int bench_stats_calibrate(const char *root, struct bench_counts *per_read)
{
    struct bench_counts a, b;
    int r = read_counts(root, &a);
    if (!r)
        r = read_counts(root, &b);
    if (r)
        return r;
    memset(per_read, 0, sizeof *per_read);
    for (int i = 0; i < b.n; i++) {
        uint64_t d = b.count[i] - count_of(&a, b.name[i]);
        if (d)
            acc_add(per_read, b.name[i], (int64_t)d, 0);
    }
    return 0;
}

/* Does b differ from a by more than one counter read? */
static int moved(const struct bench_counts *a, const struct bench_counts *b,
                 const struct bench_counts *per_read)
{
    for (int i = 0; i < b->n; i++)
        if (b->count[i] - count_of(a, b->name[i]) !=
            count_of(per_read, b->name[i]))
            return 1;
    return 0;
}

/* Read until the counters are still; returns how many reads it made
 * (each adds per_read to the counters), or a negative errno. */
int bench_stats_settle(const char *root, const struct bench_counts *per_read,
                       struct bench_counts *out)
{
    struct bench_counts prev;
    int r = read_counts(root, &prev);
    if (r)
        return r;
    const struct timespec pause = { 0, 1000000 }; /* let background queue drain */
    for (int reads = 2; reads <= SETTLE_TRIES; reads++) {
        nanosleep(&pause, NULL);
        if ((r = read_counts(root, out)))
            return r;
        if (!moved(&prev, out, per_read))
            return reads;
        prev = *out;
    }
    return SETTLE_TRIES; /* something keeps talking; count what we saw */
}

void bench_counts_add_diff(struct bench_counts *acc,
                           const struct bench_counts *after,
                           const struct bench_counts *before,
                           const struct bench_counts *per_read, int reads)
{
    for (int i = 0; i < after->n; i++) {
        const char *name = after->name[i];
        int64_t d = (int64_t)(after->count[i] - count_of(before, name)) -
                    (int64_t)count_of(per_read, name) * reads;
        /* The counter reads' own handler time is left in: it is tiny. */
        double busy = after->busy_us[i] - busy_of(before, name);
        if (d > 0)
            acc_add(acc, name, d, busy > 0 ? busy : 0);
    }
}

/* Requests per operation by opcode, then how much of the operation's
 * wall time the file system's handlers account for: the rest is the
 * kernel, the round trips and the caller itself. */
void bench_counts_print(const char *test, const struct bench_counts *acc,
                        double ops, double wall_us)
{
    printf("  %-20s", test);
    double busy = 0;
    int any = 0;
    for (int i = 0; i < acc->n && ops > 0; i++) {
        if (!acc->count[i])
            continue;
        double per = (double)acc->count[i] / ops;
        printf(per >= 0.01 || per == 0 ? " %s %.2f" : " %s %.4f", acc->name[i], per);
        busy += acc->busy_us[i];
        any = 1;
    }
    if (any && ops > 0)
        printf("  [handlers %.1f of %.1f us/op]", busy / ops, wall_us / ops);
    printf("%s\n", any ? "" : " (no requests)");
}
