/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation-failure injection: fail the Nth allocation of a scripted
 * workload, for every N, and prove that the request during which it
 * failed got exactly one well-formed reply (ENOMEM, or success when the
 * code had a way around it), that it either happened entirely or not at
 * all, that nothing acknowledged before was lost, that the file system
 * keeps serving (the request retried succeeds and the rest of the
 * workload ends in the same state as a run without faults), and, under
 * ASan, that nothing leaked.
 *
 * The allocator is wrapped at link time (-Wl,--wrap=malloc,... on this
 * binary, see the Makefile), so the count covers every malloc, calloc,
 * realloc and strdup that fsp's library and memfs make, and nothing the
 * C library makes inside itself.  Allocations count only while armed:
 * during the workload's requests, not while the test builds requests or
 * reads memfs's state.
 *
 * FSP_FAULT_LONG=1 adds a second, longer workload (make faults).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "fault_harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

CHECK_DEFINE_GLOBALS;

/* ---- the allocator, wrapped ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static int armed;
static long calls, target;     /* fail the target-th call while armed */
static int fired, fired_step, cur_step;

static int should_fail(void)
{
    if (!armed)
        return 0;
    if (++calls != target)
        return 0;
    armed = 0;
    fired = 1;
    fired_step = cur_step;
    errno = ENOMEM;
    return 1;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t s)
{
    return should_fail() ? NULL : __real_calloc(n, s);
}
void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

/* ---- the workload: one request per step ---- */

struct wl {
    uint64_t f, d, g;          /* node ids from replies */
    uint64_t fh_f, fh_g, dirfh;
};

static uint64_t entry_id(void)
{
    return fh_reply.len >= sizeof(struct wire_entry_out)
               ? ((const struct wire_entry_out *)fh_reply.body)->nodeid : 0;
}

static uint64_t create_fh(void)
{
    const size_t e = sizeof(struct wire_entry_out);
    return fh_reply.len >= e + sizeof(struct wire_open_out)
               ? ((const struct wire_open_out *)(fh_reply.body + e))->fh : 0;
}

static int do_create(struct fh_ctx *c, uint64_t parent, const char *name,
                     uint64_t *id, uint64_t *fh)
{
    struct wire_create_in ci = { .flags = 02 | 0100, .mode = S_IFREG | 0644 };
    int r = fh_req(c, WIRE_OP_CREATE, parent, &ci, sizeof ci, name,
                   strlen(name) + 1, NULL, 0);
    if (!r) {
        *id = entry_id();
        *fh = create_fh();
    }
    return r;
}

static int do_mkdir(struct fh_ctx *c, uint64_t parent, const char *name,
                    uint64_t *id)
{
    struct wire_mkdir_in mi = { .mode = 0755 };
    int r = fh_req(c, WIRE_OP_MKDIR, parent, &mi, sizeof mi, name,
                   strlen(name) + 1, NULL, 0);
    if (!r && id)
        *id = entry_id();
    return r;
}

static char pattern[20000];

static int do_write(struct fh_ctx *c, uint64_t node, uint64_t fh,
                    uint64_t off, size_t len)
{
    struct wire_write_in wi = { .fh = fh, .offset = off, .size = (uint32_t)len };
    return fh_req(c, WIRE_OP_WRITE, node, &wi, sizeof wi, pattern, len, NULL, 0);
}

static int do_read(struct fh_ctx *c, uint64_t node, uint64_t fh,
                   uint64_t off, uint32_t len)
{
    struct wire_read_in ri = { .fh = fh, .offset = off, .size = len };
    return fh_req(c, WIRE_OP_READ, node, &ri, sizeof ri, NULL, 0, NULL, 0);
}

static int do_setxattr(struct fh_ctx *c, uint64_t node, const char *name,
                       size_t size)
{
    /* the short header: fsp asks for no SETXATTR_EXT */
    struct wire_setxattr_in si = { .size = (uint32_t)size };
    return fh_req(c, WIRE_OP_SETXATTR, node, &si, WIRE_COMPAT_SETXATTR_IN_SIZE,
                  name, strlen(name) + 1, pattern, size);
}

static int do_getxattr(struct fh_ctx *c, uint32_t op, uint64_t node,
                       const char *name)
{
    struct wire_getxattr_in gi = { .size = 4096 };
    return fh_req(c, op, node, &gi, sizeof gi, name, name ? strlen(name) + 1 : 0,
                  NULL, 0);
}

static int do_name(struct fh_ctx *c, uint32_t op, uint64_t parent,
                   const char *name)
{
    return fh_req(c, op, parent, name, strlen(name) + 1, NULL, 0, NULL, 0);
}

static int do_rename(struct fh_ctx *c, uint64_t from, const char *a,
                     uint64_t to, const char *b, uint32_t flags)
{
    char names[256];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;
    memcpy(names, a, la);
    memcpy(names + la, b, lb);
    if (!flags) {
        struct wire_rename_in ri = { .newdir = to };
        return fh_req(c, WIRE_OP_RENAME, from, &ri, sizeof ri, names, la + lb,
                      NULL, 0);
    }
    struct wire_rename2_in ri = { .newdir = to, .flags = flags };
    return fh_req(c, WIRE_OP_RENAME2, from, &ri, sizeof ri, names, la + lb,
                  NULL, 0);
}

static int do_readdir(struct fh_ctx *c, uint32_t op, uint64_t node,
                      uint64_t fh)
{
    struct wire_read_in ri = { .fh = fh, .size = 65536 };
    return fh_req(c, op, node, &ri, sizeof ri, NULL, 0, NULL, 0);
}

static int do_release(struct fh_ctx *c, uint32_t op, uint64_t node,
                      uint64_t fh)
{
    struct wire_release_in ri = { .fh = fh };
    return fh_req(c, op, node, &ri, sizeof ri, NULL, 0, NULL, 0);
}

/* The names of a READDIR(PLUS) reply, so replies can be compared without
 * node ids and times. */
static void dir_names(int plus, char *out, size_t outlen)
{
    size_t off = 0, used = 0;
    out[0] = 0;
    while (off < fh_reply.len) {
        const struct wire_dirent *d;
        size_t fixed = plus ? WIRE_NAME_OFFSET_DIRENTPLUS : WIRE_NAME_OFFSET;
        if (plus)
            d = &((const struct wire_direntplus *)(fh_reply.body + off))->dirent;
        else
            d = (const void *)(fh_reply.body + off);
        int n = snprintf(out + used, outlen - used, "%.*s/", (int)d->namelen,
                         d->name);
        if (n > 0 && (size_t)n < outlen - used)
            used += (size_t)n;
        off += WIRE_DIRENT_ALIGN(fixed + d->namelen);
    }
}

/* What a step's reply says that must not change under faults: the data
 * of reads and attribute reads, the names of listings. */
static char step_digest[8192];

static int step(struct fh_ctx *c, struct wl *w, int i)
{
    struct wire_setattr_in sa = { .valid = WIRE_FATTR_SIZE, .size = 3000 };
    struct wire_link_in li;
    struct wire_open_in oi = { 0 };
    struct wire_forget_in fi = { .nlookup = 1 };
    int r;
    step_digest[0] = 0;
    switch (i) {
    case 0: return do_create(c, 1, "f", &w->f, &w->fh_f);
    case 1: return do_write(c, w->f, w->fh_f, 0, 10000);
    case 2:
        r = do_read(c, w->f, w->fh_f, 0, 8192);
        if (!r)
            memcpy(step_digest, fh_reply.body, fh_reply.len < 8191 ? fh_reply.len : 8191);
        return r;
    case 3: return do_mkdir(c, 1, "d", &w->d);
    case 4: return do_create(c, w->d, "g", &w->g, &w->fh_g);
    case 5: return do_write(c, w->g, w->fh_g, 100000, 5);
    case 6: return do_setxattr(c, w->f, "user.a", 6);
    case 7: return do_setxattr(c, w->f, "user.b", 100);
    case 8:
        r = do_getxattr(c, WIRE_OP_LISTXATTR, w->f, NULL);
        if (!r)
            snprintf(step_digest, sizeof step_digest, "%zu", fh_reply.len);
        return r;
    case 9:
        r = do_getxattr(c, WIRE_OP_GETXATTR, w->f, "user.a");
        if (!r)
            snprintf(step_digest, sizeof step_digest, "%.*s",
                     (int)fh_reply.len, fh_reply.body);
        return r;
    case 10: return do_name(c, WIRE_OP_REMOVEXATTR, w->f, "user.b");
    case 11: return do_rename(c, 1, "f", w->d, "h", 0);
    case 12:
        li.oldnodeid = w->f;
        return fh_req(c, WIRE_OP_LINK, 1, &li, sizeof li, "l", 2, NULL, 0);
    case 13:
        return fh_req(c, WIRE_OP_SYMLINK, 1, "s", 2, "/some/target", 13,
                      NULL, 0);
    case 14:
        r = fh_req(c, WIRE_OP_OPENDIR, 1, &oi, sizeof oi, NULL, 0, NULL, 0);
        if (!r)
            w->dirfh = ((const struct wire_open_out *)fh_reply.body)->fh;
        return r;
    case 15:
        r = do_readdir(c, WIRE_OP_READDIR, 1, w->dirfh);
        if (!r)
            dir_names(0, step_digest, sizeof step_digest);
        return r;
    case 16:
        r = do_readdir(c, WIRE_OP_READDIRPLUS, 1, w->dirfh);
        if (!r)
            dir_names(1, step_digest, sizeof step_digest);
        return r;
    case 17: return do_release(c, WIRE_OP_RELEASEDIR, 1, w->dirfh);
    case 18:
        sa.fh = w->fh_f;
        return fh_req(c, WIRE_OP_SETATTR, w->f, &sa, sizeof sa, NULL, 0, NULL, 0);
    case 19: return do_name(c, WIRE_OP_UNLINK, 1, "l");
    case 20: return do_mkdir(c, 1, "e", NULL);
    case 21: return do_name(c, WIRE_OP_RMDIR, 1, "e");
    case 22: return do_name(c, WIRE_OP_LOOKUP, w->d, "h");
    case 23: return do_release(c, WIRE_OP_RELEASE, w->f, w->fh_f);
    case 24: return do_release(c, WIRE_OP_RELEASE, w->g, w->fh_g);
    case 25: return do_name(c, WIRE_OP_UNLINK, w->d, "g");
    case 26:
        return fh_req(c, WIRE_OP_FORGET, w->g, &fi, sizeof fi, NULL, 0, NULL, 0);
    case 27: return do_rename(c, w->d, "h", 1, "h2", FSP_RENAME_NOREPLACE);
    case 28:
        r = fh_req(c, WIRE_OP_STATFS, 1, NULL, 0, NULL, 0, NULL, 0);
        if (!r)
            memcpy(step_digest, fh_reply.body, fh_reply.len);
        return r;
    case 29:
        r = do_read(c, w->f, 0, 0, 8192);  /* stateless read by node */
        if (!r)
            memcpy(step_digest, fh_reply.body, fh_reply.len < 8191 ? fh_reply.len : 8191);
        return r;
    }
    return 1; /* no such step: the end */
}

/* A longer workload for make faults: many files in one directory, each
 * written, listed with a small buffer, renamed and removed. */
static int long_step(struct fh_ctx *c, struct wl *w, int i)
{
    char a[32], b[32];
    uint64_t id, fh;
    int k = i / 6;
    step_digest[0] = 0;
    if (k >= 12) {
        struct wire_open_in oi = { 0 };
        int r;
        switch (i - 12 * 6) {
        case 0:
            r = fh_req(c, WIRE_OP_OPENDIR, 1, &oi, sizeof oi, NULL, 0, NULL, 0);
            if (!r)
                w->dirfh = ((const struct wire_open_out *)fh_reply.body)->fh;
            return r;
        case 1:
            r = do_readdir(c, WIRE_OP_READDIRPLUS, 1, w->dirfh);
            if (!r)
                dir_names(1, step_digest, sizeof step_digest);
            return r;
        case 2:
            return do_release(c, WIRE_OP_RELEASEDIR, 1, w->dirfh);
        }
        return 1;
    }
    snprintf(a, sizeof a, "file%02d", k);
    snprintf(b, sizeof b, "renamed%02d", k);
    switch (i % 6) {
    case 0: return do_create(c, 1, a, &w->f, &w->fh_f);
    case 1: return do_write(c, w->f, w->fh_f, (uint64_t)k * 3000, 5000);
    case 2: return do_setxattr(c, w->f, "user.x", (size_t)k * 10);
    case 3: return do_release(c, WIRE_OP_RELEASE, w->f, w->fh_f);
    case 4: return do_rename(c, 1, a, 1, b, 0);
    case 5: return k % 3 ? 0 : do_name(c, WIRE_OP_UNLINK, 1, b);
    }
    (void)id; (void)fh;
    return 1;
}

/* ---- the sweep ---- */

#define MAX_STEPS 128

struct baseline {
    int nsteps;
    char *state[MAX_STEPS + 1];    /* [i]: before step i; [nsteps]: end */
    char *digest[MAX_STEPS];
    int err[MAX_STEPS];
};

static char *dump_str(struct fh_ctx *c)
{
    struct fh_text t = fh_dump(c);
    return t.s;
}

static int leak_check(void)
{
#ifdef HAVE_LSAN
    return __lsan_do_recoverable_leak_check();
#else
    return 0;
#endif
}

static int baseline_run(int (*stepf)(struct fh_ctx *, struct wl *, int),
                        struct baseline *bl)
{
    struct fh_ctx c;
    struct wl w = { 0 };
    memset(bl, 0, sizeof *bl);
    fh_reply.bad[0] = 0;
    if (fh_new(&c, &memfs_interface))
        return -1;
    int i;
    for (i = 0; i < MAX_STEPS; i++) {
        bl->state[i] = dump_str(&c);
        int r = stepf(&c, &w, i);
        if (r == 1)
            break;
        bl->err[i] = r;
        bl->digest[i] = __real_strdup(step_digest);
        if (r) {
            printf("  baseline step %d failed: %s\n", i, strerror(-r));
            check_failed = 1;
        }
    }
    bl->nsteps = i;
    if (i == MAX_STEPS)
        bl->state[i] = dump_str(&c);
    fh_delete(&c);
    if (fh_reply.bad[0]) {
        printf("  baseline: %s\n", fh_reply.bad);
        check_failed = 1;
    }
    return 0;
}

static void baseline_free(struct baseline *bl)
{
    for (int i = 0; i <= bl->nsteps; i++)
        free(bl->state[i]);
    for (int i = 0; i < bl->nsteps; i++)
        free(bl->digest[i]);
}

struct tally {
    long runs, enomem, ok_anyway, other_err, happened_with_err, rolled_back;
    long per_step[MAX_STEPS];
};

/* Run the workload with the nth allocation failing.  Returns 0 once the
 * workload ran out of allocations before n (the sweep is over), else 1. */
static int one_n(int (*stepf)(struct fh_ctx *, struct wl *, int),
                 const struct baseline *bl, long n, struct tally *t)
{
    struct fh_ctx c;
    struct wl w = { 0 };
    fh_reply.bad[0] = 0;
    if (fh_new(&c, &memfs_interface)) {
        printf("  N=%ld: setup failed\n", n);
        check_failed = 1;
        return 0;
    }
    calls = 0;
    target = n;
    fired = 0;
    armed = 1;
    int i, failed_step = -1, stop = 0;
    for (i = 0; i < bl->nsteps && !stop; i++) {
        cur_step = i;
        int r = stepf(&c, &w, i);
        if (!fired || fired_step != i || failed_step >= 0)
            continue;
        armed = 0;
        failed_step = i;
        t->per_step[i]++;
        char *now = dump_str(&c);
        int before = strcmp(now, bl->state[i]) == 0;
        int after = strcmp(now, bl->state[i + 1]) == 0;
        if (fh_reply.bad[0]) {
            printf("  N=%ld step %d: %s\n", n, i, fh_reply.bad);
            check_failed = 1;
        }
        if (r == 0) {
            t->ok_anyway++;
            if (!after || strcmp(step_digest, bl->digest[i]) != 0) {
                printf("  N=%ld step %d: succeeded but the state or reply "
                       "differs from a run without faults\n", n, i);
                check_failed = 1;
            }
        } else {
            if (r == -ENOMEM) {
                t->enomem++;
            } else {
                t->other_err++;
                printf("  N=%ld step %d: answered %s, not ENOMEM\n", n, i,
                       strerror(-r));
                check_failed = 1;
            }
            if (before) {
                t->rolled_back++;
            } else if (after) {
                t->happened_with_err++;
                if (getenv("FSP_FAULT_VERBOSE"))
                    printf("  note: N=%ld step %d: answered ENOMEM, done "
                           "anyway\n", n, i);
            } else {
                printf("  N=%ld step %d: half done:\n--- expected\n%s--- or\n"
                       "%s--- got\n%s", n, i, bl->state[i], bl->state[i + 1],
                       now);
                check_failed = 1;
                stop = 1;
            }
            /* The file system keeps serving: the same request again,
             * unless it already happened. */
            if (!stop && before) {
                fh_reply.bad[0] = 0;
                r = stepf(&c, &w, i);
                if (r || fh_reply.bad[0]) {
                    printf("  N=%ld step %d: the retry failed: %s %s\n", n, i,
                           strerror(-r), fh_reply.bad);
                    check_failed = 1;
                    stop = 1;
                }
            } else if (after) {
                stop = 1;  /* the rest depends on ids its reply lost */
            }
        }
        free(now);
    }
    armed = 0;
    if (fired && !stop) {
        char *end = dump_str(&c);
        if (strcmp(end, bl->state[bl->nsteps]) != 0) {
            printf("  N=%ld (step %d): the workload ended elsewhere:\n"
                   "--- expected\n%s--- got\n%s", n, failed_step,
                   bl->state[bl->nsteps], end);
            check_failed = 1;
        }
        free(end);
    }
    fh_delete(&c);
    if (fired && leak_check()) {
        printf("  N=%ld step %d: leak (LSan report above)\n", n, failed_step);
        check_failed = 1;
    }
    if (!fired)
        return 0;
    t->runs++;
    return 1;
}

static void sweep(const char *name,
                  int (*stepf)(struct fh_ctx *, struct wl *, int))
{
    struct baseline bl;
    if (baseline_run(stepf, &bl)) {
        printf("  %s: no baseline\n", name);
        check_failed = 1;
        return;
    }
    struct tally t = { 0 };
    long n = 1;
    while (one_n(stepf, &bl, n, &t) && n < 100000)
        n++;
    printf("  %s: %d requests, %ld allocations on the request path, each "
           "failed once: %ld answered ENOMEM (%ld undone, %ld done anyway), "
           "%ld succeeded anyway, %ld other errors\n", name, bl.nsteps, t.runs,
           t.enomem, t.rolled_back, t.happened_with_err, t.ok_anyway,
           t.other_err);
    printf("  %s: failures per step:", name);
    for (int i = 0; i < bl.nsteps; i++)
        printf(" %ld", t.per_step[i]);
    printf("\n");
    if (t.runs == 0) {
        printf("  %s: no allocation was ever failed\n", name);
        check_failed = 1;
    }
    baseline_free(&bl);
}

static void fault_alloc_workload(void) { sweep("workload", step); }
static void fault_alloc_long_workload(void) { sweep("long workload", long_step); }

/* Setting up: memfs_init, fsp_fs_new, the session, the root, INIT, each
 * allocation failed in turn: an error, never a crash or a leak. */
static void fault_alloc_setup(void)
{
    long n;
    for (n = 1; n < 10000; n++) {
        struct fh_ctx c;
        fh_reply.bad[0] = 0;
        calls = 0;
        target = n;
        fired = 0;
        armed = 1;
        int r = fh_new(&c, &memfs_interface);
        armed = 0;
        fh_delete(&c);
        if (!fired) {
            CHECK_EQ(r, 0);
            break;
        }
        if (leak_check()) {
            printf("  setup N=%ld: leak\n", n);
            check_failed = 1;
        }
    }
    printf("  setup: %ld allocations, each failed once\n", n - 1);
}

int main(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (char)('a' + i % 23);
    fh_init();
    RUN(fault_alloc_setup);
    RUN(fault_alloc_workload);
    const char *l = getenv("FSP_FAULT_LONG");
    if (l && *l == '1')
        RUN(fault_alloc_long_workload);
    return 0;
}
