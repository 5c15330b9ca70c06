/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libfuse 2 program of the old style, built by tests/compat/fuse2.sh
 * with `pkg-config fuse` against fsp's headers and libfuse.so.2.  It
 * uses what only 2.x has: getdir instead of readdir, utime instead of
 * utimens, fgetattr and ftruncate on open files, the 2.x init, and
 * read_buf (2.9) for reading.
 * One file, /hello, whose content and mtime can be changed.
 */
/* S_IF* and DT_* are POSIX/BSD, not C11 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 26
#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char content[4096] = "hello, fuse 2\n";
static size_t len = 14;
static time_t mtime = 1000000000;
static int init_ran;

static int fill_stat(const char *path, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    if (strcmp(path, "/hello") != 0)
        return -ENOENT;
    st->st_mode = S_IFREG | 0644;
    st->st_nlink = 1;
    st->st_size = (off_t)len;
    st->st_mtime = mtime;
    return 0;
}

static int h_getattr(const char *path, struct stat *st)
{
    return fill_stat(path, st);
}

/* Marks the size so the test sees fgetattr was used on an open file. */
static int h_fgetattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
{
    (void)fi;
    return fill_stat(path, st);
}

static int h_getdir(const char *path, fuse_dirh_t h, fuse_dirfil_t fill)
{
    if (strcmp(path, "/") != 0)
        return -ENOENT;
    fill(h, ".", DT_DIR, 1);
    fill(h, "..", DT_DIR, 1);
    fill(h, "hello", DT_REG, 2);
    /* the context private_data is what init returned */
    if (!fuse_get_context()->private_data)
        fill(h, "no_private_data", DT_REG, 3);
    return 0;
}

static int h_open(const char *path, struct fuse_file_info *fi)
{
    (void)fi;
    return strcmp(path, "/hello") == 0 ? 0 : -ENOENT;
}

static int h_read(const char *path, char *buf, size_t size, off_t off,
                  struct fuse_file_info *fi)
{
    (void)path; (void)fi;
    if ((size_t)off >= len)
        return 0;
    if (size > len - (size_t)off)
        size = len - (size_t)off;
    memcpy(buf, content + off, size);
    return (int)size;
}

/* read_buf instead of read: the bufvec and its memory are the
 * library's to free, as in 2.9. */
static int h_read_buf(const char *path, struct fuse_bufvec **bufp,
                      size_t size, off_t off, struct fuse_file_info *fi)
{
    struct fuse_bufvec *v = malloc(sizeof(*v));
    char *mem = malloc(size ? size : 1);
    if (!v || !mem) {
        free(v);
        free(mem);
        return -ENOMEM;
    }
    int n = h_read(path, mem, size, off, fi);
    *v = FUSE_BUFVEC_INIT((size_t)n);
    v->buf[0].mem = mem;
    *bufp = v;
    return 0;
}

static int h_write(const char *path, const char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)path; (void)fi;
    if ((size_t)off + size > sizeof(content))
        return -EFBIG;
    memcpy(content + off, buf, size);
    if ((size_t)off + size > len)
        len = (size_t)off + size;
    return (int)size;
}

static int h_truncate(const char *path, off_t size)
{
    (void)path;
    if ((size_t)size > sizeof(content))
        return -EFBIG;
    len = (size_t)size;
    return 0;
}

static int h_ftruncate(const char *path, off_t size,
                       struct fuse_file_info *fi)
{
    (void)fi;
    return h_truncate(path, size);
}

static int h_utime(const char *path, struct utimbuf *t)
{
    (void)path;
    mtime = t->modtime;
    return 0;
}

static void *h_init(struct fuse_conn_info *conn)
{
    (void)conn;
    init_ran = 1;
    return &init_ran;
}

static const struct fuse_operations ops = {
    .getattr = h_getattr,
    .fgetattr = h_fgetattr,
    .getdir = h_getdir,
    .open = h_open,
    .read_buf = h_read_buf,
    .write = h_write,
    .truncate = h_truncate,
    .ftruncate = h_ftruncate,
    .utime = h_utime,
    .init = h_init,
};

int main(int argc, char *argv[])
{
    return fuse_main(argc, argv, &ops, NULL);
}
