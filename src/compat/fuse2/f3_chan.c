/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse3 side: the mount behind a 2.x channel.
 *
 * libfuse 2 mounts in fuse_mount, before the session (fuse_new or
 * fuse_lowlevel_new) that will serve the mount exists, and programs use
 * the descriptor in between (fuse_chan_fd).  fsp mounts through a fuse3
 * session, so the channel holds a session with no handlers that only
 * owns the mount; attaching the channel moves the mount to the serving
 * session (fsp_fuse_session_move_mount).
 */
#include "compat/fuse3/compat.h"
#include "compat/fuse2/bridge.h"

void *f2b_chan_mount(const char *mountpoint, const char *opts)
{
    static const struct fuse_lowlevel_ops none;
    char *argv[] = { "fuse", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(1, argv);
    struct fuse_session *se = fuse_session_new(&args, &none, sizeof none,
                                               NULL);
    fuse_opt_free_args(&args);   /* parsing made it a copy of its own */
    if (!se)
        return NULL;
    if (fsp_fuse_session_mount_opts(se, opts) == -1 ||
        fuse_session_mount(se, mountpoint) == -1) {
        fuse_session_destroy(se);
        return NULL;
    }
    return se;
}

int f2b_chan_give(void *chan_se, void *se)
{
    struct fuse_session *from = chan_se, *to = se;
    if (!from || from->fd < 0 || to->fd >= 0)
        return -1;
    fsp_fuse_session_move_mount(to, from);
    return 0;
}

void f2b_chan_release(void *chan_se)
{
    /* unmounts if the mount was never given away */
    fuse_session_destroy(chan_se);
}
