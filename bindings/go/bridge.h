/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The C side of the Go binding (bridge.c): fsp_fs_new with the Go
 * callbacks and goroutines as fsp's threads, and the file system's
 * context as a handle number. */
#ifndef FSP_GO_BRIDGE_H
#define FSP_GO_BRIDGE_H

#include <stdint.h>

#include <fsp/fsp.h>

int fsp_go_new(const struct fsp_volume_params *vp, uint32_t flags,
               uintptr_t context, fsp_fs **out);
/* Call fsp's run(arg), given to the thread factory, on this goroutine. */
void fsp_go_thread_run(uintptr_t run, uintptr_t arg);
uintptr_t fsp_go_context(const fsp_fs *fs);
uintptr_t fsp_go_request_context(const fsp_request *req);

#endif
