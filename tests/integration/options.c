/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs command line options: -o fsname/subtype/ro/allow_other/
 * default_permissions/max_read/nonempty, -d, -t, -l. */
#include "harness.h"

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run op(path) as uid/gid 65534 in a child; 0 if it succeeded, its errno
 * if it failed, -1 if the child hung or crashed. */
static int as_nobody(int (*op)(const char *), const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        alarm(10);
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(255);
        _exit(op(path) == 0 ? 0 : (errno & 0xff));
    }
    int st;
    if (wait_deadline(pid, 15000, &st) != 0) {
        kill(pid, SIGKILL);
        wait_deadline(pid, 5000, NULL);
        return -1;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) != 255 ? WEXITSTATUS(st) : -1;
}

static int op_stat(const char *p)
{
    struct stat st;
    return stat(p, &st);
}

static int op_read(const char *p)
{
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return -1;
    char c;
    ssize_t n = read(fd, &c, 1);
    close(fd);
    return n == 1 ? 0 : -1;
}

static int op_create(const char *p)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static void opt_default_mount(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strcmp(me.fstype, "fuse.memfs") == 0);
    CHECK(strcmp(me.source, "memfs") == 0);
    if (strcmp(me.fstype, "fuse.memfs") || strcmp(me.source, "memfs"))
        printf("  mountinfo: type '%s' source '%s'\n", me.fstype, me.source);
    /* read-write by default */
    CHECK(strncmp(me.opts, "rw", 2) == 0);
    CHECK_EQ(write_file(P("f"), "x", 1), 0);
    /* the root is a directory the owner can use */
    struct stat st;
    CHECK_EQ(stat(itest_mnt, &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK(st.st_mode & S_IWUSR);
    /* without allow_other another user is shut out */
    CHECK_EQ(as_nobody(op_stat, itest_mnt), EACCES);
}

static void opt_fsname_subtype(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strcmp(me.source, "myfs") == 0);
    CHECK(strcmp(me.fstype, "fuse.kind") == 0);
    if (strcmp(me.fstype, "fuse.kind") || strcmp(me.source, "myfs"))
        printf("  mountinfo: type '%s' source '%s'\n", me.fstype, me.source);
    CHECK_EQ(write_file(P("f"), "x", 1), 0);
}

static void opt_ro(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strncmp(me.opts, "ro", 2) == 0);
    CHECK_ERRNO(open(P("f"), O_WRONLY | O_CREAT, 0644), EROFS);
    CHECK_ERRNO(mkdir(P("d"), 0755), EROFS);
    CHECK_ERRNO(symlink("x", P("l")), EROFS);
    CHECK_ERRNO(chmod(itest_mnt, 0700), EROFS);
    struct stat st;
    CHECK_EQ(stat(itest_mnt, &st), 0);
    CHECK_ERRNO(stat(P("f"), &st), ENOENT);
}

static void opt_allow_other(void)
{
    REQUIRE(write_file(P("public"), "pub", 3) == 0);
    CHECK_EQ(chmod(itest_mnt, 0777), 0);
    CHECK_EQ(as_nobody(op_stat, itest_mnt), 0);
    CHECK_EQ(as_nobody(op_read, P("public")), 0);
    CHECK_EQ(as_nobody(op_create, P("byother")), 0);
    struct stat st;
    CHECK_EQ(stat(P("byother"), &st), 0);
    CHECK_EQ(st.st_uid, 65534);
    CHECK_EQ(st.st_gid, 65534);
}

static void opt_default_permissions(void)
{
    REQUIRE(write_file(P("secret"), "s", 1) == 0);
    CHECK_EQ(chmod(P("secret"), 0600), 0);
    CHECK_EQ(write_file(P("open"), "o", 1), 0);
    CHECK_EQ(chmod(P("open"), 0644), 0);
    CHECK_EQ(mkdir(P("closed"), 0700), 0);
    CHECK_EQ(chmod(itest_mnt, 0755), 0);
    CHECK_EQ(as_nobody(op_read, P("secret")), EACCES);
    CHECK_EQ(as_nobody(op_read, P("open")), 0);
    CHECK_EQ(as_nobody(op_create, P("new")), EACCES);
    CHECK_EQ(as_nobody(op_stat, P("closed/x")), EACCES);
    /* root is still allowed */
    char c;
    CHECK_EQ(read_file(P("secret"), &c, 1), 1);
}

/* Read 3 bytes of a /dev/zero node made on the mount: 0 when they come
 * back as zeros, else the errno of the failing step. */
static int read_zero_node(void)
{
    if (mknod(P("zero"), S_IFCHR | 0666, makedev(1, 5)) != 0)
        return errno;
    int fd = open(P("zero"), O_RDONLY);
    if (fd < 0)
        return errno;
    char buf[3] = { 1, 1, 1 };
    ssize_t n = read(fd, buf, sizeof buf);
    int e = n < 0 ? errno : (n == 3 && !buf[0] && !buf[1] && !buf[2]) ? 0 : EIO;
    close(fd);
    return e;
}

/* As root, -o dev lets device nodes on the mount work (libfuse and
 * mount(8) do the same); by default every FUSE mount is nodev. */
static void opt_dev(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strstr(me.opts, "nodev") == NULL);
    CHECK(strstr(me.opts, "nosuid") != NULL);
    CHECK_EQ(read_zero_node(), 0);
}

static void opt_nodev_default(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strstr(me.opts, "nodev") != NULL);
    CHECK(strstr(me.opts, "nosuid") != NULL);
    CHECK_EQ(read_zero_node(), EACCES);
}

/* -o noexec: execve of an executable file on the mount fails. */
static void opt_noexec(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strstr(me.opts, "noexec") != NULL);
    REQUIRE(write_file(P("run"), "#!/bin/sh\nexit 0\n", 18) == 0);
    REQUIRE(chmod(P("run"), 0755) == 0);
    CHECK_EQ(access(P("run"), X_OK), -1);
    CHECK_EQ(errno, EACCES);
}

static void opt_max_read(void)
{
    struct mountent me;
    REQUIRE(mount_count(itest_mnt, &me) == 1);
    CHECK(strstr(me.superopts, "max_read=4096") != NULL);
    if (!strstr(me.superopts, "max_read=4096"))
        printf("  super options: %s\n", me.superopts);
    enum { N = 1 << 20 };
    unsigned char *buf = malloc(N);
    REQUIRE(buf != NULL);
    fill_pattern(buf, N, 0, 11);
    CHECK_EQ(write_file(P("f"), buf, N), 0);
    CHECK_EQ(drop_caches(), 0);
    memset(buf, 0, N);
    CHECK_EQ(read_file(P("f"), buf, N), N);
    CHECK(check_pattern(buf, N, 0, 11) < 0);
    free(buf);
}

static void opt_threads_label(void)
{
    /* -t 1 -l LABEL: works like any other mount */
    REQUIRE(mkdir(P("d"), 0755) == 0);
    CHECK_EQ(write_file(P("d/f"), "abc", 3), 0);
    char buf[8] = "";
    CHECK_EQ(read_file(P("d/f"), buf, sizeof buf), 3);
    CHECK(strcmp(buf, "abc") == 0);
}

/* Lines in s (a final line without a newline counts). */
static int count_lines(const char *s)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\n';
    if (*s && s[strlen(s) - 1] != '\n')
        n++;
    return n;
}

static void opt_debug(void)
{
    char mnt[PATH_MAX];
    snprintf(mnt, sizeof mnt, "%s/mnt", itest_dir);
    struct fs f;
    REQUIRE(fs_start(&f, mnt, "-d") == 0);
    char p[PATH_MAX + 8];
    snprintf(p, sizeof p, "%s/file", mnt);
    CHECK_EQ(write_file(p, "debug", 5), 0);
    char buf[8] = "";
    CHECK_EQ(read_file(p, buf, sizeof buf), 5);
    CHECK_EQ(fs_stop(&f), 0);
    static char out[65536];
    fs_output(&f, out, sizeof out);
    /* a trace of the requests: several lines */
    CHECK(count_lines(out) >= 5);
    /* and without -d, nothing at all on a clean run */
    REQUIRE(fs_start(&f, mnt, NULL) == 0);
    CHECK_EQ(write_file(p, "quiet", 5), 0);
    CHECK_EQ(fs_stop(&f), 0);
    fs_output(&f, out, sizeof out);
    CHECK_EQ(strlen(out), 0);
    if (*out)
        printf("  unexpected output without -d: %.200s\n", out);
}

static void opt_nonempty(void)
{
    char mnt[PATH_MAX], hidden[PATH_MAX + 16], out[4096];
    snprintf(mnt, sizeof mnt, "%s/mnt", itest_dir);
    snprintf(hidden, sizeof hidden, "%s/under", mnt);
    REQUIRE(write_file(hidden, "under", 5) == 0);
    /* refused without nonempty */
    char outpath[PATH_MAX + 16];
    snprintf(outpath, sizeof outpath, "%s/out", itest_dir);
    char *argv[] = { itest_memfs, "-f", mnt, NULL };
    int st = 0;
    if (run_cmd(argv, outpath, 10000, &st) != 0) {
        printf("  memfs mounted on a non-empty directory without nonempty\n");
        check_failed = 1;
        mount_force_detach(mnt);
    } else {
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0);
        ssize_t n = read_file(outpath, out, sizeof out - 1);
        out[n > 0 ? n : 0] = 0;
        CHECK(strncmp(out, "memfs: mountpoint is not empty: ", 32) == 0);
        CHECK_EQ(count_lines(out), 1);
        if (strncmp(out, "memfs: mountpoint is not empty: ", 32) != 0)
            printf("  stderr: %s\n", out);
    }
    CHECK_EQ(mount_count(mnt, NULL), 0);
    /* accepted with it; the old file is hidden while mounted */
    struct fs f;
    REQUIRE(fs_start(&f, mnt, "-o nonempty") == 0);
    struct stat sb;
    CHECK_ERRNO(stat(hidden, &sb), ENOENT);
    CHECK_EQ(fs_stop(&f), 0);
    CHECK_EQ(read_file(hidden, out, sizeof out), 5);
    unlink(hidden);
}

void options_tests(void)
{
    CASE(opt_default_mount, NULL, IT_MEMFS_ONLY);
    CASE(opt_fsname_subtype, "-o fsname=myfs,subtype=kind", IT_MEMFS_ONLY);
    CASE(opt_ro, "-o ro", IT_MEMFS_ONLY);
    CASE(opt_allow_other, "-o allow_other", IT_MEMFS_ONLY);
    CASE(opt_default_permissions, "-o default_permissions,allow_other",
         IT_MEMFS_ONLY);
    CASE(opt_max_read, "-o max_read=4096", IT_MEMFS_ONLY);
    CASE(opt_dev, "-o dev", IT_MEMFS_ONLY);
    CASE(opt_nodev_default, NULL, IT_MEMFS_ONLY);
    CASE(opt_noexec, "-o noexec", IT_MEMFS_ONLY);
    CASE(opt_threads_label, "-t 1 -l MyLabel", IT_MEMFS_ONLY);
    CASE(opt_debug, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
    CASE(opt_nonempty, NULL, IT_MEMFS_ONLY | IT_NO_MOUNT);
}
