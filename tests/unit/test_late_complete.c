/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A completion that arrives after unmount (needs root and /dev/fuse).
 *
 * A native file system pends a read (fsp_request_pend) and keeps the
 * request and the buffer fsp gave it.  While a reader is blocked in that
 * read, the file system is stopped, fsp_fs_run returns and the instance
 * is deleted; only then does another thread fill the buffer and call
 * fsp_request_complete, as a file system whose I/O finishes late would.
 * That must touch no freed memory (run it in the ASan build: before the
 * fix the session, its transport and the fs were freed under the
 * request), the reply must be dropped quietly, and the reader must not
 * hang.  Once over /dev/fuse and once over FUSE over io_uring, where the
 * buffer is a ring entry's (the kernel's switch is set for the case and
 * put back).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsp/fsp.h"
#include "../check.h"

CHECK_DEFINE_GLOBALS;

#define FILE_SIZE 65536
#define ONEFILE_NAME "late"
#include "onefile.h"


/* The pended read, handed from the callback to the test. */
static fsp_request *_Atomic pended;
static void *pended_buf;
static uint32_t pended_len;

/* The first read pends; the test answers it (much) later. */
static int l_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    (void)node; (void)file; (void)offset; (void)bytes_read;
    if (atomic_load(&pended))
        return -EIO;
    fsp_request *held = fsp_request_pend(req);
    if (!held)
        return -ENOMEM;
    pended_buf = buf;
    pended_len = length;
    atomic_store(&pended, held);
    return FSP_PENDING;
}

/* What the file system's I/O thread does when its device answers. */
static void *complete_main(void *arg)
{
    (void)arg;
    memset(pended_buf, 'x', pended_len);
    fsp_request_complete(atomic_load(&pended), 0, pended_len, NULL);
    return NULL;
}

static void *run_main(void *fs)
{
    fsp_fs_run(fs);
    return NULL;
}

/* Exit 0: the read failed (the connection went); 1: it returned data
 * (nothing should have answered it); 2: could not open. */
static void reader(const char *path)
{
    /* Not the file system's descriptors: a /dev/fuse one held here
     * would keep the connection alive for a read that waits on it. */
    closefrom(3);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        _exit(2);
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    _exit(n < 0 ? 0 : 1);
}

/* Reap pid within ms milliseconds, else kill it; its status or -1. */
static int reap(pid_t pid, int ms)
{
    int st = 0;
    pid_t w = 0;
    for (int i = 0; i < ms && w == 0; i++) {
        w = waitpid(pid, &st, WNOHANG);
        if (w == 0)
            usleep(1000);
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return -1;
    }
    return st;
}

static void late_case(const char *options, const char *transport)
{
    char mnt[] = "/tmp/fsp-late.XXXXXX";
    REQUIRE(mkdtemp(mnt) != NULL);
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = onefile_lookup,
        .forget = onefile_forget,
        .get_file_info = onefile_get_file_info,
        .read = l_read,
    };
    /* Direct I/O: the read reaches the file system as it is. */
    struct fsp_volume_params vp = { .size = sizeof vp,
                                    .flags = FSP_VOL_DIRECT_IO,
                                    .file_info_timeout_ms = 1000 };
    fsp_fs *fs = NULL;
    char err[256] = "";
    pthread_t runner, completer;
    atomic_store(&pended, NULL);
    REQUIRE(fsp_fs_new(&vp, &iface, NULL, &fs) == 0);
    if (fsp_fs_mount(fs, mnt, options, err, sizeof err) != 0) {
        printf("  mount: %s\n", err);
        check_failed = 1;
        fsp_fs_delete(fs);
        rmdir(mnt);
        return;
    }
    REQUIRE(pthread_create(&runner, NULL, run_main, fs) == 0);

    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/late", mnt);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        reader(path);
    for (int i = 0; i < 5000 && !atomic_load(&pended); i++)
        usleep(1000);
    CHECK(atomic_load(&pended) != NULL);
    if (transport && atomic_load(&pended)) {
        char stats[8192];
        ssize_t n = getxattr(mnt, "user.fsp.stats", stats, sizeof stats - 1);
        CHECK(n > 0);
        stats[n > 0 ? n : 0] = 0;
        if (!strstr(stats, transport)) {
            printf("  counters do not show \"%s\":\n%s", transport, stats);
            check_failed = 1;
        }
    }

    /* Stop and delete while the read is still pending ... */
    fsp_fs_stop(fs);
    pthread_join(runner, NULL);
    fsp_fs_delete(fs);
    /* ... and the reader is not left waiting for it. */
    int st = reap(pid, 5000);
    CHECK(st != -1);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* Now the completion, from a thread of the file system's. */
    if (atomic_load(&pended)) {
        REQUIRE(pthread_create(&completer, NULL, complete_main, NULL) == 0);
        pthread_join(completer, NULL);
    }
    rmdir(mnt);
}

static void late_dev_fuse(void)
{
    late_case(NULL, NULL);
}

static void late_io_uring(void)
{
    late_case("io_uring", "transport io_uring");
}

#define URING_SWITCH "/sys/module/fuse/parameters/enable_uring"

/* The io_uring case with the kernel's switch on for its duration only,
 * then put back as it was. */
static int run_io_uring(void)
{
    /* Where this process cannot make a ring at all (qemu-user has no
     * io_uring_setup, nor do some seccomp profiles) the case cannot be
     * what it claims: say so, as test_interrupt does. */
    struct io_uring ring;
    int r = io_uring_queue_init(4, &ring, 0);
    if (r < 0) {
        printf("SKIP: late_io_uring: io_uring_setup: %s (no io_uring "
               "here, e.g. under qemu-user emulation)\n", strerror(-r));
        return 0;
    }
    io_uring_queue_exit(&ring);
    char was = 0;
    int fd = open(URING_SWITCH, O_RDWR);
    if (fd < 0 || read(fd, &was, 1) != 1 || pwrite(fd, "Y", 1, 0) != 1) {
        printf("SKIP: late_io_uring: cannot turn on %s\n", URING_SWITCH);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    RUN(late_io_uring);
    int failed = check_failed;
    if (pwrite(fd, &was, 1, 0) != 1) {
        printf("FAIL: late_io_uring_restore: %s stays Y\n", URING_SWITCH);
        failed = 1;
    }
    close(fd);
    return failed;
}

/* With an argument, only the cases whose name contains it. */
int main(int argc, char **argv)
{
    int failed = 0;
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: test_late_complete (needs root and /dev/fuse)\n");
        return 0;
    }
    if (argc < 2 || strstr("late_dev_fuse", argv[1])) {
        RUN(late_dev_fuse);
        failed |= check_failed;
    }
    if (argc < 2 || strstr("late_io_uring", argv[1]))
        failed |= run_io_uring();
    return failed;
}
