/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2, fuse3 side: the one conversion of a 3.x fuse_file_info
 * into the bridge's struct f2b_fi, shared by the high-level half
 * (f3_bridge.c) and the low-level half (f3_ll2.c).  Include after
 * compat/fuse3/compat.h and compat/fuse2/bridge.h.
 */
#ifndef FSP_COMPAT_FUSE2_F3_FI_H
#define FSP_COMPAT_FUSE2_F3_FI_H

/* Fill *b from fi and return b; NULL when fi is NULL (the kernel named
 * no open file).  Any thread; touches nothing else. */
const struct f2b_fi *f3_fi_to_bridge(struct f2b_fi *b,
                                     const struct fuse_file_info *fi);

#endif
