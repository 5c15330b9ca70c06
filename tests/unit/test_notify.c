/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp_fs_notify_inode, _entry, _expire, _delete, _store and _retrieve
 * through an in-memory transport: the notification the kernel would
 * read, byte for byte, and the cases where nothing is sent at all.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../check.h"
#include "native/fs_int.h"
#include "session/session.h"

CHECK_DEFINE_GLOBALS;

/* ---- a transport that keeps what was sent last ---- */

struct keep_transport {
    struct ses_transport base;
    char last[4096];
    size_t len;
    int sends;
    int fail;          /* the next send returns this -errno */
};

static ssize_t kt_receive(struct ses_transport *t, void *b, size_t s)
{
    (void)t; (void)b; (void)s;
    return -ENODEV;
}

static int kt_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    struct keep_transport *k = (struct keep_transport *)t;
    k->sends++;
    if (k->fail) {
        int r = k->fail;
        k->fail = 0;
        return r;
    }
    k->len = 0;
    for (int i = 0; i < cnt; i++) {
        memcpy(k->last + k->len, iov[i].iov_base, iov[i].iov_len);
        k->len += iov[i].iov_len;
    }
    return 0;
}

static void kt_nop(struct ses_transport *t) { (void)t; }

static struct keep_transport kt = {
    .base = { kt_receive, kt_send, kt_nop, NULL, kt_nop } };

static const struct wire_out_header *sent_header(void)
{
    return (const struct wire_out_header *)kt.last;
}

static const void *sent_body(void)
{
    return kt.last + sizeof(struct wire_out_header);
}

/* ---- requests ---- */

static char rbuf[1 << 20];
static uint64_t unique = 1;

static void request(struct ses_session *se, uint32_t opcode, uint64_t node,
                    const void *body, size_t len)
{
    struct wire_in_header *h = (struct wire_in_header *)rbuf;
    memset(h, 0, sizeof *h);
    h->opcode = opcode;
    h->unique = unique++;
    h->nodeid = node;
    h->len = (uint32_t)(sizeof *h + len);
    memcpy(rbuf + sizeof *h, body, len);
    ses_process(se, rbuf, h->len, sizeof rbuf);
}

/* ---- a file system of a root (index 1) with "f" (index 7) ---- */

static int n_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (!parent) {
        *node = (void *)1;
        *fi = (struct fsp_file_info){ .index = 1, .mode = S_IFDIR | 0755,
                                      .nlink = 2 };
        return 0;
    }
    if (strcmp(name, "f") != 0)
        return -ENOENT;
    *node = (void *)7;
    *fi = (struct fsp_file_info){ .index = 7, .mode = S_IFREG | 0644,
                                  .nlink = 1 };
    return 0;
}

static struct fsp_fs *mounted_fs(void)
{
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface, .lookup = n_lookup };
    struct fsp_volume_params vp = { .size = sizeof vp,
                                    .file_info_timeout_ms = 1000 };
    struct fsp_fs *fs = NULL;
    if (fsp_fs_new(&vp, &iface, NULL, &fs))
        return NULL;
    struct ses_ll_ops ops;
    nat_ll_ops(&ops);
    if (ses_new(&kt.base, &ops, fs, NULL, &fs->se))
        return NULL;
    /* The root as fsp_fs_mount loads it, then the kernel's INIT. */
    void *ctx;
    struct fsp_file_info fi;
    n_lookup(NULL, NULL, "/", &ctx, &fi);
    fs->root = nat_node_lookup_ref(fs, NULL, NULL, ctx, &fi);
    struct wire_init_in in = { .major = 7, .minor = 45,
                              .max_readahead = 131072 };
    request(fs->se, WIRE_OP_INIT, 0, &in, sizeof in);
    return fs;
}

static uint64_t lookup_f(struct fsp_fs *fs)
{
    request(fs->se, WIRE_OP_LOOKUP, WIRE_ROOT_ID, "f", 2);
    const struct wire_entry_out *e = sent_body();
    return sent_header()->error ? 0 : e->nodeid;
}

static void notify_inode(void)
{
    struct fsp_fs *fs = mounted_fs();
    REQUIRE(fs);
    /* not known to the kernel yet: nothing to send */
    kt.sends = 0;
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 0, 0), -ENOENT);
    CHECK_EQ(kt.sends, 0);

    uint64_t id = lookup_f(fs);
    REQUIRE(id > WIRE_ROOT_ID);
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 4096, 8192), 0);
    const struct wire_notify_inval_inode_out *o = sent_body();
    CHECK_EQ(kt.len, sizeof(struct wire_out_header) + sizeof *o);
    CHECK_EQ(sent_header()->len, kt.len);
    CHECK_EQ(sent_header()->unique, 0);
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_INVAL_INODE);
    CHECK_EQ(o->ino, id);
    CHECK_EQ(o->off, 4096);
    CHECK_EQ(o->len, 8192);
    /* attributes only */
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, -1, 0), 0);
    CHECK_EQ(o->off, -1);
    /* the root by its index */
    CHECK_EQ(fsp_fs_notify_inode(fs, 1, 0, 0), 0);
    CHECK_EQ(o->ino, WIRE_ROOT_ID);
    /* the transport's answer is the caller's (the kernel's ENOENT for an
     * inode it already dropped) */
    kt.fail = -ENOENT;
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 0, 0), -ENOENT);

    /* once the kernel forgets the file, nothing is sent for it */
    struct wire_forget_in fin = { .nlookup = 1 };
    request(fs->se, WIRE_OP_FORGET, id, &fin, sizeof fin);
    kt.sends = 0;
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 0, 0), -ENOENT);
    CHECK_EQ(kt.sends, 0);
    fsp_fs_delete(fs);
}

static void notify_entry(void)
{
    struct fsp_fs *fs = mounted_fs();
    REQUIRE(fs);
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, "newname"), 0);
    const struct wire_notify_inval_entry_out *o = sent_body();
    CHECK_EQ(kt.len, sizeof(struct wire_out_header) + sizeof *o + 8);
    CHECK_EQ(sent_header()->len, kt.len);
    CHECK_EQ(sent_header()->unique, 0);
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_INVAL_ENTRY);
    CHECK_EQ(o->parent, WIRE_ROOT_ID);
    CHECK_EQ(o->namelen, 7);
    CHECK_EQ(o->flags, 0);
    CHECK(memcmp(o + 1, "newname", 8) == 0);  /* NUL included */

    /* refused before anything is sent */
    kt.sends = 0;
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, ""), -EINVAL);
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, NULL), -EINVAL);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, longname), -ENAMETOOLONG);
    /* a directory the kernel does not know */
    CHECK_EQ(fsp_fs_notify_entry(fs, 12345, "x"), -ENOENT);
    CHECK_EQ(kt.sends, 0);
    fsp_fs_delete(fs);
}


/* Expire, delete and store: their bytes, and what is refused. */
static void notify_expire_delete_store(void)
{
    struct fsp_fs *fs = mounted_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    REQUIRE(id > WIRE_ROOT_ID);

    CHECK_EQ(fsp_fs_notify_expire(fs, 1, "f"), 0);
    const struct wire_notify_inval_entry_out *e = sent_body();
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_INVAL_ENTRY);
    CHECK_EQ(kt.len, sizeof(struct wire_out_header) + sizeof *e + 2);
    CHECK_EQ(e->parent, WIRE_ROOT_ID);
    CHECK_EQ(e->namelen, 1);
    CHECK_EQ(e->flags, WIRE_EXPIRE_ONLY);

    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 7, "f"), 0);
    const struct wire_notify_delete_out *d = sent_body();
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_DELETE);
    CHECK_EQ(kt.len, sizeof(struct wire_out_header) + sizeof *d + 2);
    CHECK_EQ(d->parent, WIRE_ROOT_ID);
    CHECK_EQ(d->child, id);
    CHECK_EQ(d->namelen, 1);
    CHECK(memcmp(d + 1, "f", 2) == 0);
    /* a child the kernel does not know: the name only */
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 999, "g"), 0);
    CHECK_EQ(d->child, 0);

    CHECK_EQ(fsp_fs_notify_store(fs, 7, 4096, "hello", 5), 0);
    const struct wire_notify_store_out *st = sent_body();
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_STORE);
    CHECK_EQ(kt.len, sizeof(struct wire_out_header) + sizeof *st + 5);
    CHECK_EQ(st->nodeid, id);
    CHECK_EQ(st->offset, 4096);
    CHECK_EQ(st->size, 5);
    CHECK(memcmp(st + 1, "hello", 5) == 0);

    kt.sends = 0;
    CHECK_EQ(fsp_fs_notify_expire(fs, 1, ""), -EINVAL);
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 7, NULL), -EINVAL);
    CHECK_EQ(fsp_fs_notify_store(fs, 7, 0, NULL, 5), -EINVAL);
    CHECK_EQ(fsp_fs_notify_store(fs, 7, INT64_MAX, "x", 1), -EINVAL);
    CHECK_EQ(fsp_fs_notify_store(fs, 12345, 0, "x", 1), -ENOENT);
    CHECK_EQ(fsp_fs_notify_expire(fs, 12345, "x"), -ENOENT);
    CHECK_EQ(kt.sends, 0);
    fsp_fs_delete(fs);
}

/* A kernel before 7.38 would take expire's flag for padding and drop
 * the entry; before 7.18 it knows no delete. */
static void notify_old_kernel(void)
{
    struct fsp_fs *fs = mounted_fs();
    REQUIRE(fs);
    /* As if INIT had said 7.17. */
    struct ses_conn *c = (struct ses_conn *)ses_conn(fs->se);
    c->proto_minor = 17;
    kt.sends = 0;
    CHECK_EQ(fsp_fs_notify_expire(fs, 1, "f"), -ENOSYS);
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 0, "f"), -ENOSYS);
    CHECK_EQ(kt.sends, 0);
    CHECK_EQ(fsp_fs_notify_store(fs, 1, 0, "x", 1), 0);
    fsp_fs_delete(fs);
}

struct retr {
    struct fsp_fs *fs;
    char buf[16];
    size_t got;
    int r;
};

static void *retrieve_main(void *arg)
{
    struct retr *t = arg;
    t->r = fsp_fs_notify_retrieve(t->fs, 7, 100, t->buf, sizeof t->buf,
                                  5000, &t->got);
    return NULL;
}

/* Retrieve: the message, the kernel's answer reaching the waiting
 * caller (cut to its buffer), an answer nobody waits for, a timeout. */
static void notify_retrieve(void)
{
    struct fsp_fs *fs = mounted_fs();
    REQUIRE(fs);
    uint64_t id = lookup_f(fs);
    REQUIRE(id > WIRE_ROOT_ID);
    struct retr t = { .fs = fs, .got = 99 };
    int sends = __atomic_load_n(&kt.sends, __ATOMIC_SEQ_CST);
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, retrieve_main, &t) == 0);
    for (int i = 0; i < 5000 && __atomic_load_n(&kt.sends, __ATOMIC_SEQ_CST) == sends; i++)
        usleep(1000);
    const struct wire_notify_retrieve_out *o = sent_body();
    CHECK_EQ(sent_header()->error, WIRE_NOTIFY_RETRIEVE);
    CHECK_EQ(o->nodeid, id);
    CHECK_EQ(o->offset, 100);
    CHECK_EQ(o->size, 16);
    uint64_t nu = o->notify_unique;

    /* The kernel's NOTIFY_REPLY: 20 bytes for a 16-byte buffer. */
    struct {
        struct wire_in_header h;
        struct wire_notify_retrieve_in in;
        char data[20];
    } rq;
    memset(&rq, 0, sizeof rq);
    rq.h.opcode = WIRE_OP_NOTIFY_REPLY;
    rq.h.unique = nu;
    rq.h.nodeid = id;
    rq.h.len = sizeof rq;
    rq.in.offset = 100;
    rq.in.size = 20;
    memcpy(rq.data, "0123456789abcdefWXYZ", 20);
    memcpy(rbuf, &rq, sizeof rq);
    ses_process(fs->se, rbuf, sizeof rq, sizeof rbuf);
    pthread_join(th, NULL);
    CHECK_EQ(t.r, 0);
    CHECK_EQ(t.got, 16);
    CHECK(memcmp(t.buf, "0123456789abcdef", 16) == 0);
    /* Again: nobody waits for that unique any more; it is dropped. */
    memcpy(rbuf, &rq, sizeof rq);
    ses_process(fs->se, rbuf, sizeof rq, sizeof rbuf);

    char b[4];
    size_t got = 7;
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 7, 0, b, sizeof b, 30, &got), -ETIMEDOUT);
    CHECK_EQ(got, 0);
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 7, 0, b, sizeof b, 30, NULL), -EINVAL);
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 12345, 0, b, sizeof b, 30, &got), -ENOENT);
    /* The transport refused: no wait at all. */
    kt.fail = -ENOENT;
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 7, 0, b, sizeof b, 5000, &got), -ENOENT);
    fsp_fs_delete(fs);
}

/* An instance that is not mounted has nobody to tell. */
static void notify_unmounted(void)
{
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface, .lookup = n_lookup };
    struct fsp_volume_params vp = { .size = sizeof vp };
    struct fsp_fs *fs = NULL;
    REQUIRE(fsp_fs_new(&vp, &iface, NULL, &fs) == 0);
    CHECK_EQ(fsp_fs_notify_inode(fs, 1, 0, 0), -ENOTCONN);
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, "x"), -ENOTCONN);
    CHECK_EQ(fsp_fs_notify_expire(fs, 1, "x"), -ENOTCONN);
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 2, "x"), -ENOTCONN);
    CHECK_EQ(fsp_fs_notify_store(fs, 1, 0, "x", 1), -ENOTCONN);
    size_t got;
    char b[1];
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 1, 0, b, 1, 10, &got), -ENOTCONN);
    fsp_fs_delete(fs);
}

int main(void)
{
    int failed = 0;
    RUN(notify_inode);
    failed |= check_failed;
    RUN(notify_entry);
    failed |= check_failed;
    RUN(notify_expire_delete_store);
    failed |= check_failed;
    RUN(notify_old_kernel);
    failed |= check_failed;
    RUN(notify_retrieve);
    failed |= check_failed;
    RUN(notify_unmounted);
    failed |= check_failed;
    return failed;
}
