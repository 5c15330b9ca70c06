/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The file system instance: create, mount, run, stop, delete.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native/fs_int.h"
#include "native/winmeta.h"

int fsp_fs_new(const struct fsp_volume_params *vp,
               const struct fsp_fs_interface *iface, void *context,
               fsp_fs **out)
{
    if (!vp || !iface || !out || !iface->lookup ||
        vp->size < offsetof(struct fsp_volume_params, reserved) ||
        iface->size < offsetof(struct fsp_fs_interface, get_reparse_point))
        return -EINVAL;
    struct fsp_fs *fs = calloc(1, sizeof *fs);
    if (!fs)
        return -ENOMEM;
    /* Copy what the caller's struct has; newer members stay zero. */
    memcpy(&fs->vp, vp, vp->size < sizeof fs->vp ? vp->size : sizeof fs->vp);
    memcpy(&fs->fi, iface,
           iface->size < sizeof fs->fi ? iface->size : sizeof fs->fi);
    fs->context = context;
    if (!fs->vp.sector_size)
        fs->vp.sector_size = 4096;
    if (!fs->vp.max_name_length || fs->vp.max_name_length > 1024)
        fs->vp.max_name_length = 255;
    uint64_t t = (uint64_t)fs->vp.file_info_timeout_ms * 1000000u;
    fs->attr_timeout_ns = t;
    /* On a case-insensitive volume the kernel's dentry cache is
     * case-sensitive: a cached "a" would not notice that "A" was removed
     * or renamed, and a cached miss for "a" would hide a new "A".  So
     * every name is looked up afresh there. */
    int nocase = fs->vp.flags & FSP_VOL_CASE_INSENSITIVE;
    fs->entry_timeout_ns = nocase ? 0 : t;
    fs->negative_timeout_ns = nocase ? 0 : t;
    kmount_opts_init(&fs->mopts);
    pthread_mutex_init(&fs->open_lock, NULL);
    pthread_rwlock_init(&fs->guard, NULL);
    nat_retrieve_init(fs);
    int r = nat_nodes_init(&fs->nodes);
    if (r) {
        nat_retrieve_destroy(fs);
        free(fs);
        return r;
    }
    fs->nodes.ids_are_indexes = fs->fi.lookup_index != NULL;
    *out = fs;
    return 0;
}

void *fsp_fs_context(const fsp_fs *fs) { return fs->context; }
void fsp_fs_set_debug(fsp_fs *fs, int on) { fs->debug = on; }

void fsp_fs_set_threads(fsp_fs *fs, unsigned threads, unsigned max_threads)
{
    fs->threads = threads;
    fs->max_threads = max_threads;
}

int fsp_fs_set_thread_factory(fsp_fs *fs,
                              int (*spawn)(void *ctx, void (*run)(void *arg),
                                           void *arg),
                              void *ctx)
{
    /* The session takes its params when mounting. */
    if (fs->se)
        return -EBUSY;
    fs->factory.spawn = spawn;
    fs->factory.ctx = spawn ? ctx : NULL;
    return 0;
}

/* Ask the file system for the root directory, as node id 1. */
static int load_root(struct fsp_fs *fs)
{
    /* No request from the kernel asks for it: a blank one, from root. */
    struct ses_request sr = { .se = fs->se };
    struct fsp_request req = { .s = &sr, .fs = fs };
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    int r = nat_check_result(fs, "lookup",
                             fs->fi.lookup(&req, NULL, "/", &ctx, &fi));
    if (r)
        return r;
    if (!S_ISDIR(fi.mode)) {
        if (fs->fi.forget)
            fs->fi.forget(fs, ctx);
        return -ENOTDIR;
    }
    fs->root = nat_node_lookup_ref(fs, NULL, NULL, ctx, &fi);
    return fs->root ? 0 : -ENOMEM;
}

int fsp_fs_mount(fsp_fs *fs, const char *mountpoint, const char *options,
                 char *err, size_t errlen)
{
    struct kmount_opts *o = &fs->mopts;
    int r = 0;
    char *opts = strdup(options ? options : "");
    if (!opts)
        return -ENOMEM;
    r = nat_win_take_mount_options(fs, opts, err, errlen);
    if (!r && *opts)
        r = kmount_opts_parse(o, opts, err, errlen);
    free(opts);
    if (r)
        return r;
    if (fs->vp.flags & FSP_VOL_READ_ONLY)
        o->read_only = 1;
    /* The kernel checks every access (include/fsp/fsp.h, "Access
     * control"): without default_permissions it checks nothing, not even
     * search permission on a cached path, and no check made up here
     * could close that gap, so a native volume always has it. */
    o->default_permissions = 1;
    if (!o->fsname[0])
        snprintf(o->fsname, sizeof o->fsname, "%s",
                 fs->vp.fsname[0] ? fs->vp.fsname : "fsp");
    if (!o->subtype[0] && fs->vp.subtype[0])
        snprintf(o->subtype, sizeof o->subtype, "%s", fs->vp.subtype);

    r = kmount_mount(&fs->mnt, mountpoint, o, err, errlen);
    if (r)
        return r;
    fs->mounted = 1;

    struct ses_ll_ops ops;
    nat_ll_ops(&ops);
    if (o->read_only)
        nat_ll_ops_read_only(&ops);
    struct ses_params sp = {
        .threads = fs->threads,
        .max_threads = fs->max_threads,
        .debug = fs->debug,
        .request_timeout = (uint16_t)o->request_timeout,
        .io_uring = o->io_uring,
        .factory = fs->factory,
    };
    struct ses_transport *t = ses_dev_transport_new(fs->mnt.fd);
    if (t)
        ses_dev_transport_busy_poll(t, o->busy_poll_us);
    if (t && o->io_uring) {
        struct ses_transport *u = ses_uring_transport_new(t, fs->mnt.fd);
        if (u)
            t = u; /* it owns the /dev/fuse transport now */
    }
    r = t ? ses_new(t, &ops, fs, &sp, &fs->se) : -ENOMEM;
    if (r && t)
        t->destroy(t);
    if (!r)
        r = load_root(fs);
    if (r) {
        snprintf(err, errlen, "cannot start the file system: %s",
                 strerror(-r));
        kmount_unmount(&fs->mnt);
        fs->mounted = 0;
        ses_delete(fs->se);
        fs->se = NULL;
    }
    return r;
}

int fsp_fs_run(fsp_fs *fs)
{
    if (!fs->se)
        return -EINVAL;
    atomic_store(&fs->stoppable, fs->se);
    if (atomic_load(&fs->stop_requested))
        ses_exit(fs->se);
    int r = ses_loop(fs->se);
    /* Unmount while the threads still answer, so clients never wait on a
     * session that stopped listening; then join them. */
    if (fs->mounted) {
        kmount_unmount(&fs->mnt);
        fs->mounted = 0;
    }
    int jr = ses_join(fs->se);
    if (!r)
        r = jr;
    /* Requests the file system still holds get no answer from us now.
     * Closing /dev/fuse would end them, but over io_uring the kernel
     * (6.18) does not end one that a ring entry holds when the rings
     * close: its caller would wait forever.  Aborting the connection ends
     * them all, with ENOTCONN. */
    if (ses_pending(fs->se) > 0) {
        char err[256];
        if (kmount_abort_conn(&fs->mnt, err, sizeof err) < 0)
            fprintf(stderr, "fsp: cannot abort the connection of its "
                    "pending requests: %s\n", err);
    }
    nat_opens_close_all(fs);
    if (fs->debug)
        ses_print_stats(fs->se, stderr);
    /* No fsp_fs_stop nor notification may still be using the session
     * we free. */
    atomic_store(&fs->run_ended, 1);
    atomic_store(&fs->stoppable, NULL);
    while (atomic_load(&fs->stopping) > 0)
        sched_yield();
    /* Closing the session's descriptor ends the connection: clients of a
     * mount that was busy at unmount now get ENOTCONN, not a wait. */
    ses_delete(fs->se);
    fs->se = NULL;
    return r;
}

void fsp_fs_stop(fsp_fs *fs)
{
    atomic_store(&fs->stop_requested, 1);
    /* Announce ourselves before looking: fsp_fs_run clears `stoppable`
     * and then waits for `stopping` to drop to 0 before it frees the
     * session, so what we load here stays alive until we leave. */
    atomic_fetch_add(&fs->stopping, 1);
    struct ses_session *se = atomic_load(&fs->stoppable);
    if (se)
        ses_exit(se);
    atomic_fetch_sub(&fs->stopping, 1);
}

static fsp_fs *signal_fs;

static void on_signal(int sig)
{
    (void)sig;
    if (signal_fs)
        fsp_fs_stop(signal_fs);
}

int fsp_fs_set_signal_handlers(fsp_fs *fs)
{
    signal_fs = fs;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    struct sigaction ign = { .sa_handler = SIG_IGN };
    if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
        sigaction(SIGHUP, &sa, NULL) || sigaction(SIGPIPE, &ign, NULL))
        return -errno;
    return 0;
}

void fsp_fs_delete(fsp_fs *fs)
{
    if (!fs)
        return;
    if (signal_fs == fs)
        signal_fs = NULL;
    if (fs->mounted)
        kmount_unmount(&fs->mnt);
    nat_opens_close_all(fs);
    nat_nodes_destroy(fs);
    ses_delete(fs->se);
    pthread_mutex_destroy(&fs->open_lock);
    nat_retrieve_destroy(fs);
    pthread_rwlock_destroy(&fs->guard);
    free(fs);
}

int fsp_abort_connection(const char *mountpoint, char *err, size_t errlen)
{
    return kmount_abort(mountpoint, err, errlen);
}
