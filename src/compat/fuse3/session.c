/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_session_new/mount/unmount/destroy: the session's life outside the
 * loop.  fuse_session_new parses libfuse's low-level and mount options
 * (unknown ones are an error, as in libfuse); fuse_session_mount mounts
 * through kmount_mount, so root mounts with mount(2) and others through
 * fusermount3, with fsp's watchdog unmounting if the process dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "compat/fuse3/compat.h"

/* Options of the session itself. */
struct ll_args {
    int debug;
    int deny_others;
    int uring;
    unsigned uring_q_depth;
};

#define LL_OPT(t, p, v) { t, offsetof(struct ll_args, p), v }
static const struct fuse_opt ll_opts[] = {
    LL_OPT("debug", debug, 1),
    LL_OPT("-d", debug, 1),
    LL_OPT("--debug", debug, 1),
    LL_OPT("allow_root", deny_others, 1),
#if FSP_FUSE_ABI >= 318
    /* 3.18: FUSE over io_uring, on fsp's io_uring transport */
    LL_OPT("io_uring", uring, 1),
    LL_OPT("io_uring_q_depth=%u", uring_q_depth, 0),
#endif
    FUSE_OPT_END
};

/* Mount options libfuse 3.14 accepts. */
struct mount_args {
    int allow_other;
    int default_permissions;
    int ro;
    int auto_unmount;
    int blkdev;
    unsigned blksize;
    unsigned max_read;
    char *fsname;
    char *subtype;
    /* The generic mount flags as given ("nodev,noexec"), in order, for
     * the kernel layer's own parser (mount_opts.c) to apply. */
    char *ms_words;
};

/* Key of the generic mount flag words (mount_opt_proc). */
#define KEY_MS_WORD 1

static int mount_opt_proc(void *data, const char *arg, int key,
                          struct fuse_args *outargs)
{
    (void)outargs;
    if (key != KEY_MS_WORD)
        return 1; /* not ours: kept, as without a proc */
    struct mount_args *ma = data;
    return fuse_opt_add_opt(&ma->ms_words, arg) == -1 ? -1 : 0;
}

#define MNT_OPT(t, p, v) { t, offsetof(struct mount_args, p), v }
static const struct fuse_opt mount_opts[] = {
    MNT_OPT("allow_other", allow_other, 1),
    MNT_OPT("default_permissions", default_permissions, 1),
    MNT_OPT("ro", ro, 1),
    MNT_OPT("-r", ro, 1),
    MNT_OPT("rw", ro, 0),
    MNT_OPT("auto_unmount", auto_unmount, 1),
    MNT_OPT("blkdev", blkdev, 1),
    MNT_OPT("blksize=%u", blksize, 0),
    MNT_OPT("max_read=%u", max_read, 0),
    MNT_OPT("fsname=%s", fsname, 0),
    MNT_OPT("subtype=%s", subtype, 0),
    /* Accepted and left to the kernel's defaults for FUSE mounts. */
    FUSE_OPT_KEY("context=", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("fscontext=", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("defcontext=", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("rootcontext=", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("user=", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("-n", FUSE_OPT_KEY_DISCARD),
    /* The generic flags, honoured as libfuse does: root mounts with them,
     * fusermount3 takes the safe ones for users (mount.c). */
    FUSE_OPT_KEY("suid", KEY_MS_WORD),
    FUSE_OPT_KEY("nosuid", KEY_MS_WORD),
    FUSE_OPT_KEY("dev", KEY_MS_WORD),
    FUSE_OPT_KEY("nodev", KEY_MS_WORD),
    FUSE_OPT_KEY("exec", KEY_MS_WORD),
    FUSE_OPT_KEY("noexec", KEY_MS_WORD),
    FUSE_OPT_KEY("async", KEY_MS_WORD),
    FUSE_OPT_KEY("sync", KEY_MS_WORD),
    FUSE_OPT_KEY("dirsync", KEY_MS_WORD),
    FUSE_OPT_KEY("atime", KEY_MS_WORD),
    FUSE_OPT_KEY("noatime", KEY_MS_WORD),
    FUSE_OPT_KEY("diratime", KEY_MS_WORD),
    FUSE_OPT_KEY("nodiratime", KEY_MS_WORD),
    FUSE_OPT_KEY("nostrictatime", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("symfollow", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_KEY("nosymfollow", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_END
};

static int apply_mount_args(struct fuse_session *se, struct mount_args *ma)
{
    struct kmount_opts *o = &se->mo;
    kmount_opts_init(o);
    /* A fuseblk mount's source is the device, which fsname names. */
    if (ma->blkdev && !ma->fsname) {
        fuse_log(FUSE_LOG_ERR, "fuse: blkdev needs fsname=DEVICE\n");
        return -1;
    }
    o->blkdev = ma->blkdev;
    o->blksize = ma->blkdev ? ma->blksize : 0;
    o->allow_other = ma->allow_other;
    o->default_permissions = ma->default_permissions;
    o->read_only = ma->ro;
    o->max_read = ma->max_read;
    char err[256];
    if (ma->ms_words &&
        kmount_opts_parse(o, ma->ms_words, err, sizeof err) < 0) {
        fuse_log(FUSE_LOG_ERR, "fuse: %s\n", err);
        return -1;
    }
    /* Without root, fusermount3 ignores suid and dev (with a message) and
     * mounts nosuid,nodev, as libfuse programs expect: mount(8) passes
     * "dev,suid" to mount.fuse3 -o setuid=USER's program by default. */
    if (geteuid() != 0 &&
        (!(o->ms_flags & MS_NOSUID) || !(o->ms_flags & MS_NODEV))) {
        fuse_log(FUSE_LOG_ERR, "fusermount3: unsafe option%s%s ignored\n",
                 (o->ms_flags & MS_NOSUID) ? "" : " suid",
                 (o->ms_flags & MS_NODEV) ? "" : " dev");
        o->ms_flags |= MS_NOSUID | MS_NODEV;
    }
    /* libfuse 3 mounts over non-empty directories, and on regular files
     * (its null example does). */
    o->nonempty = 1;
    o->file_root = 1;
    /* fsp's watchdog unmounts after a crash whether or not auto_unmount
     * was given: a dead mount is never left behind. */
    o->auto_unmount = 1;
    /* libfuse names the source after fsname, else the subtype. */
    const char *src = ma->fsname ? ma->fsname
                    : ma->subtype ? ma->subtype : "/dev/fuse";
    if (strlen(src) >= sizeof o->fsname ||
        (ma->subtype && strlen(ma->subtype) >= sizeof o->subtype)) {
        fuse_log(FUSE_LOG_ERR, "fuse: fsname or subtype too long\n");
        return -1;
    }
    snprintf(o->fsname, sizeof o->fsname, "%s", src);
    if (ma->subtype)
        snprintf(o->subtype, sizeof o->subtype, "%s", ma->subtype);
    return 0;
}

struct fuse_session *fuse_session_new(struct fuse_args *args,
                                      const struct fuse_lowlevel_ops *op,
                                      size_t op_size, void *userdata)
{
    if (op_size > sizeof(struct fuse_lowlevel_ops)) {
        fuse_log(FUSE_LOG_ERR, "fuse: warning: library too old, "
                 "some operations may not work\n");
        op_size = sizeof(struct fuse_lowlevel_ops);
    }
    if (!args || args->argc == 0) {
        fuse_log(FUSE_LOG_ERR,
                 "fuse: empty argv passed to fuse_session_new().\n");
        return NULL;
    }
    struct fuse_session *se = calloc(1, sizeof *se);
    if (!se) {
        fuse_log(FUSE_LOG_ERR, "fuse: failed to allocate fuse object\n");
        return NULL;
    }
    se->fd = -1;
    pthread_mutex_init(&se->lock, NULL);

    struct ll_args la = { 0 };
    struct mount_args ma = { 0 };
    if (fuse_opt_parse(args, &la, ll_opts, NULL) == -1)
        goto fail;
    /* allow_root: the kernel lets everyone in and we turn away all but
     * the owner and root (dispatch.c), as libfuse does. */
    if (la.deny_others && fuse_opt_add_arg(args, "-oallow_other") == -1)
        goto fail;
    if (fuse_opt_parse(args, &ma, mount_opts, mount_opt_proc) == -1)
        goto fail;
    if (args->argc == 1 && args->argv[0][0] == '-') {
        fuse_log(FUSE_LOG_ERR, "fuse: warning: argv[0] looks like an "
                 "option, but will be ignored\n");
    } else if (args->argc != 1) {
        fuse_log(FUSE_LOG_ERR, "fuse: unknown option(s): `");
        int i;
        for (i = 1; i < args->argc - 1; i++)
            fuse_log(FUSE_LOG_ERR, "%s ", args->argv[i]);
        fuse_log(FUSE_LOG_ERR, "%s'\n", args->argv[i]);
        goto fail;
    }
    if (apply_mount_args(se, &ma))
        goto fail;
    free(ma.fsname);
    free(ma.subtype);
    free(ma.ms_words);
    se->debug = la.debug;
    se->deny_others = la.deny_others;
#if FSP_FUSE_ABI >= 318
    se->uring = la.uring;
    se->uring_q_depth = la.uring_q_depth;
#endif
    if (se->debug)
        fuse_log(FUSE_LOG_DEBUG, "FUSE library version: %s\n",
                 FSP_FUSE3_PKGVERSION);
    memcpy(&se->op, op, op_size);
    se->owner = getuid();
    se->userdata = userdata;
    return se;

fail:
    free(ma.fsname);
    free(ma.subtype);
    free(ma.ms_words);
    pthread_mutex_destroy(&se->lock);
    free(se);
    return NULL;
}

int fsp_fuse_session_mount_opts(struct fuse_session *se, const char *opts)
{
    struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
    struct ll_args la = { 0 };
    struct mount_args ma = { 0 };
    int res = -1;
    if (fuse_opt_add_arg(&args, "") == -1 ||
        (opts && (fuse_opt_add_arg(&args, "-o") == -1 ||
                  fuse_opt_add_arg(&args, opts) == -1)))
        goto out;
    if (fuse_opt_parse(&args, &la, ll_opts, NULL) == -1 ||
        (la.deny_others && fuse_opt_add_arg(&args, "-oallow_other") == -1) ||
        fuse_opt_parse(&args, &ma, mount_opts, mount_opt_proc) == -1)
        goto out;
    /* what is left are the session's own options, already parsed */
    res = apply_mount_args(se, &ma);
    se->debug |= la.debug;
    se->deny_others |= la.deny_others;
out:
    free(ma.fsname);
    free(ma.subtype);
    free(ma.ms_words);
    fuse_opt_free_args(&args);
    return res;
}

void fsp_fuse_session_move_mount(struct fuse_session *dst,
                                 struct fuse_session *src)
{
    dst->m = src->m;
    dst->fd = src->fd;
    dst->fd_external = src->fd_external;
    dst->mountpoint = src->mountpoint;
    /* what INIT and the checks of each request take from the mount */
    dst->mo = src->mo;
    dst->deny_others |= src->deny_others;
    memset(&src->m, 0, sizeof src->m);
    src->fd = -1;
    src->fd_external = 0;
    src->mountpoint = NULL;
}

/* "/dev/fd/N": a /dev/fuse descriptor mounted by someone else. */
static int parse_fd_mountpoint(const char *mp)
{
    unsigned fd;
    int len = 0;
    if (sscanf(mp, "/dev/fd/%u%n", &fd, &len) == 1 &&
        len == (int)strlen(mp) && fd <= INT_MAX)
        return (int)fd;
    return -1;
}

int fuse_session_mount(struct fuse_session *se, const char *mountpoint)
{
    /* Make sure 0, 1 and 2 are open, or our descriptors would land on
     * them and a stray printf would write to /dev/fuse. */
    int fd;
    do {
        fd = open("/dev/null", O_RDWR);
        if (fd > 2)
            close(fd);
    } while (fd >= 0 && fd <= 2);

    fd = parse_fd_mountpoint(mountpoint);
    if (fd != -1) {
        if (fcntl(fd, F_GETFD) == -1) {
            fuse_log(FUSE_LOG_ERR,
                     "fuse: Invalid file descriptor /dev/fd/%u\n", fd);
            return -1;
        }
        se->fd = fd;
        se->fd_external = 1;
        return 0;
    }
    char err[512];
    int r = kmount_mount(&se->m, mountpoint, &se->mo, err, sizeof err);
    if (r) {
        fuse_log(FUSE_LOG_ERR, "fuse: %s\n", err);
        return -1;
    }
    se->fd = se->m.fd;
    se->mountpoint = strdup(mountpoint);
    return 0;
}

/* libfuse's: mount with these options and hand back the descriptor, for
 * a program to serve as /dev/fd/N (mount.fuse3 -o drop_privileges does
 * this, then drops its privileges and execs the program).  No watchdog:
 * its pipe would close at that exec and unmount at once; as with libfuse
 * here, the mount stays until someone unmounts it. */
int fuse_open_channel(const char *mountpoint, const char *options)
{
    struct fuse_session *tmp = calloc(1, sizeof *tmp);
    if (!tmp)
        return -1;
    tmp->fd = -1;
    int fd = -1;
    if (fsp_fuse_session_mount_opts(tmp, options) == 0) {
        tmp->mo.auto_unmount = 0;
        struct kmount m;
        char err[512];
        if (kmount_mount(&m, mountpoint, &tmp->mo, err, sizeof err) == 0)
            fd = m.fd;
        else
            fuse_log(FUSE_LOG_ERR, "fuse: %s\n", err);
    }
    free(tmp);
    return fd;
}

int fuse_session_fd(struct fuse_session *se)
{
    return se->fd;
}

void fuse_session_unmount(struct fuse_session *se)
{
    if (se->m.mounted) {
        kmount_unmount(&se->m);
        se->fd = -1;
    }
    free(se->mountpoint);
    se->mountpoint = NULL;
}

void fuse_session_exit(struct fuse_session *se)
{
    /* Async-signal-safe: an atomic store and fsp's pipe/eventfd wake. */
    atomic_store(&se->exited, 1);
    if (se->fse)
        ses_exit(se->fse);
}

void fuse_session_reset(struct fuse_session *se)
{
    atomic_store(&se->exited, 0);
    atomic_store(&se->error, 0);
}

int fuse_session_exited(struct fuse_session *se)
{
    return atomic_load(&se->exited);
}

void fuse_session_destroy(struct fuse_session *se)
{
    if (!se)
        return;
    if (se->fse)
        ses_join(se->fse); /* no-op unless threads still run */
    if (atomic_load(&se->got_init) && !se->got_destroy && se->op.destroy) {
        se->got_destroy = 1;
        se->op.destroy(se->userdata);
    }
    /* fsp's per-opcode counters, as the native layer prints them with -d:
     * the one place a libfuse program's run can be measured. */
    if (se->fse && se->debug)
        ses_print_stats(se->fse, stderr);
    ses_delete(se->fse);
    se->fse = NULL;
    /* libfuse only closes the descriptor; fsp also unmounts a mount the
     * program forgot, so no dead mount stays behind. */
    fuse_session_unmount(se);
    if (se->fd_external && se->fd >= 0)
        close(se->fd);
    struct retrieve_cookie *rc = se->retrieves;
    while (rc) {
        struct retrieve_cookie *next = rc->next;
        free(rc);
        rc = next;
    }
    pthread_mutex_destroy(&se->lock);
    free(se);
}

#if FSP_FUSE_ABI >= 318
/* 3.17's entry point: the same, knowing the program's libfuse version
 * (kept for fuse_get_feature_flag's want/want_ext rules, conn.c). */
struct fuse_session *
fuse_session_new_versioned(struct fuse_args *args,
                           const struct fuse_lowlevel_ops *op, size_t op_size,
                           struct libfuse_version *version, void *userdata)
{
    struct fuse_session *se = fuse_session_new(args, op, op_size, userdata);
    if (se && version)
        se->version = *version;
    return se;
}
#endif
