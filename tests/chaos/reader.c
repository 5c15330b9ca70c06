/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-chaos reader: long reads of one big file (r/big), interrupted by
 * SIGUSR1 from the orchestrator many times a second, and now and then
 * killed outright in the middle of one.  With memfs -S every read
 * request is answered later from another thread, so the signal lands
 * while requests are pending in memfs: the kernel then sends INTERRUPT,
 * and memfs must still answer each request exactly once.  A read must
 * come back (EINTR, a short count or all of it) with the right bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "chaos.h"

#define BIG_SIZE (16u << 20)

static volatile sig_atomic_t signals;

static void on_usr1(int sig)
{
    (void)sig;
    signals++;
}

static unsigned char pattern(size_t off)
{
    return (unsigned char)((off >> 12) * 151 + off * 7 + 3);
}

/* Make r/big hold the pattern.  0, or -errno. */
static int make_big(int root, unsigned char *buf)
{
    struct stat st;
    int fd;

    if (mkdirat(root, "r", 0755) < 0 && errno != EEXIST)
        return -errno;
    if ((fd = openat(root, "r/big", O_CREAT | O_RDWR | O_CLOEXEC, 0644)) < 0)
        return -errno;
    /* An earlier reader (killed) may have written it: sequential writes
     * reach the full size only with the last one. */
    if (fstat(fd, &st) == 0 && st.st_size == BIG_SIZE) {
        close(fd);
        return 0;
    }
    for (size_t i = 0; i < BIG_SIZE; i++)
        buf[i] = pattern(i);
    size_t done = 0;
    while (done < BIG_SIZE) {
        ssize_t n = pwrite(fd, buf + done, BIG_SIZE - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;
            close(fd);
            return -err;
        }
        done += (size_t)n;
    }
    return close(fd) < 0 ? -errno : 0;
}

_Noreturn void chaos_reader_main(const char *mnt, uint64_t seed)
{
    struct chaos_slot *s = &chaos->slot[CHAOS_MAX_CLIENTS];
    struct sigaction sa;
    unsigned char *buf;
    int root = -1, r;

    (void)seed;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;      /* no SA_RESTART: the read must return */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    if (posix_memalign((void **)&buf, 4096, BIG_SIZE))
        _exit(3);

    while (!chaos->stop) {
        if (root < 0) {
            s->op_started_ms = 0;
            if (chaos_open_root(mnt, 30000, &root) < 0)
                continue;
            s->cur_op = OP_SETUP;
            s->op_started_ms = chaos_now_ms();
            r = make_big(root, buf);
            s->op_started_ms = 0;
            if (r < 0) {
                if (!chaos_lost_with(-r, root) && -r != EINTR) {
                    chaos_count_error(s, OP_SETUP, -r, 0);
                    chaos_problem(s, "reader: creating r/big: %s", strerror(-r));
                } else {
                    chaos_count_error(s, OP_SETUP, -r, 1);
                }
                close(root);
                root = -1;
                continue;
            }
            s->ops[OP_SETUP]++;
        }
        /*
         * Two ways to the file, taken in turn: all 16 MiB with O_DIRECT,
         * and 1 MiB through the page cache without readahead.  Where the
         * kernel sends such reads as asynchronous requests (FUSE_ASYNC_DIO,
         * FUSE_ASYNC_READ) it waits for them uninterruptibly and signals
         * must simply change nothing.  On a memfs -C mount (direct I/O)
         * every read is a synchronous request: a signal makes the kernel
         * send memfs an INTERRUPT, memfs -S abandons the pended read, and
         * the read ends early with EINTR or what was done.
         */
        int direct = (int)(s->ops[OP_BIGREAD] + s->interrupted) % 2 == 0;
        size_t want = direct ? BIG_SIZE : 1u << 20;
        int fd = openat(root, "r/big", O_RDONLY | O_CLOEXEC | (direct ? O_DIRECT : 0));
        if (fd < 0 && errno == EINVAL && direct) {
            direct = 0;
            fd = openat(root, "r/big", O_RDONLY | O_CLOEXEC);
        }
        if (fd < 0) {
            int err = errno, lost = chaos_lost_with(err, root);
            chaos_count_error(s, OP_BIGREAD, err, lost || err == EINTR);
            if (!lost && err != EINTR)
                chaos_problem(s, "reader: open r/big: %s", strerror(err));
            if (err != EINTR) {
                close(root);
                root = -1;
            }
            continue;
        }
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        if (!direct)
            posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
        memset(buf, 0, want);
        s->cur_op = OP_BIGREAD;
        s->op_started_ms = chaos_now_ms();
        sig_atomic_t before = signals;
        ssize_t n = pread(fd, buf, want, 0);
        int err = errno;
        s->op_started_ms = 0;
        close(fd);
        if (n < 0) {
            int lost = chaos_lost_with(err, root);
            chaos_count_error(s, OP_BIGREAD, err, lost || err == EINTR);
            if (err == EINTR)
                s->interrupted++;
            else if (!lost)
                chaos_problem(s, "reader: read r/big: %s", strerror(err));
            if (lost) {
                close(root);
                root = -1;
            }
            continue;
        }
        s->ops[OP_BIGREAD]++;
        if ((size_t)n < want && signals == before) {
            /* the connection died part way: what came is still checked */
            struct statfs sf;
            if (fstatfs(root, &sf) < 0 && chaos_conn_lost(errno)) {
                chaos_count_error(s, OP_BIGREAD, errno, 1);
                close(root);
                root = -1;
            } else {
                chaos_problem(s, "reader: short read of r/big (%zd bytes) "
                              "without a signal", n);
            }
        } else if ((size_t)n < want) {
            s->short_reads++;
        }
        for (size_t i = 0; i < (size_t)n; i++)
            if (buf[i] != pattern(i)) {
                chaos_problem(s, "reader: r/big: wrong byte at %zu of %zd",
                              i, n);
                break;
            }
    }
    s->finished = 1;
    _exit(0);
}
