/* SPDX-License-Identifier: 0BSD */
/*
 * hello: the smallest libfuse 3 high-level file system, one read-only
 * file "hello" in the root, with fuse_main doing the command line,
 * mount, loop and unmount.  Built against fsp's libfuse:
 *
 *   cc -o hello examples/hello.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse3)
 *   ./hello -f /mnt/x
 *
 * --name=NAME and --contents=TEXT change the file (custom options ride
 * along with libfuse's through fuse_opt_parse).
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct options {
    const char *name;
    const char *contents;
} options;

#define OPTION(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt option_spec[] = {
    OPTION("--name=%s", name),
    OPTION("--contents=%s", contents),
    FUSE_OPT_END
};

/* The file's path ("/hello"), built once. */
static char file_path[256];

static void *hello_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    /* Nothing changes behind the kernel's back: cache everything. */
    cfg->kernel_cache = 1;
    return NULL;
}

static int hello_getattr(const char *path, struct stat *st,
                         struct fuse_file_info *fi)
{
    (void)fi;
    memset(st, 0, sizeof *st);
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else if (strcmp(path, file_path) == 0) {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)strlen(options.contents);
    } else {
        return -ENOENT;
    }
    return 0;
}

static int hello_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
                         off_t off, struct fuse_file_info *fi,
                         enum fuse_readdir_flags flags)
{
    (void)off;
    (void)fi;
    (void)flags;
    if (strcmp(path, "/") != 0)
        return -ENOENT;
    filler(buf, ".", NULL, 0, 0);
    filler(buf, "..", NULL, 0, 0);
    filler(buf, options.name, NULL, 0, 0);
    return 0;
}

static int hello_open(const char *path, struct fuse_file_info *fi)
{
    if (strcmp(path, file_path) != 0)
        return -ENOENT;
    if ((fi->flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    return 0;
}

static int hello_read(const char *path, char *buf, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    (void)fi;
    if (strcmp(path, file_path) != 0)
        return -ENOENT;
    size_t len = strlen(options.contents);
    if ((size_t)off >= len)
        return 0;
    if (size > len - (size_t)off)
        size = len - (size_t)off;
    memcpy(buf, options.contents + off, size);
    return (int)size;
}

static const struct fuse_operations hello_ops = {
    .init = hello_init,
    .getattr = hello_getattr,
    .readdir = hello_readdir,
    .open = hello_open,
    .read = hello_read,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    /* Defaults are strdup'd so that fuse_opt_parse may replace them. */
    options.name = strdup("hello");
    options.contents = strdup("Hello World!\n");
    if (fuse_opt_parse(&args, &options, option_spec, NULL) == -1)
        return 1;
    snprintf(file_path, sizeof file_path, "/%s", options.name);
    int ret = fuse_main(args.argc, args.argv, &hello_ops, NULL);
    fuse_opt_free_args(&args);
    free((void *)options.name);
    free((void *)options.contents);
    return ret;
}
