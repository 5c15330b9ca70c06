/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Directories: opendir, readdir, readdirplus, releasedir.
 *
 * A listing is a snapshot: the file system lists the directory once, at
 * offset 0, and fsp pages the kernel through that copy, so the kernel's
 * offsets (telldir cookies) stay valid however the directory changes.
 * Volumes with per-open state keep the snapshot in the open directory.
 * Stateless volumes whose listings the kernel may cache get no OPENDIR or
 * RELEASEDIR at all (ENOSYS once, like OPEN): their snapshots hang off
 * the node instead, numbered, and the number rides in the upper half of
 * each offset, so a listing finds its own snapshot again even when
 * another one of the same directory started meanwhile.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"

/* Snapshots kept per directory for open-less listings: enough for a few
 * concurrent listings of one directory.  A listing whose snapshot was
 * dropped meanwhile continues, by position, in a fresh one. */
#define SNAPS_PER_DIR 4

struct nat_dir_snap {
    struct fsp_dir_buffer *db;
    uint32_t gen;                 /* 1..INT32_MAX, so offsets stay positive */
    unsigned refs;                /* the node's list, and each READDIR */
    struct nat_dir_snap *next;    /* the node's list, newest first */
};

/*
 * A volume that lets the kernel cache attributes lets it cache listings
 * too: the kernel keeps them in the directory's page cache and drops
 * them when the directory changes through the mount or its mtime moves
 * (seen when the attributes time out, as for any attribute), or on an
 * inode notification.  A repeated listing then costs OPENDIR and
 * RELEASEDIR, not a READDIR per page.  KEEP_CACHE, or each open would
 * empty the cache.
 */
static uint32_t opendir_reply_flags(const struct fsp_fs *fs)
{
    if (fs->vp.file_info_timeout_ms == 0 || (fs->vp.flags & FSP_VOL_DIRECT_IO))
        return 0;
    return WIRE_FOPEN_CACHE_DIR | WIRE_FOPEN_KEEP_CACHE;
}

/* No OPENDIR: the kernel then opens directories with exactly the flags
 * opendir_reply_flags gives cached volumes, and sends READDIR with fh 0. */
static int openless_dirs(const struct fsp_fs *fs)
{
    return nat_stateless_dirs(fs) && opendir_reply_flags(fs) != 0;
}

/* Free snapshots chained through next (ones that left their node's list
 * with their last reference).  Called without the table lock: a big
 * directory's copy takes a while to free, and every lookup needs it. */
static void snaps_free(struct nat_dir_snap *s)
{
    while (s) {
        struct nat_dir_snap *next = s->next;
        nat_dir_buffer_free(s->db);
        free(s);
        s = next;
    }
}

/* Table lock held: drop one reference of s, which is off its node's
 * list; with the last one, chain it on *dead for snaps_free. */
static void snap_unref_locked(struct nat_dir_snap *s, struct nat_dir_snap **dead)
{
    if (--s->refs == 0) {
        s->next = *dead;
        *dead = s;
    }
}

/* From the node table, which frees n under its lock, so the snapshots
 * go there too; a listing still using one keeps it until snap_put. */
void nat_dir_snaps_release(struct nat_node *n)
{
    struct nat_dir_snap *dead = NULL;
    while (n->snaps) {
        struct nat_dir_snap *s = n->snaps;
        n->snaps = s->next;
        snap_unref_locked(s, &dead);
    }
    snaps_free(dead);
}

/* Node n's snapshot number gen, referenced, or NULL. */
static struct nat_dir_snap *snap_get(struct fsp_fs *fs, struct nat_node *n,
                                     uint32_t gen)
{
    pthread_mutex_lock(&fs->nodes.lock);
    struct nat_dir_snap *s = n->snaps;
    while (s && s->gen != gen)
        s = s->next;
    if (s)
        s->refs++;
    pthread_mutex_unlock(&fs->nodes.lock);
    return s;
}

/* Number db, put it first on n's list (dropping the oldest beyond
 * SNAPS_PER_DIR) and return it referenced; NULL (db freed) without
 * memory. */
static struct nat_dir_snap *snap_add(struct fsp_fs *fs, struct nat_node *n,
                                     struct fsp_dir_buffer *db)
{
    struct nat_dir_snap *s = calloc(1, sizeof *s);
    if (!s) {
        nat_dir_buffer_free(db);
        return NULL;
    }
    s->db = db;
    s->refs = 2;
    struct nat_dir_snap *dead = NULL;
    pthread_mutex_lock(&fs->nodes.lock);
    uint32_t gen = fs->nodes.snap_gen + 1;
    fs->nodes.snap_gen = gen > INT32_MAX ? 1 : gen;
    s->gen = fs->nodes.snap_gen;
    s->next = n->snaps;
    n->snaps = s;
    struct nat_dir_snap *last = s;
    for (int kept = 1; kept < SNAPS_PER_DIR && last->next; kept++)
        last = last->next;
    struct nat_dir_snap *cut = last->next;
    last->next = NULL;
    while (cut) {
        struct nat_dir_snap *next = cut->next;
        snap_unref_locked(cut, &dead);
        cut = next;
    }
    pthread_mutex_unlock(&fs->nodes.lock);
    snaps_free(dead);
    return s;
}

/* Drop a READDIR's reference; done: the listing reached its end, so take
 * the snapshot off n's list too (a big directory's copy should not stay
 * for as long as the kernel keeps the directory). */
static void snap_put(struct fsp_fs *fs, struct nat_node *n,
                     struct nat_dir_snap *s, int done)
{
    struct nat_dir_snap *dead = NULL;
    pthread_mutex_lock(&fs->nodes.lock);
    for (struct nat_dir_snap **link = &n->snaps; done && *link;
         link = &(*link)->next)
        if (*link == s) {
            *link = s->next;
            s->refs--; /* the list's; ours keeps it alive until below */
            break;
        }
    snap_unref_locked(s, &dead);
    pthread_mutex_unlock(&fs->nodes.lock);
    snaps_free(dead);
}

void nat_op_opendir(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_open_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    /* The kernel remembers, and never sends OPENDIR or RELEASEDIR again. */
    if (openless_dirs(fs)) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    void *file = NULL;
    struct fsp_file_info fi = { 0 };
    int r = 0;
    if (!nat_stateless_dirs(fs) && fs->fi.open) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "open",
                             fs->fi.open(req, n->ctx, in->flags, &file, &fi));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
    }
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct nat_open *o = nat_open_new(fs, n, file, 1);
    if (!o) {
        if (!nat_stateless_dirs(fs) && fs->fi.close)
            fs->fi.close(fs, n->ctx, file);
        ses_reply_err(req->s, -ENOMEM);
        return;
    }
    struct wire_open_out out = { .fh = (uint64_t)(uintptr_t)o,
                                .open_flags = opendir_reply_flags(fs) };
    if (ses_reply_open(req->s, &out))
        nat_open_free(fs, o, 1);
}

void nat_op_releasedir(struct fsp_request *req)
{
    nat_op_release(req);
}

/* A fresh snapshot of directory n (open as file, NULL if stateless):
 * ".", "..", then what the file system lists. */
static int snapshot(struct fsp_request *req, struct nat_node *n, void *file,
                    struct fsp_dir_buffer **out)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_dir_buffer *db = nat_dir_buffer_new();
    if (!db)
        return -ENOMEM;
    struct fsp_file_info dot = { .index = n->index, .mode = S_IFDIR };
    struct fsp_file_info dotdot = { .index = n->index, .mode = S_IFDIR };
    pthread_mutex_lock(&fs->nodes.lock);
    if (n->parent)
        dotdot.index = n->parent->index;
    pthread_mutex_unlock(&fs->nodes.lock);
    fsp_dir_buffer_add(db, ".", &dot);
    fsp_dir_buffer_add(db, "..", &dotdot);

    /* The buffer grows as needed, so one call lists everything; the
     * marker protocol is there for file systems that page themselves. */
    int r = -ENOSYS;
    if (fs->fi.read_directory) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "read_directory",
                             fs->fi.read_directory(req, n->ctx, file,
                                                   NULL, db));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r == FSP_PENDING)
            r = -EIO; /* not offered for directories in version 1 */
        if (!r)
            r = nat_dir_buffer_error(db);
    }
    if (r) {
        nat_dir_buffer_free(db);
        return r;
    }
    *out = db;
    return 0;
}

/* Put one dirent at buf if it fits in room; returns its size or 0. */
static size_t put_dirent(char *buf, size_t room, const struct nat_dir_entry *e,
                         uint64_t off)
{
    size_t namelen = strlen(e->name);
    size_t len = WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET + namelen);
    if (len > room)
        return 0;
    struct wire_dirent *d = (struct wire_dirent *)buf;
    d->ino = e->index;
    d->off = off;
    d->namelen = (uint32_t)namelen;
    d->type = (e->mode & S_IFMT) >> 12;
    memcpy(d->name, e->name, namelen);
    memset(d->name + namelen, 0, len - WIRE_NAME_OFFSET - namelen);
    return len;
}

/* One direntplus.  The entry is looked up through the file system so the
 * kernel can cache it; "." and ".." and entries that vanished meanwhile
 * go with node id 0, which the kernel takes as "no attributes". */
static size_t put_direntplus(struct fsp_request *req, struct nat_node *dir,
                             char *buf, size_t room,
                             const struct nat_dir_entry *e, uint64_t off,
                             struct nat_node **ref)
{
    struct fsp_fs *fs = req_fs(req);
    size_t namelen = strlen(e->name);
    size_t len = WIRE_DIRENT_ALIGN(WIRE_NAME_OFFSET_DIRENTPLUS + namelen);
    *ref = NULL;
    if (len > room)
        return 0;
    struct wire_direntplus *d = (struct wire_direntplus *)buf;
    memset(d, 0, len);
    if ((uint32_t)off > 2) {
        void *ctx = NULL;
        struct fsp_file_info fi = { 0 };
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        int r = nat_peek_child(req, dir, e->name, &ctx, &fi);
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (!r)
            *ref = nat_node_lookup_ref(fs, dir, e->name, ctx, &fi);
        if (*ref)
            nat_fill_entry(fs, *ref, &fi, &d->entry_out);
    }
    put_dirent((char *)&d->dirent, len - offsetof(struct wire_direntplus, dirent),
               e, off);
    return len;
}

/* The snapshot a READDIR pages through, and where: *db and *start, and
 * the base its offsets carry (open-less listings: the snapshot's number
 * in the upper half).  *snap is set when there is a reference to drop. */
static int listing_of(struct fsp_request *req, struct nat_node *n,
                      const struct wire_read_in *in, struct fsp_dir_buffer **db,
                      uint64_t *start, uint64_t *base,
                      struct nat_dir_snap **snap)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_open *o = open_of(in->fh);
    *snap = NULL;
    *base = 0;
    *start = in->offset;
    if (o) {
        if (in->offset == 0 || !o->dir) {
            struct fsp_dir_buffer *fresh;
            int r = snapshot(req, n, o->file, &fresh);
            if (r)
                return r;
            nat_dir_buffer_free(o->dir);
            o->dir = fresh;
        }
        *db = o->dir;
        return 0;
    }
    if (!openless_dirs(fs))
        return -EBADF;
    *start = in->offset & 0xffffffffu;
    if (in->offset)
        *snap = snap_get(fs, n, (uint32_t)(in->offset >> 32));
    if (!*snap) {
        struct fsp_dir_buffer *fresh;
        int r = snapshot(req, n, NULL, &fresh);
        if (r)
            return r;
        *snap = snap_add(fs, n, fresh);
        if (!*snap)
            return -ENOMEM;
    }
    *db = (*snap)->db;
    *base = (uint64_t)(*snap)->gen << 32;
    return 0;
}

void nat_op_readdir(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    const struct wire_read_in *in = ses_req_arg(req->s, sizeof *in);
    struct nat_node *dir = in ? nat_req_node(req) : NULL;
    if (!dir) {
        ses_reply_err(req->s, -EBADF);
        return;
    }
    struct fsp_dir_buffer *db;
    struct nat_dir_snap *snap;
    uint64_t start, base;
    int r = listing_of(req, dir, in, &db, &start, &base, &snap);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    int plus = req->s->opcode == WIRE_OP_READDIRPLUS;
    size_t used = (((const struct wire_in_header *)req->s->buf)->len + 63) & ~(size_t)63;
    size_t room = in->size;
    if (room > req->s->bufsize - used)
        room = req->s->bufsize - used;
    char *buf = (char *)req->s->buf + used;
    size_t len = 0;
    size_t count = nat_dir_buffer_count(db);
    /* Node references handed out in this reply, undone if it is lost. */
    struct nat_node *refs[256];
    size_t nrefs = 0;
    for (size_t i = start; i < count && nrefs < 256; i++) {
        const struct nat_dir_entry *e = nat_dir_buffer_entry(db, i);
        size_t n;
        if (plus) {
            struct nat_node *ref;
            n = put_direntplus(req, dir, buf + len, room - len, e,
                               base | (i + 1), &ref);
            if (ref)
                refs[nrefs++] = ref;
        } else {
            n = put_dirent(buf + len, room - len, e, base | (i + 1));
        }
        if (!n)
            break;
        len += n;
    }
    /* Before the reply: once the kernel has it, it may close the
     * directory and forget the node. */
    if (snap)
        snap_put(fs, dir, snap, start >= count);
    if (ses_reply_data(req->s, buf, len))
        for (size_t i = 0; i < nrefs; i++)
            nat_node_forget(fs, refs[i], 1);
}
