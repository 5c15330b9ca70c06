/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names: lookup and forget, and the operations that create, remove or
 * move a name.  Each builds the path(s) from the node table, calls the
 * file system, and on success updates the table to match; a new name is
 * answered with a lookup of its path (getattr), as the kernel needs the
 * new inode's attributes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

/* Answer a name-creating request: the entry, or the error. */
static void reply_entry(fuse_req_t req, struct fuse *f, uint64_t parent,
                        const char *name, const char *path, int res)
{
    struct fuse_entry_param e;
    if (res == 0)
        res = hl_lookup_path(f, parent, name, path, &e, NULL);
    if (res == 0) {
        /* The kernel may be gone (interrupted): then nobody holds the
         * lookup we just counted. */
        if (fuse_reply_entry(req, &e) != 0)
            hl_node_forget(f, e.ino, 1);
    } else {
        hl_reply_err(req, res);
    }
}

void hl_ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse *f = hl_enter(req);
    char *path;
    struct fuse_entry_param e;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        res = hl_lookup_path(f, parent, name, path, &e, NULL);
        free(path);
    }
    if (res == -ENOENT && f->conf.negative_timeout != 0.0) {
        /* Let the kernel remember the name is missing. */
        memset(&e, 0, sizeof e);
        e.entry_timeout = f->conf.negative_timeout;
        fuse_reply_entry(req, &e);
    } else if (res == 0) {
        if (fuse_reply_entry(req, &e) != 0)
            hl_node_forget(f, e.ino, 1);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    struct fuse *f = fuse_req_userdata(req);
    hl_node_forget(f, ino, nlookup);
    fuse_reply_none(req);
}

void hl_ll_forget_multi(fuse_req_t req, size_t count,
                        struct fuse_forget_data *forgets)
{
    struct fuse *f = fuse_req_userdata(req);
    for (size_t i = 0; i < count; i++)
        hl_node_forget(f, forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

void hl_ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                 mode_t mode, dev_t rdev)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        res = -ENOSYS;
        /* A regular file from a file system with create but no mknod:
         * create it and close it again. */
        if (S_ISREG(mode) && !f->fs->op.mknod && f->fs->op.create) {
            struct fuse_file_info fi;
            memset(&fi, 0, sizeof fi);
            fi.flags = O_CREAT | O_EXCL | O_WRONLY;
            res = fuse_fs_create(f->fs, path, mode, &fi);
            if (res == 0)
                fuse_fs_release(f->fs, path, &fi);
        }
        if (res == -ENOSYS)
            res = fuse_fs_mknod(f->fs, path, mode, rdev);
        reply_entry(req, f, parent, name, path, res);
        free(path);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                 mode_t mode)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        res = fuse_fs_mkdir(f->fs, path, mode);
        reply_entry(req, f, parent, name, path, res);
        free(path);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                   const char *name)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        res = fuse_fs_symlink(f->fs, link, path);
        reply_entry(req, f, parent, name, path, res);
        free(path);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
                const char *newname)
{
    struct fuse *f = hl_enter(req);
    char *oldpath = NULL, *newpath = NULL;
    int res = hl_path(f, ino, NULL, 0, &oldpath);
    if (res == 0)
        res = hl_path(f, newparent, newname, 0, &newpath);
    if (res == 0) {
        res = fuse_fs_link(f->fs, oldpath, newpath);
        reply_entry(req, f, newparent, newname, newpath, res);
    } else {
        hl_reply_err(req, res);
    }
    free(oldpath);
    free(newpath);
    hl_leave();
}

void hl_ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        /* An open file keeps its data until closed: without hard_remove
         * it is renamed out of sight and removed at its last release. */
        if (!f->conf.hard_remove && hl_is_open(f, parent, name)) {
            res = hl_hide(f, parent, name);
        } else {
            res = fuse_fs_unlink(f->fs, path);
            if (res == 0)
                hl_node_remove_name(f, parent, name);
        }
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, parent, name, 0, &path);
    if (res == 0) {
        res = fuse_fs_rmdir(f->fs, path);
        if (res == 0)
            hl_node_remove_name(f, parent, name);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                  fuse_ino_t newparent, const char *newname,
                  unsigned int flags)
{
    struct fuse *f = hl_enter(req);
    char *oldpath = NULL, *newpath = NULL;
    int exchange = (flags & RENAME_EXCHANGE) != 0;
    int res = hl_path(f, parent, name, 0, &oldpath);
    if (res == 0)
        res = hl_path(f, newparent, newname, 0, &newpath);
    /* A replaced file that is still open is hidden first, like an
     * unlinked one, so its readers keep their data. */
    if (res == 0 && !exchange && !f->conf.hard_remove &&
        hl_is_open(f, newparent, newname))
        res = hl_hide(f, newparent, newname);
    if (res == 0)
        res = fuse_fs_rename(f->fs, oldpath, newpath, flags);
    if (res == 0)
        res = hl_node_rename(f, parent, name, newparent, newname, exchange,
                             0);
    free(oldpath);
    free(newpath);
    hl_reply_err(req, res);
    hl_leave();
}
