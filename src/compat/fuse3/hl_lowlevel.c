/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The low-level handler table a struct fuse registers on its session,
 * and the two handlers that bracket a session's life: init (the file
 * system's init sees the connection and the library's config) and
 * destroy.
 */
#include <string.h>

#include "compat/fuse3/hl.h"

static void hl_ll_init(void *userdata, struct fuse_conn_info *conn)
{
    struct fuse *f = userdata;
    hl_enter_fuse(f);
    fuse_fs_init(f->fs, conn, &f->conf);
    /* init may have turned debug on or off, or intr on: libfuse 3.14
     * installs intr_signal's handler only in fuse_new, so a program that
     * sets cfg->intr in init (the only way 3.14 offers) dies of its
     * first interrupt there; here it gets the handler now. */
    f->fs->debug = f->conf.debug;
    hl_intr_init(f);
    f->init_done = 1;
    hl_leave();
}

static void hl_ll_destroy(void *userdata)
{
    struct fuse *f = userdata;
    if (!f->fs)
        return;
    hl_enter_fuse(f);
    fuse_fs_destroy(f->fs);
    f->fs = NULL;
    hl_leave();
}

void hl_lowlevel_ops(struct fuse *f, struct fuse_lowlevel_ops *op)
{
    const struct fuse_operations *fo = &f->fs->op;
    memset(op, 0, sizeof *op);
    op->init = hl_ll_init;
    op->destroy = hl_ll_destroy;
    op->lookup = hl_ll_lookup;
    op->forget = hl_ll_forget;
    op->forget_multi = hl_ll_forget_multi;
    op->getattr = hl_ll_getattr;
    op->setattr = hl_ll_setattr;
    op->readlink = hl_ll_readlink;
    op->mknod = hl_ll_mknod;
    op->mkdir = hl_ll_mkdir;
    op->unlink = hl_ll_unlink;
    op->rmdir = hl_ll_rmdir;
    op->symlink = hl_ll_symlink;
    op->rename = hl_ll_rename;
    op->link = hl_ll_link;
    op->open = hl_ll_open;
    op->read = hl_ll_read;
    op->write_buf = hl_ll_write_buf;
    op->flush = hl_ll_flush;
    op->release = hl_ll_release;
    op->fsync = hl_ll_fsync;
    op->opendir = hl_ll_opendir;
    op->readdir = hl_ll_readdir;
    op->readdirplus = hl_ll_readdirplus;
    op->releasedir = hl_ll_releasedir;
    op->fsyncdir = hl_ll_fsyncdir;
    op->statfs = hl_ll_statfs;
    op->setxattr = hl_ll_setxattr;
    op->getxattr = hl_ll_getxattr;
    op->listxattr = hl_ll_listxattr;
    op->removexattr = hl_ll_removexattr;
    op->access = hl_ll_access;
    /* Without create the kernel falls back to mknod and open. */
    if (fo->create)
        op->create = hl_ll_create;
    /* Without lock callbacks the kernel keeps locks itself, which is
     * right for a file system that has no opinion about them. */
    if (fo->lock) {
        op->getlk = hl_ll_getlk;
        op->setlk = hl_ll_setlk;
    }
    if (fo->flock)
        op->flock = hl_ll_flock;
    op->bmap = hl_ll_bmap;
    op->ioctl = hl_ll_ioctl;
    if (fo->poll)
        op->poll = hl_ll_poll;
    op->fallocate = hl_ll_fallocate;
    op->copy_file_range = hl_ll_copy_file_range;
    op->lseek = hl_ll_lseek;
#if FSP_FUSE_ABI >= 318
    if (fo->statx)
        op->statx = hl_ll_statx;
#endif
}
