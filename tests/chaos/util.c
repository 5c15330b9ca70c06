/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsp-chaos: what clients, reader and orchestrator share. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "chaos.h"

#define FUSE_SUPER_MAGIC 0x65735546

struct chaos_shared *chaos;

const char *const chaos_op_names[OP_COUNT] = {
    [OP_SETUP] = "setup", [OP_CREATE] = "create", [OP_WRITE] = "write",
    [OP_READ] = "read", [OP_TRUNCATE] = "truncate", [OP_STAT] = "stat",
    [OP_READDIR] = "readdir", [OP_MKDIR] = "mkdir", [OP_RMDIR] = "rmdir",
    [OP_RENAME] = "rename", [OP_UNLINK] = "unlink", [OP_LINK] = "link",
    [OP_SYMLINK] = "symlink", [OP_XATTR] = "xattr", [OP_FSYNC] = "fsync",
    [OP_SHARED] = "shared", [OP_VERIFY] = "verify", [OP_BIGREAD] = "bigread",
};

int64_t chaos_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void chaos_problem(struct chaos_slot *s, const char *fmt, ...)
{
    va_list ap;

    s->mismatches++;
    if (s->first_problem[0])
        return;
    va_start(ap, fmt);
    vsnprintf(s->first_problem, sizeof s->first_problem, fmt, ap);
    va_end(ap);
}

int chaos_conn_lost(int err)
{
    return err == ENOTCONN || err == ECONNABORTED;
}

int chaos_lost_with(int err, int rootfd)
{
    struct statfs sf;

    if (chaos_conn_lost(err))
        return 1;
    if (err != EIO && err != ECANCELED)
        return 0;
    /* statfs always reaches the file system: no cache answers it */
    return fstatfs(rootfd, &sf) < 0 && chaos_conn_lost(errno);
}

void chaos_count_error(struct chaos_slot *s, int op, int err, int expected)
{
    int e = err > 0 && err < CHAOS_MAX_ERRNO ? err : 0;

    if (expected)
        s->expected[op][e]++;
    else
        s->unexpected[op][e]++;
}

int chaos_open_root(const char *mnt, int timeout_ms, int *fd)
{
    int64_t deadline = chaos_now_ms() + timeout_ms;
    struct statfs sf;
    int r = -ETIMEDOUT;

    for (;;) {
        int f = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (f >= 0) {
            /* The mount point underneath, or a dead mount not yet
             * detached, are not what we want: wait for a live FUSE. */
            if (fstatfs(f, &sf) == 0 && sf.f_type == FUSE_SUPER_MAGIC) {
                *fd = f;
                return 0;
            }
            close(f);
        }
        if (chaos_now_ms() >= deadline || chaos->stop)
            return r;
        usleep(20000);
    }
}
