/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the fault-injection tests share (test_fault_alloc.c,
 * test_fault_callbacks.c): memfs served by fsp's native layer over an
 * in-memory transport, in this process, so that a fault is injected at an
 * exact, repeatable point; requests built by hand as the kernel sends
 * them; every reply checked (one per request, a well-formed header, an
 * errno in range); and memfs's state read directly, to compare what
 * survived a fault with what a run without faults left.
 */
#ifndef FSP_TESTS_FAULT_HARNESS_H
#define FSP_TESTS_FAULT_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/fs_int.h"
#include "session/session.h"
#include "../../fs/memfs/memfs.h"

#define FH_BUFSIZE ((1u << 20) + 8192)

/* The reply to the last request, and what was wrong with any reply. */
static struct {
    uint64_t unique;          /* the request being processed */
    int replies;
    int32_t error;
    size_t len;               /* of the body */
    char body[FH_BUFSIZE];
    char bad[160];            /* first malformed reply, "" if none */
} fh_reply;

static void fh_bad(const char *why)
{
    if (!fh_reply.bad[0])
        snprintf(fh_reply.bad, sizeof fh_reply.bad, "%s", why);
}

static ssize_t fh_receive(struct ses_transport *t, void *b, size_t s)
{
    (void)t; (void)b; (void)s;
    return -ENODEV;
}

static int fh_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    (void)t;
    static char tmp[FH_BUFSIZE];
    size_t total = 0;
    for (int i = 0; i < cnt; i++) {
        if (total + iov[i].iov_len > sizeof tmp) {
            fh_bad("reply larger than any buffer");
            return 0;
        }
        memcpy(tmp + total, iov[i].iov_base, iov[i].iov_len);
        total += iov[i].iov_len;
    }
    const struct wire_out_header *oh = (const void *)tmp;
    if (total < sizeof *oh || oh->len != total) {
        fh_bad("out-header len is not the bytes sent");
        return 0;
    }
    if (oh->unique == 0)
        return 0; /* a notification (cache invalidation) */
    if (oh->unique != fh_reply.unique)
        fh_bad("reply to another request");
    if (oh->error > 0 || oh->error <= -4096)
        fh_bad("error out of range");
    if (oh->error && total != sizeof *oh)
        fh_bad("error reply with a body");
    fh_reply.replies++;
    fh_reply.error = oh->error;
    fh_reply.len = total - sizeof *oh;
    memcpy(fh_reply.body, tmp + sizeof *oh, fh_reply.len);
    return 0;
}

static void fh_noop(struct ses_transport *t) { (void)t; }

static struct ses_transport fh_transport = {
    .receive = fh_receive, .send = fh_send, .wake = fh_noop,
    .destroy = fh_noop,
};

struct fh_ctx {
    struct memfs m;
    struct fsp_fs *fs;
    int m_ready;
};

static char *fh_rbuf;
static uint64_t fh_unique = 1;

/* Once, before any fault is armed: the harness's own buffer. */
static void fh_init(void)
{
    if (!fh_rbuf && !(fh_rbuf = malloc(FH_BUFSIZE)))
        abort();
}

/*
 * Process one request (body made of up to three parts) and check its
 * reply: exactly one, unless it is a FORGET.  Returns the reply's error
 * (0 or -errno); a protocol violation is left in fh_reply.bad.
 */
static int fh_req(struct fh_ctx *c, uint32_t opcode, uint64_t node,
                  const void *a, size_t alen, const void *b, size_t blen,
                  const void *d, size_t dlen)
{
    struct wire_in_header *h = (struct wire_in_header *)fh_rbuf;
    memset(h, 0, sizeof *h);
    h->opcode = opcode;
    h->unique = ++fh_unique;
    h->nodeid = node;
    char *p = fh_rbuf + sizeof *h;
    if (alen) memcpy(p, a, alen);
    if (blen) memcpy(p + alen, b, blen);
    if (dlen) memcpy(p + alen + blen, d, dlen);
    h->len = (uint32_t)(sizeof *h + alen + blen + dlen);
    fh_reply.unique = h->unique;
    fh_reply.replies = 0;
    fh_reply.error = 0;
    fh_reply.len = 0;
    if (ses_process(c->fs->se, fh_rbuf, h->len, FH_BUFSIZE))
        fh_bad("a request kept its buffer");
    if (getenv("FSP_FAULT_TRACE")) {
        char shown[25] = "";
        size_t k;
        for (k = 0; k < blen && k < 24; k++)
            shown[k] = ((const char *)b)[k] ? ((const char *)b)[k] : '/';
        shown[k] = 0;
        uint64_t first = 0;
        if (alen >= 8)
            memcpy(&first, a, 8);
        printf("    request %u node %llu [%llu|%s]: %d\n", opcode,
               (unsigned long long)node, (unsigned long long)first, shown,
               fh_reply.error);
    }
    int want = opcode == WIRE_OP_FORGET || opcode == WIRE_OP_BATCH_FORGET ? 0 : 1;
    if (fh_reply.replies != want) {
        char why[64];
        snprintf(why, sizeof why, "opcode %u got %d replies", opcode,
                 fh_reply.replies);
        fh_bad(why);
    }
    return fh_reply.error;
}

/* A fresh memfs behind a fresh native session, INIT done.  0 or -errno
 * (allocation failures during setup are reported, not fatal). */
static int fh_new(struct fh_ctx *c, const struct fsp_fs_interface *iface)
{
    memset(c, 0, sizeof *c);
    int r = memfs_init(&c->m, 64u << 20, 1000, 0, "fault");
    if (r)
        return r;
    c->m_ready = 1;
    struct fsp_volume_params vp = {
        .size = sizeof vp, .file_info_timeout_ms = 1000,
        .fsname = "memfs",
    };
    r = fsp_fs_new(&vp, iface, &c->m, &c->fs);
    if (r)
        return r;
    struct ses_ll_ops ops;
    nat_ll_ops(&ops);
    r = ses_new(&fh_transport, &ops, c->fs, NULL, &c->fs->se);
    if (r)
        return r;
    struct ses_request sr = { .se = c->fs->se };
    struct fsp_request req = { .s = &sr, .fs = c->fs };
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    r = c->fs->fi.lookup(&req, NULL, "/", &ctx, &fi);
    if (r)
        return r;
    c->fs->root = nat_node_lookup_ref(c->fs, NULL, NULL, ctx, &fi);
    if (!c->fs->root)
        return -ENOMEM;
    struct wire_init_in in = { .major = 7, .minor = 45,
                              .max_readahead = 131072,
                              .flags = 0xffffffffu, .flags2 = 0xffffffffu };
    return fh_req(c, WIRE_OP_INIT, 0, &in, sizeof in, NULL, 0, NULL, 0);
}

static void fh_delete(struct fh_ctx *c)
{
    if (c->fs)
        fsp_fs_delete(c->fs);  /* closes opens, forgets every node */
    if (c->m_ready)
        memfs_destroy(&c->m);
    memset(c, 0, sizeof *c);
}

/* ---- memfs's state as text, times left out ---- */

struct fh_text {
    char *s;
    size_t len, cap;
};

static void fh_put(struct fh_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void fh_put(struct fh_text *t, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->cap + (size_t)n + 1) * 2;
        char *s = realloc(t->s, cap);
        if (!s)
            abort();
        t->s = s;
        t->cap = cap;
    }
    memcpy(t->s + t->len, line, (size_t)n + 1);
    t->len += (size_t)n;
}

/* FNV-1a of a file's bytes, read through memfs's own data_read. */
static uint64_t fh_data_hash(const struct node *n)
{
    uint64_t h = 1469598103934665603ull;
    char buf[4096];
    for (uint64_t off = 0; off < n->info.size; off += sizeof buf) {
        size_t len = n->info.size - off < sizeof buf
                         ? (size_t)(n->info.size - off) : sizeof buf;
        data_read(n, buf, off, len);
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
    }
    return h;
}

static void fh_dump_node(struct fh_text *t, const struct memfs *m,
                         const struct node *n, const char *path, int depth)
{
    fh_put(t, "%s type %o mode %o size %llu names %u", path,
           (unsigned)n->type, (unsigned)(n->info.mode & 07777),
           (unsigned long long)n->info.size, n->names);
    if (S_ISREG(n->type))
        fh_put(t, " data %016llx", (unsigned long long)fh_data_hash(n));
    if (S_ISLNK(n->type))
        fh_put(t, " -> %s", n->target ? n->target : "(null)");
    for (size_t i = 0; i < n->neas; i++)
        fh_put(t, " ea %s=%zu", n->eas[i].name, n->eas[i].size);
    fh_put(t, "\n");
    if (!S_ISDIR(n->type) || depth > 16)
        return;
    struct dir_iter it;
    dir_iter_start(m, n, NULL, &it);
    const struct entry *e;
    size_t count = 0;
    while ((e = dir_iter_next(&it))) {
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->name);
        fh_dump_node(t, m, e->node, sub, depth + 1);
        count++;
    }
    if (count != n->nents)
        fh_put(t, "%s: %zu entries listed, nents %zu\n", path, count,
               n->nents);
}

/* The whole tree and the volume's counters; the caller frees .s. */
__attribute__((unused))
static struct fh_text fh_dump(const struct fh_ctx *c)
{
    struct fh_text t = { 0 };
    fh_put(&t, "files %llu bytes %llu\n",
           (unsigned long long)c->m.used_files,
           (unsigned long long)c->m.used_bytes);
    fh_dump_node(&t, &c->m, c->m.root, "", 0);
    return t;
}

#endif
