/* SPDX-License-Identifier: 0BSD */
/*
 * memfs_ll: an in-memory file system on the libfuse 3 low-level API:
 * files, directories, symlinks, device nodes, rename (with NOREPLACE and
 * EXCHANGE), hard links, truncate, times, set-group-ID directories,
 * statfs.  Permissions are left to the kernel (-o default_permissions);
 * no extended attributes.  Inode numbers index a growing table; an inode
 * is freed once
 * it has no links and the kernel forgot it.  One mutex guards all, which
 * keeps the example short and correct under the multi-threaded loop.
 *
 *   cc -o memfs_ll examples/memfs_ll.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse3)
 *   ./memfs_ll [-f] [-s] [-d] mountpoint
 */
#define _GNU_SOURCE /* RENAME_NOREPLACE, RENAME_EXCHANGE */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct dirent_ll {
    struct dirent_ll *next;
    char *name;
    fuse_ino_t ino;
    off_t cookie;           /* its readdir position; never reused */
};

struct inode {
    int used;
    struct stat st;
    uint64_t nlookup;       /* the kernel's references */
    char *data;             /* file contents or symlink target */
    size_t cap;
    struct dirent_ll *kids; /* directories: entries, oldest first */
    off_t next_cookie;      /* directories: the next entry's position */
    fuse_ino_t parent;      /* directories: the one holding it */
};

static struct inode *inodes;
static size_t ninodes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct inode *get(fuse_ino_t ino)
{
    return ino < ninodes && inodes[ino].used ? &inodes[ino] : NULL;
}

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

/* A new inode (locked); 0 when out of memory. */
static fuse_ino_t new_inode(mode_t mode, const struct fuse_ctx *ctx)
{
    fuse_ino_t ino = 2;
    while (ino < ninodes && inodes[ino].used)
        ino++;
    if (ino >= ninodes) {
        size_t n = ninodes ? ninodes * 2 : 64;
        struct inode *t = realloc(inodes, n * sizeof *t);
        if (!t)
            return 0;
        memset(t + ninodes, 0, (n - ninodes) * sizeof *t);
        inodes = t;
        ninodes = n;
    }
    struct inode *in = &inodes[ino];
    memset(in, 0, sizeof *in);
    in->used = 1;
    in->st.st_ino = ino;
    in->st.st_mode = mode;
    in->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    in->st.st_uid = ctx ? ctx->uid : getuid();
    in->st.st_gid = ctx ? ctx->gid : getgid();
    in->st.st_blksize = 4096;
    in->next_cookie = 2;    /* after "." and ".." */
    now(&in->st.st_atim);
    in->st.st_mtim = in->st.st_ctim = in->st.st_atim;
    return ino;
}

static void maybe_free(fuse_ino_t ino)
{
    struct inode *in = get(ino);
    if (!in || in->nlookup || in->st.st_nlink > (S_ISDIR(in->st.st_mode) ? 1u : 0u)
        || ino == FUSE_ROOT_ID)
        return;
    free(in->data);
    in->used = 0;
}

static struct dirent_ll **find(struct inode *dir, const char *name)
{
    struct dirent_ll **p = &dir->kids;
    while (*p && strcmp((*p)->name, name) != 0)
        p = &(*p)->next;
    return p;
}

static void touch_dir(struct inode *dir)
{
    now(&dir->st.st_mtim);
    dir->st.st_ctim = dir->st.st_mtim;
}

/* Entries go at the end with a new position, so a readdir in progress
 * sees every entry that stays exactly once (positions never move). */
static int add_entry(struct inode *dir, const char *name, fuse_ino_t ino)
{
    struct dirent_ll *d = malloc(sizeof *d);
    if (!d || !(d->name = strdup(name))) {
        free(d);
        return ENOMEM;
    }
    d->ino = ino;
    d->next = NULL;
    d->cookie = dir->next_cookie++;
    struct dirent_ll **p = &dir->kids;
    while (*p)
        p = &(*p)->next;
    *p = d;
    touch_dir(dir);
    return 0;
}

/* The kernel leaves name lengths to the file system. */
static int name_ok(const char *name)
{
    return strlen(name) <= NAME_MAX;
}

/* Fill an entry reply for ino and count the lookup (locked). */
static void entry_for(fuse_ino_t ino, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof *e);
    e->ino = ino;
    e->attr = inodes[ino].st;
    e->attr_timeout = 1.0;
    e->entry_timeout = 1.0;
    inodes[ino].nlookup++;
}

static void m_init(void *userdata, struct fuse_conn_info *conn)
{
    (void)userdata;
    /* Show the capability interface works: ask for what we can honour. */
    if (conn->capable & FUSE_CAP_EXPORT_SUPPORT)
        conn->want |= FUSE_CAP_EXPORT_SUPPORT;
    pthread_mutex_lock(&lock);
    if (!ninodes || !inodes[FUSE_ROOT_ID].used) {
        new_inode(S_IFDIR | 0755, NULL); /* takes slot 2 first... */
        /* ...so place the root explicitly in slot 1. */
        inodes[FUSE_ROOT_ID] = inodes[2];
        inodes[FUSE_ROOT_ID].st.st_ino = FUSE_ROOT_ID;
        inodes[2].used = 0;
    }
    pthread_mutex_unlock(&lock);
}

static void m_destroy(void *userdata)
{
    (void)userdata;
    for (size_t i = 0; i < ninodes; i++) {
        struct dirent_ll *d = inodes[i].kids;
        while (d) {
            struct dirent_ll *next = d->next;
            free(d->name);
            free(d);
            d = next;
        }
        if (inodes[i].used)
            free(inodes[i].data);
    }
    free(inodes);
    inodes = NULL;
    ninodes = 0;
}

static void m_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    if (!name_ok(name)) {
        fuse_reply_err(req, ENAMETOOLONG);
        return;
    }
    pthread_mutex_lock(&lock);
    struct inode *dir = get(parent);
    struct dirent_ll **d = dir ? find(dir, name) : NULL;
    if (!d || !*d) {
        pthread_mutex_unlock(&lock);
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct fuse_entry_param e;
    entry_for((*d)->ino, &e);
    pthread_mutex_unlock(&lock);
    fuse_reply_entry(req, &e);
}

static void m_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    if (in) {
        in->nlookup -= nlookup < in->nlookup ? nlookup : in->nlookup;
        maybe_free(ino);
    }
    pthread_mutex_unlock(&lock);
    fuse_reply_none(req);
}

static void m_forget_multi(fuse_req_t req, size_t count,
                           struct fuse_forget_data *f)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < count; i++) {
        struct inode *in = get(f[i].ino);
        if (in) {
            in->nlookup -= f[i].nlookup < in->nlookup ? f[i].nlookup
                                                      : in->nlookup;
            maybe_free(f[i].ino);
        }
    }
    pthread_mutex_unlock(&lock);
    fuse_reply_none(req);
}

static void m_getattr(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    (void)fi;
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    struct stat st;
    if (in)
        st = in->st;
    pthread_mutex_unlock(&lock);
    if (in)
        fuse_reply_attr(req, &st, 1.0);
    else
        fuse_reply_err(req, ENOENT);
}

static int resize(struct inode *in, size_t size)
{
    if (size > in->cap) {
        size_t cap = in->cap ? in->cap : 4096;
        while (cap < size)
            cap *= 2;
        char *d = realloc(in->data, cap);
        if (!d)
            return ENOSPC;
        in->data = d;
        in->cap = cap;
    }
    if (size > (size_t)in->st.st_size)
        memset(in->data + in->st.st_size, 0, size - (size_t)in->st.st_size);
    in->st.st_size = (off_t)size;
    in->st.st_blocks = (blkcnt_t)((size + 511) / 512);
    return 0;
}

static void m_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                      int to_set, struct fuse_file_info *fi)
{
    (void)fi;
    int err = 0;
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    if (!in) {
        err = ENOENT;
        goto out;
    }
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (!S_ISREG(in->st.st_mode)) {
            err = EINVAL;
            goto out;
        }
        if ((err = resize(in, (size_t)attr->st_size)))
            goto out;
        now(&in->st.st_mtim);
    }
    if (to_set & FUSE_SET_ATTR_MODE)
        in->st.st_mode = (in->st.st_mode & S_IFMT) | (attr->st_mode & 07777);
    if (to_set & FUSE_SET_ATTR_UID)
        in->st.st_uid = attr->st_uid;
    if (to_set & FUSE_SET_ATTR_GID)
        in->st.st_gid = attr->st_gid;
    if (to_set & FUSE_SET_ATTR_ATIME_NOW)
        now(&in->st.st_atim);
    else if (to_set & FUSE_SET_ATTR_ATIME)
        in->st.st_atim = attr->st_atim;
    if (to_set & FUSE_SET_ATTR_MTIME_NOW)
        now(&in->st.st_mtim);
    else if (to_set & FUSE_SET_ATTR_MTIME)
        in->st.st_mtim = attr->st_mtim;
    now(&in->st.st_ctim);
out:;
    struct stat st;
    if (!err)
        st = in->st;
    pthread_mutex_unlock(&lock);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_attr(req, &st, 1.0);
}

/* mknod, mkdir, symlink and create share this: a new name in parent. */
static int make(fuse_req_t req, fuse_ino_t parent, const char *name,
                mode_t mode, dev_t rdev, const char *target,
                struct fuse_entry_param *e)
{
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    int err = 0;
    if (!name_ok(name))
        return ENAMETOOLONG;
    pthread_mutex_lock(&lock);
    struct inode *dir = get(parent);
    if (!dir || !S_ISDIR(dir->st.st_mode)) {
        err = ENOENT;
    } else if (*find(dir, name)) {
        err = EEXIST;
    } else {
        fuse_ino_t ino = new_inode(mode, ctx);
        dir = get(parent); /* the table may have moved */
        if (!ino) {
            err = ENOMEM;
        } else if ((err = add_entry(dir, name, ino))) {
            inodes[ino].used = 0;
        } else {
            struct inode *in = &inodes[ino];
            if (target) {
                in->data = strdup(target);
                in->st.st_size = (off_t)strlen(target);
            }
            in->st.st_rdev = rdev;
            /* A set-group-ID directory hands down its group, and to
             * directories the bit itself (the kernel leaves this to us). */
            if (dir->st.st_mode & S_ISGID) {
                in->st.st_gid = dir->st.st_gid;
                if (S_ISDIR(mode))
                    in->st.st_mode |= S_ISGID;
            }
            if (S_ISDIR(mode)) {
                dir->st.st_nlink++;
                in->parent = parent;
            }
            entry_for(ino, e);
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static void m_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode, dev_t rdev)
{
    struct fuse_entry_param e;
    int err = make(req, parent, name, mode, rdev, NULL, &e);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
}

static void m_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode)
{
    m_mknod(req, parent, name, S_IFDIR | (mode & 07777), 0);
}

static void m_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                      const char *name)
{
    struct fuse_entry_param e;
    int err = make(req, parent, name, S_IFLNK | 0777, 0, link, &e);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
}

static void m_readlink(fuse_req_t req, fuse_ino_t ino)
{
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    char *target = in && S_ISLNK(in->st.st_mode) ? strdup(in->data) : NULL;
    pthread_mutex_unlock(&lock);
    if (target)
        fuse_reply_readlink(req, target);
    else
        fuse_reply_err(req, EINVAL);
    free(target);
}

static void m_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode, struct fuse_file_info *fi)
{
    struct fuse_entry_param e;
    int err = make(req, parent, name, S_IFREG | (mode & 07777), 0, NULL, &e);
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = e.ino;
    fuse_reply_create(req, &e, fi);
}

static void m_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
                   const char *newname)
{
    int err = 0;
    struct fuse_entry_param e;
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino), *dir = get(newparent);
    if (!in || !dir)
        err = ENOENT;
    else if (!name_ok(newname))
        err = ENAMETOOLONG;
    else if (*find(dir, newname))
        err = EEXIST;
    else if (!(err = add_entry(dir, newname, ino))) {
        in->st.st_nlink++;
        now(&in->st.st_ctim);
        entry_for(ino, &e);
    }
    pthread_mutex_unlock(&lock);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
}

/* Remove name from parent (locked); dirs must be empty. */
static int remove_name(fuse_ino_t parent, const char *name, int want_dir)
{
    struct inode *dir = get(parent);
    struct dirent_ll **d = dir ? find(dir, name) : NULL;
    if (!d || !*d)
        return ENOENT;
    struct inode *in = get((*d)->ino);
    if (want_dir && !S_ISDIR(in->st.st_mode))
        return ENOTDIR;
    if (!want_dir && S_ISDIR(in->st.st_mode))
        return EISDIR;
    if (want_dir && in->kids)
        return ENOTEMPTY;
    struct dirent_ll *gone = *d;
    *d = gone->next;
    fuse_ino_t ino = gone->ino;
    free(gone->name);
    free(gone);
    in->st.st_nlink--;
    if (want_dir) {
        in->st.st_nlink--;
        dir->st.st_nlink--;
    }
    now(&dir->st.st_mtim);
    dir->st.st_ctim = dir->st.st_mtim;
    in->st.st_ctim = dir->st.st_mtim;
    maybe_free(ino);
    return 0;
}

static void m_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    pthread_mutex_lock(&lock);
    int err = remove_name(parent, name, 0);
    pthread_mutex_unlock(&lock);
    fuse_reply_err(req, err);
}

static void m_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    pthread_mutex_lock(&lock);
    int err = remove_name(parent, name, 1);
    pthread_mutex_unlock(&lock);
    fuse_reply_err(req, err);
}

/* Directory link counts and parents after dir ino moved from one
 * directory to another (locked). */
static void moved(fuse_ino_t ino, fuse_ino_t from, fuse_ino_t to)
{
    if (!S_ISDIR(inodes[ino].st.st_mode) || from == to)
        return;
    inodes[from].st.st_nlink--;
    inodes[to].st.st_nlink++;
    inodes[ino].parent = to;
}

static void m_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                     fuse_ino_t newparent, const char *newname,
                     unsigned int flags)
{
    int err = 0;
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    if (!name_ok(newname)) {
        fuse_reply_err(req, ENAMETOOLONG);
        return;
    }
    pthread_mutex_lock(&lock);
    struct inode *from = get(parent), *to = get(newparent);
    struct dirent_ll **d = from ? find(from, name) : NULL;
    if (!d || !*d || !to) {
        err = ENOENT;
        goto out;
    }
    fuse_ino_t ino = (*d)->ino;
    struct dirent_ll **t = find(to, newname);
    if (flags & RENAME_EXCHANGE) {
        /* Both names stay; the inodes behind them swap. */
        if (!*t) {
            err = ENOENT;
            goto out;
        }
        fuse_ino_t other = (*t)->ino;
        (*d)->ino = other;
        (*t)->ino = ino;
        moved(ino, parent, newparent);
        moved(other, newparent, parent);
        now(&inodes[ino].st.st_ctim);
        inodes[other].st.st_ctim = inodes[ino].st.st_ctim;
        touch_dir(from);
        touch_dir(to);
        goto out;
    }
    if (*t && (flags & RENAME_NOREPLACE)) {
        err = EEXIST;
        goto out;
    }
    if (*t && (*t)->ino == ino)
        goto out; /* same file: nothing to do */
    if (*t) {
        struct inode *victim = get((*t)->ino);
        err = remove_name(newparent, newname,
                          S_ISDIR(victim->st.st_mode));
        if (err)
            goto out;
    }
    d = find(from, name);
    struct dirent_ll *moving = *d;
    *d = moving->next;
    free(moving->name);
    free(moving);
    touch_dir(from);
    if ((err = add_entry(to, newname, ino)))
        goto out;
    moved(ino, parent, newparent);
    now(&inodes[ino].st.st_ctim);
out:
    pthread_mutex_unlock(&lock);
    fuse_reply_err(req, err);
}

static void m_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    int err = !in ? ENOENT : S_ISDIR(in->st.st_mode) ? EISDIR : 0;
    if (!err && (fi->flags & O_TRUNC) && !(err = resize(in, 0))) {
        now(&in->st.st_mtim);
        in->st.st_ctim = in->st.st_mtim;
    }
    pthread_mutex_unlock(&lock);
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = ino;
    fuse_reply_open(req, fi);
}

static void m_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)fi;
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    char *copy = NULL;
    size_t n = 0;
    if (in && off < in->st.st_size) {
        n = (size_t)(in->st.st_size - off);
        if (n > size)
            n = size;
        copy = malloc(n);
        if (copy)
            memcpy(copy, in->data + off, n);
    }
    pthread_mutex_unlock(&lock);
    /* Answer through fuse_reply_data to exercise the bufvec path. */
    struct fuse_bufvec bv = FUSE_BUFVEC_INIT(copy ? n : 0);
    bv.buf[0].mem = copy;
    fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
    free(copy);
}

static void m_write_buf(fuse_req_t req, fuse_ino_t ino,
                        struct fuse_bufvec *bufv, off_t off,
                        struct fuse_file_info *fi)
{
    (void)fi;
    size_t size = fuse_buf_size(bufv);
    pthread_mutex_lock(&lock);
    struct inode *in = get(ino);
    int err = !in ? ENOENT : 0;
    if (!err && (size_t)off + size > (size_t)in->st.st_size)
        err = resize(in, (size_t)off + size);
    ssize_t n = 0;
    if (!err) {
        struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
        dst.buf[0].mem = in->data + off;
        n = fuse_buf_copy(&dst, bufv, 0);
        now(&in->st.st_mtim);
        in->st.st_ctim = in->st.st_mtim;
    }
    pthread_mutex_unlock(&lock);
    if (err || n < 0)
        fuse_reply_err(req, err ? err : (int)-n);
    else
        fuse_reply_write(req, (size_t)n);
}

static void m_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
                      off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    char *buf = malloc(size);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    off_t i = 0;
    pthread_mutex_lock(&lock);
    struct inode *dir = get(ino);
    if (!dir) {
        pthread_mutex_unlock(&lock);
        free(buf);
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct stat st;
    memset(&st, 0, sizeof st);
    /* Offsets are positions: "." 0, ".." 1, then each entry's cookie,
     * which stays while the entry does; the offset handed out with an
     * entry is where the next one starts. */
    for (struct dirent_ll *d = NULL;; i++) {
        const char *name;
        if (i == 0) {
            name = ".";
            st.st_ino = ino;
            st.st_mode = S_IFDIR;
        } else if (i == 1) {
            name = "..";
            st.st_ino = dir->parent ? dir->parent : ino;
            st.st_mode = S_IFDIR;
            d = dir->kids;
        } else {
            if (!d)
                break;
            name = d->name;
            st.st_ino = d->ino;
            st.st_mode = inodes[d->ino].st.st_mode;
            i = d->cookie;
            d = d->next;
        }
        if (i < off)
            continue;
        size_t n = fuse_add_direntry(req, buf + used, size - used, name, &st,
                                     i + 1);
        if (n > size - used)
            break;
        used += n;
    }
    pthread_mutex_unlock(&lock);
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void m_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs sv;
    memset(&sv, 0, sizeof sv);
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_blocks = sv.f_bfree = sv.f_bavail = 1 << 20;
    sv.f_files = sv.f_ffree = 1 << 20;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops memfs_ops = {
    .init = m_init,
    .destroy = m_destroy,
    .lookup = m_lookup,
    .forget = m_forget,
    .forget_multi = m_forget_multi,
    .getattr = m_getattr,
    .setattr = m_setattr,
    .readlink = m_readlink,
    .mknod = m_mknod,
    .mkdir = m_mkdir,
    .unlink = m_unlink,
    .rmdir = m_rmdir,
    .symlink = m_symlink,
    .rename = m_rename,
    .link = m_link,
    .open = m_open,
    .read = m_read,
    .write_buf = m_write_buf,
    .readdir = m_readdir,
    .statfs = m_statfs,
    .create = m_create,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    int ret = 1;

    if (fuse_parse_cmdline(&args, &opts) != 0)
        return 1;
    if (opts.show_help || !opts.mountpoint) {
        printf("usage: %s [options] <mountpoint>\n\n", argv[0]);
        fuse_cmdline_help();
        fuse_lowlevel_help();
        ret = opts.show_help ? 0 : 1;
        goto out;
    }
    struct fuse_session *se =
        fuse_session_new(&args, &memfs_ops, sizeof memfs_ops, NULL);
    if (!se)
        goto out;
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, opts.mountpoint) == 0) {
            fuse_daemonize(opts.foreground);
            if (opts.singlethread) {
                ret = fuse_session_loop(se);
            } else {
                struct fuse_loop_config *cfg = fuse_loop_cfg_create();
                fuse_loop_cfg_set_max_threads(cfg, opts.max_threads);
                fuse_loop_cfg_set_clone_fd(cfg, (unsigned)opts.clone_fd);
                ret = fuse_session_loop_mt(se, cfg);
                fuse_loop_cfg_destroy(cfg);
            }
            /* A signal ending the loop is a normal end. */
            ret = ret < 0 ? 1 : 0;
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
out:
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return ret;
}
