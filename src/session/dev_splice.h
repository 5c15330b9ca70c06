/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Splicing replies from a file descriptor (dev_splice.c). */
#ifndef FSP_SESSION_DEV_SPLICE_H
#define FSP_SESSION_DEV_SPLICE_H

#include <stdint.h>

/* Answer request `unique` on /dev/fuse descriptor devfd with up to len
 * bytes of fd at off, moved by splice.  *sent gets the bytes.  Returns
 * 0 once the reply went (or the kernel refused it, as a writev can be
 * refused), or -errno with nothing sent: then the caller answers the
 * ordinary way.  Dispatcher threads only (per-thread pipes). */
int ses_splice_reply(int devfd, uint64_t unique, int fd, uint64_t off,
                     uint32_t len, uint32_t *sent);

/* Close this thread's pipes. */
void ses_splice_thread_exit(void);

#endif
