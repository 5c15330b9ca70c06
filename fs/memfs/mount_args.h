/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs's own -o options (mount_args.c). */
#ifndef MEMFS_MOUNT_ARGS_H
#define MEMFS_MOUNT_ARGS_H

enum { MEMFS_OPT_SIZE, MEMFS_OPT_LABEL, MEMFS_OPT_FILES, MEMFS_OPT_FILE_SIZE,
       MEMFS_OPT_COUNT };

/* Move size=, label=, nr_files= and max_file_size= out of the
 * comma-separated `options` (at most 4095 bytes) into values[] (left
 * untouched for options not given; the last one wins) and drop rw.
 * Returns 0, or -E2BIG / -ENAMETOOLONG for oversized input. */
int memfs_take_options(char *options, char values[MEMFS_OPT_COUNT][256]);

#endif
