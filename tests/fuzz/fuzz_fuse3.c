/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the libfuse 3 compatibility layer's decoder
 * (src/compat/fuse3/dispatch.c, its replies and requests) with a small
 * low-level file system behind it, fed requests as if read from
 * /dev/fuse.
 *
 * The in-memory seam is libfuse's own: fuse_session_custom_io() gives the
 * session a read/writev pair instead of /dev/fuse, and
 * fuse_session_process_buf() hands it one request at a time (what
 * programs with their own event loop do).  The writev checks every reply
 * (frames.h).  One fresh session and file system per input.
 *
 * Mode bits (byte 0): 0 INIT first; 1 no forget_multi (a BATCH_FORGET
 * becomes one forget per element); 2 allow_root (requests of others are
 * refused); 3 the program answers READ through fuse_reply_data.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frames.h"
#include "compat/fuse3/compat.h"

/* ---- the file system: up to NODES inodes, ino = slot + 1 ---- */

#define NODES 48
#define MAXDATA 65536

struct tnode {
    int used;
    mode_t mode;
    fuse_ino_t parent;         /* 0: unlinked (or the root) */
    char name[64];
    char *data;                /* file bytes or symlink target */
    size_t size;
    uint64_t nlookup;
    char xname[32];
    char xval[64];
    size_t xlen;               /* 0: no attribute */
};

static struct tnode nodes[NODES];

static struct tnode *get(fuse_ino_t ino)
{
    if (ino < 1 || ino > NODES || !nodes[ino - 1].used)
        return NULL;
    return &nodes[ino - 1];
}

static fuse_ino_t find(fuse_ino_t parent, const char *name)
{
    for (int i = 1; i < NODES; i++)
        if (nodes[i].used && nodes[i].parent == parent &&
            strcmp(nodes[i].name, name) == 0)
            return (fuse_ino_t)i + 1;
    return 0;
}

static void free_node(struct tnode *n)
{
    free(n->data);
    memset(n, 0, sizeof *n);
}

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
    struct tnode *n = get(ino);
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_mode = n->mode;
    st->st_nlink = n->parent || ino == 1 ? 1 : 0;
    st->st_size = (off_t)n->size;
}

static void reply_entry(fuse_req_t req, fuse_ino_t ino)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    e.ino = ino;
    e.attr_timeout = 1;
    e.entry_timeout = 1;
    fill_stat(ino, &e.attr);
    get(ino)->nlookup++;
    /* The kernel may refuse the reply (interrupted): the lookup then
     * never happened, as libfuse's programs assume too. */
    if (fuse_reply_entry(req, &e) == -ENOENT)
        get(ino)->nlookup--;
}

static void t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    fuse_ino_t ino = get(parent) ? find(parent, name) : 0;
    if (!ino) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    reply_entry(req, ino);
}

static void forget_one(fuse_ino_t ino, uint64_t n)
{
    struct tnode *t = get(ino);
    if (!t || ino == 1)
        return;
    t->nlookup = n > t->nlookup ? 0 : t->nlookup - n;
    if (!t->nlookup && !t->parent)
        free_node(t);
}

static void t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t n)
{
    forget_one(ino, n);
    fuse_reply_none(req);
}

static void t_forget_multi(fuse_req_t req, size_t count,
                           struct fuse_forget_data *f)
{
    for (size_t i = 0; i < count; i++)
        forget_one(f[i].ino, f[i].nlookup);
    fuse_reply_none(req);
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    struct stat st;
    if (!get(ino)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fill_stat(ino, &st);
    fuse_reply_attr(req, &st, 1.0);
}

static void t_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                      int to_set, struct fuse_file_info *fi)
{
    struct tnode *n = get(ino);
    if (!n) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (to_set & FUSE_SET_ATTR_MODE)
        n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (!S_ISREG(n->mode) || attr->st_size < 0 ||
            attr->st_size > MAXDATA) {
            fuse_reply_err(req, EFBIG);
            return;
        }
        char *d = realloc(n->data, (size_t)attr->st_size + 1);
        if (!d) {
            fuse_reply_err(req, ENOMEM);
            return;
        }
        if ((size_t)attr->st_size > n->size)
            memset(d + n->size, 0, (size_t)attr->st_size - n->size);
        n->data = d;
        n->size = (size_t)attr->st_size;
    }
    t_getattr(req, ino, fi);
}

static void t_readlink(fuse_req_t req, fuse_ino_t ino)
{
    struct tnode *n = get(ino);
    if (!n || !S_ISLNK(n->mode))
        fuse_reply_err(req, EINVAL);
    else
        fuse_reply_readlink(req, n->data);
}

/* A new node named name in parent; 0 and the errno in *err otherwise. */
static fuse_ino_t make(fuse_ino_t parent, const char *name, mode_t mode,
                       const char *target, int *err)
{
    struct tnode *p = get(parent);
    *err = 0;
    if (!p || !S_ISDIR(p->mode))
        *err = ENOENT;
    else if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
             !strcmp(name, ".."))
        *err = EINVAL;  /* the kernel sends no such name; no matter */
    else if (strlen(name) >= sizeof p->name)
        *err = ENAMETOOLONG;
    else if (find(parent, name))
        *err = EEXIST;
    if (*err)
        return 0;
    for (int i = 1; i < NODES; i++) {
        if (nodes[i].used)
            continue;
        struct tnode *n = &nodes[i];
        n->used = 1;
        n->mode = mode;
        n->parent = parent;
        snprintf(n->name, sizeof n->name, "%s", name);
        if (target) {
            n->data = strdup(target);
            if (!n->data) {
                free_node(n);
                *err = ENOMEM;
                return 0;
            }
            n->size = strlen(target);
        }
        return (fuse_ino_t)i + 1;
    }
    *err = ENOSPC;
    return 0;
}

static void make_reply(fuse_req_t req, fuse_ino_t parent, const char *name,
                       mode_t mode, const char *target)
{
    int err;
    fuse_ino_t ino = make(parent, name, mode, target, &err);
    if (!ino)
        fuse_reply_err(req, err);
    else
        reply_entry(req, ino);
}

static void t_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode, dev_t rdev)
{
    make_reply(req, parent, name, S_IFREG | (mode & 0777), NULL);
}

static void t_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                    mode_t mode)
{
    make_reply(req, parent, name, S_IFDIR | (mode & 0777), NULL);
}

static void t_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                      const char *name)
{
    make_reply(req, parent, name, S_IFLNK | 0777, link);
}

static int has_children(fuse_ino_t dir)
{
    for (int i = 1; i < NODES; i++)
        if (nodes[i].used && nodes[i].parent == dir)
            return 1;
    return 0;
}

static void remove_name(fuse_req_t req, fuse_ino_t parent, const char *name,
                        int dir)
{
    fuse_ino_t ino = get(parent) ? find(parent, name) : 0;
    struct tnode *n = get(ino);
    if (!n) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (dir != !!S_ISDIR(n->mode)) {
        fuse_reply_err(req, dir ? ENOTDIR : EISDIR);
        return;
    }
    if (dir && has_children(ino)) {
        fuse_reply_err(req, ENOTEMPTY);
        return;
    }
    n->parent = 0;
    if (!n->nlookup)
        free_node(n);
    fuse_reply_err(req, 0);
}

static void t_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_name(req, parent, name, 0);
}

static void t_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_name(req, parent, name, 1);
}

static void t_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                     fuse_ino_t newparent, const char *newname,
                     unsigned int flags)
{
    fuse_ino_t ino = get(parent) ? find(parent, name) : 0;
    struct tnode *np = get(newparent);
    if (!ino || !np || !S_ISDIR(np->mode)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (flags || !*newname || strchr(newname, '/') ||
        !strcmp(newname, ".") || !strcmp(newname, "..") ||
        strlen(newname) >= sizeof np->name ||
        find(newparent, newname)) {
        fuse_reply_err(req, flags ? EINVAL : EEXIST);
        return;
    }
    /* No directory may move below itself. */
    for (fuse_ino_t p = newparent; p; p = get(p) ? get(p)->parent : 0)
        if (p == ino) {
            fuse_reply_err(req, EINVAL);
            return;
        }
    get(ino)->parent = newparent;
    snprintf(get(ino)->name, sizeof get(ino)->name, "%s", newname);
    fuse_reply_err(req, 0);
}

static void t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (!get(ino)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fi->fh = ino * 7919;  /* opaque to the library: never dereferenced */
    fi->keep_cache = 1;
    fuse_reply_open(req, fi);
}

static int reply_data_mode;

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    struct tnode *n = get(ino);
    if (!n || !S_ISREG(n->mode)) {
        fuse_reply_err(req, n ? EISDIR : ENOENT);
        return;
    }
    size_t len = off < 0 || (size_t)off >= n->size ? 0 : n->size - (size_t)off;
    if (len > size)
        len = size;
    if (reply_data_mode) {
        struct fuse_bufvec bv = FUSE_BUFVEC_INIT(len);
        bv.buf[0].mem = len ? n->data + off : NULL;
        fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
    } else {
        fuse_reply_buf(req, len ? n->data + off : NULL, len);
    }
}

static void t_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
                    size_t size, off_t off, struct fuse_file_info *fi)
{
    struct tnode *n = get(ino);
    if (!n || !S_ISREG(n->mode)) {
        fuse_reply_err(req, n ? EISDIR : ENOENT);
        return;
    }
    if (off < 0 || (size_t)off > MAXDATA || size > MAXDATA - (size_t)off) {
        fuse_reply_err(req, EFBIG);
        return;
    }
    size_t end = (size_t)off + size;
    if (end > n->size) {
        char *d = realloc(n->data, end + 1);
        if (!d) {
            fuse_reply_err(req, ENOMEM);
            return;
        }
        memset(d + n->size, 0, end - n->size);
        n->data = d;
        n->size = end;
    }
    if (size)
        memcpy(n->data + off, buf, size);
    fuse_reply_write(req, size);
}

static void t_ok(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    fuse_reply_err(req, 0);
}

static void t_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
                    struct fuse_file_info *fi)
{
    fuse_reply_err(req, 0);
}

/* readdir and readdirplus: ".", "..", then the children; off is the
 * index of the next entry. */
static void list(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                 int plus)
{
    struct tnode *d = get(ino);
    if (!d || !S_ISDIR(d->mode)) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    if (size > 65536)
        size = 65536;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    off_t idx = 0;
    for (int i = -2; i < NODES; i++) {
        const char *name;
        fuse_ino_t child;
        if (i == -2) {
            name = ".";
            child = ino;
        } else if (i == -1) {
            name = "..";
            child = d->parent ? d->parent : 1;
        } else if (nodes[i].used && nodes[i].parent == ino && i != 0) {
            name = nodes[i].name;
            child = (fuse_ino_t)i + 1;
        } else {
            continue;
        }
        if (idx++ < off)
            continue;
        size_t need;
        if (plus) {
            struct fuse_entry_param e;
            memset(&e, 0, sizeof e);
            e.ino = child;
            fill_stat(child, &e.attr);
            need = fuse_add_direntry_plus(req, buf + used, size - used, name,
                                          &e, idx);
            if (need <= size - used && i >= 0)
                get(child)->nlookup++;  /* "." and ".." are not looked up */
        } else {
            struct stat st;
            fill_stat(child, &st);
            need = fuse_add_direntry(req, buf + used, size - used, name, &st,
                                     idx);
        }
        if (need > size - used)
            break;
        used += need;
    }
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void t_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    list(req, ino, size, off, 0);
}

static void t_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
                          off_t off, struct fuse_file_info *fi)
{
    list(req, ino, size, off, 1);
}

static void t_statfs(fuse_req_t req, fuse_ino_t ino)
{
    struct statvfs sv;
    memset(&sv, 0, sizeof sv);
    sv.f_bsize = 4096;
    sv.f_files = NODES;
    sv.f_namemax = 63;
    fuse_reply_statfs(req, &sv);
}

static void t_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                       const char *value, size_t size, int flags)
{
    struct tnode *n = get(ino);
    if (!n) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (strlen(name) >= sizeof n->xname || size > sizeof n->xval) {
        fuse_reply_err(req, ERANGE);
        return;
    }
    snprintf(n->xname, sizeof n->xname, "%s", name);
    memcpy(n->xval, value, size);
    n->xlen = size ? size : 1;
    fuse_reply_err(req, 0);
}

static void t_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                       size_t size)
{
    struct tnode *n = get(ino);
    if (!n || !n->xlen || strcmp(n->xname, name) != 0)
        fuse_reply_err(req, n ? ENODATA : ENOENT);
    else if (!size)
        fuse_reply_xattr(req, n->xlen);
    else if (size < n->xlen)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, n->xval, n->xlen);
}

static void t_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    struct tnode *n = get(ino);
    size_t len = n && n->xlen ? strlen(n->xname) + 1 : 0;
    if (!n)
        fuse_reply_err(req, ENOENT);
    else if (!size)
        fuse_reply_xattr(req, len);
    else if (size < len)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, n->xname, len);
}

static void t_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    struct tnode *n = get(ino);
    if (!n || !n->xlen || strcmp(n->xname, name) != 0) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    n->xlen = 0;
    fuse_reply_err(req, 0);
}

static void t_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    fuse_reply_err(req, get(ino) ? 0 : ENOENT);
}

static void t_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                     mode_t mode, struct fuse_file_info *fi)
{
    int err;
    fuse_ino_t ino = make(parent, name, S_IFREG | (mode & 0777), NULL, &err);
    if (!ino) {
        fuse_reply_err(req, err);
        return;
    }
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    e.ino = ino;
    fill_stat(ino, &e.attr);
    fi->fh = ino * 7919;
    get(ino)->nlookup++;
    if (fuse_reply_create(req, &e, fi) == -ENOENT)
        get(ino)->nlookup--;
}

static void t_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                    struct flock *lock)
{
    lock->l_type = F_UNLCK;
    fuse_reply_lock(req, lock);
}

static void t_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                    struct flock *lock, int sleep)
{
    fuse_reply_err(req, 0);
}

static void t_bmap(fuse_req_t req, fuse_ino_t ino, size_t blocksize,
                   uint64_t idx)
{
    fuse_reply_bmap(req, idx);
}

static void t_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
                    void *arg, struct fuse_file_info *fi, unsigned flags,
                    const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
    /* Echo what came in, as much as fits out. */
    size_t n = in_bufsz < out_bufsz ? in_bufsz : out_bufsz;
    fuse_reply_ioctl(req, 0, n ? in_buf : NULL, n);
}

static void t_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                   struct fuse_pollhandle *ph)
{
    fuse_pollhandle_destroy(ph);
    fuse_reply_poll(req, POLLIN);
}

static void t_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
                        off_t offset, off_t length, struct fuse_file_info *fi)
{
    fuse_reply_err(req, mode ? EOPNOTSUPP : 0);
}

static void t_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
                              struct fuse_file_info *fi_in, fuse_ino_t ino_out,
                              off_t off_out, struct fuse_file_info *fi_out,
                              size_t len, int flags)
{
    fuse_reply_write(req, 0);
}

static void t_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
                    struct fuse_file_info *fi)
{
    fuse_reply_lseek(req, off);
}

static void t_init(void *userdata, struct fuse_conn_info *conn)
{
    conn->want |= FUSE_CAP_READDIRPLUS;
}

static struct fuse_lowlevel_ops ops = {
    .init = t_init,
    .lookup = t_lookup,
    .forget = t_forget,
    .forget_multi = t_forget_multi,
    .getattr = t_getattr,
    .setattr = t_setattr,
    .readlink = t_readlink,
    .mknod = t_mknod,
    .mkdir = t_mkdir,
    .unlink = t_unlink,
    .rmdir = t_rmdir,
    .symlink = t_symlink,
    .rename = t_rename,
    .open = t_open,
    .read = t_read,
    .write = t_write,
    .flush = t_ok,
    .release = t_ok,
    .fsync = t_fsync,
    .opendir = t_open,
    .readdir = t_readdir,
    .readdirplus = t_readdirplus,
    .releasedir = t_ok,
    .fsyncdir = t_fsync,
    .statfs = t_statfs,
    .setxattr = t_setxattr,
    .getxattr = t_getxattr,
    .listxattr = t_listxattr,
    .removexattr = t_removexattr,
    .access = t_access,
    .create = t_create,
    .getlk = t_getlk,
    .setlk = t_setlk,
    .bmap = t_bmap,
    .ioctl = t_ioctl,
    .poll = t_poll,
    .fallocate = t_fallocate,
    .copy_file_range = t_copy_file_range,
    .lseek = t_lseek,
};

/* ---- the custom I/O the session runs on ---- */

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *ud)
{
    int r = fz_check_send(iov, count);
    size_t n = 0;
    for (int i = 0; i < count; i++)
        n += iov[i].iov_len;
    return r ? r : (ssize_t)n;
}

static ssize_t io_read(int fd, void *buf, size_t len, void *ud)
{
    errno = ENODEV;
    return -1;
}

static const struct fuse_custom_io io = { .writev = io_writev,
                                          .read = io_read };

static struct fuse_session *cur;

static int process(void *buf, size_t len)
{
    struct fuse_buf fb = { .size = len, .mem = buf };
    fuse_session_process_buf(cur, &fb);
    return 0;
}

static void quiet_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    fuse_set_log_func(quiet_log);
    memset(nodes, 0, sizeof nodes);
    nodes[0].used = 1;
    nodes[0].mode = S_IFDIR | 0755;
    reply_data_mode = (mode & 8) != 0;
    struct fuse_lowlevel_ops o = ops;
    if (mode & 2)
        o.forget_multi = NULL;
    char *argv[] = { "fuzz", mode & 4 ? "-oallow_root" : NULL, NULL };
    struct fuse_args args = FUSE_ARGS_INIT(mode & 4 ? 2 : 1, argv);
    cur = fuse_session_new(&args, &o, sizeof o, NULL);
    if (!cur)
        abort();
    fuse_opt_free_args(&args);
    /* any descriptor number: custom I/O never uses it */
    if (fuse_session_custom_io(cur, &io, 1000))
        abort();

    fz_reset();
    if (mode & 1)
        fz_init(process, 45);
    fz_run_frames(data + 1, size - 1, process);

    fuse_session_destroy(cur);
    cur = NULL;
    for (int i = 0; i < NODES; i++)
        free(nodes[i].data);
    return 0;
}
