/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a libfuse build records about itself.  fsp's libfuse3 libraries
 * carry libfuse's versioned symbols (fuse_session_loop_mt@@FUSE_3.12 and
 * its older variants), so programs may call the plain names.
 *
 * FSP_FUSE_ABI picks the binary interface these headers describe:
 *   318  libfuse 3.18's (libfuse3.so.4): the default, what fuse3.pc gives
 *   314  libfuse 3.14's (libfuse3.so.3): what fuse3-314.pc gives
 * Both libraries are built from the same sources with this switch.
 */
#ifndef FSP_FUSE3_LIBFUSE_CONFIG_H
#define FSP_FUSE3_LIBFUSE_CONFIG_H

#define LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS 1

#ifndef FSP_FUSE_ABI
#define FSP_FUSE_ABI 318
#endif
#if FSP_FUSE_ABI != 314 && FSP_FUSE_ABI != 318
#error "FSP_FUSE_ABI must be 314 (libfuse3.so.3) or 318 (libfuse3.so.4)"
#endif

#endif
