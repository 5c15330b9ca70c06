/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3.17/3.18 calls about a request's transport: FUSE passthrough
 * (backing files registered through fsp's session, the same ioctl fsp's
 * native passthrough uses) and FUSE over io_uring.  libfuse3.so.4 only.
 */
#include <errno.h>
#include <string.h>

#include "compat/fuse3/compat.h"

#if FSP_FUSE_ABI >= 318

/* As libfuse: the backing id, or 0 (logged) when the kernel refuses
 * (no FUSE_CAP_PASSTHROUGH asked for, no CAP_SYS_ADMIN, a file the
 * kernel cannot stack on). */
int fuse_passthrough_open(fuse_req_t req, int fd)
{
    int id = req->se->fse ? ses_backing_open(req->se->fse, fd)
                          : -ENOTCONN;
    if (id <= 0) {
        fuse_log(FUSE_LOG_ERR, "fuse: passthrough_open: %s\n",
                 strerror(id < 0 ? -id : EIO));
        errno = id < 0 ? -id : EIO;
        return 0;
    }
    return id;
}

int fuse_passthrough_close(fuse_req_t req, int backing_id)
{
    if (!req->se->fse)
        return -ENOTCONN;
    ses_backing_close(req->se->fse, backing_id);
    return 0;
}

bool fuse_req_is_uring(fuse_req_t req)
{
    return req->uring != 0;
}

/* fsp hands handlers their data already in place (write buffers point
 * into the transport's buffer, io_uring's included), so there is no
 * separate payload buffer to give out: -ENOTSUP, which libfuse 3.18 also
 * answers for every request that did not come over io_uring, and which
 * its callers handle by using the normal arguments. */
int fuse_req_get_payload(fuse_req_t req, char **payload, size_t *payload_sz,
                         void **mr)
{
    (void)req;
    (void)payload;
    (void)payload_sz;
    (void)mr;
    return -ENOTSUP;
}

#else
typedef int fsp_fuse_passthrough_unused;
#endif
