/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_log and the version inquiries.  Every message of the compat
 * layer goes through fuse_log so a program's fuse_set_log_func handler
 * sees all of them, as with libfuse.
 */
#include <stdio.h>

#include "compat/fuse3/compat.h"

static void default_log(enum fuse_log_level level, const char *fmt,
                        va_list ap)
{
    (void)level;
    vfprintf(stderr, fmt, ap);
}

/* Read and written without a lock, like libfuse: programs set it once
 * at start, before any thread exists. */
static fuse_log_func_t log_func = default_log;

void fuse_set_log_func(fuse_log_func_t func)
{
    log_func = func ? func : default_log;
}

void fuse_log(enum fuse_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_func(level, fmt, ap);
    va_end(ap);
}

int fuse_version(void)
{
    return FUSE_VERSION;
}

const char *fuse_pkgversion(void)
{
    return FSP_FUSE3_PKGVERSION;
}

void fuse_lowlevel_version(void)
{
    /* libfuse names its kernel protocol here; ours is fsp's. */
    printf("using FUSE kernel interface version %i.%i\n",
           FSP_KERNEL_VERSION, FSP_KERNEL_MINOR_VERSION);
}
