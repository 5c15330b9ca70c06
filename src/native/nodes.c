/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node table: node id -> node, and file index -> node.
 *
 * Lifetime: a node lives while the kernel holds references to it
 * (nlookup) or fsp does (pins: each named child pins its parent so paths
 * can be built, and each open pins its node).  When both reach zero the
 * file system gets its reference back through forget().
 *
 * Paths: a node remembers the last name it was seen under.  That is
 * enough for the convenience path handed to callbacks; identity never
 * depends on it.  A node whose name was removed has no path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/fs_int.h"

static size_t hash64(uint64_t x, size_t nbuckets);

/* Bucket of the name `name` in directory node `parent`. */
static size_t hash_name(const struct nat_node *parent, const char *name,
                        size_t nbuckets)
{
    uint64_t h = 1469598103934665603ULL ^ parent->nodeid;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return hash64(h, nbuckets);
}

static size_t hash64(uint64_t x, size_t nbuckets)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (nbuckets - 1);
}

int nat_nodes_init(struct nat_node_table *t)
{
    t->nbuckets = 1024;
    t->by_id = calloc(t->nbuckets, sizeof *t->by_id);
    t->by_index = calloc(t->nbuckets, sizeof *t->by_index);
    t->by_name = calloc(t->nbuckets, sizeof *t->by_name);
    if (!t->by_id || !t->by_index || !t->by_name) {
        free(t->by_id);
        free(t->by_index);
        free(t->by_name);
        return -ENOMEM;
    }
    t->next_id = WIRE_ROOT_ID;
    pthread_mutex_init(&t->lock, NULL);
    return 0;
}

/* Double the buckets when the table gets crowded; keep going on failure. */
static void grow(struct nat_node_table *t)
{
    size_t n = t->nbuckets * 2;
    struct nat_node **id = calloc(n, sizeof *id);
    struct nat_node **ix = calloc(n, sizeof *ix);
    struct nat_node **nm = calloc(n, sizeof *nm);
    if (!id || !ix || !nm) {
        free(id);
        free(ix);
        free(nm);
        return;
    }
    for (size_t b = 0; b < t->nbuckets; b++) {
        for (struct nat_node *x = t->by_id[b], *next; x; x = next) {
            next = x->id_next;
            size_t h = hash64(x->nodeid, n);
            x->id_next = id[h];
            id[h] = x;
        }
        for (struct nat_node *x = t->by_index[b], *next; x; x = next) {
            next = x->index_next;
            size_t h = hash64(x->index, n);
            x->index_next = ix[h];
            ix[h] = x;
        }
        for (struct nat_node *x = t->by_name[b], *next; x; x = next) {
            next = x->name_next;
            size_t h = hash_name(x->parent, x->name, n);
            x->name_next = nm[h];
            nm[h] = x;
        }
    }
    free(t->by_id);
    free(t->by_index);
    free(t->by_name);
    t->by_id = id;
    t->by_index = ix;
    t->by_name = nm;
    t->nbuckets = n;
}

static void unlink_node(struct nat_node_table *t, struct nat_node *n)
{
    struct nat_node **p = &t->by_id[hash64(n->nodeid, t->nbuckets)];
    while (*p != n)
        p = &(*p)->id_next;
    *p = n->id_next;
    p = &t->by_index[hash64(n->index, t->nbuckets)];
    while (*p != n)
        p = &(*p)->index_next;
    *p = n->index_next;
    t->count--;
}

/* Export volume: the root's index and WIRE_ROOT_ID trade places, so the
 * map is its own inverse and no two files share a node id. */
static uint64_t id_of_index(const struct nat_node_table *t, uint64_t index)
{
    if (index == t->root_index)
        return WIRE_ROOT_ID;
    if (index == WIRE_ROOT_ID)
        return t->root_index;
    return index;
}

uint64_t nat_node_index_of_id(struct fsp_fs *fs, uint64_t nodeid)
{
    pthread_mutex_lock(&fs->nodes.lock);
    uint64_t index = fs->nodes.have_root ? id_of_index(&fs->nodes, nodeid)
                                         : 0;
    pthread_mutex_unlock(&fs->nodes.lock);
    return index;
}

static struct nat_node *find_index(struct nat_node_table *t, uint64_t index)
{
    struct nat_node *n = t->by_index[hash64(index, t->nbuckets)];
    while (n && n->index != index)
        n = n->index_next;
    return n;
}

struct nat_node *nat_node_get(struct fsp_fs *fs, uint64_t nodeid)
{
    struct nat_node_table *t = &fs->nodes;
    pthread_mutex_lock(&t->lock);
    struct nat_node *n = t->by_id[hash64(nodeid, t->nbuckets)];
    while (n && n->nodeid != nodeid)
        n = n->id_next;
    pthread_mutex_unlock(&t->lock);
    return n;
}

struct nat_node *nat_node_get_ref(struct fsp_fs *fs, uint64_t nodeid)
{
    struct nat_node_table *t = &fs->nodes;
    pthread_mutex_lock(&t->lock);
    struct nat_node *n = t->by_id[hash64(nodeid, t->nbuckets)];
    while (n && n->nodeid != nodeid)
        n = n->id_next;
    if (n)
        n->nlookup++;
    pthread_mutex_unlock(&t->lock);
    return n;
}

uint64_t nat_node_id_of_index(struct fsp_fs *fs, uint64_t index)
{
    pthread_mutex_lock(&fs->nodes.lock);
    struct nat_node *n = find_index(&fs->nodes, index);
    uint64_t id = n ? n->nodeid : 0;
    pthread_mutex_unlock(&fs->nodes.lock);
    return id;
}

static void name_unhash(struct nat_node_table *t, struct nat_node *n)
{
    if (!n->parent)
        return;
    struct nat_node **p = &t->by_name[hash_name(n->parent, n->name,
                                                t->nbuckets)];
    while (*p != n)
        p = &(*p)->name_next;
    *p = n->name_next;
}

/* Table lock held.  Set the remembered name (NULL: none).  The new
 * parent is pinned here; the old one is returned for the caller to
 * unpin (after it is done with the nodes it holds, since that may free
 * some). */
static struct nat_node *set_name(struct nat_node_table *t, struct nat_node *n,
                                 struct nat_node *parent, const char *name)
{
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy)
        return NULL; /* keep the old name: paths are best effort */
    struct nat_node *old = n->parent;
    name_unhash(t, n);
    free(n->name);
    n->name = copy;
    n->parent = name ? parent : NULL;
    if (n->parent) {
        n->parent->pins++;
        size_t h = hash_name(n->parent, n->name, t->nbuckets);
        n->name_next = t->by_name[h];
        t->by_name[h] = n;
    }
    return old;
}

/* Table lock held.  Free n and then each parent up the chain as long
 * as nobody references them, giving each context back to the file
 * system.  All of it happens under the lock: once a node's last pin is
 * gone another thread may free it, so nothing here may look at a node
 * after letting go of the lock.  The file system's forget runs under our
 * lock; it gets no request and must not call back into fsp. */
static void release_chain_locked(struct fsp_fs *fs, struct nat_node *n)
{
    while (n && n->nlookup == 0 && n->pins == 0) {
        struct nat_node *parent = n->parent;
        name_unhash(&fs->nodes, n);
        unlink_node(&fs->nodes, n);
        if (fs->fi.forget)
            fs->fi.forget(fs, n->ctx);
        nat_dir_snaps_release(n);
        free(n->name);
        free(n);
        if (parent)
            parent->pins--;
        n = parent;
    }
}

struct nat_node *nat_node_lookup_ref(struct fsp_fs *fs, struct nat_node *parent,
                                     const char *name, void *ctx,
                                     const struct fsp_file_info *fi)
{
    struct nat_node_table *t = &fs->nodes;
    void *dup = NULL;
    struct nat_node *old_parent = NULL;

    pthread_mutex_lock(&t->lock);
    struct nat_node *n = find_index(t, fi->index);
    if (n) {
        n->nlookup++;
        dup = ctx; /* we hold one reference per node: the first */
        if (parent && name && (n->parent != parent || !n->name ||
                               strcmp(n->name, name) != 0))
            old_parent = set_name(t, n, parent, name);
    } else {
        n = calloc(1, sizeof *n);
        if (n) {
            n->nodeid = !t->have_root ? WIRE_ROOT_ID
                        : t->ids_are_indexes ? id_of_index(t, fi->index)
                                             : ++t->next_id;
            if (!t->have_root) {
                t->root_index = fi->index; /* the first node is the root */
                t->have_root = 1;
            }
            n->index = fi->index;
            n->ctx = ctx;
            n->type = fi->mode & S_IFMT;
            n->nlookup = 1;
            if (t->count >= t->nbuckets)
                grow(t);
            if (parent)
                set_name(t, n, parent, name);
            size_t h = hash64(n->nodeid, t->nbuckets);
            n->id_next = t->by_id[h];
            t->by_id[h] = n;
            h = hash64(n->index, t->nbuckets);
            n->index_next = t->by_index[h];
            t->by_index[h] = n;
            t->count++;
        } else {
            dup = ctx;
        }
    }
    if (old_parent) {
        old_parent->pins--;
        release_chain_locked(fs, old_parent);
    }
    pthread_mutex_unlock(&t->lock);
    if (dup && fs->fi.forget)
        fs->fi.forget(fs, dup);
    return n;
}

void nat_node_ref_named(struct fsp_fs *fs, struct nat_node *n,
                        struct nat_node *parent, const char *name)
{
    pthread_mutex_lock(&fs->nodes.lock);
    n->nlookup++;
    /* The newest name becomes the path: any of a file's names will do. */
    struct nat_node *old = set_name(&fs->nodes, n, parent, name);
    if (old) {
        old->pins--;
        release_chain_locked(fs, old);
    }
    pthread_mutex_unlock(&fs->nodes.lock);
}

void nat_node_forget(struct fsp_fs *fs, struct nat_node *n, uint64_t count)
{
    pthread_mutex_lock(&fs->nodes.lock);
    n->nlookup = count > n->nlookup ? 0 : n->nlookup - count;
    release_chain_locked(fs, n);
    pthread_mutex_unlock(&fs->nodes.lock);
}

void nat_node_pin(struct fsp_fs *fs, struct nat_node *n)
{
    pthread_mutex_lock(&fs->nodes.lock);
    n->pins++;
    pthread_mutex_unlock(&fs->nodes.lock);
}

void nat_node_unpin(struct fsp_fs *fs, struct nat_node *n)
{
    pthread_mutex_lock(&fs->nodes.lock);
    n->pins--;
    release_chain_locked(fs, n);
    pthread_mutex_unlock(&fs->nodes.lock);
}

int nat_node_backing_take(struct fsp_fs *fs, struct nat_node *n, int id)
{
    pthread_mutex_lock(&fs->nodes.lock);
    if (n->backing_users++ == 0)
        n->backing_id = id;
    id = n->backing_id;
    pthread_mutex_unlock(&fs->nodes.lock);
    return id;
}

int nat_node_backing_drop(struct fsp_fs *fs, struct nat_node *n)
{
    int id = 0;
    pthread_mutex_lock(&fs->nodes.lock);
    if (n->backing_users && --n->backing_users == 0) {
        id = n->backing_id;
        n->backing_id = 0;
    }
    pthread_mutex_unlock(&fs->nodes.lock);
    return id;
}

/* Table lock held: the child of parent currently named `name`. */
static struct nat_node *find_named(struct nat_node_table *t,
                                   struct nat_node *parent, const char *name)
{
    struct nat_node *n = t->by_name[hash_name(parent, name, t->nbuckets)];
    while (n && !(n->parent == parent && strcmp(n->name, name) == 0))
        n = n->name_next;
    return n;
}

void nat_node_unname(struct fsp_fs *fs, struct nat_node *parent,
                     const char *name)
{
    pthread_mutex_lock(&fs->nodes.lock);
    struct nat_node *n = find_named(&fs->nodes, parent, name);
    struct nat_node *old = n ? set_name(&fs->nodes, n, NULL, NULL) : NULL;
    if (old) {
        old->pins--;
        release_chain_locked(fs, old);
    }
    pthread_mutex_unlock(&fs->nodes.lock);
}

void nat_node_rename(struct fsp_fs *fs, struct nat_node *oldp,
                     const char *oldname, struct nat_node *newp,
                     const char *newname, uint32_t flags)
{
    struct nat_node *unpin[2] = { NULL, NULL };
    pthread_mutex_lock(&fs->nodes.lock);
    struct nat_node *src = find_named(&fs->nodes, oldp, oldname);
    struct nat_node *dst = find_named(&fs->nodes, newp, newname);
    if (dst && dst != src)
        unpin[0] = (flags & FSP_RENAME_EXCHANGE)
                       ? set_name(&fs->nodes, dst, oldp, oldname)
                       : set_name(&fs->nodes, dst, NULL, NULL);
    if (src)
        unpin[1] = set_name(&fs->nodes, src, newp, newname);
    for (int i = 0; i < 2; i++)
        if (unpin[i]) {
            unpin[i]->pins--;
            release_chain_locked(fs, unpin[i]);
        }
    pthread_mutex_unlock(&fs->nodes.lock);
}

char *nat_node_path(struct fsp_fs *fs, struct nat_node *node, const char *name)
{
    char *path = NULL;
    size_t len = name ? strlen(name) + 1 : 0;
    pthread_mutex_lock(&fs->nodes.lock);
    for (struct nat_node *n = node; n && n->parent; n = n->parent)
        len += strlen(n->name) + 1;
    int reachable = node == fs->root;
    for (struct nat_node *n = node; n; n = n->parent)
        if (n == fs->root)
            reachable = 1;
    if (reachable && (path = malloc(len + 2)) != NULL) {
        size_t pos = len;
        path[pos] = 0;
        if (name) {
            pos -= strlen(name);
            memcpy(path + pos, name, strlen(name));
            path[--pos] = '/';
        }
        for (struct nat_node *n = node; n && n->parent; n = n->parent) {
            size_t l = strlen(n->name);
            pos -= l;
            memcpy(path + pos, n->name, l);
            path[--pos] = '/';
        }
        if (len == 0)
            strcpy(path, "/");
    }
    pthread_mutex_unlock(&fs->nodes.lock);
    return path;
}

void nat_nodes_destroy(struct fsp_fs *fs)
{
    struct nat_node_table *t = &fs->nodes;
    if (!t->by_id)
        return;
    /* At unmount every remaining reference goes back at once. */
    for (size_t b = 0; b < t->nbuckets; b++) {
        for (struct nat_node *n = t->by_id[b], *next; n; n = next) {
            next = n->id_next;
            if (fs->fi.forget)
                fs->fi.forget(fs, n->ctx);
            nat_dir_snaps_release(n);
            free(n->name);
            free(n);
        }
    }
    free(t->by_id);
    free(t->by_index);
    free(t->by_name);
    t->by_id = t->by_index = t->by_name = NULL;
    pthread_mutex_destroy(&t->lock);
}
