/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Open files: open and create apply the caching options (direct_io,
 * kernel_cache, auto_cache) and count the node's opens; flush and
 * release end them.  An open file that loses its name is "hidden"
 * (renamed to .fuse_hidden...) unless hard_remove, so that a path still
 * reaches it, and removed for real at its last release.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "compat/fuse3/hl.h"

int hl_is_open(struct fuse *f, uint64_t dir, const char *name)
{
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_child_locked(f, dir, name);
    int open = n && n->open_count > 0;
    pthread_mutex_unlock(&f->lock);
    return open;
}

int hl_hide(struct fuse *f, uint64_t dir, const char *name)
{
    char *oldpath;
    int res = hl_path(f, dir, name, 0, &oldpath);
    if (res)
        return res;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_child_locked(f, dir, name);
    uint64_t id = n ? n->nodeid : 0;
    pthread_mutex_unlock(&f->lock);

    /* A name neither the table nor the file system knows. */
    char hidden[64];
    char *newpath = NULL;
    res = -EBUSY;
    for (int tries = 0; tries < 10; tries++) {
        pthread_mutex_lock(&f->lock);
        unsigned ctr = ++f->hidectr;
        snprintf(hidden, sizeof hidden, ".fuse_hidden%08x%08x",
                 (unsigned)id, ctr);
        int known = hl_node_child_locked(f, dir, hidden) != NULL;
        pthread_mutex_unlock(&f->lock);
        if (known)
            continue;
        free(newpath);
        if (hl_path(f, dir, hidden, 0, &newpath)) {
            newpath = NULL;
            break;
        }
        struct stat st;
        if (fuse_fs_getattr(f->fs, newpath, &st, NULL) == -ENOENT) {
            res = 0;
            break;
        }
    }
    if (res == 0)
        res = fuse_fs_rename(f->fs, oldpath, newpath, 0);
    if (res == 0)
        res = hl_node_rename(f, dir, name, dir, hidden, 0, 1);
    free(oldpath);
    free(newpath);
    return res;
}

/* Count an open of nodeid (the kernel holds a lookup on it meanwhile). */
static void opened(struct fuse *f, uint64_t nodeid)
{
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    if (n)
        n->open_count++;
    pthread_mutex_unlock(&f->lock);
}

/*
 * auto_cache: keep the kernel's cached data only if size and mtime are
 * what they were when it was cached; ask the file system now.
 */
static void auto_cache(struct fuse *f, uint64_t nodeid, const char *path,
                       struct fuse_file_info *fi)
{
    struct stat st;
    memset(&st, 0, sizeof st);
    if (path && fuse_fs_getattr(f->fs, path, &st, fi) == 0)
        hl_note_stat(f, nodeid, &st); /* clears cache_valid on a change */
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    if (n) {
        if (n->cache_valid)
            fi->keep_cache = 1;
        n->cache_valid = 1;
    }
    pthread_mutex_unlock(&f->lock);
}

static void apply_cache_opts(struct fuse *f, uint64_t nodeid,
                             const char *path, struct fuse_file_info *fi)
{
    if (f->conf.direct_io)
        fi->direct_io = 1;
#if FSP_FUSE_ABI >= 318
    if (fi->direct_io && f->conf.parallel_direct_writes)
        fi->parallel_direct_writes = 1;
#endif
    if (f->conf.kernel_cache)
        fi->keep_cache = 1;
    if (f->conf.auto_cache)
        auto_cache(f, nodeid, path, fi);
}

/* The last release of a hidden file removes it. */
static void closed(struct fuse *f, uint64_t nodeid)
{
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    int unlink_it = 0;
    uint64_t dir = 0;
    char *name = NULL;
    if (n && n->open_count > 0 && --n->open_count == 0 && n->hidden &&
        n->name) {
        unlink_it = 1;
        dir = n->parent->nodeid;
        name = strdup(n->name);
        n->hidden = 0;
    }
    pthread_mutex_unlock(&f->lock);
    if (unlink_it && name) {
        char *path;
        if (hl_path(f, dir, name, 0, &path) == 0) {
            if (fuse_fs_unlink(f->fs, path) == 0)
                hl_node_remove_name(f, dir, name);
            free(path);
        }
    }
    free(name);
}

void hl_ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_open(f->fs, path, fi);
    if (res == 0) {
        apply_cache_opts(f, ino, path, fi);
        opened(f, ino);
        if (fuse_reply_open(req, fi) != 0) {
            /* The opener is gone: nobody will release this open. */
            fuse_fs_release(f->fs, path, fi);
            closed(f, ino);
        }
    } else {
        hl_reply_err(req, res);
    }
    free(path);
    hl_leave();
}

void hl_ll_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                  mode_t mode, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    struct fuse_entry_param e;
    int res = hl_path(f, parent, name, 0, &path);
    if (res) {
        hl_reply_err(req, res);
        hl_leave();
        return;
    }
    res = fuse_fs_create(f->fs, path, mode, fi);
    if (res == 0) {
        res = hl_lookup_path(f, parent, name, path, &e, fi);
        if (res)
            fuse_fs_release(f->fs, path, fi);
        else if (!S_ISREG(e.attr.st_mode)) {
            /* Something other than a file was made: the kernel would
             * refuse it anyway. */
            fuse_fs_release(f->fs, path, fi);
            hl_node_forget(f, e.ino, 1);
            res = -EIO;
        }
    }
    if (res == 0) {
        /* create needs no auto_cache check: the file is new. */
        if (f->conf.direct_io)
            fi->direct_io = 1;
#if FSP_FUSE_ABI >= 318
        if (fi->direct_io && f->conf.parallel_direct_writes)
            fi->parallel_direct_writes = 1;
#endif
        if (f->conf.kernel_cache)
            fi->keep_cache = 1;
        opened(f, e.ino);
        if (fuse_reply_create(req, &e, fi) != 0) {
            fuse_fs_release(f->fs, path, fi);
            closed(f, e.ino);
            hl_node_forget(f, e.ino, 1);
        }
    } else {
        hl_reply_err(req, res);
    }
    free(path);
    hl_leave();
}

/* flush, and with it the release of the owner's POSIX locks when the
 * file system keeps locks itself. */
static int do_flush(struct fuse *f, const char *path,
                    struct fuse_file_info *fi)
{
    int res = fuse_fs_flush(f->fs, path, fi);
    if (f->fs->op.lock) {
        struct flock lk;
        memset(&lk, 0, sizeof lk);
        lk.l_type = F_UNLCK;
        lk.l_whence = SEEK_SET;
        fuse_fs_lock(f->fs, path, fi, F_SETLK, &lk);
        if (res == -ENOSYS)
            res = 0;
    }
    return res;
}

void hl_ll_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, f->conf.nullpath_ok, &path);
    if (res == 0)
        res = do_flush(f, path, fi);
    free(path);
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    /* release always happens, path or not: the handle must be freed. */
    if (hl_path(f, ino, NULL, 1, &path))
        path = NULL;
    if (fi->flush)
        do_flush(f, path, fi);
    if (fi->flock_release && f->fs->op.flock)
        fuse_fs_flock(f->fs, path, fi, LOCK_UN);
    fuse_fs_release(f->fs, path, fi);
    free(path);
    closed(f, ino);
    fuse_reply_err(req, 0);
    hl_leave();
}
