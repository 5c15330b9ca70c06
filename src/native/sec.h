/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security descriptors on FSP_VOL_SECURITY volumes (sec_node.c,
 * sec_xattr.c, sec_ntacl.c): the descriptor is the truth, and the owner,
 * group and mode the file system stores are kept derived from it.
 */
#ifndef FSP_NATIVE_SEC_H
#define FSP_NATIVE_SEC_H

#include "fsp/security.h"
#include "native/fs_int.h"

#define SEC_NTFS_ACL_EA "system.ntfs_acl"
#define SEC_NTACL_EA    "security.NTACL"

/* The file system's SID mapping, or NULL for the default one. */
const struct fsp_sid_mapper *nat_sec_mapper(const struct fsp_fs *fs);

/* The POSIX view of descriptor sd for a file whose info is fi: pp starts
 * from fi's owner, group and mode (what sd leaves out stays) and gets
 * what sd maps to (fsp_sd_to_posix with the volume's mapper).  pp's ACLs
 * are the caller's to clear, also on failure. */
int nat_sec_posix(const struct fsp_fs *fs, const struct fsp_sd *sd,
                  const struct fsp_file_info *fi, struct fsp_posix_perms *pp);

/* The volume keeps descriptors. */
int nat_sec_enabled(const struct fsp_fs *fs);

/* Node n's descriptor (or, when it has none, the one its owner, group
 * and mode map to) into *sd, and its file info into *fi. */
int nat_sec_load(struct fsp_request *req, struct nat_node *n, void *file,
             struct fsp_sd *sd, struct fsp_file_info *fi);

/* Store sd on node n (set_security) and bring the file system's owner,
 * group and mode in line with it (set_basic_info).  fi: the node's
 * current info, updated.  Caller holds the exclusive guard. */
int nat_sec_store(struct fsp_request *req, struct nat_node *n, void *file,
              const struct fsp_sd *sd, struct fsp_file_info *fi);

/* Rebuild n's descriptor from the POSIX view pp (what pp cannot say
 * survives from old) and store it (nat_sec_store).  Exclusive guard. */
int nat_sec_store_posix(struct fsp_request *req, struct nat_node *n, void *file,
                    const struct fsp_sd *old, const struct fsp_posix_perms *pp,
                    struct fsp_file_info *fi);

/* chmod/chown (bi->valid FSP_SET_MODE, _UID, _GID) as a descriptor
 * edit; clears those bits from bi->valid once done.  Exclusive guard. */
int nat_sec_setattr(struct fsp_request *req, struct nat_node *n, void *file,
                struct fsp_basic_info *bi);

/* Before create: the new file's descriptor (inherited or from the mode)
 * into cp->security (malloc'ed: free with nat_sec_create_done) and cp's
 * mode, uid and gid derived from it.  Exclusive guard. */
int nat_sec_create_prepare(struct fsp_request *req, struct nat_node *parent,
                       struct fsp_create_params *cp);
void nat_sec_create_done(struct fsp_create_params *cp);

/* The attribute names served from the descriptor on this volume. */
int nat_sec_is_xattr(const struct fsp_fs *fs, const char *name);
/* getxattr of one of them: the value into buf (room bytes), its length
 * in *needed (as get_ea). */
int nat_sec_getxattr(struct fsp_request *req, struct nat_node *n,
                 const char *name, void *buf, size_t room, size_t *needed);
int nat_sec_setxattr(struct fsp_request *req, struct nat_node *n,
                 const char *name, const void *value, size_t size);
/* removexattr of a POSIX ACL name (the descriptor's own names cannot be
 * removed). */
int nat_sec_removexattr(struct fsp_request *req, struct nat_node *n,
                    const char *name);

/* Samba's security.NTACL (NDR xattr_NTACL): the descriptor inside a blob
 * of any version 1-4 (checked, malloc'ed into *sd: the caller frees),
 * and a version-1 blob around a descriptor. */
int nat_sec_ntacl_unwrap(const void *blob, size_t size, void **sd,
                     size_t *sd_size);
int nat_sec_ntacl_wrap(const void *sd, size_t sd_size, void *out, size_t room,
                   size_t *needed);

#endif
