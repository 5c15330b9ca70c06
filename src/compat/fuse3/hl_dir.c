/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Directories: opendir, readdir/readdirplus, releasedir, fsyncdir.
 *
 * The file system's readdir either hands every entry to the filler with
 * offset 0 (the whole directory in one call; we keep the list in the
 * directory handle and page through it as the kernel asks), or gives
 * each entry the offset of the next one (it pages itself; entries go
 * straight into the reply until it is full).  In plus mode an entry
 * with FUSE_FILL_DIR_PLUS carries its whole stat and becomes a node with
 * a lookup when it reaches the kernel; others carry only name and type.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

struct hl_dirent {
    char *name;
    struct stat st;
    int has_stat;
    int plus;
};

/* What the kernel's fh of an open directory points to. */
struct hl_dir {
    pthread_mutex_t lock;        /* one readdir at a time per handle */
    struct fuse_file_info fi;    /* the file system's view of the open */
    fuse_ino_t nodeid;
    struct hl_dirent *ents;
    size_t n, cap;
    int filled;                  /* ents is the whole directory */
};

/* One readdir request being answered. */
struct fill {
    struct fuse *f;
    fuse_req_t req;
    struct hl_dir *d;
    int plus;
    char *buf;
    size_t size, len;
    int streaming;               /* the file system gives offsets */
    int listing;                 /* it gives offset 0: we collect */
    int error;
};

struct fuse_file_info *hl_dir_fi(struct fuse_file_info *llfi)
{
    return &((struct hl_dir *)(uintptr_t)llfi->fh)->fi;
}

static void clear_entries(struct hl_dir *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->ents[i].name);
    free(d->ents);
    d->ents = NULL;
    d->n = d->cap = 0;
    d->filled = 0;
}

static int is_dot(const char *name)
{
    return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* The d_ino readdir reports: the file system's with use_ino, ours if
 * readdir_ino and the name is known, else "unknown", like libfuse. */
static ino_t dir_ino(struct fill *c, const char *name, const struct stat *st)
{
    struct fuse *f = c->f;
    if (f->conf.use_ino)
        return st ? st->st_ino : HL_UNKNOWN_INO;
    if (f->conf.readdir_ino) {
        pthread_mutex_lock(&f->lock);
        struct hl_node *n = hl_node_child_locked(f, c->d->nodeid, name);
        ino_t ino = n ? (ino_t)n->nodeid : HL_UNKNOWN_INO;
        pthread_mutex_unlock(&f->lock);
        return ino;
    }
    return HL_UNKNOWN_INO;
}

/* Append one entry to the reply; 1 if it does not fit (or failed). */
static int emit(struct fill *c, const char *name, const struct stat *st,
                int has_plus, off_t next)
{
    size_t room = c->size - c->len;
    if (!c->plus) {
        struct stat s;
        memset(&s, 0, sizeof s);
        if (st)
            s.st_mode = st->st_mode;
        s.st_ino = dir_ino(c, name, st);
        size_t need = fuse_add_direntry(c->req, c->buf + c->len, room, name,
                                        &s, next);
        if (need > room)
            return 1;
        c->len += need;
        return 0;
    }
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (st)
        e.attr = *st;
    if (has_plus && st && !is_dot(name)) {
        /* Only an entry that fits is counted as a lookup. */
        if (fuse_add_direntry_plus(c->req, NULL, 0, name, &e, next) > room)
            return 1;
        struct hl_node *n = hl_node_lookup(c->f, c->d->nodeid, name);
        if (!n) {
            c->error = -ENOMEM;
            return 1;
        }
        e.ino = n->nodeid;
        e.generation = n->generation;
        e.entry_timeout = c->f->conf.entry_timeout;
        e.attr_timeout = c->f->conf.attr_timeout;
        hl_fix_stat(c->f, e.ino, &e.attr);
        hl_note_stat(c->f, e.ino, &e.attr);
    } else {
        /* No attributes: the kernel lists the name and looks it up
         * when it is used. */
        struct stat s;
        memset(&s, 0, sizeof s);
        s.st_mode = e.attr.st_mode;
        s.st_ino = dir_ino(c, name, st);
        e.attr = s;
    }
    size_t need = fuse_add_direntry_plus(c->req, c->buf + c->len, room, name,
                                         &e, next);
    if (need > room) {
        if (e.ino)
            hl_node_forget(c->f, e.ino, 1);
        return 1;
    }
    c->len += need;
    return 0;
}

static int filler(void *buf, const char *name, const struct stat *st,
                  off_t off, enum fuse_fill_dir_flags flags)
{
    struct fill *c = buf;
    if (c->error)
        return 1;
    int plus = (flags & FUSE_FILL_DIR_PLUS) != 0;
    if (off) {
        if (c->listing)
            goto mixed;
        c->streaming = 1;
        return emit(c, name, st, plus, off);
    }
    if (c->streaming)
        goto mixed;
    c->listing = 1;
    struct hl_dir *d = c->d;
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 32;
        struct hl_dirent *ne = realloc(d->ents, ncap * sizeof *ne);
        if (!ne) {
            c->error = -ENOMEM;
            return 1;
        }
        d->ents = ne;
        d->cap = ncap;
    }
    struct hl_dirent *de = &d->ents[d->n];
    de->name = strdup(name);
    if (!de->name) {
        c->error = -ENOMEM;
        return 1;
    }
    memset(&de->st, 0, sizeof de->st);
    de->has_stat = st != NULL;
    if (st)
        de->st = *st;
    de->plus = plus;
    d->n++;
    return 0;

mixed:
    fuse_log(FUSE_LOG_ERR, "fuse: readdir gave some entries an offset and "
             "others none; replying EIO\n");
    c->error = -EIO;
    return 1;
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *llfi, int plus)
{
    struct fuse *f = hl_enter(req);
    struct hl_dir *d = (struct hl_dir *)(uintptr_t)llfi->fh;
    struct fill c = { .f = f, .req = req, .d = d, .plus = plus,
                      .size = size };
    c.buf = malloc(size ? size : 1);
    if (!c.buf) {
        fuse_reply_err(req, ENOMEM);
        hl_leave();
        return;
    }
    pthread_mutex_lock(&d->lock);
    int res = 0;
    /* Offset 0 (a rewind too) reads the directory afresh. */
    if (off == 0 || !d->filled) {
        if (off == 0)
            clear_entries(d);
        char *path;
        res = hl_path(f, ino, NULL, 1, &path);
        if (res == 0) {
            /* A copy, as libfuse gives: a file system may change fh
             * during readdir (sshfs's cache does) without that
             * sticking to the open directory. */
            struct fuse_file_info fi = d->fi;
            res = fuse_fs_readdir(f->fs, path, &c, filler, off, &fi,
                                  plus ? FUSE_READDIR_PLUS : 0);
            free(path);
        }
        if (res == 0 && c.error && !c.len)
            res = c.error;
        /* Only a listing (entries with offset 0) fills the handle.  A
         * call that gave no entry at all (a file system that pages,
         * asked at its end) says nothing about the mode: marking the
         * handle filled then made every later readdir, after a seekdir
         * back (libfuse's passthrough_fh, test_syscalls' seekdir),
         * answer from an empty list. */
        if (res == 0 && c.listing)
            d->filled = 1;
    }
    if (res == 0 && !c.streaming) {
        for (size_t i = (size_t)off; i < d->n; i++) {
            struct hl_dirent *de = &d->ents[i];
            if (emit(&c, de->name, de->has_stat ? &de->st : NULL, de->plus,
                     (off_t)(i + 1)))
                break;
        }
        if (c.error && !c.len)
            res = c.error;
    }
    pthread_mutex_unlock(&d->lock);
    if (res)
        hl_reply_err(req, res);
    else
        fuse_reply_buf(req, c.buf, c.len);
    free(c.buf);
    hl_leave();
}

void hl_ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 0);
}

void hl_ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 1);
}

void hl_ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *llfi)
{
    struct fuse *f = hl_enter(req);
    struct hl_dir *d = calloc(1, sizeof *d);
    if (!d) {
        fuse_reply_err(req, ENOMEM);
        hl_leave();
        return;
    }
    pthread_mutex_init(&d->lock, NULL);
    d->nodeid = ino;
    d->fi.flags = llfi->flags;
    char *path;
    int res = hl_path(f, ino, NULL, 0, &path);
    if (res == 0)
        res = fuse_fs_opendir(f->fs, path, &d->fi);
    if (res == 0) {
        llfi->fh = (uint64_t)(uintptr_t)d;
        llfi->keep_cache = d->fi.keep_cache;
        llfi->cache_readdir = d->fi.cache_readdir;
        if (fuse_reply_open(req, llfi) != 0) {
            fuse_fs_releasedir(f->fs, path, &d->fi);
            pthread_mutex_destroy(&d->lock);
            free(d);
        }
    } else {
        hl_reply_err(req, res);
        pthread_mutex_destroy(&d->lock);
        free(d);
    }
    free(path);
    hl_leave();
}

void hl_ll_releasedir(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *llfi)
{
    struct fuse *f = hl_enter(req);
    struct hl_dir *d = (struct hl_dir *)(uintptr_t)llfi->fh;
    char *path;
    if (hl_path(f, ino, NULL, 1, &path))
        path = NULL;
    d->fi.flags = llfi->flags;
    fuse_fs_releasedir(f->fs, path, &d->fi);
    free(path);
    clear_entries(d);
    pthread_mutex_destroy(&d->lock);
    free(d);
    fuse_reply_err(req, 0);
    hl_leave();
}

void hl_ll_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
                    struct fuse_file_info *llfi)
{
    struct fuse *f = hl_enter(req);
    char *path;
    int res = hl_path(f, ino, NULL, f->conf.nullpath_ok, &path);
    if (res == 0) {
        struct fuse_file_info fi = *hl_dir_fi(llfi);
        res = fuse_fs_fsyncdir(f->fs, path, datasync, &fi);
        free(path);
    }
    hl_reply_err(req, res);
    hl_leave();
}
