/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named streams seen from Linux: the stream listing buffer, whole-stream
 * reads and writes for the user.DosStream.NAME:$DATA attributes, and the
 * FILE:STREAM path syntax of -o streams_interface=windows, where a
 * lookup of "file:name" in a directory finds stream `name` of `file` as
 * a regular file node of its own (ntfs-3g's interface of that name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"
#include "native/wincodec.h"
#include "native/winmeta.h"
#include "native/winstream.h"

int fsp_stream_buffer_add(struct fsp_stream_buffer *sb, const char *name,
                          uint64_t size)
{
    if (sb->count == sb->cap) {
        size_t cap = sb->cap ? sb->cap * 2 : 8;
        struct nat_win_stream_entry *e = realloc(sb->entries, cap * sizeof *e);
        if (!e) {
            sb->error = -ENOMEM;
            return 0;
        }
        sb->entries = e;
        sb->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        sb->error = -ENOMEM;
        return 0;
    }
    sb->entries[sb->count++] = (struct nat_win_stream_entry){ copy, size };
    return 1;
}

void nat_win_stream_buffer_clear(struct fsp_stream_buffer *sb)
{
    for (size_t i = 0; i < sb->count; i++)
        free(sb->entries[i].name);
    free(sb->entries);
    memset(sb, 0, sizeof *sb);
}

int nat_win_streams_on(const struct fsp_fs *fs)
{
    return (fs->vp.flags & FSP_VOL_NAMED_STREAMS) && fs->fi.lookup_stream;
}

int nat_win_stream_list(struct fsp_request *req, struct nat_node *n,
                    struct fsp_stream_buffer *sb)
{
    struct fsp_fs *fs = req_fs(req);
    memset(sb, 0, sizeof *sb);
    if (!nat_win_streams_on(fs) || !fs->fi.get_stream_info)
        return -EOPNOTSUPP;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "get_stream_info",
                             fs->fi.get_stream_info(req, n->ctx, sb));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (!r)
        r = sb->error;
    if (r)
        nat_win_stream_buffer_clear(sb);
    return r;
}

int nat_win_stream_open(struct fsp_request *req, struct nat_node *n,
                    const char *name, enum nat_win_sopen_how how,
                    struct nat_win_sopen *so)
{
    struct fsp_fs *fs = req_fs(req);
    memset(so, 0, sizeof *so);
    if (!nat_win_streams_on(fs))
        return -EOPNOTSUPP;
    int r;
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_check_result(fs, "lookup_stream",
                         fs->fi.lookup_stream(req, n->ctx, name, &so->ctx,
                                              &so->fi));
    if (r == 0 && how == WIN_SOPEN_NEW) {
        nat_unpeek(fs, so->ctx);
        so->ctx = NULL;
        r = -EEXIST;
    } else if (r == -ENOENT && how != WIN_SOPEN_EXISTING) {
        r = !fs->fi.create_stream ? -EOPNOTSUPP
            : nat_check_result(fs, "create_stream",
                               fs->fi.create_stream(req, n->ctx, name,
                                                    &so->ctx, &so->fi));
    }
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    if (r)
        return r;
    if (!(fs->fi.flags & FSP_IFACE_STATELESS_OPENS) && fs->fi.open) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "open",
                             fs->fi.open(req, so->ctx, O_RDWR, &so->file,
                                         &so->fi));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r) {
            nat_unpeek(fs, so->ctx);
            return r;
        }
        so->opened = 1;
    }
    return 0;
}

void nat_win_stream_close(struct fsp_fs *fs, struct nat_win_sopen *so)
{
    if (so->opened && fs->fi.close)
        fs->fi.close(fs, so->ctx, so->file);
    nat_unpeek(fs, so->ctx);
    memset(so, 0, sizeof *so);
}

/* Whole-stream I/O runs in the attribute request's callback, so a read
 * or write the file system pends (FSP_PENDING) cannot be waited for:
 * it counts as EIO here (docs/windows.md). */
int nat_win_stream_read_all(struct fsp_request *req, struct nat_win_sopen *so,
                        char *buf, uint64_t size)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.read)
        return -ENOSYS;
    for (uint64_t off = 0; off < size;) {
        uint32_t want = size - off > (1u << 20) ? 1u << 20
                                                : (uint32_t)(size - off);
        uint32_t got = 0;
        int r = nat_check_result(fs, "read",
                                 fs->fi.read(req, so->ctx, so->file, buf + off,
                                             off, want, &got));
        if (r == FSP_PENDING)
            return -EIO;
        if (r)
            return r;
        if (got == 0) {
            memset(buf + off, 0, size - off);
            break;
        }
        off += got;
    }
    return 0;
}

int nat_win_stream_write_all(struct fsp_request *req, struct nat_win_sopen *so,
                         const char *data, size_t len)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.write || !fs->fi.set_file_size)
        return -ENOSYS;
    struct fsp_file_info fi;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "set_file_size",
                             fs->fi.set_file_size(req, so->ctx, so->file, 0,
                                                  &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    for (size_t off = 0; !r && off < len;) {
        uint32_t want = len - off > (1u << 20) ? 1u << 20
                                               : (uint32_t)(len - off);
        uint32_t done = 0;
        r = nat_check_result(fs, "write",
                             fs->fi.write(req, so->ctx, so->file, data + off,
                                          off, want, &done, &fi));
        if (r == FSP_PENDING)
            r = -EIO;
        else if (!r && done == 0)
            r = -ENOSPC;
        off += done;
    }
    return r;
}

/* ---- FILE:STREAM paths ---- */

int nat_win_take_mount_options(struct fsp_fs *fs, char *opts, char *err,
                           size_t errlen)
{
    static const char key[] = "streams_interface=";
    char *out = opts;
    int r = 0;
    for (char *p = opts; *p;) {
        char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (strncmp(p, key, sizeof key - 1) == 0) {
            const char *v = p + sizeof key - 1;
            size_t vlen = len - (sizeof key - 1);
            if (vlen == 7 && strncmp(v, "windows", 7) == 0)
                fs->stream_paths = 1;
            else if ((vlen == 5 && strncmp(v, "xattr", 5) == 0) ||
                     (vlen == 4 && strncmp(v, "none", 4) == 0))
                fs->stream_paths = 0;
            else {
                snprintf(err, errlen, "streams_interface: windows, xattr "
                         "or none, not '%.*s'", (int)vlen, v);
                r = -EINVAL;
            }
        } else {
            if (out != opts)
                *out++ = ',';
            memmove(out, p, len);
            out += len;
        }
        p += len + (end ? 1 : 0);
    }
    *out = 0;
    if (!r && fs->stream_paths && !nat_win_streams_on(fs)) {
        snprintf(err, errlen, "streams_interface=windows: this volume has "
                 "no named streams");
        r = -EOPNOTSUPP;
    }
    return r;
}

int nat_win_is_stream_path(const struct fsp_fs *fs, const char *name)
{
    return fs->stream_paths && strchr(name, ':') != NULL;
}

/* Split "file:stream[:$DATA]"; file and stream get NUL-terminated copies. */
static int split_path(const struct fsp_fs *fs, const char *name, char *file,
                      char *stream)
{
    const char *colon = strchr(name, ':');
    size_t flen = (size_t)(colon - name);
    if (flen == 0)
        return -EINVAL;
    memcpy(file, name, flen);
    file[flen] = 0;
    uint32_t max = fs->vp.max_name_length ? fs->vp.max_name_length : 255;
    return nat_win_stream_name(colon + 1, strlen(colon + 1), max, stream, 256);
}

/* The stream's file, looked up without keeping it. */
static int host_of(struct fsp_request *req, struct nat_node *parent,
                   const char *name, void **host, char *stream,
                   struct fsp_file_info *hfi)
{
    struct fsp_fs *fs = req_fs(req);
    char file[256];
    int r = split_path(fs, name, file, stream);
    if (r)
        return r;
    return nat_peek_child(req, parent, file, host, hfi);
}

void nat_win_stream_path_lookup(struct fsp_request *req, struct nat_node *parent,
                            const char *name)
{
    struct fsp_fs *fs = req_fs(req);
    char stream[256];
    void *host = NULL, *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    struct fsp_file_info hfi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = host_of(req, parent, name, &host, stream, &hfi);
    if (!r)
        r = nat_check_result(fs, "lookup_stream",
                             fs->fi.lookup_stream(req, host, stream, &ctx,
                                                  &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    nat_unpeek(fs, host);
    /* No negative entry: the stream may appear through an attribute. */
    if (r)
        ses_reply_err(req->s, r == -EINVAL ? -ENOENT : r);
    else
        nat_reply_new_entry(req, parent, name, ctx, &fi);
}

void nat_win_stream_path_create(struct fsp_request *req, struct nat_node *parent,
                            const char *name, uint32_t mode, uint32_t flags,
                            int with_open)
{
    struct fsp_fs *fs = req_fs(req);
    char stream[256];
    void *host = NULL, *ctx = NULL, *file = NULL;
    struct fsp_file_info fi = { 0 };
    if (!S_ISREG(mode)) {
        ses_reply_err(req->s, -EINVAL);
        return;
    }
    struct fsp_file_info hfi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    int r = host_of(req, parent, name, &host, stream, &hfi);
    /* A read-only file gets no new streams (FSP_VOL_READONLY_ATTR): made
     * here, the stream would stay, empty, after its first write failed. */
    if (!r)
        r = nat_win_readonly_fi(fs, &hfi, -EACCES);
    if (!r)
        r = !fs->fi.create_stream ? -EOPNOTSUPP
            : nat_check_result(fs, "create_stream",
                               fs->fi.create_stream(req, host, stream, &ctx,
                                                    &fi));
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    nat_unpeek(fs, host);
    if (!r && with_open && fs->fi.open) {
        nat_guard_enter(fs, NAT_GUARD_SHARED);
        r = nat_check_result(fs, "open",
                             fs->fi.open(req, ctx, flags, &file, &fi));
        nat_guard_leave(fs, NAT_GUARD_SHARED);
        if (r)
            nat_unpeek(fs, ctx);
    }
    if (r)
        ses_reply_err(req->s, r);
    else if (with_open)
        nat_reply_new_create(req, parent, name, ctx, file, &fi);
    else
        nat_reply_new_entry(req, parent, name, ctx, &fi);
}

void nat_win_stream_path_unlink(struct fsp_request *req, struct nat_node *parent,
                            const char *name)
{
    struct fsp_fs *fs = req_fs(req);
    char stream[256];
    void *host = NULL;
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    struct fsp_file_info hfi = { 0 };
    int r = host_of(req, parent, name, &host, stream, &hfi);
    /* A read-only file's streams are not deleted (FSP_VOL_READONLY_ATTR). */
    if (!r)
        r = nat_win_readonly_fi(fs, &hfi, -EPERM);
    if (!r)
        r = !fs->fi.delete_stream ? -EOPNOTSUPP
            : nat_check_result(fs, "delete_stream",
                               fs->fi.delete_stream(req, host, stream));
    if (!r)
        nat_node_unname(fs, parent, name);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    nat_unpeek(fs, host);
    ses_reply_err(req->s, r);
}
