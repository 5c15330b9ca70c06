/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The life of a struct fuse: fuse_new, mount, the loops, exit, unmount,
 * destroy, and fuse_main_real which strings them together the way every
 * libfuse program expects (same steps, same exit codes).
 *
 * Versioned like libfuse 3.14: fuse_new@FUSE_3.0 (which answers -h
 * itself) and @@FUSE_3.1; fuse_loop_mt@FUSE_3.0 (int clone_fd),
 * @FUSE_3.2 (old public config) and @@FUSE_3.12 (opaque config).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/fuse3/compat.h"
#include "compat/fuse3/hl.h"

/* The session loops of the low-level layer (loop.c). */
int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd);
int fuse_session_loop_mt_32(struct fuse_session *se,
                            struct fuse_loop_config_v1 *config);
int fuse_session_loop_mt_312(struct fuse_session *se,
                             struct fuse_loop_config *config);
int fuse_parse_cmdline_312(struct fuse_args *args,
                           struct fuse_cmdline_opts *opts);

static void free_fuse(struct fuse *f)
{
    hl_nodes_free(f);
    free(f->fs);
    free(f->conf.modules);
    pthread_mutex_destroy(&f->lock);
    pthread_mutex_destroy(&f->cleanup_lock);
    pthread_cond_destroy(&f->cleanup_cond);
    free(f);
}

struct fuse *fuse_new_31(struct fuse_args *args,
                         const struct fuse_operations *op, size_t op_size,
                         void *private_data)
{
    struct fuse *f = calloc(1, sizeof *f);
    if (!f) {
        fuse_log(FUSE_LOG_ERR, "fuse: failed to allocate fuse object\n");
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_mutex_init(&f->cleanup_lock, NULL);
    pthread_cond_init(&f->cleanup_cond, NULL);
    f->fs = fuse_fs_new(op, op_size, private_data);
    if (!f->fs || hl_parse_opts(f, args) == -1 || hl_nodes_init(f)) {
        free_fuse(f);
        return NULL;
    }
    f->fs->debug = f->conf.debug;
    hl_intr_init(f);
    struct fuse_lowlevel_ops llop;
    hl_lowlevel_ops(f, &llop);
    /* The session takes the mount options and rejects unknown ones. */
    f->se = fuse_session_new(args, &llop, sizeof llop, f);
    if (!f->se) {
        hl_intr_fini(f);
        free_fuse(f);
        return NULL;
    }
    if (f->conf.debug)
        fuse_log(FUSE_LOG_DEBUG, "hard_remove: %i use_ino: %i "
                 "readdir_ino: %i nullpath_ok: %i kernel_cache: %i "
                 "auto_cache: %i\n", f->conf.hard_remove, f->conf.use_ino,
                 f->conf.readdir_ino, f->conf.nullpath_ok,
                 f->conf.kernel_cache, f->conf.auto_cache);
    return f;
}

/* 3.0 printed the library's help when given -h and created nothing. */
struct fuse *fuse_new_30(struct fuse_args *args,
                         const struct fuse_operations *op, size_t op_size,
                         void *private_data)
{
    struct fuse_config c;
    memset(&c, 0, sizeof c);
    const struct fuse_opt help_opts[] = {
        { "-h", offsetof(struct fuse_config, show_help), 1 },
        { "--help", offsetof(struct fuse_config, show_help), 1 },
        FUSE_OPT_KEY("-h", FUSE_OPT_KEY_KEEP),
        FUSE_OPT_KEY("--help", FUSE_OPT_KEY_KEEP),
        FUSE_OPT_END
    };
    if (fuse_opt_parse(args, &c, help_opts, NULL) == -1)
        return NULL;
    if (c.show_help) {
        fuse_lib_help(args);
        return NULL;
    }
    return fuse_new_31(args, op, op_size, private_data);
}

__asm__(".symver fuse_new_30,fuse_new@FUSE_3.0");
#if FSP_FUSE_ABI >= 318
/* 3.17 moved programs to _fuse_new_31 (its headers' fuse_new() is an
 * inline wrapper): fuse_new@FUSE_3.1 stays for older binaries, without
 * a default version, as in libfuse 3.18. */
__asm__(".symver fuse_new_31,fuse_new@FUSE_3.1");

struct fuse *_fuse_new_31(struct fuse_args *args,
                          const struct fuse_operations *op, size_t op_size,
                          struct libfuse_version *version, void *user_data)
{
    struct fuse *f = fuse_new_31(args, op, op_size, user_data);
    if (f && version)
        f->se->version = *version;
    return f;
}

struct fuse *_fuse_new_30(struct fuse_args *args,
                          const struct fuse_operations *op, size_t op_size,
                          struct libfuse_version *version, void *user_data)
{
    struct fuse *f = fuse_new_30(args, op, op_size, user_data);
    if (f && version)
        f->se->version = *version;
    return f;
}
#else
__asm__(".symver fuse_new_31,fuse_new@@FUSE_3.1");
#endif

int fuse_mount(struct fuse *f, const char *mountpoint)
{
    return fuse_session_mount(f->se, mountpoint);
}

void fuse_unmount(struct fuse *f)
{
    fuse_session_unmount(f->se);
}

struct fuse_session *fuse_get_session(struct fuse *f)
{
    return f->se;
}

void fuse_exit(struct fuse *f)
{
    fuse_session_exit(f->se);
}

/* Hidden files still there at the end are removed: nobody can open
 * them any more. */
static void remove_hidden(struct fuse *f)
{
    for (;;) {
        uint64_t dir = 0;
        char *name = NULL;
        pthread_mutex_lock(&f->lock);
        for (size_t i = 0; i < f->id_size && !name; i++)
            for (struct hl_node *n = f->id_tab[i]; n && !name; n = n->id_next)
                if (n->hidden && n->name) {
                    n->hidden = 0;
                    dir = n->parent->nodeid;
                    name = strdup(n->name);
                }
        pthread_mutex_unlock(&f->lock);
        if (!name)
            return;
        char *path;
        if (hl_path(f, dir, name, 0, &path) == 0) {
            fuse_fs_unlink(f->fs, path);
            free(path);
        }
        free(name);
    }
}

void fuse_destroy(struct fuse *f)
{
    if (!f)
        return;
    fuse_stop_cleanup_thread(f);
    if (f->fs && f->init_done) {
        hl_enter_fuse(f);
        remove_hidden(f);
        hl_leave();
    }
    /* Calls the file system's destroy (hl_lowlevel.c) if init ran. */
    fuse_session_destroy(f->se);
    hl_intr_fini(f);
    free_fuse(f);
}

/* ---- -o remember: a thread forgetting old nodes -------------------- */

static void *cleanup_main(void *arg)
{
    struct fuse *f = arg;
    pthread_mutex_lock(&f->cleanup_lock);
    while (!f->cleanup_stop) {
        pthread_mutex_unlock(&f->cleanup_lock);
        int next = fuse_clean_cache(f);
        pthread_mutex_lock(&f->cleanup_lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += next > 0 ? next : 1;
        while (!f->cleanup_stop &&
               pthread_cond_timedwait(&f->cleanup_cond, &f->cleanup_lock,
                                      &until) == 0)
            ;
    }
    pthread_mutex_unlock(&f->cleanup_lock);
    return NULL;
}

int fuse_start_cleanup_thread(struct fuse *f)
{
    if (f->conf.remember <= 0 || f->cleanup_running)
        return 0;
    f->cleanup_stop = 0;
    int r = pthread_create(&f->cleanup, NULL, cleanup_main, f);
    if (r) {
        fuse_log(FUSE_LOG_ERR, "fuse: error creating thread: %s\n",
                 strerror(r));
        return -r;
    }
    f->cleanup_running = 1;
    return 0;
}

void fuse_stop_cleanup_thread(struct fuse *f)
{
    if (!f->cleanup_running)
        return;
    pthread_mutex_lock(&f->cleanup_lock);
    f->cleanup_stop = 1;
    pthread_cond_signal(&f->cleanup_cond);
    pthread_mutex_unlock(&f->cleanup_lock);
    pthread_join(f->cleanup, NULL);
    f->cleanup_running = 0;
}

/* ---- Loops ------------------------------------------------------------- */

int fuse_loop(struct fuse *f)
{
    if (!f)
        return -1;
    int res = fuse_start_cleanup_thread(f);
    if (res)
        return res;
    res = fuse_session_loop(f->se);
    fuse_stop_cleanup_thread(f);
    return res;
}

int fuse_loop_mt_312(struct fuse *f, struct fuse_loop_config *config)
{
    if (!f)
        return -1;
    int res = fuse_start_cleanup_thread(f);
    if (res)
        return res;
    res = fuse_session_loop_mt_312(f->se, config);
    fuse_stop_cleanup_thread(f);
    return res;
}

int fuse_loop_mt_32(struct fuse *f, struct fuse_loop_config_v1 *config)
{
    if (!f)
        return -1;
    int res = fuse_start_cleanup_thread(f);
    if (res)
        return res;
    res = fuse_session_loop_mt_32(f->se, config);
    fuse_stop_cleanup_thread(f);
    return res;
}

int fuse_loop_mt_31(struct fuse *f, int clone_fd)
{
    if (!f)
        return -1;
    int res = fuse_start_cleanup_thread(f);
    if (res)
        return res;
    res = fuse_session_loop_mt_31(f->se, clone_fd);
    fuse_stop_cleanup_thread(f);
    return res;
}

__asm__(".symver fuse_loop_mt_31,fuse_loop_mt@FUSE_3.0");
__asm__(".symver fuse_loop_mt_32,fuse_loop_mt@FUSE_3.2");
__asm__(".symver fuse_loop_mt_312,fuse_loop_mt@@FUSE_3.12");

/* ---- Odds and ends ----------------------------------------------------- */

int fuse_invalidate_path(struct fuse *f, const char *path)
{
    uint64_t id = hl_node_by_path(f, path);
    if (!id)
        return -ENOENT;
    return fuse_lowlevel_notify_inval_inode(f->se, id, 0, 0);
}


static int main_real(int argc, char *argv[], const struct fuse_operations *op,
                     size_t op_size, void *private_data,
                     const void *version);

int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op,
                   size_t op_size, void *private_data)
{
    return main_real(argc, argv, op, op_size, private_data, NULL);
}

#if FSP_FUSE_ABI >= 318
int fuse_main_real_versioned(int argc, char *argv[],
                             const struct fuse_operations *op, size_t op_size,
                             struct libfuse_version *version, void *user_data)
{
    return main_real(argc, argv, op, op_size, user_data, version);
}
#endif

/* version: the program's struct libfuse_version (3.17 on), or NULL. */
static int main_real(int argc, char *argv[], const struct fuse_operations *op,
                     size_t op_size, void *private_data,
                     const void *version)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    int res;
    if (fuse_parse_cmdline_312(&args, &opts) != 0)
        return 1;
    if (opts.show_version) {
        printf("FUSE library version %s\n", fuse_pkgversion());
        fuse_lowlevel_version();
        res = 0;
        goto out;
    }
    if (opts.show_help) {
        if (args.argv[0][0] != '\0')
            printf("usage: %s [options] <mountpoint>\n\n", args.argv[0]);
        printf("FUSE options:\n");
        fuse_cmdline_help();
        fuse_lib_help(&args);
        res = 0;
        goto out;
    }
    if (!opts.mountpoint) {
        fuse_log(FUSE_LOG_ERR, "error: no mountpoint specified\n");
        res = 2;
        goto out;
    }
    struct fuse *f = fuse_new_31(&args, op, op_size, private_data);
    if (!f) {
        res = 3;
        goto out;
    }
#if FSP_FUSE_ABI >= 318
    if (version)
        memcpy(&f->se->version, version, sizeof f->se->version);
#else
    (void)version;
#endif
    if (fuse_mount(f, opts.mountpoint) != 0) {
        res = 4;
        goto destroy;
    }
    if (fuse_daemonize(opts.foreground) != 0) {
        res = 5;
        goto unmount;
    }
    struct fuse_session *se = fuse_get_session(f);
    if (fuse_set_signal_handlers(se) != 0) {
        res = 6;
        goto unmount;
    }
    if (opts.singlethread) {
        res = fuse_loop(f);
    } else {
        struct fuse_loop_config *lc = fuse_loop_cfg_create();
        if (!lc) {
            res = 7;
            goto signals;
        }
        fuse_loop_cfg_set_clone_fd(lc, (unsigned)opts.clone_fd);
        fuse_loop_cfg_set_idle_threads(lc, opts.max_idle_threads);
        fuse_loop_cfg_set_max_threads(lc, opts.max_threads);
        res = fuse_loop_mt_312(f, lc);
        fuse_loop_cfg_destroy(lc);
    }
    /* A loop ended by a signal returns its number: 8, as in 3.14. */
    if (res)
        res = 8;
signals:
    fuse_remove_signal_handlers(se);
unmount:
    fuse_unmount(f);
destroy:
    fuse_destroy(f);
out:
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return res;
}
