/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_reply_*: translate libfuse's reply arguments (struct stat, double
 * timeouts, fuse_file_info bits, struct flock) into fsp's wire structs
 * and send them through ses_reply_*.  Each takes the request for its one
 * reply (fsp_fuse_req_take), which also makes a late or second reply
 * harmless.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

/* Whole seconds of a timeout, clamped like libfuse. */
static uint64_t to_sec(double t)
{
    if (t > (double)UINT64_MAX)
        return UINT64_MAX;
    if (t < 0.0)
        return 0;
    return (uint64_t)t;
}

static uint32_t to_nsec(double t)
{
    double f = t - (double)to_sec(t);
    if (f < 0.0)
        return 0;
    if (f >= 0.999999999)
        return 999999999;
    return (uint32_t)(f * 1.0e9);
}

void fsp_fuse_fill_attr(struct wire_attr *a, const struct stat *st)
{
    a->ino = st->st_ino;
    a->mode = st->st_mode;
    a->nlink = (uint32_t)st->st_nlink;
    a->uid = st->st_uid;
    a->gid = st->st_gid;
    a->rdev = (uint32_t)st->st_rdev;
    a->size = (uint64_t)st->st_size;
    a->blksize = (uint32_t)st->st_blksize;
    a->blocks = (uint64_t)st->st_blocks;
    a->atime = (uint64_t)st->st_atim.tv_sec;
    a->mtime = (uint64_t)st->st_mtim.tv_sec;
    a->ctime = (uint64_t)st->st_ctim.tv_sec;
    a->atimensec = (uint32_t)st->st_atim.tv_nsec;
    a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
    a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
}

void fsp_fuse_fill_entry(struct wire_entry_out *o,
                         const struct fuse_entry_param *e)
{
    memset(o, 0, sizeof *o);
    o->nodeid = e->ino;
    o->generation = e->generation;
    o->entry_valid = to_sec(e->entry_timeout);
    o->entry_valid_nsec = to_nsec(e->entry_timeout);
    o->attr_valid = to_sec(e->attr_timeout);
    o->attr_valid_nsec = to_nsec(e->attr_timeout);
    fsp_fuse_fill_attr(&o->attr, &e->attr);
}

static void fill_open(struct wire_open_out *o, const struct fuse_file_info *fi)
{
    memset(o, 0, sizeof *o);
    o->fh = fi->fh;
    if (fi->direct_io)
        o->open_flags |= WIRE_FOPEN_DIRECT_IO;
    if (fi->keep_cache)
        o->open_flags |= WIRE_FOPEN_KEEP_CACHE;
    if (fi->nonseekable)
        o->open_flags |= WIRE_FOPEN_NONSEEKABLE;
    if (fi->cache_readdir)
        o->open_flags |= WIRE_FOPEN_CACHE_DIR;
    if (fi->noflush)
        o->open_flags |= WIRE_FOPEN_NOFLUSH;
#if FSP_FUSE_ABI >= 318
    if (fi->parallel_direct_writes)
        o->open_flags |= WIRE_FOPEN_PARALLEL_DIRECT_WRITES;
    /* A backing file from fuse_passthrough_open: the kernel does the
     * I/O on it (passthrough.c). */
    if (fi->backing_id > 0) {
        o->open_flags |= WIRE_FOPEN_PASSTHROUGH;
        o->backing_id = fi->backing_id;
    }
#endif
}

/* Take the request or return from the reply function. */
#define TAKE(req, r)                                   \
    struct ses_request *r = fsp_fuse_req_take(req);    \
    if (!r)                                            \
        return -EINVAL

/* Finish a reply: release the request, pass the result on. */
static int done(fuse_req_t req, int res)
{
    fsp_fuse_req_done(req);
    return res;
}

int fuse_reply_err(fuse_req_t req, int err)
{
    TAKE(req, r);
    /* libfuse's rule: a positive errno below 1000, or 0. */
    if (err < 0 || err >= 1000) {
        fuse_log(FUSE_LOG_ERR, "fuse: bad error value: %i\n", -err);
        err = ERANGE;
    }
    return done(req, ses_reply_err(r, -err));
}

void fuse_reply_none(fuse_req_t req)
{
    struct ses_request *r = fsp_fuse_req_take(req);
    if (r)
        done(req, ses_reply_none(r));
}

int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e)
{
    TAKE(req, r);
    struct wire_entry_out o;
    fsp_fuse_fill_entry(&o, e);
    return done(req, ses_reply_entry(r, &o));
}

int fuse_reply_create(fuse_req_t req, const struct fuse_entry_param *e,
                      const struct fuse_file_info *fi)
{
    TAKE(req, r);
    struct wire_entry_out eo;
    struct wire_open_out oo;
    fsp_fuse_fill_entry(&eo, e);
    fill_open(&oo, fi);
    return done(req, ses_reply_create(r, &eo, &oo));
}

int fuse_reply_attr(fuse_req_t req, const struct stat *attr,
                    double attr_timeout)
{
    TAKE(req, r);
    struct wire_attr_out o;
    memset(&o, 0, sizeof o);
    o.attr_valid = to_sec(attr_timeout);
    o.attr_valid_nsec = to_nsec(attr_timeout);
    fsp_fuse_fill_attr(&o.attr, attr);
    return done(req, ses_reply_attr(r, &o));
}

int fuse_reply_readlink(fuse_req_t req, const char *link)
{
    TAKE(req, r);
    return done(req, ses_reply_readlink(r, link));
}

int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi)
{
    TAKE(req, r);
    struct wire_open_out o;
    fill_open(&o, fi);
    return done(req, ses_reply_open(r, &o));
}

int fuse_reply_write(fuse_req_t req, size_t count)
{
    TAKE(req, r);
    return done(req, ses_reply_write(r, (uint32_t)count));
}

int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size)
{
    TAKE(req, r);
    return done(req, ses_reply_buf(r, buf, size));
}

/* The session sends at most 7 pieces at once; more are gathered. */
static int reply_iov(struct ses_request *r, const struct iovec *iov, int cnt)
{
    if (cnt <= 7)
        return ses_reply_iov(r, iov, cnt);
    size_t len = 0;
    for (int i = 0; i < cnt; i++)
        len += iov[i].iov_len;
    char *flat = malloc(len ? len : 1);
    if (!flat)
        return ses_reply_err(r, -ENOMEM);
    size_t off = 0;
    for (int i = 0; i < cnt; i++) {
        memcpy(flat + off, iov[i].iov_base, iov[i].iov_len);
        off += iov[i].iov_len;
    }
    int res = ses_reply_buf(r, flat, len);
    free(flat);
    return res;
}

int fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count)
{
    TAKE(req, r);
    return done(req, reply_iov(r, iov, count));
}

int fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
                    enum fuse_buf_copy_flags flags)
{
    TAKE(req, r);
    const struct fuse_buf *b = &bufv->buf[0];
    if (bufv->count == 1 && bufv->idx == 0 && bufv->off == 0 &&
        !(b->flags & FUSE_BUF_IS_FD))
        return done(req, ses_reply_buf(r, b->mem, b->size));
    /* A large read from one seekable descriptor goes by splice, as in
     * libfuse (unless the program forbids it); if that cannot be done
     * here, or for anything else (several pieces, pipes), the data is
     * copied into one buffer first. */
    if (bufv->count == 1 && bufv->idx == 0 && bufv->off == 0 &&
        (b->flags & FUSE_BUF_IS_FD) && (b->flags & FUSE_BUF_FD_SEEK) &&
        !(flags & FUSE_BUF_NO_SPLICE) && b->size <= UINT32_MAX &&
        ses_reply_data_fd(r, b->fd, (uint64_t)b->pos, (uint32_t)b->size) == 0)
        return done(req, 0);
    size_t len = fuse_buf_size(bufv);
    char *mem = malloc(len ? len : 1);
    if (!mem)
        return done(req, ses_reply_err(r, -ENOMEM));
    struct fuse_bufvec dst = FUSE_BUFVEC_INIT(len);
    dst.buf[0].mem = mem;
    ssize_t n = fuse_buf_copy(&dst, bufv, flags);
    int res = n < 0 ? ses_reply_err(r, (int)n)
                    : ses_reply_buf(r, mem, (size_t)n);
    free(mem);
    return done(req, res);
}

int fuse_reply_statfs(fuse_req_t req, const struct statvfs *st)
{
    TAKE(req, r);
    struct wire_kstatfs k;
    memset(&k, 0, sizeof k);
    k.bsize = (uint32_t)st->f_bsize;
    k.frsize = (uint32_t)st->f_frsize;
    k.blocks = st->f_blocks;
    k.bfree = st->f_bfree;
    k.bavail = st->f_bavail;
    k.files = st->f_files;
    k.ffree = st->f_ffree;
    k.namelen = (uint32_t)st->f_namemax;
    return done(req, ses_reply_statfs(r, &k));
}

int fuse_reply_xattr(fuse_req_t req, size_t count)
{
    TAKE(req, r);
    return done(req, ses_reply_xattr(r, (uint32_t)count));
}

int fuse_reply_lock(fuse_req_t req, const struct flock *lock)
{
    TAKE(req, r);
    struct wire_lk_out o;
    memset(&o, 0, sizeof o);
    o.lk.type = (uint32_t)lock->l_type;
    if (lock->l_type != F_UNLCK) {
        o.lk.start = (uint64_t)lock->l_start;
        /* A zero length means "to the end of the file". */
        o.lk.end = lock->l_len == 0 ? (uint64_t)INT64_MAX
                                    : (uint64_t)(lock->l_start + lock->l_len - 1);
    }
    o.lk.pid = (uint32_t)lock->l_pid;
    return done(req, ses_reply_buf(r, &o, sizeof o));
}

int fuse_reply_bmap(fuse_req_t req, uint64_t idx)
{
    TAKE(req, r);
    struct wire_bmap_out o = { .block = idx };
    return done(req, ses_reply_buf(r, &o, sizeof o));
}

int fuse_reply_ioctl_retry(fuse_req_t req,
                           const struct iovec *in_iov, size_t in_count,
                           const struct iovec *out_iov, size_t out_count)
{
    TAKE(req, r);
    if (in_count > FUSE_IOCTL_MAX_IOV || out_count > FUSE_IOCTL_MAX_IOV)
        return done(req, ses_reply_err(r, -ENOMEM));
    size_t n = in_count + out_count;
    struct wire_ioctl_iovec *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return done(req, ses_reply_err(r, -ENOMEM));
    for (size_t i = 0; i < in_count; i++) {
        v[i].base = (uintptr_t)in_iov[i].iov_base;
        v[i].len = in_iov[i].iov_len;
    }
    for (size_t i = 0; i < out_count; i++) {
        v[in_count + i].base = (uintptr_t)out_iov[i].iov_base;
        v[in_count + i].len = out_iov[i].iov_len;
    }
    struct wire_ioctl_out o = { .flags = WIRE_IOCTL_RETRY,
                               .in_iovs = (uint32_t)in_count,
                               .out_iovs = (uint32_t)out_count };
    struct iovec iov[2] = { { &o, sizeof o }, { v, n * sizeof *v } };
    int res = ses_reply_iov(r, iov, n ? 2 : 1);
    free(v);
    return done(req, res);
}

int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf, size_t size)
{
    TAKE(req, r);
    struct wire_ioctl_out o = { .result = result };
    struct iovec iov[2] = { { &o, sizeof o }, { (void *)buf, size } };
    return done(req, ses_reply_iov(r, iov, size ? 2 : 1));
}

int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
                         int count)
{
    TAKE(req, r);
    struct iovec *all = calloc((size_t)count + 1, sizeof *all);
    if (!all)
        return done(req, ses_reply_err(r, -ENOMEM));
    struct wire_ioctl_out o = { .result = result };
    all[0].iov_base = &o;
    all[0].iov_len = sizeof o;
    memcpy(all + 1, iov, (size_t)count * sizeof *iov);
    int res = reply_iov(r, all, count + 1);
    free(all);
    return done(req, res);
}

int fuse_reply_poll(fuse_req_t req, unsigned revents)
{
    TAKE(req, r);
    struct wire_poll_out o = { .revents = revents };
    return done(req, ses_reply_buf(r, &o, sizeof o));
}

int fuse_reply_lseek(fuse_req_t req, off_t off)
{
    TAKE(req, r);
    struct wire_lseek_out o = { .offset = (uint64_t)off };
    return done(req, ses_reply_buf(r, &o, sizeof o));
}

/* ---- Directory entries ------------------------------------------------ */

size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
                         const char *name, const struct stat *stbuf,
                         off_t off)
{
    (void)req;
    size_t namelen = strlen(name);
    size_t entlen = WIRE_NAME_OFFSET + namelen;
    size_t padded = WIRE_DIRENT_ALIGN(entlen);
    if (!buf || padded > bufsize)
        return padded;
    /* The program's buffer need not be aligned: build, then copy. */
    struct wire_dirent d = {
        .ino = stbuf ? stbuf->st_ino : 0,
        .off = (uint64_t)off,
        .namelen = (uint32_t)namelen,
        .type = stbuf ? (stbuf->st_mode & S_IFMT) >> 12 : 0,
    };
    memcpy(buf, &d, WIRE_NAME_OFFSET);
    memcpy(buf + WIRE_NAME_OFFSET, name, namelen);
    memset(buf + entlen, 0, padded - entlen);
    return padded;
}

size_t fuse_add_direntry_plus(fuse_req_t req, char *buf, size_t bufsize,
                              const char *name,
                              const struct fuse_entry_param *e, off_t off)
{
    (void)req;
    size_t namelen = strlen(name);
    size_t entlen = WIRE_NAME_OFFSET_DIRENTPLUS + namelen;
    size_t padded = WIRE_DIRENT_ALIGN(entlen);
    if (!buf || padded > bufsize)
        return padded;
    struct wire_direntplus dp;
    fsp_fuse_fill_entry(&dp.entry_out, e);
    dp.dirent.ino = e->attr.st_ino;
    dp.dirent.off = (uint64_t)off;
    dp.dirent.namelen = (uint32_t)namelen;
    dp.dirent.type = (e->attr.st_mode & S_IFMT) >> 12;
    memcpy(buf, &dp, WIRE_NAME_OFFSET_DIRENTPLUS);
    memcpy(buf + WIRE_NAME_OFFSET_DIRENTPLUS, name, namelen);
    memset(buf + entlen, 0, padded - entlen);
    return padded;
}
