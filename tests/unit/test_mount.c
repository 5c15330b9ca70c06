/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Real mounts through the kernel channel's mounting layer, without any
 * session: needs root and /dev/fuse.
 *
 * With no server answering, the kernel's INIT request sits unread in
 * /dev/fuse and any stat of the mount point would block.  So this file
 * only ever looks at mounts through /proc/self/mountinfo, and stats a
 * mount point only once its connection is dead (fd closed or aborted),
 * when the kernel answers ENOTCONN at once.
 */
#include "kernel/mount.h"
#include "../check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

CHECK_DEFINE_GLOBALS;

#define CHECK_STR(a, b)                                                    \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (strcmp(a_, b_) != 0) {                                         \
            printf("  %s:%d: got \"%s\", expected \"%s\"\n", __FILE__,     \
                   __LINE__, a_, b_);                                      \
            check_failed = 1;                                              \
        }                                                                  \
    } while (0)

static char base[PATH_MAX];     /* our private temp directory */
static char dirs[32][PATH_MAX + 64]; /* everything made under it, for cleanup */
static int ndirs;

/* A fresh empty directory under base (canonical: base is realpath'd). */
static const char *new_dir(const char *name)
{
    char *d = dirs[ndirs++];

    snprintf(d, sizeof(dirs[0]), "%s/%s", base, name);
    if (mkdir(d, 0755) < 0)
        printf("  mkdir %s: %s\n", d, strerror(errno));
    return d;
}

struct mi {
    int count;           /* mounts stacked at the path */
    char fstype[64];     /* of the topmost */
    char source[256];
    char mntopts[256];
    char superopts[512];
    unsigned minor;
};

/* Look the path up in /proc/self/mountinfo (paths here need no
 * unescaping: no spaces in them). */
static struct mi mountinfo(const char *path)
{
    struct mi r;
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "re");

    memset(&r, 0, sizeof(r));
    if (!f)
        return r;
    while (fgets(line, sizeof(line), f)) {
        char mp[4096], opts[256], *dash;
        unsigned maj, min;
        if (sscanf(line, "%*d %*d %u:%u %*s %4095s %255s", &maj, &min, mp,
                   opts) != 4)
            continue;
        if (strcmp(mp, path) != 0)
            continue;
        dash = strstr(line, " - ");
        if (!dash || sscanf(dash + 3, "%63s %255s %511s", r.fstype, r.source,
                            r.superopts) != 3)
            continue;
        snprintf(r.mntopts, sizeof(r.mntopts), "%s", opts);
        r.minor = min;
        r.count++;
    }
    fclose(f);
    return r;
}

/* Does a comma separated list contain exactly this item? */
static int has_opt(const char *list, const char *item)
{
    size_t n = strlen(item);
    const char *p = list;

    while ((p = strstr(p, item)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
        p += n;
    }
    return 0;
}

/* Detach everything at path (a test that failed halfway). */
static void force_unmount(const char *path)
{
    int i;

    for (i = 0; i < 8 && umount2(path, MNT_DETACH) == 0; i++)
        ;
}

static void cleanup(void)
{
    int i;

    for (i = ndirs - 1; i >= 0; i--) {
        char file[PATH_MAX + 80];
        force_unmount(dirs[i]);
        snprintf(file, sizeof(file), "%s/file", dirs[i]);
        unlink(file);
        if (rmdir(dirs[i]) < 0 && errno != ENOENT)
            unlink(dirs[i]);  /* the regular-file "mountpoint" */
    }
    rmdir(base);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to ms for the path to have `want` mounts stacked on it. */
static int wait_mount_count(const char *path, int want, int ms)
{
    long long end = now_ms() + ms;

    for (;;) {
        if (mountinfo(path).count == want)
            return 1;
        if (now_ms() > end)
            return 0;
        usleep(20000);
    }
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1;  /* the directory's own descriptor */
}

/* Does process pid hold /dev/fuse open?  Returns -1 if it is gone. */
static int holds_dev_fuse(pid_t pid)
{
    char dir[64], link[384], target[256];
    DIR *d;
    struct dirent *e;
    int found = 0;

    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
    d = opendir(dir);
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        ssize_t n;
        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, "/dev/fuse") == 0)
            found = 1;
    }
    closedir(d);
    return found;
}

/* The SigIgn mask of a process, from /proc/PID/status. */
static unsigned long long sig_ignored(pid_t pid)
{
    char path[64], line[256];
    unsigned long long mask = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "SigIgn: %llx", &mask) == 1)
            break;
    fclose(f);
    return mask;
}

static int is_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    return fl >= 0 && (fl & FD_CLOEXEC);
}

/* ---- cases ---- */

static void test_mount_basic(void)
{
    const char *dir = new_dir("basic");
    struct kmount_opts o;
    struct kmount m;
    struct mi mi;
    char err[512];
    unsigned long long ign = 0;
    int fds_before = count_fds(), wd_clean = 0, i;
    pid_t wd;

    kmount_opts_init(&o);
    REQUIRE(kmount_opts_parse(&o, "fsname=fsp-test-src,subtype=fsptest",
                                 err, sizeof(err)) == 0);
    if (kmount_mount(&m, dir, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount: %s\n", err);
        check_failed = 1;
        return;
    }
    CHECK_STR(m.mountpoint, dir);
    CHECK(m.mounted);
    CHECK(m.fd >= 0 && is_cloexec(m.fd));
    CHECK_EQ(m.via_fusermount, 0);
    CHECK(m.watchdog_fd >= 0 && is_cloexec(m.watchdog_fd));
    CHECK(m.watchdog_pid > 0);

    mi = mountinfo(dir);
    CHECK_EQ(mi.count, 1);
    CHECK_STR(mi.fstype, "fuse.fsptest");
    CHECK_STR(mi.source, "fsp-test-src");
    CHECK_EQ(mi.minor, m.dev_minor);
    CHECK(has_opt(mi.mntopts, "rw"));
    CHECK(has_opt(mi.mntopts, "nosuid"));
    CHECK(has_opt(mi.mntopts, "nodev"));
    CHECK(has_opt(mi.superopts, "user_id=0"));
    CHECK(has_opt(mi.superopts, "group_id=0"));
    CHECK(!has_opt(mi.superopts, "allow_other"));

    /* The watchdog drops everything but its pipe right after fork, and
     * ignores the terminal's signals. */
    wd = m.watchdog_pid;
    for (i = 0; i < 100; i++) {
        ign = sig_ignored(wd);
        if (holds_dev_fuse(wd) == 0 && (ign & (1ull << (SIGTERM - 1)))) {
            wd_clean = 1;
            break;
        }
        usleep(20000);
    }
    CHECK(wd_clean);
    CHECK(ign & (1ull << (SIGINT - 1)));
    CHECK(ign & (1ull << (SIGHUP - 1)));
    CHECK(ign & (1ull << (SIGTERM - 1)));
    kill(wd, SIGINT);
    kill(wd, SIGTERM);
    usleep(50000);
    CHECK_EQ(kill(wd, 0), 0);  /* still there */

    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(mountinfo(dir).count, 0);
    CHECK_EQ(m.fd, -1);
    CHECK_EQ(m.watchdog_fd, -1);
    CHECK_EQ(m.watchdog_pid, 0);
    CHECK(kill(wd, 0) < 0 && errno == ESRCH);  /* reaped */
    CHECK_EQ(kmount_unmount(&m), 0);  /* idempotent */
    CHECK_EQ(count_fds(), fds_before);
    force_unmount(dir);
}

static void test_mount_options(void)
{
    const char *dir = new_dir("options");
    struct kmount_opts o;
    struct kmount m;
    struct mi mi;
    char err[512];

    kmount_opts_init(&o);
    REQUIRE(kmount_opts_parse(&o, "ro,allow_other,default_permissions,"
                                 "max_read=65536,noauto_unmount", err,
                                 sizeof(err)) == 0);
    if (kmount_mount(&m, dir, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount: %s\n", err);
        check_failed = 1;
        return;
    }
    CHECK_EQ(m.watchdog_pid, 0);
    CHECK_EQ(m.watchdog_fd, -1);
    mi = mountinfo(dir);
    CHECK_EQ(mi.count, 1);
    CHECK_STR(mi.fstype, "fuse");
    /* no fsname given: the program's name */
    CHECK_STR(mi.source, program_invocation_short_name);
    CHECK(has_opt(mi.mntopts, "ro"));
    CHECK(has_opt(mi.superopts, "allow_other"));
    CHECK(has_opt(mi.superopts, "default_permissions"));
    CHECK(has_opt(mi.superopts, "max_read=65536"));
    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);
}

static void test_errors(void)
{
    char missing[PATH_MAX + 16], file[PATH_MAX + 16], sub[PATH_MAX + 32], err[512];
    const char *full = new_dir("full");
    struct kmount_opts o;
    struct kmount m;
    int fd;

    kmount_opts_init(&o);

    snprintf(missing, sizeof(missing), "%s/missing", base);
    CHECK_EQ(kmount_mount(&m, missing, &o, err, sizeof(err)), -ENOENT);
    {
        char want[PATH_MAX + 64];
        snprintf(want, sizeof(want), "mountpoint does not exist: %s",
                 missing);
        CHECK_STR(err, want);
    }
    CHECK_EQ(kmount_unmount(&m), 0);  /* a failed mount unmounts as a no-op */

    snprintf(file, sizeof(file), "%s/plainfile", base);
    snprintf(dirs[ndirs++], sizeof(dirs[0]), "%s", file);
    fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK_EQ(kmount_mount(&m, file, &o, err, sizeof(err)), -ENOTDIR);
    {
        char want[PATH_MAX + 64];
        snprintf(want, sizeof(want), "not a directory: %s", file);
        CHECK_STR(err, want);
    }
    snprintf(sub, sizeof(sub), "%s/sub", file);
    CHECK_EQ(kmount_mount(&m, sub, &o, err, sizeof(err)), -ENOTDIR);
    CHECK(strncmp(err, "not a directory: ", 17) == 0);

    snprintf(sub, sizeof(sub), "%s/file", full);
    fd = open(sub, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK_EQ(kmount_mount(&m, full, &o, err, sizeof(err)), -ENOTEMPTY);
    {
        char want[PATH_MAX + 64];
        snprintf(want, sizeof(want), "mountpoint is not empty: %s", full);
        CHECK_STR(err, want);
    }
    CHECK_EQ(mountinfo(full).count, 0);

    /* ...unless nonempty */
    o.nonempty = 1;
    if (kmount_mount(&m, full, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount nonempty: %s\n", err);
        check_failed = 1;
    } else {
        CHECK_EQ(mountinfo(full).count, 1);
        CHECK_EQ(kmount_unmount(&m), 0);
    }
    CHECK_EQ(mountinfo(full).count, 0);
    force_unmount(full);

    /* "/" is a mount point (and checked before emptiness). */
    o.nonempty = 0;
    CHECK_EQ(kmount_mount(&m, "/", &o, err, sizeof(err)), -EBUSY);
    CHECK_STR(err, "already a mount point: /");
}

/* Mounting twice at one place must say so, and must not hang on the
 * first mount whose server never answers. */
static void test_double_mount(void)
{
    const char *dir = new_dir("double");
    struct kmount_opts o;
    struct kmount m1, m2;
    char err[512], want[PATH_MAX + 64];
    long long t0;
    int rc;

    kmount_opts_init(&o);
    if (kmount_mount(&m1, dir, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount: %s\n", err);
        check_failed = 1;
        return;
    }
    t0 = now_ms();
    rc = kmount_mount(&m2, dir, &o, err, sizeof(err));
    CHECK_EQ(rc, -EBUSY);
    CHECK(now_ms() - t0 < 3000);
    snprintf(want, sizeof(want), "already a mount point: %s", dir);
    CHECK_STR(err, want);
    CHECK_EQ(mountinfo(dir).count, 1);
    if (rc == 0)
        kmount_unmount(&m2);
    CHECK_EQ(kmount_unmount(&m1), 0);
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);
}

/*
 * Mount in a child that then dies without unmounting; report through a
 * pipe.  Returns the child's kmount_mount() result (or -999).
 */
static int mount_in_dying_child(const char *dir, const char *opts)
{
    int p[2], rc = -999;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -999;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct kmount_opts o;
        struct kmount m;
        char err[512];
        int r;

        close(p[0]);
        kmount_opts_init(&o);
        r = kmount_opts_parse(&o, opts, err, sizeof(err));
        if (r == 0)
            r = kmount_mount(&m, dir, &o, err, sizeof(err));
        if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
            _exit(2);
        _exit(0);  /* no kmount_unmount: this is the crash */
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -999;
    }
    if (read(p[0], &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
        rc = -999;
    close(p[0]);
    waitpid(pid, NULL, 0);
    return rc;
}

static void test_auto_unmount_on_death(void)
{
    const char *dir = new_dir("autounmount");
    int rc = mount_in_dying_child(dir, "auto_unmount");

    CHECK_EQ(rc, 0);
    if (rc != 0)
        return;
    /* The child is gone: its /dev/fuse fd and the watchdog pipe's write
     * end are closed, and the watchdog must detach the mount. */
    CHECK(wait_mount_count(dir, 0, 5000));
    force_unmount(dir);
}

static void test_detach_dead_mount(void)
{
    const char *dir = new_dir("dead");
    char path[PATH_MAX + 16], out[1024], want[PATH_MAX + 64], err[512];
    struct kmount_opts o;
    struct kmount m;
    struct stat st;
    int rc, saved, cap;
    ssize_t n;

    rc = mount_in_dying_child(dir, "noauto_unmount");
    CHECK_EQ(rc, 0);
    if (rc != 0)
        return;
    REQUIRE(mountinfo(dir).count == 1);
    /* The only /dev/fuse fd died with the child: the connection is dead,
     * so this stat cannot block. */
    errno = 0;
    CHECK(stat(dir, &st) < 0 && errno == ENOTCONN);

    /* Capture stderr around kmount_mount to see it say what it did. */
    snprintf(path, sizeof(path), "%s/stderr.txt", base);
    cap = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(cap >= 0);
    saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
    fflush(stderr);
    dup2(cap, 2);
    kmount_opts_init(&o);
    rc = kmount_mount(&m, dir, &o, err, sizeof(err));
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    n = pread(cap, out, sizeof(out) - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    close(cap);
    unlink(path);

    CHECK_EQ(rc, 0);
    if (rc != 0)
        printf("  kmount_mount: %s\n", err);
    snprintf(want, sizeof(want), "fsp: detached dead FUSE mount at %s\n",
             dir);
    CHECK_STR(out, want);
    if (rc == 0) {
        struct mi mi = mountinfo(dir);
        CHECK_EQ(mi.count, 1);  /* the new one only */
        CHECK_EQ(mi.minor, m.dev_minor);
        CHECK_EQ(kmount_unmount(&m), 0);
    }
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);
}

static void test_abort(void)
{
    const char *dir = new_dir("abort");
    struct kmount_opts o;
    struct kmount m;
    struct statfs sfs;
    struct stat st;
    char err[512], want[PATH_MAX + 64];
    int rc;

    kmount_opts_init(&o);
    if (kmount_mount(&m, dir, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount: %s\n", err);
        check_failed = 1;
        return;
    }
    rc = kmount_abort(dir, err, sizeof(err));
    CHECK_EQ(rc, 0);
    if (rc != 0)
        printf("  kmount_abort: %s\n", err);
    CHECK(statfs("/sys/fs/fuse/connections", &sfs) == 0
          && sfs.f_type == 0x65735543);
    if (rc == 0) {
        errno = 0;
        CHECK(stat(dir, &st) < 0 && errno == ENOTCONN);
    }
    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);

    /* not mounted any more */
    CHECK_EQ(kmount_abort(dir, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "not a mount point: %s", dir);
    CHECK_STR(err, want);
}

/* Unmounting a mount that someone else already removed is fine, and a
 * zeroed struct is never mistaken for a mount holding fd 0. */
static void test_unmount_tolerant(void)
{
    const char *dir = new_dir("gone");
    struct kmount_opts o;
    struct kmount m;
    char err[512];
    int stdin_open = fcntl(0, F_GETFD) >= 0;

    memset(&m, 0, sizeof(m));
    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(fcntl(0, F_GETFD) >= 0, stdin_open);

    kmount_opts_init(&o);
    if (kmount_mount(&m, dir, &o, err, sizeof(err)) != 0) {
        printf("  kmount_mount: %s\n", err);
        check_failed = 1;
        return;
    }
    CHECK_EQ(umount2(dir, MNT_DETACH), 0);
    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(kmount_unmount(&m), 0);
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);
}


/*
 * Run kmount_mount in a child after setup(), which may break the
 * environment (drop a capability, hide /dev/fuse); return its result and
 * message.  The child unmounts whatever it might have mounted.
 */
static int mount_in_crippled_child(const char *dir, int (*setup)(void),
                                   char *err, size_t errlen)
{
    struct { int rc; char err[256]; } res = { -999, "" };
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -999;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct kmount_opts o;
        struct kmount m;

        close(p[0]);
        if (setup() < 0) {
            snprintf(res.err, sizeof(res.err), "setup: %s", strerror(errno));
        } else {
            kmount_opts_init(&o);
            res.rc = kmount_mount(&m, dir, &o, res.err, sizeof(res.err));
            kmount_unmount(&m);
        }
        if (write(p[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
            _exit(2);
        _exit(0);
    }
    close(p[1]);
    if (pid < 0 || read(p[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
        res.rc = -999;
    close(p[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    snprintf(err, errlen, "%s", res.err);
    return res.rc;
}

/* Root without CAP_SYS_ADMIN: mount(2) says EPERM. */
static int drop_sys_admin(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
    d[CAP_SYS_ADMIN / 32].permitted &= ~(1u << (CAP_SYS_ADMIN % 32));
    return (int)syscall(SYS_capset, &h, d);
}

/* A private mount namespace whose /dev has no fuse node. */
static int hide_dev_fuse(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        return -1;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -1;
    return mount("tmpfs", "/dev", "tmpfs", 0, NULL);
}

static void test_environment_errors(void)
{
    const char *dir = new_dir("env");
    char err[256];
    int rc;

    rc = mount_in_crippled_child(dir, drop_sys_admin, err, sizeof(err));
    CHECK_EQ(rc, -EPERM);
    CHECK(strncmp(err, "mount not permitted: ", 21) == 0);
    if (rc != -EPERM)
        printf("  got: %s\n", err);

    rc = mount_in_crippled_child(dir, hide_dev_fuse, err, sizeof(err));
    CHECK_EQ(rc, -ENOENT);
    CHECK_STR(err, "/dev/fuse not available: No such file or directory");
    CHECK_EQ(mountinfo(dir).count, 0);
    force_unmount(dir);
}

int main(void)
{
    char tmpl[] = "/tmp/fsp-mount-test.XXXXXX";

    if (geteuid() != 0) {
        printf("SKIP: test_mount: needs root\n");
        return 0;
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: test_mount: /dev/fuse not available\n");
        return 0;
    }
    if (!mkdtemp(tmpl) || !realpath(tmpl, base)) {
        printf("FAIL: test_mount: cannot make a temp dir: %s\n",
               strerror(errno));
        return 0;
    }
    atexit(cleanup);

    RUN(test_mount_basic);
    RUN(test_mount_options);
    RUN(test_errors);
    RUN(test_double_mount);
    RUN(test_auto_unmount_on_death);
    RUN(test_detach_dead_mount);
    RUN(test_abort);
    RUN(test_unmount_tolerant);
    RUN(test_environment_errors);
    return 0;
}
