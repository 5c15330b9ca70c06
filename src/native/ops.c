/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native API's low-level handler table, the operation guard, and the
 * one place where a file system's results are checked.
 */
#include <errno.h>
#include <stdio.h>

#include "native/fs_int.h"

void nat_guard_enter(struct fsp_fs *fs, enum nat_guard g)
{
    if (fs->vp.flags & FSP_VOL_COARSE_GUARD)
        g = NAT_GUARD_EXCLUSIVE;
    if (g == NAT_GUARD_SHARED)
        pthread_rwlock_rdlock(&fs->guard);
    else if (g == NAT_GUARD_EXCLUSIVE)
        pthread_rwlock_wrlock(&fs->guard);
}

void nat_guard_leave(struct fsp_fs *fs, enum nat_guard g)
{
    if (fs->vp.flags & FSP_VOL_COARSE_GUARD)
        g = NAT_GUARD_EXCLUSIVE;
    if (g != NAT_GUARD_NONE)
        pthread_rwlock_unlock(&fs->guard);
}

int nat_check_result(struct fsp_fs *fs, const char *what, int r)
{
    if (r == 0 || (r < 0 && r >= -4095) || r == FSP_PENDING)
        return r;
    fprintf(stderr, "fsp: %s returned %d, which is not 0 or -errno; "
            "answering EIO\n", what, r);
    return -EIO;
}

static void ll_init(void *userdata, struct ses_conn *conn)
{
    struct fsp_fs *fs = userdata;
    /* Export (NFS) needs finding a node by its index alone: only file
     * systems with lookup_index can (docs/export.md). */
    if (!fs->fi.lookup_index)
        conn->want_flags &= ~(uint64_t)WIRE_EXPORT_SUPPORT;
    /* Without OPEN (stateless) nobody would truncate for open(O_TRUNC):
     * the kernel leaves it to OPEN under atomic_o_trunc.  Without the
     * flag it truncates through SETATTR itself. */
    if (fs->fi.flags & FSP_IFACE_STATELESS_OPENS)
        conn->want_flags &= ~(uint64_t)WIRE_ATOMIC_O_TRUNC;
    /* ACLs: the kernel then checks permissions itself (as with
     * default_permissions).  A default ACL replaces the umask, so the
     * kernel must send modes unmasked (DONT_MASK) and leave the umask to
     * us; we need both or neither. */
    const uint64_t acl = (uint64_t)WIRE_POSIX_ACL | WIRE_DONT_MASK;
    if ((fs->vp.flags & FSP_VOL_POSIX_ACL) &&
        (conn->kernel_flags & acl) == acl) {
        conn->want_flags |= acl;
        fs->posix_acl = 1;
    }
    /* Backing files on an ordinary (unstacked) file system. */
    if (fs->vp.flags & FSP_VOL_PASSTHROUGH) {
        conn->want_flags |= WIRE_PASSTHROUGH;
        conn->max_stack_depth = 1;
        /* HANDLE_KILLPRIV_V2 stays: it makes the kernel mark inodes
         * without set-ID bits or security.capability as needing no
         * check (SB_NOSEC), which spares every write a GETXATTR round
         * trip.  Writes to a backing file never reach us with the kill
         * flag, but the kernel still sees the set-ID bits before such a
         * write and then sends a SETATTR with no attribute in it:
         * nat_op_setattr reads that as the kill request it is. */
    } else if ((fs->vp.flags & FSP_VOL_WRITEBACK_CACHE) ||
               fs->mopts.writeback_cache) {
        /* The kernel refuses the two together; passthrough wins. */
        conn->want_flags |= WIRE_WRITEBACK_CACHE;
    }
}

/* The native handler of each opcode. */
static const nat_handler handlers[SES_LL_OPS_MAX] = {
    [WIRE_OP_LOOKUP] = nat_op_lookup,
    [WIRE_OP_FORGET] = nat_op_forget,
    [WIRE_OP_BATCH_FORGET] = nat_op_batch_forget,
    [WIRE_OP_GETATTR] = nat_op_getattr,
    [WIRE_OP_SETATTR] = nat_op_setattr,
    [WIRE_OP_STATX] = nat_op_statx,
    [WIRE_OP_STATFS] = nat_op_statfs,
    [WIRE_OP_OPEN] = nat_op_open,
    [WIRE_OP_CREATE] = nat_op_create,
    [WIRE_OP_TMPFILE] = nat_op_tmpfile,
    [WIRE_OP_READ] = nat_op_read,
    [WIRE_OP_WRITE] = nat_op_write,
    [WIRE_OP_FLUSH] = nat_op_flush,
    [WIRE_OP_RELEASE] = nat_op_release,
    [WIRE_OP_FSYNC] = nat_op_fsync,
    [WIRE_OP_OPENDIR] = nat_op_opendir,
    [WIRE_OP_READDIR] = nat_op_readdir,
    [WIRE_OP_READDIRPLUS] = nat_op_readdir,
    [WIRE_OP_RELEASEDIR] = nat_op_releasedir,
    [WIRE_OP_FSYNCDIR] = nat_op_fsync,
    [WIRE_OP_MKNOD] = nat_op_mknod,
    [WIRE_OP_MKDIR] = nat_op_mkdir,
    [WIRE_OP_SYMLINK] = nat_op_symlink,
    [WIRE_OP_UNLINK] = nat_op_unlink,
    [WIRE_OP_RMDIR] = nat_op_rmdir,
    [WIRE_OP_RENAME] = nat_op_rename,
    [WIRE_OP_RENAME2] = nat_op_rename,
    [WIRE_OP_LINK] = nat_op_link,
    [WIRE_OP_FALLOCATE] = nat_op_fallocate,
    [WIRE_OP_LSEEK] = nat_op_lseek,
    [WIRE_OP_READLINK] = nat_op_readlink,
    [WIRE_OP_GETXATTR] = nat_op_getxattr,
    [WIRE_OP_SETXATTR] = nat_op_setxattr,
    [WIRE_OP_LISTXATTR] = nat_op_listxattr,
    [WIRE_OP_REMOVEXATTR] = nat_op_removexattr,
    [WIRE_OP_NOTIFY_REPLY] = nat_op_notify_reply,
};

/* The one entry from the session: wrap its request in the native one
 * the handler and the file system's callbacks see.  A request the file
 * system pended moved its state to a heap copy (fsp_request_pend); what
 * is left here is dropped once the handler is done. */
void nat_dispatch(struct ses_request *sr)
{
    struct fsp_request req = {
        .s = sr,
        .fs = ses_userdata(sr->se),
    };
    handlers[sr->opcode](&req);
    nat_request_drop(&req);
}

void nat_ll_ops(struct ses_ll_ops *ops)
{
    *ops = (struct ses_ll_ops){ .init = ll_init };
    for (size_t i = 0; i < SES_LL_OPS_MAX; i++)
        if (handlers[i])
            ops->op[i] = nat_dispatch;
}
