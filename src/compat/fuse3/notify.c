/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_lowlevel_notify_*: unsolicited messages to the kernel, built here
 * and sent through ses_notify_iov.  They need the connection to have
 * been initialised (the kernel drops notifications before INIT).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

static int ready(struct fuse_session *se)
{
    if (!se)
        return -EINVAL;
    if (!se->fse || !atomic_load(&se->got_init))
        return -ENOTCONN;
    return 0;
}

int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph)
{
    int r = ready(ph ? ph->se : NULL);
    if (r)
        return r;
    struct wire_notify_poll_wakeup_out o = { .kh = ph->kh };
    struct iovec iov[2] = { { 0 }, { &o, sizeof o } };
    return ses_notify_iov(ph->se->fse, WIRE_NOTIFY_POLL, iov, 2);
}

void fuse_pollhandle_destroy(struct fuse_pollhandle *ph)
{
    free(ph);
}

int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
                                     off_t off, off_t len)
{
    int r = ready(se);
    return r ? r : ses_notify_inval_inode(se->fse, ino, off, len);
}

static int inval_entry(struct fuse_session *se, fuse_ino_t parent,
                       const char *name, size_t namelen, uint32_t flags)
{
    int r = ready(se);
    if (r)
        return r;
    struct wire_notify_inval_entry_out o = { .parent = parent,
                                            .namelen = (uint32_t)namelen,
                                            .flags = flags };
    struct iovec iov[3] = { { 0 }, { &o, sizeof o },
                            { (void *)name, namelen + 1 } };
    return ses_notify_iov(se->fse, WIRE_NOTIFY_INVAL_ENTRY, iov, 3);
}

int fuse_lowlevel_notify_inval_entry(struct fuse_session *se,
                                     fuse_ino_t parent, const char *name,
                                     size_t namelen)
{
    return inval_entry(se, parent, name, namelen, 0);
}

#if FSP_FUSE_ABI >= 318
/* 3.18: always expire-only, which needs the kernel's support (without
 * it the kernel would invalidate instead, which is not what was asked). */
int fuse_lowlevel_notify_expire_entry(struct fuse_session *se,
                                      fuse_ino_t parent, const char *name,
                                      size_t namelen)
{
    if (!(se->conn.capable & FUSE_CAP_EXPIRE_ONLY))
        return -ENOSYS;
    return inval_entry(se, parent, name, namelen, WIRE_EXPIRE_ONLY);
}

/* Every dentry the kernel cached for this mount becomes stale (Linux
 * 6.16's FUSE_NOTIFY_INC_EPOCH; older kernels answer -ENOSYS). */
int fuse_lowlevel_notify_increment_epoch(struct fuse_session *se)
{
    int r = ready(se);
    if (r)
        return r;
    struct iovec iov[1] = { { 0 } };
    return ses_notify_iov(se->fse, WIRE_NOTIFY_INC_EPOCH, iov, 1);
}
#else
int fuse_lowlevel_notify_expire_entry(struct fuse_session *se,
                                      fuse_ino_t parent, const char *name,
                                      size_t namelen,
                                      enum fuse_expire_flags flags)
{
    /* Expire-only needs the kernel's support; without it the kernel
     * would invalidate instead, which is not what was asked. */
    if ((flags & FUSE_LL_EXPIRE_ONLY) &&
        !(se->conn.capable & FUSE_CAP_EXPIRE_ONLY))
        return -ENOSYS;
    return inval_entry(se, parent, name, namelen,
                       (flags & FUSE_LL_EXPIRE_ONLY) ? WIRE_EXPIRE_ONLY : 0);
}
#endif

int fuse_lowlevel_notify_delete(struct fuse_session *se, fuse_ino_t parent,
                                fuse_ino_t child, const char *name,
                                size_t namelen)
{
    int r = ready(se);
    if (r)
        return r;
    struct wire_notify_delete_out o = { .parent = parent, .child = child,
                                       .namelen = (uint32_t)namelen };
    struct iovec iov[3] = { { 0 }, { &o, sizeof o },
                            { (void *)name, namelen + 1 } };
    return ses_notify_iov(se->fse, WIRE_NOTIFY_DELETE, iov, 3);
}

int fuse_lowlevel_notify_store(struct fuse_session *se, fuse_ino_t ino,
                               off_t offset, struct fuse_bufvec *bufv,
                               enum fuse_buf_copy_flags flags)
{
    int r = ready(se);
    if (r)
        return r;
    size_t size = fuse_buf_size(bufv);
    char *mem = malloc(size ? size : 1);
    if (!mem)
        return -ENOMEM;
    struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
    dst.buf[0].mem = mem;
    ssize_t n = fuse_buf_copy(&dst, bufv, flags);
    if (n < 0) {
        free(mem);
        return (int)n;
    }
    struct wire_notify_store_out o = { .nodeid = ino,
                                      .offset = (uint64_t)offset,
                                      .size = (uint32_t)n };
    struct iovec iov[3] = { { 0 }, { &o, sizeof o }, { mem, (size_t)n } };
    r = ses_notify_iov(se->fse, WIRE_NOTIFY_STORE, iov, 3);
    free(mem);
    return r;
}

int fuse_lowlevel_notify_retrieve(struct fuse_session *se, fuse_ino_t ino,
                                  size_t size, off_t offset, void *cookie)
{
    int r = ready(se);
    if (r)
        return r;
    struct retrieve_cookie *rc = malloc(sizeof *rc);
    if (!rc)
        return -ENOMEM;
    pthread_mutex_lock(&se->lock);
    rc->unique = ++se->notify_ctr;
    rc->cookie = cookie;
    rc->next = se->retrieves;
    se->retrieves = rc;
    pthread_mutex_unlock(&se->lock);

    struct wire_notify_retrieve_out o = { .notify_unique = rc->unique,
                                         .nodeid = ino,
                                         .offset = (uint64_t)offset,
                                         .size = (uint32_t)size };
    struct iovec iov[2] = { { 0 }, { &o, sizeof o } };
    r = ses_notify_iov(se->fse, WIRE_NOTIFY_RETRIEVE, iov, 2);
    if (r) {
        void *dummy;
        fsp_fuse_retrieve_find(se, o.notify_unique, &dummy);
    }
    return r;
}

int fsp_fuse_retrieve_find(struct fuse_session *se, uint64_t unique,
                           void **cookie)
{
    int r = -ENOENT;
    pthread_mutex_lock(&se->lock);
    for (struct retrieve_cookie **p = &se->retrieves; *p; p = &(*p)->next)
        if ((*p)->unique == unique) {
            struct retrieve_cookie *rc = *p;
            *p = rc->next;
            *cookie = rc->cookie;
            free(rc);
            r = 0;
            break;
        }
    pthread_mutex_unlock(&se->lock);
    return r;
}
