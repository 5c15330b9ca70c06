/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native API's low-level handler table, the operation guard, and the
 * one place where a file system's results are checked.
 */
#include <errno.h>
#include <stdio.h>

#include "native/fs_int.h"

void fsp_guard_enter(struct fsp_fs *fs, enum fsp_guard g)
{
    if (fs->vp.flags & FSP_VOL_COARSE_GUARD)
        g = FSP_GUARD_EXCLUSIVE;
    if (g == FSP_GUARD_SHARED)
        pthread_rwlock_rdlock(&fs->guard);
    else if (g == FSP_GUARD_EXCLUSIVE)
        pthread_rwlock_wrlock(&fs->guard);
}

void fsp_guard_leave(struct fsp_fs *fs, enum fsp_guard g)
{
    if (fs->vp.flags & FSP_VOL_COARSE_GUARD)
        g = FSP_GUARD_EXCLUSIVE;
    if (g != FSP_GUARD_NONE)
        pthread_rwlock_unlock(&fs->guard);
}

int fsp_check_result(struct fsp_fs *fs, const char *what, int r)
{
    if (r == 0 || (r < 0 && r >= -4095) || r == FSP_PENDING)
        return r;
    fprintf(stderr, "fsp: %s returned %d, which is not 0 or -errno; "
            "answering EIO\n", what, r);
    return -EIO;
}

static void ll_init(void *userdata, struct fsp_conn *conn)
{
    struct fsp_fs *fs = userdata;
    /* Export (NFS) needs finding a node by its index alone: only file
     * systems with lookup_index can (docs/export.md). */
    if (!fs->fi.lookup_index)
        conn->want_flags &= ~(uint64_t)FSP_EXPORT_SUPPORT;
    /* Without OPEN (stateless) nobody would truncate for open(O_TRUNC):
     * the kernel leaves it to OPEN under atomic_o_trunc.  Without the
     * flag it truncates through SETATTR itself. */
    if (fs->fi.flags & FSP_IFACE_STATELESS_OPENS)
        conn->want_flags &= ~(uint64_t)FSP_ATOMIC_O_TRUNC;
    /* ACLs: the kernel then checks permissions itself (as with
     * default_permissions).  A default ACL replaces the umask, so the
     * kernel must send modes unmasked (DONT_MASK) and leave the umask to
     * us; we need both or neither. */
    const uint64_t acl = (uint64_t)FSP_POSIX_ACL | FSP_DONT_MASK;
    if ((fs->vp.flags & FSP_VOL_POSIX_ACL) &&
        (conn->kernel_flags & acl) == acl) {
        conn->want_flags |= acl;
        fs->posix_acl = 1;
    }
    /* Backing files on an ordinary (unstacked) file system. */
    if (fs->vp.flags & FSP_VOL_PASSTHROUGH) {
        conn->want_flags |= FSP_PASSTHROUGH;
        conn->max_stack_depth = 1;
        /* Writes to a backing file never reach us, so we would never see
         * the WRITE that asks to clear set-user-ID: leave the clearing
         * to the kernel, which then sends a SETATTR of the mode.  (Its
         * rule keeps set-group-ID without group execute.) */
        conn->want_flags &= ~(uint64_t)FSP_HANDLE_KILLPRIV_V2;
    } else if ((fs->vp.flags & FSP_VOL_WRITEBACK_CACHE) ||
               fs->mopts.writeback_cache) {
        /* The kernel refuses the two together; passthrough wins. */
        conn->want_flags |= FSP_WRITEBACK_CACHE;
    }
}

/* The native handler of each opcode. */
static const nat_handler handlers[FSP_LL_OPS_MAX] = {
    [FSP_OP_LOOKUP] = fsp_op_lookup,
    [FSP_OP_FORGET] = fsp_op_forget,
    [FSP_OP_BATCH_FORGET] = fsp_op_batch_forget,
    [FSP_OP_GETATTR] = fsp_op_getattr,
    [FSP_OP_SETATTR] = fsp_op_setattr,
    [FSP_OP_STATX] = fsp_op_statx,
    [FSP_OP_STATFS] = fsp_op_statfs,
    [FSP_OP_OPEN] = fsp_op_open,
    [FSP_OP_CREATE] = fsp_op_create,
    [FSP_OP_TMPFILE] = fsp_op_tmpfile,
    [FSP_OP_READ] = fsp_op_read,
    [FSP_OP_WRITE] = fsp_op_write,
    [FSP_OP_FLUSH] = fsp_op_flush,
    [FSP_OP_RELEASE] = fsp_op_release,
    [FSP_OP_FSYNC] = fsp_op_fsync,
    [FSP_OP_OPENDIR] = fsp_op_opendir,
    [FSP_OP_READDIR] = fsp_op_readdir,
    [FSP_OP_READDIRPLUS] = fsp_op_readdir,
    [FSP_OP_RELEASEDIR] = fsp_op_releasedir,
    [FSP_OP_FSYNCDIR] = fsp_op_fsync,
    [FSP_OP_MKNOD] = fsp_op_mknod,
    [FSP_OP_MKDIR] = fsp_op_mkdir,
    [FSP_OP_SYMLINK] = fsp_op_symlink,
    [FSP_OP_UNLINK] = fsp_op_unlink,
    [FSP_OP_RMDIR] = fsp_op_rmdir,
    [FSP_OP_RENAME] = fsp_op_rename,
    [FSP_OP_RENAME2] = fsp_op_rename,
    [FSP_OP_LINK] = fsp_op_link,
    [FSP_OP_FALLOCATE] = fsp_op_fallocate,
    [FSP_OP_LSEEK] = fsp_op_lseek,
    [FSP_OP_READLINK] = fsp_op_readlink,
    [FSP_OP_GETXATTR] = fsp_op_getxattr,
    [FSP_OP_SETXATTR] = fsp_op_setxattr,
    [FSP_OP_LISTXATTR] = fsp_op_listxattr,
    [FSP_OP_REMOVEXATTR] = fsp_op_removexattr,
    [FSP_OP_NOTIFY_REPLY] = fsp_op_notify_reply,
};

/* The one entry from the session: wrap its request in the native one
 * the handler and the file system's callbacks see.  A request the file
 * system pended moved its state to a heap copy (fsp_request_pend); what
 * is left here is dropped once the handler is done. */
void fsp_native_dispatch(struct ses_request *sr)
{
    struct fsp_request req = {
        .s = sr,
        .fs = fsp_session_userdata(sr->se),
    };
    handlers[sr->opcode](&req);
    fsp_request_drop(&req);
}

void fsp_native_ll_ops(struct fsp_ll_ops *ops)
{
    *ops = (struct fsp_ll_ops){ .init = ll_init };
    for (size_t i = 0; i < FSP_LL_OPS_MAX; i++)
        if (handlers[i])
            ops->op[i] = fsp_native_dispatch;
}
