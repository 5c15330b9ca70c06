/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Failure handling: bad options and mountpoints, clean shutdown on
 * signals, a killed or stuck memfs must not hang its clients, fsptool
 * abort, and mounting over a dead mount. */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char mnt[PATH_MAX];

static void init_mnt(void)
{
    snprintf(mnt, sizeof mnt, "%s/mnt", itest_dir);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\n';
    if (*s && s[strlen(s) - 1] != '\n')
        n++;
    return n;
}

/* Run memfs -f ARGS MOUNTPOINT expecting failure: non-zero exit status,
 * exactly one line of output starting with prefix, and no mount left. */
static void expect_fail(const char *args, const char *mountpoint,
                        const char *prefix)
{
    char copy[512], *argv[24], outpath[PATH_MAX + 16];
    int n = 0;
    argv[n++] = itest_memfs;
    argv[n++] = "-f";
    snprintf(copy, sizeof copy, "%s", args ? args : "");
    for (char *t = strtok(copy, " "); t && n < 20; t = strtok(NULL, " "))
        argv[n++] = t;
    argv[n++] = (char *)mountpoint;
    argv[n] = NULL;
    snprintf(outpath, sizeof outpath, "%s/fail.out", itest_dir);
    int before = mount_count(mountpoint, NULL), st = 0;
    if (run_cmd(argv, outpath, 10000, &st) != 0) {
        printf("  memfs %s %s: still running after 10 s (killed)\n",
               args ? args : "", mountpoint);
        check_failed = 1;
        if (mount_count(mountpoint, NULL) > before)
            umount2(mountpoint, MNT_DETACH);
        return;
    }
    char out[4096];
    ssize_t len = read_file(outpath, out, sizeof out - 1);
    out[len > 0 ? len : 0] = 0;
    int ok = WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
             strncmp(out, prefix, strlen(prefix)) == 0 && count_lines(out) == 1;
    if (!ok) {
        printf("  memfs %s %s: %s %d, output (%d lines): %s%s", args ? args : "",
               mountpoint, WIFEXITED(st) ? "status" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), count_lines(out),
               out, *out && out[strlen(out) - 1] == '\n' ? "" : "\n");
        printf("  expected non-zero status and one line starting '%s'\n", prefix);
        check_failed = 1;
    }
    if (mount_count(mountpoint, NULL) != before) {
        printf("  memfs %s %s left a mount behind\n", args ? args : "", mountpoint);
        check_failed = 1;
        umount2(mountpoint, MNT_DETACH);
    }
}

static void fail_bad_options(void)
{
    init_mnt();
    expect_fail("-o foo", mnt, "memfs: unknown option 'foo'");
    expect_fail("-o allow_other,foo=bar", mnt, "memfs: unknown option 'foo");
    expect_fail("-o max_read=abc", mnt, "memfs: bad value for max_read: 'abc'");
    expect_fail("-o request_timeout=soon", mnt,
                "memfs: bad value for request_timeout: 'soon'");
    expect_fail("-t abc", mnt, "memfs: ");
    expect_fail("-n lots", mnt, "memfs: ");
    expect_fail("-s -5", mnt, "memfs: ");
    expect_fail("-Z", mnt, "memfs: ");
    expect_fail("", "", "memfs: ");
    /* memfs with no mountpoint at all */
    char *argv[] = { itest_memfs, "-f", NULL };
    char outpath[PATH_MAX + 16];
    snprintf(outpath, sizeof outpath, "%s/noarg.out", itest_dir);
    int st = 0;
    CHECK_EQ(run_cmd(argv, outpath, 10000, &st), 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    /* the mountpoint is still an ordinary empty directory */
    struct stat sb;
    CHECK_EQ(stat(mnt, &sb), 0);
    CHECK(S_ISDIR(sb.st_mode));
    CHECK_EQ(mount_count(mnt, NULL), 0);
}

static void fail_bad_mountpoints(void)
{
    init_mnt();
    char path[PATH_MAX + 32], pre[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/does-not-exist", itest_dir);
    snprintf(pre, sizeof pre, "memfs: mountpoint does not exist: %s", path);
    expect_fail(NULL, path, pre);
    snprintf(path, sizeof path, "%s/a-file", itest_dir);
    REQUIRE(write_file(path, "x", 1) == 0);
    snprintf(pre, sizeof pre, "memfs: not a directory: %s", path);
    expect_fail(NULL, path, pre);
    /* already a mount point: the first memfs keeps working */
    struct fs f;
    REQUIRE(fs_start(&f, mnt, NULL) == 0);
    char file[PATH_MAX + 16];
    snprintf(file, sizeof file, "%s/keep", mnt);
    CHECK_EQ(write_file(file, "keep", 4), 0);
    snprintf(pre, sizeof pre, "memfs: already a mount point: %s", mnt);
    expect_fail(NULL, mnt, pre);
    CHECK_EQ(mount_count(mnt, NULL), 1);
    char buf[8] = "";
    CHECK_EQ(read_file(file, buf, sizeof buf), 4);
    CHECK_EQ(fs_stop(&f), 0);
}

/* Start, use, send sig: exit 0 and the mount is gone. */
static void signal_case(int sig, int busy)
{
    init_mnt();
    struct fs f;
    REQUIRE(fs_start(&f, mnt, NULL) == 0);
    char file[PATH_MAX + 16];
    snprintf(file, sizeof file, "%s/f", mnt);
    CHECK_EQ(write_file(file, "data", 4), 0);
    int fd = busy ? open(file, O_RDONLY) : -1;
    CHECK_EQ(fs_stop_sig(&f, sig), 0);
    if (fd >= 0) {
        /* the descriptor now fails instead of hanging (alarm as a guard) */
        char buf[8];
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(5);
            ssize_t n = pread(fd, buf, sizeof buf, 0);
            _exit(n < 0 ? 0 : 1);
        }
        int st = 0;
        CHECK_EQ(wait_deadline(pid, 10000, &st), 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        close(fd);
    }
    struct stat sb;
    CHECK_EQ(stat(file, &sb) == 0, 0);
}

static void fail_sigterm(void) { signal_case(SIGTERM, 0); }
static void fail_sigint(void) { signal_case(SIGINT, 0); }
static void fail_sighup(void) { signal_case(SIGHUP, 0); }
static void fail_sigterm_busy(void) { signal_case(SIGTERM, 1); }

/* Open path for a read the kernel must send to the server: O_DIRECT if
 * the file system takes it, else a plain open after dropping caches. */
static int open_uncached(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECT);
    if (fd >= 0)
        return fd;
    fd = open(path, O_RDONLY);
    drop_caches();
    return fd;
}

/* Fork a child that reads from fd and exits 0 if the read failed with
 * ENOTCONN/EIO/ECONNABORTED, 1 if it succeeded, 2 for another error; it
 * dies of SIGALRM after 20 s if it hangs. */
/* SIGSTOP pid and wait until every one of its threads has stopped:
 * kill() returns before that, and a thread still running would answer
 * the read that is meant to block.  0, or -1 after 5 s. */
static int stop_all_threads(pid_t pid)
{
    if (kill(pid, SIGSTOP) != 0)
        return -1;
    char dirpath[64];
    snprintf(dirpath, sizeof dirpath, "/proc/%d/task", (int)pid);
    for (int tries = 0; tries < 500; tries++) {
        DIR *d = opendir(dirpath);
        if (!d)
            return -1;
        int running = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[384], buf[512];
            snprintf(path, sizeof path, "%s/%s/stat", dirpath, e->d_name);
            ssize_t n = read_file(path, buf, sizeof buf - 1);
            if (n <= 0)
                continue;
            buf[n] = 0;
            const char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] != 'T' && p[2] != 't')
                running = 1;
        }
        closedir(d);
        if (!running)
            return 0;
        msleep(10);
    }
    return -1;
}

static pid_t start_reader(int fd)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(20);
        void *buf;
        if (posix_memalign(&buf, 4096, 4096) != 0)
            _exit(3);
        ssize_t n = pread(fd, buf, 4096, 0);
        if (n >= 0)
            _exit(1);
        /* ECANCELED: over io_uring the dying server's ring cancels the
         * request it held; an error all the same, not a hang. */
        if (errno == ENOTCONN || errno == EIO || errno == ECONNABORTED ||
            errno == ECANCELED)
            _exit(0);
        printf("  reader: unexpected error %s\n", strerror(errno));
        _exit(2);
    }
    return pid;
}

/* The reader must be blocked now, then end with an error within 5 s. */
static int reader_blocked(pid_t pid)
{
    msleep(300);
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
        printf("  the read did not block on a stopped memfs (exit %d)\n",
               WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return 0;
    }
    return 1;
}

static void reader_finishes(pid_t pid)
{
    int st = 0;
    if (wait_deadline(pid, 5000, &st) != 0) {
        printf("  the blocked reader still hangs 5 s later\n");
        check_failed = 1;
        kill(pid, SIGKILL);
        wait_deadline(pid, 5000, NULL);
        return;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("  reader ended with %s %d, expected an ENOTCONN/EIO/"
               "ECONNABORTED error\n", WIFEXITED(st) ? "status" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        check_failed = 1;
    }
}

/* Start memfs with args, write a 64 KiB file f and open it uncached,
 * then stop every memfs thread: a read of fd will now block.  Returns fd
 * (file gets the path), or -1 with memfs stopped again. */
static int stuck_memfs(struct fs *f, const char *args, char *file,
                       size_t size)
{
    init_mnt();
    if (fs_start(f, mnt, args) != 0)
        return -1;
    snprintf(file, size, "%s/f", mnt);
    static unsigned char data[65536];
    fill_pattern(data, sizeof data, 0, 1);
    int fd = write_file(file, data, sizeof data) == 0 ? open_uncached(file)
                                                      : -1;
    if (fd < 0 || stop_all_threads(f->pid) != 0) {
        printf("  could not set up a stuck memfs\n");
        if (fd >= 0)
            close(fd);
        kill(f->pid, SIGCONT);
        fs_stop(f);
        return -1;
    }
    return fd;
}

/* Let a stopped memfs go on and end it: it must still exit and leave no
 * mount ("what" names the case in the messages). */
static void release_stuck(struct fs *f, const char *what)
{
    int st;
    kill(f->pid, SIGCONT);
    kill(f->pid, SIGTERM);
    if (wait_deadline(f->pid, 10000, &st) != 0) {
        printf("  memfs did not exit after %s + SIGTERM\n", what);
        check_failed = 1;
        kill(f->pid, SIGKILL);
        wait_deadline(f->pid, 5000, NULL);
    }
    f->pid = 0;
    if (mount_wait_gone(mnt, 5000) != 0) {
        printf("  the mount is still there after %s and memfs exited\n",
               what);
        check_failed = 1;
        mount_force_detach(mnt);
    }
}

static void fail_sigkill_blocked_read(void)
{
    struct fs f;
    char file[PATH_MAX + 16];
    int fd = stuck_memfs(&f, NULL, file, sizeof file);
    REQUIRE(fd >= 0);
    pid_t reader = start_reader(fd);
    int blocked = reader_blocked(reader);
    if (!blocked)
        check_failed = 1;
    CHECK_EQ(kill(f.pid, SIGKILL), 0);
    int st;
    CHECK_EQ(wait_deadline(f.pid, 5000, &st), 0);
    f.pid = 0;
    if (blocked)
        reader_finishes(reader);
    /* the dead mount goes away by itself (auto_unmount is the default) */
    if (mount_wait_gone(mnt, 5000) != 0) {
        printf("  the dead mount is still there 5 s after memfs died\n");
        check_failed = 1;
    }
    close(fd);
    mount_force_detach(mnt);
}

/* -o request_timeout=1: the kernel itself aborts the connection when a
 * request stays unanswered too long (its timer ticks every 15 s, so the
 * blocked reader gets its error within about 30 s), with no help from
 * the stopped file system or from us. */
static void fail_request_timeout(void)
{
    struct fs f;
    char file[PATH_MAX + 16];
    int fd = stuck_memfs(&f, "-o request_timeout=1", file, sizeof file);
    REQUIRE(fd >= 0);
    fflush(stdout);
    pid_t reader = fork();
    if (reader == 0) {
        alarm(60);
        void *buf;
        if (posix_memalign(&buf, 4096, 4096) != 0)
            _exit(3);
        ssize_t n = pread(fd, buf, 4096, 0);
        _exit(n < 0 && (errno == ENOTCONN || errno == ECONNABORTED ||
                        errno == EIO) ? 0 : 1);
    }
    int st = 0;
    if (wait_deadline(reader, 50000, &st) != 0) {
        printf("  the reader still hangs 50 s after a 1 s request timeout\n");
        check_failed = 1;
        kill(reader, SIGKILL);
        wait_deadline(reader, 5000, NULL);
    } else {
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    close(fd);
    release_stuck(&f, "the request timeout");
}

static void fail_fsptool_abort(void)
{
    struct fs f;
    char file[PATH_MAX + 16];
    int fd = stuck_memfs(&f, NULL, file, sizeof file);
    REQUIRE(fd >= 0);
    pid_t reader = start_reader(fd);
    int blocked = reader_blocked(reader);
    if (!blocked)
        check_failed = 1;
    char *argv[] = { itest_tool, "abort", mnt, NULL };
    char outpath[PATH_MAX + 16];
    snprintf(outpath, sizeof outpath, "%s/abort.out", itest_dir);
    int st = 0;
    if (run_cmd(argv, outpath, 10000, &st) != 0) {
        printf("  fsptool abort did not finish within 10 s\n");
        check_failed = 1;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char out[1024];
        ssize_t n = read_file(outpath, out, sizeof out - 1);
        out[n > 0 ? n : 0] = 0;
        printf("  fsptool abort exited %d: %s\n",
               WIFEXITED(st) ? WEXITSTATUS(st) : -1, out);
        check_failed = 1;
    }
    if (blocked)
        reader_finishes(reader);
    /* new requests fail at once too */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(5);
        struct stat sb;
        _exit(stat(file, &sb) != 0 && errno == ENOTCONN ? 0 : 1);
    }
    CHECK_EQ(wait_deadline(pid, 10000, &st), 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(fd);
    release_stuck(&f, "the abort");
}

/* memfs killed with noauto_unmount leaves a dead mount (ENOTCONN); a new
 * memfs on the same directory detaches it, says so, and works. */
static void fail_dead_mount_remount(void)
{
    init_mnt();
    struct fs f;
    REQUIRE(fs_start(&f, mnt, "-o noauto_unmount") == 0);
    char file[PATH_MAX + 16];
    snprintf(file, sizeof file, "%s/f", mnt);
    CHECK_EQ(write_file(file, "old", 3), 0);
    CHECK_EQ(kill(f.pid, SIGKILL), 0);
    int st;
    CHECK_EQ(wait_deadline(f.pid, 5000, &st), 0);
    f.pid = 0;
    msleep(500);
    CHECK_EQ(mount_count(mnt, NULL), 1);
    struct stat sb;
    CHECK_ERRNO(stat(mnt, &sb), ENOTCONN);

    struct fs g;
    if (fs_start(&g, mnt, NULL) != 0) {
        check_failed = 1;
        mount_force_detach(mnt);
        return;
    }
    char out[4096];
    fs_output(&g, out, sizeof out);
    int said = strcasestr(out, "detach") != NULL && strstr(out, mnt) != NULL;
    if (!said)
        printf("  memfs output does not mention detaching %s: '%s'\n", mnt, out);
    CHECK(said);
    CHECK_EQ(mount_count(mnt, NULL), 1);
    CHECK_ERRNO(stat(file, &sb), ENOENT);
    CHECK_EQ(write_file(file, "new", 3), 0);
    char buf[8] = "";
    CHECK_EQ(read_file(file, buf, sizeof buf), 3);
    CHECK(strcmp(buf, "new") == 0);
    CHECK_EQ(fs_stop(&g), 0);
    CHECK_EQ(mount_count(mnt, NULL), 0);
}

void failure_tests(void)
{
    CASE(fail_bad_options, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_bad_mountpoints, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_sigterm, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_sigint, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_sighup, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_sigterm_busy, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_sigkill_blocked_read, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(fail_fsptool_abort, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT | IT_NOT_URING);
    CASE(fail_request_timeout, NULL,
         IT_MEMFS_ONLY | IT_NO_MOUNT | IT_NOT_URING);
    CASE(fail_dead_mount_remount, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
}
