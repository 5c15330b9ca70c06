/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: the 2.x high-level API on the fuse3 code.  The 2.x
 * flow is fuse_mount (a channel) then fuse_new (a file system on it);
 * the fuse3 code has fuse_new then fuse_mount, so the channel's mount is
 * held by a session of its own until fuse_new moves it to the file
 * system's (f3_chan.c; for the low-level API fuse_session_add_chan does,
 * ll2_session.c).
 */
#include "compat/fuse2/ll2.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Channels ----------------------------------------------------------- */

/* The -o options of args, joined by commas (NULL if none); args is left
 * as it is, since fuse_new is usually given the same vector.  Returns
 * -1 on ENOMEM. */
static int collect_opts(const struct fuse_args *args, char **opts)
{
    *opts = NULL;
    if (!args)
        return 0;
    for (int i = 1; i < args->argc; i++) {
        const char *a = args->argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "-o") == 0 && i + 1 < args->argc)
            a = args->argv[++i];
        else if (strncmp(a, "-o", 2) == 0)
            a += 2;
        else
            continue;
        /* already comma-separated and escaped: append as one piece */
        if (fuse_opt_add_opt(opts, a) == -1) {
            free(*opts);
            *opts = NULL;
            return -1;
        }
    }
    return 0;
}

/* The mount options of libfuse 2.9's fuse_mount (Linux).  2.9 parses
 * the program's vector with them and takes each one out of it, so the
 * fuse_new that usually gets the same vector next never sees them; and
 * fuse_new or fuse_lowlevel_new given one anyway fail ("unknown
 * option").  -r is "ro" given as a program flag (bindfs passes its -r on
 * this way).  max_read= is both: the mount takes it and it stays. */
enum { KEY_MNT, KEY_MNT_KEEP, KEY_MNT_RO };
static const struct fuse_opt mount2_opts[] = {
    FUSE_OPT_KEY("allow_other", KEY_MNT),
    FUSE_OPT_KEY("allow_root", KEY_MNT),
    FUSE_OPT_KEY("nonempty", KEY_MNT),
    FUSE_OPT_KEY("blkdev", KEY_MNT),
    FUSE_OPT_KEY("auto_unmount", KEY_MNT),
    FUSE_OPT_KEY("fsname=", KEY_MNT),
    FUSE_OPT_KEY("subtype=", KEY_MNT),
    FUSE_OPT_KEY("large_read", KEY_MNT),
    FUSE_OPT_KEY("blksize=", KEY_MNT),
    FUSE_OPT_KEY("default_permissions", KEY_MNT),
    FUSE_OPT_KEY("max_read=", KEY_MNT_KEEP),
    FUSE_OPT_KEY("user=", KEY_MNT),
    FUSE_OPT_KEY("-r", KEY_MNT_RO),
    FUSE_OPT_KEY("ro", KEY_MNT),
    FUSE_OPT_KEY("rw", KEY_MNT),
    FUSE_OPT_KEY("suid", KEY_MNT),
    FUSE_OPT_KEY("nosuid", KEY_MNT),
    FUSE_OPT_KEY("dev", KEY_MNT),
    FUSE_OPT_KEY("nodev", KEY_MNT),
    FUSE_OPT_KEY("exec", KEY_MNT),
    FUSE_OPT_KEY("noexec", KEY_MNT),
    FUSE_OPT_KEY("async", KEY_MNT),
    FUSE_OPT_KEY("sync", KEY_MNT),
    FUSE_OPT_KEY("dirsync", KEY_MNT),
    FUSE_OPT_KEY("atime", KEY_MNT),
    FUSE_OPT_KEY("noatime", KEY_MNT),
    FUSE_OPT_END
};

/* fuse_mount's parse: each mount option joins the channel's list (in
 * order, so the last of ro/rw wins as in 2.9) and leaves the vector. */
static int mount2_proc(void *data, const char *arg, int key,
                       struct fuse_args *outargs)
{
    (void)outargs;
    char **opts = data;
    switch (key) {
    case KEY_MNT_RO:
        return fuse_opt_add_opt(opts, "ro") == -1 ? -1 : 0;
    case KEY_MNT:
        return fuse_opt_add_opt_escaped(opts, arg) == -1 ? -1 : 0;
    case KEY_MNT_KEEP:
        return fuse_opt_add_opt_escaped(opts, arg) == -1 ? -1 : 1;
    default:
        return 1;
    }
}

/* fuse_new's and fuse_lowlevel_new's answer to a mount option. */
static int reject2_proc(void *data, const char *arg, int key,
                        struct fuse_args *outargs)
{
    (void)data; (void)outargs;
    /* allow_root is also an option of 2.9's fuse_lowlevel_new */
    if ((key != KEY_MNT && key != KEY_MNT_RO) ||
        strcmp(arg, "allow_root") == 0)
        return 1;
    fprintf(stderr, "fuse: unknown option `%s'\n", arg);
    return -1;
}

int f2_reject_mount_opts(const struct fuse_args *args)
{
    if (!args || args->argc == 0)
        return 0;
    /* a copy: the caller's vector stays as it is */
    struct fuse_args a = FUSE_ARGS_INIT(0, NULL);
    int res = 0;
    for (int i = 0; res == 0 && i < args->argc; i++)
        res = fuse_opt_add_arg(&a, args->argv[i]);
    if (res == 0)
        res = fuse_opt_parse(&a, NULL, mount2_opts, reject2_proc);
    fuse_opt_free_args(&a);
    return res;
}

struct fuse_chan *fuse_mount(const char *mountpoint, struct fuse_args *args)
{
    if (!mountpoint) {
        fprintf(stderr, "fuse: missing mountpoint parameter\n");
        return NULL;
    }
    struct fuse_chan *ch = calloc(1, sizeof(*ch));
    if (!ch || !(ch->mountpoint = strdup(mountpoint))) {
        fprintf(stderr, "fuse: memory allocation failed\n");
        if (ch)
            free(ch->mountpoint);
        free(ch);
        return NULL;
    }
    if (args && args->argc > 0 &&
        fuse_opt_parse(args, &ch->opts, mount2_opts, mount2_proc) == -1) {
        fuse_chan_destroy(ch);
        return NULL;
    }
    /* mounted now, as in 2.9: errors show here, the descriptor exists */
    ch->mse = f2b_chan_mount(mountpoint, ch->opts);
    if (!ch->mse) {
        fuse_chan_destroy(ch);
        return NULL;
    }
    return ch;
}

void fuse_unmount(const char *mountpoint, struct fuse_chan *ch)
{
    (void)mountpoint;
    if (!ch)
        return;
    if (ch->f) {
        f2b_fs_of(ch->f)->ch = NULL;
        f2b_unmount(ch->f);
    }
    /* a low-level session's mount (fuse_session_add_chan made it) */
    if (ch->se)
        fsp3_fuse_session_unmount(ch->se);
    fuse_chan_destroy(ch);
}

/* ---- File systems ------------------------------------------------------- */

/* Options of libfuse 2.9 the 3.x code rejects: they asked for what is
 * now always so (big_writes, atomic_o_trunc, ...) or for nothing fsp
 * does (splice); dropped so old command lines keep working. */
static const struct fuse_opt drop2[] = {
    FUSE_OPT_KEY("big_writes", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("large_read", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("nonempty", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("atomic_o_trunc", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_remote_lock", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_remote_posix_lock", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_remote_flock", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_read", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_write", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("splice_move", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_read", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_write", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("no_splice_move", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_END
};

/* has[] for f2b_new: which 2.x callbacks map to which 3.x ones. */
static void ops_present(const struct fuse_operations *op, unsigned char *has)
{
    memset(has, 0, F2B_NOPS);
    has[F2B_GETATTR] = op->getattr || op->fgetattr;
    has[F2B_READLINK] = !!op->readlink;
    has[F2B_MKNOD] = !!op->mknod;
    has[F2B_MKDIR] = !!op->mkdir;
    has[F2B_UNLINK] = !!op->unlink;
    has[F2B_RMDIR] = !!op->rmdir;
    has[F2B_SYMLINK] = !!op->symlink;
    has[F2B_RENAME] = !!op->rename;
    has[F2B_LINK] = !!op->link;
    has[F2B_CHMOD] = !!op->chmod;
    has[F2B_CHOWN] = !!op->chown;
    has[F2B_TRUNCATE] = op->truncate || op->ftruncate;
    has[F2B_UTIMENS] = op->utimens || op->utime;
    has[F2B_OPEN] = !!op->open;
    has[F2B_READ] = !!op->read;
    has[F2B_WRITE] = !!op->write;
    has[F2B_STATFS] = !!op->statfs;
    has[F2B_FLUSH] = !!op->flush;
    has[F2B_RELEASE] = !!op->release;
    has[F2B_FSYNC] = !!op->fsync;
    has[F2B_SETXATTR] = !!op->setxattr;
    has[F2B_GETXATTR] = !!op->getxattr;
    has[F2B_LISTXATTR] = !!op->listxattr;
    has[F2B_REMOVEXATTR] = !!op->removexattr;
    has[F2B_OPENDIR] = !!op->opendir;
    has[F2B_READDIR] = op->readdir || op->getdir;
    has[F2B_RELEASEDIR] = !!op->releasedir;
    has[F2B_FSYNCDIR] = !!op->fsyncdir;
    has[F2B_ACCESS] = !!op->access;
    has[F2B_CREATE] = !!op->create;
    has[F2B_LOCK] = !!op->lock;
    has[F2B_BMAP] = !!op->bmap;
    has[F2B_FLOCK] = !!op->flock;
    has[F2B_FALLOCATE] = !!op->fallocate;
    has[F2B_IOCTL] = !!op->ioctl;
    has[F2B_POLL] = !!op->poll;
    has[F2B_WRITE_BUF] = !!op->write_buf;
    has[F2B_READ_BUF] = !!op->read_buf;
    has[F2B_NULLPATH_OK] = op->flag_nullpath_ok || op->flag_nopath;
    has[F2B_NOPATH] = op->flag_nopath;
}

/* The argument vector for the fuse3 fuse_new: args, plus the channel's
 * mount options unless args carries the same ones, minus drop2. */
static int build_args(struct fuse_chan *ch, const struct fuse_args *args,
                      struct fuse_args *out)
{
    char *mine = NULL;
    int res = -1;
    if (fuse_opt_add_arg(out, args && args->argc > 0 ? args->argv[0] : "")
        == -1)
        return -1;
    for (int i = 1; args && i < args->argc; i++)
        if (fuse_opt_add_arg(out, args->argv[i]) == -1)
            goto out;
    if (collect_opts(args, &mine) == -1)
        goto out;
    if (ch->opts && !(mine && strcmp(mine, ch->opts) == 0) &&
        (fuse_opt_add_arg(out, "-o") == -1 ||
         fuse_opt_add_arg(out, ch->opts) == -1))
        goto out;
    res = fuse_opt_parse(out, NULL, drop2, NULL);
out:
    free(mine);
    return res;
}

struct fuse *fuse_new(struct fuse_chan *ch, struct fuse_args *args,
                      const struct fuse_operations *op, size_t op_size,
                      void *user_data)
{
    if (!ch || ch->f || !op) {
        fprintf(stderr, "fuse: fuse_new needs an unused channel and "
                "operations\n");
        return NULL;
    }
    struct f2_fs *fs = calloc(1, sizeof(*fs));
    if (!fs) {
        fprintf(stderr, "fuse: failed to allocate fuse object\n");
        return NULL;
    }
    /* An older program's smaller struct leaves the rest NULL; a newer
     * one's extra members cannot be served (libfuse's warning). */
    if (op_size > sizeof(fs->op)) {
        fprintf(stderr, "fuse: warning: library too old, some operations "
                "may not not work\n");
        op_size = sizeof(fs->op);
    }
    memcpy(&fs->op, op, op_size);
    fs->user_data = user_data;

    unsigned char has[F2B_NOPS];
    ops_present(&fs->op, has);
    struct fuse_args a = FUSE_ARGS_INIT(0, NULL);
    void *f = NULL;
    if (f2_reject_mount_opts(args) == 0 && build_args(ch, args, &a) == 0)
        f = f2b_new(&a, fs, has);
    fuse_opt_free_args(&a);
    if (!f) {
        free(fs);
        return NULL;
    }
    if (f2b_chan_give(ch->mse, fuse_get_session(f)) != 0) {
        fprintf(stderr, "fuse: the channel is not mounted\n");
        f2b_destroy(f);
        free(fs);
        return NULL;
    }
    fs->ch = ch;
    ch->f = f;
    return f;
}

void fuse_destroy(struct fuse *f)
{
    if (!f)
        return;
    struct f2_fs *fs = f2b_fs_of(f);
    /* destroyed before fuse_unmount: the channel forgets it (the fuse3
     * destroy unmounts, like fsp's session always does) */
    if (fs->ch)
        fs->ch->f = NULL;
    f2b_destroy(f);
    free(fs);
}

int fuse_loop(struct fuse *f)
{
    if (!f)
        return -1;
    return f2b_loop(f);
}

int fuse_loop_mt(struct fuse *f)
{
    if (!f)
        return -1;
    return f2b_loop_mt(f);
}

int fuse_exited(struct fuse *f)
{
    return fuse_session_exited(fuse_get_session(f));
}

/* 2.9's fuse_invalidate was already a stub. */
int fuse_invalidate(struct fuse *f, const char *path)
{
    (void)f;
    (void)path;
    return -EINVAL;
}

/* The high-level options the fuse3 code parses in fuse_new. */
static const struct fuse_opt lib_opts[] = {
    FUSE_OPT_KEY("debug", 0), FUSE_OPT_KEY("-d", 0),
    FUSE_OPT_KEY("hard_remove", 0), FUSE_OPT_KEY("use_ino", 0),
    FUSE_OPT_KEY("readdir_ino", 0), FUSE_OPT_KEY("direct_io", 0),
    FUSE_OPT_KEY("kernel_cache", 0), FUSE_OPT_KEY("auto_cache", 0),
    FUSE_OPT_KEY("noauto_cache", 0), FUSE_OPT_KEY("umask=", 0),
    FUSE_OPT_KEY("uid=", 0), FUSE_OPT_KEY("gid=", 0),
    FUSE_OPT_KEY("entry_timeout=", 0), FUSE_OPT_KEY("attr_timeout=", 0),
    FUSE_OPT_KEY("ac_attr_timeout=", 0),
    FUSE_OPT_KEY("negative_timeout=", 0), FUSE_OPT_KEY("noforget", 0),
    FUSE_OPT_KEY("remember=", 0), FUSE_OPT_KEY("intr", 0),
    FUSE_OPT_KEY("intr_signal=", 0), FUSE_OPT_KEY("modules=", 0),
    FUSE_OPT_END
};

int fuse_is_lib_option(const char *opt)
{
    return fuse_opt_match(lib_opts, opt);
}

int fuse_version(void)
{
    return FUSE_VERSION;
}

/* ---- Context ------------------------------------------------------------ */

static _Thread_local struct fuse_context tls_ctx;

/* The 2.x view of the fuse3 context: same layout, but private_data is
 * what the 2.x program gave or its init returned.  Exported as
 * fuse_get_context@@FUSE_2.8 and, since the 2.2 struct is this one
 * without umask (a prefix), as fuse_get_context@FUSE_2.2 too; both by
 * .symver, as a plain definition could not also carry the old version. */
struct fuse_context *fsp_fuse2_get_context(void);
struct fuse_context *fsp_fuse2_get_context(void)
{
    void *f;
    memset(&tls_ctx, 0, sizeof(tls_ctx));
    if (f2b_context(&f, &tls_ctx.uid, &tls_ctx.gid, &tls_ctx.pid,
                    &tls_ctx.umask) == 0) {
        tls_ctx.fuse = f;
        tls_ctx.private_data = f2b_fs_of(f)->user_data;
    }
    return &tls_ctx;
}
__asm__(".symver fsp_fuse2_get_context,fuse_get_context@@FUSE_2.8");
__asm__(".symver fsp_fuse2_get_context,fuse_get_context@FUSE_2.2");

/* ---- Command line and fuse_main ------------------------------------------ */

/* libfuse 2.9 changes nothing in the foreground; 3.x moves to "/" even
 * then.  2.x programs rely on the difference: encfs -f with a relative
 * root directory resolves it against the working directory on every
 * request, and would find nothing from "/". */
int fuse_daemonize(int foreground)
{
    return foreground ? 0 : f2b_daemonize(0);
}

int fuse_parse_cmdline(struct fuse_args *args, char **mountpoint,
                       int *multithreaded, int *foreground)
{
    char *mp = NULL;
    int st = 0, fg = 0, help = 0, version = 0;
    if (f2b_parse_cmdline(args, &mp, &st, &fg, &help, &version) == -1)
        return -1;
    if (help) {
        /* as in 2.9: the usage here, "-ho" tells fuse_setup to add the
         * library's options and stop */
        fprintf(stderr, "usage: %s mountpoint [options]\n\n",
                args->argc > 0 ? args->argv[0] : "fuse");
        fprintf(stderr, "general options:\n"
                "    -o opt,[opt...]        mount options\n"
                "    -h   --help            print help\n"
                "    -V   --version         print version\n\n");
        f2b_cmdline_help();
        fuse_opt_add_arg(args, "-ho");
    } else if (version) {
        fprintf(stderr, "FUSE library version: %s\n", FSP_FUSE2_PKGVERSION);
        fuse_opt_add_arg(args, "--version");
    }
    if (mountpoint)
        *mountpoint = mp;
    else
        free(mp);
    if (multithreaded)
        *multithreaded = !st;
    if (foreground)
        *foreground = fg;
    return 0;
}

/* 1 if fuse_parse_cmdline handled -h or -V (and left its marker). */
static int answered(struct fuse_args *args)
{
    for (int i = 1; i < args->argc; i++) {
        if (strcmp(args->argv[i], "-ho") == 0) {
            fprintf(stderr, "\n");
            f2b_lib_help(args);
            return 1;
        }
        if (strcmp(args->argv[i], "--version") == 0)
            return 1;
    }
    return 0;
}

struct fuse *fuse_setup(int argc, char *argv[],
                        const struct fuse_operations *op, size_t op_size,
                        char **mountpoint, int *multithreaded,
                        void *user_data)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_chan *ch;
    struct fuse *f;
    int foreground;
    *mountpoint = NULL;
    if (fuse_parse_cmdline(&args, mountpoint, multithreaded, &foreground)
        == -1)
        goto err_args;
    if (answered(&args))
        goto err_mp;
    ch = fuse_mount(*mountpoint, &args);
    if (!ch)
        goto err_mp;
    f = fuse_new(ch, &args, op, op_size, user_data);
    if (!f) {
        fuse_unmount(*mountpoint, ch);
        goto err_mp;
    }
    if (fuse_daemonize(foreground) == -1 ||
        fuse_set_signal_handlers(fuse_get_session(f)) == -1) {
        fuse_unmount(*mountpoint, ch);
        fuse_destroy(f);
        goto err_mp;
    }
    fuse_opt_free_args(&args);
    return f;
err_mp:
    free(*mountpoint);
    *mountpoint = NULL;
err_args:
    fuse_opt_free_args(&args);
    return NULL;
}

void fuse_teardown(struct fuse *f, char *mountpoint)
{
    if (f) {
        struct fuse_chan *ch = f2b_fs_of(f)->ch;
        fuse_remove_signal_handlers(fuse_get_session(f));
        fuse_unmount(mountpoint, ch);
        fuse_destroy(f);
    }
    free(mountpoint);
}

int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op,
                   size_t op_size, void *user_data)
{
    char *mountpoint;
    int multithreaded;
    struct fuse *f = fuse_setup(argc, argv, op, op_size, &mountpoint,
                                &multithreaded, user_data);
    if (!f)
        return 1;
    int res = multithreaded ? fuse_loop_mt(f) : fuse_loop(f);
    fuse_teardown(f, mountpoint);
    return res == -1 ? 1 : 0;
}
