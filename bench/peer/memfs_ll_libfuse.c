/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memfs_ll_libfuse: an in-memory file system on Debian's libfuse 3
 * low-level API, the peer fsp-bench compares memfs on fsp against.  It is
 * meant to be the best a careful libfuse author would write: hashed
 * directories, one reader-writer lock, the same kernel caching as memfs
 * (entry, attribute and negative-entry timeouts of 1 s, keep_cache,
 * readdirplus) and the multithreaded session loop.
 *
 * Node lifetime: a node is freed only when the kernel has forgotten every
 * reference it was given (nlookup == 0) AND no directory names it
 * (nlink == 0).  Freeing on FORGET alone loses files when the kernel
 * drops its caches (echo 3 > /proc/sys/vm/drop_caches).
 *
 *   memfs_ll_libfuse [-d] MOUNTPOINT     runs in the foreground
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT 1.0             /* entry, attribute and negative caching */
#define MAX_DEPTH 4096          /* bound on walks up the tree */

struct node;

struct dentry {
    char *name;
    struct node *node;
    uint64_t cookie;            /* readdir offset: increasing, never reused */
    struct dentry *hnext;       /* hash chain */
    struct dentry *prev, *next; /* insertion order, for readdir */
};

struct node {
    struct stat st;             /* st_nlink counts the names (dirs: 2+subdirs) */
    _Atomic uint64_t nlookup;   /* references the kernel holds */
    char *data;                 /* file contents or symlink target */
    size_t cap;
    /* directories */
    struct node *parent;
    struct dentry **hash;
    size_t nbuckets, nentries;
    struct dentry *head, *tail;
    uint64_t next_cookie;
};

static struct node root;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static _Atomic uint64_t next_ino = 2;

static struct node *N(fuse_ino_t ino)
{
    return ino == FUSE_ROOT_ID ? &root : (struct node *)(uintptr_t)ino;
}

static fuse_ino_t ino_of(struct node *n)
{
    return n == &root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

static void now(struct timespec *t)
{
    clock_gettime(CLOCK_REALTIME, t);
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; s[i] && i < 4096; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static struct dentry *dir_find(struct node *d, const char *name)
{
    if (!d->nbuckets)
        return NULL;
    struct dentry *e = d->hash[hash_name(name) & (d->nbuckets - 1)];
    for (; e; e = e->hnext)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

/* Keep the load factor at most 1, so lookups in big directories stay O(1). */
static int dir_grow(struct node *d)
{
    if (d->nentries < d->nbuckets)
        return 0;
    size_t nb = d->nbuckets ? d->nbuckets * 2 : 16;
    struct dentry **h = calloc(nb, sizeof *h);
    if (!h)
        return -ENOMEM;
    for (struct dentry *e = d->head; e; e = e->next) {
        size_t b = hash_name(e->name) & (nb - 1);
        e->hnext = h[b];
        h[b] = e;
    }
    free(d->hash);
    d->hash = h;
    d->nbuckets = nb;
    return 0;
}

static int dir_add(struct node *d, const char *name, struct node *n)
{
    struct dentry *e = calloc(1, sizeof *e);
    if (!e || !(e->name = strdup(name)) || dir_grow(d)) {
        if (e)
            free(e->name);
        free(e);
        return -ENOMEM;
    }
    e->node = n;
    e->cookie = d->next_cookie++;
    size_t b = hash_name(name) & (d->nbuckets - 1);
    e->hnext = d->hash[b];
    d->hash[b] = e;
    e->prev = d->tail;
    if (d->tail)
        d->tail->next = e;
    else
        d->head = e;
    d->tail = e;
    d->nentries++;
    now(&d->st.st_mtim);
    d->st.st_ctim = d->st.st_mtim;
    return 0;
}

static void dir_remove(struct node *d, struct dentry *e)
{
    struct dentry **pp = &d->hash[hash_name(e->name) & (d->nbuckets - 1)];
    for (size_t guard = 0; *pp && guard <= d->nentries; guard++, pp = &(*pp)->hnext)
        if (*pp == e) {
            *pp = e->hnext;
            break;
        }
    if (e->prev)
        e->prev->next = e->next;
    else
        d->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        d->tail = e->prev;
    d->nentries--;
    free(e->name);
    free(e);
    now(&d->st.st_mtim);
    d->st.st_ctim = d->st.st_mtim;
}

static struct node *node_new(mode_t mode, dev_t rdev, fuse_req_t req)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    n->st.st_ino = atomic_fetch_add(&next_ino, 1);
    n->st.st_mode = mode;
    n->st.st_rdev = rdev;
    n->st.st_uid = ctx->uid;
    n->st.st_gid = ctx->gid;
    n->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    n->st.st_blksize = 4096;
    n->next_cookie = 3; /* 1 and 2 are "." and ".." */
    now(&n->st.st_mtim);
    n->st.st_atim = n->st.st_ctim = n->st.st_mtim;
    return n;
}

/* Free n once neither the kernel nor a directory refers to it.  Called
 * with the lock held for writing. */
static void node_maybe_free(struct node *n)
{
    if (n == &root || atomic_load(&n->nlookup) || n->st.st_nlink)
        return;
    free(n->data);
    free(n->hash);
    free(n);
}

static void fill_entry(struct node *n, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof *e);
    e->ino = ino_of(n);
    e->attr = n->st;
    e->attr.st_blocks = ((off_t)n->st.st_size + 511) / 512;
    e->attr_timeout = TIMEOUT;
    e->entry_timeout = TIMEOUT;
}

/* Reply with an entry that holds a new kernel reference; a refused reply
 * (the caller was interrupted) gives the reference back at once. */
static void reply_entry(fuse_req_t req, struct node *n, struct fuse_file_info *fi)
{
    struct fuse_entry_param e;
    fill_entry(n, &e);
    int r = fi ? fuse_reply_create(req, &e, fi) : fuse_reply_entry(req, &e);
    if (r) {
        pthread_rwlock_wrlock(&lock);
        atomic_fetch_sub(&n->nlookup, 1);
        node_maybe_free(n);
        pthread_rwlock_unlock(&lock);
    }
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    pthread_rwlock_rdlock(&lock);
    struct dentry *d = dir_find(N(parent), name);
    struct node *n = d ? d->node : NULL;
    if (n)
        atomic_fetch_add(&n->nlookup, 1);
    pthread_rwlock_unlock(&lock);
    if (n) {
        reply_entry(req, n, NULL);
        return;
    }
    /* ino 0 with a timeout: the kernel caches the miss, like memfs. */
    struct fuse_entry_param e = { .ino = 0, .entry_timeout = TIMEOUT };
    fuse_reply_entry(req, &e);
}

static void forget_one(fuse_ino_t ino, uint64_t nlookup)
{
    struct node *n = N(ino);
    atomic_fetch_sub(&n->nlookup, nlookup);
    node_maybe_free(n);
}

static void ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    pthread_rwlock_wrlock(&lock);
    forget_one(ino, nlookup);
    pthread_rwlock_unlock(&lock);
    fuse_reply_none(req);
}

static void ll_forget_multi(fuse_req_t req, size_t count,
                            struct fuse_forget_data *f)
{
    pthread_rwlock_wrlock(&lock);
    for (size_t i = 0; i < count; i++)
        forget_one(f[i].ino, f[i].nlookup);
    pthread_rwlock_unlock(&lock);
    fuse_reply_none(req);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    pthread_rwlock_rdlock(&lock);
    struct stat st = N(ino)->st;
    pthread_rwlock_unlock(&lock);
    st.st_blocks = ((off_t)st.st_size + 511) / 512;
    fuse_reply_attr(req, &st, TIMEOUT);
}

/* Set the size, growing the buffer geometrically; zero-fills a gap. */
static int set_size(struct node *n, size_t size)
{
    if (size > n->cap) {
        size_t cap = n->cap ? n->cap : 4096;
        for (int guard = 0; cap < size && guard < 64; guard++)
            cap *= 2;
        char *d = realloc(n->data, cap);
        if (!d)
            return -ENOSPC;
        n->data = d;
        n->cap = cap;
    }
    if (size > (size_t)n->st.st_size)
        memset(n->data + n->st.st_size, 0, size - (size_t)n->st.st_size);
    n->st.st_size = (off_t)size;
    return 0;
}

static void ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *a,
                       int to_set, struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    struct timespec t;
    now(&t);
    pthread_rwlock_wrlock(&lock);
    int r = 0;
    if (to_set & FUSE_SET_ATTR_SIZE) {
        r = S_ISREG(n->st.st_mode) ? set_size(n, (size_t)a->st_size) : -EISDIR;
        if (!r)
            n->st.st_mtim = t;
    }
    if (!r) {
        if (to_set & FUSE_SET_ATTR_MODE)
            n->st.st_mode = (n->st.st_mode & S_IFMT) | (a->st_mode & 07777);
        if (to_set & FUSE_SET_ATTR_UID)
            n->st.st_uid = a->st_uid;
        if (to_set & FUSE_SET_ATTR_GID)
            n->st.st_gid = a->st_gid;
        if (to_set & FUSE_SET_ATTR_ATIME)
            n->st.st_atim = to_set & FUSE_SET_ATTR_ATIME_NOW ? t : a->st_atim;
        if (to_set & FUSE_SET_ATTR_MTIME)
            n->st.st_mtim = to_set & FUSE_SET_ATTR_MTIME_NOW ? t : a->st_mtim;
        n->st.st_ctim = to_set & FUSE_SET_ATTR_CTIME ? a->st_ctim : t;
    }
    struct stat st = n->st;
    pthread_rwlock_unlock(&lock);
    if (r) {
        fuse_reply_err(req, -r);
        return;
    }
    st.st_blocks = ((off_t)st.st_size + 511) / 512;
    fuse_reply_attr(req, &st, TIMEOUT);
}

/* Create a node named name in parent (lock held for writing). */
static int make_node(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode, dev_t rdev, const char *target,
                     struct node **out)
{
    struct node *p = N(parent);
    if (!S_ISDIR(p->st.st_mode) || !p->st.st_nlink)
        return -ENOENT;
    if (dir_find(p, name))
        return -EEXIST;
    struct node *n = node_new(mode, rdev, req);
    if (!n)
        return -ENOMEM;
    if (target) {
        size_t len = strlen(target);
        if (!(n->data = strdup(target))) {
            free(n);
            return -ENOMEM;
        }
        n->cap = len + 1;
        n->st.st_size = (off_t)len;
    }
    if (dir_add(p, name, n)) {
        free(n->data);
        free(n);
        return -ENOMEM;
    }
    if (S_ISDIR(mode)) {
        n->parent = p;
        p->st.st_nlink++;
    }
    atomic_fetch_add(&n->nlookup, 1);
    *out = n;
    return 0;
}

static void create_common(fuse_req_t req, fuse_ino_t parent, const char *name,
                          mode_t mode, dev_t rdev, const char *target,
                          struct fuse_file_info *fi)
{
    struct node *n = NULL;
    pthread_rwlock_wrlock(&lock);
    int r = make_node(req, parent, name, mode, rdev, target, &n);
    pthread_rwlock_unlock(&lock);
    if (r) {
        fuse_reply_err(req, -r);
        return;
    }
    if (fi)
        fi->keep_cache = 1;
    reply_entry(req, n, fi);
}

static void ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode, dev_t rdev)
{
    create_common(req, parent, name, mode, rdev, NULL, NULL);
}

static void ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode)
{
    create_common(req, parent, name, S_IFDIR | (mode & 07777), 0, NULL, NULL);
}

static void ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                       const char *name)
{
    create_common(req, parent, name, S_IFLNK | 0777, 0, link, NULL);
}

static void ll_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                      mode_t mode, struct fuse_file_info *fi)
{
    create_common(req, parent, name, S_IFREG | (mode & 07777), 0, NULL, fi);
}

static void ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
    pthread_rwlock_rdlock(&lock);
    struct node *n = N(ino);
    char *t = S_ISLNK(n->st.st_mode) ? strdup(n->data) : NULL;
    pthread_rwlock_unlock(&lock);
    if (t)
        fuse_reply_readlink(req, t);
    else
        fuse_reply_err(req, ENOMEM);
    free(t);
}

/* Drop the name e in directory p (lock held for writing). */
static void unname(struct node *p, struct dentry *e)
{
    struct node *n = e->node;
    dir_remove(p, e);
    if (S_ISDIR(n->st.st_mode)) {
        n->st.st_nlink = 0;
        p->st.st_nlink--;
    } else {
        n->st.st_nlink--;
    }
    now(&n->st.st_ctim);
    node_maybe_free(n);
}

static void remove_common(fuse_req_t req, fuse_ino_t parent, const char *name,
                          int want_dir)
{
    pthread_rwlock_wrlock(&lock);
    struct node *p = N(parent);
    struct dentry *e = dir_find(p, name);
    int r = 0;
    if (!e)
        r = -ENOENT;
    else if (want_dir && !S_ISDIR(e->node->st.st_mode))
        r = -ENOTDIR;
    else if (!want_dir && S_ISDIR(e->node->st.st_mode))
        r = -EISDIR;
    else if (want_dir && e->node->nentries)
        r = -ENOTEMPTY;
    else
        unname(p, e);
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, -r);
}

static void ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_common(req, parent, name, 0);
}

static void ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_common(req, parent, name, 1);
}

/* Is a an ancestor of (or equal to) n?  Moving a into n would cut a loop. */
static int is_ancestor(struct node *a, struct node *n)
{
    for (int i = 0; n && i < MAX_DEPTH; i++, n = n->parent)
        if (n == a)
            return 1;
    return 0;
}

static int do_rename(struct node *p, const char *name, struct node *np,
                     const char *newname, unsigned int flags)
{
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL; /* RENAME_EXCHANGE / WHITEOUT not supported */
    struct dentry *e = dir_find(p, name);
    if (!e)
        return -ENOENT;
    struct node *n = e->node;
    int isdir = S_ISDIR(n->st.st_mode);
    if (isdir && is_ancestor(n, np))
        return -EINVAL;
    struct dentry *t = dir_find(np, newname);
    if (t && t->node == n)
        return 0; /* two names of one file: rename(2) does nothing */
    if (t) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        int tdir = S_ISDIR(t->node->st.st_mode);
        if (isdir && !tdir)
            return -ENOTDIR;
        if (!isdir && tdir)
            return -EISDIR;
        if (tdir && t->node->nentries)
            return -ENOTEMPTY;
    }
    if (t) {
        /* Point the target's name at n; the node it named loses a name. */
        struct node *old = t->node;
        t->node = n;
        if (S_ISDIR(old->st.st_mode)) {
            old->st.st_nlink = 0;
            np->st.st_nlink--;
        } else {
            old->st.st_nlink--;
        }
        now(&old->st.st_ctim);
        np->st.st_mtim = old->st.st_ctim;
        np->st.st_ctim = old->st.st_ctim;
        node_maybe_free(old);
    } else if (dir_add(np, newname, n)) {
        return -ENOMEM; /* nothing changed yet */
    }
    dir_remove(p, e);
    if (isdir && p != np) {
        p->st.st_nlink--;
        np->st.st_nlink++;
        n->parent = np;
    }
    now(&n->st.st_ctim);
    return 0;
}

static void ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                      fuse_ino_t newparent, const char *newname,
                      unsigned int flags)
{
    pthread_rwlock_wrlock(&lock);
    int r = do_rename(N(parent), name, N(newparent), newname, flags);
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, -r);
}

static void ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
                    const char *newname)
{
    struct node *n = N(ino), *p = N(newparent);
    pthread_rwlock_wrlock(&lock);
    int r = dir_find(p, newname) ? -EEXIST : dir_add(p, newname, n);
    if (!r) {
        n->st.st_nlink++;
        now(&n->st.st_ctim);
        atomic_fetch_add(&n->nlookup, 1);
    }
    pthread_rwlock_unlock(&lock);
    if (r)
        fuse_reply_err(req, -r);
    else
        reply_entry(req, n, NULL);
}

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct node *n = N(ino);
    if (fi->flags & O_TRUNC) { /* atomic_o_trunc: truncation comes here */
        pthread_rwlock_wrlock(&lock);
        set_size(n, 0);
        now(&n->st.st_mtim);
        n->st.st_ctim = n->st.st_mtim;
        pthread_rwlock_unlock(&lock);
    }
    fi->keep_cache = 1; /* contents change only through this mount */
    fuse_reply_open(req, fi);
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    pthread_rwlock_rdlock(&lock);
    size_t len = (size_t)n->st.st_size;
    size_t o = off < 0 ? len : (size_t)off;
    size_t cnt = o >= len ? 0 : len - o < size ? len - o : size;
    /* fuse_reply_buf copies into the device write: safe under the lock. */
    fuse_reply_buf(req, cnt ? n->data + o : NULL, cnt);
    pthread_rwlock_unlock(&lock);
}

static void ll_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
                     size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    pthread_rwlock_wrlock(&lock);
    size_t end = (size_t)off + size;
    int r = end > (size_t)n->st.st_size ? set_size(n, end) : 0;
    if (!r && size) {
        memcpy(n->data + off, buf, size);
        now(&n->st.st_mtim);
        n->st.st_ctim = n->st.st_mtim;
    }
    pthread_rwlock_unlock(&lock);
    if (r)
        fuse_reply_err(req, -r);
    else
        fuse_reply_write(req, size);
}

static void ll_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
                     struct fuse_file_info *fi)
{
    (void)ino;
    (void)datasync;
    (void)fi;
    fuse_reply_err(req, 0); /* memory is as durable as it gets */
}

static void ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    fuse_reply_open(req, fi);
}

/* One buffer of entries after offset off; plus adds attributes and takes
 * a kernel reference on each entry it returns (not "." and ".."). */
static void readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size,
                           off_t off, int plus)
{
    char *buf = malloc(size);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    pthread_rwlock_rdlock(&lock);
    struct node *d = N(ino);
    for (int dot = (int)off; dot < 2; dot++) {
        struct fuse_entry_param e;
        fill_entry(dot ? (d->parent ? d->parent : d) : d, &e);
        size_t need = plus ? fuse_add_direntry_plus(req, buf + used, size - used,
                                                    dot ? ".." : ".", &e, dot + 1)
                           : fuse_add_direntry(req, buf + used, size - used,
                                               dot ? ".." : ".", &e.attr, dot + 1);
        if (need > size - used)
            goto out;
        used += need; /* the kernel takes no reference on "." and ".." */
    }
    struct dentry *e = d->head;
    for (size_t guard = 0; e && e->cookie <= (uint64_t)off && guard <= d->nentries;
         guard++)
        e = e->next;
    for (; e; e = e->next) {
        struct fuse_entry_param ep;
        fill_entry(e->node, &ep);
        size_t need = plus ? fuse_add_direntry_plus(req, buf + used, size - used,
                                                    e->name, &ep, (off_t)e->cookie)
                           : fuse_add_direntry(req, buf + used, size - used,
                                               e->name, &ep.attr, (off_t)e->cookie);
        if (need > size - used)
            break;
        used += need;
        if (plus)
            atomic_fetch_add(&e->node->nlookup, 1);
    }
out:
    pthread_rwlock_unlock(&lock);
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    (void)fi;
    readdir_common(req, ino, size, off, 0);
}

static void ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
                           off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    readdir_common(req, ino, size, off, 1);
}

static void ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs s = { .f_bsize = 4096, .f_frsize = 4096,
                         .f_blocks = 1u << 24, .f_bfree = 1u << 23,
                         .f_bavail = 1u << 23, .f_files = 1u << 24,
                         .f_ffree = 1u << 23, .f_namemax = 255 };
    fuse_reply_statfs(req, &s);
}

static void ll_init(void *data, struct fuse_conn_info *conn)
{
    (void)data;
    /* What memfs on fsp negotiates too; no writeback cache on either. */
    if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
        conn->want |= FUSE_CAP_PARALLEL_DIROPS;
    conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
}

static const struct fuse_lowlevel_ops ops = {
    .init = ll_init,
    .lookup = ll_lookup,
    .forget = ll_forget,
    .forget_multi = ll_forget_multi,
    .getattr = ll_getattr,
    .setattr = ll_setattr,
    .readlink = ll_readlink,
    .mknod = ll_mknod,
    .mkdir = ll_mkdir,
    .symlink = ll_symlink,
    .unlink = ll_unlink,
    .rmdir = ll_rmdir,
    .rename = ll_rename,
    .link = ll_link,
    .open = ll_open,
    .read = ll_read,
    .write = ll_write,
    .fsync = ll_fsync,
    .opendir = ll_opendir,
    .readdir = ll_readdir,
    .readdirplus = ll_readdirplus,
    .statfs = ll_statfs,
    .create = ll_create,
};

int main(int argc, char **argv)
{
    /* -d: libfuse's debug output; -P: default_permissions, the kernel
     * checking permissions as it does on every fsp volume (the fair
     * comparison for a multi-user mount) */
    int debug = 0, perms = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-d") == 0)
            debug = 1;
        else if (strcmp(argv[i], "-P") == 0)
            perms = 1;
        else
            break;
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: memfs_ll_libfuse [-d] [-P] MOUNTPOINT\n");
        return 2;
    }
    root.st.st_ino = 1;
    root.st.st_mode = S_IFDIR | 0755;
    root.st.st_nlink = 2;
    root.st.st_blksize = 4096;
    root.next_cookie = 3;
    now(&root.st.st_mtim);
    root.st.st_atim = root.st.st_ctim = root.st.st_mtim;

    char *fargv[] = { argv[0], "-o",
                      perms ? "fsname=memfs_ll,subtype=memfs_ll,default_permissions"
                            : "fsname=memfs_ll,subtype=memfs_ll",
                      debug ? "-d" : NULL, NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3 + debug, fargv);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!se)
        return 1;
    int ret = 1;
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, argv[i]) == 0) {
            struct fuse_loop_config *cfg = fuse_loop_cfg_create();
            if (cfg) {
                fuse_loop_cfg_set_clone_fd(cfg, 0);
                ret = fuse_session_loop_mt(se, cfg) ? 1 : 0;
                fuse_loop_cfg_destroy(cfg);
            }
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
    return ret;
}
