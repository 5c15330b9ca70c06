/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Read-only volumes (FSP_VOL_READ_ONLY or -o ro): the mount is made
 * read-only, and the handlers refuse every change as well.  The kernel's
 * flag alone is not enough: root can "mount -o remount,rw" a FUSE mount,
 * after which writes would reach a file system that was promised none.
 */
#include <errno.h>
#include <fcntl.h>

#include "native/fs_int.h"

static void op_erofs(struct ses_request *req)
{
    fsp_reply_err(req, -EROFS);
}

/* Opens for reading only go on; anything that could write is refused
 * before the file system sees it. */
static void op_open_ro(struct ses_request *req)
{
    const struct fsp_open_in *in = fsp_req_arg(req, sizeof *in);
    if (in && ((in->flags & O_ACCMODE) != O_RDONLY ||
               (in->flags & O_TRUNC))) {
        fsp_reply_err(req, -EROFS);
        return;
    }
    fsp_native_dispatch(req);
}

void fsp_native_ll_ops_read_only(struct fsp_ll_ops *ops)
{
    static const unsigned changes[] = {
        FSP_OP_SETATTR, FSP_OP_CREATE, FSP_OP_TMPFILE, FSP_OP_WRITE,
        FSP_OP_MKNOD, FSP_OP_MKDIR, FSP_OP_SYMLINK, FSP_OP_UNLINK,
        FSP_OP_RMDIR, FSP_OP_RENAME, FSP_OP_RENAME2, FSP_OP_LINK,
        FSP_OP_FALLOCATE, FSP_OP_SETXATTR, FSP_OP_REMOVEXATTR,
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        if (ops->op[changes[i]])
            ops->op[changes[i]] = op_erofs;
    ops->op[FSP_OP_OPEN] = op_open_ro;
}
