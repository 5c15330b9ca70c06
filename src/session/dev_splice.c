/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replies from a file descriptor by splice, for the /dev/fuse transport.
 *
 * A READ answered from a file (passthrough without the kernel's FUSE
 * passthrough, say) would otherwise cost two copies: pread into our
 * buffer, writev out of it.  Here the data goes file -> pipe as page
 * references, and the kernel copies it once, from the pipe into the
 * request.  The message must sit in one pipe with its header first, and
 * the length in that header must be the bytes the file really gave (a
 * short read at end of file), so the data is spliced into a first pipe,
 * then the header written into a second one and the data moved behind
 * it (pipe to pipe moves references), and the second pipe spliced to
 * /dev/fuse.  Each dispatcher thread keeps its own two pipes.
 *
 * A pipe holds at most pipe-max-size bytes for an unprivileged process
 * (1 MiB by default), so a read too large for the pipes is refused and
 * answered the ordinary way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "session/dev_splice.h"
#include "session/session.h"

struct splice_pipes {
    int data[2];
    int msg[2];
    size_t room;        /* bytes the smaller pipe holds; 0: none made */
    int maxed;          /* room is as large as we may make it */
};

static _Thread_local struct splice_pipes tl_pipes = {
    { -1, -1 }, { -1, -1 }, 0, 0 };

void ses_splice_thread_exit(void)
{
    for (int i = 0; i < 2; i++) {
        if (tl_pipes.data[i] >= 0)
            close(tl_pipes.data[i]);
        if (tl_pipes.msg[i] >= 0)
            close(tl_pipes.msg[i]);
        tl_pipes.data[i] = tl_pipes.msg[i] = -1;
    }
    tl_pipes.room = 0;
    tl_pipes.maxed = 0;
}

/* The largest pipe an unprivileged process may make. */
static int pipe_max_size(void)
{
    int fd = open("/proc/sys/fs/pipe-max-size", O_RDONLY | O_CLOEXEC);
    char buf[32];
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 1 << 20;
    buf[n] = 0;
    return atoi(buf);
}

/* Grow pipe fd to hold `want` bytes; returns what it holds. */
static size_t grow(int fd, size_t want)
{
    int cap = fcntl(fd, F_GETPIPE_SZ);
    if (cap >= 0 && (size_t)cap >= want)
        return (size_t)cap;
    int got = fcntl(fd, F_SETPIPE_SZ, (int)want);
    if (got < 0) /* past pipe-max-size without CAP_SYS_RESOURCE */
        got = fcntl(fd, F_SETPIPE_SZ, pipe_max_size());
    if (got < 0)
        got = cap;
    return got < 0 ? 0 : (size_t)got;
}

/* This thread's pipes, holding a header page plus len bytes of data, or
 * NULL when they cannot (the caller answers the ordinary way). */
static struct splice_pipes *pipes_for(size_t len)
{
    struct splice_pipes *p = &tl_pipes;
    size_t want = len + 4096; /* the header takes a page slot of its own */
    if (p->room >= want)
        return p;
    if (p->maxed)
        return NULL; /* answered the ordinary way, without asking again */
    if (p->room == 0 &&
        (pipe2(p->data, O_CLOEXEC | O_NONBLOCK) < 0 ||
         pipe2(p->msg, O_CLOEXEC | O_NONBLOCK) < 0)) {
        ses_splice_thread_exit();
        return NULL;
    }
    size_t a = grow(p->data[1], want), b = grow(p->msg[1], want);
    p->room = a < b ? a : b;
    p->maxed = p->room < want;
    return p->maxed ? NULL : p;
}

/* Move exactly n bytes from pipe `from` to `to`; 0 or -errno. */
static int move_all(int from, int to, size_t n)
{
    while (n > 0) {
        ssize_t m = splice(from, NULL, to, NULL, n, SPLICE_F_NONBLOCK);
        if (m <= 0)
            return m < 0 ? -errno : -EIO;
        n -= (size_t)m;
    }
    return 0;
}

int ses_splice_reply(int devfd, uint64_t unique, int fd, uint64_t off,
                     uint32_t len, uint32_t *sent)
{
    struct splice_pipes *p = pipes_for(len);
    if (!p)
        return -EOPNOTSUPP;
    loff_t pos = (loff_t)off;
    size_t n = 0;
    int r = 0;
    while (n < len) {
        ssize_t m = splice(fd, &pos, p->data[1], NULL, len - n,
                           SPLICE_F_NONBLOCK);
        if (m == 0)
            break; /* end of file */
        if (m < 0) {
            r = -errno;
            break;
        }
        n += (size_t)m;
    }
    struct wire_out_header oh = { .len = (uint32_t)(sizeof oh + n),
                                 .unique = unique };
    if (!r && write(p->msg[1], &oh, sizeof oh) != (ssize_t)sizeof oh)
        r = -EIO;
    if (!r)
        r = move_all(p->data[0], p->msg[1], n);
    if (r) {
        /* Nothing went to the kernel; whatever sits in the pipes is
         * garbage now: start over with new ones. */
        ses_splice_thread_exit();
        return r;
    }
    ssize_t w = splice(p->msg[0], NULL, devfd, NULL, sizeof oh + n, 0);
    if (w != (ssize_t)(sizeof oh + n))
        ses_splice_thread_exit(); /* the kernel refused it (interrupted
                                     request): the reply is over anyway */
    *sent = (uint32_t)n;
    return 0;
}
