/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the native API's request handlers. */
#ifndef FSP_NATIVE_OPS_COMMON_H
#define FSP_NATIVE_OPS_COMMON_H

#include "native/fs_int.h"

/* The node the request names (and remember it for the request's path);
 * NULL if the kernel named a node we do not know. */
struct nat_node *nat_req_node(struct fsp_request *req);

/* The request's node (in *n) and its fixed body of `size` bytes; NULL
 * after answering ESTALE (unknown node) or EINVAL (short body). */
const void *nat_req_node_arg(struct fsp_request *req, size_t size,
                         struct nat_node **n);

/* -ENAMETOOLONG past the volume's limit, -EINVAL for "." and "..". */
int nat_check_name(const struct fsp_fs *fs, const char *name);

/* Account a new kernel reference to (ctx, fi) and answer with the entry;
 * with `open` non-NULL answer CREATE instead.  If the kernel does not
 * take the reply, the reference (and the open) are undone. */
int nat_reply_new_entry(struct fsp_request *req, struct nat_node *parent,
                    const char *name, void *ctx,
                    const struct fsp_file_info *fi);
int nat_reply_new_create(struct fsp_request *req, struct nat_node *parent,
                     const char *name, void *ctx, void *file,
                     const struct fsp_file_info *fi);

/* The fsp_open behind a kernel file handle (0: none). */
static inline struct nat_open *open_of(uint64_t fh)
{
    return (struct nat_open *)(uintptr_t)fh;
}

/* The FOPEN_* flags of an open reply: keep the page cache across opens
 * (every change goes through the kernel), or bypass it entirely on a
 * FSP_VOL_DIRECT_IO volume or for O_DIRECT. */
uint32_t nat_open_reply_flags(const struct fsp_fs *fs, uint32_t open_flags);

/* Move a backing file the file system registered during this request
 * (fsp_request_passthrough) to the open o and say so in its reply. */
void nat_take_backing(struct fsp_request *req, struct nat_open *o,
                  struct wire_open_out *out);

/* get_file_info under the shared guard, result checked. */
int nat_call_get_file_info(struct fsp_request *req, struct nat_node *n,
                       void *file, struct fsp_file_info *fi);

/* Clear set-user-ID and set-group-ID after a write or truncate by a
 * caller without CAP_FSETID (the kernel tells us when: killpriv v2). */
int nat_kill_suidgid(struct fsp_request *req, struct nat_node *n, void *file);

/* Look a child up through the file system without keeping it: the
 * reference is given straight back.  For namespace checks. */
int nat_peek_child(struct fsp_request *req, struct nat_node *parent,
               const char *name, void **ctx, struct fsp_file_info *fi);
void nat_unpeek(struct fsp_fs *fs, void *ctx);
/* The file system's create, called under the exclusive guard, with the
 * parent's default ACL (or the umask) applied on an ACL volume; name is
 * NULL for an unnamed (O_TMPFILE) file. */
int nat_create_locked(struct fsp_request *req, struct nat_node *parent,
                  const char *name, struct fsp_create_params *cp,
                  void **ctx, void **file, struct fsp_file_info *fi);

/* Ownership and attribute permissions (perm.c). */
/* Is gid the caller's group or one of its supplementary groups? */
int nat_caller_in_group(const struct fsp_request *req, uint32_t gid);
/* Has the caller capability `cap` (CAP_*) in its effective set?  No
 * when it is gone. */
int nat_caller_capable(const struct fsp_request *req, unsigned cap);
/* Set cp's owner for a new file in parent: the caller, but the group of
 * a set-group-ID parent, which a new subdirectory inherits the mark of.
 * Takes the shared guard: call before the exclusive one. */
void nat_new_owner(struct fsp_request *req, struct nat_node *parent,
               struct fsp_create_params *cp);

#endif
