/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp_fs_notify_inode and fsp_fs_notify_entry through an in-memory
 * transport: the notification the kernel would read, byte for byte, and
 * the cases where nothing is sent at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../check.h"
#include "native/fs_int.h"
#include "session/session.h"

CHECK_DEFINE_GLOBALS;

/* ---- a transport that keeps what was sent last ---- */

struct keep_transport {
    struct fsp_transport base;
    char last[4096];
    size_t len;
    int sends;
    int fail;          /* the next send returns this -errno */
};

static ssize_t kt_receive(struct fsp_transport *t, void *b, size_t s)
{
    (void)t; (void)b; (void)s;
    return -ENODEV;
}

static int kt_send(struct fsp_transport *t, const struct iovec *iov, int cnt)
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

static void kt_nop(struct fsp_transport *t) { (void)t; }

static struct keep_transport kt = {
    .base = { kt_receive, kt_send, kt_nop, NULL, kt_nop } };

static const struct fsp_out_header *sent_header(void)
{
    return (const struct fsp_out_header *)kt.last;
}

static const void *sent_body(void)
{
    return kt.last + sizeof(struct fsp_out_header);
}

/* ---- requests ---- */

static char rbuf[1 << 20];
static uint64_t unique = 1;

static void request(struct fsp_session *se, uint32_t opcode, uint64_t node,
                    const void *body, size_t len)
{
    struct fsp_in_header *h = (struct fsp_in_header *)rbuf;
    memset(h, 0, sizeof *h);
    h->opcode = opcode;
    h->unique = unique++;
    h->nodeid = node;
    h->len = (uint32_t)(sizeof *h + len);
    memcpy(rbuf + sizeof *h, body, len);
    fsp_session_process(se, rbuf, h->len, sizeof rbuf);
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
    struct fsp_ll_ops ops;
    fsp_native_ll_ops(&ops);
    if (fsp_session_new(&kt.base, &ops, fs, NULL, &fs->se))
        return NULL;
    /* The root as fsp_fs_mount loads it, then the kernel's INIT. */
    void *ctx;
    struct fsp_file_info fi;
    n_lookup(NULL, NULL, "/", &ctx, &fi);
    fs->root = fsp_node_lookup_ref(fs, NULL, NULL, ctx, &fi);
    struct fsp_init_in in = { .major = 7, .minor = 45,
                              .max_readahead = 131072 };
    request(fs->se, FSP_OP_INIT, 0, &in, sizeof in);
    return fs;
}

static uint64_t lookup_f(struct fsp_fs *fs)
{
    request(fs->se, FSP_OP_LOOKUP, FSP_ROOT_ID, "f", 2);
    const struct fsp_entry_out *e = sent_body();
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
    REQUIRE(id > FSP_ROOT_ID);
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 4096, 8192), 0);
    const struct fsp_notify_inval_inode_out *o = sent_body();
    CHECK_EQ(kt.len, sizeof(struct fsp_out_header) + sizeof *o);
    CHECK_EQ(sent_header()->len, kt.len);
    CHECK_EQ(sent_header()->unique, 0);
    CHECK_EQ(sent_header()->error, FSP_NOTIFY_INVAL_INODE);
    CHECK_EQ(o->ino, id);
    CHECK_EQ(o->off, 4096);
    CHECK_EQ(o->len, 8192);
    /* attributes only */
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, -1, 0), 0);
    CHECK_EQ(o->off, -1);
    /* the root by its index */
    CHECK_EQ(fsp_fs_notify_inode(fs, 1, 0, 0), 0);
    CHECK_EQ(o->ino, FSP_ROOT_ID);
    /* the transport's answer is the caller's (the kernel's ENOENT for an
     * inode it already dropped) */
    kt.fail = -ENOENT;
    CHECK_EQ(fsp_fs_notify_inode(fs, 7, 0, 0), -ENOENT);

    /* once the kernel forgets the file, nothing is sent for it */
    struct fsp_forget_in fin = { .nlookup = 1 };
    request(fs->se, FSP_OP_FORGET, id, &fin, sizeof fin);
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
    const struct fsp_notify_inval_entry_out *o = sent_body();
    CHECK_EQ(kt.len, sizeof(struct fsp_out_header) + sizeof *o + 8);
    CHECK_EQ(sent_header()->len, kt.len);
    CHECK_EQ(sent_header()->unique, 0);
    CHECK_EQ(sent_header()->error, FSP_NOTIFY_INVAL_ENTRY);
    CHECK_EQ(o->parent, FSP_ROOT_ID);
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
    fsp_fs_delete(fs);
}

int main(void)
{
    int failed = 0;
    RUN(notify_inode);
    failed |= check_failed;
    RUN(notify_entry);
    failed |= check_failed;
    RUN(notify_unmounted);
    failed |= check_failed;
    return failed;
}
