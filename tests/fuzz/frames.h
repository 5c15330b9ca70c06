/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the request-decoder fuzz targets share: one fuzz input becomes a
 * sequence of requests, as the kernel would send them over /dev/fuse, and
 * every reply is checked on its way out.
 *
 * Input layout:
 *   byte 0          mode bits for the target (bit 0: send a normal INIT
 *                   first; the others are the target's)
 *   then frames     [opcode u8][sel u8][len u16 LE][len bytes of body]
 * opcode 0xff makes the body a whole raw request (header included; only
 * the header's len is set to the real length, as the kernel's is).
 * sel picks the node id: an index into the node ids replies handed out,
 * and past them ids nobody handed out; bit 7 switches to an unprivileged
 * uid/gid.
 *
 * What the kernel guarantees is kept, because a FUSE server trusts it: a
 * file handle (fh) in a request is one an OPEN/OPENDIR/CREATE reply gave
 * (or 0), with that open's node id, released once.  The body's fh is only
 * used to choose among those.  Everything else is the fuzzer's.
 *
 * Checked for every reply (fz_check_send): the out-header's len is the
 * bytes sent; error is 0 or -1..-4095 (a notification, unique 0, carries
 * a notify code instead); an error reply has no body; the reply answers
 * the request being processed; READDIR and READDIRPLUS bodies parse.  And
 * after each request: exactly one reply (none for FORGET, BATCH_FORGET
 * and NOTIFY_REPLY, at most one for INTERRUPT).  A violation aborts, which
 * libFuzzer reports as a crash.
 */
#ifndef FSP_TESTS_FUZZ_FRAMES_H
#define FSP_TESTS_FUZZ_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "kernel/wire.h"

#define FZ_MAX_NODES 64
#define FZ_MAX_FHS 32
#define FZ_BUFSIZE ((1u << 20) + 4096 * 2)

struct fz_handle {
    uint64_t fh, nodeid;
    int dir;
};

struct fz_state {
    uint64_t nodes[FZ_MAX_NODES];
    int nnodes;
    struct fz_handle fhs[FZ_MAX_FHS];
    int nfhs;
    uint64_t next_unique;
    /* the request being processed */
    uint64_t cur_unique, cur_nodeid;
    uint32_t cur_opcode;
    int cur_replies;
    int ended;                 /* DESTROY was answered */
};

static struct fz_state fz;

#define FZ_ASSERT(c, ...)                                               \
    do {                                                                \
        if (!(c)) {                                                     \
            fprintf(stderr, "fuzz check failed: %s: ", #c);             \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

static void fz_reset(void)
{
    memset(&fz, 0, sizeof fz);
    fz.nodes[0] = 1;
    fz.nnodes = 1;
    fz.next_unique = 2;
}

static void fz_add_node(uint64_t id)
{
    if (!id)
        return;
    for (int i = 0; i < fz.nnodes; i++)
        if (fz.nodes[i] == id)
            return;
    if (fz.nnodes < FZ_MAX_NODES)
        fz.nodes[fz.nnodes++] = id;
    else
        fz.nodes[1 + id % (FZ_MAX_NODES - 1)] = id;
}

static void fz_add_fh(uint64_t fh, uint64_t nodeid, int dir)
{
    /* fh 0 is "no handle" (stateless opens): nothing to remember; a
     * full table forgets nothing either, or a later RELEASE would be
     * missing and the open would only end at teardown (which is fine). */
    if (!fh || fz.nfhs >= FZ_MAX_FHS)
        return;
    fz.fhs[fz.nfhs++] = (struct fz_handle){ fh, nodeid, dir };
}

/* Walk a READDIR (plus: READDIRPLUS) body; every record must fit. */
static void fz_check_dirents(const char *p, size_t len, int plus)
{
    size_t off = 0;
    while (off < len) {
        size_t fixed = plus ? WIRE_NAME_OFFSET_DIRENTPLUS : WIRE_NAME_OFFSET;
        FZ_ASSERT(len - off >= fixed, "dirent header cut at %zu/%zu", off,
                  len);
        const struct wire_dirent *d;
        if (plus) {
            const struct wire_direntplus *dp = (const void *)(p + off);
            d = &dp->dirent;
            fz_add_node(dp->entry_out.nodeid);
        } else {
            d = (const void *)(p + off);
        }
        FZ_ASSERT(d->namelen > 0 && d->namelen <= 1024, "namelen %u",
                  d->namelen);
        size_t rec = WIRE_DIRENT_ALIGN(fixed + d->namelen);
        FZ_ASSERT(rec <= len - off, "dirent of %zu at %zu/%zu", rec, off,
                  len);
        off += rec;
    }
}

/* The transport's send: check one reply and learn ids from it. */
static int fz_check_send(const struct iovec *iov, int cnt)
{
    FZ_ASSERT(cnt >= 1 && iov[0].iov_len >= sizeof(struct wire_out_header),
              "cnt %d", cnt);
    static char body[FZ_BUFSIZE];
    size_t total = 0;
    for (int i = 0; i < cnt; i++) {
        FZ_ASSERT(total + iov[i].iov_len <= sizeof body, "reply too big");
        if (iov[i].iov_len)
            memcpy(body + total, iov[i].iov_base, iov[i].iov_len);
        total += iov[i].iov_len;
    }
    const struct wire_out_header *oh = (const void *)body;
    FZ_ASSERT(oh->len == total, "len %u, sent %zu", oh->len, total);
    if (oh->unique == 0) {
        /* a notification: error holds its code */
        FZ_ASSERT(oh->error > 0 && oh->error < 16, "notify code %d",
                  oh->error);
        return 0;
    }
    FZ_ASSERT(oh->error <= 0 && oh->error > -4096, "error %d", oh->error);
    FZ_ASSERT(oh->error == 0 || total == sizeof *oh,
              "error %d with a %zu-byte body", oh->error, total);
    FZ_ASSERT(oh->unique == fz.cur_unique, "reply to %llu during %llu",
              (unsigned long long)oh->unique,
              (unsigned long long)fz.cur_unique);
    static int trace = -1;
    if (trace < 0)
        trace = getenv("FZ_TRACE") != NULL;
    if (trace)  /* FZ_TRACE=1: what each request got, to check seeds */
        fprintf(stderr, "opcode %u node %llu: error %d, %zu bytes\n",
                fz.cur_opcode, (unsigned long long)fz.cur_nodeid, oh->error,
                total);
    fz.cur_replies++;
    FZ_ASSERT(fz.cur_replies == 1, "%d replies to opcode %u",
              fz.cur_replies, fz.cur_opcode);
    if (oh->error)
        return 0;
    const char *b = body + sizeof *oh;
    size_t blen = total - sizeof *oh;
    switch (fz.cur_opcode) {
    case WIRE_OP_LOOKUP: case WIRE_OP_MKNOD: case WIRE_OP_MKDIR:
    case WIRE_OP_SYMLINK: case WIRE_OP_LINK: case WIRE_OP_TMPFILE:
    case WIRE_OP_CREATE:
        FZ_ASSERT(blen >= sizeof(struct wire_entry_out),
                  "entry reply of %zu", blen);
        {
            const struct wire_entry_out *e = (const void *)b;
            fz_add_node(e->nodeid);
            if (fz.cur_opcode == WIRE_OP_CREATE || fz.cur_opcode == WIRE_OP_TMPFILE) {
                FZ_ASSERT(blen == sizeof *e + sizeof(struct wire_open_out),
                          "create reply of %zu", blen);
                const struct wire_open_out *o = (const void *)(b + sizeof *e);
                fz_add_fh(o->fh, e->nodeid, 0);
            }
        }
        break;
    case WIRE_OP_OPEN: case WIRE_OP_OPENDIR:
        FZ_ASSERT(blen == sizeof(struct wire_open_out), "open reply %zu", blen);
        fz_add_fh(((const struct wire_open_out *)b)->fh, fz.cur_nodeid,
                  fz.cur_opcode == WIRE_OP_OPENDIR);
        break;
    case WIRE_OP_GETATTR: case WIRE_OP_SETATTR:
        FZ_ASSERT(blen == sizeof(struct wire_attr_out), "attr reply %zu", blen);
        break;
    case WIRE_OP_READDIR:
        fz_check_dirents(b, blen, 0);
        break;
    case WIRE_OP_READDIRPLUS:
        fz_check_dirents(b, blen, 1);
        break;
    case WIRE_OP_WRITE:
        FZ_ASSERT(blen == sizeof(struct wire_write_out), "write reply %zu", blen);
        break;
    case WIRE_OP_STATFS:
        FZ_ASSERT(blen == sizeof(struct wire_statfs_out), "statfs %zu", blen);
        break;
    default:
        break;
    }
    return 0;
}

/* Choose a handle of the right kind for sel; 0 when there is none. */
static const struct fz_handle *fz_pick_fh(uint64_t sel, int dir, int any)
{
    int n = 0;
    for (int i = 0; i < fz.nfhs; i++)
        if (any || fz.fhs[i].dir == dir)
            n++;
    if (!n)
        return NULL;
    int k = (int)(sel % (uint64_t)(n + 1));
    if (k == n)
        return NULL;  /* also try "no handle" */
    for (int i = 0; i < fz.nfhs; i++)
        if ((any || fz.fhs[i].dir == dir) && k-- == 0)
            return &fz.fhs[i];
    return NULL;
}

static void fz_drop_fh(uint64_t fh)
{
    for (int i = 0; i < fz.nfhs; i++)
        if (fz.fhs[i].fh == fh) {
            fz.fhs[i] = fz.fhs[--fz.nfhs];
            return;
        }
}

/* Put a kernel-given handle (or 0) in the u64 at `off` of the body and
 * make the request's node id that handle's. */
static void fz_patch_fh(struct wire_in_header *h, size_t off, int dir, int any)
{
    char *body = (char *)(h + 1);
    size_t blen = h->len - sizeof *h;
    if (blen < off + 8)
        return;
    uint64_t sel;
    memcpy(&sel, body + off, 8);
    const struct fz_handle *fh = fz_pick_fh(sel, dir, any);
    uint64_t v = fh ? fh->fh : 0;
    memcpy(body + off, &v, 8);
    if (fh)
        h->nodeid = fh->nodeid;
}

/* The kernel's side of file handles, by opcode.  Returns the fh being
 * released (so it is dropped once sent), else 0. */
static uint64_t fz_kernel_fh(struct wire_in_header *h)
{
    size_t blen = h->len - sizeof *h;
    char *body = (char *)(h + 1);
    uint64_t v = 0;
    switch (h->opcode) {
    case WIRE_OP_GETATTR:
        fz_patch_fh(h, offsetof(struct wire_getattr_in, fh), 0, 1);
        break;
    case WIRE_OP_STATX:
        fz_patch_fh(h, offsetof(struct wire_statx_in, fh), 0, 1);
        break;
    case WIRE_OP_SETATTR:
        fz_patch_fh(h, offsetof(struct wire_setattr_in, fh), 0, 0);
        break;
    case WIRE_OP_READ: case WIRE_OP_WRITE: case WIRE_OP_FLUSH:
    case WIRE_OP_FSYNC: case WIRE_OP_GETLK: case WIRE_OP_SETLK:
    case WIRE_OP_SETLKW: case WIRE_OP_IOCTL: case WIRE_OP_POLL:
    case WIRE_OP_FALLOCATE: case WIRE_OP_LSEEK:
        fz_patch_fh(h, 0, 0, 0);
        break;
    case WIRE_OP_RELEASE:
        fz_patch_fh(h, 0, 0, 0);
        if (blen >= 8)
            memcpy(&v, body, 8);
        break;
    case WIRE_OP_READDIR: case WIRE_OP_READDIRPLUS: case WIRE_OP_FSYNCDIR:
        fz_patch_fh(h, 0, 1, 0);
        break;
    case WIRE_OP_RELEASEDIR:
        fz_patch_fh(h, 0, 1, 0);
        if (blen >= 8)
            memcpy(&v, body, 8);
        break;
    case WIRE_OP_COPY_FILE_RANGE: case WIRE_OP_COPY_FILE_RANGE_64: {
        fz_patch_fh(h, offsetof(struct wire_copy_file_range_in, fh_out), 0, 0);
        if (blen >= sizeof(struct wire_copy_file_range_in)) {
            /* the output side's node goes in the body */
            uint64_t out_fh, out_node = h->nodeid;
            memcpy(&out_fh, body + offsetof(struct wire_copy_file_range_in,
                                            fh_out), 8);
            for (int i = 0; i < fz.nfhs; i++)
                if (fz.fhs[i].fh == out_fh)
                    out_node = fz.fhs[i].nodeid;
            memcpy(body + offsetof(struct wire_copy_file_range_in, nodeid_out),
                   &out_node, 8);
        }
        fz_patch_fh(h, offsetof(struct wire_copy_file_range_in, fh_in), 0, 0);
        break;
    }
    default:
        break;
    }
    return v;
}

/*
 * Run the frames of data[0..size) through process(buf, len): build each
 * request in a buffer of FZ_BUFSIZE (as a dispatcher thread's) and check
 * the replies count.  process returns nonzero when the request kept the
 * buffer (it never should here: the targets' file systems answer at once).
 */
static char *fz_buffer(void)
{
    static char *buf;
    if (!buf && !(buf = malloc(FZ_BUFSIZE)))
        abort();
    return buf;
}

static void fz_run_frames(const uint8_t *data, size_t size,
                          int (*process)(void *buf, size_t len))
{
    char *buf = fz_buffer();
    size_t pos = 0;
    while (pos + 4 <= size && !fz.ended) {
        uint8_t op = data[pos], sel = data[pos + 1];
        size_t len = (size_t)data[pos + 2] | (size_t)data[pos + 3] << 8;
        pos += 4;
        if (len > size - pos)
            len = size - pos;
        struct wire_in_header *h = (struct wire_in_header *)buf;
        size_t n;
        if (op == 0xff) {
            if (len < sizeof *h)
                len = sizeof *h;  /* zero-padded below */
            memset(buf, 0, sizeof *h);
            memcpy(buf, data + pos, len <= size - pos ? len : size - pos);
            n = len;
        } else {
            memset(h, 0, sizeof *h);
            h->opcode = op;
            unsigned idx = sel & 0x3f;
            if ((int)idx < fz.nnodes)
                h->nodeid = fz.nodes[idx];
            else
                h->nodeid = idx == 0x3f ? 0 : 1000 + idx;
            memcpy(buf + sizeof *h, data + pos, len);
            n = sizeof *h + len;
        }
        pos += len <= size - pos ? len : size - pos;
        h->len = (uint32_t)n;
        h->unique = fz.next_unique++;
        if (sel & 0x80) {
            h->uid = 1000;
            h->gid = 1000;
        }
        h->pid = 4242;
        uint64_t released = fz_kernel_fh(h);
        fz.cur_unique = h->unique;
        fz.cur_nodeid = h->nodeid;
        fz.cur_opcode = h->opcode;
        fz.cur_replies = 0;
        int kept = process(buf, n);
        FZ_ASSERT(!kept, "opcode %u kept the buffer", h->opcode);
        /* The in-header is the caller's again: it was not consumed. */
        switch (fz.cur_opcode) {
        case WIRE_OP_FORGET: case WIRE_OP_BATCH_FORGET:
        case WIRE_OP_NOTIFY_REPLY:
            FZ_ASSERT(fz.cur_replies == 0, "%d replies to a forget",
                      fz.cur_replies);
            break;
        case WIRE_OP_INTERRUPT:
            FZ_ASSERT(fz.cur_replies <= 1, "INTERRUPT: %d", fz.cur_replies);
            break;
        default:
            FZ_ASSERT(fz.cur_replies == 1, "opcode %u: %d replies",
                      fz.cur_opcode, fz.cur_replies);
            break;
        }
        if (released)
            fz_drop_fh(released);
        if (fz.cur_opcode == WIRE_OP_DESTROY)
            fz.ended = 1;
    }
}

/* A normal INIT, as a 6.x kernel sends it. */
static void fz_init(int (*process)(void *buf, size_t len), uint32_t minor)
{
    char *ib = fz_buffer();
    size_t n = sizeof(struct wire_in_header) + sizeof(struct wire_init_in);
    struct wire_in_header *h = (struct wire_in_header *)ib;
    struct wire_init_in *in = (struct wire_init_in *)(h + 1);
    memset(ib, 0, n);
    h->len = (uint32_t)n;
    h->opcode = WIRE_OP_INIT;
    h->unique = 1;
    in->major = 7;
    in->minor = minor;
    in->max_readahead = 131072;
    in->flags = 0xffffffffu;
    in->flags2 = 0xffffffffu;
    fz.cur_unique = 1;
    fz.cur_opcode = WIRE_OP_INIT;
    fz.cur_replies = 0;
    process(ib, n);
    FZ_ASSERT(fz.cur_replies == 1, "INIT: %d replies", fz.cur_replies);
}

#endif
