/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ownership and permissions: chmod, chown, access, umask, set-ID bits,
 * set-group-ID and sticky directories, checked as root and as
 * unprivileged users (uids 65534 and 65533, made with setresuid). */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NEED_ROOT()                                                        \
    do {                                                                   \
        if (!ct_is_root())                                                 \
            SKIP("needs root to switch users");                            \
    } while (0)

/* Run fn in a child as uid:gid (checks inside count); 0 if it ran. */
static int as_user(uid_t uid, gid_t gid, void (*fn)(void))
{
    pid_t pid = ct_fork(15);
    if (pid == 0) {
        if (ct_become(uid, gid) == -1) {
            FAIL("cannot become %u:%u: %s", uid, gid, ct_errname(errno));
            _exit(1);
        }
        fn();
        _exit(0);
    }
    if (pid < 0)
        return -1;
    int rc = ct_wait(pid, 15000);
    if (rc != 0)
        FAIL("child as uid %u: status %d", uid, rc);
    return rc;
}

static void chmod_basic(void)
{
    REQUIRE_OK(ct_touch("f"));
    static const mode_t modes[] = { 0, 0777, 0640, 04755, 02755, 01777,
                                    07777, 0444 };
    struct stat sb, prev;
    REQUIRE_OK(stat("f", &prev));
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        CT_TICK();
        CHECK_OK(chmod("f", modes[i]));
        CHECK_OK(stat("f", &sb));
        CHECK_EQ(sb.st_mode & 07777, modes[i]);
        CHECK(S_ISREG(sb.st_mode));
        CHECK(TS_GT(sb.st_ctim, prev.st_ctim));
        CHECK(TS_EQ(sb.st_mtim, prev.st_mtim));
        prev = sb;
    }
    REQUIRE_OK(mkdir("d", 0700));
    CHECK_OK(chmod("d", 03755));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_mode & 07777, 03755);
    CHECK(S_ISDIR(sb.st_mode));
    int fd = open("f", O_RDONLY);
    CHECK_OK(fchmod(fd, 0600));
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_mode & 07777, 0600);
    close(fd);
    /* chmod follows symlinks */
    REQUIRE_OK(symlink("f", "l"));
    CHECK_OK(chmod("l", 0604));
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0604);
}

static void chown_root(void)
{
    NEED_ROOT();
    REQUIRE_OK(ct_touch("f"));
    struct stat sb, prev;
    REQUIRE_OK(stat("f", &prev));
    CHECK_EQ(prev.st_uid, 0);
    CHECK_EQ(prev.st_gid, getegid());
    CT_TICK();
    CHECK_OK(chown("f", 1234, 5678));
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_uid, 1234);
    CHECK_EQ(sb.st_gid, 5678);
    CHECK(TS_GT(sb.st_ctim, prev.st_ctim));
    CHECK_OK(chown("f", (uid_t)-1, 42));          /* group only */
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_uid, 1234);
    CHECK_EQ(sb.st_gid, 42);
    CHECK_OK(chown("f", 7, (gid_t)-1));           /* owner only */
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_uid, 7);
    CHECK_EQ(sb.st_gid, 42);
    /* lchown changes the link, chown the target */
    REQUIRE_OK(symlink("f", "l"));
    CHECK_OK(lchown("l", 99, 98));
    CHECK_OK(lstat("l", &sb));
    CHECK_EQ(sb.st_uid, 99);
    CHECK_EQ(sb.st_gid, 98);
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_uid, 7);
    CHECK_OK(chown("l", 11, 12));
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_uid, 11);
    CHECK_EQ(sb.st_gid, 12);
    CHECK_OK(lstat("l", &sb));
    CHECK_EQ(sb.st_uid, 99);
    /* chown of a set-user-ID file clears the bit, even by root */
    CHECK_OK(chmod("f", 06755));
    CHECK_OK(chown("f", 13, 14));
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0755);
    /* but not on a directory */
    REQUIRE_OK(mkdir("d", 0755));
    CHECK_OK(chmod("d", 02755));
    CHECK_OK(chown("d", 13, 14));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_mode & 07777, 02755);
}

/* New files belong to the creating user and group. */
static void owner_of_new_files_child(void)
{
    struct stat sb;
    CHECK_OK(ct_touch("w/f"));
    CHECK_OK(stat("w/f", &sb));
    CHECK_EQ(sb.st_uid, CT_NOBODY);
    CHECK_EQ(sb.st_gid, CT_NOBODY);
    CHECK_OK(mkdir("w/d", 0755));
    CHECK_OK(stat("w/d", &sb));
    CHECK_EQ(sb.st_uid, CT_NOBODY);
    CHECK_EQ(sb.st_gid, CT_NOBODY);
    CHECK_OK(symlink("f", "w/l"));
    CHECK_OK(lstat("w/l", &sb));
    CHECK_EQ(sb.st_uid, CT_NOBODY);
    CHECK_OK(mkfifo("w/p", 0600));
    CHECK_OK(lstat("w/p", &sb));
    CHECK_EQ(sb.st_uid, CT_NOBODY);
}

static void owner_of_new_files(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("w", 0777));
    REQUIRE_OK(chmod("w", 0777));
    as_user(CT_NOBODY, CT_NOBODY, owner_of_new_files_child);
}

static void chown_nonroot_child(void)
{
    struct stat sb;
    /* only root gives a file away */
    CHECK_ERR(chown("w/mine", CT_OTHER, (gid_t)-1), EPERM);
    /* a group the user is not in: EPERM */
    CHECK_ERR(chown("w/mine", (uid_t)-1, 0), EPERM);
    /* to the owner's own uid and its own group: allowed */
    CHECK_OK(chown("w/mine", CT_NOBODY, CT_NOBODY));
    /* not the owner: chmod and chown fail */
    CHECK_ERR(chmod("w/roots", 0777), EPERM);
    CHECK_ERR(chown("w/roots", CT_NOBODY, CT_NOBODY), EPERM);
    CHECK_ERR(utimensat(AT_FDCWD, "w/roots", NULL, 0), EACCES);
    /* owner can chmod its own file */
    CHECK_OK(chmod("w/mine", 0600));
    CHECK_OK(stat("w/mine", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0600);
    /* set-group-ID by a non-member of the file's group is dropped
     * silently (w/grp belongs to nobody, group 1234) */
    CHECK_OK(chmod("w/grp", 02755));
    CHECK_OK(stat("w/grp", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0755);
}

static void chown_nonroot(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("w", 0777));
    REQUIRE_OK(chmod("w", 0777));
    REQUIRE_OK(ct_touch("w/mine"));
    REQUIRE_OK(chown("w/mine", CT_NOBODY, CT_NOBODY));
    REQUIRE_OK(ct_touch("w/roots"));
    REQUIRE_OK(chmod("w/roots", 0644));
    REQUIRE_OK(ct_touch("w/grp"));
    REQUIRE_OK(chown("w/grp", CT_NOBODY, 1234));
    as_user(CT_NOBODY, CT_NOBODY, chown_nonroot_child);
}

static void suid_write_child(void)
{
    int fd = open("w/s", O_WRONLY);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_EQ(write(fd, "x", 1), 1);
    close(fd);
    struct stat sb;
    CHECK_OK(stat("w/s", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0777);   /* both set-ID bits cleared */
    fd = open("w/t", O_WRONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_OK(ftruncate(fd, 10));
        close(fd);
    }
    CHECK_OK(stat("w/t", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0776);
    /* set-group-ID without group execute (mandatory-lock marker) stays */
    CHECK_OK(stat("w/g", &sb));
    fd = open("w/g", O_WRONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "y", 1), 1);
        close(fd);
    }
    CHECK_OK(stat("w/g", &sb));
    CHECK_EQ(sb.st_mode & 07777, 02666);
}

/* A write or truncate by a non-root user clears set-user-ID and
 * set-group-ID (when group-executable). */
static void suid_cleared_on_write(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("w", 0777));
    REQUIRE_OK(chmod("w", 0777));
    const char *names[] = { "w/s", "w/t", "w/g" };
    const mode_t modes[] = { 06777, 06776, 02666 };
    for (int i = 0; i < 3; i++) {
        REQUIRE_OK(ct_touch(names[i]));
        REQUIRE_OK(chown(names[i], CT_NOBODY, CT_NOBODY));
        REQUIRE_OK(chmod(names[i], modes[i]));
    }
    as_user(CT_NOBODY, CT_NOBODY, suid_write_child);
    /* a write by root does not clear set-user-ID */
    REQUIRE_OK(chmod("w/s", 04755));
    int fd = open("w/s", O_WRONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "r", 1), 1);
        close(fd);
    }
    struct stat sb;
    CHECK_OK(stat("w/s", &sb));
    CHECK_EQ(sb.st_mode & 07777, 04755);
}

static void access_child(void)
{
    CHECK_OK(access("a/r", R_OK));
    CHECK_ERR(access("a/r", W_OK), EACCES);
    CHECK_ERR(access("a/r", X_OK), EACCES);
    CHECK_OK(access("a/rw", R_OK | W_OK));
    CHECK_OK(access("a/x", X_OK));
    CHECK_ERR(access("a/none", R_OK), EACCES);
    CHECK_OK(access("a/none", F_OK));
    /* group bits apply to the file's group */
    CHECK_OK(access("a/grp", W_OK));
    CHECK_ERR(access("a/grp", R_OK), EACCES);
    /* owner bits override more generous group/other bits */
    CHECK_ERR(access("a/own", R_OK), EACCES);
    /* permission checks are real, not just access(2) */
    CHECK_ERR(open("a/none", O_RDONLY), EACCES);
    CHECK_ERR(open("a/r", O_WRONLY), EACCES);
    CHECK_ERR(open("a/new", O_CREAT | O_WRONLY, 0644), EACCES);
    CHECK_ERR(unlink("a/r"), EACCES);
    CHECK_ERR(mkdir("a/newdir", 0755), EACCES);
    CHECK_ERR(rename("a/r", "a/r2"), EACCES);
    /* no search permission on a directory */
    CHECK_ERR(access("nox/f", F_OK), EACCES);
    CHECK_ERR(open("nox/f", O_RDONLY), EACCES);
    /* readable but not searchable dir: listing works, lookups do not */
    int fd = open("nox", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
}

static void access_modes(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("a", 0755));
    struct { const char *n; mode_t m; uid_t u; gid_t g; } f[] = {
        { "a/r", 0444, 0, 0 },
        { "a/rw", 0666, 0, 0 },
        { "a/x", 0755, 0, 0 },
        { "a/none", 0000, 0, 0 },
        { "a/grp", 0620, 0, CT_NOBODY },
        { "a/own", 0077, CT_NOBODY, 0 },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        REQUIRE_OK(ct_touch(f[i].n));
        REQUIRE_OK(chown(f[i].n, f[i].u, f[i].g));
        REQUIRE_OK(chmod(f[i].n, f[i].m));
    }
    REQUIRE_OK(mkdir("nox", 0755));
    REQUIRE_OK(ct_touch("nox/f"));
    REQUIRE_OK(chmod("nox", 0744));
    /* root: everything but execute without any x bit */
    CHECK_OK(access("a/none", R_OK | W_OK));
    CHECK_ERR(access("a/r", X_OK), EACCES);
    CHECK_OK(access("a/x", X_OK));
    as_user(CT_NOBODY, CT_NOBODY, access_child);
}

static void umask_applied(void)
{
    umask(027);
    struct stat sb;
    int fd = open("f", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0640);
    CHECK_OK(mkdir("d", 0777));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0750);
    CHECK_OK(mkfifo("p", 0666));
    CHECK_OK(stat("p", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0640);
    umask(0);
    CHECK_OK(mkdir("e", 01777));
    CHECK_OK(stat("e", &sb));
    CHECK_EQ(sb.st_mode & 07777, 01777);
    fd = open("g", O_CREAT | O_WRONLY, 0777);
    if (fd >= 0)
        close(fd);
    CHECK_OK(stat("g", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0777);
    umask(0777);
    CHECK_OK(mkdir("none", 0777));
    CHECK_OK(stat("none", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0);
    umask(022);
}

static void setgid_dir_child(void)
{
    struct stat sb;
    /* nobody is not in group 1234 yet inherits it from the directory */
    CHECK_OK(ct_touch("sg/byuser"));
    CHECK_OK(stat("sg/byuser", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK_EQ(sb.st_uid, CT_NOBODY);
    CHECK_OK(mkdir("sg/udir", 0755));
    CHECK_OK(stat("sg/udir", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK(sb.st_mode & S_ISGID);
    /* a non-member creating a set-group-ID file in the group of the
     * directory: the bit is dropped (inode_init_owner / sgid strip) */
    int fd = open("sg/gx", O_CREAT | O_WRONLY, 02755);
    if (fd >= 0)
        close(fd);
    CHECK_OK(stat("sg/gx", &sb));
    CHECK_EQ(sb.st_mode & 07777, 0755);
}

static void setgid_dir(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("sg", 0777));
    REQUIRE_OK(chown("sg", 0, 1234));
    REQUIRE_OK(chmod("sg", 02777));
    struct stat sb;
    REQUIRE_OK(ct_touch("sg/f"));
    CHECK_OK(stat("sg/f", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK_EQ(sb.st_mode & S_ISGID, 0);             /* files don't inherit */
    CHECK_OK(mkdir("sg/d", 0755));
    CHECK_OK(stat("sg/d", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK(sb.st_mode & S_ISGID);                   /* directories do */
    CHECK_OK(mkdir("sg/d/e", 0755));               /* and pass it on */
    CHECK_OK(stat("sg/d/e", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK(sb.st_mode & S_ISGID);
    CHECK_OK(symlink("x", "sg/l"));
    CHECK_OK(lstat("sg/l", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    CHECK_OK(mkfifo("sg/p", 0644));
    CHECK_OK(lstat("sg/p", &sb));
    CHECK_EQ(sb.st_gid, 1234);
    /* outside a set-group-ID directory: the creator's group */
    REQUIRE_OK(mkdir("plain", 0777));
    REQUIRE_OK(chown("plain", 0, 1234));
    CHECK_OK(ct_touch("plain/f"));
    CHECK_OK(stat("plain/f", &sb));
    CHECK_EQ(sb.st_gid, getegid());
    as_user(CT_NOBODY, CT_NOBODY, setgid_dir_child);
}

static void sticky_other_child(void)
{
    /* CT_OTHER may not remove or rename nobody's file in a sticky dir */
    CHECK_ERR(unlink("t/nobodys"), EPERM);
    CHECK_ERR(rename("t/nobodys", "t/stolen"), EPERM);
    CHECK_ERR(rmdir("t/nobodysdir"), EPERM);
    /* nor replace it by renaming onto it */
    CHECK_OK(ct_touch("t/others"));
    CHECK_ERR(rename("t/others", "t/nobodys"), EPERM);
    /* but may remove its own */
    CHECK_OK(unlink("t/others"));
    /* the same in a non-sticky world-writable dir is allowed */
    CHECK_OK(unlink("open/nobodys"));
}

static void sticky_owner_child(void)
{
    CHECK_OK(ct_touch("t/nobodys"));
    CHECK_OK(mkdir("t/nobodysdir", 0755));
    CHECK_OK(ct_touch("open/nobodys"));
    CHECK_OK(chmod("t/nobodys", 0666));
}

static void sticky_owner_child2(void)
{
    CHECK_OK(rename("t/nobodys", "t/mine"));
    CHECK_OK(unlink("t/mine"));
    CHECK_OK(rmdir("t/nobodysdir"));
}

static void sticky_dir(void)
{
    NEED_ROOT();
    REQUIRE_OK(mkdir("t", 0777));
    REQUIRE_OK(chmod("t", 01777));
    REQUIRE_OK(mkdir("open", 0777));
    REQUIRE_OK(chmod("open", 0777));
    struct stat sb;
    CHECK_OK(stat("t", &sb));
    CHECK_EQ(sb.st_mode & 07777, 01777);
    if (as_user(CT_NOBODY, CT_NOBODY, sticky_owner_child) != 0)
        return;
    as_user(CT_OTHER, CT_OTHER, sticky_other_child);
    as_user(CT_NOBODY, CT_NOBODY, sticky_owner_child2);
    /* root may always remove */
    CHECK_OK(ct_touch("t/x"));
    CHECK_OK(chown("t/x", CT_OTHER, CT_OTHER));
    CHECK_OK(unlink("t/x"));
}

const struct ct_case ct_perms_cases[] = {
    { "perm_chmod", chmod_basic, 0 },
    { "perm_chown_root", chown_root, 0 },
    { "perm_owner_of_new_files", owner_of_new_files, 0 },
    { "perm_chown_nonroot", chown_nonroot, 0 },
    { "perm_suid_cleared_on_write", suid_cleared_on_write, 0 },
    { "perm_access", access_modes, 0 },
    { "perm_umask", umask_applied, 0 },
    { "perm_setgid_dir", setgid_dir, 0 },
    { "perm_sticky_dir", sticky_dir, 0 },
    { NULL, NULL, 0 },
};
