/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attributes: getattr and setattr (one chmod/chown/truncate/utimens call
 * each for what changed, then a getattr for the reply), readlink,
 * statfs, extended attributes and access, plus how a stat is adjusted
 * by the options (use_ino, umask, uid, gid) before the kernel sees it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

void hl_fix_stat(struct fuse *f, uint64_t nodeid, struct stat *st)
{
    /* Without use_ino the kernel sees our nodeid as the inode number, so
     * that it is stable and unique whatever the file system reports. */
    if (!f->conf.use_ino)
        st->st_ino = (ino_t)nodeid;
    if (f->conf.set_mode) {
        mode_t mask = f->conf.umask;
#if FSP_FUSE_ABI >= 318
        /* libfuse 3.17: dmask for directories, fmask for the rest, each
         * only when given; umask otherwise */
        if (f->conf.dmask && S_ISDIR(st->st_mode))
            mask = f->conf.dmask;
        else if (f->conf.fmask)
            mask = f->conf.fmask;
#endif
        st->st_mode = (st->st_mode & S_IFMT) | (0777 & ~mask);
    }
    if (f->conf.set_uid)
        st->st_uid = f->conf.uid;
    if (f->conf.set_gid)
        st->st_gid = f->conf.gid;
}

void hl_note_stat(struct fuse *f, uint64_t nodeid, const struct stat *st)
{
    if (!f->conf.auto_cache)
        return;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    if (n) {
        /* A change seen here means cached data is stale: the next open
         * must not keep it (hl_open.c decides from cache_valid). */
        int same = n->size == st->st_size &&
                   n->mtime.tv_sec == st->st_mtim.tv_sec &&
                   n->mtime.tv_nsec == st->st_mtim.tv_nsec;
        if (n->cache_valid && !same)
            n->cache_valid = 0;
        n->size = st->st_size;
        n->mtime = st->st_mtim;
        clock_gettime(CLOCK_MONOTONIC, &n->stat_at);
    }
    pthread_mutex_unlock(&f->lock);
}

int hl_lookup_path(struct fuse *f, uint64_t parent, const char *name,
                   const char *path, struct fuse_entry_param *e,
                   struct fuse_file_info *fi)
{
    memset(e, 0, sizeof *e);
    int res = fuse_fs_getattr(f->fs, path, &e->attr, fi);
    if (res)
        return res;
    struct hl_node *n = hl_node_lookup(f, parent, name);
    if (!n)
        return -ENOMEM;
    e->ino = n->nodeid;
    e->generation = n->generation;
    e->entry_timeout = f->conf.entry_timeout;
    e->attr_timeout = f->conf.attr_timeout;
    hl_fix_stat(f, e->ino, &e->attr);
    hl_note_stat(f, e->ino, &e->attr);
    return 0;
}

void hl_ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    struct stat st;
    memset(&st, 0, sizeof st);
    /* An open file may be asked about after it was unlinked. */
    int res = hl_path(f, ino, NULL, fi && f->conf.nullpath_ok, &path);
    if (res == 0)
        res = fuse_fs_getattr(f->fs, path, &st, fi);
    free(path);
    if (res == 0) {
        /* A hidden file was unlinked as far as the caller knows; its
         * .fuse_hidden name is not a link to count (libfuse does the
         * same). */
        pthread_mutex_lock(&f->lock);
        struct hl_node *n = hl_node_get_locked(f, ino);
        if (n && n->hidden && st.st_nlink > 0)
            st.st_nlink--;
        pthread_mutex_unlock(&f->lock);
        hl_fix_stat(f, ino, &st);
        hl_note_stat(f, ino, &st);
        fuse_reply_attr(req, &st, f->conf.attr_timeout);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

static struct timespec to_ts(const struct timespec *t, int now, int set)
{
    struct timespec r = { 0, UTIME_OMIT };
    if (now)
        r.tv_nsec = UTIME_NOW;
    else if (set)
        r = *t;
    return r;
}

void hl_ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                   int valid, struct fuse_file_info *fi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, fi && f->conf.nullpath_ok, &path);
    struct fuse_fs *fs = f->fs;
    if (res == 0 && (valid & FUSE_SET_ATTR_MODE))
        res = fuse_fs_chmod(fs, path, attr->st_mode, fi);
    if (res == 0 && (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
        uid_t uid = (valid & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
        gid_t gid = (valid & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;
        res = fuse_fs_chown(fs, path, uid, gid, fi);
    }
    if (res == 0 && (valid & FUSE_SET_ATTR_SIZE))
        res = fuse_fs_truncate(fs, path, attr->st_size, fi);
    if (res == 0 && (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME))) {
        struct timespec tv[2] = {
            to_ts(&attr->st_atim, valid & FUSE_SET_ATTR_ATIME_NOW,
                  valid & FUSE_SET_ATTR_ATIME),
            to_ts(&attr->st_mtim, valid & FUSE_SET_ATTR_MTIME_NOW,
                  valid & FUSE_SET_ATTR_MTIME),
        };
        res = fuse_fs_utimens(fs, path, tv, fi);
    }
    struct stat st;
    memset(&st, 0, sizeof st);
    if (res == 0)
        res = fuse_fs_getattr(fs, path, &st, fi);
    free(path);
    if (res == 0) {
        hl_fix_stat(f, ino, &st);
        hl_note_stat(f, ino, &st);
        fuse_reply_attr(req, &st, f->conf.attr_timeout);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
    struct fuse *f = hl_enter(req);
    char *path;
    char buf[PATH_MAX + 1];
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_readlink(f->fs, path, buf, sizeof buf);
    free(path);
    if (res == 0) {
        buf[PATH_MAX] = '\0'; /* a file system that filled it all */
        fuse_reply_readlink(req, buf);
    } else {
        hl_reply_err(req, res);
    }
    hl_leave();
}

void hl_ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
    struct fuse *f = hl_enter(req);
    struct statvfs sv;
    memset(&sv, 0, sizeof sv);
    char *path = NULL;
    int res = 0;
    if (ino)
        res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_statfs(f->fs, path ? path : "/", &sv);
    free(path);
    if (res == 0)
        fuse_reply_statfs(req, &sv);
    else
        hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                    const char *value, size_t size, int flags)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_setxattr(f->fs, path, name, value, size, flags);
    free(path);
    hl_reply_err(req, res);
    hl_leave();
}

/* getxattr and listxattr share the size protocol: size 0 asks how big,
 * else the value is answered (ERANGE if it does not fit, from the file
 * system). */
static void reply_xattr(fuse_req_t req, int res, const char *buf,
                        size_t size)
{
    if (res < 0)
        hl_reply_err(req, res);
    else if (size == 0)
        fuse_reply_xattr(req, (size_t)res);
    else
        fuse_reply_buf(req, buf, (size_t)res);
}

void hl_ll_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                    size_t size)
{
    struct fuse *f = hl_enter(req);
    char *path;
    char *buf = size ? malloc(size) : NULL;
    int res = size && !buf ? -ENOMEM : hl_path(f, ino, NULL, 0, &path);
    if (res == 0) {
        res = fuse_fs_getxattr(f->fs, path, name, buf, size);
        free(path);
    }
    reply_xattr(req, res, buf, size);
    free(buf);
    hl_leave();
}

void hl_ll_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    struct fuse *f = hl_enter(req);
    char *path;
    char *buf = size ? malloc(size) : NULL;
    int res = size && !buf ? -ENOMEM : hl_path(f, ino, NULL, 0, &path);
    if (res == 0) {
        res = fuse_fs_listxattr(f->fs, path, buf, size);
        free(path);
    }
    reply_xattr(req, res, buf, size);
    free(buf);
    hl_leave();
}

void hl_ll_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_removexattr(f->fs, path, name);
    free(path);
    hl_reply_err(req, res);
    hl_leave();
}

void hl_ll_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_access(f->fs, path, mask);
    free(path);
    hl_reply_err(req, res);
    hl_leave();
}
