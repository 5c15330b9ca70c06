/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security descriptors (memfs --security, FSP_VOL_SECURITY): memfs only
 * keeps the bytes fsp hands it; fsp checks them and derives the owner,
 * group and mode from them.  A node without one (the root) answers
 * ENODATA and fsp maps its mode instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memfs.h"

int memfs_get_security(fsp_request *req, void *node, void *buf, size_t size,
                       size_t *needed)
{
    struct node *n = node;
    int err = 0;
    pthread_mutex_lock(&n->lock);
    if (!n->sd) {
        err = -ENODATA;
    } else {
        *needed = n->sd_size;
        if (size > 0 && size < n->sd_size)
            err = -ERANGE;
        else if (size > 0)
            memcpy(buf, n->sd, n->sd_size);
    }
    pthread_mutex_unlock(&n->lock);
    return err;
}

int memfs_sd_store(struct node *n, const void *sd, size_t size)
{
    void *copy = malloc(size);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, sd, size);
    free(n->sd);
    n->sd = copy;
    n->sd_size = size;
    return 0;
}

int memfs_set_security(fsp_request *req, void *node, const void *sd,
                       size_t size)
{
    struct node *n = node;
    pthread_mutex_lock(&n->lock);
    int err = memfs_sd_store(n, sd, size);
    if (!err)
        n->info.change_time = memfs_now();
    pthread_mutex_unlock(&n->lock);
    return err;
}
