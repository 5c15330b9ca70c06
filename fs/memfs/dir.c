/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directories: each one's entries are an AVL tree (see struct entry).
 * A sorted array made every insert and remove move the tail, so creating
 * n names in one directory cost O(n^2); the tree keeps the sorted order
 * that listings resume from at O(log n) per change.
 *
 * Without parent pointers, a change remembers the links it followed
 * (struct path) and rebalances along them on the way back up.  Only the
 * writers here rotate, so readers under the shared guard see a tree that
 * holds still. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "memfs.h"

_Static_assert(sizeof(size_t) <= 8, "DIR_MAX_DEPTH assumes a 64-bit count");

/* The links from the directory's root pointer down to one entry or empty
 * slot: link[i] points at the entry at depth i, and dir[i] says which
 * child of it the walk took next. */
struct path {
    struct entry **link[DIR_MAX_DEPTH];
    unsigned char dir[DIR_MAX_DEPTH];
    int depth;  /* link[depth]: the entry found, or where it would go */
};

static struct entry *entry_new(const char *name, struct node *node)
{
    size_t len = strlen(name) + 1;
    size_t size = offsetof(struct entry, name) + len;
    struct entry *e = malloc(size > sizeof *e ? size : sizeof *e);
    if (!e)
        return NULL;
    e->child[0] = e->child[1] = NULL;
    e->node = node;
    e->balance = 0;
    memcpy(e->name, name, len);
    return e;
}

struct entry *dir_find(const struct memfs *m, const struct node *dir,
                       const char *name)
{
    struct entry *e = dir->ents;
    while (e) {
        int c = m->cmp(name, e->name);
        if (c == 0)
            break;
        e = e->child[c > 0];
    }
    return e;
}

/* Walk to `name`, recording the path; the entry, or NULL. */
static struct entry *descend(const struct memfs *m, struct node *dir,
                             const char *name, struct path *p)
{
    struct entry *e;
    p->depth = 0;
    p->link[0] = &dir->ents;
    while ((e = *p->link[p->depth])) {
        int c = m->cmp(name, e->name);
        if (c == 0)
            break;
        p->dir[p->depth] = c > 0;
        p->link[p->depth + 1] = &e->child[c > 0];
        p->depth++;
    }
    return e;
}

/* *link leans one level too far to side d, and so does the child there:
 * one rotation lifts that child. */
static void rotate_single(struct entry **link, int d)
{
    struct entry *a = *link, *b = a->child[d];
    int s = d ? 1 : -1;
    a->child[d] = b->child[!d];
    b->child[!d] = a;
    /* b was even only after a removal: then a still leans, b the other
     * way, and the subtree keeps its height. */
    a->balance = b->balance ? 0 : s;
    b->balance = b->balance ? 0 : -s;
    *link = b;
}

/* *link leans too far to side d, but the child there leans back: its
 * inner grandchild comes up, between the two. */
static void rotate_double(struct entry **link, int d)
{
    struct entry *a = *link, *b = a->child[d], *c = b->child[!d];
    int s = d ? 1 : -1;
    b->child[!d] = c->child[d];
    a->child[d] = c->child[!d];
    c->child[d] = b;
    c->child[!d] = a;
    a->balance = c->balance == s ? -s : 0;
    b->balance = c->balance == -s ? s : 0;
    c->balance = 0;
    *link = c;
}

/* Restore *link, two levels heavier on side d.  1 if the subtree came out
 * one level shorter than it was (always, after an insert). */
static int rebalance(struct entry **link, int d)
{
    struct entry *b = (*link)->child[d];
    int s = d ? 1 : -1;
    if (b->balance == -s) {
        rotate_double(link, d);
        return 1;
    }
    int shorter = b->balance != 0;
    rotate_single(link, d);
    return shorter;
}

/* The subtree at p->link[p->depth] grew a level: the first ancestor that
 * was lopsided absorbs it, either evened out or rotated. */
static void grew(struct path *p)
{
    for (int i = p->depth - 1; i >= 0; i--) {
        struct entry *a = *p->link[i];
        int s = p->dir[i] ? 1 : -1;
        if (a->balance == 0) {
            a->balance = (signed char)s;
            continue;
        }
        if (a->balance == -s)
            a->balance = 0;
        else
            rebalance(p->link[i], p->dir[i]);
        return;
    }
}

/* The subtree at p->link[p->depth] lost a level: unlike growth, the loss
 * can travel up through rotations, all the way to the root. */
static void shrank(struct path *p)
{
    for (int i = p->depth - 1; i >= 0; i--) {
        struct entry *a = *p->link[i];
        int s = p->dir[i] ? 1 : -1;
        if (a->balance == s) {
            a->balance = 0;
            continue;
        }
        if (a->balance == 0) {
            a->balance = (signed char)-s;
            return;
        }
        if (!rebalance(p->link[i], !p->dir[i]))
            return;
    }
}

int dir_insert(const struct memfs *m, struct node *dir, const char *name,
               struct node *child)
{
    struct path p;
    if (descend(m, dir, name, &p))
        return -EEXIST;
    struct entry *e = entry_new(name, child);
    if (!e)
        return -ENOMEM;
    *p.link[p.depth] = e;
    dir->nents++;
    grew(&p);
    return 0;
}

int dir_replace(const struct memfs *m, struct node *dir, const char *name,
                struct node *child)
{
    struct path p;
    struct entry *e = descend(m, dir, name, &p);
    if (!e)
        return -ENOENT;
    if (strcmp(e->name, name) != 0) {
        /* The name lives in the entry, and may change length (case
         * folding can): a new entry takes the old one's place. */
        struct entry *r = entry_new(name, child);
        if (!r)
            return -ENOMEM;
        r->child[0] = e->child[0];
        r->child[1] = e->child[1];
        r->balance = e->balance;
        *p.link[p.depth] = r;
        free(e);
        e = r;
    }
    e->node = child;
    return 0;
}

/* e, at p->link[p->depth], has two children: its successor (the first
 * entry on its right) leaves its own place and takes e's, so that no
 * other entry moves in memory.  The path then ends at the successor's
 * old place, which lost a level. */
static void unlink_inner(struct path *p, struct entry *e)
{
    int at = p->depth;
    p->dir[p->depth] = 1;
    p->link[++p->depth] = &e->child[1];
    while ((*p->link[p->depth])->child[0]) {
        p->dir[p->depth] = 0;
        p->link[p->depth + 1] = &(*p->link[p->depth])->child[0];
        p->depth++;
    }
    struct entry *s = *p->link[p->depth];
    *p->link[p->depth] = s->child[1];
    s->child[0] = e->child[0];
    s->child[1] = e->child[1];
    s->balance = e->balance;
    *p->link[at] = s;
    p->link[at + 1] = &s->child[1];  /* was inside e */
}

void dir_remove(const struct memfs *m, struct node *dir, const char *name)
{
    struct path p;
    struct entry *e = descend(m, dir, name, &p);
    if (!e)
        return;
    if (e->child[0] && e->child[1])
        unlink_inner(&p, e);
    else
        *p.link[p.depth] = e->child[!e->child[0]];
    free(e);
    dir->nents--;
    shrank(&p);
}

/* Rotating every left child up turns the tree into a list on the fly, so
 * freeing needs neither recursion nor a stack, and goes in name order. */
void dir_free(struct node *dir, void (*drop)(struct node *))
{
    struct entry *e = dir->ents;
    while (e) {
        struct entry *l = e->child[0];
        if (l) {
            e->child[0] = l->child[1];
            l->child[1] = e;
            e = l;
        } else {
            struct entry *next = e->child[1];
            drop(e->node);
            free(e);
            e = next;
        }
    }
    dir->ents = NULL;
    dir->nents = 0;
}

/* Pending holds the entries after `after` whose left side is done: the
 * ancestors the walk will come back up to, nearest on top. */
static void push_left(struct dir_iter *it, const struct entry *e)
{
    for (; e; e = e->child[0])
        it->pending[it->depth++] = e;
}

void dir_iter_start(const struct memfs *m, const struct node *dir,
                    const char *after, struct dir_iter *it)
{
    const struct entry *e = dir->ents;
    it->depth = 0;
    if (!after) {
        push_left(it, e);
        return;
    }
    while (e) {
        if (m->cmp(e->name, after) > 0) {
            it->pending[it->depth++] = e;
            e = e->child[0];
        } else {
            e = e->child[1];
        }
    }
}

const struct entry *dir_iter_next(struct dir_iter *it)
{
    if (it->depth == 0)
        return NULL;
    const struct entry *e = it->pending[--it->depth];
    push_left(it, e->child[1]);
    return e;
}

/* A name in `dir` appeared or went: adjust the subdirectory count that
 * nlink reports, and the directory's times. */
void dir_changed(struct node *dir, int subdirs)
{
    pthread_mutex_lock(&dir->lock);
    dir->subdirs += subdirs;
    dir->info.write_time = dir->info.change_time = memfs_now();
    pthread_mutex_unlock(&dir->lock);
}
