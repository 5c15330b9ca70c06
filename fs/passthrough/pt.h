/*
 * passthrough: mirror a directory through fsp's native API.
 *
 * Every node holds an O_PATH descriptor of the file it mirrors, found by
 * openat(parent, name, O_NOFOLLOW) one component at a time, so nothing the
 * file system does can be steered outside the mirrored directory: it never
 * resolves a path, never follows a symlink and never sees "..".  Opens
 * reopen the node's descriptor through /proc/self/fd, which names the
 * object itself rather than a path -- except for a symlink, where the
 * kernel would follow it, so symlink nodes never use that path.
 */
#ifndef PT_H
#define PT_H

#include <stdatomic.h>
#include <sys/types.h>

#include "fsp/fsp.h"

struct pt_node {
    int fd;                 /* O_PATH | O_NOFOLLOW */
    int is_link;            /* a symlink: /proc/self/fd/N would follow it,
                               so no call may go through that path */
    atomic_int refs;        /* fsp's reference + opens */
};

struct pt_file {
    int fd;                 /* an ordinary descriptor for I/O */
};

struct pt_fs {
    int root_fd;            /* O_PATH of the mirrored directory */
    dev_t root_dev;
    int as_root;            /* running as root: give new files to callers */
};

/* The interface passthrough fills (pt.c). */
void pt_interface(struct fsp_fs_interface *iface);

#endif
