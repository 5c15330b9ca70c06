/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse2 side: what its files share.  They see the 2.9
 * headers (include/fuse) only; the fuse3 code is reached through
 * bridge.h.
 */
#ifndef FSP_COMPAT_FUSE2_H
#define FSP_COMPAT_FUSE2_H

#define FUSE_USE_VERSION 29
#include <fuse.h>

#include "compat/fuse2/bridge.h"

/* The package version -V reports. */
#define FSP_FUSE2_PKGVERSION "2.9.9-fsp"

/*
 * A channel from fuse_mount.  fsp's mounts belong to fuse3 sessions, so
 * the channel's mount is held by a session of its own (f3_chan.c) until
 * fuse_new or fuse_session_add_chan moves it to the session that serves
 * it.
 */
struct fuse_chan {
    char *mountpoint;
    char *opts;                  /* the -o options of fuse_mount's args */
    void *mse;                   /* the fuse3 session holding the mount */
    struct fuse *f;              /* mounted through this channel */
    struct fuse_session *se;     /* 2.x low-level: attached to this one */
};

/* The 2.x state of one file system (the fuse3 private data). */
struct f2_fs {
    struct fuse_operations op;
    void *user_data;             /* fuse_new's, then what init returned */
    struct fuse_chan *ch;        /* until fuse_unmount */
};

/* 2.x fuse_file_info from and to the bridge's fields (fuse2_ops.c);
 * f2_fi_to copies what an open-like callback may set. */
void f2_fi_from(struct fuse_file_info *o, const struct f2b_fi *b);
void f2_fi_to(struct f2b_fi *b, const struct fuse_file_info *o);
/* The 2.9 fuse_conn_info init sees, and what it changed back. */
void f2_conn_to2(struct fuse_conn_info *ci, const struct f2b_conn *c);
void f2_conn_from2(struct f2b_conn *c, const struct fuse_conn_info *ci);

/* The 2.4 session calls exported from the fuse3 code unchanged. */
int fuse_session_exited(struct fuse_session *se);

#endif
