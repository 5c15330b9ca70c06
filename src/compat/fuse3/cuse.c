/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CUSE (character devices in user space) entry points of libfuse3.so.4.
 * fsp does not speak CUSE (/dev/cuse and its own INIT): the names exist
 * so that a binary linked against libfuse 3.18, which exports them in
 * FUSE_3.0, loads and runs its FUSE part; a CUSE call fails with a
 * message, as a libfuse without /dev/cuse would.  No header is shipped
 * (fsp has no CUSE API to offer new builds).
 */
#include <errno.h>

#include "compat/fuse3/compat.h"

#if FSP_FUSE_ABI >= 318

struct cuse_info;
struct cuse_lowlevel_ops;

struct fuse_session *cuse_lowlevel_new(struct fuse_args *args,
                                       const struct cuse_info *ci,
                                       const struct cuse_lowlevel_ops *clop,
                                       void *userdata);
struct fuse_session *cuse_lowlevel_setup(int argc, char *argv[],
                                         const struct cuse_info *ci,
                                         const struct cuse_lowlevel_ops *clop,
                                         int *multithreaded, void *userdata);
void cuse_lowlevel_teardown(struct fuse_session *se);
int cuse_lowlevel_main(int argc, char *argv[], const struct cuse_info *ci,
                       const struct cuse_lowlevel_ops *clop, void *userdata);

static void no_cuse(void)
{
    fuse_log(FUSE_LOG_ERR, "cuse: CUSE is not supported by fsp's "
             "libfuse\n");
    errno = ENOSYS;
}

struct fuse_session *cuse_lowlevel_new(struct fuse_args *args,
                                       const struct cuse_info *ci,
                                       const struct cuse_lowlevel_ops *clop,
                                       void *userdata)
{
    (void)args;
    (void)ci;
    (void)clop;
    (void)userdata;
    no_cuse();
    return NULL;
}

struct fuse_session *cuse_lowlevel_setup(int argc, char *argv[],
                                         const struct cuse_info *ci,
                                         const struct cuse_lowlevel_ops *clop,
                                         int *multithreaded, void *userdata)
{
    (void)argc;
    (void)argv;
    (void)ci;
    (void)clop;
    (void)multithreaded;
    (void)userdata;
    no_cuse();
    return NULL;
}

void cuse_lowlevel_teardown(struct fuse_session *se)
{
    (void)se;
}

int cuse_lowlevel_main(int argc, char *argv[], const struct cuse_info *ci,
                       const struct cuse_lowlevel_ops *clop, void *userdata)
{
    (void)argc;
    (void)argv;
    (void)ci;
    (void)clop;
    (void)userdata;
    no_cuse();
    return 1;
}

#else
typedef int fsp_fuse_cuse_unused;
#endif
