/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A high-level file system whose root is a regular file: mounted on a
 * file (FUSE allows it; libfuse's own "null" example does it), the file
 * reads as the text below.  tests/compat/gaps.sh mounts it on fsp's
 * libraries and on Debian's.
 *
 *   onefile_hl [-f] FILE
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char text[] = "one file, mounted on a file\n";

static int of_getattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
{
    (void)fi;
    if (strcmp(path, "/") != 0)
        return -ENOENT;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | 0444;
    st->st_nlink = 1;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_size = (off_t)strlen(text);
    return 0;
}

static int of_open(const char *path, struct fuse_file_info *fi)
{
    if (strcmp(path, "/") != 0)
        return -ENOENT;
    if ((fi->flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    return 0;
}

static int of_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)path;
    (void)fi;
    size_t len = strlen(text);
    if ((size_t)off >= len)
        return 0;
    if (size > len - (size_t)off)
        size = len - (size_t)off;
    memcpy(buf, text + off, size);
    return (int)size;
}

static const struct fuse_operations ops = {
    .getattr = of_getattr,
    .open = of_open,
    .read = of_read,
};

int main(int argc, char *argv[])
{
    return fuse_main(argc, argv, &ops, NULL);
}
