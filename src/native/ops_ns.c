/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Namespace changes: mknod, mkdir, symlink, link, unlink, rmdir, rename,
 * and readlink.  They run under the exclusive guard (by default), so a file
 * system sees its tree change one step at a time.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"
#include "native/winmeta.h"

/* Create name in the request's directory as described by cp and answer
 * with the entry.  An open context from a regular-file create is closed
 * at once: mknod does not open. */
static void make_node(struct fsp_request *req, const char *name,
                      struct fsp_create_params *cp)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *parent = nat_req_node(req);
    int r = !parent ? -ESTALE : !name ? -EINVAL : nat_check_name(fs, name);
    if (!r && !fs->fi.create)
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = name;
    if (nat_win_is_stream_path(fs, name)) {
        nat_win_stream_path_create(req, parent, name, cp->mode, 0, 0);
        return;
    }
    nat_new_owner(req, parent, cp);
    if (!cp->attributes)
        cp->attributes = S_ISDIR(cp->mode) ? FSP_ATTR_DIRECTORY
                                           : FSP_ATTR_ARCHIVE;
    void *ctx = NULL, *file = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_create_locked(req, parent, name, cp, &ctx, &file, &fi);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    if (S_ISREG(cp->mode) && fs->fi.close &&
        !(fs->fi.flags & FSP_IFACE_STATELESS_OPENS))
        fs->fi.close(fs, ctx, file);
    nat_reply_new_entry(req, parent, name, ctx, &fi);
}

void nat_op_mknod(struct fsp_request *req)
{
    const struct wire_mknod_in *in = ses_req_arg(req->s, sizeof *in);
    if (!in) {
        ses_reply_err(req->s, -EINVAL);
        return;
    }
    req->s->umask = in->umask;
    struct fsp_create_params cp = { .mode = in->mode, .rdev = in->rdev };
    make_node(req, ses_req_name(req->s, sizeof *in), &cp);
}

void nat_op_mkdir(struct fsp_request *req)
{
    const struct wire_mkdir_in *in = ses_req_arg(req->s, sizeof *in);
    if (!in) {
        ses_reply_err(req->s, -EINVAL);
        return;
    }
    req->s->umask = in->umask;
    struct fsp_create_params cp = { .mode = S_IFDIR | (in->mode & 07777) };
    make_node(req, ses_req_name(req->s, sizeof *in), &cp);
}

void nat_op_symlink(struct fsp_request *req)
{
    const char *name = ses_req_name(req->s, 0);
    const char *target = name ? ses_req_name(req->s, strlen(name) + 1) : NULL;
    if (!target) {
        ses_reply_err(req->s, -EINVAL);
        return;
    }
    struct fsp_create_params cp = { .mode = S_IFLNK | 0777,
                                    .link_target = target };
    make_node(req, name, &cp);
}

/* unlink (dir = 0) and rmdir (dir = 1). */
static void remove_name(struct fsp_request *req, int dir)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *parent = nat_req_node(req);
    const char *name = ses_req_name(req->s, 0);
    int r = !parent ? -ESTALE : !name ? -EINVAL : nat_check_name(fs, name);
    if (!r && !fs->fi.set_delete)
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = name;
    if (!dir && nat_win_is_stream_path(fs, name)) {
        nat_win_stream_path_unlink(req, parent, name);
        return;
    }
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_peek_child(req, parent, name, &ctx, &fi);
    if (!r)
        r = nat_win_readonly_fi(fs, &fi, -EPERM);
    if (!r && dir && !S_ISDIR(fi.mode))
        r = -ENOTDIR;
    if (!r && !dir && S_ISDIR(fi.mode))
        r = -EISDIR;
    if (!r && fs->fi.can_delete)
        r = nat_check_result(fs, "can_delete",
                             fs->fi.can_delete(req, parent->ctx, name, ctx));
    if (!r)
        r = nat_check_result(fs, "set_delete",
                             fs->fi.set_delete(req, parent->ctx, name, ctx));
    if (!r)
        nat_node_unname(fs, parent, name);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    nat_unpeek(fs, ctx);
    ses_reply_err(req->s, r);
}

void nat_op_unlink(struct fsp_request *req) { remove_name(req, 0); }
void nat_op_rmdir(struct fsp_request *req) { remove_name(req, 1); }

/* The checks POSIX puts on replacing target with source. */
static int check_replace(struct fsp_request *req, struct nat_node *newp,
                         const char *newname, const struct fsp_file_info *src,
                         const struct fsp_file_info *dst, void *dstctx)
{
    struct fsp_fs *fs = req_fs(req);
    if (src->index == dst->index)
        return 0; /* the same file: a case change, or a hard link */
    int r = nat_win_readonly_fi(fs, dst, -EPERM);
    if (r)
        return r;
    if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
        return -ENOTDIR;
    if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
        return -EISDIR;
    if (S_ISDIR(dst->mode) && fs->fi.can_delete)
        return nat_check_result(fs, "can_delete",
                                fs->fi.can_delete(req, newp->ctx, newname,
                                                  dstctx));
    return 0;
}

/* Whether directory `dir` (a file index) is node n or one of its
 * ancestors, by the names the kernel looked up.  Moving a directory below
 * itself would cut it and its subtree off the tree (lost to every walk,
 * never freed).  The kernel refuses such a rename, but from its dentry
 * cache, which may be stale; so fsp refuses it too, as rename(2) does. */
static int is_ancestor(struct fsp_fs *fs, uint64_t dir, struct nat_node *n)
{
    int found = 0;
    pthread_mutex_lock(&fs->nodes.lock);
    for (; n; n = n->parent)
        if (n->index == dir) {
            found = 1;
            break;
        }
    pthread_mutex_unlock(&fs->nodes.lock);
    return found;
}

void nat_op_rename(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *oldp = nat_req_node(req);
    uint64_t newdir = 0;
    uint32_t flags = 0;
    size_t off;
    if (req->s->opcode == WIRE_OP_RENAME2) {
        const struct wire_rename2_in *in = ses_req_arg(req->s, sizeof *in);
        newdir = in ? in->newdir : 0;
        flags = in ? in->flags : 0;
        off = sizeof *in;
    } else {
        const struct wire_rename_in *in = ses_req_arg(req->s, sizeof *in);
        newdir = in ? in->newdir : 0;
        off = sizeof *in;
    }
    const char *oldname = ses_req_name(req->s, off);
    const char *newname = oldname ? ses_req_name(req->s, off + strlen(oldname) + 1)
                                  : NULL;
    struct nat_node *newp = nat_node_get(fs, newdir);
    int r = (!oldp || !newp) ? -ESTALE : !newname ? -EINVAL : 0;
    if (!r)
        r = nat_check_name(fs, oldname);
    if (!r)
        r = nat_check_name(fs, newname);
    /* Both ends are directories by the kernel's rules; a file system
     * told otherwise would give a file entries. */
    if (!r && (!S_ISDIR(oldp->type) || !S_ISDIR(newp->type)))
        r = -ENOTDIR;
    if (!r && (flags & ~(FSP_RENAME_NOREPLACE | FSP_RENAME_EXCHANGE)))
        r = -EINVAL;
    if (!r && !fs->fi.rename)
        r = -ENOSYS;
    /* Streams are renamed with their file, not by FILE:STREAM paths. */
    if (!r && (nat_win_is_stream_path(fs, oldname) ||
               nat_win_is_stream_path(fs, newname)))
        r = -EINVAL;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = oldname;

    void *src = NULL, *dst = NULL;
    struct fsp_file_info sfi = { 0 }, dfi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_peek_child(req, oldp, oldname, &src, &sfi);
    if (!r && S_ISDIR(sfi.mode) && is_ancestor(fs, sfi.index, newp))
        r = -EINVAL;
    if (!r) {
        int t = nat_peek_child(req, newp, newname, &dst, &dfi);
        if (t == 0 && (flags & FSP_RENAME_EXCHANGE) && S_ISDIR(dfi.mode) &&
            is_ancestor(fs, dfi.index, oldp))
            t = -EINVAL;
        if (t == 0) {
            if ((flags & FSP_RENAME_NOREPLACE) && sfi.index != dfi.index)
                r = -EEXIST;
            else if (!(flags & FSP_RENAME_EXCHANGE))
                r = check_replace(req, newp, newname, &sfi, &dfi, dst);
        } else if (t == -ENOENT) {
            if (flags & FSP_RENAME_EXCHANGE)
                r = -ENOENT;
        } else {
            r = t;
        }
    }
    if (!r)
        r = nat_check_result(fs, "rename",
                             fs->fi.rename(req, oldp->ctx, oldname, newp->ctx,
                                           newname, src, flags));
    if (!r)
        nat_node_rename(fs, oldp, oldname, newp, newname, flags);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    nat_unpeek(fs, src);
    nat_unpeek(fs, dst);
    ses_reply_err(req->s, r);
}

/* Under the exclusive guard: the checks link() promises the file system,
 * then the call.  The kernel checks most of this itself, but its dentry
 * cache may be stale and other clients of the file system are not bound
 * by it. */
static int link_locked(struct fsp_request *req, struct nat_node *n,
                       struct nat_node *newp, const char *name,
                       struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    void *ctx = NULL;
    struct fsp_file_info tfi = { 0 };
    int r = nat_peek_child(req, newp, name, &ctx, &tfi);
    nat_unpeek(fs, ctx);
    if (r == 0)
        return -EEXIST;
    if (r != -ENOENT)
        return r;
    return nat_check_result(fs, "link",
                            fs->fi.link(req, n->ctx, newp->ctx, name, fi));
}

void nat_op_link(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *newp = nat_req_node(req);
    const struct wire_link_in *in = ses_req_arg(req->s, sizeof *in);
    const char *name = ses_req_name(req->s, sizeof *in);
    struct nat_node *n = in ? nat_node_get(fs, in->oldnodeid) : NULL;
    int r = (!newp || !n) ? -ESTALE : !name ? -EINVAL : nat_check_name(fs, name);
    if (!r && S_ISDIR(n->type))
        r = -EPERM;  /* POSIX: no hard links to directories */
    if (!r && !fs->fi.link)
        r = -EPERM;  /* what link(2) says on a file system without links */
    if (!r && nat_win_is_stream_path(fs, name))
        r = -EINVAL; /* a FILE:STREAM name is no place for a file */
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    req->name = name;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = link_locked(req, n, newp, name, &fi);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    /* The kernel counts the entry as one more lookup of the node. */
    nat_node_ref_named(fs, n, newp, name);
    struct wire_entry_out e = { 0 };
    nat_fill_entry(fs, n, &fi, &e);
    if (ses_reply_entry(req->s, &e))
        nat_node_forget(fs, n, 1); /* the kernel never saw it */
}

void nat_op_readlink(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    if (!n || !fs->fi.get_reparse_point) {
        ses_reply_err(req->s, n ? -ENOSYS : -ESTALE);
        return;
    }
    char target[PATH_MAX + 1];
    target[0] = 0;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "get_reparse_point",
                             fs->fi.get_reparse_point(req, n->ctx, target,
                                                      sizeof target));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    target[PATH_MAX] = 0;
    if (r)
        ses_reply_err(req->s, r);
    else
        ses_reply_readlink(req->s, target);
}
