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
 * A channel from fuse_mount: fsp mounts when fuse_new attaches the file
 * system (the fuse3 code mounts a struct fuse, not a bare descriptor),
 * so until then it holds the mount point and the -o options it got.
 */
struct fuse_chan {
    char *mountpoint;
    char *opts;                  /* the -o options of fuse_mount's args */
    struct fuse *f;              /* mounted through this channel */
};

/* The 2.x state of one file system (the fuse3 private data). */
struct f2_fs {
    struct fuse_operations op;
    void *user_data;             /* fuse_new's, then what init returned */
    struct fuse_chan *ch;        /* until fuse_unmount */
};

/* The 2.4 session calls exported from the fuse3 code unchanged. */
int fuse_session_exited(struct fuse_session *se);

#endif
