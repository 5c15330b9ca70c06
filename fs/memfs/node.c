/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Nodes and the volume's limits (file data: data.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memfs.h"

int memfs_reserve_file(struct memfs *m)
{
    int err = 0;
    pthread_mutex_lock(&m->lock);
    if (m->max_files && m->used_files >= m->max_files)
        err = -ENOSPC;
    else
        m->used_files++;
    pthread_mutex_unlock(&m->lock);
    return err;
}

uint64_t memfs_reserve_bytes(struct memfs *m, uint64_t want, int partial)
{
    pthread_mutex_lock(&m->lock);
    uint64_t avail = m->max_bytes - m->used_bytes;
    uint64_t got = want <= avail ? want : partial ? avail : 0;
    m->used_bytes += got;
    pthread_mutex_unlock(&m->lock);
    return got;
}

void memfs_release(struct memfs *m, uint64_t files, uint64_t bytes)
{
    pthread_mutex_lock(&m->lock);
    m->used_files -= files;
    m->used_bytes -= bytes;
    pthread_mutex_unlock(&m->lock);
}

struct timespec memfs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

struct node *node_new(struct memfs *m, const struct fsp_create_params *cp)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    if (S_ISLNK(cp->mode) && !(n->target = strdup(cp->link_target))) {
        free(n);
        return NULL;
    }
    if (cp->security && memfs_sd_store(n, cp->security, cp->security_size)) {
        free(n->target);
        free(n);
        return NULL;
    }
    if (index_alloc(m, n)) {
        free(n->sd);
        free(n->target);
        free(n);
        return NULL;
    }
    pthread_mutex_init(&n->lock, NULL);
    n->type = cp->mode & S_IFMT;
    n->info.mode = cp->mode;
    n->info.attributes = cp->attributes;
    if (S_ISDIR(cp->mode))
        n->info.attributes |= FSP_ATTR_DIRECTORY;
    if (S_ISLNK(cp->mode)) {
        n->info.attributes |= FSP_ATTR_REPARSE_POINT;
        n->info.size = strlen(n->target);
    }
    n->info.uid = cp->uid;
    n->info.gid = cp->gid;
    n->info.rdev = cp->rdev;
    n->info.creation_time = n->info.access_time = n->info.write_time =
        n->info.change_time = memfs_now();
    return n;
}

void node_fill_locked(struct node *n, struct fsp_file_info *fi)
{
    *fi = n->info;
    /* A directory's ".." entries in its subdirectories are links too. */
    fi->nlink = S_ISDIR(n->type) && n->names ? 2 + n->subdirs : n->names;
    fi->alloc_size = data_allocated(n);
}

void node_fill(struct node *n, struct fsp_file_info *fi)
{
    pthread_mutex_lock(&n->lock);
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
}

void node_ref(struct node *n)
{
    pthread_mutex_lock(&n->lock);
    n->refs++;
    pthread_mutex_unlock(&n->lock);
}

/* A child with hard links elsewhere goes with its last entry. */
static void drop_name(struct node *child)
{
    if (--child->names == 0)
        node_destroy_tree(child);
}

/* Free the memory of a node, its entries and its children. */
void node_destroy_tree(struct node *n)
{
    dir_free(n, drop_name);
    streams_destroy(n);
    ea_free_all(n);
    data_free(n);
    if (S_ISLNK(n->type))
        free(n->target);
    free(n->sd);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

/* The last name and reference are gone: give the space back. */
static void node_free(struct memfs *m, struct node *n)
{
    uint64_t bytes = data_allocated(n);
    streams_release(m, n);
    index_free(m, n);
    node_destroy_tree(n);  /* has no entries: only empty dirs lose names */
    memfs_release(m, 1, bytes);
}

void node_release(struct memfs *m, struct node *n)
{
    pthread_mutex_lock(&n->lock);
    int dead = --n->refs == 0 && !n->names;
    pthread_mutex_unlock(&n->lock);
    if (dead)
        node_free(m, n);
}

/* One more name for n: its link count and ctime change. */
void node_link(struct memfs *m, struct node *n)
{
    pthread_mutex_lock(&n->lock);
    if (n->names++ == 0)
        index_publish(m, n);  /* an unnamed file got a name */
    n->info.change_time = memfs_now();
    pthread_mutex_unlock(&n->lock);
}

/* One name of n went; the last name and reference free it. */
void node_unlink(struct memfs *m, struct node *n)
{
    pthread_mutex_lock(&n->lock);
    if (--n->names == 0)
        index_hide(m, n);
    n->info.change_time = memfs_now();
    int dead = n->refs == 0 && n->names == 0;
    pthread_mutex_unlock(&n->lock);
    if (dead)
        node_free(m, n);
}
