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
    ses_reply_err(req, -EROFS);
}

/* Opens for reading only go on; anything that could write is refused
 * before the file system sees it. */
static void op_open_ro(struct ses_request *req)
{
    const struct wire_open_in *in = ses_req_arg(req, sizeof *in);
    if (in && ((in->flags & O_ACCMODE) != O_RDONLY ||
               (in->flags & O_TRUNC))) {
        ses_reply_err(req, -EROFS);
        return;
    }
    nat_dispatch(req);
}

void nat_ll_ops_read_only(struct ses_ll_ops *ops)
{
    static const unsigned changes[] = {
        WIRE_OP_SETATTR, WIRE_OP_CREATE, WIRE_OP_TMPFILE, WIRE_OP_WRITE,
        WIRE_OP_MKNOD, WIRE_OP_MKDIR, WIRE_OP_SYMLINK, WIRE_OP_UNLINK,
        WIRE_OP_RMDIR, WIRE_OP_RENAME, WIRE_OP_RENAME2, WIRE_OP_LINK,
        WIRE_OP_FALLOCATE, WIRE_OP_SETXATTR, WIRE_OP_REMOVEXATTR,
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        if (ops->op[changes[i]])
            ops->op[changes[i]] = op_erofs;
    ops->op[WIRE_OP_OPEN] = op_open_ro;
}
