/* SPDX-License-Identifier: 0BSD */
/*
 * memfs_hl: an in-memory file system on the libfuse 3 high-level API.
 * Files, directories, symlinks, hard links, rename with its flags,
 * attributes, set-group-ID directories, extended attributes,
 * preallocation and readdir with plus mode, all under one lock (the
 * library runs callbacks from several threads).  Permissions are left to
 * the kernel: mount with -o default_permissions (and allow_other for
 * other users).
 *
 *   cc -o memfs_hl examples/memfs_hl.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse3)
 *   ./memfs_hl -f /mnt/x
 *
 * Open files and directories are reached through fi->fh (with
 * nullpath_ok libfuse gives their operations no path), so an unlinked
 * open file keeps working; inodes are freed when both links and opens
 * are gone.
 */
#define _GNU_SOURCE /* RENAME_NOREPLACE, RENAME_EXCHANGE */
#define FUSE_USE_VERSION 314
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

struct xattr {
    struct xattr *next;
    char *name;
    char *value;
    size_t size;
};

struct dentry;

struct inode {
    struct stat st;
    char *data;                  /* file contents or symlink target */
    size_t cap;
    struct dentry *children;     /* directories: a list of entries */
    struct inode *parent;        /* directories: the one holding it */
    struct xattr *xattrs;
    unsigned opens;
};

struct dentry {
    struct dentry *next;
    char *name;
    struct inode *ino;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct inode *root;
static ino_t next_ino = 1;

static struct inode *new_inode(mode_t mode)
{
    struct inode *i = calloc(1, sizeof *i);
    if (!i)
        return NULL;
    struct fuse_context *c = fuse_get_context();
    i->st.st_ino = next_ino++;
    i->st.st_mode = mode;
    i->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    /* Outside a request (the root, made in main) libfuse has no context. */
    i->st.st_uid = c ? c->uid : getuid();
    i->st.st_gid = c ? c->gid : getgid();
    i->st.st_blksize = 4096;
    clock_gettime(CLOCK_REALTIME, &i->st.st_atim);
    i->st.st_mtim = i->st.st_ctim = i->st.st_atim;
    return i;
}

static void free_inode(struct inode *i)
{
    while (i->xattrs) {
        struct xattr *x = i->xattrs;
        i->xattrs = x->next;
        free(x->name);
        free(x->value);
        free(x);
    }
    free(i->data);
    free(i);
}

/* Drop one link; free the inode when no link and no open is left. */
static void put_link(struct inode *i)
{
    if (S_ISDIR(i->st.st_mode))
        i->st.st_nlink = 0;
    else if (i->st.st_nlink > 0)
        i->st.st_nlink--;
    clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
    if (i->st.st_nlink == 0 && i->opens == 0)
        free_inode(i);
}

/* st_blocks: the memory the contents take (fallocate may add more). */
static blkcnt_t blocks(const struct inode *i)
{
    return S_ISREG(i->st.st_mode) ? (blkcnt_t)(i->cap / 512) : 0;
}

static void touch(struct inode *i)
{
    clock_gettime(CLOCK_REALTIME, &i->st.st_mtim);
    i->st.st_ctim = i->st.st_mtim;
}

static struct dentry *find_child(struct inode *dir, const char *name)
{
    for (struct dentry *d = dir->children; d; d = d->next)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

/* The inode at path, or NULL (errno-style result in *err). */
static struct inode *resolve(const char *path, int *err)
{
    struct inode *i = root;
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) {
        *err = -ENAMETOOLONG;
        return NULL;
    }
    strcpy(buf, path);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c;
         c = strtok_r(NULL, "/", &save)) {
        if (!S_ISDIR(i->st.st_mode)) {
            *err = -ENOTDIR;
            return NULL;
        }
        /* The kernel leaves name lengths to the file system. */
        if (strlen(c) > NAME_MAX) {
            *err = -ENAMETOOLONG;
            return NULL;
        }
        struct dentry *d = find_child(i, c);
        if (!d) {
            *err = -ENOENT;
            return NULL;
        }
        i = d->ino;
    }
    return i;
}

/* Split path into its parent directory and last name. */
static struct inode *resolve_parent(const char *path, const char **name,
                                    int *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1]) {
        *err = -EINVAL;
        return NULL;
    }
    *name = slash + 1;
    char dir[PATH_MAX];
    size_t len = (size_t)(slash - path);
    if (len >= sizeof dir) {
        *err = -ENAMETOOLONG;
        return NULL;
    }
    memcpy(dir, path, len);
    dir[len] = '\0';
    struct inode *p = resolve(len ? dir : "/", err);
    if (p && !S_ISDIR(p->st.st_mode)) {
        *err = -ENOTDIR;
        return NULL;
    }
    return p;
}

static int add_child(struct inode *dir, const char *name, struct inode *i)
{
    if (strlen(name) > 255)
        return -ENAMETOOLONG;
    struct dentry *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strdup(name))) {
        free(d);
        return -ENOMEM;
    }
    d->ino = i;
    d->next = dir->children;
    dir->children = d;
    if (S_ISDIR(i->st.st_mode)) {
        dir->st.st_nlink++;
        i->parent = dir;
    }
    touch(dir);
    return 0;
}

/* Unhook the entry (without dropping its link). */
static void remove_child(struct inode *dir, struct dentry *d)
{
    struct dentry **pp = &dir->children;
    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
    if (S_ISDIR(d->ino->st.st_mode))
        dir->st.st_nlink--;
    touch(dir);
    free(d->name);
    free(d);
}

/* Make a new node at path. */
static int make(const char *path, mode_t mode, const char *target,
                struct inode **out)
{
    int err = 0;
    const char *name;
    struct inode *dir = resolve_parent(path, &name, &err);
    if (!dir)
        return err;
    if (find_child(dir, name))
        return -EEXIST;
    struct inode *i = new_inode(mode);
    if (!i)
        return -ENOMEM;
    /* A set-group-ID directory gives new entries its group, and new
     * directories the bit itself (the kernel leaves this to us). */
    if (dir->st.st_mode & S_ISGID) {
        i->st.st_gid = dir->st.st_gid;
        if (S_ISDIR(mode))
            i->st.st_mode |= S_ISGID;
    }
    if (target) {
        i->data = strdup(target);
        i->st.st_size = (off_t)strlen(target);
    }
    err = add_child(dir, name, i);
    if (err) {
        free_inode(i);
        return err;
    }
    if (out)
        *out = i;
    return 0;
}

/* Return expr, evaluated under the lock. */
#define LOCKED(expr)                                                  \
    do {                                                              \
        pthread_mutex_lock(&lock);                                    \
        int r_ = (expr);                                              \
        pthread_mutex_unlock(&lock);                                  \
        return r_;                                                    \
    } while (0)

/* ---- callbacks ------------------------------------------------------- */

static void *m_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    /* Our inode numbers are stable: let the kernel and readdir see them. */
    cfg->use_ino = 1;
    /* Every open file has its inode in fh: no path needed. */
    cfg->nullpath_ok = 1;
    return NULL;
}

static int do_getattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
{
    int err = 0;
    struct inode *i = fi ? (struct inode *)(uintptr_t)fi->fh
                         : resolve(path, &err);
    if (!i)
        return err;
    *st = i->st;
    st->st_blocks = blocks(i);
    return 0;
}

static int m_getattr(const char *path, struct stat *st,
                     struct fuse_file_info *fi)
{
    LOCKED(do_getattr(path, st, fi));
}

static int m_readlink(const char *path, char *buf, size_t size)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = resolve(path, &err);
    if (i && !S_ISLNK(i->st.st_mode))
        err = -EINVAL;
    else if (i)
        snprintf(buf, size, "%s", i->data);
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_mknod(const char *path, mode_t mode, dev_t rdev)
{
    pthread_mutex_lock(&lock);
    struct inode *i = NULL;
    int err = make(path, mode, NULL, &i);
    if (!err)
        i->st.st_rdev = rdev;
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_mkdir(const char *path, mode_t mode)
{
    LOCKED(make(path, S_IFDIR | (mode & 07777), NULL, NULL));
}

static int m_symlink(const char *target, const char *path)
{
    LOCKED(make(path, S_IFLNK | 0777, target, NULL));
}

static int do_remove(const char *path, int dir)
{
    int err = 0;
    const char *name;
    struct inode *p = resolve_parent(path, &name, &err);
    if (!p)
        return err;
    struct dentry *d = find_child(p, name);
    if (!d)
        return -ENOENT;
    struct inode *i = d->ino;
    if (dir && !S_ISDIR(i->st.st_mode))
        return -ENOTDIR;
    if (!dir && S_ISDIR(i->st.st_mode))
        return -EISDIR;
    if (dir && i->children)
        return -ENOTEMPTY;
    if (dir)
        i->parent = NULL;  /* it may stay open after its parent is gone */
    remove_child(p, d);
    put_link(i);
    return 0;
}

static int m_unlink(const char *path)
{
    LOCKED(do_remove(path, 0));
}

static int m_rmdir(const char *path)
{
    LOCKED(do_remove(path, 1));
}

static int is_ancestor(struct inode *a, struct inode *b)
{
    if (a == b)
        return 1;
    for (struct dentry *d = a->children; d; d = d->next)
        if (S_ISDIR(d->ino->st.st_mode) && is_ancestor(d->ino, b))
            return 1;
    return 0;
}

static int do_rename(const char *from, const char *to, unsigned flags)
{
    int err = 0;
    const char *on, *nn;
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    struct inode *op = resolve_parent(from, &on, &err);
    if (!op)
        return err;
    struct inode *np = resolve_parent(to, &nn, &err);
    if (!np)
        return err;
    struct dentry *od = find_child(op, on);
    if (!od)
        return -ENOENT;
    struct dentry *nd = find_child(np, nn);
    struct inode *oi = od->ino;
    if (S_ISDIR(oi->st.st_mode) && is_ancestor(oi, np))
        return -EINVAL;
    if (flags & RENAME_EXCHANGE) {
        if (!nd)
            return -ENOENT;
        if (S_ISDIR(nd->ino->st.st_mode) && is_ancestor(nd->ino, op))
            return -EINVAL;
        struct inode *t = od->ino;
        od->ino = nd->ino;
        nd->ino = t;
        if (S_ISDIR(od->ino->st.st_mode))
            od->ino->parent = op;
        if (S_ISDIR(nd->ino->st.st_mode))
            nd->ino->parent = np;
        /* Directory link counts follow the subdirectories. */
        if (S_ISDIR(od->ino->st.st_mode) != S_ISDIR(nd->ino->st.st_mode) &&
            op != np) {
            int sign = S_ISDIR(nd->ino->st.st_mode) ? 1 : -1;
            np->st.st_nlink += sign;
            op->st.st_nlink -= sign;
        }
        touch(op);
        touch(np);
        return 0;
    }
    if (nd) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        if (nd->ino == oi)
            return 0;
        struct inode *ni = nd->ino;
        if (S_ISDIR(oi->st.st_mode) && !S_ISDIR(ni->st.st_mode))
            return -ENOTDIR;
        if (!S_ISDIR(oi->st.st_mode) && S_ISDIR(ni->st.st_mode))
            return -EISDIR;
        if (S_ISDIR(ni->st.st_mode) && ni->children)
            return -ENOTEMPTY;
        if (S_ISDIR(ni->st.st_mode))
            ni->parent = NULL;
        remove_child(np, nd);
        put_link(ni);
    }
    err = add_child(np, nn, oi);
    if (err)
        return err;
    remove_child(op, od);
    clock_gettime(CLOCK_REALTIME, &oi->st.st_ctim);
    return 0;
}

static int m_rename(const char *from, const char *to, unsigned int flags)
{
    LOCKED(do_rename(from, to, flags));
}

static int do_link(const char *from, const char *to)
{
    int err = 0;
    struct inode *i = resolve(from, &err);
    if (!i)
        return err;
    if (S_ISDIR(i->st.st_mode))
        return -EPERM;
    const char *name;
    struct inode *p = resolve_parent(to, &name, &err);
    if (!p)
        return err;
    if (find_child(p, name))
        return -EEXIST;
    err = add_child(p, name, i);
    if (!err) {
        i->st.st_nlink++;
        clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
    }
    return err;
}

static int m_link(const char *from, const char *to)
{
    LOCKED(do_link(from, to));
}

/* The inode of an open file or of path. */
static struct inode *target(const char *path, struct fuse_file_info *fi,
                            int *err)
{
    if (fi && fi->fh)
        return (struct inode *)(uintptr_t)fi->fh;
    if (!path) {
        *err = -ENOENT;
        return NULL;
    }
    return resolve(path, err);
}

static int m_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = target(path, fi, &err);
    if (i) {
        i->st.st_mode = (i->st.st_mode & S_IFMT) | (mode & 07777);
        clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_chown(const char *path, uid_t uid, gid_t gid,
                   struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = target(path, fi, &err);
    if (i) {
        if (uid != (uid_t)-1)
            i->st.st_uid = uid;
        if (gid != (gid_t)-1)
            i->st.st_gid = gid;
        clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
    }
    pthread_mutex_unlock(&lock);
    return err;
}

/* Make room for size bytes without changing the file's size. */
static int reserve(struct inode *i, size_t size)
{
    if (size > i->cap) {
        size_t cap = i->cap ? i->cap : 4096;
        while (cap < size)
            cap *= 2;
        char *d = realloc(i->data, cap);
        if (!d)
            return -ENOSPC;
        i->data = d;
        i->cap = cap;
    }
    return 0;
}

static int resize(struct inode *i, size_t size)
{
    int err = reserve(i, size);
    if (err)
        return err;
    if (size > (size_t)i->st.st_size)
        memset(i->data + i->st.st_size, 0, size - (size_t)i->st.st_size);
    i->st.st_size = (off_t)size;
    return 0;
}

static int m_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = target(path, fi, &err);
    if (i && S_ISDIR(i->st.st_mode))
        err = -EISDIR;
    else if (i && size < 0)
        err = -EINVAL;
    else if (i && !(err = resize(i, (size_t)size)))
        touch(i);
    pthread_mutex_unlock(&lock);
    return err;
}

/* Preallocation only: holes are not kept (the contents are one buffer),
 * so punching one is not offered. */
static int m_fallocate(const char *path, int mode, off_t off, off_t len,
                       struct fuse_file_info *fi)
{
    (void)path;
    if (mode & ~FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&lock);
    struct inode *i = (struct inode *)(uintptr_t)fi->fh;
    size_t end = (size_t)off + (size_t)len;
    int err = (mode & FALLOC_FL_KEEP_SIZE) ? reserve(i, end) : 0;
    if (!err && !(mode & FALLOC_FL_KEEP_SIZE) && end > (size_t)i->st.st_size)
        err = resize(i, end);
    if (!err)
        clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_utimens(const char *path, const struct timespec tv[2],
                     struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = target(path, fi, &err);
    if (i) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (tv[0].tv_nsec != UTIME_OMIT)
            i->st.st_atim = tv[0].tv_nsec == UTIME_NOW ? now : tv[0];
        if (tv[1].tv_nsec != UTIME_OMIT)
            i->st.st_mtim = tv[1].tv_nsec == UTIME_NOW ? now : tv[1];
        i->st.st_ctim = now;
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static int open_common(const char *path, struct fuse_file_info *fi,
                       mode_t create_mode, int create)
{
    int err = 0;
    struct inode *i = NULL;
    if (create)
        err = make(path, S_IFREG | (create_mode & 07777), NULL, &i);
    else
        i = resolve(path, &err);
    if (!i)
        return err;
    if (!create && (fi->flags & O_TRUNC) && !(err = resize(i, 0)))
        touch(i);
    i->opens++;
    fi->fh = (uint64_t)(uintptr_t)i;
    return err;
}

static int m_open(const char *path, struct fuse_file_info *fi)
{
    LOCKED(open_common(path, fi, 0, 0));
}

static int m_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    LOCKED(open_common(path, fi, mode, 1));
}

static int m_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    struct inode *i = (struct inode *)(uintptr_t)fi->fh;
    if (--i->opens == 0 && i->st.st_nlink == 0)
        free_inode(i);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int m_read(const char *path, char *buf, size_t size, off_t off,
                  struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    struct inode *i = (struct inode *)(uintptr_t)fi->fh;
    size_t n = 0;
    if (off < i->st.st_size) {
        n = (size_t)(i->st.st_size - off);
        if (n > size)
            n = size;
        memcpy(buf, i->data + off, n);
    }
    pthread_mutex_unlock(&lock);
    return (int)n;
}

static int m_write(const char *path, const char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    struct inode *i = (struct inode *)(uintptr_t)fi->fh;
    if (fi->flags & O_APPEND)
        off = i->st.st_size;
    int err = 0;
    if ((size_t)off + size > (size_t)i->st.st_size)
        err = resize(i, (size_t)off + size);
    if (!err) {
        memcpy(i->data + off, buf, size);
        touch(i);
    }
    pthread_mutex_unlock(&lock);
    return err ? err : (int)size;
}

static int m_statfs(const char *path, struct statvfs *sv)
{
    (void)path;
    memset(sv, 0, sizeof *sv);
    sv->f_bsize = sv->f_frsize = 4096;
    sv->f_blocks = sv->f_bfree = sv->f_bavail = 1u << 20;
    sv->f_files = sv->f_ffree = 1u << 20;
    sv->f_namemax = 255;
    return 0;
}

/* Open directories are reached through fi->fh too: with nullpath_ok,
 * libfuse passes readdir no path at all. */
static int m_opendir(const char *path, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *d = resolve(path, &err);
    if (d && !S_ISDIR(d->st.st_mode))
        err = -ENOTDIR;
    if (d && !err) {
        d->opens++;
        fi->fh = (uint64_t)(uintptr_t)d;
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
                     off_t off, struct fuse_file_info *fi,
                     enum fuse_readdir_flags flags)
{
    (void)path;
    (void)off;
    pthread_mutex_lock(&lock);
    struct inode *d = (struct inode *)(uintptr_t)fi->fh;
    /* In plus mode each entry carries its stat: no lookups after. */
    enum fuse_fill_dir_flags ff = (flags & FUSE_READDIR_PLUS)
                                  ? FUSE_FILL_DIR_PLUS : 0;
    filler(buf, ".", &d->st, 0, 0);
    /* use_ino: ".." needs the parent's inode number too */
    filler(buf, "..", d->parent ? &d->parent->st : &d->st, 0, 0);
    for (struct dentry *e = d->children; e; e = e->next) {
        struct stat st = e->ino->st;
        st.st_blocks = blocks(e->ino);
        if (filler(buf, e->name, &st, 0, ff))
            break;
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

/* The kernel passes any name on; these are the namespaces Linux knows,
 * and each needs a name after its prefix. */
static int check_xattr_name(const char *name)
{
    static const char *const ns[] = { "user.", "trusted.", "security.",
                                      "system." };
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
        if (strncmp(name, ns[k], strlen(ns[k])) == 0)
            return name[strlen(ns[k])] ? 0 : -EINVAL;
    return -EOPNOTSUPP;
}

static int m_setxattr(const char *path, const char *name, const char *value,
                       size_t size, int flags)
{
    int err = check_xattr_name(name);
    if (err)
        return err;
    pthread_mutex_lock(&lock);
    struct inode *i = resolve(path, &err);
    struct xattr *x = NULL;
    if (i)
        for (x = i->xattrs; x && strcmp(x->name, name); x = x->next)
            ;
    if (!i) {
    } else if (x && (flags & XATTR_CREATE)) {
        err = -EEXIST;
    } else if (!x && (flags & XATTR_REPLACE)) {
        err = -ENODATA;
    } else {
        char *v = malloc(size ? size : 1);
        if (!v) {
            err = -ENOMEM;
        } else if (!x && !(x = calloc(1, sizeof *x))) {
            free(v);
            err = -ENOMEM;
        } else {
            memcpy(v, value, size);
            if (!x->name) {
                x->name = strdup(name);
                x->next = i->xattrs;
                i->xattrs = x;
            }
            free(x->value);
            x->value = v;
            x->size = size;
            clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_getxattr(const char *path, const char *name, char *value,
                      size_t size)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = resolve(path, &err);
    if (i) {
        struct xattr *x = i->xattrs;
        while (x && strcmp(x->name, name))
            x = x->next;
        if (!x)
            err = -ENODATA;
        else if (size && size < x->size)
            err = -ERANGE;
        else {
            if (size)
                memcpy(value, x->value, x->size);
            err = (int)x->size;
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

/* trusted.* is for root only: the kernel refuses the rest of the
 * world reading one, but listing is left to us. */
static int listed(const struct xattr *x, int root)
{
    return root || strncmp(x->name, "trusted.", 8) != 0;
}

static int m_listxattr(const char *path, char *list, size_t size)
{
    int root = fuse_get_context()->uid == 0;
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = resolve(path, &err);
    if (i) {
        size_t len = 0;
        for (struct xattr *x = i->xattrs; x; x = x->next)
            if (listed(x, root))
                len += strlen(x->name) + 1;
        if (size && size < len) {
            err = -ERANGE;
        } else {
            if (size)
                for (struct xattr *x = i->xattrs; x; x = x->next)
                    if (listed(x, root)) {
                        strcpy(list, x->name);
                        list += strlen(x->name) + 1;
                    }
            err = (int)len;
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static int m_removexattr(const char *path, const char *name)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    struct inode *i = resolve(path, &err);
    if (i) {
        struct xattr **pp = &i->xattrs;
        while (*pp && strcmp((*pp)->name, name))
            pp = &(*pp)->next;
        if (!*pp) {
            err = -ENODATA;
        } else {
            struct xattr *x = *pp;
            *pp = x->next;
            free(x->name);
            free(x->value);
            free(x);
            clock_gettime(CLOCK_REALTIME, &i->st.st_ctim);
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

static void free_tree(struct inode *i)
{
    while (i->children) {
        struct dentry *d = i->children;
        i->children = d->next;
        if (S_ISDIR(d->ino->st.st_mode))
            free_tree(d->ino);
        else if (--d->ino->st.st_nlink == 0)
            free_inode(d->ino);
        free(d->name);
        free(d);
    }
    free_inode(i);
}

static void m_destroy(void *data)
{
    (void)data;
    free_tree(root);
    root = NULL;
}

static const struct fuse_operations ops = {
    .init = m_init,
    .destroy = m_destroy,
    .getattr = m_getattr,
    .readlink = m_readlink,
    .mknod = m_mknod,
    .mkdir = m_mkdir,
    .symlink = m_symlink,
    .unlink = m_unlink,
    .rmdir = m_rmdir,
    .rename = m_rename,
    .link = m_link,
    .chmod = m_chmod,
    .chown = m_chown,
    .truncate = m_truncate,
    .utimens = m_utimens,
    .fallocate = m_fallocate,
    .open = m_open,
    .create = m_create,
    .release = m_release,
    .read = m_read,
    .write = m_write,
    .statfs = m_statfs,
    .opendir = m_opendir,
    .readdir = m_readdir,
    .releasedir = m_release,
    .setxattr = m_setxattr,
    .getxattr = m_getxattr,
    .listxattr = m_listxattr,
    .removexattr = m_removexattr,
};

int main(int argc, char *argv[])
{
    root = new_inode(S_IFDIR | 0755);
    if (!root)
        return 1;
    root->st.st_uid = getuid();
    root->st.st_gid = getgid();
    int ret = fuse_main(argc, argv, &ops, NULL);
    if (root)
        free_tree(root); /* destroy did not run (no mount) */
    return ret;
}
