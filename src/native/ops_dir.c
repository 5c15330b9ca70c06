/*
 * Directories: opendir, readdir, readdirplus, releasedir.
 *
 * fsp always keeps its own per-open state for directories (the listing
 * snapshot), even when the file system's opens are stateless; then only
 * the file system's open and close are skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"

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
    return FSP_FOPEN_CACHE_DIR | FSP_FOPEN_KEEP_CACHE;
}

void fsp_op_opendir(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_node *n;
    const struct fsp_open_in *in = req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    void *file = NULL;
    struct fsp_file_info fi = { 0 };
    int r = 0;
    if (!(fs->fi.flags & FSP_IFACE_STATELESS_OPENS) && fs->fi.open) {
        fsp_guard_enter(fs, FSP_GUARD_SHARED);
        r = fsp_check_result(fs, "open",
                             fs->fi.open(req, n->ctx, in->flags, &file, &fi));
        fsp_guard_leave(fs, FSP_GUARD_SHARED);
    }
    if (r) {
        fsp_reply_err(req, r);
        return;
    }
    struct fsp_open *o = fsp_open_new(fs, n, file, 1);
    if (!o) {
        if (!(fs->fi.flags & FSP_IFACE_STATELESS_OPENS) && fs->fi.close)
            fs->fi.close(fs, n->ctx, file);
        fsp_reply_err(req, -ENOMEM);
        return;
    }
    struct fsp_open_out out = { .fh = (uint64_t)(uintptr_t)o,
                                .open_flags = opendir_reply_flags(fs) };
    if (fsp_reply_open(req, &out))
        fsp_open_free(fs, o, 1);
}

void fsp_op_releasedir(struct fsp_request *req)
{
    fsp_op_release(req);
}

/* Build a fresh snapshot: ".", "..", then what the file system lists. */
static int snapshot(struct fsp_request *req, struct fsp_open *o)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_node *n = o->node;
    struct fsp_dir_buffer *db = fsp_dir_buffer_new();
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
        fsp_guard_enter(fs, FSP_GUARD_SHARED);
        r = fsp_check_result(fs, "read_directory",
                             fs->fi.read_directory(req, n->ctx, o->file,
                                                   NULL, db));
        fsp_guard_leave(fs, FSP_GUARD_SHARED);
        if (r == FSP_PENDING)
            r = -EIO; /* not offered for directories in version 1 */
        if (!r)
            r = fsp_dir_buffer_error(db);
    }
    if (r) {
        fsp_dir_buffer_free(db);
        return r;
    }
    fsp_dir_buffer_free(o->dir);
    o->dir = db;
    return 0;
}

/* Put one dirent at buf if it fits in room; returns its size or 0. */
static size_t put_dirent(char *buf, size_t room, const struct fsp_dir_entry *e,
                         uint64_t off)
{
    size_t namelen = strlen(e->name);
    size_t len = FSP_DIRENT_ALIGN(FSP_NAME_OFFSET + namelen);
    if (len > room)
        return 0;
    struct fsp_dirent *d = (struct fsp_dirent *)buf;
    d->ino = e->index;
    d->off = off;
    d->namelen = (uint32_t)namelen;
    d->type = (e->mode & S_IFMT) >> 12;
    memcpy(d->name, e->name, namelen);
    memset(d->name + namelen, 0, len - FSP_NAME_OFFSET - namelen);
    return len;
}

/* One direntplus.  The entry is looked up through the file system so the
 * kernel can cache it; "." and ".." and entries that vanished meanwhile
 * go with node id 0, which the kernel takes as "no attributes". */
static size_t put_direntplus(struct fsp_request *req, struct fsp_open *o,
                             char *buf, size_t room,
                             const struct fsp_dir_entry *e, uint64_t off,
                             struct fsp_node **ref)
{
    struct fsp_fs *fs = req_fs(req);
    size_t namelen = strlen(e->name);
    size_t len = FSP_DIRENT_ALIGN(FSP_NAME_OFFSET_DIRENTPLUS + namelen);
    *ref = NULL;
    if (len > room)
        return 0;
    struct fsp_direntplus *d = (struct fsp_direntplus *)buf;
    memset(d, 0, len);
    if (off > 2) {
        void *ctx = NULL;
        struct fsp_file_info fi = { 0 };
        fsp_guard_enter(fs, FSP_GUARD_SHARED);
        int r = peek_child(req, o->node, e->name, &ctx, &fi);
        fsp_guard_leave(fs, FSP_GUARD_SHARED);
        if (!r)
            *ref = fsp_node_lookup_ref(fs, o->node, e->name, ctx, &fi);
        if (*ref)
            fsp_fill_entry(fs, *ref, &fi, &d->entry_out);
    }
    put_dirent((char *)&d->dirent, len - offsetof(struct fsp_direntplus, dirent),
               e, off);
    return len;
}

void fsp_op_readdir(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    const struct fsp_read_in *in = fsp_req_arg(req, sizeof *in);
    struct fsp_open *o = in ? open_of(in->fh) : NULL;
    if (!o || !req_node(req)) {
        fsp_reply_err(req, -EBADF);
        return;
    }
    int plus = req->opcode == FSP_OP_READDIRPLUS;
    if (in->offset == 0 || !o->dir) {
        int r = snapshot(req, o);
        if (r) {
            fsp_reply_err(req, r);
            return;
        }
    }
    size_t used = (((const struct fsp_in_header *)req->buf)->len + 63) & ~(size_t)63;
    size_t room = in->size;
    if (room > req->bufsize - used)
        room = req->bufsize - used;
    char *buf = (char *)req->buf + used;
    size_t len = 0;
    size_t count = fsp_dir_buffer_count(o->dir);
    /* Node references handed out in this reply, undone if it is lost. */
    struct fsp_node *refs[256];
    size_t nrefs = 0;
    for (size_t i = in->offset; i < count && nrefs < 256; i++) {
        const struct fsp_dir_entry *e = fsp_dir_buffer_entry(o->dir, i);
        size_t n;
        if (plus) {
            struct fsp_node *ref;
            n = put_direntplus(req, o, buf + len, room - len, e, i + 1, &ref);
            if (ref)
                refs[nrefs++] = ref;
        } else {
            n = put_dirent(buf + len, room - len, e, i + 1);
        }
        if (!n)
            break;
        len += n;
    }
    if (fsp_reply_data(req, buf, len))
        for (size_t i = 0; i < nrefs; i++)
            fsp_node_forget(fs, refs[i], 1);
}
