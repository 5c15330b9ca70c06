/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Windows metadata seen from Linux (docs/windows.md): the attribute
 * names that map onto native calls, named streams as attributes and as
 * FILE:STREAM paths, and FSP_ATTR_READONLY enforcement.
 */
#ifndef FSP_NATIVE_WINMETA_H
#define FSP_NATIVE_WINMETA_H

#include "native/fs_int.h"

/* What a nat_win_xattr_* call returns for a name that is not one of its own:
 * the caller goes on as for any attribute. */
#define WIN_PASS 1

/* getxattr of `name`: WIN_PASS, or 0 with the value's full length in
 * *needed (copied to buf when it fits in room), or -errno. */
int nat_win_xattr_get(struct fsp_request *req, struct nat_node *n,
                  const char *name, char *buf, size_t room, size_t *needed);
int nat_win_xattr_set(struct fsp_request *req, struct nat_node *n,
                  const char *name, const void *value, size_t size,
                  int flags);
int nat_win_xattr_remove(struct fsp_request *req, struct nat_node *n,
                     const char *name);
/* Append the stream attribute names of node n to a listing of `len`
 * bytes in buf (room bytes); returns the new full length. */
size_t nat_win_xattr_list(struct fsp_request *req, struct nat_node *n, char *buf,
                      size_t room, size_t len);

/* -o streams_interface=windows|xattr|none: taken out of the option
 * string (fsp_fs_mount) before the kernel's options are parsed.  Returns
 * 0 or -EINVAL with a message in err. */
int nat_win_take_mount_options(struct fsp_fs *fs, char *opts, char *err,
                           size_t errlen);

/* FILE:STREAM paths: nonzero when `name` is one on this mount. */
int nat_win_is_stream_path(const struct fsp_fs *fs, const char *name);
/* LOOKUP, create (MKNOD or CREATE) and UNLINK of such a name; each
 * answers the request. */
void nat_win_stream_path_lookup(struct fsp_request *req, struct nat_node *parent,
                            const char *name);
void nat_win_stream_path_create(struct fsp_request *req, struct nat_node *parent,
                            const char *name, uint32_t mode, uint32_t flags,
                            int with_open);
void nat_win_stream_path_unlink(struct fsp_request *req, struct nat_node *parent,
                            const char *name);

/* FSP_VOL_READONLY_ATTR: 0, or -EACCES (err for a write) or -EPERM (for
 * a delete) when the file's FSP_ATTR_READONLY is set.  0 on other
 * volumes.  By info (fi) or by node (n, asks get_file_info). */
int nat_win_readonly_fi(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                    int err);
int nat_win_readonly_node(struct fsp_request *req, struct nat_node *n, int err);

#endif
