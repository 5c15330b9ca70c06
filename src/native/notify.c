/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Telling the kernel that a file changed behind its back: the native
 * API's face of FUSE's invalidation notifications, by file index.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "native/fs_int.h"

/* The session for a notification from any thread, or NULL once
 * fsp_fs_run has ended it (or before a mount).  While a caller is
 * between enter and leave, fsp_fs_run does not free the session. */
static struct ses_session *session_enter(fsp_fs *fs)
{
    atomic_fetch_add(&fs->stopping, 1);
    if (atomic_load(&fs->run_ended))
        return NULL;
    struct ses_session *se = atomic_load(&fs->stoppable);
    return se ? se : fs->se;   /* before fsp_fs_run: the mount's */
}

static void session_leave(fsp_fs *fs)
{
    atomic_fetch_sub(&fs->stopping, 1);
}

static int do_inode(fsp_fs *fs, struct ses_session *se,
                     uint64_t index, int64_t off, int64_t len)
{
    if (!se)
        return -ENOTCONN;
    uint64_t nodeid = nat_node_id_of_index(fs, index);
    if (!nodeid)
        return -ENOENT;  /* the kernel knows nothing of it: nothing cached */
    return ses_notify_inval_inode(se, nodeid, off, len);
}

static int do_entry(fsp_fs *fs, struct ses_session *se,
                     uint64_t parent_index, const char *name)
{
    if (!se)
        return -ENOTCONN;
    if (!name || !*name)
        return -EINVAL;
    size_t len = strlen(name);
    if (len > fs->vp.max_name_length)
        return -ENAMETOOLONG;
    uint64_t nodeid = nat_node_id_of_index(fs, parent_index);
    if (!nodeid)
        return -ENOENT;
    return ses_notify_inval_entry(se, nodeid, name, len);
}

/* The rest of the protocol's notifications: they need the kernel to
 * know the request codes (store and retrieve 7.15, delete 7.18, expire
 * 7.38); an older kernel would misread them, so say -ENOSYS instead. */
static int need_minor(struct ses_session *se, uint32_t minor)
{
    if (!se)
        return -ENOTCONN;
    const struct ses_conn *c = ses_conn(se);
    return c && c->proto_minor >= minor ? 0 : -ENOSYS;
}

static int nat_check_name(const fsp_fs *fs, const char *name, size_t *len)
{
    if (!name || !*name)
        return -EINVAL;
    *len = strlen(name);
    return *len > fs->vp.max_name_length ? -ENAMETOOLONG : 0;
}

static int do_expire(fsp_fs *fs, struct ses_session *se,
                     uint64_t parent_index, const char *name)
{
    size_t len;
    int r = need_minor(se, 38);
    if (r || (r = nat_check_name(fs, name, &len)))
        return r;
    uint64_t nodeid = nat_node_id_of_index(fs, parent_index);
    if (!nodeid)
        return -ENOENT;
    struct wire_notify_inval_entry_out o = { .parent = nodeid,
                                            .namelen = (uint32_t)len,
                                            .flags = WIRE_EXPIRE_ONLY };
    struct iovec v[3] = { { 0 }, { &o, sizeof o }, { (void *)name, len + 1 } };
    return ses_notify_iov(se, WIRE_NOTIFY_INVAL_ENTRY, v, 3);
}

static int do_delete(fsp_fs *fs, struct ses_session *se,
                     uint64_t parent_index,
                         uint64_t child_index, const char *name)
{
    size_t len;
    int r = need_minor(se, 18);
    if (r || (r = nat_check_name(fs, name, &len)))
        return r;
    uint64_t parent = nat_node_id_of_index(fs, parent_index);
    if (!parent)
        return -ENOENT;
    /* A child the kernel does not know: the name alone goes (the kernel
     * then only drops the dentry, as an entry invalidation would). */
    uint64_t child = child_index ? nat_node_id_of_index(fs, child_index) : 0;
    struct wire_notify_delete_out o = { .parent = parent, .child = child,
                                       .namelen = (uint32_t)len };
    struct iovec v[3] = { { 0 }, { &o, sizeof o }, { (void *)name, len + 1 } };
    return ses_notify_iov(se, WIRE_NOTIFY_DELETE, v, 3);
}

static int do_store(fsp_fs *fs, struct ses_session *se,
                     uint64_t index, uint64_t off,
                        const void *buf, size_t size)
{
    int r = need_minor(se, 15);
    if (r)
        return r;
    if ((!buf && size) || size > UINT32_MAX || off > INT64_MAX - size)
        return -EINVAL;
    uint64_t nodeid = nat_node_id_of_index(fs, index);
    if (!nodeid)
        return -ENOENT;
    struct wire_notify_store_out o = { .nodeid = nodeid, .offset = off,
                                      .size = (uint32_t)size };
    struct iovec v[3] = { { 0 }, { &o, sizeof o }, { (void *)buf, size } };
    return ses_notify_iov(se, WIRE_NOTIFY_STORE, v, size ? 3 : 2);
}

/*
 * Retrieve.  The kernel answers a RETRIEVE notification later, with a
 * NOTIFY_REPLY request that one of the dispatcher threads reads; the
 * caller waits here for it.  A blocking call with a timeout rather than
 * a callback: a file system that wants the cached data wants it now
 * (to write back what it pushed earlier, to compare), and a callback
 * would run on a dispatcher thread under no guard, with a cookie whose
 * lifetime the file system would have to manage.  The waiter lives on
 * the caller's stack: the handler copies into its buffer under the lock,
 * and a waiter that timed out unlinks itself under the same lock first,
 * so a late reply finds nobody and is dropped.
 */
struct nat_retrieve_wait {
    struct nat_retrieve_wait *next;
    uint64_t unique;
    void *buf;
    size_t size;
    size_t got;
    int done;
};

void nat_retrieve_init(struct fsp_fs *fs)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&fs->retrieve_cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&fs->retrieve_lock, NULL);
}

void nat_retrieve_destroy(struct fsp_fs *fs)
{
    pthread_cond_destroy(&fs->retrieve_cond);
    pthread_mutex_destroy(&fs->retrieve_lock);
}

void nat_op_notify_reply(struct fsp_request *req)
{
    struct fsp_fs *fs = ses_userdata(req->s->se);
    const struct wire_notify_retrieve_in *in = ses_req_arg(req->s, sizeof *in);
    if (in && req->s->arglen >= sizeof *in + in->size) {
        pthread_mutex_lock(&fs->retrieve_lock);
        for (struct nat_retrieve_wait **p = &fs->retrieves; *p;
             p = &(*p)->next) {
            struct nat_retrieve_wait *w = *p;
            if (w->unique != req->s->unique)
                continue;
            size_t n = in->size < w->size ? in->size : w->size;
            memcpy(w->buf, (const char *)in + sizeof *in, n);
            w->got = n;
            w->done = 1;
            *p = w->next;
            pthread_cond_broadcast(&fs->retrieve_cond);
            break;
        }
        pthread_mutex_unlock(&fs->retrieve_lock);
    }
    ses_reply_none(req->s);
}

int fsp_fs_notify_retrieve(fsp_fs *fs, uint64_t index, uint64_t off,
                           void *buf, size_t size, int timeout_ms,
                           size_t *got)
{
    if (!fs)
        return -ENOTCONN;
    /* The session only while sending: the wait must not hold up the end
     * of fsp_fs_run. */
    struct ses_session *se = session_enter(fs);
    int r = need_minor(se, 15);
    if (r) {
        session_leave(fs);
        return r;
    }
    if (r)
        return r;
    uint64_t nodeid = nat_node_id_of_index(fs, index);
    if (!got || (!buf && size) || size > UINT32_MAX || timeout_ms < 0 ||
        !nodeid) {
        session_leave(fs);
        return nodeid ? -EINVAL : -ENOENT;
    }
    *got = 0;
    struct nat_retrieve_wait w = { .buf = buf, .size = size };
    pthread_mutex_lock(&fs->retrieve_lock);
    w.unique = ++fs->retrieve_ctr;
    w.next = fs->retrieves;
    fs->retrieves = &w;
    pthread_mutex_unlock(&fs->retrieve_lock);

    struct wire_notify_retrieve_out o = { .notify_unique = w.unique,
                                         .nodeid = nodeid, .offset = off,
                                         .size = (uint32_t)size };
    struct iovec v[2] = { { 0 }, { &o, sizeof o } };
    r = ses_notify_iov(se, WIRE_NOTIFY_RETRIEVE, v, 2);
    session_leave(fs);

    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&fs->retrieve_lock);
    while (r == 0 && !w.done)
        if (pthread_cond_timedwait(&fs->retrieve_cond, &fs->retrieve_lock,
                                   &until) == ETIMEDOUT && !w.done)
            r = -ETIMEDOUT;
    if (!w.done)     /* not answered (or never sent): nobody may find it */
        for (struct nat_retrieve_wait **p = &fs->retrieves; *p;
             p = &(*p)->next)
            if (*p == &w) {
                *p = w.next;
                break;
            }
    pthread_mutex_unlock(&fs->retrieve_lock);
    if (r == 0)
        *got = w.got;
    return r;
}

/* The public calls: each holds the session while it uses it. */

int fsp_fs_notify_inode(fsp_fs *fs, uint64_t index, int64_t off, int64_t len)
{
    if (!fs)
        return -ENOTCONN;
    int r = do_inode(fs, session_enter(fs), index, off, len);
    session_leave(fs);
    return r;
}

int fsp_fs_notify_entry(fsp_fs *fs, uint64_t parent_index, const char *name)
{
    if (!fs)
        return -ENOTCONN;
    int r = do_entry(fs, session_enter(fs), parent_index, name);
    session_leave(fs);
    return r;
}

int fsp_fs_notify_expire(fsp_fs *fs, uint64_t parent_index, const char *name)
{
    if (!fs)
        return -ENOTCONN;
    int r = do_expire(fs, session_enter(fs), parent_index, name);
    session_leave(fs);
    return r;
}

int fsp_fs_notify_delete(fsp_fs *fs, uint64_t parent_index,
                         uint64_t child_index, const char *name)
{
    if (!fs)
        return -ENOTCONN;
    int r = do_delete(fs, session_enter(fs), parent_index, child_index, name);
    session_leave(fs);
    return r;
}

int fsp_fs_notify_store(fsp_fs *fs, uint64_t index, uint64_t off,
                        const void *buf, size_t size)
{
    if (!fs)
        return -ENOTCONN;
    int r = do_store(fs, session_enter(fs), index, off, buf, size);
    session_leave(fs);
    return r;
}
