/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node table of the high-level API: the inode numbers handed to the
 * kernel, each with its parent and name so that a path can be built for
 * every request.  Two chained hash tables (by nodeid, by parent+name)
 * that double when they fill, under f->lock.
 *
 * Lifetime: a node holds one reference while the kernel has lookups on
 * it and each named child holds one on its parent, so a path can always
 * be built up to the root for a node that has a name.  Unlinked nodes
 * keep their nodeid (the kernel may still use it, e.g. for an open
 * file) but have no path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

#define INITIAL_BUCKETS 256

static size_t id_hash(const struct fuse *f, uint64_t id)
{
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 16) & (f->id_size - 1);
}

static size_t name_hash(const struct fuse *f, uint64_t parent,
                        const char *name)
{
    /* FNV-1a over the name, seeded with the parent. */
    uint64_t h = 0xcbf29ce484222325ull ^ (parent * 0x100000001b3ull);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return (size_t)(h ^ (h >> 32)) & (f->name_size - 1);
}

/* Double a table when it holds more entries than buckets: chains stay
 * short however many files the kernel keeps. */
static void grow_ids(struct fuse *f)
{
    size_t nsize = f->id_size * 2;
    struct hl_node **nt = calloc(nsize, sizeof *nt);
    if (!nt)
        return; /* longer chains, still correct */
    struct hl_node **old = f->id_tab;
    size_t osize = f->id_size;
    f->id_tab = nt;
    f->id_size = nsize;
    for (size_t i = 0; i < osize; i++) {
        struct hl_node *n = old[i], *next;
        for (; n; n = next) {
            next = n->id_next;
            size_t h = id_hash(f, n->nodeid);
            n->id_next = nt[h];
            nt[h] = n;
        }
    }
    free(old);
}

static void grow_names(struct fuse *f)
{
    size_t nsize = f->name_size * 2;
    struct hl_node **nt = calloc(nsize, sizeof *nt);
    if (!nt)
        return;
    struct hl_node **old = f->name_tab;
    size_t osize = f->name_size;
    f->name_tab = nt;
    f->name_size = nsize;
    for (size_t i = 0; i < osize; i++) {
        struct hl_node *n = old[i], *next;
        for (; n; n = next) {
            next = n->name_next;
            size_t h = name_hash(f, n->parent->nodeid, n->name);
            n->name_next = nt[h];
            nt[h] = n;
        }
    }
    free(old);
}

int hl_nodes_init(struct fuse *f)
{
    f->id_size = f->name_size = INITIAL_BUCKETS;
    f->id_tab = calloc(f->id_size, sizeof *f->id_tab);
    f->name_tab = calloc(f->name_size, sizeof *f->name_tab);
    f->root = calloc(1, sizeof *f->root);
    if (!f->id_tab || !f->name_tab || !f->root)
        return -ENOMEM;
    f->root->nodeid = FUSE_ROOT_ID;
    f->root->nlookup = 1;
    f->root->refs = 1;
    f->id_tab[id_hash(f, FUSE_ROOT_ID)] = f->root;
    f->id_count = 1;
    f->next_id = FUSE_ROOT_ID + 1;
    return 0;
}

void hl_nodes_free(struct fuse *f)
{
    if (f->id_tab) {
        for (size_t i = 0; i < f->id_size; i++) {
            struct hl_node *n = f->id_tab[i], *next;
            for (; n; n = next) {
                next = n->id_next;
                free(n->name);
                free(n);
            }
        }
    } else {
        free(f->root);
    }
    free(f->id_tab);
    free(f->name_tab);
    f->id_tab = f->name_tab = NULL;
    f->root = NULL;
}

struct hl_node *hl_node_get_locked(struct fuse *f, uint64_t nodeid)
{
    struct hl_node *n = f->id_tab[id_hash(f, nodeid)];
    while (n && n->nodeid != nodeid)
        n = n->id_next;
    return n;
}

struct hl_node *hl_node_child_locked(struct fuse *f, uint64_t parent,
                                     const char *name)
{
    struct hl_node *n = f->name_tab[name_hash(f, parent, name)];
    while (n && !(n->parent->nodeid == parent && strcmp(n->name, name) == 0))
        n = n->name_next;
    return n;
}

static void unhash_name(struct fuse *f, struct hl_node *n)
{
    struct hl_node **pp = &f->name_tab[name_hash(f, n->parent->nodeid,
                                                 n->name)];
    while (*pp && *pp != n)
        pp = &(*pp)->name_next;
    if (*pp) {
        *pp = n->name_next;
        f->name_count--;
    }
    n->name_next = NULL;
}

static void hash_name(struct fuse *f, struct hl_node *n)
{
    size_t h = name_hash(f, n->parent->nodeid, n->name);
    n->name_next = f->name_tab[h];
    f->name_tab[h] = n;
    if (++f->name_count > f->name_size)
        grow_names(f);
}

static void unref(struct fuse *f, struct hl_node *n);

/* Take the node's name away (and with it the reference on its parent). */
static void drop_name(struct fuse *f, struct hl_node *n)
{
    if (!n->name)
        return;
    unhash_name(f, n);
    struct hl_node *parent = n->parent;
    free(n->name);
    n->name = NULL;
    n->parent = NULL;
    unref(f, parent);
}

static void unref(struct fuse *f, struct hl_node *n)
{
    if (--n->refs > 0)
        return;
    drop_name(f, n);
    struct hl_node **pp = &f->id_tab[id_hash(f, n->nodeid)];
    while (*pp && *pp != n)
        pp = &(*pp)->id_next;
    if (*pp) {
        *pp = n->id_next;
        f->id_count--;
    }
    free(n);
}

/* A nodeid not in use: the counter, skipping the value readdir uses for
 * "unknown" and, after a wrap, ids still held. */
static uint64_t new_nodeid(struct fuse *f)
{
    for (;;) {
        uint64_t id = f->next_id++;
        if (f->next_id == 0) {
            f->next_id = FUSE_ROOT_ID + 1;
            f->generation++;
        }
        if (id <= FUSE_ROOT_ID || id == HL_UNKNOWN_INO)
            continue;
        if (!hl_node_get_locked(f, id))
            return id;
    }
}

struct hl_node *hl_node_lookup(struct fuse *f, uint64_t parent,
                               const char *name)
{
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = NULL;
    /* "." and ".." come from NFS export: the directory and its parent. */
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        n = hl_node_get_locked(f, parent);
        if (n && name[1] == '.')
            n = n->parent ? n->parent : (n == f->root ? n : NULL);
        if (!n)
            goto out;
    } else {
        n = hl_node_child_locked(f, parent, name);
    }
    if (!n) {
        struct hl_node *p = hl_node_get_locked(f, parent);
        if (!p)
            goto out;
        n = calloc(1, sizeof *n);
        if (!n)
            goto out;
        n->name = strdup(name);
        if (!n->name) {
            free(n);
            n = NULL;
            goto out;
        }
        n->nodeid = new_nodeid(f);
        n->generation = f->generation;
        n->parent = p;
        p->refs++;
        size_t h = id_hash(f, n->nodeid);
        n->id_next = f->id_tab[h];
        f->id_tab[h] = n;
        if (++f->id_count > f->id_size)
            grow_ids(f);
        hash_name(f, n);
    }
    if (n->nlookup++ == 0) {
        if (n->remembered)
            n->remembered = 0;  /* its lookup reference was kept */
        else
            n->refs++;
    }
out:
    pthread_mutex_unlock(&f->lock);
    return n;
}

void hl_node_forget(struct fuse *f, uint64_t nodeid, uint64_t count)
{
    if (nodeid == FUSE_ROOT_ID)
        return;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    if (n && n->nlookup > 0) {
        n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
        if (n->nlookup == 0) {
            /* -o remember keeps the nodeid for its name a while (NFS
             * file handles); fuse_clean_cache drops it later. */
            if (f->conf.remember != 0 && n->name) {
                n->remembered = 1;
                clock_gettime(CLOCK_MONOTONIC, &n->forgot_at);
            } else {
                unref(f, n);
            }
        }
    }
    pthread_mutex_unlock(&f->lock);
}

void hl_node_remove_name(struct fuse *f, uint64_t parent, const char *name)
{
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_child_locked(f, parent, name);
    if (n) {
        n->refs++; /* keep it alive across drop_name */
        drop_name(f, n);
        if (n->remembered) {
            n->remembered = 0; /* nothing left to remember it by */
            n->refs--;
        }
        unref(f, n);
    }
    pthread_mutex_unlock(&f->lock);
}

/* Give n the name (dir, name); the name is copied. */
static int set_name(struct fuse *f, struct hl_node *n, struct hl_node *dir,
                    const char *name)
{
    char *copy = strdup(name);
    if (!copy)
        return -ENOMEM;
    dir->refs++;
    if (n->name) {
        n->refs++;
        drop_name(f, n);
        n->refs--;
    }
    n->name = copy;
    n->parent = dir;
    hash_name(f, n);
    return 0;
}

int hl_node_rename(struct fuse *f, uint64_t olddir, const char *oldname,
                   uint64_t newdir, const char *newname, int exchange,
                   int hide)
{
    int res = 0;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_child_locked(f, olddir, oldname);
    struct hl_node *target = hl_node_child_locked(f, newdir, newname);
    struct hl_node *ndir = hl_node_get_locked(f, newdir);
    struct hl_node *odir = hl_node_get_locked(f, olddir);
    if (!n || !ndir || !odir)
        goto out; /* not known to the kernel: nothing to move */
    n->refs++;
    if (target && target != n) {
        target->refs++;
        if (exchange) {
            res = set_name(f, target, odir, oldname);
        } else {
            drop_name(f, target);
            if (target->remembered) {
                target->remembered = 0;
                target->refs--;
            }
        }
        unref(f, target);
    }
    if (!res)
        res = set_name(f, n, ndir, newname);
    if (hide && !res)
        n->hidden = 1;
    unref(f, n);
out:
    pthread_mutex_unlock(&f->lock);
    return res;
}

int hl_path(struct fuse *f, uint64_t nodeid, const char *name, int nullok,
            char **path)
{
    *path = NULL;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = hl_node_get_locked(f, nodeid);
    int res = -ENOENT;
    if (!n)
        goto out;
    /* A node that lost its name (or an ancestor's): ESTALE, as libfuse's
     * try_get_path, e.g. for fstat of an open directory since removed. */
    res = -ESTALE;
    /* libfuse 3 with nullpath_ok (get_path_nullok): the operations that
     * may go without a path get none, even while the file has one.  A
     * program that works here must not crash there. */
    if (nullok && !name && f->conf.nullpath_ok &&
        !f->nullpath_unlinked_only) {
        res = 0;
        goto out;
    }
    if (n != f->root && !n->name) {
        /* Unlinked: no path.  Operations on an open file may go on
         * without one when the file system said it copes. */
        if (nullok && !name)
            res = 0;
        goto out;
    }
    /* Measure, then fill from the end. */
    size_t len = name ? strlen(name) + 1 : 0;
    for (struct hl_node *p = n; p != f->root; p = p->parent) {
        if (!p || !p->name)
            goto out;
        len += strlen(p->name) + 1;
    }
    char *buf = malloc(len + 2);
    if (!buf) {
        res = -ENOMEM;
        goto out;
    }
    char *s = buf + len + 1;
    *s = '\0';
    if (name) {
        size_t l = strlen(name);
        s -= l;
        memcpy(s, name, l);
        *--s = '/';
    }
    for (struct hl_node *p = n; p != f->root; p = p->parent) {
        size_t l = strlen(p->name);
        s -= l;
        memcpy(s, p->name, l);
        *--s = '/';
    }
    if (*s == '\0')
        *--s = '/'; /* the root itself */
    memmove(buf, s, strlen(s) + 1);
    *path = buf;
    res = 0;
out:
    pthread_mutex_unlock(&f->lock);
    return res;
}

uint64_t hl_node_by_path(struct fuse *f, const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return 0;
    pthread_mutex_lock(&f->lock);
    struct hl_node *n = f->root;
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c && n;
         c = strtok_r(NULL, "/", &save))
        n = hl_node_child_locked(f, n->nodeid, c);
    uint64_t id = n ? n->nodeid : 0;
    pthread_mutex_unlock(&f->lock);
    free(copy);
    return id;
}

/* ---- -o remember: forgetting remembered nodes later -------------------- */

static double age(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

int fuse_clean_cache(struct fuse *f)
{
    /* Check again after at most this many seconds (libfuse's pace). */
    int next = 3600;
    if (f->conf.remember <= 0)
        return next;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->id_size; i++) {
        struct hl_node *n = f->id_tab[i], *nx;
        for (; n; n = nx) {
            nx = n->id_next;
            if (!n->remembered)
                continue;
            double a = age(&n->forgot_at);
            if (a >= f->conf.remember) {
                n->remembered = 0;
                /* unref may free other nodes of this chain (parents are
                 * elsewhere in the table, but be safe): restart it. */
                unref(f, n);
                nx = f->id_tab[i];
            } else if (f->conf.remember - a < next) {
                next = (int)(f->conf.remember - a) + 1;
            }
        }
    }
    pthread_mutex_unlock(&f->lock);
    return next;
}
