/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * passthrough's callbacks: each one is the matching system call on the
 * mirrored object, relative to a node descriptor (see pt.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "pt.h"

static struct pt_fs *pt_of(fsp_request *req)
{
    return fsp_fs_context(fsp_request_fs(req));
}

/* "/proc/self/fd/N": the object behind fd, for calls without an *at form
 * that accepts O_PATH descriptors. */
static void proc_path(int fd, char *buf, size_t size)
{
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* One name inside a directory: never empty, ".", ".." or with a '/'.
 * fsp's native layer already refuses the first three and the kernel
 * never sends a '/', but this is where containment is decided. */
static int name_ok(const char *name)
{
    return name[0] && strcmp(name, ".") && strcmp(name, "..") &&
           !strchr(name, '/');
}

/* An O_PATH descriptor of dirfd's entry name, the entry itself even if
 * it is a symlink.  openat2 refuses anything that would resolve outside
 * dirfd or through any link; plain openat with O_NOFOLLOW is the same
 * for a single checked name, and covers kernels before 5.6. */
int pt_open_entry(int dirfd, const char *name)
{
    if (!name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    struct open_how how = {
        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                   RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
    /* ENOSYS: before 5.6; EPERM: a seccomp filter that predates it */
    if (fd < 0 && (errno == ENOSYS || errno == EPERM))
        fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

static struct timespec ts_of(struct statx_timestamp t)
{
    return (struct timespec){ .tv_sec = t.tv_sec, .tv_nsec = t.tv_nsec };
}

/* File info of fd (O_PATH or open) from statx, btime included. */
static int info_of(struct pt_fs *pt, int fd, struct fsp_file_info *fi)
{
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
              STATX_BASIC_STATS | STATX_BTIME, &sx) < 0)
        return -errno;
    memset(fi, 0, sizeof *fi);
    fi->index = pt_index(pt, makedev(sx.stx_dev_major, sx.stx_dev_minor),
                         sx.stx_ino);
    fi->mode = sx.stx_mode;
    fi->nlink = sx.stx_nlink;
    fi->uid = sx.stx_uid;
    fi->gid = sx.stx_gid;
    fi->rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
    fi->size = sx.stx_size;
    fi->alloc_size = sx.stx_blocks * 512;
    fi->attributes = S_ISDIR(sx.stx_mode) ? FSP_ATTR_DIRECTORY
                                          : FSP_ATTR_ARCHIVE;
    fi->access_time = ts_of(sx.stx_atime);
    fi->write_time = ts_of(sx.stx_mtime);
    fi->change_time = ts_of(sx.stx_ctime);
    fi->creation_time = (sx.stx_mask & STATX_BTIME) ? ts_of(sx.stx_btime)
                                                    : ts_of(sx.stx_ctime);
    return 0;
}

/* info_of plus the generation, for replies that name a node (lookup,
 * create, link): a file handle carries it (export.c). */
static int entry_info_of(struct pt_fs *pt, int fd, struct fsp_file_info *fi)
{
    int r = info_of(pt, fd, fi);
    if (!r) {
        struct statx_timestamp bt = {
            .tv_sec = fi->creation_time.tv_sec,
            .tv_nsec = (uint32_t)fi->creation_time.tv_nsec,
        };
        fi->generation = pt_generation(fd, &bt);
    }
    return r;
}

/* A node for fd, the object fi describes; takes fd, even on failure. */
static struct pt_node *node_new(int fd, const struct fsp_file_info *fi)
{
    struct pt_node *n = malloc(sizeof *n);
    if (!n) {
        close(fd);
        return NULL;
    }
    n->fd = fd;
    n->is_link = S_ISLNK(fi->mode);
    n->type = fi->mode & S_IFMT;
    n->index = fi->index;
    atomic_init(&n->refs, 1);
    return n;
}

static void node_put(struct pt_node *n)
{
    if (atomic_fetch_sub(&n->refs, 1) == 1) {
        close(n->fd);
        free(n);
    }
}

static int pt_lookup(fsp_request *req, void *parent, const char *name,
                     void **node, struct fsp_file_info *fi)
{
    struct pt_fs *pt = pt_of(req);
    int fd;
    if (parent && strcmp(name, "..") == 0) {
        /* export: a directory's parent (fsp never asks the root's) */
        fd = pt_parent_fd(pt, ((struct pt_node *)parent)->fd);
        if (fd < 0)
            return fd;
    } else {
        fd = parent ? pt_open_entry(((struct pt_node *)parent)->fd, name)
                    : fcntl(pt->root_fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            return -errno;
    }
    int r = entry_info_of(pt, fd, fi);
    struct pt_node *n = r ? NULL : node_new(fd, fi);
    if (r) {
        close(fd);
        return r;
    }
    if (!n)
        return -ENOMEM;
    if (S_ISDIR(fi->mode))
        pt_watch_dir(pt->watch, n->fd, fi->index);
    *node = n;
    return 0;
}

/* export: the object with this index, found in the tree (export.c). */
static int pt_lookup_index(fsp_request *req, uint64_t index, void **node,
                           struct fsp_file_info *fi)
{
    struct pt_fs *pt = pt_of(req);
    int fd = pt_find_index(pt, index);
    if (fd < 0)
        return fd;
    int r = entry_info_of(pt, fd, fi);
    if (r) {
        close(fd);
        return r;
    }
    struct pt_node *n = node_new(fd, fi);
    if (!n)
        return -ENOMEM;
    *node = n;
    return 0;
}

static void pt_forget(fsp_fs *fs, void *node)
{
    (void)fs;
    node_put(node);
}

static int pt_get_file_info(fsp_request *req, void *node, void *file,
                            struct fsp_file_info *fi)
{
    struct pt_file *f = file;
    return info_of(pt_of(req), f ? f->fd : ((struct pt_node *)node)->fd, fi);
}

/* Hand a new object to its caller, as the kernel would on a local file
 * system; only root may, and only root needs to.  It acts on the
 * object's own descriptor, never on its name, which someone with access
 * to the source may have replaced meanwhile. */
static int give_to_caller(struct pt_fs *pt, int pathfd, int openfd,
                          const struct fsp_create_params *cp,
                          const struct stat *st)
{
    if (!pt->as_root)
        return 0;
    /* Already the caller's (root's own files, or the group the source
     * gave anyway): a chown would change nothing but ctime. */
    if (st->st_uid == cp->uid && st->st_gid == cp->gid)
        return 0;
    pt_watch_expect_inode(pt->watch, pt_index(pt, st->st_dev, st->st_ino));
    int r = openfd >= 0 ? fchown(openfd, cp->uid, cp->gid)
                        : fchownat(pathfd, "", cp->uid, cp->gid,
                                   AT_EMPTY_PATH);
    if (r < 0)
        return -errno;
    /* A chown clears set-user-ID and set-group-ID on anything but a
     * directory, root's included; the caller asked for them, and the
     * kernel already took away the set-group-ID it may not have. */
    mode_t type = cp->mode & S_IFMT;
    if (type != S_IFDIR && type != S_IFLNK && (cp->mode & (S_ISUID | S_ISGID))) {
        char path[64];
        proc_path(pathfd, path, sizeof path);
        if (chmod(path, cp->mode & 07777) < 0)
            return -errno;
    }
    /* The chown moved ctime past the birth's mtime and atime; a new file
     * has all three equal, as on the source when a program makes it:
     * one setattr of "now" sets them together again. */
    const struct timespec now[2] = { { .tv_nsec = UTIME_NOW },
                                     { .tv_nsec = UTIME_NOW } };
    if (utimensat(pathfd, "", now, AT_EMPTY_PATH) < 0)
        return -errno;
    return 0;
}

/* The flags to open a regular file's descriptor with, for an open with
 * `flags`.  Under writeback caching the kernel also reads through a
 * write-only open, to fill the rest of a page a write covers in part,
 * so such a descriptor is opened for reading too (the caller's own file
 * stays write-only: the kernel checks that). */
static int pt_io_flags(const struct pt_fs *pt, uint32_t flags)
{
    if (pt->writeback && (flags & O_ACCMODE) == O_WRONLY)
        flags = (flags & ~(uint32_t)O_ACCMODE) | O_RDWR;
    return (int)flags;
}

static int make_object(struct pt_fs *pt, int dirfd, const char *name,
                       const struct fsp_create_params *cp, int *openfd)
{
    mode_t perm = cp->mode & 07777;
    *openfd = -1;
    switch (cp->mode & S_IFMT) {
    case S_IFREG:
        /* O_CREAT | O_EXCL never follows a symlink, even a dangling one;
         * and opening a file one makes needs no right to its mode */
        *openfd = openat(dirfd, name,
                         pt_io_flags(pt, cp->flags & ~(uint32_t)O_NOFOLLOW) |
                             O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         perm);
        return *openfd < 0 ? -errno : 0;
    case S_IFDIR:
        return mkdirat(dirfd, name, perm) < 0 ? -errno : 0;
    case S_IFLNK:
        return symlinkat(cp->link_target, dirfd, name) < 0 ? -errno : 0;
    default:
        return mknodat(dirfd, name, cp->mode, cp->rdev) < 0 ? -errno : 0;
    }
}

/* Is pathfd the object just made (of cp's type; the very file openfd
 * is open on)?  A name swapped between the creation and the lookup
 * would make the node, and the chown, some other object's. */
static int is_new_object(int pathfd, int openfd,
                         const struct fsp_create_params *cp, struct stat *st)
{
    struct stat ost;
    if (fstat(pathfd, st) < 0)
        return -errno;
    if ((st->st_mode & S_IFMT) != (cp->mode & S_IFMT))
        return -EAGAIN;
    if (openfd >= 0 &&
        (fstat(openfd, &ost) < 0 || ost.st_ino != st->st_ino ||
         ost.st_dev != st->st_dev))
        return -EAGAIN;
    return 0;
}

static int pt_create(fsp_request *req, void *parent, const char *name,
                     const struct fsp_create_params *cp, void **node,
                     void **file, struct fsp_file_info *fi)
{
    struct pt_fs *pt = pt_of(req);
    int dirfd = ((struct pt_node *)parent)->fd;
    int openfd = -1, pathfd = -1;
    struct pt_file *f = NULL;
    struct pt_node *n = NULL;
    struct stat st;
    if (name_ok(name))
        pt_watch_expect_name(pt->watch, ((struct pt_node *)parent)->index,
                             name);
    int r = name_ok(name) ? make_object(pt, dirfd, name, cp, &openfd) : -EINVAL;
    if (!r)
        r = (pathfd = pt_open_entry(dirfd, name)) < 0 ? -errno : 0;
    if (!r)
        r = is_new_object(pathfd, openfd, cp, &st);
    if (!r)
        r = give_to_caller(pt, pathfd, openfd, cp, &st);
    if (!r)
        r = entry_info_of(pt, pathfd, fi);
    if (!r && openfd >= 0)
        r = (f = malloc(sizeof *f)) ? 0 : -ENOMEM;
    if (!r) {
        n = node_new(pathfd, fi); /* takes pathfd, even on failure */
        pathfd = -1;
        r = n ? 0 : -ENOMEM;
    }
    if (r) {
        if (pathfd >= 0)
            close(pathfd);
        if (openfd >= 0)
            close(openfd);
        free(f);
        return r;
    }
    if (S_ISDIR(fi->mode))
        pt_watch_dir(pt->watch, n->fd, fi->index);
    *node = n;
    if (f) {
        f->fd = openfd;
        f->writable = (cp->flags & O_ACCMODE) != O_RDONLY;
        atomic_fetch_add(&n->refs, 1);
        *file = f;
        /* The kernel does the I/O itself where it can; else it comes to
         * pt_read and pt_write. */
        fsp_request_passthrough(req, openfd);
    }
    return 0;
}

static int pt_open(fsp_request *req, void *node, uint32_t flags, void **file,
                   struct fsp_file_info *fi)
{
    struct pt_node *n = node;
    char path[64];
    if (n->is_link)
        return -ELOOP;
    proc_path(n->fd, path, sizeof path);
    /* O_TRUNC is overwrite's job; creation flags mean nothing here. */
    uint32_t asked = flags & ~(uint32_t)(O_CREAT | O_EXCL | O_TRUNC |
                                         O_NOCTTY | O_NOFOLLOW);
    int want = n->type == S_IFREG ? pt_io_flags(pt_of(req), asked) : (int)asked;
    int fd = open(path, want | O_CLOEXEC);
    /* Not readable for us (a write-only file, passthrough not root): the
     * open as asked, whose partial-page writes then fail as they must. */
    if (fd < 0 && (errno == EACCES || errno == EPERM) && want != (int)asked)
        fd = open(path, (int)asked | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct pt_file *f = malloc(sizeof *f);
    if (!f) {
        close(fd);
        return -ENOMEM;
    }
    f->fd = fd;
    f->writable = (flags & O_ACCMODE) != O_RDONLY;
    atomic_fetch_add(&n->refs, 1);
    *file = f;
    /* Files only: fsp refuses it for directory opens.  No fstat for *fi:
     * fsp does not read it after open (fsp.h), and one system call of
     * seven per open is worth saving. */
    (void)fi;
    fsp_request_passthrough(req, fd);
    return 0;
}

/* Truncate a node, through its open file where that is open for writing,
 * else by its own descriptor's path: open(O_RDONLY | O_TRUNC) truncates
 * on Linux (the kernel checked the caller may write), but ftruncate of a
 * read-only descriptor is EINVAL. */
static int truncate_node(struct pt_node *n, struct pt_file *f, uint64_t size)
{
    if (f && ftruncate(f->fd, (off_t)size) == 0)
        return 0;
    if (f && errno != EINVAL && errno != EBADF)
        return -errno;
    char path[64];
    proc_path(n->fd, path, sizeof path);
    return truncate(path, (off_t)size) < 0 ? -errno : 0;
}

static int pt_overwrite(fsp_request *req, void *node, void *file,
                        struct fsp_file_info *fi)
{
    int r = truncate_node(node, file, 0);
    return r ? r : pt_get_file_info(req, node, file, fi);
}

static void pt_close(fsp_fs *fs, void *node, void *file)
{
    struct pt_file *f = file;
    struct pt_fs *pt = fsp_fs_context(fs);
    if (f && pt->watch && f->writable)     /* IN_CLOSE_WRITE */
        pt_watch_expect_inode(pt->watch, ((struct pt_node *)node)->index);
    if (f) {
        close(f->fd);
        free(f);
        node_put(node);
    }
}

static int pt_read(fsp_request *req, void *node, void *file, void *buf,
                   uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    (void)node;
    int fd = ((struct pt_file *)file)->fd;
    /* Large reads go file -> kernel without passing through buf. */
    if (fsp_request_read_fd(req, fd, offset, length) == 0)
        return 0;
    ssize_t n = pread(fd, buf, length, (off_t)offset);
    if (n < 0)
        return -errno;
    *bytes_read = (uint32_t)n;
    return 0;
}

static int pt_write(fsp_request *req, void *node, void *file, const void *buf,
                    uint64_t offset, uint32_t length, uint32_t *bytes_written,
                    struct fsp_file_info *fi)
{
    struct pt_file *f = file;
    ssize_t n = pwrite(f->fd, buf, length, (off_t)offset);
    if (n < 0)
        return -errno;
    *bytes_written = (uint32_t)n;
    return pt_get_file_info(req, node, file, fi);
}

static int pt_flush(fsp_request *req, void *node, void *file, int datasync)
{
    (void)req; (void)node;
    struct pt_file *f = file;
    if (!f)
        return 0;
    return (datasync ? fdatasync(f->fd) : fsync(f->fd)) < 0 ? -errno : 0;
}

/* fallocate() and lseek(SEEK_DATA/SEEK_HOLE) on the open descriptor: fsp
 * passes only the modes tmpfs and ext4 share, and the source answers
 * them as it would locally (EOPNOTSUPP where it has no such thing). */
static int pt_allocate(fsp_request *req, void *node, void *file,
                       uint64_t offset, uint64_t length, uint32_t mode,
                       struct fsp_file_info *fi)
{
    (void)node;
    struct pt_file *f = file;
    if (!f)
        return -EBADF;
    if (fallocate(f->fd, (int)mode, (off_t)offset, (off_t)length) < 0)
        return -errno;
    return info_of(pt_of(req), f->fd, fi);
}

static int pt_seek(fsp_request *req, void *node, void *file, uint64_t offset,
                   int whence, uint64_t *result)
{
    (void)req; (void)node;
    struct pt_file *f = file;
    if (!f)
        return -EBADF;
    off_t r = lseek(f->fd, (off_t)offset, whence);
    if (r < 0)
        return -errno;
    *result = (uint64_t)r;
    return 0;
}

static int pt_set_basic_info(fsp_request *req, void *node, void *file,
                             const struct fsp_basic_info *bi,
                             struct fsp_file_info *fi)
{
    struct pt_node *n = node;
    int fd = file ? ((struct pt_file *)file)->fd : n->fd;
    char path[64];
    pt_watch_expect_inode(pt_of(req)->watch, n->index);
    proc_path(fd, path, sizeof path);
    if (bi->valid & FSP_SET_MODE) {
        if (n->is_link)
            return -EOPNOTSUPP; /* Linux has no symlink modes */
        if (chmod(path, bi->mode) < 0)
            return -errno;
    }
    if ((bi->valid & (FSP_SET_UID | FSP_SET_GID)) &&
        fchownat(n->fd, "", (bi->valid & FSP_SET_UID) ? bi->uid : (uid_t)-1,
                 (bi->valid & FSP_SET_GID) ? bi->gid : (gid_t)-1,
                 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (bi->valid & (FSP_SET_ATIME | FSP_SET_MTIME)) {
        struct timespec t[2] = {
            (bi->valid & FSP_SET_ATIME) ? bi->access_time
                                        : (struct timespec){ 0, UTIME_OMIT },
            (bi->valid & FSP_SET_MTIME) ? bi->write_time
                                        : (struct timespec){ 0, UTIME_OMIT },
        };
        /* AT_EMPTY_PATH acts on the descriptor's own object, even a
         * symlink, where the /proc path would follow it. */
        if (utimensat(fd, "", t, AT_EMPTY_PATH) < 0)
            return -errno;
    }
    return pt_get_file_info(req, node, file, fi);
}

static int pt_set_file_size(fsp_request *req, void *node, void *file,
                            uint64_t size, struct fsp_file_info *fi)
{
    if (((struct pt_node *)node)->is_link)
        return -EINVAL;
    int r = truncate_node(node, file, size);
    return r ? r : pt_get_file_info(req, node, file, fi);
}

static int pt_set_delete(fsp_request *req, void *parent, const char *name,
                         void *node)
{
    if (!name_ok(name))
        return -EINVAL;
    pt_watch_expect_name(pt_of(req)->watch, ((struct pt_node *)parent)->index,
                         name);
    return unlinkat(((struct pt_node *)parent)->fd, name,
                    ((struct pt_node *)node)->type == S_IFDIR ? AT_REMOVEDIR
                                                               : 0) < 0
               ? -errno : 0;
}

static int pt_rename(fsp_request *req, void *old_parent, const char *old_name,
                     void *new_parent, const char *new_name, void *node,
                     uint32_t flags)
{
    (void)node;
    if (!name_ok(old_name) || !name_ok(new_name))
        return -EINVAL;
    struct pt_watch *w = pt_of(req)->watch;
    uint64_t oldi = ((struct pt_node *)old_parent)->index;
    uint64_t newi = ((struct pt_node *)new_parent)->index;
    pt_watch_expect_name(w, oldi, old_name);
    pt_watch_expect_name(w, newi, new_name);
    if (flags & FSP_RENAME_EXCHANGE) {   /* each name moves both ways */
        pt_watch_expect_name(w, oldi, old_name);
        pt_watch_expect_name(w, newi, new_name);
    }
    return renameat2(((struct pt_node *)old_parent)->fd, old_name,
                     ((struct pt_node *)new_parent)->fd, new_name,
                     flags) < 0 ? -errno : 0;
}

/* A hard link, made from the node's own descriptor (never from a path
 * in the source, which could have been replaced meanwhile). */
static int pt_link(fsp_request *req, void *node, void *new_parent,
                   const char *new_name, struct fsp_file_info *fi)
{
    struct pt_node *n = node;
    char path[64];
    if (!name_ok(new_name))
        return -EINVAL;
    proc_path(n->fd, path, sizeof path);
    pt_watch_expect_name(pt_of(req)->watch,
                         ((struct pt_node *)new_parent)->index, new_name);
    pt_watch_expect_inode(pt_of(req)->watch, n->index);   /* its nlink */
    if (linkat(AT_FDCWD, path, ((struct pt_node *)new_parent)->fd, new_name,
               AT_SYMLINK_FOLLOW) < 0)
        return -errno;
    return entry_info_of(pt_of(req), n->fd, fi);
}

static int pt_read_directory(fsp_request *req, void *node, void *file,
                             const char *marker, struct fsp_dir_buffer *db)
{
    (void)file; (void)marker;
    struct pt_fs *pt = pt_of(req);
    int fd = openat(((struct pt_node *)node)->fd, ".",
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        int err = -errno;
        if (fd >= 0)
            close(fd);
        return err;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        /* Gone since readdir saw it: skip, as a listing may. */
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        struct fsp_file_info fi = {
            .index = st.st_ino ^ (st.st_dev == pt->root_dev
                                      ? 0 : (uint64_t)st.st_dev << 40),
            .mode = st.st_mode,
        };
        if (!fsp_dir_buffer_add(db, e->d_name, &fi))
            break;
    }
    closedir(d);
    return 0;
}

static int pt_get_reparse_point(fsp_request *req, void *node, char *buf,
                                size_t size)
{
    (void)req;
    ssize_t n = readlinkat(((struct pt_node *)node)->fd, "", buf, size - 1);
    if (n < 0)
        return -errno;
    buf[n] = 0;
    return 0;
}

static int pt_get_volume_info(fsp_request *req, struct fsp_volume_info *vi)
{
    struct statvfs sv;
    if (fstatvfs(pt_of(req)->root_fd, &sv) < 0)
        return -errno;
    vi->total_size = (uint64_t)sv.f_blocks * sv.f_frsize;
    vi->free_size = (uint64_t)sv.f_bavail * sv.f_frsize;
    vi->total_files = sv.f_files;
    vi->free_files = sv.f_favail;
    snprintf(vi->label, sizeof vi->label, "passthrough");
    return 0;
}

/* Extended attributes go through /proc/self/fd, which would follow a
 * symlink to its target: symlinks are shown with none and refuse them
 * (Linux allows no user.* attributes on symlinks anyway). */
static int pt_get_ea(fsp_request *req, void *node, const char *name,
                     void *value, size_t size, size_t *needed)
{
    (void)req;
    if (((struct pt_node *)node)->is_link)
        return -ENODATA;
    char path[64];
    proc_path(((struct pt_node *)node)->fd, path, sizeof path);
    ssize_t n = getxattr(path, name, NULL, 0);
    if (n < 0)
        return -errno;
    *needed = (size_t)n;
    if (size == 0)
        return 0;
    n = getxattr(path, name, value, size);
    if (n < 0)
        return -errno;
    *needed = (size_t)n;
    return 0;
}

static int pt_set_ea(fsp_request *req, void *node, const char *name,
                     const void *value, size_t size, int flags)
{
    (void)req;
    if (((struct pt_node *)node)->is_link)
        return -EPERM;
    char path[64];
    proc_path(((struct pt_node *)node)->fd, path, sizeof path);
    return setxattr(path, name, value, size, flags) < 0 ? -errno : 0;
}

static int pt_list_ea(fsp_request *req, void *node, char *list, size_t size,
                      size_t *needed)
{
    (void)req;
    *needed = 0;
    if (((struct pt_node *)node)->is_link)
        return 0;
    char path[64];
    proc_path(((struct pt_node *)node)->fd, path, sizeof path);
    ssize_t n = listxattr(path, NULL, 0);
    if (n < 0)
        return -errno;
    *needed = (size_t)n;
    if (size == 0)
        return 0;
    n = listxattr(path, list, size);
    if (n < 0)
        return -errno;
    *needed = (size_t)n;
    return 0;
}

static int pt_remove_ea(fsp_request *req, void *node, const char *name)
{
    (void)req;
    if (((struct pt_node *)node)->is_link)
        return -ENODATA;
    char path[64];
    proc_path(((struct pt_node *)node)->fd, path, sizeof path);
    return removexattr(path, name) < 0 ? -errno : 0;
}

void pt_interface(struct fsp_fs_interface *iface)
{
    *iface = (struct fsp_fs_interface){
        .size = sizeof *iface,
        /* Files need an open each (the backing file the kernel reads
         * and writes), directories none: read_directory lists the
         * node's own descriptor, so listings skip OPENDIR/RELEASEDIR
         * and stay in the kernel's cache until the watch says the
         * source changed. */
        .flags = FSP_IFACE_STATELESS_DIR_OPENS,
        .get_volume_info = pt_get_volume_info,
        .lookup = pt_lookup,
        .forget = pt_forget,
        .get_file_info = pt_get_file_info,
        .create = pt_create,
        .open = pt_open,
        .overwrite = pt_overwrite,
        .close = pt_close,
        .read = pt_read,
        .write = pt_write,
        .flush = pt_flush,
        .set_basic_info = pt_set_basic_info,
        .set_file_size = pt_set_file_size,
        .set_delete = pt_set_delete,
        .rename = pt_rename,
        .read_directory = pt_read_directory,
        .get_reparse_point = pt_get_reparse_point,
        .get_ea = pt_get_ea,
        .set_ea = pt_set_ea,
        .list_ea = pt_list_ea,
        .remove_ea = pt_remove_ea,
        .link = pt_link,
        .lookup_index = pt_lookup_index,
        .allocate = pt_allocate,
        .seek = pt_seek,
    };
}
