/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ro_fs: a tiny libfuse file system that mounts in one of several ways,
 * so tests/compat/readonly.sh can ask for a read-only mount through
 * every entry point and compare fsp's libraries with Debian's.
 *
 *   ro_fs3 MODE [--add=ARG] [--insert=ARG] [--lib=ARG] [--mnt=ARG] ARGS...
 *
 * MODE: main (fuse_main), new (high level by hand: fuse_new and
 * fuse_mount), ll (low level by hand).  ARGS is the usual command line
 * (-f, -o ..., the mount point).  --add and --insert are applied to the
 * parsed vector with fuse_opt_add_arg / fuse_opt_insert_arg(args, 1),
 * as programs such as bindfs add options of their own; --mnt is added
 * before 2.x fuse_mount, --lib after it (2.x), or to the copy given to
 * fuse_new / fuse_session_new only (3.x).
 *
 * The file system has a root directory and an empty file "f" that
 * anyone may write: every change succeeds on a writable mount, so only
 * the mount's read-only flag can make one fail.  Built with -DRO_FUSE2
 * against libfuse 2, otherwise against libfuse 3.
 */
#ifdef RO_FUSE2
#define FUSE_USE_VERSION 26
#include <fuse.h>
#include <fuse_lowlevel.h>
#else
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <fuse_lowlevel.h>
#endif

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- high level ---------------------------------------------------------- */

static int is_f(const char *path)
{
    return strcmp(path, "/f") == 0;
}

#ifdef RO_FUSE2
static int hl_getattr(const char *path, struct stat *st)
#else
static int hl_getattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
#endif
{
#ifndef RO_FUSE2
    (void)fi;
#endif
    memset(st, 0, sizeof *st);
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0777;
        st->st_nlink = 2;
    } else if (is_f(path)) {
        st->st_mode = S_IFREG | 0666;
        st->st_nlink = 1;
    } else {
        return -ENOENT;
    }
    return 0;
}

#ifdef RO_FUSE2
static int hl_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
                      off_t off, struct fuse_file_info *fi)
{
    (void)off; (void)fi;
    if (strcmp(path, "/"))
        return -ENOTDIR;
    fill(buf, ".", NULL, 0);
    fill(buf, "..", NULL, 0);
    fill(buf, "f", NULL, 0);
    return 0;
}
#else
static int hl_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
                      off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)off; (void)fi; (void)flags;
    if (strcmp(path, "/"))
        return -ENOTDIR;
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    fill(buf, "f", NULL, 0, 0);
    return 0;
}
#endif

static int hl_open(const char *path, struct fuse_file_info *fi)
{
    (void)fi;
    return is_f(path) ? 0 : -ENOENT;
}

static int hl_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)path; (void)mode; (void)fi;
    return 0; /* "succeeds"; the later getattr says ENOENT */
}

static int hl_write(const char *path, const char *buf, size_t size,
                    off_t off, struct fuse_file_info *fi)
{
    (void)path; (void)buf; (void)off; (void)fi;
    return (int)size;
}

static int hl_mkdir(const char *path, mode_t mode)
{
    (void)path; (void)mode;
    return 0;
}

static int hl_unlink(const char *path)
{
    (void)path;
    return 0;
}

#ifdef RO_FUSE2
static int hl_rename(const char *from, const char *to)
{
    (void)from; (void)to;
    return 0;
}

static int hl_chmod(const char *path, mode_t mode)
{
    (void)path; (void)mode;
    return 0;
}

static int hl_truncate(const char *path, off_t size)
{
    (void)path; (void)size;
    return 0;
}

static int hl_utimens(const char *path, const struct timespec tv[2])
{
    (void)path; (void)tv;
    return 0;
}
#else
static int hl_rename(const char *from, const char *to, unsigned flags)
{
    (void)from; (void)to; (void)flags;
    return 0;
}

static int hl_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)path; (void)mode; (void)fi;
    return 0;
}

static int hl_truncate(const char *path, off_t size,
                       struct fuse_file_info *fi)
{
    (void)path; (void)size; (void)fi;
    return 0;
}

static int hl_utimens(const char *path, const struct timespec tv[2],
                      struct fuse_file_info *fi)
{
    (void)path; (void)tv; (void)fi;
    return 0;
}
#endif

static int hl_setxattr(const char *path, const char *name, const char *value,
                       size_t size, int flags)
{
    (void)path; (void)name; (void)value; (void)size; (void)flags;
    return 0;
}

static const struct fuse_operations hl_ops = {
    .getattr = hl_getattr,
    .readdir = hl_readdir,
    .open = hl_open,
    .create = hl_create,
    .write = hl_write,
    .mkdir = hl_mkdir,
    .unlink = hl_unlink,
    .rename = hl_rename,
    .chmod = hl_chmod,
    .truncate = hl_truncate,
    .utimens = hl_utimens,
    .setxattr = hl_setxattr,
};

/* ---- low level ----------------------------------------------------------- */

static void ll_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_mode = ino == 1 ? (S_IFDIR | 0777) : (S_IFREG | 0666);
    st->st_nlink = ino == 1 ? 2 : 1;
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    if (parent != 1 || strcmp(name, "f")) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    e.ino = 2;
    ll_stat(2, &e.attr);
    fuse_reply_entry(req, &e);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    (void)fi;
    struct stat st;
    ll_stat(ino, &st);
    fuse_reply_attr(req, &st, 0);
}

/* Every change "succeeds" as far as a writable mount can tell. */
static void ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                       int to_set, struct fuse_file_info *fi)
{
    (void)attr; (void)to_set; (void)fi;
    struct stat st;
    ll_stat(ino, &st);
    fuse_reply_attr(req, &st, 0);
}

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    fuse_reply_open(req, fi);
}

static void ll_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
                     size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)ino; (void)buf; (void)off; (void)fi;
    fuse_reply_write(req, size);
}

static void ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    (void)parent; (void)name;
    fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops ll_ops = {
    .lookup = ll_lookup,
    .getattr = ll_getattr,
    .setattr = ll_setattr,
    .open = ll_open,
    .write = ll_write,
    .unlink = ll_unlink,
};

/* ---- the command line ---------------------------------------------------- */

struct extra {
    char *add, *insert, *lib, *mnt;
};

static const struct fuse_opt extra_opts[] = {
    { "--add=%s", offsetof(struct extra, add), 0 },
    { "--insert=%s", offsetof(struct extra, insert), 0 },
    { "--lib=%s", offsetof(struct extra, lib), 0 },
    { "--mnt=%s", offsetof(struct extra, mnt), 0 },
    FUSE_OPT_END
};

#ifdef RO_FUSE2
/* As 2.x programs do: one vector for fuse_mount and then fuse_new (2.9's
 * fuse_mount takes its options out of it). */
static int run_new(struct fuse_args *args, const struct extra *x, int ll)
{
    char *mp = NULL;
    int res = 1;
    if (fuse_parse_cmdline(args, &mp, NULL, NULL) == -1 || !mp ||
        (x->mnt && fuse_opt_add_arg(args, x->mnt) == -1))
        goto out;
    struct fuse_chan *ch = fuse_mount(mp, args);
    if (!ch)
        goto out;
    if (x->lib && fuse_opt_add_arg(args, x->lib) == -1) {
        fuse_unmount(mp, ch);
        goto out;
    }
    if (ll) {
        struct fuse_session *se =
            fuse_lowlevel_new(args, &ll_ops, sizeof ll_ops, NULL);
        if (se) {
            fuse_session_add_chan(se, ch);
            if (fuse_set_signal_handlers(se) == 0) {
                res = fuse_session_loop(se) ? 1 : 0;
                fuse_remove_signal_handlers(se);
            }
            fuse_session_remove_chan(ch);
            fuse_session_destroy(se);
        }
        fuse_unmount(mp, ch);
    } else {
        struct fuse *f = fuse_new(ch, args, &hl_ops, sizeof hl_ops, NULL);
        if (f && fuse_set_signal_handlers(fuse_get_session(f)) == 0) {
            res = fuse_loop(f) ? 1 : 0;
            fuse_remove_signal_handlers(fuse_get_session(f));
        }
        fuse_unmount(mp, ch);
        if (f)
            fuse_destroy(f);
    }
out:
    free(mp);
    return res;
}
#else
/* A copy of args with arg appended (if any). */
static int copy_plus(const struct fuse_args *args, const char *arg,
                     struct fuse_args *out)
{
    for (int i = 0; i < args->argc; i++)
        if (fuse_opt_add_arg(out, args->argv[i]) == -1)
            return -1;
    return arg ? fuse_opt_add_arg(out, arg) : 0;
}

static int run_new(struct fuse_args *args, const struct extra *x, int ll)
{
    struct fuse_cmdline_opts co;
    struct fuse_args largs = FUSE_ARGS_INIT(0, NULL);
    int res = 1;
    memset(&co, 0, sizeof co);
    if (fuse_parse_cmdline(args, &co) == -1 || !co.mountpoint ||
        copy_plus(args, x->lib, &largs) == -1)
        goto out;
    if (ll) {
        struct fuse_session *se =
            fuse_session_new(&largs, &ll_ops, sizeof ll_ops, NULL);
        if (se) {
            if (fuse_set_signal_handlers(se) == 0 &&
                fuse_session_mount(se, co.mountpoint) == 0) {
                res = fuse_session_loop(se) ? 1 : 0;
                fuse_session_unmount(se);
            }
            fuse_remove_signal_handlers(se);
            fuse_session_destroy(se);
        }
    } else {
        struct fuse *f = fuse_new(&largs, &hl_ops, sizeof hl_ops, NULL);
        if (f) {
            struct fuse_session *se = fuse_get_session(f);
            if (fuse_set_signal_handlers(se) == 0 &&
                fuse_mount(f, co.mountpoint) == 0) {
                res = fuse_loop(f) ? 1 : 0;
                fuse_unmount(f);
            }
            fuse_remove_signal_handlers(se);
            fuse_destroy(f);
        }
    }
out:
    fuse_opt_free_args(&largs);
    free(co.mountpoint);
    return res;
}
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s main|new|ll [--add=A] [--insert=A] "
                "[--lib=A] [--mnt=A] ARGS...\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    argv[1] = argv[0];
    struct fuse_args args = FUSE_ARGS_INIT(argc - 1, argv + 1);
    struct extra x;
    memset(&x, 0, sizeof x);
    /* Our options out, everything else kept for libfuse. */
    if (fuse_opt_parse(&args, &x, extra_opts, NULL) == -1)
        return 2;
    if ((x.add && fuse_opt_add_arg(&args, x.add) == -1) ||
        (x.insert && fuse_opt_insert_arg(&args, 1, x.insert) == -1))
        return 2;
    int res;
    if (strcmp(mode, "main") == 0)
        res = fuse_main(args.argc, args.argv, &hl_ops, NULL);
    else
        res = run_new(&args, &x, strcmp(mode, "ll") == 0);
    fuse_opt_free_args(&args);
    return res;
}
