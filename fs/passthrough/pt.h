/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * passthrough: mirror a directory through fsp's native API.
 *
 * Containment: nothing passthrough does reaches outside the mirrored
 * directory.  Every node holds an O_PATH descriptor of the object it
 * mirrors, found one component at a time by openat2(parent, name,
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) (openat with O_NOFOLLOW before
 * Linux 5.6), with names that are never "", ".", ".." or hold a '/':
 * passthrough never resolves a path, never follows a symlink and never
 * walks "..".  Every other call names an object by its node's descriptor
 * or by one checked name in its parent's (creates use O_EXCL, which
 * follows nothing; a new object is chowned through its own descriptor),
 * so swapping a directory for a symlink in the source between two
 * requests changes nothing: the node still holds the object it found.
 * (Like any descriptor, it keeps holding it if someone able to write
 * both moves it out of the source; reaching it takes that someone.)
 * Opens, chmod, truncate and extended attributes go through
 * /proc/self/fd/N, which names the object itself rather than a path --
 * except for a symlink, where the kernel would follow it, so symlink
 * nodes never use that path.  A symlink is shown as itself; a client
 * that follows one does so in its own kernel, with its own rights.
 */
#ifndef PT_H
#define PT_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "fsp/fsp.h"

struct pt_node {
    int fd;                 /* O_PATH | O_NOFOLLOW */
    int is_link;            /* a symlink: /proc/self/fd/N would follow it,
                               so no call may go through that path */
    mode_t type;            /* S_IFMT bits: an object keeps its type */
    uint64_t index;         /* its file index (pt_index): an object keeps
                               its inode number, so no stat is needed to
                               name it to the watcher */
    atomic_int refs;        /* fsp's reference + opens */
};

struct pt_file {
    int fd;                 /* an ordinary descriptor for I/O */
    int writable;           /* opened for writing: close is a change */
};

struct pt_fs {
    int root_fd;            /* O_PATH of the mirrored directory */
    dev_t root_dev;
    int as_root;            /* running as root: give new files to callers */
    int writeback;          /* -o writeback_cache: see pt_io_flags */
    struct pt_watch *watch; /* the source's watcher, NULL: none (-W) */
};

/* The file index passthrough reports for the object (dev, ino): inode
 * numbers are unique per device, and a mirrored tree that crosses into
 * another file system gets that device folded in. */
static inline uint64_t pt_index(const struct pt_fs *pt, dev_t dev, uint64_t ino)
{
    return ino ^ (dev == pt->root_dev ? 0 : (uint64_t)dev << 40);
}

/* The watcher keeping the kernel's caches coherent with changes made in
 * the source beside the mount (watch.c). */
struct pt_watch;
int pt_watch_start(struct pt_watch **out, fsp_fs *fs, struct pt_fs *pt);
/* Watch directory dirfd (O_PATH), file index `index`; pw may be NULL.
 * Any thread. */
void pt_watch_dir(struct pt_watch *pw, int dirfd, uint64_t index);
void pt_watch_stop(struct pt_watch *pw);
/* passthrough is about to change name `name` in the directory with file
 * index dir_index, or the attributes or data of the file with file index
 * `index`, for a request through the mount: the watcher skips the one
 * event that causes.  pw may be NULL. */
void pt_watch_expect_name(struct pt_watch *pw, uint64_t dir_index,
                          const char *name);
void pt_watch_expect_inode(struct pt_watch *pw, uint64_t index);
/* pt.c: an O_PATH descriptor of dirfd's entry `name` (one checked name,
 * beneath dirfd, no symlink followed), or -1 with errno. */
int pt_open_entry(int dirfd, const char *name);

/* export.c: export support (see there). */
struct statx_timestamp;
/* The generation of the object fd: a hash of its source file handle (of
 * btime where the source has no handles). */
uint64_t pt_generation(int fd, const struct statx_timestamp *btime);
/* An O_PATH descriptor of directory dirfd's parent inside the tree, or
 * -ESTALE (the root, or moved out of the tree) or another -errno. */
int pt_parent_fd(struct pt_fs *pt, int dirfd);
/* An O_PATH descriptor of the object with this index inside the tree,
 * or -ESTALE. */
int pt_find_index(struct pt_fs *pt, uint64_t index);

/* The interface passthrough fills (pt.c). */
void pt_interface(struct fsp_fs_interface *iface);

#endif
