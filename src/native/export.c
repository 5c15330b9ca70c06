/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Export support: the kernel's LOOKUP of "." and ".." by node id.
 *
 * A file handle (name_to_handle_at, an NFS server's handle) holds the
 * node id and generation.  When the kernel no longer has the inode it
 * sends LOOKUP(nodeid, ".") and insists on getting that very node id
 * back; it compares the generation itself.  For a disconnected directory
 * it asks for the parent with LOOKUP(nodeid, "..").  Node ids are file
 * indexes on these volumes (nodes.c), so "." is the file system's
 * lookup_index and ".." its lookup of "..".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "native/ops_common.h"

/* Answer with the root, counting one more reference to it.  The kernel
 * holds the root while mounted, but a FORGET of it may come at unmount
 * (or from a confused kernel): take the reference under the table lock,
 * and answer ESTALE if the root is gone. */
static void reply_root(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    struct nat_node *root = nat_node_get_ref(fs, WIRE_ROOT_ID);
    if (!root) {
        ses_reply_err(req->s, -ESTALE);
        return;
    }
    struct fsp_file_info fi = { 0 };
    int r = nat_call_get_file_info(req, root, NULL, &fi);
    struct wire_entry_out e = { 0 };
    if (!r) {
        nat_fill_entry(fs, root, &fi, &e);
        r = ses_reply_entry(req->s, &e);
    } else {
        ses_reply_err(req->s, r);
    }
    if (r)
        nat_node_forget(fs, root, 1);
}

/* "." of node id req->s->nodeid: the file the kernel may have forgotten.
 * The node may be on its way out of our table (a FORGET racing with this
 * lookup), so it is not touched: the file system finds the file afresh
 * and the table merges the reference, as for any lookup. */
static void lookup_self(struct fsp_request *req)
{
    struct fsp_fs *fs = req_fs(req);
    req->node = NULL;
    uint64_t index = nat_node_index_of_id(fs, req->s->nodeid);
    if (index == 0) {
        ses_reply_err(req->s, -ESTALE);
        return;
    }
    if (req->s->nodeid == WIRE_ROOT_ID) {
        reply_root(req);
        return;
    }
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "lookup_index",
                             fs->fi.lookup_index(req, index, &ctx, &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (r == 0 && fi.index != index) {
        /* Another file under this node id would be exactly what a file
         * handle must never reach. */
        fprintf(stderr, "fsp: lookup_index(%llu) returned index %llu; "
                "answering ESTALE\n", (unsigned long long)index,
                (unsigned long long)fi.index);
        if (fs->fi.forget)
            fs->fi.forget(fs, ctx);
        r = -ESTALE;
    }
    if (r == -ENOENT)
        r = -ESTALE;
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    nat_reply_new_entry(req, NULL, NULL, ctx, &fi);
}

/* ".." of directory node `dir`, which the kernel holds. */
static void lookup_parent(struct fsp_request *req, struct nat_node *dir)
{
    struct fsp_fs *fs = req_fs(req);
    if (!dir) {
        ses_reply_err(req->s, -ESTALE);
        return;
    }
    if (dir->nodeid == WIRE_ROOT_ID) {
        reply_root(req);
        return;
    }
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_check_result(fs, "lookup",
                             fs->fi.lookup(req, dir->ctx, "..", &ctx, &fi));
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (r == -ENOENT)
        r = -ESTALE; /* the directory was removed */
    if (r) {
        ses_reply_err(req->s, r);
        return;
    }
    nat_reply_new_entry(req, NULL, NULL, ctx, &fi);
}

void nat_op_lookup_export(struct fsp_request *req, struct nat_node *node,
                          const char *name)
{
    if (strcmp(name, ".") == 0)
        lookup_self(req);
    else
        lookup_parent(req, node);
}
