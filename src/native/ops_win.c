/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attribute names through which Linux programs see a file's Windows
 * metadata (the table is docs/windows.md): ntfs-3g's system.ntfs_attrib,
 * system.ntfs_crtime and system.ntfs_reparse_data, Samba's user.DOSATTRIB
 * and user.DosStream.NAME:$DATA, and fsp's own volume names on the root.
 * Every one maps onto native calls (get_file_info, set_basic_info, the
 * stream and reparse callbacks); none is stored as an attribute, so there
 * is never a second copy to disagree with.
 *
 * The kernel checks user.* names (read and write permission, regular
 * files and directories only) but passes system.* through unchecked, so
 * changing a system.ntfs_* name is checked here: the owner or a caller
 * with CAP_FOWNER, as for utimensat() and chattr.
 */
#include <errno.h>
#include <linux/capability.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsp/names.h"
#include "native/ops_common.h"
#include "native/wincodec.h"
#include "native/winmeta.h"
#include "native/winstream.h"

#define ATTRIB_EA    "system.ntfs_attrib"
#define CRTIME_EA    "system.ntfs_crtime"
#define REPARSE_EA   "system.ntfs_reparse_data"
#define DOSATTRIB_EA "user.DOSATTRIB"
#define STREAM_PREFIX "user.DosStream."
#define STREAM_SUFFIX ":$DATA"
#define STREAMS_EA   "user.fsp.streams"
#define SERIAL_EA    "user.fsp.volume_serial"
#define VCRTIME_EA   "user.fsp.volume_crtime"
#define CASENAME_EA  "user.fsp.case_name"
/* The kernel's limit on one attribute value (XATTR_SIZE_MAX). */
#define XATTR_MAX    65536u

/* The attributes a user may set; the others (directory, reparse point,
 * sparse, ...) follow from what the file is. */
#define SETTABLE (FSP_ATTR_READONLY | FSP_ATTR_HIDDEN | FSP_ATTR_SYSTEM | \
                  FSP_ATTR_ARCHIVE | FSP_ATTR_NORMAL | FSP_ATTR_TEMPORARY | \
                  0x1000u /* offline */ | 0x2000u /* not content indexed */)

static void forget_stream_caches(struct fsp_request *req, struct nat_node *n,
                                 const char *sname, uint64_t stream_index);

enum kind { K_NONE, K_ATTRIB, K_CRTIME, K_REPARSE, K_DOSATTRIB, K_STREAM,
            K_STREAMS, K_SERIAL, K_VCRTIME, K_CASENAME };

/* Which of ours `name` is; a stream name goes to sname. */
static enum kind kind_of(struct fsp_request *req, struct nat_node *n,
                         const char *name, char *sname, int *bad)
{
    struct fsp_fs *fs = req_fs(req);
    *bad = 0;
    if (strcmp(name, ATTRIB_EA) == 0)
        return K_ATTRIB;
    if (strcmp(name, CRTIME_EA) == 0)
        return K_CRTIME;
    if (strcmp(name, REPARSE_EA) == 0)
        return K_REPARSE;
    if (strcmp(name, DOSATTRIB_EA) == 0)
        return K_DOSATTRIB;
    if (strcmp(name, STREAMS_EA) == 0)
        return K_STREAMS;
    if ((fs->vp.flags & FSP_VOL_CASE_INSENSITIVE) &&
        strcmp(name, CASENAME_EA) == 0)
        return K_CASENAME;
    if (n == fs->root && strcmp(name, SERIAL_EA) == 0)
        return K_SERIAL;
    if (n == fs->root && strcmp(name, VCRTIME_EA) == 0)
        return K_VCRTIME;
    size_t plen = sizeof STREAM_PREFIX - 1, slen = sizeof STREAM_SUFFIX - 1;
    size_t len = strlen(name);
    /* Without streams these are ordinary attributes, as Samba keeps them
     * on any Linux file system. */
    if (nat_win_streams_on(fs) && len > plen + slen &&
        strncmp(name, STREAM_PREFIX, plen) == 0 &&
        strcmp(name + len - slen, STREAM_SUFFIX) == 0) {
        uint32_t max = fs->vp.max_name_length ? fs->vp.max_name_length : 255;
        *bad = nat_win_stream_name(name + plen, len - plen, max, sname, 256);
        return K_STREAM;
    }
    return K_NONE;
}

static int may_change(struct fsp_request *req, const struct fsp_file_info *fi)
{
    return fsp_request_uid(req) == fi->uid ||
           nat_caller_capable(req, CAP_FOWNER) ? 0 : -EPERM;
}

static int set_basic(struct fsp_request *req, struct nat_node *n,
                     struct fsp_basic_info *bi)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.set_basic_info)
        return -EOPNOTSUPP;
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, n, NULL, &fi);
    if (!r)
        r = may_change(req, &fi);
    if (!r && (bi->valid & FSP_SET_ATTRIBUTES))
        bi->attributes = (bi->attributes & SETTABLE) | (fi.attributes & ~SETTABLE);
    if (r)
        return r;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "set_basic_info",
                         fs->fi.set_basic_info(req, n->ctx, NULL, bi, &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    return r;
}

/* Copy len bytes of src to buf if they fit. */
static int give(char *buf, size_t room, const void *src, size_t len,
                size_t *needed)
{
    *needed = len;
    if (len <= room)
        memcpy(buf, src, len);
    return 0;
}

static int get_reparse(struct fsp_request *req, struct nat_node *n, char *buf,
                       size_t room, size_t *needed)
{
    struct fsp_fs *fs = req_fs(req);
    int r = -ENODATA;
    if (fs->fi.get_reparse_data) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "get_reparse_data",
                             fs->fi.get_reparse_data(req, n->ctx, buf, room,
                                                     needed));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r == -ERANGE)
            r = 0;
        if (r != -ENODATA && r != -ENOSYS)
            return r;
    }
    /* None stored: what WinFsp's FUSE layer shows for special files. */
    struct fsp_file_info fi = { 0 };
    if ((r = nat_call_get_file_info(req, n, NULL, &fi)))
        return r;
    char *target = NULL;
    if (S_ISLNK(fi.mode)) {
        if (!fs->fi.get_reparse_point || !(target = malloc(PATH_MAX + 1)))
            return fs->fi.get_reparse_point ? -ENOMEM : -ENODATA;
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "get_reparse_point",
                             fs->fi.get_reparse_point(req, n->ctx, target,
                                                      PATH_MAX + 1));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r) {
            free(target);
            return r;
        }
        target[PATH_MAX] = 0;
    }
    size_t len = nat_win_reparse_special(fi.mode, fi.rdev, target,
                                     (uint8_t *)buf, room);
    free(target);
    if (!len)
        return -ENODATA;
    *needed = len;
    return 0;
}

static int get_stream(struct fsp_request *req, struct nat_node *n,
                      const char *sname, char *buf, size_t room,
                      size_t *needed)
{
    struct nat_win_sopen so;
    int r = nat_win_stream_open(req, n, sname, WIN_SOPEN_EXISTING, &so);
    if (r)
        return r == -ENOENT ? -ENODATA : r;
    /* Samba's convention: the bytes, then one NUL. */
    if (so.fi.size >= XATTR_MAX) {
        r = -E2BIG;
    } else {
        *needed = (size_t)so.fi.size + 1;
        if (*needed <= room) {
            r = nat_win_stream_read_all(req, &so, buf, so.fi.size);
            buf[so.fi.size] = 0;
        }
    }
    nat_win_stream_close(req_fs(req), &so);
    return r;
}

/* "SIZE NAME\n" per stream, any size. */
static int get_streams_text(struct fsp_request *req, struct nat_node *n,
                            char *buf, size_t room, size_t *needed)
{
    struct fsp_stream_buffer sb;
    int r = nat_win_stream_list(req, n, &sb);
    if (r)
        return r;
    size_t len = 0;
    for (size_t i = 0; i < sb.count; i++) {
        char line[320];
        int l = snprintf(line, sizeof line, "%llu %s\n",
                         (unsigned long long)sb.entries[i].size,
                         sb.entries[i].name);
        if (l > 0 && (size_t)l < sizeof line && len + (size_t)l <= room)
            memcpy(buf + len, line, (size_t)l);
        len += l > 0 ? (size_t)l : 0;
    }
    nat_win_stream_buffer_clear(&sb);
    *needed = len;
    return 0;
}

/*
 * user.fsp.case_name on a case-insensitive volume: the name the file was
 * last seen by, and the way to change only its case.  rename(2) cannot:
 * the kernel finds both spellings to be one inode and returns success
 * without asking (docs/windows.md).  Here fsp renames the entry itself
 * through the file system's rename and then drops the kernel's entries
 * for both spellings; the request holds the file's inode lock, not its
 * directory's, which the invalidation takes.
 */
static int set_case_name(struct fsp_request *req, struct nat_node *n,
                         const char *value, size_t size)
{
    struct fsp_fs *fs = req_fs(req);
    char newname[256], oldname[256] = "";
    struct nat_node *parent = NULL;
    if (size == 0 || size >= sizeof newname || memchr(value, '/', size) ||
        memchr(value, 0, size))
        return -EINVAL;
    memcpy(newname, value, size);
    newname[size] = 0;
    int r = nat_check_name(fs, newname);
    if (r)
        return r;
    if (!fs->fi.rename)
        return -ENOSYS;
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    pthread_mutex_lock(&fs->nodes.lock);
    if (n->parent && n->name && strlen(n->name) < sizeof oldname) {
        parent = n->parent;   /* pinned while n has this name */
        strcpy(oldname, n->name);
    }
    pthread_mutex_unlock(&fs->nodes.lock);
    if (!parent)
        r = -ENOENT;
    else if (fsp_name_compare_nocase(oldname, newname) != 0)
        r = -EINVAL;   /* only the case may change */
    else if (strcmp(oldname, newname) != 0) {
        r = nat_check_result(fs, "rename",
                             fs->fi.rename(req, parent->ctx, oldname,
                                           parent->ctx, newname, n->ctx, 0));
        if (!r)
            nat_node_rename(fs, parent, oldname, parent, newname, 0);
    }
    uint64_t dir = parent ? parent->index : 0;
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (!r && dir && strcmp(oldname, newname) != 0) {
        fsp_fs_notify_entry(fs, dir, oldname);
        fsp_fs_notify_entry(fs, dir, newname);
    }
    return r;
}

int nat_win_xattr_get(struct fsp_request *req, struct nat_node *n,
                  const char *name, char *buf, size_t room, size_t *needed)
{
    struct fsp_fs *fs = req_fs(req);
    char sname[256];
    int bad;
    enum kind k = kind_of(req, n, name, sname, &bad);
    if (k == K_NONE)
        return WIN_PASS;
    if (bad)
        return bad == -ENAMETOOLONG ? bad : -EINVAL;
    struct fsp_file_info fi = { 0 };
    uint8_t v[WIN_DOSATTRIB_MAX];
    int r;
    switch (k) {
    case K_ATTRIB:
    case K_CRTIME:
    case K_DOSATTRIB:
        if ((r = nat_call_get_file_info(req, n, NULL, &fi)))
            return r;
        if (k == K_ATTRIB) {
            nat_win_put32(v, fi.attributes);
            return give(buf, room, v, 4, needed);
        }
        if (k == K_CRTIME) {
            nat_win_put64(v, nat_win_nttime_from_timespec(fi.creation_time));
            return give(buf, room, v, 8, needed);
        }
        return give(buf, room, v,
                    nat_win_dosattrib_encode(fi.attributes,
                        nat_win_nttime_from_timespec(fi.creation_time), v),
                    needed);
    case K_REPARSE:
        return get_reparse(req, n, buf, room, needed);
    case K_STREAM:
        return get_stream(req, n, sname, buf, room, needed);
    case K_STREAMS:
        return get_streams_text(req, n, buf, room, needed);
    case K_SERIAL: {
        char text[24];
        int l = snprintf(text, sizeof text, "%016llx",
                         (unsigned long long)fs->vp.volume_serial);
        return give(buf, room, text, (size_t)l, needed);
    }
    case K_VCRTIME:
        nat_win_put64(v, nat_win_nttime_from_timespec(fs->vp.volume_creation_time));
        return give(buf, room, v, 8, needed);
    case K_CASENAME:
        /* Write-only: fsp knows the spelling of the last lookup, not the
         * one stored; a listing shows that. */
        return -ENODATA;
    default:
        return WIN_PASS;
    }
}

static int set_reparse(struct fsp_request *req, struct nat_node *n,
                       const void *value, size_t size, int flags)
{
    struct fsp_fs *fs = req_fs(req);
    if (!(fs->vp.flags & FSP_VOL_REPARSE_POINTS) || !fs->fi.set_reparse_data)
        return -EOPNOTSUPP;
    int r = nat_win_reparse_check(value, size, NULL);
    if (r)
        return r == -E2BIG ? -EINVAL : r;
    struct fsp_file_info fi = { 0 };
    if ((r = nat_call_get_file_info(req, n, NULL, &fi)) || (r = may_change(req, &fi)))
        return r;
    if (flags) {
        size_t needed = 0;
        r = fs->fi.get_reparse_data
                ? fs->fi.get_reparse_data(req, n->ctx, NULL, 0, &needed)
                : -ENODATA;
        int exists = r == 0 || r == -ERANGE;
        if ((flags & FSP_EA_CREATE) && exists)
            return -EEXIST;
        if ((flags & FSP_EA_REPLACE) && !exists)
            return -ENODATA;
    }
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "set_reparse_data",
                         fs->fi.set_reparse_data(req, n->ctx, value, size));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    return r;
}

static int set_stream(struct fsp_request *req, struct nat_node *n,
                      const char *sname, const char *value, size_t size,
                      int flags)
{
    /* Samba writes the bytes and one NUL; a value without it (setfattr
     * by hand) is taken whole. */
    if (size && value[size - 1] == 0)
        size--;
    int r = nat_win_readonly_node(req, n, -EACCES);
    if (r)
        return r;
    struct nat_win_sopen so;
    enum nat_win_sopen_how how = (flags & FSP_EA_CREATE) ? WIN_SOPEN_NEW
                       : (flags & FSP_EA_REPLACE) ? WIN_SOPEN_EXISTING
                       : WIN_SOPEN_ANY;
    r = nat_win_stream_open(req, n, sname, how, &so);
    if (r)
        return r == -ENOENT ? -ENODATA : r;
    r = nat_win_stream_write_all(req, &so, value, size);
    uint64_t index = so.fi.index;
    nat_win_stream_close(req_fs(req), &so);
    forget_stream_caches(req, n, sname, index);
    return r;
}

int nat_win_xattr_set(struct fsp_request *req, struct nat_node *n,
                  const char *name, const void *value, size_t size,
                  int flags)
{
    char sname[256];
    int bad;
    enum kind k = kind_of(req, n, name, sname, &bad);
    if (k == K_NONE)
        return WIN_PASS;
    if (bad)
        return bad;
    const uint8_t *v = value;
    struct fsp_basic_info bi = { 0 };
    if (flags & FSP_EA_CREATE) {
        /* These always exist, except reparse data and streams. */
        if (k != K_REPARSE && k != K_STREAM && k != K_CASENAME)
            return -EEXIST;
    }
    switch (k) {
    case K_ATTRIB:
        if (size != 4)
            return -EINVAL;
        bi.valid = FSP_SET_ATTRIBUTES;
        bi.attributes = nat_win_get32(v);
        return set_basic(req, n, &bi);
    case K_CRTIME:
        if (size != 8)
            return -EINVAL;
        bi.valid = FSP_SET_CRTIME;
        bi.creation_time = nat_win_nttime_to_timespec(nat_win_get64(v));
        return set_basic(req, n, &bi);
    case K_DOSATTRIB: {
        struct nat_win_dosattrib d;
        if (nat_win_dosattrib_decode(value, size, &d))
            return -EINVAL;
        if (d.has_attrib) {
            bi.valid |= FSP_SET_ATTRIBUTES;
            bi.attributes = d.attrib;
        }
        if (d.has_create_time && d.create_time) {
            bi.valid |= FSP_SET_CRTIME;
            bi.creation_time = nat_win_nttime_to_timespec(d.create_time);
        }
        return bi.valid ? set_basic(req, n, &bi) : 0;
    }
    case K_REPARSE:
        return set_reparse(req, n, value, size, flags);
    case K_STREAM:
        return set_stream(req, n, sname, value, size, flags);
    case K_CASENAME:
        return set_case_name(req, n, value, size);
    default:
        /* read-only names: the volume's and the listing */
        return -EPERM;
    }
}

/* With FILE:STREAM paths the kernel may hold the stream's entry and
 * pages: after a change through the attribute view, tell it to drop
 * them.  Neither is locked by this request (it holds the file's inode,
 * not its directory's or the stream's). */
static void forget_stream_caches(struct fsp_request *req, struct nat_node *n,
                                 const char *sname, uint64_t stream_index)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->stream_paths)
        return;
    if (stream_index)
        fsp_fs_notify_inode(fs, stream_index, 0, 0);
    char path[520] = "";
    uint64_t dir = 0;
    pthread_mutex_lock(&fs->nodes.lock);
    if (n->parent && n->name) {
        dir = n->parent->index;
        snprintf(path, sizeof path, "%s:%s", n->name, sname);
    }
    pthread_mutex_unlock(&fs->nodes.lock);
    if (dir && strlen(path) < sizeof path - 1)
        fsp_fs_notify_entry(fs, dir, path);
}

int nat_win_xattr_remove(struct fsp_request *req, struct nat_node *n,
                     const char *name)
{
    struct fsp_fs *fs = req_fs(req);
    char sname[256];
    int bad;
    enum kind k = kind_of(req, n, name, sname, &bad);
    if (k == K_NONE)
        return WIN_PASS;
    if (bad)
        return bad;
    int r;
    if (k == K_REPARSE) {
        if (!(fs->vp.flags & FSP_VOL_REPARSE_POINTS) ||
            !fs->fi.delete_reparse_data)
            return -EOPNOTSUPP;
        struct fsp_file_info fi = { 0 };
        if ((r = nat_call_get_file_info(req, n, NULL, &fi)) ||
            (r = may_change(req, &fi)))
            return r;
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "delete_reparse_data",
                             fs->fi.delete_reparse_data(req, n->ctx));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        return r;
    }
    if (k == K_STREAM) {
        if (!fs->fi.delete_stream)
            return -EOPNOTSUPP;
        if ((r = nat_win_readonly_node(req, n, -EPERM)))
            return r;
        nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
        r = nat_check_result(fs, "delete_stream",
                             fs->fi.delete_stream(req, n->ctx, sname));
        nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
        if (!r)
            forget_stream_caches(req, n, sname, 0);
        return r == -ENOENT ? -ENODATA : r;
    }
    /* Attributes and times always exist: there is nothing to remove. */
    return -EOPNOTSUPP;
}

size_t nat_win_xattr_list(struct fsp_request *req, struct nat_node *n, char *buf,
                      size_t room, size_t len)
{
    struct fsp_stream_buffer sb;
    if (!nat_win_streams_on(req_fs(req)) || nat_win_stream_list(req, n, &sb))
        return len;
    for (size_t i = 0; i < sb.count; i++) {
        /* Only what getxattr can return: value (bytes + NUL) in 64 KiB. */
        if (sb.entries[i].size >= XATTR_MAX)
            continue;
        char ea[300];
        int l = snprintf(ea, sizeof ea, STREAM_PREFIX "%s" STREAM_SUFFIX,
                         sb.entries[i].name);
        if (l <= 0 || (size_t)l >= sizeof ea)
            continue;
        if (len + (size_t)l + 1 <= room)
            memcpy(buf + len, ea, (size_t)l + 1);
        len += (size_t)l + 1;
    }
    nat_win_stream_buffer_clear(&sb);
    return len;
}

int nat_win_readonly_fi(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                    int err)
{
    if (!(fs->vp.flags & FSP_VOL_READONLY_ATTR) ||
        !(fi->attributes & FSP_ATTR_READONLY))
        return 0;
    /* NTFS ignores the bit on directories except for deleting them. */
    if (S_ISDIR(fi->mode) && err != -EPERM)
        return 0;
    return err;
}

int nat_win_readonly_node(struct fsp_request *req, struct nat_node *n, int err)
{
    struct fsp_fs *fs = req_fs(req);
    if (!(fs->vp.flags & FSP_VOL_READONLY_ATTR))
        return 0;
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, n, NULL, &fi);
    return r ? r : nat_win_readonly_fi(fs, &fi, err);
}
