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
 */
#include <dlfcn.h>
#include <errno.h>
#include <liburing.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef int (*init_fn)(unsigned, struct io_uring *, struct io_uring_params *);

static atomic_int calls;

int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
                               struct io_uring_params *p)
{
    const char *at = getenv("FSP_URING_FAIL_AT");
    const char *err = getenv("FSP_URING_FAIL_ERRNO");
    int n = at ? atoi(at) : 0;
    if (atomic_fetch_add(&calls, 1) + 1 == (n > 0 ? n : 1))
        return err && strcmp(err, "EPERM") == 0 ? -EPERM : -ENOMEM;
    init_fn real = (init_fn)dlsym(RTLD_NEXT, "io_uring_queue_init_params");
    return real ? real(entries, ring, p) : -ENOSYS;
}
