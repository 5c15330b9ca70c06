/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_log and the version inquiries.  Every message of the compat
 * layer goes through fuse_log so a program's fuse_set_log_func handler
 * sees all of them, as with libfuse.
 */
#include <stdio.h>
#include <syslog.h>

#include "compat/fuse3/compat.h"

/* 3.17's fuse_log_enable_syslog: the default handler writes to syslog
 * instead of stderr (the levels are syslog's).  Set once at start. */
static int to_syslog;

static void default_log(enum fuse_log_level level, const char *fmt,
                        va_list ap)
{
    if (to_syslog)
        vsyslog((int)level, fmt, ap);
    else
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

#if FSP_FUSE_ABI >= 318
void fuse_log_enable_syslog(const char *ident, int option, int facility)
{
    to_syslog = 1;
    openlog(ident, option, facility);
}

/* As in libfuse 3.18: closes the log; the handler keeps syslog (which
 * reopens it on the next message). */
void fuse_log_close_syslog(void)
{
    closelog();
}
#endif

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
           WIRE_KERNEL_VERSION, WIRE_KERNEL_MINOR_VERSION);
}
