/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Space: fallocate (allocate, keep size, punch hole) and lseek with
 * SEEK_DATA/SEEK_HOLE.  copy_file_range has no callback: the kernel
 * copies through read and write itself when fsp answers ENOSYS.
 */
#include <errno.h>
#include <stdint.h>

#include "native/ops_common.h"

/* The modes allocate() promises; tmpfs supports exactly these. */
static int alloc_mode_ok(uint32_t mode)
{
    return mode == 0 || mode == FSP_ALLOC_KEEP_SIZE ||
           mode == (FSP_ALLOC_PUNCH_HOLE | FSP_ALLOC_KEEP_SIZE);
}

void nat_op_fallocate(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    const struct wire_fallocate_in *in = ses_req_arg(req->s, sizeof *in);
    int r = !n ? -ESTALE : !in ? -EINVAL : 0;
    if (!r && !alloc_mode_ok(in->mode))
        r = -EOPNOTSUPP;
    if (!r && in->length == 0)
        r = -EINVAL;
    if (!r && (in->offset > INT64_MAX || in->length > INT64_MAX - in->offset))
        r = -EFBIG;
    if (!r && fs->vp.max_file_size &&
        in->offset + in->length > fs->vp.max_file_size)
        r = -EFBIG;
    /* ENOSYS: the kernel stops asking and answers EOPNOTSUPP itself. */
    if (!r && !fs->fi.allocate)
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct nat_open *o = open_of(in->fh);
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "allocate",
                         fs->fi.allocate(req, n->ctx, o ? o->file : NULL,
                                         in->offset, in->length, in->mode,
                                         &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    ses_reply_err(req->s, r);
}

void nat_op_lseek(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *n = nat_req_node(req);
    const struct wire_lseek_in *in = ses_req_arg(req->s, sizeof *in);
    int r = !n ? -ESTALE : !in ? -EINVAL : 0;
    if (!r && in->whence != FSP_SEEK_DATA && in->whence != FSP_SEEK_HOLE)
        r = -EINVAL;
    /* ENOSYS: the kernel stops asking and treats the file as all data.
     * Also under writeback caching: the kernel asks without flushing the
     * dirty pages it holds, so the file system's map of data and holes
     * (and its size) can be stale, and "all data up to the kernel's
     * size" is the answer that is always true. */
    if (!r && (!fs->fi.seek || (ses_conn(req->s->se)->want_flags &
                                WIRE_WRITEBACK_CACHE)))
        r = -ENOSYS;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct nat_open *o = open_of(in->fh);
    uint64_t result = 0;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    r = nat_check_result(fs, "seek",
                         fs->fi.seek(req, n->ctx, o ? o->file : NULL,
                                     in->offset, (int)in->whence, &result));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    struct wire_lseek_out out = { .offset = result };
    ses_reply_buf(req->s, &out, sizeof out);
}
