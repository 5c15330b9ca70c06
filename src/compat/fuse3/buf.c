/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_buf / fuse_bufvec: data that lives in memory or behind a file
 * descriptor.  fsp never splices, so every copy is read/write (or
 * memmove); the splice flags are accepted and have no effect.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/fuse3/compat.h"

size_t fuse_buf_size(const struct fuse_bufvec *bufv)
{
    size_t size = 0;
    for (size_t i = 0; i < bufv->count; i++) {
        if (bufv->buf[i].size >= SIZE_MAX - size)
            return SIZE_MAX;
        size += bufv->buf[i].size;
    }
    return size;
}

static ssize_t fd_io(int write_it, const struct fuse_buf *fb, size_t fb_off,
                     char *mem, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r;
        off_t pos = fb->pos + (off_t)(fb_off + done);
        if (fb->flags & FUSE_BUF_FD_SEEK)
            r = write_it ? pwrite(fb->fd, mem + done, len - done, pos)
                         : pread(fb->fd, mem + done, len - done, pos);
        else
            r = write_it ? write(fb->fd, mem + done, len - done)
                         : read(fb->fd, mem + done, len - done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return done ? (ssize_t)done : -errno;
        }
        if (r == 0)
            break; /* end of file */
        done += (size_t)r;
        if (!(fb->flags & FUSE_BUF_FD_RETRY))
            break;
    }
    return (ssize_t)done;
}

/* Between two descriptors, through a bounce buffer. */
static ssize_t fd_to_fd(const struct fuse_buf *dst, size_t dst_off,
                        const struct fuse_buf *src, size_t src_off,
                        size_t len)
{
    size_t chunk = len < 65536 ? len : 65536;
    char *tmp = malloc(chunk ? chunk : 1);
    if (!tmp)
        return -ENOMEM;
    size_t done = 0;
    ssize_t err = 0;
    while (done < len) {
        size_t n = len - done < chunk ? len - done : chunk;
        ssize_t r = fd_io(0, src, src_off + done, tmp, n);
        if (r <= 0) {
            err = r;
            break;
        }
        ssize_t w = fd_io(1, dst, dst_off + done, tmp, (size_t)r);
        if (w <= 0) {
            err = w;
            break;
        }
        done += (size_t)w;
        if ((size_t)w < n)
            break;
    }
    free(tmp);
    return done ? (ssize_t)done : err;
}

static ssize_t copy_one(const struct fuse_buf *dst, size_t dst_off,
                        const struct fuse_buf *src, size_t src_off,
                        size_t len)
{
    int src_fd = src->flags & FUSE_BUF_IS_FD;
    int dst_fd = dst->flags & FUSE_BUF_IS_FD;
    if (!src_fd && !dst_fd) {
        char *d = (char *)dst->mem + dst_off;
        const char *s = (const char *)src->mem + src_off;
        if (d != s)
            memmove(d, s, len);
        return (ssize_t)len;
    }
    if (src_fd && !dst_fd)
        return fd_io(0, src, src_off, (char *)dst->mem + dst_off, len);
    if (!src_fd)
        return fd_io(1, dst, dst_off, (char *)src->mem + src_off, len);
    return fd_to_fd(dst, dst_off, src, src_off, len);
}

static const struct fuse_buf *current(const struct fuse_bufvec *v)
{
    return v->idx < v->count ? &v->buf[v->idx] : NULL;
}

/* Move the cursor on by len; 0 when the vector is used up. */
static int advance(struct fuse_bufvec *v, size_t len)
{
    const struct fuse_buf *b = current(v);
    if (!b)
        return 0;
    v->off += len;
    if (v->off >= b->size) {
        v->idx++;
        v->off = 0;
        if (v->idx == v->count)
            return 0;
    }
    return 1;
}

ssize_t fuse_buf_copy(struct fuse_bufvec *dstv, struct fuse_bufvec *srcv,
                      enum fuse_buf_copy_flags flags)
{
    (void)flags;
    if (dstv == srcv)
        return (ssize_t)fuse_buf_size(dstv);
    size_t copied = 0;
    for (;;) {
        const struct fuse_buf *src = current(srcv);
        const struct fuse_buf *dst = current(dstv);
        if (!src || !dst)
            break;
        size_t src_len = src->size - srcv->off;
        size_t dst_len = dst->size - dstv->off;
        size_t len = src_len < dst_len ? src_len : dst_len;
        ssize_t res = copy_one(dst, dstv->off, src, srcv->off, len);
        if (res < 0) {
            if (!copied)
                return res;
            break;
        }
        copied += (size_t)res;
        if (!advance(srcv, (size_t)res) || !advance(dstv, (size_t)res))
            break;
        if ((size_t)res < len)
            break;
    }
    return (ssize_t)copied;
}
