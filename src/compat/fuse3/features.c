/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3.17's 64-bit capabilities: fuse_conn_info.want_ext and
 * capable_ext, and the calls that set them.  The 32-bit want stays for
 * programs written for 3.14; after init whatever they changed there is
 * folded into want_ext, with libfuse's rules (both changed: an error).
 * Only in libfuse3.so.4 (FSP_FUSE_ABI 318).
 */
#include <errno.h>
#include <stddef.h>

#include "compat/fuse3/compat.h"

#if FSP_FUSE_ABI >= 318

/* The session whose conn this is: libfuse's calls take only conn, and
 * every conn a program sees is the one inside its session. */
static struct fuse_session *conn_session(struct fuse_conn_info *conn)
{
    return (struct fuse_session *)((char *)conn -
                                   offsetof(struct fuse_session, conn));
}

bool fuse_set_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
    struct fuse_session *se = conn_session(conn);
    if (!(conn->capable_ext & flag))
        return false;
    conn->want_ext |= flag;
    conn->want |= (unsigned)flag;
    se->conn_want_ext |= flag;
    se->conn_want |= (unsigned)flag;
    return true;
}

void fuse_unset_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
    struct fuse_session *se = conn_session(conn);
    conn->want_ext &= ~flag;
    conn->want &= ~(unsigned)flag;
    se->conn_want_ext &= ~flag;
    se->conn_want &= ~(unsigned)flag;
}

/* As libfuse 3.18 defines it: whether the kernel offers flag (not
 * whether it is wanted). */
bool fuse_get_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
    return (conn->capable_ext & flag) != 0;
}

int fuse_convert_to_conn_want_ext(struct fuse_conn_info *conn)
{
    struct fuse_session *se = conn_session(conn);
    /* The high-level layer and the low-level one may both convert; the
     * second finds the low half equal already and changes nothing. */
    if (conn->want != se->conn_want &&
        (unsigned)conn->want_ext != conn->want) {
        if (conn->want_ext != se->conn_want_ext) {
            fuse_log(FUSE_LOG_ERR, "fuse: both want (%x) and want_ext "
                     "(%llx) were changed\n", conn->want,
                     (unsigned long long)conn->want_ext);
            return -EINVAL;
        }
        conn->want_ext = (conn->want_ext & ~(uint64_t)UINT32_MAX) |
                         conn->want;
    }
    conn->want = (unsigned)conn->want_ext;
    return 0;
}

#else
/* libfuse3.so.3 has no 64-bit capabilities. */
typedef int fsp_fuse_features_unused;
#endif
