/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File system callbacks that fail at random: memfs behind a wrapper that,
 * by a seeded generator, makes about one callback in eight return -EIO or
 * -ENOMEM without calling memfs, under a random workload of requests.
 * Checked for every seed: each request gets exactly one well-formed reply
 * (none for FORGET); afterwards, with faults off, the file system still
 * serves (a file created, written, read back, removed); and, under ASan,
 * nothing leaks once it is torn down.
 *
 * FSP_FAULT_LONG=1 runs many more seeds (make faults); FSP_FAULT_SEED=S
 * runs that one seed (to reproduce a failure).
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
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#endif

CHECK_DEFINE_GLOBALS;

static uint64_t rng;
static int faults_on;
static long injected;

static uint64_t next(void)
{
    /* xorshift64*: small, seedable, the same on every machine */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}

static unsigned pick(unsigned n) { return (unsigned)(next() % n); }

/* The error to return instead of calling memfs, or 0 to call it. */
static int no_faults;  /* FSP_FAULT_OFF=1: the same workloads, no faults */

static int trace;      /* FSP_FAULT_TRACE=1: each fault and request */

static int fault(const char *what)
{
    if (!faults_on || no_faults || pick(8))
        return 0;
    injected++;
    int e = pick(2) ? -EIO : -ENOMEM;
    if (trace)
        printf("    fault: %s -> %d\n", what, e);
    return e;
}

static struct fsp_fs_interface real;

#define WRAP(name, params, args)                                         \
    static int w_##name params                                           \
    {                                                                    \
        int e = fault(#name);                                            \
        return e ? e : real.name args;                                   \
    }

WRAP(get_volume_info, (fsp_request *q, struct fsp_volume_info *vi), (q, vi))
WRAP(set_volume_label, (fsp_request *q, const char *l,
                        struct fsp_volume_info *vi), (q, l, vi))
WRAP(lookup, (fsp_request *q, void *p, const char *n, void **node,
              struct fsp_file_info *fi), (q, p, n, node, fi))
WRAP(get_file_info, (fsp_request *q, void *node, void *file,
                     struct fsp_file_info *fi), (q, node, file, fi))
WRAP(create, (fsp_request *q, void *p, const char *n,
              const struct fsp_create_params *cp, void **node, void **file,
              struct fsp_file_info *fi), (q, p, n, cp, node, file, fi))
WRAP(open, (fsp_request *q, void *node, uint32_t flags, void **file,
            struct fsp_file_info *fi), (q, node, flags, file, fi))
WRAP(overwrite, (fsp_request *q, void *node, void *file,
                 struct fsp_file_info *fi), (q, node, file, fi))
WRAP(read, (fsp_request *q, void *node, void *file, void *buf, uint64_t off,
            uint32_t len, uint32_t *got), (q, node, file, buf, off, len, got))
WRAP(write, (fsp_request *q, void *node, void *file, const void *buf,
             uint64_t off, uint32_t len, uint32_t *done,
             struct fsp_file_info *fi), (q, node, file, buf, off, len, done, fi))
WRAP(set_basic_info, (fsp_request *q, void *node, void *file,
                      const struct fsp_basic_info *bi,
                      struct fsp_file_info *fi), (q, node, file, bi, fi))
WRAP(set_file_size, (fsp_request *q, void *node, void *file, uint64_t size,
                     struct fsp_file_info *fi), (q, node, file, size, fi))
WRAP(can_delete, (fsp_request *q, void *p, const char *n, void *node),
     (q, p, n, node))
WRAP(set_delete, (fsp_request *q, void *p, const char *n, void *node),
     (q, p, n, node))
WRAP(rename, (fsp_request *q, void *op, const char *on, void *np,
              const char *nn, void *node, uint32_t flags),
     (q, op, on, np, nn, node, flags))
WRAP(read_directory, (fsp_request *q, void *node, void *file,
                      const char *marker, struct fsp_dir_buffer *db),
     (q, node, file, marker, db))
WRAP(get_reparse_point, (fsp_request *q, void *node, char *buf, size_t size),
     (q, node, buf, size))
WRAP(get_ea, (fsp_request *q, void *node, const char *n, void *v, size_t size,
              size_t *needed), (q, node, n, v, size, needed))
WRAP(set_ea, (fsp_request *q, void *node, const char *n, const void *v,
              size_t size, int flags), (q, node, n, v, size, flags))
WRAP(list_ea, (fsp_request *q, void *node, char *list, size_t size,
               size_t *needed), (q, node, list, size, needed))
WRAP(remove_ea, (fsp_request *q, void *node, const char *n), (q, node, n))
WRAP(link, (fsp_request *q, void *node, void *np, const char *nn,
            struct fsp_file_info *fi), (q, node, np, nn, fi))
WRAP(allocate, (fsp_request *q, void *node, void *file, uint64_t off,
                uint64_t len, uint32_t mode, struct fsp_file_info *fi),
     (q, node, file, off, len, mode, fi))
WRAP(seek, (fsp_request *q, void *node, void *file, uint64_t off, int whence,
            uint64_t *out), (q, node, file, off, whence, out))

/* memfs's interface with every callback that can fail wrapped; forget
 * and close cannot fail and go straight through. */
static struct fsp_fs_interface wrapped(void)
{
    real = memfs_interface;
    struct fsp_fs_interface w = memfs_interface;
#define W(name) if (real.name) w.name = w_##name
    W(get_volume_info); W(set_volume_label); W(lookup); W(get_file_info);
    W(create); W(open); W(overwrite); W(read); W(write);
    W(set_basic_info); W(set_file_size); W(can_delete); W(set_delete);
    W(rename); W(read_directory); W(get_reparse_point); W(get_ea);
    W(set_ea); W(list_ea); W(remove_ea); W(link); W(allocate); W(seek);
#undef W
    return w;
}

/* ---- a random workload: what the kernel might send ---- */

#define MAXN 32
static uint64_t ids[MAXN];
static int nids;
struct open_fh { uint64_t fh, node; int dir; };
static struct open_fh fhs[MAXN];
static int nfhs;
static char pattern[70000];

static void learn_entry(int create)
{
    if (fh_reply.error || fh_reply.len < sizeof(struct wire_entry_out))
        return;
    const struct wire_entry_out *e = (const void *)fh_reply.body;
    if (e->nodeid && nids < MAXN)
        ids[nids++] = e->nodeid;
    if (create && fh_reply.len >= sizeof *e + sizeof(struct wire_open_out) &&
        nfhs < MAXN)
        fhs[nfhs++] = (struct open_fh){
            ((const struct wire_open_out *)(fh_reply.body + sizeof *e))->fh,
            e->nodeid, 0 };
}

static const char *names[] = { "a", "b", "c", "x.txt", "dir1", "dir2" };

/* Names of files and directories mix, so directories move too;
 * FSP_FAULT_FLAT=1 keeps them apart (only files move). */
static int dir_moves = 1;

static uint64_t any_node(void) { return ids[pick((unsigned)nids)]; }
static const char *any_name(void) { return names[pick(6)]; }
static const char *file_name(void) { return names[pick(dir_moves ? 6 : 4)]; }
static const char *dir_name(void) { return names[dir_moves ? pick(6) : 4 + pick(2)]; }

static void random_request(struct fh_ctx *c)
{
    char buf[256];
    uint64_t node = any_node();
    unsigned what = pick(20);
    /* the name: a directory's for MKDIR, a file's for what makes or
     * moves files, any for the rest */
    const char *n = what == 1 ? dir_name()
                  : what == 0 || what == 10 || what == 11 || what == 16
                        ? file_name() : any_name();
    size_t nl = strlen(n) + 1;
    switch (what) {
    case 0: {
        struct wire_create_in ci = { .flags = 02 | 0100, .mode = S_IFREG | 0644 };
        fh_req(c, WIRE_OP_CREATE, node, &ci, sizeof ci, n, nl, NULL, 0);
        learn_entry(1);
        break;
    }
    case 1: {
        struct wire_mkdir_in mi = { .mode = 0755 };
        fh_req(c, WIRE_OP_MKDIR, node, &mi, sizeof mi, n, nl, NULL, 0);
        learn_entry(0);
        break;
    }
    case 2:
        fh_req(c, WIRE_OP_LOOKUP, node, n, nl, NULL, 0, NULL, 0);
        learn_entry(0);
        break;
    case 3: case 4: {
        struct wire_write_in wi = { .offset = pick(100000),
                                   .size = pick(sizeof pattern) };
        if (nfhs) {
            struct open_fh *o = &fhs[pick((unsigned)nfhs)];
            if (o->dir)
                break;
            wi.fh = o->fh;
            node = o->node;
        }
        fh_req(c, WIRE_OP_WRITE, node, &wi, sizeof wi, pattern, wi.size, NULL,
               0);
        break;
    }
    case 5: {
        struct wire_read_in ri = { .offset = pick(100000), .size = pick(70000) };
        if (nfhs) {
            struct open_fh *o = &fhs[pick((unsigned)nfhs)];
            if (o->dir)
                break;
            ri.fh = o->fh;
            node = o->node;
        }
        fh_req(c, WIRE_OP_READ, node, &ri, sizeof ri, NULL, 0, NULL, 0);
        break;
    }
    case 6: {
        struct wire_setattr_in sa = { .valid = WIRE_FATTR_SIZE | WIRE_FATTR_MODE,
                                     .size = pick(50000), .mode = 0600 };
        fh_req(c, WIRE_OP_SETATTR, node, &sa, sizeof sa, NULL, 0, NULL, 0);
        break;
    }
    case 7: {
        struct wire_setxattr_in si = { .size = pick(200) };
        fh_req(c, WIRE_OP_SETXATTR, node, &si, WIRE_COMPAT_SETXATTR_IN_SIZE,
               pick(2) ? "user.one" : "user.two", 9, pattern, si.size);
        break;
    }
    case 8: {
        struct wire_getxattr_in gi = { .size = pick(2) ? 4096 : 0 };
        if (pick(2))
            fh_req(c, WIRE_OP_LISTXATTR, node, &gi, sizeof gi, NULL, 0, NULL, 0);
        else
            fh_req(c, WIRE_OP_GETXATTR, node, &gi, sizeof gi, "user.one", 9,
                   NULL, 0);
        break;
    }
    case 9:
        fh_req(c, WIRE_OP_REMOVEXATTR, node, "user.two", 9, NULL, 0, NULL, 0);
        break;
    case 10: {
        struct wire_rename2_in ri = { .newdir = any_node(), .flags = pick(3) };
        const char *to = file_name();
        size_t tl = strlen(to) + 1;
        memcpy(buf, n, nl);
        memcpy(buf + nl, to, tl);
        fh_req(c, WIRE_OP_RENAME2, node, &ri, sizeof ri, buf, nl + tl, NULL, 0);
        break;
    }
    case 11: {
        struct wire_link_in li = { .oldnodeid = any_node() };
        fh_req(c, WIRE_OP_LINK, node, &li, sizeof li, n, nl, NULL, 0);
        learn_entry(0);
        break;
    }
    case 12:
        fh_req(c, pick(2) ? WIRE_OP_UNLINK : WIRE_OP_RMDIR, node, n, nl, NULL, 0,
               NULL, 0);
        break;
    case 13: {
        struct wire_open_in oi = { .flags = pick(2) ? 02 : 01000 | 02 };
        int dir = pick(2);
        fh_req(c, dir ? WIRE_OP_OPENDIR : WIRE_OP_OPEN, node, &oi, sizeof oi,
               NULL, 0, NULL, 0);
        if (!fh_reply.error && nfhs < MAXN)
            fhs[nfhs++] = (struct open_fh){
                ((const struct wire_open_out *)fh_reply.body)->fh, node, dir };
        break;
    }
    case 14: {
        /* a listing through an open directory, a page at a time */
        for (int i = 0; i < nfhs; i++) {
            if (!fhs[i].dir)
                continue;
            struct wire_read_in ri = { .fh = fhs[i].fh, .offset = pick(4),
                                      .size = 200 + pick(4000) };
            fh_req(c, pick(2) ? WIRE_OP_READDIRPLUS : WIRE_OP_READDIR,
                   fhs[i].node, &ri, sizeof ri, NULL, 0, NULL, 0);
            break;
        }
        break;
    }
    case 15:
        if (nfhs) {
            int i = (int)pick((unsigned)nfhs);
            struct wire_release_in rl = { .fh = fhs[i].fh };
            fh_req(c, fhs[i].dir ? WIRE_OP_RELEASEDIR : WIRE_OP_RELEASE,
                   fhs[i].node, &rl, sizeof rl, NULL, 0, NULL, 0);
            fhs[i] = fhs[--nfhs];
        }
        break;
    case 16:
        fh_req(c, WIRE_OP_SYMLINK, node, n, nl, "target", 7, NULL, 0);
        learn_entry(0);
        break;
    case 17:
        fh_req(c, pick(2) ? WIRE_OP_READLINK : WIRE_OP_STATFS, node, NULL, 0,
               NULL, 0, NULL, 0);
        break;
    case 18: {
        struct wire_fallocate_in fa = { .offset = pick(20000),
                                       .length = 1 + pick(20000) };
        fh_req(c, WIRE_OP_FALLOCATE, node, &fa, sizeof fa, NULL, 0, NULL, 0);
        break;
    }
    case 19: {
        /* The kernel forgets a lookup it had: only ids after the root,
         * and each at most once, so it never forgets more than it got. */
        if (nids > 1) {
            int i = 1 + (int)pick((unsigned)nids - 1);
            struct wire_forget_in fi = { .nlookup = 1 };
            fh_req(c, WIRE_OP_FORGET, ids[i], &fi, sizeof fi, NULL, 0, NULL, 0);
            ids[i] = ids[--nids];
        }
        break;
    }
    }
}

/* Diagnosis (FSP_FAULT_TRACE): memfs nodes reachable from the root or
 * held by fsp, which must be all of memfs's files (used_files). */
static void collect(const struct memfs *m, const struct node *n,
                    const void **seen, size_t *count, size_t max)
{
    for (size_t i = 0; i < *count; i++)
        if (seen[i] == n)
            return;
    if (*count < max)
        seen[(*count)++] = n;
    if (!S_ISDIR(n->type))
        return;
    struct dir_iter it;
    dir_iter_start(m, n, NULL, &it);
    const struct entry *e;
    while ((e = dir_iter_next(&it)))
        collect(m, e->node, seen, count, max);
}

/* A directory's entry tree as an AVL tree: its height, or -1 (and a
 * line) if an order, a balance or the depth is wrong. */
static int avl_check(const struct memfs *m, const struct entry *e,
                     const char *lo, const char *hi, int depth, size_t *count)
{
    if (!e)
        return 0;
    if (depth > 100 || ++*count > 100000) {
        printf("    avl: too deep (a loop?)\n");
        return -1;
    }
    if ((lo && m->cmp(e->name, lo) <= 0) || (hi && m->cmp(e->name, hi) >= 0)) {
        printf("    avl: %s out of order\n", e->name);
        return -1;
    }
    int l = avl_check(m, e->child[0], lo, e->name, depth + 1, count);
    int r = avl_check(m, e->child[1], e->name, hi, depth + 1, count);
    if (l < 0 || r < 0)
        return -1;
    if (e->balance != r - l) {
        printf("    avl: %s balance %d, heights %d %d\n", e->name, e->balance,
               l, r);
        return -1;
    }
    return 1 + (l > r ? l : r);
}

/* A directory inside its own subtree: 1 if found below n. */
static int cycle(const struct memfs *m, const struct node *n,
                 const struct node **path, int depth)
{
    for (int i = 0; i < depth; i++)
        if (path[i] == n)
            return 1;
    if (!S_ISDIR(n->type) || depth >= 64)
        return 0;
    size_t count = 0;
    if (avl_check(m, n->ents, NULL, NULL, 0, &count) < 0 ||
        count != n->nents)
        printf("    avl: %zu entries, nents %zu\n", count, n->nents);
    path[depth] = n;
    struct dir_iter it;
    dir_iter_start(m, n, NULL, &it);
    const struct entry *e;
    while ((e = dir_iter_next(&it)))
        if (cycle(m, e->node, path, depth + 1))
            return 1;
    return 0;
}

static long lost_nodes(struct fh_ctx *c)
{
    static const struct node *path[64];
    int cyc = cycle(&c->m, c->m.root, path, 0);
    struct nat_node_table *t = &c->fs->nodes;
    for (size_t b = 0; b < t->nbuckets; b++)
        for (struct nat_node *n = t->by_id[b]; n; n = n->id_next)
            if (n->ctx && cycle(&c->m, n->ctx, path, 0))
                cyc = 1;
    if (cyc)
        printf("    cycle in the tree\n");
    for (size_t b = 0; b < t->nbuckets; b++)
        for (struct nat_node *n = t->by_id[b]; n; n = n->id_next) {
            int d = 0;
            for (struct nat_node *p = n; p && d < 1000; p = p->parent)
                d++;
            if (d == 1000) {
                printf("    fsp's parents of node %llu loop:",
                       (unsigned long long)n->nodeid);
                d = 0;
                for (struct nat_node *p = n; p && d < 8; p = p->parent, d++)
                    printf(" %llu(%s,idx %llu)", (unsigned long long)p->nodeid,
                           p->name ? p->name : "-",
                           (unsigned long long)p->index);
                printf("\n");
            }
        }
    static const void *seen[4096];
    size_t count = 0;
    collect(&c->m, c->m.root, seen, &count, 4096);
    for (size_t b = 0; b < t->nbuckets; b++)
        for (struct nat_node *n = t->by_id[b]; n; n = n->id_next)
            if (n->ctx)
                collect(&c->m, n->ctx, seen, &count, 4096);
    /* And memfs's reference counts: one per node fsp holds, one per open. */
    for (size_t i = 0; i < count; i++) {
        const struct node *n = seen[i];
        unsigned want = 0;
        for (size_t b = 0; b < t->nbuckets; b++)
            for (struct nat_node *x = t->by_id[b]; x; x = x->id_next)
                want += x->ctx == n;
        for (struct nat_open *o = c->fs->opens; o; o = o->next)
            want += o->node->ctx == n && o->file != NULL;
        if (want != n->refs)
            printf("    refs of %p: %u, expected %u\n", (const void *)n,
                   n->refs, want);
    }
    return (long)c->m.used_files + 1 - (long)count;  /* root not counted */
}

/* With faults off: create, write, read back, remove. */
static int still_serves(struct fh_ctx *c)
{
    struct wire_create_in ci = { .flags = 02 | 0100, .mode = S_IFREG | 0644 };
    if (fh_req(c, WIRE_OP_CREATE, 1, &ci, sizeof ci, "final", 6, NULL, 0))
        return 0;
    const struct wire_entry_out *e = (const void *)fh_reply.body;
    uint64_t id = e->nodeid;
    uint64_t fh = ((const struct wire_open_out *)(fh_reply.body +
                                                 sizeof *e))->fh;
    struct wire_write_in wi = { .fh = fh, .size = 5000 };
    if (fh_req(c, WIRE_OP_WRITE, id, &wi, sizeof wi, pattern, 5000, NULL, 0))
        return 0;
    struct wire_read_in ri = { .fh = fh, .size = 5000 };
    if (fh_req(c, WIRE_OP_READ, id, &ri, sizeof ri, NULL, 0, NULL, 0) ||
        fh_reply.len != 5000 || memcmp(fh_reply.body, pattern, 5000) != 0)
        return 0;
    struct wire_release_in rl = { .fh = fh };
    fh_req(c, WIRE_OP_RELEASE, id, &rl, sizeof rl, NULL, 0, NULL, 0);
    return fh_req(c, WIRE_OP_UNLINK, 1, "final", 6, NULL, 0, NULL, 0) == 0;
}

static int one_seed(uint64_t seed, int requests)
{
    static struct fsp_fs_interface iface;
    iface = wrapped();
    struct fh_ctx c;
    fh_reply.bad[0] = 0;
    faults_on = 0;
    if (fh_new(&c, &iface)) {
        printf("  seed %llu: setup failed\n", (unsigned long long)seed);
        return 0;
    }
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    nids = 1;
    ids[0] = 1;
    nfhs = 0;
    faults_on = 1;
    long lost = 0;
    for (int i = 0; i < requests && !fh_reply.bad[0]; i++) {
        random_request(&c);
        if (trace && lost_nodes(&c) != lost) {
            lost = lost_nodes(&c);
            printf("    ^ now %ld memfs files neither named nor held\n",
                   lost);
        }
    }
    faults_on = 0;
    int ok = 1;
    if (fh_reply.bad[0]) {
        printf("  seed %llu: %s\n", (unsigned long long)seed, fh_reply.bad);
        ok = 0;
    } else if (!still_serves(&c) || fh_reply.bad[0]) {
        printf("  seed %llu: the file system stopped serving %s\n",
               (unsigned long long)seed, fh_reply.bad);
        ok = 0;
    }
    fh_delete(&c);
#ifdef HAVE_LSAN
    if (__lsan_do_recoverable_leak_check()) {
        printf("  seed %llu: leak (LSan report above)\n",
               (unsigned long long)seed);
        ok = 0;
    }
#endif
    return ok;
}

static long seeds = 200;
static uint64_t cur_seed;

#ifdef HAVE_LSAN
/* An ASan report ends the process: say which seed reproduces it. */
static void say_seed(void)
{
    fprintf(stderr, "fault_callbacks: died in seed %llu (FSP_FAULT_SEED=%llu)\n",
            (unsigned long long)cur_seed, (unsigned long long)cur_seed);
}
#endif
static uint64_t only_seed;

static void fault_callbacks_random(void)
{
    long bad = 0;
    injected = 0;
    if (only_seed) {
        if (!one_seed(only_seed, 300))
            check_failed = 1;
        return;
    }
#ifdef HAVE_LSAN
    __asan_set_death_callback(say_seed);
#endif
    for (long s = 1; s <= seeds; s++)
        if (!one_seed(cur_seed = (uint64_t)s, 300))
            bad++;
    printf("  %ld seeds x 300 requests, %ld callbacks failed on purpose, "
           "%ld seeds went wrong\n", seeds, injected, bad);
    if (bad)
        check_failed = 1;
}

/* Found by the random workload (faults or not): a directory renamed
 * below itself went, with its subtree, off memfs's tree and leaked, and a
 * rename into a regular file gave the file entries (a loop in fsp's
 * parents, leaks, a use after free at unmount), and one into a removed
 * directory a use after free at unmount.  The kernel refuses these from
 * its dentry cache; fsp (and memfs) must too. */
static void rename_checks(void)
{
    static struct fsp_fs_interface iface;
    iface = memfs_interface;
    struct fh_ctx c;
    fh_reply.bad[0] = 0;
    REQUIRE(fh_new(&c, &iface) == 0);
    struct wire_mkdir_in mi = { .mode = 0755 };
    REQUIRE(fh_req(&c, WIRE_OP_MKDIR, 1, &mi, sizeof mi, "a", 2, NULL, 0) == 0);
    uint64_t a = ((const struct wire_entry_out *)fh_reply.body)->nodeid;
    REQUIRE(fh_req(&c, WIRE_OP_MKDIR, a, &mi, sizeof mi, "b", 2, NULL, 0) == 0);
    uint64_t b = ((const struct wire_entry_out *)fh_reply.body)->nodeid;
    /* a into a/b, and a into itself: EINVAL, as rename(2) */
    struct wire_rename_in ri = { .newdir = b };
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, 1, &ri, sizeof ri, "a\0x", 4, NULL, 0),
             -EINVAL);
    ri.newdir = a;
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, 1, &ri, sizeof ri, "a\0y", 4, NULL, 0),
             -EINVAL);
    /* exchanging a/b/c with a would put a below itself too */
    REQUIRE(fh_req(&c, WIRE_OP_MKDIR, b, &mi, sizeof mi, "c", 2, NULL, 0) == 0);
    struct wire_rename2_in r2 = { .newdir = 1, .flags = FSP_RENAME_EXCHANGE };
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME2, b, &r2, sizeof r2, "c\0a", 4, NULL,
                    0), -EINVAL);
    /* into a file, or from one: ENOTDIR, and the file gets no entries */
    struct wire_create_in ci = { .flags = 02 | 0100, .mode = S_IFREG | 0644 };
    REQUIRE(fh_req(&c, WIRE_OP_CREATE, 1, &ci, sizeof ci, "f", 2, NULL, 0) == 0);
    uint64_t f = ((const struct wire_entry_out *)fh_reply.body)->nodeid;
    ri.newdir = f;
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, 1, &ri, sizeof ri, "a\0z", 4, NULL, 0),
             -ENOTDIR);
    ri.newdir = 1;
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, f, &ri, sizeof ri, "a\0z", 4, NULL, 0),
             -ENOTDIR);
    /* into a directory already removed (but still known): ENOENT, or
     * the removed directory would free a name still in use at unmount */
    REQUIRE(fh_req(&c, WIRE_OP_MKDIR, 1, &mi, sizeof mi, "gone", 5, NULL, 0) == 0);
    uint64_t gone = ((const struct wire_entry_out *)fh_reply.body)->nodeid;
    REQUIRE(fh_req(&c, WIRE_OP_RMDIR, 1, "gone", 5, NULL, 0, NULL, 0) == 0);
    ri.newdir = gone;
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, 1, &ri, sizeof ri, "f\0f", 4, NULL, 0),
             -ENOENT);
    /* a sibling move still works */
    REQUIRE(fh_req(&c, WIRE_OP_MKDIR, 1, &mi, sizeof mi, "d", 2, NULL, 0) == 0);
    ri.newdir = b;
    CHECK_EQ(fh_req(&c, WIRE_OP_RENAME, 1, &ri, sizeof ri, "d\0d", 4, NULL, 0),
             0);
    CHECK(!fh_reply.bad[0]);
    struct fh_text t = fh_dump(&c);
    CHECK(strstr(t.s, "\n/a/b/c ") != NULL);
    CHECK(strstr(t.s, "\n/a/b/d ") != NULL);
    free(t.s);
    fh_delete(&c);
}

int main(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (char)('A' + i % 26);
    fh_init();
    const char *l = getenv("FSP_FAULT_LONG");
    if (l && *l == '1')
        seeds = 5000;
    no_faults = getenv("FSP_FAULT_OFF") != NULL;
    trace = getenv("FSP_FAULT_TRACE") != NULL;
    dir_moves = getenv("FSP_FAULT_FLAT") == NULL;
    const char *s = getenv("FSP_FAULT_SEED");
    if (s)
        only_seed = strtoull(s, NULL, 10);
    RUN(rename_checks);
    RUN(fault_callbacks_random);
    return 0;
}
