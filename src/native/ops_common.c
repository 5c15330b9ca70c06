/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "native/acl.h"
#include "native/ops_common.h"
#include "native/sec.h"

struct nat_node *nat_req_node(struct fsp_request *req)
{
    struct nat_node *n = nat_node_get(req_fs(req), req->s->nodeid);
    req->node = n;
    return n;
}

const void *nat_req_node_arg(struct fsp_request *req, size_t size,
                         struct nat_node **n)
{
    *n = nat_req_node(req);
    const void *in = ses_req_arg(req->s, size);
    if (!*n || !in) {
        ses_reply_err(req->s, *n ? -EINVAL : -ESTALE);
        return NULL;
    }
    return in;
}

int nat_check_name(const struct fsp_fs *fs, const char *name)
{
    size_t len = strlen(name);
    if (len > fs->vp.max_name_length)
        return -ENAMETOOLONG;
    if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EINVAL;
    return 0;
}

int nat_reply_new_entry(struct fsp_request *req, struct nat_node *parent,
                    const char *name, void *ctx,
                    const struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_node_lookup_ref(fs, parent, name, ctx, fi);
    if (!n)
        return ses_reply_err(req->s, -ENOMEM);
    struct wire_entry_out e = { 0 };
    nat_fill_entry(fs, n, fi, &e);
    int r = ses_reply_entry(req->s, &e);
    if (r)
        nat_node_forget(fs, n, 1); /* the kernel never saw it */
    return r;
}

int nat_reply_new_create(struct fsp_request *req, struct nat_node *parent,
                     const char *name, void *ctx, void *file,
                     const struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_node_lookup_ref(fs, parent, name, ctx, fi);
    if (!n) {
        if (fs->fi.close)
            fs->fi.close(fs, ctx, file);
        return ses_reply_err(req->s, -ENOMEM);
    }
    /* A stateless file system keeps no open: fh 0, and nothing to free
     * whether or not the kernel sends a RELEASE. */
    int stateless = fs->fi.flags & FSP_IFACE_STATELESS_OPENS;
    struct nat_open *o = stateless ? NULL : nat_open_new(fs, n, file, 0);
    if (!o && !stateless) {
        if (fs->fi.close)
            fs->fi.close(fs, n->ctx, file);
        nat_node_forget(fs, n, 1);
        return ses_reply_err(req->s, -ENOMEM);
    }
    struct wire_entry_out e = { 0 };
    struct wire_open_out oo = { .fh = (uint64_t)(uintptr_t)o,
                               .open_flags = nat_open_reply_flags(fs, 0) };
    if (o)
        nat_take_backing(req, o, &oo);
    nat_fill_entry(fs, n, fi, &e);
    int r = ses_reply_create(req->s, &e, &oo);
    if (r) {
        /* The kernel refused the reply: the open is closed here, once. */
        if (o)
            nat_open_free(fs, o, 1);
        nat_node_forget(fs, n, 1);
    }
    return r;
}

void nat_take_backing(struct fsp_request *req, struct nat_open *o,
                  struct wire_open_out *out)
{
    if (req->backing_id <= 0)
        return;
    int id = nat_node_backing_take(req_fs(req), o->node, req->backing_id);
    if (id != req->backing_id)
        ses_backing_close(req->s->se, req->backing_id);
    req->backing_id = 0;
    o->backing_id = id;
    /* The kernel serves this open from the backing file: no page cache
     * of ours to keep or bypass. */
    out->open_flags = WIRE_FOPEN_PASSTHROUGH;
    out->backing_id = id;
}

uint32_t nat_open_reply_flags(const struct fsp_fs *fs, uint32_t open_flags)
{
    if ((fs->vp.flags & FSP_VOL_DIRECT_IO) || (open_flags & O_DIRECT))
        return WIRE_FOPEN_DIRECT_IO;
    return WIRE_FOPEN_KEEP_CACHE;
}

int nat_call_get_file_info(struct fsp_request *req, struct nat_node *n,
                       void *file, struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.get_file_info)
        return -ENOSYS;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "get_file_info",
                             fs->fi.get_file_info(req, n->ctx, file, fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    return r;
}

int nat_kill_suidgid(struct fsp_request *req, struct nat_node *n, void *file)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, n, file, &fi);
    if (r)
        return r;
    uint32_t kill = S_ISUID;
    /* Set-group-ID without group execute (the old mandatory-locking mark)
     * stays for a writer in the file's group and goes for one outside it,
     * as the kernel's own file systems do (setattr_should_drop_sgid). */
    if ((fi.mode & S_IXGRP) ||
        ((fi.mode & S_ISGID) && !nat_caller_in_group(req, fi.gid)))
        kill |= S_ISGID;
    if (!(fi.mode & kill) || !fs->fi.set_basic_info)
        return 0;
    struct fsp_basic_info bi = { .valid = FSP_SET_MODE,
                                 .mode = fi.mode & 07777 & ~kill };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "set_basic_info",
                         fs->fi.set_basic_info(req, n->ctx, file, &bi, &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    return r;
}

int nat_peek_child(struct fsp_request *req, struct nat_node *parent,
               const char *name, void **ctx, struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    *ctx = NULL;
    return nat_check_result(fs, "lookup",
                            fs->fi.lookup(req, parent->ctx, name, ctx, fi));
}

void nat_unpeek(struct fsp_fs *fs, void *ctx)
{
    if (ctx && fs->fi.forget)
        fs->fi.forget(fs, ctx);
}

/* The file system's create under the exclusive guard, with the parent's
 * default ACL (or the umask) applied on an ACL volume. */
int nat_create_locked(struct fsp_request *req, struct nat_node *parent,
                  const char *name, struct fsp_create_params *cp,
                  void **ctx, void **file, struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    struct acl_inherit ih = { 0 };
    /* A security volume inherits descriptors, not default ACLs; with
     * ACLs negotiated the kernel left the umask to fsp. */
    int sec = nat_sec_enabled(fs);
    if (sec && fs->posix_acl)
        cp->mode &= ~(uint32_t)fsp_request_umask(req);
    int acl = fs->posix_acl && !sec;
    int r = acl ? nat_acl_create_prepare(req, parent, cp, &ih)
          : sec ? nat_sec_create_prepare(req, parent, cp) : 0;
    if (!r)
        r = nat_check_result(fs, "create",
                             fs->fi.create(req, parent->ctx, name, cp, ctx,
                                           file, fi));
    if (!r && acl)
        r = nat_acl_create_apply(req, parent, name, *ctx, *file, cp->mode, &ih);
    nat_acl_inherit_free(&ih);
    if (sec)
        nat_sec_create_done(cp);
    return r;
}
