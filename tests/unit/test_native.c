/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The session and the native API driven with hand-built requests through
 * an in-memory transport: no kernel.  This is where the rules that a real
 * mount cannot easily provoke are pinned down: ENOSYS for unknown
 * opcodes, EIO for a handler that does not answer and for a file system
 * that returns nonsense, EAGAIN for an interrupt of an unknown request,
 * the interrupt hook's hold-then-notify order, and exactly one close for an open whose reply the kernel refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../check.h"
#include "native/fs_int.h"
#include "session/session.h"

CHECK_DEFINE_GLOBALS;

/* ---- an in-memory transport that keeps the last reply ---- */

struct mem_transport {
    struct ses_transport base;
    char last[8192];
    size_t last_len;
    int sends;
    int fail_next;     /* answer the next send with this -errno */
};

static ssize_t mem_receive(struct ses_transport *t, void *b, size_t s)
{
    (void)t; (void)b; (void)s;
    return -ENODEV;
}

static int mem_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    struct mem_transport *m = (struct mem_transport *)t;
    m->sends++;
    if (m->fail_next) {
        int r = m->fail_next;
        m->fail_next = 0;
        return r;
    }
    m->last_len = 0;
    for (int i = 0; i < cnt; i++) {
        memcpy(m->last + m->last_len, iov[i].iov_base, iov[i].iov_len);
        m->last_len += iov[i].iov_len;
    }
    return 0;
}

static void mem_wake(struct ses_transport *t) { (void)t; }
static void mem_destroy(struct ses_transport *t) { (void)t; }

static struct mem_transport mt = {
    .base = { mem_receive, mem_send, mem_wake, NULL, mem_destroy } };

static const struct wire_out_header *last_out(void)
{
    return (const struct wire_out_header *)mt.last;
}

/* ---- building requests ---- */

static char rbuf[1 << 21];
static uint64_t next_unique = 1;

/* Put a request with body parts into rbuf and process it. */
static void send_req(struct ses_session *se, uint32_t opcode, uint64_t node,
                     const void *a, size_t alen, const void *b, size_t blen)
{
    struct wire_in_header *h = (struct wire_in_header *)rbuf;
    memset(h, 0, sizeof *h);
    h->opcode = opcode;
    h->unique = next_unique++;
    h->nodeid = node;
    if (alen)
        memcpy(rbuf + sizeof *h, a, alen);
    if (b)
        memcpy(rbuf + sizeof *h + alen, b, blen);
    h->len = (uint32_t)(sizeof *h + alen + blen);
    mt.last_len = 0;
    ses_process(se, rbuf, h->len, sizeof rbuf);
}

static void do_init(struct ses_session *se)
{
    struct wire_init_in in = { .major = 7, .minor = 45,
                              .max_readahead = 131072,
                              .flags = 0xffffffffu, .flags2 = 0xffffffffu };
    send_req(se, WIRE_OP_INIT, 0, &in, sizeof in, NULL, 0);
}

/* ---- a session with a tiny handler table ---- */

static void silent_handler(struct ses_request *req) { (void)req; }

static void session_rules(void)
{
    struct ses_ll_ops ops = { 0 };
    ops.op[WIRE_OP_GETATTR] = silent_handler;
    struct ses_session *se;
    REQUIRE(ses_new(&mt.base, &ops, NULL, NULL, &se) == 0);

    /* Before INIT nothing else is served. */
    send_req(se, WIRE_OP_GETATTR, 1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16,
             NULL, 0);
    CHECK_EQ(last_out()->error, -EIO);
    /* ... but a FORGET still gets no reply (found by fuzz_native). */
    mt.sends = 0;
    struct wire_forget_in fgi = { .nlookup = 1 };
    send_req(se, WIRE_OP_FORGET, 1, &fgi, sizeof fgi, NULL, 0);
    CHECK_EQ(mt.sends, 0);

    do_init(se);
    const struct wire_init_out *io =
        (const void *)(mt.last + sizeof(struct wire_out_header));
    CHECK_EQ(last_out()->error, 0);
    CHECK_EQ(last_out()->len, sizeof(struct wire_out_header) + sizeof *io);
    CHECK_EQ(io->major, 7);
    CHECK_EQ(io->minor, WIRE_KERNEL_MINOR_VERSION);
    CHECK_EQ(io->max_write, 1u << 20);
    CHECK_EQ(io->max_pages, 256);
    CHECK(io->flags & WIRE_ASYNC_READ);
    CHECK(io->flags & WIRE_DO_READDIRPLUS);
    CHECK(io->flags & WIRE_PARALLEL_DIROPS);
    CHECK(io->flags & WIRE_HANDLE_KILLPRIV_V2);
    CHECK(io->flags & WIRE_ATOMIC_O_TRUNC);
    /* No lock callbacks: locks stay in the kernel. */
    CHECK(!(io->flags & WIRE_POSIX_LOCKS));
    CHECK(!(io->flags & WIRE_FLOCK_LOCKS));

    /* Unknown opcode and opcode without handler: ENOSYS. */
    send_req(se, 99, 1, NULL, 0, NULL, 0);
    CHECK_EQ(last_out()->error, -ENOSYS);
    send_req(se, WIRE_OP_FALLOCATE, 1, NULL, 0, NULL, 0);
    CHECK_EQ(last_out()->error, -ENOSYS);

    /* A handler that never answers: the session answers EIO for it. */
    send_req(se, WIRE_OP_GETATTR, 1, NULL, 0, NULL, 0);
    CHECK_EQ(last_out()->error, -EIO);

    /* Interrupt of a request that is not here: EAGAIN (kernel retries). */
    struct wire_interrupt_in ii = { .unique = 12345 };
    send_req(se, WIRE_OP_INTERRUPT, 0, &ii, sizeof ii, NULL, 0);
    CHECK_EQ(last_out()->error, -EAGAIN);

    /* Counters saw all of it. */
    CHECK_EQ(atomic_load(&ses_stats(se, WIRE_OP_GETATTR)->count), 2);
    CHECK_EQ(atomic_load(&ses_stats(se, WIRE_OP_GETATTR)->errors), 2);
    ses_delete(se);
}

/* ---- the interrupt hook of the layer above ---- */

static struct ses_request *held_req;     /* a handler's detached request */
static int holds, notifies, notify_saw_hold;
static const char *hook_data = "data";

static void t_hold(void *data)
{
    CHECK(data == hook_data);
    holds++;
}

/* What libfuse's interrupt functions often do: answer EINTR at once. */
static void t_notify(void *data)
{
    CHECK(data == hook_data);
    notify_saw_hold = holds;
    notifies++;
    REQUIRE(held_req);
    ses_reply_err(held_req, -EINTR);
    held_req = NULL;
}

static const struct ses_interrupt_hook t_hook = { t_hold, t_notify };

/* GETATTR: hook, then detach (answered later); READLINK: detach only. */
static void hooked_handler(struct ses_request *req)
{
    CHECK_EQ(ses_req_on_interrupt(req, &t_hook, (void *)hook_data), 0);
    held_req = ses_req_detach(req);
}

static void unhooked_handler(struct ses_request *req)
{
    held_req = ses_req_detach(req);
}

static void session_interrupt_hook(void)
{
    struct ses_ll_ops ops = { 0 };
    ops.op[WIRE_OP_GETATTR] = hooked_handler;
    ops.op[WIRE_OP_READLINK] = unhooked_handler;
    struct ses_session *se;
    REQUIRE(ses_new(&mt.base, &ops, NULL, NULL, &se) == 0);
    do_init(se);
    /* rbuf is static: detached requests must not take it over. */
    ses_transport_buf = 1;

    /* The hook travels with the detached copy: INTERRUPT finds it, holds
     * under the lock, then notifies, and sends nothing itself. */
    uint64_t u = next_unique;
    send_req(se, WIRE_OP_GETATTR, 1, NULL, 0, NULL, 0);
    REQUIRE(held_req);
    CHECK(held_req->heap);
    mt.sends = 0;
    struct wire_interrupt_in ii = { .unique = u };
    send_req(se, WIRE_OP_INTERRUPT, 0, &ii, sizeof ii, NULL, 0);
    CHECK_EQ(holds, 1);
    CHECK_EQ(notifies, 1);
    CHECK_EQ(notify_saw_hold, 1);
    /* the one send is notify's EINTR for the request */
    CHECK_EQ(mt.sends, 1);
    CHECK_EQ(last_out()->unique, u);
    CHECK_EQ(last_out()->error, -EINTR);
    /* Answered: a second INTERRUPT finds nothing and no hook. */
    send_req(se, WIRE_OP_INTERRUPT, 0, &ii, sizeof ii, NULL, 0);
    CHECK_EQ(last_out()->error, -EAGAIN);
    CHECK_EQ(holds, 1);
    CHECK_EQ(notifies, 1);

    /* No hook: INTERRUPT only flags; a hook set afterwards learns of it
     * from ses_req_on_interrupt and is never called for it. */
    u = next_unique;
    send_req(se, WIRE_OP_READLINK, 1, NULL, 0, NULL, 0);
    REQUIRE(held_req);
    ii.unique = u;
    mt.sends = 0;
    send_req(se, WIRE_OP_INTERRUPT, 0, &ii, sizeof ii, NULL, 0);
    CHECK_EQ(mt.sends, 0);
    CHECK_EQ(atomic_load(&held_req->interrupted), 1);
    CHECK_EQ(ses_req_on_interrupt(held_req, &t_hook, (void *)hook_data), 1);
    CHECK_EQ(holds, 1);
    CHECK_EQ(notifies, 1);
    ses_reply_err(held_req, -EINTR);
    held_req = NULL;
    CHECK_EQ(last_out()->unique, u);
    CHECK_EQ(last_out()->error, -EINTR);
    ses_transport_buf = 0;
    ses_delete(se);
}

/* ---- a tiny native file system: root plus one file "f" ---- */

static int closes, opens, forgets;
static int bad_result;

static int t_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (!parent) {
        *node = (void *)1;
        fi->index = 1;
        fi->mode = S_IFDIR | 0755;
        fi->nlink = 2;
        return 0;
    }
    if (strcmp(name, "f") != 0)
        return -ENOENT;
    *node = (void *)2;
    fi->index = 2;
    fi->mode = S_IFREG | 0644;
    fi->nlink = 1;
    fi->size = 5;
    return 0;
}

static void t_forget(fsp_fs *fs, void *node) { (void)fs; (void)node; forgets++; }

static int t_getinfo(fsp_request *req, void *node, void *file,
                     struct fsp_file_info *fi)
{
    (void)file;
    if (bad_result)
        return 7; /* nonsense: must become EIO */
    return t_lookup(req, node == (void *)1 ? NULL : (void *)1, "f",
                    &node, fi);
}

static int t_open(fsp_request *req, void *node, uint32_t flags, void **file,
                  struct fsp_file_info *fi)
{
    (void)req; (void)node; (void)flags; (void)fi;
    opens++;
    *file = (void *)0x77;
    return 0;
}

static void t_close(fsp_fs *fs, void *node, void *file)
{
    (void)fs; (void)node;
    if (file == (void *)0x77)
        closes++;
}

static int listings; /* read_directory calls */

static int t_readdir(fsp_request *req, void *node, void *file,
                     const char *marker, struct fsp_dir_buffer *db)
{
    (void)req; (void)node; (void)file; (void)marker;
    listings++;
    struct fsp_file_info fi = { .index = 2, .mode = S_IFREG };
    fsp_dir_buffer_add(db, "f", &fi);
    return 0;
}

/* A read that completes later: it keeps the request and pends. */
static fsp_request *pended;
static void *pended_buf;

static int t_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t off, uint32_t len, uint32_t *got)
{
    (void)node; (void)file; (void)off; (void)len; (void)got;
    pended = fsp_request_pend(req);
    if (!pended)
        return -ENOMEM;
    pended_buf = buf;
    return FSP_PENDING;
}

static struct fsp_fs_interface base_iface(void)
{
    struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = t_lookup,
        .forget = t_forget,
        .get_file_info = t_getinfo,
        .open = t_open,
        .close = t_close,
        .read_directory = t_readdir,
        .read = t_read,
    };
    return iface;
}

static struct fsp_fs *native_fs_with(const struct fsp_fs_interface *iface)
{
    struct fsp_volume_params vp = { .size = sizeof vp,
                                    .file_info_timeout_ms = 1500 };
    struct fsp_fs *fs = NULL;
    if (fsp_fs_new(&vp, iface, NULL, &fs))
        return NULL;
    struct ses_ll_ops ops;
    nat_ll_ops(&ops);
    if (ses_new(&mt.base, &ops, fs, NULL, &fs->se))
        return NULL;
    /* What fsp_fs_mount does after mounting: the root is node 1. */
    void *ctx;
    struct fsp_file_info fi = { 0 };
    t_lookup(NULL, NULL, "/", &ctx, &fi);
    fs->root = nat_node_lookup_ref(fs, NULL, NULL, ctx, &fi);
    do_init(fs->se);
    return fs;
}

static struct fsp_fs *native_fs(void)
{
    static struct fsp_fs_interface iface;
    iface = base_iface();
    return native_fs_with(&iface);
}

static uint64_t lookup_f(struct fsp_fs *fs)
{
    send_req(fs->se, WIRE_OP_LOOKUP, 1, "f", 2, NULL, 0);
    if (last_out()->error)
        return 0;
    const struct wire_entry_out *e =
        (const void *)(mt.last + sizeof(struct wire_out_header));
    return e->nodeid;
}

static void native_lookup_and_ids(void)
{
    struct fsp_fs *fs = native_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    CHECK(id > 1);
    const struct wire_entry_out *e =
        (const void *)(mt.last + sizeof(struct wire_out_header));
    CHECK_EQ(e->attr.ino, 2);
    CHECK_EQ(e->attr.size, 5);
    CHECK_EQ(e->entry_valid, 1);
    CHECK_EQ(e->entry_valid_nsec, 500000000);
    /* Same index, same node id; the duplicate reference went back. */
    int before = forgets;
    CHECK_EQ(lookup_f(fs), id);
    CHECK_EQ(forgets, before + 1);
    /* A miss is cached negatively: node id 0, no error. */
    send_req(fs->se, WIRE_OP_LOOKUP, 1, "nope", 5, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    CHECK_EQ(((const struct wire_entry_out *)(mt.last + 16))->nodeid, 0);
    /* An over-long name never reaches the file system. */
    char longname[300];
    memset(longname, 'x', 299);
    longname[299] = 0;
    send_req(fs->se, WIRE_OP_LOOKUP, 1, longname, 300, NULL, 0);
    CHECK_EQ(last_out()->error, -ENAMETOOLONG);
    /* Forget both references: the node goes, the file system hears. */
    before = forgets;
    struct wire_forget_in fin = { .nlookup = 2 };
    mt.sends = 0;
    send_req(fs->se, WIRE_OP_FORGET, id, &fin, sizeof fin, NULL, 0);
    CHECK_EQ(mt.sends, 0); /* FORGET is never answered */
    CHECK_EQ(forgets, before + 1);
    CHECK(nat_node_get(fs, id) == NULL);
    /* A new lookup gets a new id: ids are never reused. */
    uint64_t id2 = lookup_f(fs);
    CHECK(id2 > id);
    fsp_fs_delete(fs);
}

static void native_bad_result_is_eio(void)
{
    struct fsp_fs *fs = native_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    bad_result = 1;
    struct wire_getattr_in gi = { 0 };
    send_req(fs->se, WIRE_OP_GETATTR, id, &gi, sizeof gi, NULL, 0);
    bad_result = 0;
    CHECK_EQ(last_out()->error, -EIO);
    fsp_fs_delete(fs);
}

static void native_one_close_per_open(void)
{
    struct fsp_fs *fs = native_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    opens = closes = 0;
    struct wire_open_in oi = { .flags = 0 };
    /* The kernel refuses the open's reply (the caller was interrupted):
     * fsp closes the open itself. */
    mt.fail_next = -ENOENT;
    send_req(fs->se, WIRE_OP_OPEN, id, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(opens, 1);
    CHECK_EQ(closes, 1);
    /* A normal open and release: one close. */
    send_req(fs->se, WIRE_OP_OPEN, id, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    const struct wire_open_out *oo = (const void *)(mt.last + 16);
    struct wire_release_in ri = { .fh = oo->fh };
    send_req(fs->se, WIRE_OP_RELEASE, id, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(closes, 2);
    /* An open still live at unmount is closed then, once. */
    send_req(fs->se, WIRE_OP_OPEN, id, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(opens, 3);
    nat_opens_close_all(fs);
    CHECK_EQ(closes, 3);
    fsp_fs_delete(fs);
    CHECK_EQ(closes, 3);
}

static void native_readdir_pages(void)
{
    struct fsp_fs *fs = native_fs();
    REQUIRE(fs);
    struct wire_open_in oi = { 0 };
    send_req(fs->se, WIRE_OP_OPENDIR, 1, &oi, sizeof oi, NULL, 0);
    REQUIRE(last_out()->error == 0);
    uint64_t fh = ((const struct wire_open_out *)(mt.last + 16))->fh;
    struct wire_read_in ri = { .fh = fh, .offset = 0, .size = 4096 };
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    /* ".", "..", "f", each with the next entry's cookie. */
    const char *p = mt.last + 16, *end = mt.last + mt.last_len;
    const char *names[3] = { ".", "..", "f" };
    int n = 0;
    while (p < end && n < 3) {
        const struct wire_dirent *d = (const void *)p;
        CHECK_EQ(d->off, n + 1);
        CHECK(d->namelen == strlen(names[n]) &&
              memcmp(d->name, names[n], d->namelen) == 0);
        p += WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET + d->namelen);
        n++;
    }
    CHECK_EQ(n, 3);
    CHECK(p == end);
    /* Resuming from cookie 2 gives "f" alone. */
    ri.offset = 2;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    const struct wire_dirent *d = (const void *)(mt.last + 16);
    CHECK(d->namelen == 1 && d->name[0] == 'f');
    /* Past the end: an empty reply. */
    ri.offset = 3;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(mt.last_len, 16);
    struct wire_release_in rl = { .fh = fh };
    send_req(fs->se, WIRE_OP_RELEASEDIR, 1, &rl, sizeof rl, NULL, 0);
    fsp_fs_delete(fs);
}

static void native_stateless_opens(void)
{
    static struct fsp_fs_interface iface;
    iface = base_iface();
    iface.flags = FSP_IFACE_STATELESS_OPENS;
    struct fsp_fs *fs = native_fs_with(&iface);
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    opens = closes = 0;
    /* ENOSYS to OPEN is how the kernel learns to send no OPEN/RELEASE. */
    struct wire_open_in oi = { 0 };
    send_req(fs->se, WIRE_OP_OPEN, id, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(last_out()->error, -ENOSYS);
    CHECK_EQ(opens, 0);
    /* A cached volume's directories need no OPENDIR either. */
    send_req(fs->se, WIRE_OP_OPENDIR, 1, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(last_out()->error, -ENOSYS);
    CHECK_EQ(opens, 0);
    CHECK_EQ(closes, 0);
    fsp_fs_delete(fs);
}

/* Stateless directories only: OPENDIR is declined and never reaches
 * open, while a file's OPEN and RELEASE still reach open and close. */
static void native_stateless_dir_opens(void)
{
    static struct fsp_fs_interface iface;
    iface = base_iface();
    iface.flags = FSP_IFACE_STATELESS_DIR_OPENS;
    struct fsp_fs *fs = native_fs_with(&iface);
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    opens = closes = 0;
    struct wire_open_in oi = { 0 };
    send_req(fs->se, WIRE_OP_OPENDIR, 1, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(last_out()->error, -ENOSYS);
    CHECK_EQ(opens, 0);
    send_req(fs->se, WIRE_OP_OPEN, id, &oi, sizeof oi, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    CHECK_EQ(opens, 1);
    const struct wire_open_out *oo = (const void *)(mt.last + 16);
    struct wire_release_in rl = { .fh = oo->fh };
    send_req(fs->se, WIRE_OP_RELEASE, id, &rl, sizeof rl, NULL, 0);
    CHECK_EQ(closes, 1);
    /* The directory lists without an open (fh 0). */
    struct wire_read_in ri = { .fh = 0, .offset = 0, .size = 4096 };
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    CHECK(mt.last_len > 16);
    CHECK_EQ(opens, 1);
    fsp_fs_delete(fs);
}

/* The names and cookies of a READDIR reply in mt.last. */
static int dirents(const char **names, uint64_t *offs, int max)
{
    const char *p = mt.last + 16, *end = mt.last + mt.last_len;
    int n = 0;
    while (p < end && n < max) {
        const struct wire_dirent *d = (const void *)p;
        names[n] = d->name;
        offs[n] = d->off;
        p += WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET + d->namelen);
        n++;
    }
    return n;
}

/* Without OPENDIR (fh 0), listings are snapshots kept on the node and
 * numbered in the offsets' upper half: resuming finds the listing's own
 * snapshot even after another listing of the directory started. */
static void native_openless_readdir(void)
{
    static struct fsp_fs_interface iface;
    iface = base_iface();
    iface.flags = FSP_IFACE_STATELESS_OPENS;
    struct fsp_fs *fs = native_fs_with(&iface);
    REQUIRE(fs);
    struct wire_read_in ri = { .fh = 0, .offset = 0, .size = 4096 };
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(last_out()->error, 0);
    const char *names[4];
    uint64_t offs[4];
    CHECK_EQ(dirents(names, offs, 4), 3);
    uint64_t gen = offs[0] >> 32;
    CHECK(gen != 0);
    CHECK_EQ(offs[0], gen << 32 | 1);
    CHECK_EQ(offs[2], gen << 32 | 3);
    CHECK(strncmp(names[2], "f", 1) == 0);
    listings = 0;
    /* A second listing from the start gets its own snapshot. */
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(dirents(names, offs, 4), 3);
    CHECK((offs[0] >> 32) != gen);
    /* The first one resumes in its own: "f" alone, then the end. */
    ri.offset = gen << 32 | 2;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(dirents(names, offs, 4), 1);
    CHECK_EQ(offs[0], gen << 32 | 3);
    CHECK_EQ(listings, 1);
    ri.offset = gen << 32 | 3;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(mt.last_len, 16);
    /* Reaching its end let that snapshot go: resuming now lists again. */
    ri.offset = gen << 32 | 2;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(dirents(names, offs, 4), 1);
    CHECK_EQ(listings, 2);
    /* A snapshot number nobody has: a fresh snapshot, same position. */
    ri.offset = (uint64_t)0x7ffffff0 << 32 | 2;
    send_req(fs->se, WIRE_OP_READDIR, 1, &ri, sizeof ri, NULL, 0);
    CHECK_EQ(dirents(names, offs, 4), 1);
    CHECK(strncmp(names[0], "f", 1) == 0);
    fsp_fs_delete(fs);
}

static void native_pending_read(void)
{
    struct fsp_fs *fs = native_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    /* As in a dispatcher thread: a heap buffer that the pending request
     * takes over (and frees after its reply). */
    size_t bufsize = 1 << 21;
    char *buf = malloc(bufsize);
    REQUIRE(buf);
    struct wire_in_header *h = (struct wire_in_header *)buf;
    struct wire_read_in ri = { .fh = 0, .offset = 0, .size = 5 };
    memset(h, 0, sizeof *h);
    h->opcode = WIRE_OP_READ;
    h->unique = 4242;
    h->nodeid = id;
    h->len = sizeof *h + sizeof ri;
    memcpy(h + 1, &ri, sizeof ri);
    mt.sends = 0;
    pended = NULL;
    int taken = ses_process(fs->se, buf, h->len, bufsize);
    CHECK_EQ(taken, 1);     /* the buffer went with the request */
    CHECK_EQ(mt.sends, 0);  /* no reply yet */
    REQUIRE(pended);
    memcpy(pended_buf, "hello", 5);
    fsp_request_complete(pended, 0, 5, NULL);
    CHECK_EQ(mt.sends, 1);
    CHECK_EQ(last_out()->unique, 4242);
    CHECK_EQ(last_out()->error, 0);
    CHECK_EQ(last_out()->len, 16 + 5);
    CHECK(memcmp(mt.last + 16, "hello", 5) == 0);
    fsp_fs_delete(fs);
}

int main(void)
{
    RUN(session_rules);
    RUN(session_interrupt_hook);
    RUN(native_lookup_and_ids);
    RUN(native_bad_result_is_eio);
    RUN(native_one_close_per_open);
    RUN(native_readdir_pages);
    RUN(native_stateless_opens);
    RUN(native_openless_readdir);
    RUN(native_stateless_dir_opens);
    RUN(native_pending_read);
    return 0;
}
