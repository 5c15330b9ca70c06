/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named streams and reparse data: the part of the Windows set that
 * memfs keeps beside a file (main.c turns it on with -N, -P or -W).
 *
 * A stream is a regular-file node of its own, named once by its file's
 * stream list, so it lives while listed or referenced, exactly as a file
 * does with its directory entry; read, write, truncate and the volume's
 * limits are the ordinary ones.  Its owner, group and permission bits
 * are copied from the file at each lookup_stream and create_stream,
 * since the kernel checks access to a stream node by them.  The list is
 * under the file's lock; a stream's lock is taken only after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memfs.h"

static struct memfs *get_memfs(fsp_request *req)
{
    return fsp_fs_context(fsp_request_fs(req));
}

/* The stream called name; the file's lock held. */
static struct mstream *stream_find(struct memfs *m, struct node *n,
                                   const char *name)
{
    for (size_t i = 0; i < n->nstreams; i++)
        if (m->cmp(n->streams[i].name, name) == 0)
            return &n->streams[i];
    return NULL;
}

/* Copy the file's owner and permissions into stream s. */
static void stream_sync(struct node *host, struct node *s,
                        struct fsp_file_info *fi)
{
    uint32_t mode = host->info.mode & 07777, uid = host->info.uid,
             gid = host->info.gid,
             ro = host->info.attributes & FSP_ATTR_READONLY;
    pthread_mutex_lock(&s->lock);
    /* NTFS keeps attributes per file: a read-only file's streams are
     * read-only too. */
    s->info.attributes = (s->info.attributes & ~FSP_ATTR_READONLY) | ro;
    s->info.mode = S_IFREG | mode;
    s->info.uid = uid;
    s->info.gid = gid;
    s->refs++;
    node_fill_locked(s, fi);
    pthread_mutex_unlock(&s->lock);
}

static int lookup_stream(fsp_request *req, void *node, const char *name,
                         void **stream, struct fsp_file_info *fi)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    struct mstream *st = stream_find(get_memfs(req), n, name);
    if (st) {
        stream_sync(n, st->node, fi);
        *stream = st->node;
    }
    pthread_mutex_unlock(&n->lock);
    return st ? 0 : -ENOENT;
}

static int create_stream(fsp_request *req, void *node, const char *name,
                         void **stream, struct fsp_file_info *fi)
{
    struct memfs *m = get_memfs(req);
    struct node *n = node;
    int err = memfs_reserve_file(m);
    if (err)
        return err;
    const struct fsp_create_params cp = { .mode = S_IFREG,
                                          .attributes = FSP_ATTR_ARCHIVE };
    struct node *s = node_new(m, &cp);
    char *copy = strdup(name);
    pthread_mutex_lock(&n->lock);
    struct mstream *list = NULL;
    if (stream_find(m, n, name))
        err = -EEXIST;
    else if (!s || !copy ||
             !(list = realloc(n->streams, (n->nstreams + 1) * sizeof *list)))
        err = -ENOMEM;
    if (!err) {
        n->streams = list;
        n->streams[n->nstreams++] = (struct mstream){ copy, s };
        s->names = 1;
        stream_sync(n, s, fi);
        n->info.change_time = memfs_now();
        *stream = s;
    }
    pthread_mutex_unlock(&n->lock);
    if (err) {
        free(copy);
        if (s)
            node_destroy_tree(s);
        memfs_release(m, 1, 0);
    }
    return err;
}

static int delete_stream(fsp_request *req, void *node, const char *name)
{
    struct memfs *m = get_memfs(req);
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    struct mstream *st = stream_find(m, n, name);
    struct node *s = st ? st->node : NULL;
    if (st) {
        free(st->name);
        *st = n->streams[--n->nstreams];
        n->info.change_time = memfs_now();
    }
    pthread_mutex_unlock(&n->lock);
    if (!s)
        return -ENOENT;
    node_unlink(m, s);
    return 0;
}

static int get_stream_info(fsp_request *req, void *node,
                           struct fsp_stream_buffer *sb)
{
    struct node *n = node;
    int err = 0;
    pthread_mutex_lock(&n->lock);
    for (size_t i = 0; i < n->nstreams && !err; i++) {
        struct node *s = n->streams[i].node;
        pthread_mutex_lock(&s->lock);
        uint64_t size = s->info.size;
        pthread_mutex_unlock(&s->lock);
        if (!fsp_stream_buffer_add(sb, n->streams[i].name, size))
            err = -ENOMEM;
    }
    pthread_mutex_unlock(&n->lock);
    return err;
}

void streams_sync_readonly(struct node *n)
{
    uint32_t ro = n->info.attributes & FSP_ATTR_READONLY;
    for (size_t i = 0; i < n->nstreams; i++) {
        struct node *s = n->streams[i].node;
        pthread_mutex_lock(&s->lock);
        s->info.attributes = (s->info.attributes & ~FSP_ATTR_READONLY) | ro;
        pthread_mutex_unlock(&s->lock);
    }
}

void streams_release(struct memfs *m, struct node *n)
{
    pthread_mutex_lock(&n->lock);
    struct mstream *list = n->streams;
    size_t count = n->nstreams;
    n->streams = NULL;
    n->nstreams = 0;
    pthread_mutex_unlock(&n->lock);
    for (size_t i = 0; i < count; i++) {
        free(list[i].name);
        node_unlink(m, list[i].node);
    }
    free(list);
}

void streams_destroy(struct node *n)
{
    for (size_t i = 0; i < n->nstreams; i++) {
        free(n->streams[i].name);
        if (--n->streams[i].node->names == 0)
            node_destroy_tree(n->streams[i].node);
    }
    free(n->streams);
    n->streams = NULL;
    n->nstreams = 0;
    free(n->reparse);
    n->reparse = NULL;
}

/* ---- reparse data ---- */

static int get_reparse_data(fsp_request *req, void *node, void *buf,
                            size_t size, size_t *needed)
{
    struct node *n = node;
    int err = 0;
    pthread_mutex_lock(&n->lock);
    if (!n->reparse)
        err = -ENODATA;
    else if ((*needed = n->reparse_size) <= size)
        memcpy(buf, n->reparse, n->reparse_size);
    else if (size)
        err = -ERANGE;
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int set_reparse_data(fsp_request *req, void *node, const void *buf,
                            size_t size)
{
    struct node *n = node;
    void *copy = malloc(size);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, buf, size);
    int err = 0;
    pthread_mutex_lock(&n->lock);
    /* Windows replaces reparse data only with data of the same tag. */
    if (n->reparse && memcmp(n->reparse, buf, 4) != 0) {
        err = -EEXIST;
    } else {
        free(n->reparse);
        n->reparse = copy;
        n->reparse_size = size;
        n->info.attributes |= FSP_ATTR_REPARSE_POINT;
        n->info.change_time = memfs_now();
        copy = NULL;
    }
    pthread_mutex_unlock(&n->lock);
    free(copy);
    return err;
}

static int delete_reparse_data(fsp_request *req, void *node)
{
    struct node *n = node;
    int err = 0;
    pthread_mutex_lock(&n->lock);
    if (!n->reparse) {
        err = -ENODATA;
    } else {
        free(n->reparse);
        n->reparse = NULL;
        n->reparse_size = 0;
        if (!S_ISLNK(n->type))
            n->info.attributes &= ~FSP_ATTR_REPARSE_POINT;
        n->info.change_time = memfs_now();
    }
    pthread_mutex_unlock(&n->lock);
    return err;
}

void memfs_add_windows_calls(struct fsp_fs_interface *iface)
{
    iface->lookup_stream = lookup_stream;
    iface->create_stream = create_stream;
    iface->delete_stream = delete_stream;
    iface->get_stream_info = get_stream_info;
    iface->get_reparse_data = get_reparse_data;
    iface->set_reparse_data = set_reparse_data;
    iface->delete_reparse_data = delete_reparse_data;
}
