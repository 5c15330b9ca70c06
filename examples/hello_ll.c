/* SPDX-License-Identifier: 0BSD */
/*
 * hello_ll: the smallest useful libfuse 3 low-level file system, one
 * read-only file "hello" in the root.  Built against fsp's libfuse
 * (pkg-config fuse3 in build/pkgconfig):
 *
 *   cc -o hello_ll examples/hello_ll.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse3)
 *   ./hello_ll -f /mnt/x
 */
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char greeting[] = "Hello from fsp's libfuse!\n";
#define HELLO_INO 2

/* Attributes of our two inodes; 0 for any other. */
static int fill_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else if (ino == HELLO_INO) {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = sizeof greeting - 1;
    } else {
        return -1;
    }
    return 0;
}

static void hello_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (parent != FUSE_ROOT_ID || strcmp(name, "hello") != 0) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    e.ino = HELLO_INO;
    e.attr_timeout = 1.0;
    e.entry_timeout = 1.0;
    fill_stat(e.ino, &e.attr);
    fuse_reply_entry(req, &e);
}

static void hello_getattr(fuse_req_t req, fuse_ino_t ino,
                          struct fuse_file_info *fi)
{
    (void)fi;
    struct stat st;
    if (fill_stat(ino, &st) == -1)
        fuse_reply_err(req, ENOENT);
    else
        fuse_reply_attr(req, &st, 1.0);
}

/* Answer a readdir from a complete listing: the slice at off. */
static void hello_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
                          off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    if (ino != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    static const struct { const char *name; fuse_ino_t ino; } ents[] = {
        { ".", FUSE_ROOT_ID }, { "..", FUSE_ROOT_ID }, { "hello", HELLO_INO },
    };
    char buf[512];
    size_t used = 0;
    for (size_t i = (size_t)off; i < sizeof ents / sizeof ents[0]; i++) {
        struct stat st;
        fill_stat(ents[i].ino, &st);
        size_t n = fuse_add_direntry(req, buf + used,
                                     (size < sizeof buf ? size : sizeof buf) - used,
                                     ents[i].name, &st, (off_t)(i + 1));
        if (used + n > size || used + n > sizeof buf)
            break;
        used += n;
    }
    fuse_reply_buf(req, buf, used);
}

static void hello_open(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    if (ino != HELLO_INO)
        fuse_reply_err(req, EISDIR);
    else if ((fi->flags & O_ACCMODE) != O_RDONLY)
        fuse_reply_err(req, EACCES);
    else
        fuse_reply_open(req, fi);
}

static void hello_read(fuse_req_t req, fuse_ino_t ino, size_t size,
                       off_t off, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    size_t len = sizeof greeting - 1;
    if ((size_t)off >= len)
        fuse_reply_buf(req, NULL, 0);
    else
        fuse_reply_buf(req, greeting + off,
                       len - (size_t)off < size ? len - (size_t)off : size);
}

static const struct fuse_lowlevel_ops hello_ops = {
    .lookup = hello_lookup,
    .getattr = hello_getattr,
    .readdir = hello_readdir,
    .open = hello_open,
    .read = hello_read,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    int ret = 1;

    if (fuse_parse_cmdline(&args, &opts) != 0)
        return 1;
    if (opts.show_help) {
        printf("usage: %s [options] <mountpoint>\n\n", argv[0]);
        fuse_cmdline_help();
        fuse_lowlevel_help();
        ret = 0;
        goto out;
    }
    if (opts.show_version) {
        printf("FUSE library version %s\n", fuse_pkgversion());
        fuse_lowlevel_version();
        ret = 0;
        goto out;
    }
    if (!opts.mountpoint) {
        fprintf(stderr, "usage: %s [options] <mountpoint>\n", argv[0]);
        goto out;
    }
    struct fuse_session *se =
        fuse_session_new(&args, &hello_ops, sizeof hello_ops, NULL);
    if (!se)
        goto out;
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, opts.mountpoint) == 0) {
            fuse_daemonize(opts.foreground);
            /* 0 on unmount, the signal number on a signal: both fine. */
            ret = fuse_session_loop(se) < 0 ? 1 : 0;
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
out:
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return ret;
}
