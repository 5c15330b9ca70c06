/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The C side of the Go binding (bridge.c): fsp_fs_new with the Go
 * callbacks and goroutines as fsp's threads, and the file system's
 * context as a handle number. */
#ifndef FSP_GO_BRIDGE_H
#define FSP_GO_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include <fsp/fsp.h>

/* Which optional callbacks fsp_go_new installs: the Go file system
 * implements the interface (IndexFileSystem, StreamFileSystem, ...). */
#define FSP_GO_INDEX    0x1u
#define FSP_GO_STREAMS  0x2u
#define FSP_GO_REPARSE  0x4u
#define FSP_GO_SECURITY 0x8u

int fsp_go_new(const struct fsp_volume_params *vp, uint32_t flags,
               uint32_t optional, uintptr_t context, fsp_fs **out);
/* Call fsp's run(arg), given to the thread factory, on this goroutine. */
void fsp_go_thread_run(uintptr_t run, uintptr_t arg);
uintptr_t fsp_go_context(const fsp_fs *fs);
uintptr_t fsp_go_request_context(const fsp_request *req);

/* Security descriptors (security.go): SDDL -> self-relative bytes and
 * back, and NTFS's inheritance; every result malloc'ed (caller frees). */
int fsp_go_sddl_to_sd(const char *sddl, void **buf, size_t *size);
int fsp_go_sd_to_sddl(const void *sd, size_t size, char **text);
int fsp_go_sd_inherit(const void *parent, size_t parent_size,
                      const char *owner, const char *group, int is_dir,
                      void **buf, size_t *size);

/* The Go file system's SID mapper (SetSIDMapper, security.go): on, fsp
 * asks goSIDToID/goIDToSID with context (the host's handle) before its
 * default mapping; off, the default alone.  Before fsp_fs_run. */
void fsp_go_set_sid_mapper(fsp_fs *fs, uintptr_t context, int on);

#endif
