/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interrupts through a real mount (needs root and /dev/fuse): a native
 * file system whose read pends and then waits, polling
 * fsp_request_interrupted, answers EINTR once the kernel's INTERRUPT
 * arrives.  A reader blocked in that read gets a signal; its read must
 * come back with EINTR within a second or two, not after the 20 s the
 * read would otherwise take.  Once over /dev/fuse and once over FUSE
 * over io_uring, where the request sits in a ring entry while the
 * INTERRUPT comes over /dev/fuse (the kernel's switch is set for the
 * case and put back).
 */
#include <errno.h>
#include <fcntl.h>
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
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "fsp/fsp.h"
#include "../check.h"

CHECK_DEFINE_GLOBALS;

#define FILE_SIZE 65536
#define ONEFILE_NAME "stall"
#include "onefile.h"
#define STALL_MS 20000

static atomic_int reads_started;
static atomic_int interrupted_reads;


struct stall {
    fsp_request *req;
    void *buf;
    uint32_t length;
};

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait for the interrupt, polling as a file system waiting on a slow
 * device would; answer EINTR when it comes, the data if it never does. */
static void *stall_main(void *arg)
{
    struct stall *s = arg;
    struct timespec t0, tick = { 0, 1000000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!fsp_request_interrupted(s->req) && ms_since(&t0) < STALL_MS)
        nanosleep(&tick, NULL);
    if (fsp_request_interrupted(s->req)) {
        atomic_fetch_add(&interrupted_reads, 1);
        fsp_request_complete(s->req, -EINTR, 0, NULL);
    } else {
        memset(s->buf, 'x', s->length);
        fsp_request_complete(s->req, 0, s->length, NULL);
    }
    free(s);
    return NULL;
}

static int s_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    (void)node; (void)file; (void)offset; (void)bytes_read;
    struct stall *s = malloc(sizeof *s);
    fsp_request *held = s ? fsp_request_pend(req) : NULL;
    pthread_t t;
    if (!held) {
        free(s);
        return -EIO;
    }
    *s = (struct stall){ .req = held, .buf = buf, .length = length };
    atomic_fetch_add(&reads_started, 1);
    if (pthread_create(&t, NULL, stall_main, s) != 0) {
        free(s);
        fsp_request_complete(held, -EAGAIN, 0, NULL);
        return FSP_PENDING;
    }
    pthread_detach(t);
    return FSP_PENDING;
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* The reader: a read blocked in the file system, then SIGUSR1 (caught,
 * no SA_RESTART).  Exit 0: EINTR within 3 s; 1: data; 2: other error;
 * 3: EINTR but late; 4: could not open. */
static void reader(const char *path)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        _exit(4);
    char buf[4096];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ssize_t n = read(fd, buf, sizeof buf);
    int e = errno;
    if (n >= 0)
        _exit(1);
    if (e != EINTR)
        _exit(2);
    _exit(ms_since(&t0) < 3000 ? 0 : 3);
}

static void *run_main(void *fs)
{
    fsp_fs_run(fs);
    return NULL;
}

/* Mount with `options`, interrupt one stalled read, unmount.  With
 * `transport`, fsp's counters must name it (the request really went
 * through that transport). */
static void interrupt_case(const char *options, const char *transport)
{
    char mnt[] = "/tmp/fsp-intr.XXXXXX";
    REQUIRE(mkdtemp(mnt) != NULL);
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = onefile_lookup,
        .forget = onefile_forget,
        .get_file_info = onefile_get_file_info,
        .read = s_read,
    };
    /* Direct I/O: every read reaches the file system. */
    struct fsp_volume_params vp = { .size = sizeof vp,
                                    .flags = FSP_VOL_DIRECT_IO,
                                    .file_info_timeout_ms = 1000 };
    fsp_fs *fs = NULL;
    char err[256] = "";
    pthread_t runner;
    REQUIRE(fsp_fs_new(&vp, &iface, NULL, &fs) == 0);
    if (fsp_fs_mount(fs, mnt, options, err, sizeof err) != 0) {
        printf("  mount: %s\n", err);
        check_failed = 1;
        fsp_fs_delete(fs);
        rmdir(mnt);
        return;
    }
    REQUIRE(pthread_create(&runner, NULL, run_main, fs) == 0);
    atomic_store(&reads_started, 0);
    atomic_store(&interrupted_reads, 0);

    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/stall", mnt);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        reader(path);
    /* Only once the read sits in the file system is there anything for
     * an interrupt to reach. */
    for (int i = 0; i < 5000 && atomic_load(&reads_started) == 0; i++)
        usleep(1000);
    CHECK_EQ(atomic_load(&reads_started), 1);
    usleep(50000);
    kill(pid, SIGUSR1);
    int st = 0;
    pid_t w = 0;
    for (int i = 0; i < 25000 && w == 0; i++) {
        w = waitpid(pid, &st, WNOHANG);
        if (w == 0)
            usleep(1000);
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    CHECK(w == pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(atomic_load(&interrupted_reads), 1);
    if (transport) {
        char stats[8192];
        ssize_t n = getxattr(mnt, "user.fsp.stats", stats, sizeof stats - 1);
        CHECK(n > 0);
        stats[n > 0 ? n : 0] = 0;
        /* The transport's name alone is no proof: after a failed ring
         * setup the io_uring transport serves over /dev/fuse and still
         * names itself.  Its request count must have moved too. */
        const char *t = strstr(stats, transport);
        const char *r = t ? strstr(t, " requests ") : NULL;
        if (!t || (r && strtoull(r + 10, NULL, 10) == 0)) {
            printf("  counters do not show requests over \"%s\":\n%s",
                   transport, stats);
            check_failed = 1;
        }
    }

    fsp_fs_stop(fs);
    pthread_join(runner, NULL);
    fsp_fs_delete(fs);
    rmdir(mnt);
}

static void interrupt_dev_fuse(void)
{
    interrupt_case(NULL, NULL);
}

#define URING_SWITCH "/sys/module/fuse/parameters/enable_uring"

static void interrupt_io_uring(void)
{
    char was = 0;
    int fd = open(URING_SWITCH, O_RDWR);
    if (fd < 0 || read(fd, &was, 1) != 1 ||
        pwrite(fd, "Y", 1, 0) != 1) {
        printf("  cannot turn on %s: not tested here\n", URING_SWITCH);
        if (fd >= 0)
            close(fd);
        return;
    }
    interrupt_case("io_uring", "transport io_uring");
    if (pwrite(fd, &was, 1, 0) != 1)
        printf("  could not put %s back to %c\n", URING_SWITCH, was);
    close(fd);
}

int main(void)
{
    int failed = 0;
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: test_interrupt (needs root and /dev/fuse)\n");
        return 0;
    }
    RUN(interrupt_dev_fuse);
    failed |= check_failed;
    /* Where this process cannot make a ring at all (qemu-user has no
     * io_uring_setup, nor do some seccomp profiles) the case cannot be
     * what it claims: say so instead of passing over /dev/fuse. */
    struct io_uring ring;
    int r = io_uring_queue_init(4, &ring, 0);
    if (r < 0) {
        printf("SKIP: interrupt_io_uring: io_uring_setup: %s (no io_uring "
               "here, e.g. under qemu-user emulation)\n", strerror(-r));
        return failed;
    }
    io_uring_queue_exit(&ring);
    RUN(interrupt_io_uring);
    failed |= check_failed;
    return failed;
}
