/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Extended attributes (WinFsp's EAs).  fsp owns the size-probe protocol:
 * the file system always reports the full length in *needed, and fsp
 * answers a size-0 probe with that length and a too-small buffer with
 * ERANGE, exactly as getxattr(2) and listxattr(2) promise.
 *
 * The volume label is reachable as the extended attribute
 * "user.fsp.volume_label" of the root directory, read with
 * get_volume_info and written with set_volume_label.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native/acl.h"
#include "native/ops_common.h"
#include "native/sec.h"
#include "native/winmeta.h"

#define LABEL_EA "user.fsp.volume_label"
/* Read-only: the per-opcode request counters as text, so tools outside
 * the process (fsptool stats, fsp-bench) can count round trips. */
#define STATS_EA "user.fsp.stats"

/* Without FUSE_POSIX_ACL (a volume without FSP_VOL_POSIX_ACL) the kernel
 * would pass ACLs down as plain attributes and a file system would store
 * them without applying them to the mode: cp -a and tar would then trust
 * an ACL that means nothing.  Saying "not supported" makes them fall back
 * to chmod.  With it, acl.c applies them. */
static int is_acl(const char *name)
{
    return strncmp(name, "system.posix_acl_", 17) == 0;
}

/* The kernel hands FUSE every name as it is; a local file system only
 * knows the user, trusted and security namespaces, refuses other names
 * as unsupported and a namespace with no name after it as invalid. */
static int check_ea_name(const char *name)
{
    static const char *const spaces[] = { "user.", "trusted.", "security." };
    for (size_t i = 0; i < sizeof spaces / sizeof *spaces; i++) {
        size_t len = strlen(spaces[i]);
        if (strncmp(name, spaces[i], len) == 0)
            return name[len] ? 0 : -EINVAL;
    }
    return -EOPNOTSUPP;
}

/* 0 when name may reach the file system, else the error to answer: the
 * two POSIX ACL names pass only where ACLs were negotiated. */
static int ea_name_error(const struct fsp_fs *fs, const char *name)
{
    /* On a security volume the descriptor is the one ACL: the POSIX ACL
     * names never reach the file system as attributes (sec_xattr.c
     * serves them from the descriptor when ACLs were negotiated). */
    if (is_acl(name))
        return fs->posix_acl && !nat_sec_enabled(fs) && nat_acl_is_name(name)
                   ? 0 : -EOPNOTSUPP;
    return check_ea_name(name);
}

/* Drop trusted.* names from a listing for callers without CAP_SYS_ADMIN,
 * as the kernel's own file systems do (the kernel itself already refuses
 * them get and set: ENODATA and EPERM).  Returns the new length. */
static size_t hide_trusted(char *list, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = strnlen(list + i, len - i) + 1;
        if (strncmp(list + i, "trusted.", 8) != 0) {
            memmove(list + out, list + i, n);
            out += n;
        }
        i += n;
    }
    return out;
}

static int is_label(struct fsp_request *req, struct nat_node *n,
                    const char *name)
{
    return n == req_fs(req)->root && strcmp(name, LABEL_EA) == 0;
}

static int is_stats(struct fsp_request *req, struct nat_node *n,
                    const char *name)
{
    return n == req_fs(req)->root && strcmp(name, STATS_EA) == 0;
}

/* The counters as text into buf (room bytes); returns the full length. */
static size_t stats_text(struct fsp_request *req, char *buf, size_t room)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    ses_print_stats(req->s->se, f);
    fclose(f);
    memcpy(buf, text, len < room ? len : room);
    free(text);
    return len;
}

/* Answer a value of `needed` bytes at buf against the caller's size. */
static void reply_value(struct fsp_request *req, uint32_t size,
                        const void *buf, size_t needed)
{
    if (size == 0)
        ses_reply_xattr(req->s, (uint32_t)needed);
    else if (needed > size)
        ses_reply_err(req->s, -ERANGE);
    else
        ses_reply_data(req->s, buf, needed);
}

/* Scratch space for a value: the receive buffer behind the request. */
static char *scratch(struct fsp_request *req, size_t *room)
{
    size_t used = (((const struct wire_in_header *)req->s->buf)->len + 63) &
                  ~(size_t)63;
    *room = req->s->bufsize - used;
    return (char *)req->s->buf + used;
}

void nat_op_getxattr(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    const struct wire_getxattr_in *in = ses_req_arg(req->s, sizeof *in);
    const char *name = ses_req_name(req->s, sizeof *in);
    if (!n || !in || !name) {
        ses_reply_err(req->s, n ? -EINVAL : -ESTALE);
        return;
    }
    size_t room;
    char *buf = scratch(req, &room);
    if (room > in->size && in->size)
        room = in->size;
    size_t needed = 0;
    int r;
    if ((r = nat_win_xattr_get(req, n, name, buf, room, &needed)) != WIN_PASS) {
        /* a Windows metadata name (ops_win.c) */
    } else if (nat_sec_is_xattr(fs, name)) {
        r = nat_sec_getxattr(req, n, name, buf, room, &needed);
        if (r == -ERANGE)
            r = 0; /* needed tells; reply_value decides */
    } else if ((r = ea_name_error(fs, name))) {
        /* answered below */
    } else if (is_stats(req, n, name)) {
        r = 0;
        needed = stats_text(req, buf, room);
    } else if (is_label(req, n, name)) {
        struct fsp_volume_info vi = { 0 };
        r = fs->fi.get_volume_info
                ? nat_check_result(fs, "get_volume_info",
                                   fs->fi.get_volume_info(req, &vi))
                : 0;
        needed = strnlen(vi.label, sizeof vi.label);
        memcpy(buf, vi.label, needed < room ? needed : room);
    } else if (!fs->fi.get_ea) {
        r = -ENOTSUP;
    } else {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "get_ea",
                             fs->fi.get_ea(req, n->ctx, name, buf,
                                           in->size ? room : 0, &needed));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r == -ERANGE)
            r = 0; /* needed tells; reply_value decides */
    }
    if (r)
        ses_reply_err(req->s, r);
    else
        reply_value(req, in->size, buf, needed);
}

void nat_op_listxattr(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n;
    const struct wire_getxattr_in *in = nat_req_node_arg(req, sizeof *in, &n);
    if (!in)
        return;
    size_t room;
    char *buf = scratch(req, &room);
    /* A caller without CAP_SYS_ADMIN sees a filtered list, whose length
     * is known only after fetching the whole one, even for a size probe. */
    int filter = !nat_caller_capable(req, CAP_SYS_ADMIN);
    if (!filter && room > in->size && in->size)
        room = in->size;
    size_t needed = 0;
    int r = 0;
    if (fs->fi.list_ea) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "list_ea",
                             fs->fi.list_ea(req, n->ctx, buf,
                                            (in->size || filter) ? room : 0,
                                            &needed));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r == -ERANGE)
            r = filter ? -E2BIG : 0;
    }
    if (!r && filter)
        needed = hide_trusted(buf, needed);
    if (!r)
        needed = nat_win_xattr_list(req, n, buf,
                                (in->size || filter) ? room : 0, needed);
    if (r)
        ses_reply_err(req->s, r);
    else
        reply_value(req, in->size, buf, needed);
}

void nat_op_setxattr(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    /* Without FUSE_SETXATTR_EXT the kernel sends the short header. */
    const struct wire_setxattr_in *in =
        ses_req_arg(req->s, WIRE_COMPAT_SETXATTR_IN_SIZE);
    const char *name = ses_req_name(req->s, WIRE_COMPAT_SETXATTR_IN_SIZE);
    size_t off = name ? WIRE_COMPAT_SETXATTR_IN_SIZE + strlen(name) + 1 : 0;
    if (!n || !in || !name || req->s->arglen - off < in->size) {
        ses_reply_err(req->s, n ? -EINVAL : -ESTALE);
        return;
    }
    const char *value = (const char *)req->s->arg + off;
    int r, changed_mode = 0;
    if ((r = nat_win_xattr_set(req, n, name, value, in->size, (int)in->flags)) !=
        WIN_PASS) {
        /* a Windows metadata name (ops_win.c) */
    } else if (is_stats(req, n, name)) {
        r = -EOPNOTSUPP;
    } else if (nat_sec_is_xattr(fs, name)) {
        r = nat_sec_setxattr(req, n, name, value, in->size);
        changed_mode = !r;
    } else if ((r = ea_name_error(fs, name))) {
        /* answered below */
    } else if (is_acl(name)) {
        r = nat_acl_set(req, n, name, value, in->size, (int)in->flags);
    } else if (is_label(req, n, name)) {
        char label[64];
        size_t len = in->size < sizeof label - 1 ? in->size : sizeof label - 1;
        memcpy(label, value, len);
        label[len] = 0;
        struct fsp_volume_info vi = { 0 };
        nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
        r = !fs->fi.set_volume_label ? -ENOTSUP
            : in->size >= sizeof label ? -ERANGE
            : nat_check_result(fs, "set_volume_label",
                               fs->fi.set_volume_label(req, label, &vi));
        nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    } else if (!fs->fi.set_ea) {
        r = -ENOTSUP;
    } else {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "set_ea",
                             fs->fi.set_ea(req, n->ctx, name, value, in->size,
                                           (int)in->flags));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
    }
    uint64_t index = n->index;
    ses_reply_err(req->s, r);
    /* A descriptor may change the mode and owner behind the kernel's
     * attribute cache (it only drops ctime after setxattr).  Attributes
     * only: that takes no inode lock, so it is safe from here. */
    if (changed_mode)
        fsp_fs_notify_inode(fs, index, -1, 0);
}

void nat_op_removexattr(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    const char *name = ses_req_name(req->s, 0);
    if (!n || !name) {
        ses_reply_err(req->s, n ? -EINVAL : -ESTALE);
        return;
    }
    int r = nat_win_xattr_remove(req, n, name);
    if (r != WIN_PASS) {
        ses_reply_err(req->s, r);
        return;
    }
    /* A descriptor is never absent, so it cannot be removed (its POSIX
     * ACL views can: that edits it). */
    int sec = nat_sec_is_xattr(fs, name);
    r = !sec ? ea_name_error(fs, name)
          : !nat_sec_enabled(fs) ? -EOPNOTSUPP
          : nat_acl_is_name(name) ? nat_sec_removexattr(req, n, name) : -EPERM;
    if (sec) {
        uint64_t index = n->index;
        ses_reply_err(req->s, r);
        if (!r)
            fsp_fs_notify_inode(fs, index, -1, 0);
        return;
    }
    if (!r && !fs->fi.remove_ea)
        r = -ENOTSUP;
    if (!r && is_acl(name)) {
        r = nat_acl_remove(req, n, name);
    } else if (!r) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "remove_ea",
                             fs->fi.remove_ea(req, n->ctx, name));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
    }
    ses_reply_err(req->s, r);
}
