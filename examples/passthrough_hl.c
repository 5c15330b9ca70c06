/* SPDX-License-Identifier: 0BSD */
/*
 * passthrough_hl: mirror a directory through the libfuse 3 high-level
 * API.  Every callback does the same system call on the source tree
 * (relative to a descriptor of it, so the mount may even cover the
 * source).  Open files keep their descriptor in fi->fh; reads hand the
 * descriptor back with read_buf, writes come in through write_buf, so
 * the library's buffer paths are used.
 *
 *   cc -o passthrough_hl examples/passthrough_hl.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse3)
 *   ./passthrough_hl -f SOURCE MOUNTPOINT
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 314
#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

static int src = -1;             /* the source directory */
static char src_path[PATH_MAX];  /* for the /proc/self/fd trick */

/* The path relative to the source: "/" is ".", "/a" is "a". */
static const char *rel(const char *path)
{
    return path[1] ? path + 1 : ".";
}

/* An absolute path in the source, for calls without an *at form. */
static void abs_path(char *buf, size_t size, const char *path)
{
    snprintf(buf, size, "%s%s", src_path, path[1] ? path : "");
}

#define CHECK(call) ((call) == -1 ? -errno : 0)

static void *pt_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->use_ino = 1;
    /* Descriptors make paths unnecessary for open files. */
    cfg->nullpath_ok = 1;
    /* The source may change behind our back: no cached data kept. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    return NULL;
}

static int pt_getattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
{
    if (fi)
        return CHECK(fstat((int)fi->fh, st));
    return CHECK(fstatat(src, rel(path), st, AT_SYMLINK_NOFOLLOW));
}

static int pt_access(const char *path, int mask)
{
    return CHECK(faccessat(src, rel(path), mask, 0));
}

static int pt_readlink(const char *path, char *buf, size_t size)
{
    ssize_t n = readlinkat(src, rel(path), buf, size - 1);
    if (n == -1)
        return -errno;
    buf[n] = '\0';
    return 0;
}

/* An open directory keeps its stream in fi->fh: with nullpath_ok
 * libfuse gives readdir no path. */
static int pt_opendir(const char *path, struct fuse_file_info *fi)
{
    int fd = openat(src, rel(path), O_RDONLY | O_DIRECTORY);
    if (fd == -1)
        return -errno;
    DIR *dp = fdopendir(fd);
    if (!dp) {
        int err = errno;
        close(fd);
        return -err;
    }
    fi->fh = (uint64_t)(uintptr_t)dp;
    return 0;
}

static int pt_releasedir(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    closedir((DIR *)(uintptr_t)fi->fh);
    return 0;
}

static int pt_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
                      off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)path;
    DIR *dp = (DIR *)(uintptr_t)fi->fh;
    int fd = dirfd(dp);
    /* Page by telldir offsets: the library may call again mid-way;
     * offset 0 starts over (a rewinddir). */
    if (off)
        seekdir(dp, off);
    else
        rewinddir(dp);
    struct dirent *de;
    while ((de = readdir(dp))) {
        struct stat st;
        memset(&st, 0, sizeof st);
        enum fuse_fill_dir_flags ff = 0;
        if ((flags & FUSE_READDIR_PLUS) &&
            fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            ff = FUSE_FILL_DIR_PLUS;
        } else {
            st.st_ino = de->d_ino;
            st.st_mode = (mode_t)DTTOIF(de->d_type);
        }
        if (filler(buf, de->d_name, &st, telldir(dp), ff))
            break;
    }
    return 0;
}

/* New files belong to the caller, not to us: create them with the
 * caller's file-system ids and supplementary groups (per thread: the raw
 * system call, not glibc's setgroups, which changes every thread), so
 * that the source applies its set-group-ID directories and lets in whom
 * its modes let in.  Only root can switch. */
static void as_caller(int on)
{
    if (geteuid() != 0)
        return;
    struct fuse_context *c = fuse_get_context();
    gid_t groups[64];
    int n = on ? fuse_getgroups(64, groups) : 0;
    syscall(SYS_setgroups, n > 0 && n <= 64 ? n : 0, groups);
    setfsgid(on ? c->gid : 0);
    setfsuid(on ? c->uid : 0);
}

/* Evaluate a creating call (-errno or 0) as the caller. */
#define AS_CALLER(call)                                                    \
    do {                                                                   \
        as_caller(1);                                                      \
        int r_ = CHECK(call);                                              \
        as_caller(0);                                                      \
        return r_;                                                         \
    } while (0)

static int pt_mknod(const char *path, mode_t mode, dev_t rdev)
{
    if (S_ISFIFO(mode))
        AS_CALLER(mkfifoat(src, rel(path), mode));
    AS_CALLER(mknodat(src, rel(path), mode, rdev));
}

static int pt_mkdir(const char *path, mode_t mode)
{
    AS_CALLER(mkdirat(src, rel(path), mode));
}

static int pt_unlink(const char *path)
{
    return CHECK(unlinkat(src, rel(path), 0));
}

static int pt_rmdir(const char *path)
{
    return CHECK(unlinkat(src, rel(path), AT_REMOVEDIR));
}

static int pt_symlink(const char *target, const char *path)
{
    AS_CALLER(symlinkat(target, src, rel(path)));
}

static int pt_rename(const char *from, const char *to, unsigned int flags)
{
    return CHECK(renameat2(src, rel(from), src, rel(to), flags));
}

static int pt_link(const char *from, const char *to)
{
    return CHECK(linkat(src, rel(from), src, rel(to), 0));
}

static int pt_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    if (fi)
        return CHECK(fchmod((int)fi->fh, mode));
    return CHECK(fchmodat(src, rel(path), mode, 0));
}

static int pt_chown(const char *path, uid_t uid, gid_t gid,
                    struct fuse_file_info *fi)
{
    if (fi)
        return CHECK(fchown((int)fi->fh, uid, gid));
    return CHECK(fchownat(src, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

static int pt_truncate(const char *path, off_t size,
                       struct fuse_file_info *fi)
{
    if (fi)
        return CHECK(ftruncate((int)fi->fh, size));
    char p[PATH_MAX * 2];
    abs_path(p, sizeof p, path);
    return CHECK(truncate(p, size));
}

static int pt_utimens(const char *path, const struct timespec tv[2],
                      struct fuse_file_info *fi)
{
    if (fi)
        return CHECK(futimens((int)fi->fh, tv));
    return CHECK(utimensat(src, rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

/* O_DIRECT stays on our side of the mount: the library's buffers are not
 * aligned the way the source may need. */
static int pt_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    as_caller(1);
    int fd = openat(src, rel(path), fi->flags & ~O_DIRECT, mode);
    int err = errno;
    as_caller(0);
    if (fd == -1)
        return -err;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int pt_open(const char *path, struct fuse_file_info *fi)
{
    int fd = openat(src, rel(path), fi->flags & ~(O_NOFOLLOW | O_DIRECT));
    if (fd == -1)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

/* Hand the descriptor to the library: it reads straight into the reply. */
static int pt_read_buf(const char *path, struct fuse_bufvec **bufp,
                       size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    struct fuse_bufvec *b = malloc(sizeof *b);
    if (!b)
        return -ENOMEM;
    *b = FUSE_BUFVEC_INIT(size);
    b->buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    b->buf[0].fd = (int)fi->fh;
    b->buf[0].pos = off;
    *bufp = b;
    return 0;
}

static int pt_write_buf(const char *path, struct fuse_bufvec *buf, off_t off,
                        struct fuse_file_info *fi)
{
    (void)path;
    struct fuse_bufvec dst = FUSE_BUFVEC_INIT(fuse_buf_size(buf));
    dst.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    dst.buf[0].fd = (int)fi->fh;
    dst.buf[0].pos = off;
    return (int)fuse_buf_copy(&dst, buf, 0);
}

static int pt_statfs(const char *path, struct statvfs *sv)
{
    (void)path;
    return CHECK(fstatvfs(src, sv));
}

static int pt_flush(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    /* close(dup(fd)) reports delayed write errors (NFS and the like) as
     * close(2) of the caller's descriptor would. */
    int fd = dup((int)fi->fh);
    if (fd == -1)
        return -errno;
    return CHECK(close(fd));
}

static int pt_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close((int)fi->fh);
    return 0;
}

static int pt_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    return CHECK(datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh));
}

static int pt_fallocate(const char *path, int mode, off_t off, off_t len,
                        struct fuse_file_info *fi)
{
    (void)path;
    return CHECK(fallocate((int)fi->fh, mode, off, len));
}

static int pt_flock(const char *path, struct fuse_file_info *fi, int op)
{
    (void)path;
    return CHECK(flock((int)fi->fh, op));
}

static ssize_t pt_copy_file_range(const char *pin, struct fuse_file_info *fin,
                                  off_t oin, const char *pout,
                                  struct fuse_file_info *fout, off_t oout,
                                  size_t len, int flags)
{
    (void)pin;
    (void)pout;
    ssize_t n = copy_file_range((int)fin->fh, &oin, (int)fout->fh, &oout,
                                len, (unsigned)flags);
    return n == -1 ? -errno : n;
}

static off_t pt_lseek(const char *path, off_t off, int whence,
                      struct fuse_file_info *fi)
{
    (void)path;
    off_t r = lseek((int)fi->fh, off, whence);
    return r == -1 ? -errno : r;
}

/* xattr calls have no *at form: use the absolute source path. */
static int pt_setxattr(const char *path, const char *name, const char *value,
                       size_t size, int flags)
{
    char p[PATH_MAX * 2];
    abs_path(p, sizeof p, path);
    return CHECK(lsetxattr(p, name, value, size, flags));
}

static int pt_getxattr(const char *path, const char *name, char *value,
                       size_t size)
{
    char p[PATH_MAX * 2];
    abs_path(p, sizeof p, path);
    ssize_t n = lgetxattr(p, name, value, size);
    return n == -1 ? -errno : (int)n;
}

/* We list as root: trusted.* names, which the kernel shows only to
 * root, are taken out for anyone else. */
static int pt_listxattr(const char *path, char *list, size_t size)
{
    char p[PATH_MAX * 2], all[65536];
    abs_path(p, sizeof p, path);
    ssize_t n = llistxattr(p, all, sizeof all);
    if (n == -1)
        return -errno;
    int root = fuse_get_context()->uid == 0;
    size_t len = 0;
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(all + i) + 1) {
        size_t l = strlen(all + i) + 1;
        if (!root && strncmp(all + i, "trusted.", 8) == 0)
            continue;
        if (size && len + l > size)
            return -ERANGE;
        if (size)
            memcpy(list + len, all + i, l);
        len += l;
    }
    return (int)len;
}

static int pt_removexattr(const char *path, const char *name)
{
    char p[PATH_MAX * 2];
    abs_path(p, sizeof p, path);
    return CHECK(lremovexattr(p, name));
}

static const struct fuse_operations ops = {
    .init = pt_init,
    .getattr = pt_getattr,
    .access = pt_access,
    .readlink = pt_readlink,
    .opendir = pt_opendir,
    .readdir = pt_readdir,
    .releasedir = pt_releasedir,
    .mknod = pt_mknod,
    .mkdir = pt_mkdir,
    .symlink = pt_symlink,
    .unlink = pt_unlink,
    .rmdir = pt_rmdir,
    .rename = pt_rename,
    .link = pt_link,
    .chmod = pt_chmod,
    .chown = pt_chown,
    .truncate = pt_truncate,
    .utimens = pt_utimens,
    .open = pt_open,
    .create = pt_create,
    .read_buf = pt_read_buf,
    .write_buf = pt_write_buf,
    .statfs = pt_statfs,
    .flush = pt_flush,
    .release = pt_release,
    .fsync = pt_fsync,
    .fallocate = pt_fallocate,
    .flock = pt_flock,
    .copy_file_range = pt_copy_file_range,
    .lseek = pt_lseek,
    .setxattr = pt_setxattr,
    .getxattr = pt_getxattr,
    .listxattr = pt_listxattr,
    .removexattr = pt_removexattr,
};

/* The first non-option argument is the source; the rest go to fuse. */
static int take_source(void *data, const char *arg, int key,
                       struct fuse_args *outargs)
{
    (void)data;
    (void)outargs;
    if (key == FUSE_OPT_KEY_NONOPT && src == -1) {
        if (!realpath(arg, src_path)) {
            fprintf(stderr, "passthrough_hl: %s: %s\n", arg,
                    strerror(errno));
            return -1;
        }
        src = open(src_path, O_RDONLY | O_DIRECTORY);
        if (src == -1) {
            fprintf(stderr, "passthrough_hl: %s: %s\n", arg,
                    strerror(errno));
            return -1;
        }
        return 0;
    }
    return 1;
}

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    if (fuse_opt_parse(&args, NULL, NULL, take_source) == -1)
        return 1;
    if (src == -1) {
        fprintf(stderr, "usage: %s [options] SOURCE MOUNTPOINT\n", argv[0]);
        return 1;
    }
    /* Created files get exactly the mode asked for. */
    umask(0);
    int ret = fuse_main(args.argc, args.argv, &ops, NULL);
    fuse_opt_free_args(&args);
    close(src);
    return ret;
}
