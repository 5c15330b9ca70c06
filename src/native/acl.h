/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POSIX ACLs for volumes with FSP_VOL_POSIX_ACL (acl.c).  The file system
 * only stores system.posix_acl_access and system.posix_acl_default as
 * attributes; these helpers keep the rules that tie them to the mode.
 */
#ifndef FSP_NATIVE_ACL_H
#define FSP_NATIVE_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "native/fs_int.h"

#define ACL_ACCESS_EA  "system.posix_acl_access"
#define ACL_DEFAULT_EA "system.posix_acl_default"

/* What a create inherits from its directory's default ACL: the new
 * file's access ACL and, for a directory, the default ACL again.  The
 * values are xattrs, malloc'ed; NULL when there is none. */
struct acl_inherit {
    void *access, *dflt;
    size_t access_len, dflt_len;
};

/* An ACL attribute value as checked entries (malloc'ed: the caller frees
 * *e), or -EINVAL; and back (malloc'ed, NULL when out of memory). */
struct fsp_posix_ace;
int nat_acl_value_parse(const void *value, size_t size, struct fsp_posix_ace **e,
                    size_t *count);
void *nat_acl_value_make(const struct fsp_posix_ace *e, size_t count, size_t *size);

/* Is name one of the two ACL attributes? */
int nat_acl_is_name(const char *name);

/* setxattr of an ACL on node n: validate, store it (or, for an access
 * ACL equivalent to the mode, remove it) and update the mode.  Takes the
 * exclusive guard. */
int nat_acl_set(struct fsp_request *req, struct nat_node *n, const char *name,
            const void *value, size_t size, int flags);

/* removexattr of an ACL: removing one that is not there succeeds, as on
 * tmpfs.  Takes the exclusive guard. */
int nat_acl_remove(struct fsp_request *req, struct nat_node *n, const char *name);

/* After chmod to `mode`: the access ACL's mask (or group) entry follows.
 * Caller holds the exclusive guard. */
int nat_acl_chmod(struct fsp_request *req, struct nat_node *n, void *file,
              uint32_t mode);

/* Before create under the exclusive guard: apply the parent's default
 * ACL to cp->mode, or the request's umask when it has none. */
int nat_acl_create_prepare(struct fsp_request *req, struct nat_node *parent,
                       struct fsp_create_params *cp, struct acl_inherit *ih);
/* After a successful create of node ctx: store the inherited ACLs. */
int nat_acl_create_finish(struct fsp_request *req, void *ctx,
                      const struct acl_inherit *ih);
void nat_acl_inherit_free(struct acl_inherit *ih);
/* nat_acl_create_finish, and when it fails take the create back (remove the
 * name, close the open of a regular file, give the reference back) and
 * return the error.  Caller holds the exclusive guard. */
int nat_acl_create_apply(struct fsp_request *req, struct nat_node *parent,
                     const char *name, void *ctx, void *file, uint32_t mode,
                     const struct acl_inherit *ih);

#endif
