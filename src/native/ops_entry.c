/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lookup, forget, attributes and statfs.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "native/acl.h"
#include "native/ops_common.h"
#include "native/winmeta.h"
#include "native/sec.h"

void nat_op_lookup(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *parent = nat_req_node(req);
    const char *name = ses_req_name(req->s, 0);
    if (name && fs->fi.lookup_index &&
        (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)) {
        nat_op_lookup_export(req, parent, name);
        return;
    }
    int r = !parent ? -ESTALE : !name ? -EINVAL : nat_check_name(fs, name);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = name;
    if (nat_win_is_stream_path(fs, name)) {
        nat_win_stream_path_lookup(req, parent, name);
        return;
    }
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "lookup",
                         fs->fi.lookup(req, parent->ctx, name, &ctx, &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (r == -ENOENT && fs->negative_timeout_ns) {
        /* A zero node id with a timeout caches the miss in the kernel. */
        struct wire_entry_out e = { 0 };
        nat_split_timeout(fs->negative_timeout_ns, &e.entry_valid,
                          &e.entry_valid_nsec);
        ses_reply_entry(req->s, &e);
        return;
    }
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    nat_reply_new_entry(req, parent, name, ctx, &fi);
}

void nat_op_forget(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    const struct wire_forget_in *in = ses_req_arg(req->s, sizeof *in);
    struct nat_node *n = nat_node_get(fs, req->s->nodeid);
    if (in && n)
        nat_node_forget(fs, n, in->nlookup);
    ses_reply_none(req->s);
}

void nat_op_batch_forget(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    const struct wire_batch_forget_in *in = ses_req_arg(req->s, sizeof *in);
    if (in && req->s->arglen - sizeof *in >= (size_t)in->count *
                                          sizeof(struct wire_forget_one)) {
        const struct wire_forget_one *one = (const void *)(in + 1);
        for (uint32_t i = 0; i < in->count; i++) {
            struct nat_node *n = nat_node_get(fs, one[i].nodeid);
            if (n)
                nat_node_forget(fs, n, one[i].nlookup);
        }
    }
    ses_reply_none(req->s);
}

/* The open context the kernel named with fh, or NULL. */
static void *fh_file(uint64_t fh)
{
    struct nat_open *o = open_of(fh);
    return o ? o->file : NULL;
}

static void reply_attr(struct fsp_request *req, const struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    struct wire_attr_out out = { 0 };
    nat_split_timeout(fs->attr_timeout_ns, &out.attr_valid,
                      &out.attr_valid_nsec);
    nat_fill_attr(fs, fi, &out.attr);
    ses_reply_attr(req->s, &out);
}

void nat_op_getattr(struct fsp_request *req)
{
    struct nat_node *n = nat_req_node(req);
    const struct wire_getattr_in *in = ses_req_arg(req->s, sizeof *in);
    if (!n) {
        ses_reply_err(req->s, -ESTALE);
        return;
    }
    void *file = in && (in->getattr_flags & WIRE_GETATTR_FH) ? fh_file(in->fh)
                                                             : NULL;
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, n, file, &fi);
    if (r)
        ses_reply_err(req->s, r);
    else
        reply_attr(req, &fi);
}

void nat_op_statx(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_statx_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    void *file = (in->getattr_flags & WIRE_GETATTR_FH) ? fh_file(in->fh) : NULL;
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, n, file, &fi);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct wire_statx_out out = { 0 };
    nat_split_timeout(fs->attr_timeout_ns, &out.attr_valid,
                      &out.attr_valid_nsec);
    nat_fill_statx(fs, &fi, &out.stat);
    ses_reply_statx(req->s, &out);
}

static struct timespec now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

/* The kernel's setattr as fsp_basic_info; returns the FSP_SET_* mask. */
static uint32_t basic_from_setattr(const struct wire_setattr_in *in,
                                   struct fsp_basic_info *bi)
{
    struct timespec t = now();
    bi->valid = 0;
    if (in->valid & WIRE_FATTR_MODE) {
        bi->valid |= FSP_SET_MODE;
        bi->mode = in->mode & 07777;
    }
    if (in->valid & WIRE_FATTR_UID) {
        bi->valid |= FSP_SET_UID;
        bi->uid = in->uid;
    }
    if (in->valid & WIRE_FATTR_GID) {
        bi->valid |= FSP_SET_GID;
        bi->gid = in->gid;
    }
    if (in->valid & (WIRE_FATTR_ATIME | WIRE_FATTR_ATIME_NOW)) {
        bi->valid |= FSP_SET_ATIME;
        bi->access_time = (in->valid & WIRE_FATTR_ATIME_NOW)
            ? t : (struct timespec){ (time_t)in->atime, in->atimensec };
    }
    if (in->valid & (WIRE_FATTR_MTIME | WIRE_FATTR_MTIME_NOW)) {
        bi->valid |= FSP_SET_MTIME;
        bi->write_time = (in->valid & WIRE_FATTR_MTIME_NOW)
            ? t : (struct timespec){ (time_t)in->mtime, in->mtimensec };
    }
    if (in->valid & WIRE_FATTR_CTIME) {
        bi->valid |= FSP_SET_CTIME;
        bi->change_time = (struct timespec){ (time_t)in->ctime, in->ctimensec };
    }
    return bi->valid;
}

/* Whether the kernel asks us to clear set-user-ID and set-group-ID (by
 * nat_kill_suidgid's rule).  With HANDLE_KILLPRIV_V2 it says so with
 * WIRE_FATTR_KILL_SUIDGID along a truncation or ownership change, and
 * with a SETATTR that changes nothing at all when the privileges must go
 * on their own: a write it does not send us (a backing file's, under
 * kernel passthrough) or chown(-1, -1).  The kernel sends the empty one
 * only then, and only for callers without CAP_FSETID. */
static int kill_requested(const struct wire_setattr_in *in)
{
    const uint32_t not_attrs = WIRE_FATTR_FH | WIRE_FATTR_LOCKOWNER |
                               WIRE_FATTR_KILL_SUIDGID;
    return (in->valid & WIRE_FATTR_KILL_SUIDGID) ||
           !(in->valid & ~not_attrs);
}

void nat_op_setattr(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_setattr_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    void *file = (in->valid & WIRE_FATTR_FH) ? fh_file(in->fh) : NULL;
    struct fsp_file_info fi = { 0 };
    struct fsp_basic_info bi = { 0 };
    uint32_t basic = basic_from_setattr(in, &bi);
    int r = 0;
    /* FSP_VOL_READONLY_ATTR: truncating a read-only file is writing it. */
    if ((in->valid & WIRE_FATTR_SIZE) &&
        (r = nat_win_readonly_node(req, n, -EACCES))) {
        ses_reply_err(req->s, r);
        return;
    }
    if ((in->valid & WIRE_FATTR_SIZE) && fs->vp.max_file_size &&
        in->size > fs->vp.max_file_size) {
        ses_reply_err(req->s, -EFBIG);
        return;
    }
    /* chmod on an ACL volume rewrites the access ACL's mask as well: one
     * step, so no one sees (or makes) the mode and the ACL disagree. */
    enum nat_guard g = fs->posix_acl && (bi.valid & FSP_SET_MODE)
                           ? NAT_GUARD_EXCLUSIVE : NAT_GUARD_SHARED;
    /* On a security volume chmod and chown edit the descriptor, which
     * then sets the mode and owner (sec_node.c). */
    int sec = nat_sec_enabled(fs) &&
              (bi.valid & (FSP_SET_MODE | FSP_SET_UID | FSP_SET_GID));
    if (sec)
        g = NAT_GUARD_EXCLUSIVE;
    nat_guard_enter(fs, g);
    if (in->valid & WIRE_FATTR_SIZE) {
        r = fs->fi.set_file_size
                ? nat_check_result(fs, "set_file_size",
                                   fs->fi.set_file_size(req, n->ctx, file,
                                                        in->size, &fi))
                : -ENOSYS;
    }
    uint32_t asked = bi.valid;   /* nat_sec_setattr clears what it did */
    if (!r && sec) {
        r = nat_sec_setattr(req, n, file, &bi);
        basic = bi.valid;
    }
    if (!r && basic) {
        r = fs->fi.set_basic_info
                ? nat_check_result(fs, "set_basic_info",
                                   fs->fi.set_basic_info(req, n->ctx, file,
                                                         &bi, &fi))
                : -ENOSYS;
    }
    if (!r && fs->posix_acl && !sec && (bi.valid & FSP_SET_MODE))
        r = nat_acl_chmod(req, n, file, bi.mode);
    nat_guard_leave(fs, g);
    if (!r && kill_requested(in) && !(asked & FSP_SET_MODE))
        r = nat_kill_suidgid(req, n, file);
    if (!r)
        r = nat_call_get_file_info(req, n, file, &fi);
    if (r)
        ses_reply_err(req->s, r);
    else
        reply_attr(req, &fi);
}

void nat_op_statfs(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_volume_info vi = { 0 };
    int r = 0;
    if (fs->fi.get_volume_info) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "get_volume_info",
                             fs->fi.get_volume_info(req, &vi));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
    }
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    uint32_t bs = fs->vp.sector_size;
    struct wire_kstatfs st = {
        .blocks = vi.total_size / bs,
        .bfree = vi.free_size / bs,
        .bavail = vi.free_size / bs,
        .files = vi.total_files,
        .ffree = vi.free_files,
        .bsize = bs,
        .frsize = bs,
        .namelen = fs->vp.max_name_length,
    };
    ses_reply_statfs(req->s, &st);
}
