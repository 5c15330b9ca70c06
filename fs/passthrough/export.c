/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * passthrough's export support: generations, ".." and files by index.
 *
 * A file's index is its inode number in the source (pt.c), and its
 * generation a hash of the source's own file handle (name_to_handle_at),
 * which source file systems make unique over time -- ext4, xfs, btrfs and
 * tmpfs put their inode generation in it -- so a handle of a deleted
 * file never reaches the file that gets its inode number next, and a
 * handle stays good across a restart of passthrough: the same file has
 * the same source handle.
 *
 * Finding a file by index alone searches the mirrored tree, one checked
 * name at a time as everywhere else (pt.h), comparing inode numbers.
 * Opening the source handle directly (open_by_handle_at) would be
 * quicker but could open any file of the source file system, also
 * outside the mirrored directory, and needs CAP_DAC_READ_SEARCH; the
 * search cannot leave the tree and works as any user.  It costs a walk
 * of the tree, and happens only when the kernel has forgotten the file
 * (NFS clients after the server's caches were dropped, or after a
 * restart).  Directories deeper than PT_FIND_DEPTH are not searched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pt.h"

#define PT_FIND_DEPTH 64
#define PT_MAX_HANDLE 128

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    for (const unsigned char *c = p; n--; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return h;
}

uint64_t pt_generation(int fd, const struct statx_timestamp *btime)
{
    union {
        struct file_handle fh;
        char b[sizeof(struct file_handle) + PT_MAX_HANDLE];
    } u;
    int mount_id;
    uint64_t h = 1469598103934665603ULL;
    u.fh.handle_bytes = PT_MAX_HANDLE;
    if (name_to_handle_at(fd, "", &u.fh, &mount_id, AT_EMPTY_PATH) == 0) {
        h = fnv(&u.fh.handle_type, sizeof u.fh.handle_type, h);
        h = fnv(u.fh.f_handle, u.fh.handle_bytes, h);
    } else if (btime) {
        /* A source without handles: the birth time tells a reused inode
         * number apart on most file systems that record it. */
        h = fnv(btime, sizeof *btime, h);
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Does fd stand for the mirrored root, (dev, ino)? */
static int same_object(int fd, const struct stat *want, struct stat *got)
{
    if (fstat(fd, got) < 0)
        return -errno;
    return got->st_dev == want->st_dev && got->st_ino == want->st_ino;
}

int pt_parent_fd(struct pt_fs *pt, int dirfd)
{
    struct stat root, st, up;
    if (fstat(pt->root_fd, &root) < 0)
        return -errno;
    int r = same_object(dirfd, &root, &st);
    if (r)
        return r < 0 ? r : -ESTALE; /* fsp answers the root's itself */
    int parent = openat(dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0)
        return -errno;
    /* ".." leaves the tree only if the directory was moved out of it
     * behind our back: climb to the root to be sure it did not. */
    int cur = dup(parent);
    r = cur < 0 ? -errno : 0;
    for (int depth = 0; !r && depth < 4096; depth++) {
        r = same_object(cur, &root, &st);
        if (r == 1) {
            r = 0;
            break;
        }
        if (r < 0)
            break;
        int next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (next < 0) {
            r = -errno;
            break;
        }
        close(cur);
        cur = next;
        if (fstat(cur, &up) < 0) {
            r = -errno;
            break;
        }
        if (up.st_dev == st.st_dev && up.st_ino == st.st_ino)
            r = -ESTALE; /* reached "/" without passing the root */
    }
    if (cur >= 0)
        close(cur);
    if (r) {
        close(parent);
        return r;
    }
    return parent;
}


/* Search directory dirfd (O_PATH) for index; an O_PATH descriptor of it,
 * -ENOENT when it is not in this subtree, or another -errno. */
static int find_in(struct pt_fs *pt, int dirfd, uint64_t index, int depth)
{
    if (depth >= PT_FIND_DEPTH)
        return -ENOENT;
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        int err = -errno;
        if (fd >= 0)
            close(fd);
        return err == -EACCES ? -ENOENT : err;
    }
    int found = -ENOENT;
    struct dirent *e;
    while (found == -ENOENT && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int match = (uint64_t)e->d_ino == (index & ((1ULL << 40) - 1)) ||
                    (uint64_t)e->d_ino == index;
        int dir = e->d_type == DT_DIR || e->d_type == DT_UNKNOWN;
        if (!match && !dir)
            continue;
        int child = pt_open_entry(dirfd, e->d_name);
        if (child < 0)
            continue; /* gone meanwhile, or a name we never serve */
        struct stat st;
        if (fstat(child, &st) < 0) {
            close(child);
            continue;
        }
        if (pt_index(pt, st.st_dev, st.st_ino) == index) {
            found = child;
            break;
        }
        if (S_ISDIR(st.st_mode))
            found = find_in(pt, child, index, depth + 1);
        close(child);
    }
    closedir(d);
    return found;
}

int pt_find_index(struct pt_fs *pt, uint64_t index)
{
    int r = find_in(pt, pt->root_fd, index, 0);
    return r == -ENOENT ? -ESTALE : r;
}
