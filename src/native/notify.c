/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Telling the kernel that a file changed behind its back: the native
 * API's face of FUSE's invalidation notifications, by file index.
 */
#include <errno.h>
#include <string.h>

#include "native/fs_int.h"

int fsp_fs_notify_inode(fsp_fs *fs, uint64_t index, int64_t off, int64_t len)
{
    if (!fs || !fs->se)
        return -ENOTCONN;
    uint64_t nodeid = fsp_node_id_of_index(fs, index);
    if (!nodeid)
        return -ENOENT;  /* the kernel knows nothing of it: nothing cached */
    return fsp_notify_inval_inode(fs->se, nodeid, off, len);
}

int fsp_fs_notify_entry(fsp_fs *fs, uint64_t parent_index, const char *name)
{
    if (!fs || !fs->se)
        return -ENOTCONN;
    if (!name || !*name)
        return -EINVAL;
    size_t len = strlen(name);
    if (len > fs->vp.max_name_length)
        return -ENAMETOOLONG;
    uint64_t nodeid = fsp_node_id_of_index(fs, parent_index);
    if (!nodeid)
        return -ENOENT;
    return fsp_notify_inval_entry(fs->se, nodeid, name, len);
}
