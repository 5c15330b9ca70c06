/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every notification of the native API through a real mount (needs root
 * and /dev/fuse), judged by ordinary programs: cat and stat read through
 * the kernel's caches, inotifywait (inotify-tools) watches the deleted
 * file.  The volume changes its files behind the kernel's back, as a
 * network or passthrough file system would, and lets the kernel cache
 * for a minute, so that only a notification can make a change visible.
 *
 * Once over /dev/fuse, and once more over FUSE over io_uring when the
 * kernel's switch is on (tests/uring.sh turns it on and runs this again;
 * this test never touches it): notifications travel over /dev/fuse then,
 * and the kernel's NOTIFY_REPLY comes back as a request.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <liburing.h>
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

#include "fsp/fsp.h"
#include "../check.h"

CHECK_DEFINE_GLOBALS;

#define DATA_SIZE 8192
#define PAGE 4096

/* Files: index 1 the root, 2 "data", "name" is 3 or 4, "exp" 5 or 6,
 * "gone" 7 while it exists.  The node context is the index itself. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char data[DATA_SIZE];
static uint64_t data_size = DATA_SIZE;
static uint64_t name_index = 3, exp_index = 5;
static int gone_exists = 1;
static atomic_int data_reads;

static void info(uint64_t index, struct fsp_file_info *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->index = index;
    fi->mode = index == 1 ? (S_IFDIR | 0755) : (S_IFREG | 0644);
    fi->nlink = index == 1 ? 2 : 1;
    fi->size = index == 2 ? data_size : 0;
}

static int n_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    (void)req;
    uint64_t index = 0;
    pthread_mutex_lock(&lock);
    if (!parent && strcmp(name, "/") == 0)
        index = 1;
    else if ((uintptr_t)parent == 1 && strcmp(name, "data") == 0)
        index = 2;
    else if ((uintptr_t)parent == 1 && strcmp(name, "name") == 0)
        index = name_index;
    else if ((uintptr_t)parent == 1 && strcmp(name, "exp") == 0)
        index = exp_index;
    else if ((uintptr_t)parent == 1 && strcmp(name, "gone") == 0 &&
             gone_exists)
        index = 7;
    if (index)
        info(index, fi);
    pthread_mutex_unlock(&lock);
    if (!index)
        return -ENOENT;
    *node = (void *)(uintptr_t)index;
    return 0;
}

static void n_forget(fsp_fs *fs, void *node)
{
    (void)fs; (void)node;
}

static int n_get_file_info(fsp_request *req, void *node, void *file,
                           struct fsp_file_info *fi)
{
    (void)req; (void)file;
    pthread_mutex_lock(&lock);
    info((uintptr_t)node, fi);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int n_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    (void)req; (void)file;
    *bytes_read = 0;
    if ((uintptr_t)node != 2)
        return 0;
    atomic_fetch_add(&data_reads, 1);
    pthread_mutex_lock(&lock);
    if (offset < data_size) {
        uint64_t n = data_size - offset < length ? data_size - offset : length;
        memcpy(buf, data + offset, n);
        *bytes_read = (uint32_t)n;
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static int n_read_directory(fsp_request *req, void *node, void *file,
                            const char *marker, struct fsp_dir_buffer *db)
{
    (void)req; (void)node; (void)file; (void)marker; (void)db;
    return 0;
}

/* ---- running programs ---- */

static char mnt[64];

/* The first line `cmd` prints (without its newline), or "" on failure. */
static void run(const char *cmd, char *out, size_t size)
{
    out[0] = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    pclose(p);
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = 0;
}

static uint64_t stat_ino(const char *name)
{
    char cmd[256], out[64];
    snprintf(cmd, sizeof cmd, "stat -c %%i %s/%s 2>/dev/null", mnt, name);
    run(cmd, out, sizeof out);
    return out[0] ? strtoull(out, NULL, 10) : 0;
}

/* What cat prints of "data", checked against `want` (len bytes). */
static int cat_is(const char *want, size_t len)
{
    static char out[DATA_SIZE * 2];
    char cmd[128];
    snprintf(cmd, sizeof cmd, "cat %s/data", mnt);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    size_t n = fread(out, 1, sizeof out, p);
    pclose(p);
    return n == len && memcmp(out, want, len) == 0;
}

/* ---- the cases, each on the mounted volume ---- */

static fsp_fs *fs;
static const char *tname;   /* "dev" or "uring", in the case names */

static void verdict(const char *name)
{
    printf("%s: notify_%s_%s\n", check_failed ? "FAIL" : "PASS", name, tname);
    fflush(stdout);
    check_failed = 0;
}

static void set_data(char c, uint64_t size)
{
    pthread_mutex_lock(&lock);
    memset(data, c, sizeof data);
    data_size = size;
    pthread_mutex_unlock(&lock);
}

static void case_cached(void)
{
    static char want[DATA_SIZE];
    set_data('A', DATA_SIZE);
    memset(want, 'A', sizeof want);
    CHECK(cat_is(want, DATA_SIZE));
    int reads = atomic_load(&data_reads);
    /* Changed behind the kernel's back: cat still sees the cache. */
    set_data('B', DATA_SIZE);
    CHECK(cat_is(want, DATA_SIZE));
    CHECK_EQ(atomic_load(&data_reads), reads);
}

/* Store: cat shows what was pushed, without a read reaching us. */
static void case_store(void)
{
    static char want[DATA_SIZE], page[PAGE];
    memset(page, 'C', sizeof page);
    memset(want, 'A', sizeof want);
    memset(want, 'C', PAGE);
    int reads = atomic_load(&data_reads);
    CHECK_EQ(fsp_fs_notify_store(fs, 2, 0, page, PAGE), 0);
    CHECK(cat_is(want, DATA_SIZE));
    CHECK_EQ(atomic_load(&data_reads), reads);
    CHECK_EQ(fsp_fs_notify_store(fs, 99, 0, page, PAGE), -ENOENT);
}

/* Retrieve: what the kernel caches comes back, within the timeout. */
static void case_retrieve(void)
{
    static char want[DATA_SIZE], got[DATA_SIZE + PAGE];
    memset(want, 'A', sizeof want);
    memset(want, 'C', PAGE);
    size_t n = 0;
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 2, 0, got, sizeof got, 5000, &n), 0);
    CHECK_EQ(n, DATA_SIZE);      /* the file ends there */
    CHECK(memcmp(got, want, DATA_SIZE) == 0);
    /* From the middle of a page, a little. */
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 2, PAGE - 10, got, 20, 5000, &n), 0);
    CHECK_EQ(n, 20);
    CHECK(memcmp(got, want + PAGE - 10, 20) == 0);
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 99, 0, got, 10, 5000, &n), -ENOENT);
}

/* Inode: cat reads afresh; the attributes too (a shorter file). */
static void case_inode(void)
{
    static char want[DATA_SIZE];
    memset(want, 'B', sizeof want);
    CHECK_EQ(fsp_fs_notify_inode(fs, 2, 0, 0), 0);
    CHECK(cat_is(want, DATA_SIZE));
    /* Nothing cached any more after another invalidation: retrieve
     * gives nothing back. */
    CHECK_EQ(fsp_fs_notify_inode(fs, 2, 0, 0), 0);
    size_t n = 99;
    char got[64];
    CHECK_EQ(fsp_fs_notify_retrieve(fs, 2, 0, got, sizeof got, 5000, &n), 0);
    CHECK_EQ(n, 0);
    char cmd[256], out[64];
    snprintf(cmd, sizeof cmd, "stat -c %%s %s/data", mnt);
    run(cmd, out, sizeof out);              /* attributes cached again */
    set_data('B', 100);
    run(cmd, out, sizeof out);
    CHECK(strcmp(out, "8192") == 0);        /* cached attributes */
    CHECK_EQ(fsp_fs_notify_inode(fs, 2, -1, 0), 0);
    run(cmd, out, sizeof out);
    CHECK(strcmp(out, "100") == 0);
    CHECK(cat_is(want, 100));
}

/* Entry: the name means another file; stat sees it only afterwards. */
static void case_entry(void)
{
    CHECK_EQ(stat_ino("name"), 3);
    pthread_mutex_lock(&lock);
    name_index = 4;
    pthread_mutex_unlock(&lock);
    CHECK_EQ(stat_ino("name"), 3);
    CHECK_EQ(fsp_fs_notify_entry(fs, 1, "name"), 0);
    CHECK_EQ(stat_ino("name"), 4);
}

/* Expire: the same through FUSE_EXPIRE_ONLY. */
static void case_expire(void)
{
    CHECK_EQ(stat_ino("exp"), 5);
    pthread_mutex_lock(&lock);
    exp_index = 6;
    pthread_mutex_unlock(&lock);
    CHECK_EQ(stat_ino("exp"), 5);
    int r = fsp_fs_notify_expire(fs, 1, "exp");
    if (r == -ENOSYS) {
        printf("  kernel before 7.38: no expire\n");
        return;
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(stat_ino("exp"), 6);
    CHECK_EQ(fsp_fs_notify_expire(fs, 99, "exp"), -ENOENT);
    CHECK_EQ(fsp_fs_notify_expire(fs, 1, ""), -EINVAL);
}

/* Delete: inotifywait on the file reports it deleted (IN_DELETE_SELF:
 * its last name went), and the cached entry is gone.  (Watchers of the
 * directory get no IN_DELETE on Linux 6.18: the kernel drops the dentry
 * with d_delete, which tells fsnotify about the inode only.) */
static void case_delete(void)
{
    char cmd[512], out[256], log[64];
    CHECK_EQ(stat_ino("gone"), 7);
    snprintf(log, sizeof log, "/tmp/fsp-notify-inotify.%d", (int)getpid());
    if (system("command -v inotifywait >/dev/null 2>&1") != 0) {
        printf("SKIP: notify_delete_%s: inotifywait (inotify-tools) is not "
               "installed\n", tname);
        return;
    }
    /* inotifywait says "Watches established." on stderr once it
     * watches; then the deletion may come. */
    snprintf(cmd, sizeof cmd,
             "exec timeout 10 inotifywait -e delete_self --format '%%e' "
             "%s/gone >%s 2>%s.err", mnt, log, log);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int ready = 0;
    for (int i = 0; i < 500 && !ready; i++) {
        snprintf(cmd, sizeof cmd, "grep -q established %s.err 2>/dev/null",
                 log);
        ready = system(cmd) == 0;
        if (!ready)
            usleep(10000);
    }
    CHECK(ready);
    pthread_mutex_lock(&lock);
    gone_exists = 0;
    pthread_mutex_unlock(&lock);
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 7, "gone"), 0);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {   /* saw no event */
        printf("  inotifywait status 0x%x\n", st);
        check_failed = 1;
    }
    snprintf(cmd, sizeof cmd, "cat %s", log);
    run(cmd, out, sizeof out);
    if (strcmp(out, "DELETE_SELF") != 0) {
        printf("  inotifywait printed \"%s\"\n", out);
        check_failed = 1;
    }
    CHECK_EQ(stat_ino("gone"), 0);
    snprintf(cmd, sizeof cmd, "%s.err", log);
    unlink(cmd);
    unlink(log);
    CHECK_EQ(fsp_fs_notify_delete(fs, 1, 0, ""), -EINVAL);
}

static void *run_main(void *arg)
{
    fsp_fs_run(arg);
    return NULL;
}

static int one_mount(const char *options, const char *name)
{
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .flags = FSP_IFACE_STATELESS_OPENS,
        .lookup = n_lookup,
        .forget = n_forget,
        .get_file_info = n_get_file_info,
        .read = n_read,
        .read_directory = n_read_directory,
    };
    /* A minute of caching: only a notification makes a change visible
     * within the test. */
    struct fsp_volume_params vp = { .size = sizeof vp,
                                    .file_info_timeout_ms = 60000 };
    char err[256] = "";
    pthread_t runner;
    snprintf(mnt, sizeof mnt, "/tmp/fsp-notify.XXXXXX");
    if (!mkdtemp(mnt) || fsp_fs_new(&vp, &iface, NULL, &fs) != 0) {
        printf("FAIL: notify_mount_%s: setup: %s\n", name, strerror(errno));
        return 1;
    }
    if (fsp_fs_mount(fs, mnt, options, err, sizeof err) != 0) {
        printf("FAIL: notify_mount_%s: %s\n", name, err);
        fsp_fs_delete(fs);
        rmdir(mnt);
        return 1;
    }
    if (pthread_create(&runner, NULL, run_main, fs) != 0) {
        printf("FAIL: notify_mount_%s: pthread_create\n", name);
        fsp_fs_delete(fs);
        rmdir(mnt);
        return 1;
    }
    tname = name;
    pthread_mutex_lock(&lock);
    name_index = 3, exp_index = 5, gone_exists = 1;
    pthread_mutex_unlock(&lock);
    int failed = 0;
    check_failed = 0;
    case_cached();   failed |= check_failed; verdict("cached");
    case_store();    failed |= check_failed; verdict("store");
    case_retrieve(); failed |= check_failed; verdict("retrieve");
    case_inode();    failed |= check_failed; verdict("inode");
    case_entry();    failed |= check_failed; verdict("entry");
    case_expire();   failed |= check_failed; verdict("expire");
    case_delete();   failed |= check_failed; verdict("delete");
    if (strcmp(name, "uring") == 0) {
        /* The cases are what they claim only if requests went through
         * the rings. */
        char stats[8192];
        ssize_t n = getxattr(mnt, "user.fsp.stats", stats, sizeof stats - 1);
        stats[n > 0 ? n : 0] = 0;
        const char *t = strstr(stats, "transport io_uring");
        const char *r = t ? strstr(t, " requests ") : NULL;
        if (!t || !r || strtoull(r + 10, NULL, 10) == 0) {
            printf("FAIL: notify_uring_transport: counters show no ring "
                   "requests:\n%s", stats);
            failed = 1;
        } else {
            printf("PASS: notify_uring_transport\n");
        }
    }
    fsp_fs_stop(fs);
    pthread_join(runner, NULL);
    fsp_fs_delete(fs);
    fs = NULL;
    rmdir(mnt);
    return failed;
}

int main(void)
{
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: test_notify_mount (needs root and /dev/fuse)\n");
        return 0;
    }
    int failed = one_mount(NULL, "dev");
    char on = 0;
    int fd = open("/sys/module/fuse/parameters/enable_uring", O_RDONLY);
    /* Where this process cannot make a ring at all (qemu-user has no
     * io_uring_setup) fsp falls back to /dev/fuse, and the uring cases
     * would not be what they claim. */
    struct io_uring ring;
    int ur = io_uring_queue_init(4, &ring, 0);
    if (ur == 0)
        io_uring_queue_exit(&ring);
    if (fd < 0 || read(fd, &on, 1) != 1 || on != 'Y')
        printf("SKIP: notify_uring: the kernel's enable_uring is off "
               "(tests/uring.sh runs this with it on)\n");
    else if (ur < 0) {
        /* One line per case, named as when they run, so that a
         * comparison with a native run sees each one skipped. */
        static const char *const cases[] = {
            "cached", "store", "retrieve", "inode", "entry", "expire",
            "delete", "uring_transport",
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
            printf("SKIP: notify_%s%s: io_uring_setup: %s (no io_uring "
                   "here, e.g. under qemu-user emulation)\n", cases[i],
                   strcmp(cases[i], "uring_transport") ? "_uring" : "",
                   strerror(-ur));
    }
    else
        failed |= one_mount("io_uring", "uring");
    if (fd >= 0)
        close(fd);
    return failed;
}
