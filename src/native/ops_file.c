/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Open files: open, create, read, write, flush (cleanup), release
 * (close), fsync.  Every successful open or create is closed exactly
 * once: at RELEASE, when the kernel refused our reply, or at unmount.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "native/ops_common.h"
#include "native/winmeta.h"

struct nat_open *nat_open_new(struct fsp_fs *fs, struct nat_node *node,
                              void *file, int is_dir)
{
    struct nat_open *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->node = node;
    o->file = file;
    o->is_dir = is_dir;
    nat_node_pin(fs, node);
    pthread_mutex_lock(&fs->open_lock);
    o->next = fs->opens;
    if (fs->opens)
        fs->opens->prev = o;
    fs->opens = o;
    pthread_mutex_unlock(&fs->open_lock);
    return o;
}

void nat_open_free(struct fsp_fs *fs, struct nat_open *o, int call_close)
{
    pthread_mutex_lock(&fs->open_lock);
    if (o->prev)
        o->prev->next = o->next;
    else
        fs->opens = o->next;
    if (o->next)
        o->next->prev = o->prev;
    pthread_mutex_unlock(&fs->open_lock);
    int stateless = o->is_dir ? nat_stateless_dirs(fs)
                              : !!(fs->fi.flags & FSP_IFACE_STATELESS_OPENS);
    if (call_close && fs->fi.close && !stateless)
        fs->fi.close(fs, o->node->ctx, o->file);
    if (o->dir)
        nat_dir_buffer_free(o->dir);
    if (o->backing_id) {
        int id = nat_node_backing_drop(fs, o->node);
        if (id && fs->se)
            ses_backing_close(fs->se, id);
    }
    nat_node_unpin(fs, o->node);
    free(o);
}

void nat_opens_close_all(struct fsp_fs *fs)
{
    while (fs->opens)
        nat_open_free(fs, fs->opens, 1);
}

/* Open node for the kernel: the file system's open (unless stateless),
 * then overwrite for O_TRUNC.  Returns 0 with the new fsp_open in *out
 * (NULL for a file of a stateless file system: it has no state, and the
 * kernel may or may not send a RELEASE that would free one), or -errno. */
static int open_node(struct fsp_request *req, struct nat_node *n,
                     uint32_t flags, int is_dir, int kill_priv,
                     struct nat_open **out)
{
    struct fsp_fs *fs = req_fs(req);
    void *file = NULL;
    struct fsp_file_info fi = { 0 };
    int stateless = fs->fi.flags & FSP_IFACE_STATELESS_OPENS;
    int r = 0;

    *out = NULL;  /* callers free *out on any failure */
    /* FSP_VOL_READONLY_ATTR: NTFS refuses opening a read-only file for
     * writing (and so, here, for truncation). */
    if (!is_dir && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) &&
        (r = nat_win_readonly_node(req, n, -EACCES)))
        return r;
    if (!stateless && fs->fi.open) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "open",
                             fs->fi.open(req, n->ctx, flags, &file, &fi));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
    }
    if (!r && !is_dir && (flags & O_TRUNC)) {
        if (fs->fi.overwrite) {
            nat_guard_enter(fs, NAT_GUARD_SHARED);
            r = nat_check_result(fs, "overwrite",
                                 fs->fi.overwrite(req, n->ctx, file, &fi));
            nat_guard_leave(fs, NAT_GUARD_SHARED);
        } else if (fs->fi.set_file_size) {
            /* The same guard as every other set_file_size call. */
            nat_guard_enter(fs, NAT_GUARD_SHARED);
            r = nat_check_result(fs, "set_file_size",
                                 fs->fi.set_file_size(req, n->ctx, file, 0,
                                                      &fi));
            nat_guard_leave(fs, NAT_GUARD_SHARED);
        }
        if (!r && kill_priv)
            r = nat_kill_suidgid(req, n, file);
        if (r && !stateless && fs->fi.close)
            fs->fi.close(fs, n->ctx, file);
    }
    *out = NULL;
    if (r || (stateless && !is_dir))
        return r;
    *out = nat_open_new(fs, n, file, is_dir);
    if (!*out) {
        if (!stateless && fs->fi.close)
            fs->fi.close(fs, n->ctx, file);
        return -ENOMEM;
    }
    return 0;
}

void nat_op_open(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_open_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    /* Stateless: ENOSYS makes the kernel stop sending OPEN and RELEASE
     * for files (it remembers, with FUSE_NO_OPEN_SUPPORT), and do
     * O_TRUNC through SETATTR instead. */
    int stateless = fs->fi.flags & FSP_IFACE_STATELESS_OPENS;
    if (stateless && !nat_open_checks_readonly(fs)) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    struct nat_open *o = NULL;
    int err = open_node(req, n, in->flags, 0,
                        in->open_flags & WIRE_OPEN_KILL_SUIDGID, &o);
    /* Stateless but checked (nat_open_checks_readonly): an open without file
     * state, so WRITE knows this open passed the read-only check (an
     * open made before the bit was set keeps writing, as on NTFS). */
    if (!err && stateless && !(o = nat_open_new(fs, n, NULL, 0)))
        err = -ENOMEM;
    if (err) {
        ses_reply_err(req->s, err);
        return;
    }
    struct wire_open_out out = { .fh = (uint64_t)(uintptr_t)o,
                                .open_flags = nat_open_reply_flags(fs, in->flags) };
    nat_take_backing(req, o, &out);
    if (ses_reply_open(req->s, &out))
        nat_open_free(fs, o, 1);
}

/* What a CREATE or TMPFILE asks for, as create parameters: the owner
 * (and umask) the new file gets from the caller and the parent. */
static void create_params(struct fsp_request *req, struct nat_node *parent,
                          const struct wire_create_in *in, uint32_t attributes,
                          struct fsp_create_params *cp)
{
    /* CREATE and TMPFILE make regular files, whatever type bits a request
     * carries: the kernel always sends S_IFREG, and anything else would
     * leave an open of something that is no file (found by fuzz_native:
     * memfs then closed an open it never made). */
    *cp = (struct fsp_create_params){
        .mode = (in->mode & ~(uint32_t)S_IFMT) | S_IFREG,
        .attributes = attributes,
        .flags = in->flags,
    };
    req->s->umask = in->umask;
    nat_new_owner(req, parent, cp);
}

/* CREATE found the name taken (someone made it between the kernel's
 * lookup and our create): open what is there, as open(O_CREAT) without
 * O_EXCL must.  Called under the exclusive guard; leaves it. */
static void create_open_existing(struct fsp_request *req,
                                 struct nat_node *parent, const char *name,
                                 uint32_t flags)
{
    struct fsp_fs *fs = req_fs(req);
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    int r = nat_peek_child(req, parent, name, &ctx, &fi);
    if (!r && S_ISDIR(fi.mode)) {
        nat_unpeek(fs, ctx);
        r = -EISDIR;
    }
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct nat_node *n = nat_node_lookup_ref(fs, parent, name, ctx, &fi);
    if (!n) {
        ses_reply_err(req->s, -ENOMEM);
        return;
    }
    struct nat_open *o = NULL;
    r = open_node(req, n, flags, 0, 0, &o);
    if (!r)
        r = nat_call_get_file_info(req, n, o ? o->file : NULL, &fi);
    if (r) {
        if (o)
            nat_open_free(fs, o, 1);
        nat_node_forget(fs, n, 1);
        ses_reply_err(req->s, r);
        return;
    }
    struct wire_entry_out e = { 0 };
    struct wire_open_out oo = { .fh = (uint64_t)(uintptr_t)o,
                               .open_flags = nat_open_reply_flags(fs, flags) };
    if (o)
        nat_take_backing(req, o, &oo);
    nat_fill_entry(fs, n, &fi, &e);
    if (ses_reply_create(req->s, &e, &oo)) {
        if (o)
            nat_open_free(fs, o, 1);
        nat_node_forget(fs, n, 1);
    }
}

void nat_op_create(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    /* Stateless: ENOSYS makes the kernel create with MKNOD and open
     * without asking (FMODE_CREATED kept), so a new file costs LOOKUP +
     * MKNOD and its close no RELEASE.  The kernel remembers. */
    if (fs->fi.flags & FSP_IFACE_STATELESS_OPENS) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    struct nat_node *parent = nat_req_node(req);
    const struct wire_create_in *in = ses_req_arg(req->s, sizeof *in);
    const char *name = ses_req_name(req->s, sizeof *in);
    int r = !parent ? -ESTALE : (!in || !name) ? -EINVAL : nat_check_name(fs, name);
    if (!r && !fs->fi.create)
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = name;
    if (nat_win_is_stream_path(fs, name)) {
        req->s->umask = in->umask;
        nat_win_stream_path_create(req, parent, name, S_IFREG, in->flags, 1);
        return;
    }
    struct fsp_create_params cp;
    create_params(req, parent, in, FSP_ATTR_ARCHIVE, &cp);
    void *ctx = NULL, *file = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_create_locked(req, parent, name, &cp, &ctx, &file, &fi);
    if (r == -EEXIST && !(in->flags & O_EXCL)) {
        create_open_existing(req, parent, name, in->flags);
        return;
    }
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r)
        ses_reply_err(req->s, r);
    else
        nat_reply_new_create(req, parent, name, ctx, file, &fi);
}

/* open(dir, O_TMPFILE): create with no name, if the file system takes
 * unnamed files; the kernel sends CREATE's body with a placeholder name. */
void nat_op_tmpfile(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *parent = nat_req_node(req);
    const struct wire_create_in *in = ses_req_arg(req->s, sizeof *in);
    int r = !parent ? -ESTALE : !in ? -EINVAL : 0;
    if (!r && !S_ISREG(in->mode))
        r = -EINVAL;
    /* ENOSYS: the kernel stops asking and answers EOPNOTSUPP itself. */
    if (!r && (!fs->fi.create || !(fs->fi.flags & FSP_IFACE_UNNAMED_FILES)))
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct fsp_create_params cp;
    create_params(req, parent, in, FSP_ATTR_ARCHIVE | FSP_ATTR_TEMPORARY, &cp);
    void *ctx = NULL, *file = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_create_locked(req, parent, NULL, &cp, &ctx, &file, &fi);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r)
        ses_reply_err(req->s, r);
    else
        nat_reply_new_create(req, parent, NULL, ctx, file, &fi);
}

void nat_op_read(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_read_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    if (!fs->fi.read) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    /* Read into the receive buffer behind the request: no allocation,
     * and big enough for max_read by construction. */
    size_t used = (((const struct wire_in_header *)req->s->buf)->len + 63) &
                  ~(size_t)63;
    uint32_t size = in->size;
    if (size > req->s->bufsize - used)
        size = (uint32_t)(req->s->bufsize - used);
    char *data = (char *)req->s->buf + used;
    uint32_t got = 0;
    struct nat_open *o = open_of(in->fh);
    nat_guard_enter(fs, NAT_GUARD_NONE);
    int r = nat_check_result(fs, "read",
                             fs->fi.read(req, n->ctx, o ? o->file : NULL,
                                         data, in->offset, size, &got));
    nat_guard_leave(fs, NAT_GUARD_NONE);
    if (r == FSP_PENDING && req->s->detached)
        return; /* fsp_request_complete answers */
    if (req->s->replied)
        return; /* fsp_request_read_fd sent the data */
    if (r == FSP_PENDING)
        r = -EIO; /* pending without fsp_request_pend: a bug, said once */
    if (r)
        ses_reply_err(req->s, r);
    else
        ses_reply_data(req->s, data, got > size ? size : got);
}

void nat_op_write(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    const struct wire_write_in *in = ses_req_arg(req->s, sizeof *in);
    if (!n || !in || req->s->arglen - sizeof *in < in->size) {
        ses_reply_err(req->s, n ? -EINVAL : -ESTALE);
        return;
    }
    if (!fs->fi.write) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    /* Past the volume's largest file: nothing at all, or as much as fits
     * (a short write, which write(2) reports; the next one gets EFBIG). */
    uint32_t size = in->size;
    uint64_t max = fs->vp.max_file_size;
    if (max && in->offset >= max) {
        ses_reply_err(req->s, -EFBIG);
        return;
    }
    if (max && size > max - in->offset)
        size = (uint32_t)(max - in->offset);
    struct nat_open *o = open_of(in->fh);
    void *file = o ? o->file : NULL;
    /* Without an open (stateless) nothing checked the read-only bit yet. */
    int ro = o ? 0 : nat_win_readonly_node(req, n, -EACCES);
    if (ro) {
        ses_reply_err(req->s, ro);
        return;
    }
    uint32_t done = 0;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_NONE);
    int r = nat_check_result(fs, "write",
                             fs->fi.write(req, n->ctx, file, in + 1,
                                          in->offset, size, &done, &fi));
    nat_guard_leave(fs, NAT_GUARD_NONE);
    if (r == FSP_PENDING && req->s->detached)
        return;
    if (r == FSP_PENDING)
        r = -EIO;
    if (!r && (in->write_flags & WIRE_WRITE_KILL_SUIDGID) &&
        (fi.mode & (S_ISUID | S_ISGID)))
        r = nat_kill_suidgid(req, n, file);
    if (r)
        ses_reply_err(req->s, r);
    else
        ses_reply_write(req->s, done > size ? size : done);
}

void nat_op_flush(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_flush_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    /* No cleanup callback: ENOSYS, and the kernel stops sending FLUSH. */
    if (!fs->fi.cleanup) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    struct nat_open *o = open_of(in->fh);
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "cleanup",
                             fs->fi.cleanup(req, n->ctx, o ? o->file : NULL));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    ses_reply_err(req->s, r);
}

void nat_op_release(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    const struct wire_release_in *in = ses_req_arg(req->s, sizeof *in);
    struct nat_open *o = in ? open_of(in->fh) : NULL;
    if (o)
        nat_open_free(fs, o, 1);
    ses_reply_err(req->s, 0);
}

void nat_op_fsync(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_fsync_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    /* No flush callback: ENOSYS, which the kernel takes as success and
     * stops asking. */
    if (!fs->fi.flush) {
        ses_reply_err(req->s, -ENOSYS);
        return;
    }
    struct nat_open *o = open_of(in->fh);
    int r = nat_check_result(fs, "flush",
                             fs->fi.flush(req, n->ctx, o ? o->file : NULL,
                                          in->fsync_flags &
                                              WIRE_FSYNC_FDATASYNC));
    ses_reply_err(req->s, r);
}
