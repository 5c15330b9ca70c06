/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fsp_fs_interface callbacks of memfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsp/names.h"
#include "memfs.h"

/* Callbacks have fixed signatures; most use only some of their arguments
 * (the Makefile says the same with -Wno-unused-parameter). */
#pragma GCC diagnostic ignored "-Wunused-parameter"

static struct memfs *get_memfs(fsp_request *req)
{
    return fsp_fs_context(fsp_request_fs(req));
}

static void fill_volume_info(struct memfs *m, struct fsp_volume_info *vi)
{
    pthread_mutex_lock(&m->lock);
    vi->total_size = m->max_bytes;
    vi->free_size = m->max_bytes - m->used_bytes;
    if (m->max_files) {
        vi->total_files = m->max_files;
        vi->free_files = m->max_files - m->used_files;
    } else {
        /* No limit: report what df -i can show, as tmpfs does without
         * nr_inodes: one file per page of the byte budget, never less
         * than what exists. */
        uint64_t est = m->max_bytes / 4096;
        vi->total_files = est > m->used_files ? est : m->used_files;
        vi->free_files = vi->total_files - m->used_files;
    }
    memcpy(vi->label, m->label, sizeof vi->label);
    pthread_mutex_unlock(&m->lock);
}

static int get_volume_info(fsp_request *req, struct fsp_volume_info *vi)
{
    fill_volume_info(get_memfs(req), vi);
    return 0;
}

static int set_volume_label(fsp_request *req, const char *label,
                            struct fsp_volume_info *vi)
{
    struct memfs *m = get_memfs(req);
    if (strlen(label) >= sizeof m->label)
        return -ENAMETOOLONG;
    pthread_mutex_lock(&m->lock);
    strcpy(m->label, label);
    pthread_mutex_unlock(&m->lock);
    fill_volume_info(m, vi);
    return 0;
}

static int lookup(fsp_request *req, void *parent, const char *name,
                  void **node, struct fsp_file_info *fi)
{
    struct memfs *m = get_memfs(req);
    struct node *n = NULL;

    if (!parent) {
        n = strcmp(name, "/") == 0 ? m->root : NULL;
    } else if (strcmp(name, "..") == 0) {
        /* Export asks a directory for its parent (fsp answers for the
         * root itself).  A removed directory has none any more. */
        struct node *dir = parent;
        n = S_ISDIR(dir->type) && dir->names ? dir->parent : NULL;
    } else {
        struct entry *e = dir_find(m, parent, name);
        n = e ? e->node : NULL;
    }
    if (!n)
        return -ENOENT;
    node_ref(n);
    node_fill(n, fi);
    *node = n;
    return 0;
}

/* Export: the file with this index now.  Files without names are not
 * offered (their node may go at any moment on another thread). */
static int lookup_index(fsp_request *req, uint64_t index, void **node,
                        struct fsp_file_info *fi)
{
    struct node *n = index_find(get_memfs(req), index);
    if (!n)
        return -ESTALE;
    node_ref(n);
    node_fill(n, fi);
    *node = n;
    return 0;
}

static void forget(fsp_fs *fs, void *node)
{
    node_release(fsp_fs_context(fs), node);
}

static int get_file_info(fsp_request *req, void *node, void *file,
                         struct fsp_file_info *fi)
{
    node_fill(node, fi);
    return 0;
}

/* O_TMPFILE: a regular file with no name, open; link may name it. */
/* One open: memfs only needs to know whether it may move atime. */
struct open_file {
    int noatime;
};

static void *open_file_new(uint32_t flags)
{
    struct open_file *f = malloc(sizeof *f);
    if (f)
        f->noatime = (flags & O_NOATIME) != 0;
    return f;
}

static int create_unnamed(struct memfs *m, struct node *dir,
                          const struct fsp_create_params *cp, void **node,
                          void **file, struct fsp_file_info *fi)
{
    struct node *n;
    int err;

    if (!S_ISREG(cp->mode))
        return -EINVAL;
    if (!S_ISDIR(dir->type))
        return -ENOTDIR;
    if (!dir->names)
        return -ENOENT;
    void *f = m->stateless ? NULL : open_file_new(cp->flags);
    if (!m->stateless && !f)
        return -ENOMEM;
    if ((err = memfs_reserve_file(m))) {
        free(f);
        return err;
    }
    if (!(n = node_new(m, cp))) {
        memfs_release(m, 1, 0);
        free(f);
        return -ENOMEM;
    }
    n->refs = f ? 2 : 1;  /* the node reference, and the open */
    node_fill(n, fi);
    *node = n;
    *file = f;
    return 0;
}

static int create(fsp_request *req, void *parent, const char *name,
                  const struct fsp_create_params *cp, void **node,
                  void **file, struct fsp_file_info *fi)
{
    struct memfs *m = get_memfs(req);
    struct node *dir = parent, *n = NULL;
    int err;

    if (!name)
        return create_unnamed(m, dir, cp, node, file, fi);
    switch (cp->mode & S_IFMT) {
    case S_IFREG: case S_IFDIR: case S_IFCHR: case S_IFBLK: case S_IFIFO:
    case S_IFSOCK:
        break;
    case S_IFLNK:
        if (cp->link_target)
            break;
        /* fall through */
    default:
        return -EINVAL;
    }
    if (!S_ISDIR(dir->type))
        return -ENOTDIR;
    if (!dir->names)  /* a removed directory takes no new names */
        return -ENOENT;
    if (dir_find(m, dir, name))
        return -EEXIST;
    int is_reg = S_ISREG(cp->mode) && !m->stateless;
    void *f = is_reg ? open_file_new(cp->flags) : NULL;
    if (is_reg && !f)
        return -ENOMEM;
    if ((err = memfs_reserve_file(m))) {
        free(f);
        return err;
    }
    if (!(n = node_new(m, cp))) {
        memfs_release(m, 1, 0);
        free(f);
        return -ENOMEM;
    }
    n->names = 1;
    n->refs = is_reg ? 2 : 1;  /* the node reference, and the open */
    if ((err = dir_insert(m, dir, name, n))) {
        n->names = 0;
        n->refs = 1;
        node_release(m, n);
        free(f);
        return err;
    }
    if (S_ISDIR(cp->mode))
        n->parent = dir;
    index_publish(m, n);
    dir_changed(dir, S_ISDIR(cp->mode));
    node_fill(n, fi);
    *node = n;
    *file = f;
    return 0;
}

static int open_(fsp_request *req, void *node, uint32_t flags, void **file,
                 struct fsp_file_info *fi)
{
    void *f = open_file_new(flags);
    if (!f)
        return -ENOMEM;
    node_ref(node);  /* an open keeps an unlinked file's data alive */
    node_fill(node, fi);
    *file = f;
    return 0;
}

static void close_(fsp_fs *fs, void *node, void *file)
{
    free(file);
    node_release(fsp_fs_context(fs), node);
}

static int ts_before_eq(struct timespec a, struct timespec b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
}

/* The kernel keeps no atime for FUSE files, so memfs does, with Linux's
 * default relatime rule: an access moves atime only when it is not newer
 * than mtime or ctime, or is a day old.  Only accesses that reach memfs
 * count: cached reads do not (see -C).  Node lock held. */
static void touch_access(struct node *n)
{
    struct timespec now = memfs_now();
    if (ts_before_eq(n->info.access_time, n->info.write_time) ||
        ts_before_eq(n->info.access_time, n->info.change_time) ||
        now.tv_sec - n->info.access_time.tv_sec >= 24 * 3600)
        n->info.access_time = now;
}

static void touch_data(struct node *n)
{
    n->info.write_time = n->info.change_time = memfs_now();
    /* NTFS marks a file for backup whenever its data changes. */
    if (S_ISREG(n->type))
        n->info.attributes |= FSP_ATTR_ARCHIVE;
}

/* Renames change ctime, as on local Linux file systems. */
static void touch_change(struct node *n)
{
    pthread_mutex_lock(&n->lock);
    n->info.change_time = memfs_now();
    pthread_mutex_unlock(&n->lock);
}

static int overwrite(fsp_request *req, void *node, void *file,
                     struct fsp_file_info *fi)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    data_truncate(get_memfs(req), n, 0);
    n->info.size = 0;
    touch_data(n);
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
    return 0;
}

int memfs_read(fsp_request *req, void *node, void *file, void *buf,
               uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    struct node *n = node;
    uint32_t count = 0;

    pthread_mutex_lock(&n->lock);
    if (offset < n->info.size) {
        count = n->info.size - offset < length ? n->info.size - offset
                                               : length;
        data_read(n, buf, offset, count);
    }
    if (!(file && ((struct open_file *)file)->noatime))
        touch_access(n);
    pthread_mutex_unlock(&n->lock);
    *bytes_read = count;
    return 0;
}

int memfs_write(fsp_request *req, void *node, void *file, const void *buf,
                uint64_t offset, uint32_t length, uint32_t *bytes_written,
                struct fsp_file_info *fi)
{
    struct node *n = node;
    size_t done = 0;

    if (offset > INT64_MAX - (uint64_t)length)
        return -EFBIG;
    pthread_mutex_lock(&n->lock);
    /* What fits is written: a short write tells the caller the volume is
     * full, and the next write gets ENOSPC. */
    int err = data_write(get_memfs(req), n, buf, offset, length, &done);
    if (!err && done > 0) {
        if (offset + done > n->info.size)
            n->info.size = offset + done;
        touch_data(n);
    }
    *bytes_written = (uint32_t)done;
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int set_basic_info(fsp_request *req, void *node, void *file,
                          const struct fsp_basic_info *bi,
                          struct fsp_file_info *fi)
{
    const uint32_t type_attrs = FSP_ATTR_DIRECTORY | FSP_ATTR_REPARSE_POINT;
    struct node *n = node;

    pthread_mutex_lock(&n->lock);
    struct fsp_file_info *in = &n->info;
    if (bi->valid & FSP_SET_MODE)
        in->mode = (in->mode & S_IFMT) | (bi->mode & 07777);
    if (bi->valid & FSP_SET_UID)
        in->uid = bi->uid;
    if (bi->valid & FSP_SET_GID)
        in->gid = bi->gid;
    if (bi->valid & FSP_SET_ATTRIBUTES) { /* the type's bits are not data */
        in->attributes = (bi->attributes & ~type_attrs) |
                         (in->attributes & type_attrs);
        streams_sync_readonly(n);
    }
    if (bi->valid & FSP_SET_ATIME)
        in->access_time = bi->access_time;
    if (bi->valid & FSP_SET_MTIME)
        in->write_time = bi->write_time;
    if (bi->valid & FSP_SET_CRTIME)
        in->creation_time = bi->creation_time;
    in->change_time = bi->valid & FSP_SET_CTIME ? bi->change_time
                                                : memfs_now();
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
    return 0;
}

static int set_file_size(fsp_request *req, void *node, void *file,
                         uint64_t size, struct fsp_file_info *fi)
{
    struct node *n = node;

    if (!S_ISREG(n->type))
        return S_ISDIR(n->type) ? -EISDIR : -EINVAL;
    if (size > INT64_MAX)
        return -EFBIG;
    pthread_mutex_lock(&n->lock);
    /* Growing makes a hole, which takes no space. */
    if (size < n->info.size)
        data_truncate(get_memfs(req), n, size);
    n->info.size = size;
    touch_data(n);
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
    return 0;
}

static int allocate(fsp_request *req, void *node, void *file, uint64_t offset,
                    uint64_t length, uint32_t mode, struct fsp_file_info *fi)
{
    struct memfs *m = get_memfs(req);
    struct node *n = node;
    int err = 0;

    if (!S_ISREG(n->type))
        return S_ISDIR(n->type) ? -EISDIR : -ENODEV;
    pthread_mutex_lock(&n->lock);
    if (mode & FSP_ALLOC_PUNCH_HOLE) {
        data_punch(m, n, offset, length);
    } else {
        err = data_allocate(m, n, offset, length);
        if (!err && !(mode & FSP_ALLOC_KEEP_SIZE) &&
            offset + length > n->info.size)
            n->info.size = offset + length;
    }
    if (!err)
        touch_data(n);
    node_fill_locked(n, fi);
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int seek(fsp_request *req, void *node, void *file, uint64_t offset,
                int whence, uint64_t *result)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    int err = data_seek(n, offset, whence, result);
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int can_delete(fsp_request *req, void *parent, const char *name,
                      void *node)
{
    struct node *n = node;
    return S_ISDIR(n->type) && n->nents ? -ENOTEMPTY : 0;
}

static int set_delete(fsp_request *req, void *parent, const char *name,
                      void *node)
{
    struct memfs *m = get_memfs(req);
    struct node *dir = parent, *n = node;

    struct entry *e = dir_find(m, dir, name);
    if (!e || e->node != n)
        return -ENOENT;
    dir_remove(m, dir, name);
    dir_changed(dir, -S_ISDIR(n->type));
    node_unlink(m, n);
    return 0;
}

static int rename_(fsp_request *req, void *old_parent, const char *old_name,
                   void *new_parent, const char *new_name, void *node,
                   uint32_t flags)
{
    struct memfs *m = get_memfs(req);
    struct node *odir = old_parent, *ndir = new_parent, *n = node, *old;
    int err;

    if (!S_ISDIR(odir->type) || !S_ISDIR(ndir->type))
        return -ENOTDIR;  /* only directories hold entries */
    if (!ndir->names)  /* a removed directory takes no new names */
        return -ENOENT;
    struct entry *src = dir_find(m, odir, old_name);
    if (!src || src->node != n)
        return -ENOENT;
    struct entry *dst = dir_find(m, ndir, new_name);
    old = dst ? dst->node : NULL;
    int n_dir = S_ISDIR(n->type), old_dir = old && S_ISDIR(old->type);

    if (flags & FSP_RENAME_EXCHANGE) {
        if (!old)
            return -ENOENT;
        src->node = old;
        dst->node = n;
        if (n_dir)
            n->parent = ndir;
        if (old_dir)
            old->parent = odir;
        dir_changed(odir, odir == ndir ? 0 : old_dir - n_dir);
        dir_changed(ndir, odir == ndir ? 0 : n_dir - old_dir);
        touch_change(old);
        touch_change(n);
        return 0;
    }
    if (old == n) {
        /* The same file: a case-only rename on a case-insensitive
         * volume (keep the new spelling), or nothing at all. */
        if (strcmp(dst->name, new_name) != 0) {
            if ((err = dir_replace(m, ndir, new_name, n)))
                return err;
            dir_changed(ndir, 0);
        }
        return 0;
    }
    if (old && (flags & FSP_RENAME_NOREPLACE))
        return -EEXIST;
    if (old_dir && old->nents)
        return -ENOTEMPTY;
    /* The target's entry takes new_name's spelling (on -i the case may
     * differ).  The two names differ (else old would be n), so removing
     * old_name afterwards removes the source. */
    err = old ? dir_replace(m, ndir, new_name, n)
              : dir_insert(m, ndir, new_name, n);
    if (err)
        return err;
    dir_remove(m, odir, old_name);
    if (n_dir)
        n->parent = ndir;
    dir_changed(odir, -n_dir);
    dir_changed(ndir, n_dir - old_dir);
    if (old)
        node_unlink(m, old);
    touch_change(n);
    return 0;
}

static int link_(fsp_request *req, void *node, void *new_parent,
                 const char *new_name, struct fsp_file_info *fi)
{
    struct memfs *m = get_memfs(req);
    struct node *dir = new_parent, *n = node;
    int err;

    if (!S_ISDIR(dir->type))
        return -ENOTDIR;
    if (!dir->names)  /* a removed directory takes no new names */
        return -ENOENT;
    if (S_ISDIR(n->type))
        return -EPERM;
    if (n->names == UINT32_MAX)  /* the count would wrap (set only here,
                                    under the exclusive guard) */
        return -EMLINK;
    if ((err = dir_insert(m, dir, new_name, n)))  /* -EEXIST if taken */
        return err;
    node_link(m, n);
    dir_changed(dir, 0);
    node_fill(n, fi);
    return 0;
}

static int read_directory(fsp_request *req, void *node, void *file,
                          const char *marker, struct fsp_dir_buffer *db)
{
    struct memfs *m = get_memfs(req);
    struct node *dir = node;
    struct dir_iter it;
    const struct entry *e;

    if (!S_ISDIR(dir->type))
        return -ENOTDIR;
    pthread_mutex_lock(&dir->lock);
    touch_access(dir);
    pthread_mutex_unlock(&dir->lock);
    dir_iter_start(m, dir, marker, &it);
    while ((e = dir_iter_next(&it))) {
        struct fsp_file_info fi;
        node_fill(e->node, &fi);
        if (!fsp_dir_buffer_add(db, e->name, &fi))
            break;
    }
    return 0;
}

static int get_reparse_point(fsp_request *req, void *node, char *buf,
                             size_t size)
{
    struct node *n = node;
    if (!S_ISLNK(n->type))
        return -EINVAL;
    size_t len = strlen(n->target);  /* immutable: no lock */
    if (len >= size)
        return -ENAMETOOLONG;
    memcpy(buf, n->target, len + 1);
    return 0;
}

static int get_ea(fsp_request *req, void *node, const char *name,
                  void *value, size_t size, size_t *needed)
{
    struct node *n = node;
    int err = 0;

    pthread_mutex_lock(&n->lock);
    struct ea *e = ea_find(n, name);
    if (!e) {
        err = -ENODATA;
    } else {
        *needed = e->size;
        if (size > 0 && size < e->size)  /* size 0 only asks the length */
            err = -ERANGE;
        else if (size > 0 && e->size > 0)
            memcpy(value, e->value, e->size);
    }
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int set_ea(fsp_request *req, void *node, const char *name,
                  const void *value, size_t size, int flags)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    int err = ea_set(n, name, value, size, flags);
    if (!err)
        n->info.change_time = memfs_now();
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int list_ea(fsp_request *req, void *node, char *list, size_t size,
                   size_t *needed)
{
    struct node *n = node;
    size_t total = 0;
    int err = 0;

    pthread_mutex_lock(&n->lock);
    for (size_t i = 0; i < n->neas; i++)
        total += strlen(n->eas[i].name) + 1;
    *needed = total;
    if (size > 0 && size < total) {
        err = -ERANGE;
    } else if (size > 0) {
        for (size_t i = 0; i < n->neas; i++) {
            size_t len = strlen(n->eas[i].name) + 1;
            memcpy(list, n->eas[i].name, len);
            list += len;
        }
    }
    pthread_mutex_unlock(&n->lock);
    return err;
}

static int remove_ea(fsp_request *req, void *node, const char *name)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    int err = ea_remove(n, name);
    if (!err)
        n->info.change_time = memfs_now();
    pthread_mutex_unlock(&n->lock);
    return err;
}

const struct fsp_fs_interface memfs_interface = {
    .size = sizeof(struct fsp_fs_interface),
    .flags = FSP_IFACE_UNNAMED_FILES,
    .get_volume_info = get_volume_info,
    .set_volume_label = set_volume_label,
    .lookup = lookup,
    .forget = forget,
    .get_file_info = get_file_info,
    .create = create,
    .open = open_,
    .overwrite = overwrite,
    .close = close_,
    .read = memfs_read,
    .write = memfs_write,
    .set_basic_info = set_basic_info,
    .set_file_size = set_file_size,
    .can_delete = can_delete,
    .set_delete = set_delete,
    .rename = rename_,
    .read_directory = read_directory,
    .get_reparse_point = get_reparse_point,
    .get_ea = get_ea,
    .set_ea = set_ea,
    .list_ea = list_ea,
    .remove_ea = remove_ea,
    .link = link_,
    .allocate = allocate,
    .seek = seek,
    .lookup_index = lookup_index,
    .get_security = memfs_get_security,
    .set_security = memfs_set_security,
};

int memfs_init(struct memfs *m, uint64_t max_bytes, uint64_t max_files,
               int nocase, const char *label)
{
    const struct fsp_create_params root = {
        .mode = S_IFDIR | 0755, .uid = getuid(), .gid = getgid(),
    };

    memset(m, 0, sizeof *m);
    if (strlen(label) >= sizeof m->label)
        return -ENAMETOOLONG;
    strcpy(m->label, label);
    if (!max_bytes)  /* like tmpfs: half of the machine's memory */
        max_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) *
                    (uint64_t)sysconf(_SC_PAGESIZE) / 2;
    m->max_bytes = max_bytes;
    m->max_files = max_files;
    m->cmp = nocase ? fsp_name_compare_nocase : strcmp;
    index_init(m);
    pthread_mutex_init(&m->lock, NULL);
    if (!(m->root = node_new(m, &root))) {
        index_destroy(m);
        pthread_mutex_destroy(&m->lock);
        return -ENOMEM;
    }
    m->root->names = 1;  /* the root is never unlinked, so never freed */
    m->root->parent = m->root;
    index_publish(m, m->root);
    return 0;
}

/* After fsp_fs_run: every reference and open is given back by then, so
 * what is left is exactly the tree. */
void memfs_destroy(struct memfs *m)
{
    node_destroy_tree(m->root);
    index_destroy(m);
    pthread_mutex_destroy(&m->lock);
}
