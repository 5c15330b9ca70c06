/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A volume of one regular file, ONEFILE_NAME of FILE_SIZE bytes, in the
 * root: the lookup, forget and get_file_info callbacks the unit tests
 * that mount a file system for real (test_interrupt, test_late_complete)
 * share.  Define ONEFILE_NAME and FILE_SIZE before including it; the
 * node contexts are &root_node and &file_node.
 */
#ifndef FSP_TESTS_ONEFILE_H
#define FSP_TESTS_ONEFILE_H

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fsp/fsp.h"

static char root_node, file_node; /* the two node contexts */

static void file_info(void *node, struct fsp_file_info *fi)
{
    memset(fi, 0, sizeof *fi);
    int root = node == &root_node;
    fi->index = root ? 1 : 2;
    fi->mode = root ? (S_IFDIR | 0755) : (S_IFREG | 0644);
    fi->nlink = root ? 2 : 1;
    fi->size = root ? 0 : FILE_SIZE;
}

static int onefile_lookup(fsp_request *req, void *parent, const char *name,
                          void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (!parent && strcmp(name, "/") == 0)
        *node = &root_node;
    else if (parent == &root_node && strcmp(name, ONEFILE_NAME) == 0)
        *node = &file_node;
    else
        return -ENOENT;
    file_info(*node, fi);
    return 0;
}

static void onefile_forget(fsp_fs *fs, void *node)
{
    (void)fs; (void)node;
}

static int onefile_get_file_info(fsp_request *req, void *node, void *file,
                                 struct fsp_file_info *fi)
{
    (void)req; (void)file;
    file_info(node, fi);
    return 0;
}

#endif
