/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LD_PRELOAD shim for tests/uring_fallback.sh: makes setting up an
 * io_uring fail, as it does in a container whose seccomp profile refuses
 * io_uring_setup, with kernel.io_uring_disabled, or under emulators.
 *
 * liburing makes the io_uring_setup system call itself (not through a
 * libc function a shim could catch), so the shim takes the liburing call
 * fsp makes for each queue's ring, io_uring_queue_init_params.
 *
 *   FSP_URING_FAIL_AT=N     fail the Nth call (1: the first queue's ring;
 *                           2: the second, after one ring was set up);
 *                           0 or unset: 1
 *   FSP_URING_FAIL_ERRNO=E  the error: "EPERM" or "ENOMEM" (default)
 *   FSP_URING_FAIL_AT=register
 *                           the rings are made, but the kernel refuses
 *                           every queue's registration: the shim spoils
 *                           each FUSE REGISTER command on its way out (an
 *                           iovec count the kernel rejects with EINVAL)
 *   FSP_URING_FAIL_AT=submit
 *                           the rings are made, but submitting to them
 *                           fails (ENOMEM), so no registration reaches
 *                           the kernel
 *   FSP_URING_FAIL_AT=submit-after:K
 *                           the first K submits work (fsp's probes of
 *                           its rings before INIT), every later one fails
 */
#include <dlfcn.h>
#include <errno.h>
#include <liburing.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef int (*init_fn)(unsigned, struct io_uring *, struct io_uring_params *);

static atomic_int calls;

#define FUSE_REGISTER_CMD 1 /* FUSE_IO_URING_CMD_REGISTER */

typedef int (*submit_fn)(struct io_uring *);
typedef int (*submit_wait_fn)(struct io_uring *, unsigned);

static int failing(const char *stage)
{
    const char *at = getenv("FSP_URING_FAIL_AT");
    return at && strcmp(at, stage) == 0;
}

static atomic_int submits;

/* This submit is to fail: "submit", or "submit-after:K" past the Kth. */
static int failing_submit(void)
{
    const char *at = getenv("FSP_URING_FAIL_AT");
    if (!at)
        return 0;
    if (strcmp(at, "submit") == 0)
        return 1;
    if (strncmp(at, "submit-after:", 13) != 0)
        return 0;
    return atomic_fetch_add(&submits, 1) >= atoi(at + 13);
}

static int failing_register(void)
{
    return failing("register");
}

/* The queued entries not yet handed to the kernel: spoil registrations. */
static void spoil(struct io_uring *ring)
{
    unsigned shift = (ring->flags & IORING_SETUP_SQE128) ? 1 : 0;
    for (unsigned i = ring->sq.sqe_head; i != ring->sq.sqe_tail; i++) {
        struct io_uring_sqe *sqe =
            &ring->sq.sqes[(i & ring->sq.ring_mask) << shift];
        if (sqe->opcode == IORING_OP_URING_CMD &&
            sqe->cmd_op == FUSE_REGISTER_CMD)
            sqe->len = 1;
    }
}

int io_uring_submit(struct io_uring *ring)
{
    if (failing_submit())
        return -ENOMEM;
    if (failing_register())
        spoil(ring);
    submit_fn real = (submit_fn)dlsym(RTLD_NEXT, "io_uring_submit");
    return real ? real(ring) : -ENOSYS;
}

int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
    if (failing_submit())
        return -ENOMEM;
    if (failing_register())
        spoil(ring);
    submit_wait_fn real =
        (submit_wait_fn)dlsym(RTLD_NEXT, "io_uring_submit_and_wait");
    return real ? real(ring, wait_nr) : -ENOSYS;
}

int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
                               struct io_uring_params *p)
{
    const char *at = getenv("FSP_URING_FAIL_AT");
    const char *err = getenv("FSP_URING_FAIL_ERRNO");
    int n = at ? atoi(at) : 0;
    if (!failing_register() && strncmp(at ? at : "", "submit", 6) != 0 &&
        atomic_fetch_add(&calls, 1) + 1 == (n > 0 ? n : 1))
        return err && strcmp(err, "EPERM") == 0 ? -EPERM : -ENOMEM;
    init_fn real = (init_fn)dlsym(RTLD_NEXT, "io_uring_queue_init_params");
    return real ? real(entries, ring, p) : -ENOSYS;
}
