/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-chaos: many client processes on a memfs mount while memfs is
 * killed and restarted, readers are interrupted and the mount is aborted.
 *
 * The orchestrator (main.c) forks the clients (client.c), the slow
 * reader (reader.c) and memfs itself (memfs.c), and watches them all
 * through one shared memory block: every client publishes its counters
 * and the time its current operation started, so a stuck one is seen
 * from outside however it is stuck.
 */
#ifndef FSP_CHAOS_H
#define FSP_CHAOS_H

#include <stdint.h>
#include <sys/types.h>

#define CHAOS_MAX_CLIENTS 32
#define CHAOS_MAX_ERRNO 134

/* Operation kinds, counted per client. */
enum chaos_op {
    OP_SETUP, OP_CREATE, OP_WRITE, OP_READ, OP_TRUNCATE, OP_STAT,
    OP_READDIR, OP_MKDIR, OP_RMDIR, OP_RENAME, OP_UNLINK, OP_LINK,
    OP_SYMLINK, OP_XATTR, OP_FSYNC, OP_SHARED, OP_VERIFY, OP_BIGREAD,
    OP_COUNT
};

extern const char *const chaos_op_names[OP_COUNT];

/* What one process publishes; written by it, read by the orchestrator. */
struct chaos_slot {
    pid_t pid;
    volatile int64_t op_started_ms;   /* 0 when between operations */
    volatile int cur_op;
    volatile int finished;            /* clean exit after the final check */
    volatile uint64_t ops[OP_COUNT];
    /* Errors the run expects (the connection went away: ENOTCONN,
     * ECONNABORTED; contention in the shared directory: ENOENT...). */
    volatile uint32_t expected[OP_COUNT][CHAOS_MAX_ERRNO];
    /* Anything else: a failure of the run. */
    volatile uint32_t unexpected[OP_COUNT][CHAOS_MAX_ERRNO];
    volatile uint64_t mismatches;     /* wrong data, size, names, links */
    volatile uint64_t remounts;       /* moved to a new mount */
    volatile uint64_t interrupted;    /* reader: reads cut by a signal */
    volatile uint64_t short_reads;    /* reader: of which partial */
    char first_problem[512];
};

struct chaos_shared {
    volatile int stop;                /* clients: finish, verify, exit */
    volatile int generation;          /* bumped by each (re)mount */
    struct chaos_slot slot[CHAOS_MAX_CLIENTS + 1];  /* last: the reader */
};

extern struct chaos_shared *chaos;

int64_t chaos_now_ms(void);

/* Record a failure of the run in this process's slot (first one kept). */
void chaos_problem(struct chaos_slot *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Is err the connection going away (the mount died or was aborted)? */
int chaos_conn_lost(int err);

/*
 * Did err come from the connection going away?  Besides ENOTCONN and
 * ECONNABORTED that is EIO (with writeback caching, data the kernel could
 * not write back: close, fsync, a write that needed a page read) and
 * ECANCELED (FUSE over io_uring ends requests caught in transit when the
 * server task dies), but only when the mount of rootfd is dead now.
 */
int chaos_lost_with(int err, int rootfd);

/* Count an error of op: expected or not. */
void chaos_count_error(struct chaos_slot *s, int op, int err, int expected);

/*
 * Open the root of a live FUSE mount at mnt into *fd, waiting up to
 * timeout_ms for one to appear (after a restart).  0 or -errno.
 */
int chaos_open_root(const char *mnt, int timeout_ms, int *fd);

/* A client process: never returns. */
_Noreturn void chaos_client_main(int id, int nclients, const char *mnt,
                                 uint64_t seed);

/* The slow-I/O reader process: never returns. */
_Noreturn void chaos_reader_main(const char *mnt, uint64_t seed);

/* memfs.c: the memfs under test. */
struct chaos_memfs {
    const char *build, *mnt, *opts, *logpath;
    int slowio, nocache;   /* memfs -S, -C */
    pid_t pid;
};

/* Start memfs -f and wait (up to timeout_ms) until it is mounted. */
int chaos_memfs_start(struct chaos_memfs *m, int timeout_ms);

/*
 * Wait up to timeout_ms for memfs to exit.  Returns 1 and its wait
 * status in *status when it did, 0 on timeout, -errno on error.
 */
int chaos_memfs_wait(struct chaos_memfs *m, int timeout_ms, int *status);

/* Is a FUSE file system mounted at mnt now (per mountinfo)? 1/0/-errno */
int chaos_is_mounted(const char *mnt);

/* Wait up to timeout_ms for mnt to stop being a mount point. 0 or -ETIMEDOUT */
int chaos_wait_unmounted(const char *mnt, int timeout_ms);

#endif
