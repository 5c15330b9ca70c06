/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a libfuse build records about itself.  fsp's libfuse3.so.3 carries
 * libfuse's versioned symbols (fuse_session_loop_mt@@FUSE_3.12 and its
 * older variants), so programs may call the plain names.
 */
#ifndef FSP_FUSE3_LIBFUSE_CONFIG_H
#define FSP_FUSE3_LIBFUSE_CONFIG_H

#define LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS 1

#endif
