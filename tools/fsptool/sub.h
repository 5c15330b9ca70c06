/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsptool's Windows metadata subcommands, one file each; they work on any
 * fsp mount through the attribute names of docs/windows.md. */
#ifndef FSPTOOL_SUB_H
#define FSPTOOL_SUB_H

#include <stddef.h>
#include <stdint.h>

/* Each gets argv from its own name on; returns the exit status. */
int fsptool_streams(int argc, char **argv);
int fsptool_attrib(int argc, char **argv);
int fsptool_crtime(int argc, char **argv);
int fsptool_reparse(int argc, char **argv);
int fsptool_volume(int argc, char **argv);

/* getxattr into a malloc'ed buffer (*len bytes); NULL with errno set. */
void *fsptool_getxattr(const char *path, const char *name, size_t *len);
/* One line "fsptool: WHAT: strerror(errno)" on stderr; returns 1. */
int fsptool_fail(const char *what);

#endif
