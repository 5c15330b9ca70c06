/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-tests: the conformance suite (the analogue of winfsp-tests).
 *
 *   fsp-tests [-v] [-k] [-t SECONDS] [-l] [-x PATTERN[=REASON]]...
 *             MOUNTPOINT [FILTER...]
 *
 * Makes a private directory MOUNTPOINT/fsp-tests.XXXXXX, runs every case
 * whose name contains one of the FILTERs (all without filters) in its own
 * subdirectory and process, prints PASS/FAIL/SKIP per case and removes
 * the directory (-k keeps it).  -v shows every failed check and notes,
 * -t changes the per-case deadline (default 30 s), -l lists the cases.
 *
 * -x declares that the mount does not offer what the cases whose name
 * contains PATTERN check (a FUSE example without fallocate, say): they
 * are not run and report SKIP with the pattern and REASON, so a reader
 * of the results sees what was left out and why.  A declared case never
 * counts as passed.
 *
 * Exit status 0 when nothing failed, 1 otherwise.
 */
#include "ct.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <getopt.h>
#include <unistd.h>

struct ct_state {
    int failed;
    int skipped;
    int nfail;
    char reason[768];
};

static struct ct_state *st;
int ct_verbose;
char ct_mount[PATH_MAX];
char ct_casedir[PATH_MAX + 64];

static const struct ct_case *const tables[] = {
    ct_files_cases, ct_links_cases, ct_special_cases, ct_perms_cases,
    ct_times_cases, ct_rename_cases, ct_space_cases, ct_locks_cases,
    ct_mmap_cases, ct_dirs_cases, ct_xattr_cases, ct_acl_cases,
    ct_permmatrix_cases,
};

const char *ct_errname(int err)
{
    if (err == 0)
        return "0";
    const char *n = strerrorname_np(err);
    return n ? n : "E?";
}

void ct_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (__atomic_exchange_n(&st->failed, 1, __ATOMIC_SEQ_CST) == 0)
        snprintf(st->reason, sizeof st->reason, "%s:%d: %s", file, line, msg);
    __atomic_add_fetch(&st->nfail, 1, __ATOMIC_SEQ_CST);
    if (ct_verbose)
        printf("  %s:%d: %s\n", file, line, msg);
}

void ct_skip(const char *fmt, ...)
{
    va_list ap;
    if (st->failed || st->skipped)
        return;
    st->skipped = 1;
    va_start(ap, fmt);
    vsnprintf(st->reason, sizeof st->reason, fmt, ap);
    va_end(ap);
}

void ct_note(const char *fmt, ...)
{
    if (!ct_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("  note: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

int ct_failed(void)
{
    return st->failed;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove a tree in a child under a deadline, so a hung file system
 * cannot hang the runner.  Removes immutable-free trees only. */
static void remove_tree(const char *path)
{
    pid_t pid = ct_fork(30);
    if (pid == 0) {
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
        _exit(0);
    }
    if (pid > 0 && ct_wait(pid, 30000) != 0)
        fprintf(stderr, "fsp-tests: could not remove %s in time\n", path);
}

/* The -x declarations: "PATTERN" or "PATTERN=REASON". */
#define MAX_EXCLUDES 64
static const char *excludes[MAX_EXCLUDES];
static int nexcludes;

/* The -x declaration that covers name, or NULL. */
static const char *excluded(const char *name)
{
    for (int i = 0; i < nexcludes; i++) {
        const char *eq = strchr(excludes[i], '=');
        size_t len = eq ? (size_t)(eq - excludes[i]) : strlen(excludes[i]);
        char pat[256];
        if (len >= sizeof pat)
            len = sizeof pat - 1;
        memcpy(pat, excludes[i], len);
        pat[len] = 0;
        if (strstr(name, pat))
            return excludes[i];
    }
    return NULL;
}

static int matches(const char *name, char **filters, int nfilters)
{
    if (nfilters == 0)
        return 1;
    for (int i = 0; i < nfilters; i++)
        if (strstr(name, filters[i]))
            return 1;
    return 0;
}

/* Run one case in its own process group; print its verdict; 0 pass,
 * 1 fail, 2 skip. */
static int run_case(const char *top, const struct ct_case *c, int deadline)
{
    memset(st, 0, sizeof *st);
    const char *x = excluded(c->name);
    if (x) {
        const char *eq = strchr(x, '=');
        printf("SKIP: %s: declared not offered by the mount (-x %.*s)%s%s\n",
               c->name, eq ? (int)(eq - x) : (int)strlen(x), x,
               eq ? ": " : "", eq ? eq + 1 : "");
        return 2;
    }
    int len = snprintf(ct_casedir, sizeof ct_casedir, "%s/%s", top, c->name);
    if (len < 0 || (size_t)len >= sizeof ct_casedir) {
        printf("FAIL: %s: path too long\n", c->name);
        return 1;
    }
    if (mkdir(ct_casedir, 0755) == -1 || chmod(ct_casedir, 0755) == -1) {
        printf("FAIL: %s: mkdir %s: %s\n", c->name, ct_casedir,
               strerror(errno));
        return 1;
    }
    int secs = c->timeout_s ? c->timeout_s : deadline;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        umask(022);
        if (chdir(ct_casedir) == -1) {
            FAIL("chdir %s: %s", ct_casedir, strerror(errno));
            _exit(1);
        }
        c->fn();
        fflush(stdout);
        _exit(0);
    }
    if (pid < 0) {
        printf("FAIL: %s: fork: %s\n", c->name, strerror(errno));
        return 1;
    }
    setpgid(pid, pid);
    int rc = ct_wait(pid, secs * 1000);
    kill(-pid, SIGKILL);            /* helpers a case left behind */
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    int verdict;
    if (rc != 0) {
        char why[64];
        if (rc == -1)
            snprintf(why, sizeof why, "timed out after %d s", secs);
        else if (rc > 128)
            snprintf(why, sizeof why, "case process killed by %s",
                     sigabbrev_np(rc - 128) ? sigabbrev_np(rc - 128) : "?");
        else
            snprintf(why, sizeof why, "case process exited %d", rc);
        printf("FAIL: %s: %s%s%s\n", c->name, why, st->failed ? "; " : "",
               st->failed ? st->reason : "");
        verdict = 1;
    } else if (st->failed) {
        if (st->nfail > 1)
            printf("FAIL: %s: %s (+%d more)\n", c->name, st->reason,
                   st->nfail - 1);
        else
            printf("FAIL: %s: %s\n", c->name, st->reason);
        verdict = 1;
    } else if (st->skipped) {
        printf("SKIP: %s: %s\n", c->name, st->reason);
        verdict = 2;
    } else {
        printf("PASS: %s\n", c->name);
        verdict = 0;
    }
    fflush(stdout);
    remove_tree(ct_casedir);
    return verdict;
}

static const char usage_text[] =
    "usage: fsp-tests [-v] [-k] [-t SECONDS] [-x PATTERN[=REASON]]...\n"
    "                 MOUNTPOINT [FILTER...]\n"
    "       fsp-tests -l\n"
    "\n"
    "Check a mounted file system against POSIX and Linux semantics.\n"
    "\n"
    "  -v             show every failed check and note\n"
    "  -k             keep the test directory afterwards\n"
    "  -t SECONDS     deadline of one case (default 30)\n"
    "  -l             list the cases and exit\n"
    "  -x PATTERN[=REASON]\n"
    "                 do not run the cases whose name contains PATTERN: they\n"
    "                 report SKIP with REASON (repeatable)\n"
    "  -h, --help     show this help\n";

static void usage(void)
{
    fputs(usage_text, stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    int keep = 0, list = 0, deadline = 30, opt;
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    while ((opt = getopt_long(argc, argv, "vklt:x:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(usage_text, stdout); return 0;
        case 'v': ct_verbose = 1; break;
        case 'k': keep = 1; break;
        case 'l': list = 1; break;
        case 't': deadline = atoi(optarg); break;
        case 'x':
            if (nexcludes == MAX_EXCLUDES || !optarg[0] || optarg[0] == '=')
                usage();
            excludes[nexcludes++] = optarg;
            break;
        default: usage();
        }
    }
    if (list) {
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
            for (const struct ct_case *c = tables[t]; c->name; c++)
                printf("%s\n", c->name);
        return 0;
    }
    if (optind >= argc || deadline <= 0)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!realpath(argv[optind], ct_mount)) {
        fprintf(stderr, "fsp-tests: %s: %s\n", argv[optind], strerror(errno));
        return 2;
    }
    char **filters = argv + optind + 1;
    int nfilters = argc - optind - 1;

    st = mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (st == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    umask(022);

    char top[PATH_MAX];
    int len = snprintf(top, sizeof top, "%s/fsp-tests.XXXXXX", ct_mount);
    if (len < 0 || (size_t)len >= sizeof top - 64) {
        fprintf(stderr, "fsp-tests: %s: path too long\n", ct_mount);
        return 2;
    }
    if (!mkdtemp(top) || chmod(top, 0755) == -1) {
        fprintf(stderr, "fsp-tests: cannot make a directory in %s: %s\n",
                ct_mount, strerror(errno));
        return 2;
    }
    int n[3] = { 0, 0, 0 };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const struct ct_case *c = tables[t]; c->name; c++)
            if (matches(c->name, filters, nfilters))
                n[run_case(top, c, deadline)]++;
    if (!keep)
        remove_tree(top);
    else
        printf("kept %s\n", top);
    printf("fsp-tests %s: %d passed, %d failed, %d skipped\n", ct_mount,
           n[0], n[1], n[2]);
    return n[1] ? 1 : 0;
}
