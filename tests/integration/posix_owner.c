/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ownership and attribute permissions, as root and as the unprivileged
 * user "fsptest", on a mount with allow_other, with and without
 * default_permissions in the options (the kernel checks either way: see
 * "Access control" in fsp.h).  Same results on tmpfs. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define OTHER_GID 4242  /* a group fsptest is not in (unless given) */



static void expect_owner(const char *path, uid_t uid, gid_t gid)
{
    struct stat st;
    CHECK_EQ(lstat(path, &st), 0);
    CHECK_EQ(st.st_uid, uid);
    CHECK_EQ(st.st_gid, gid);
}

static void user_creates(void)
{
    CHECK_EQ(write_file(P("pub/f"), "x", 1), 0);
    CHECK_EQ(mkdir(P("pub/d"), 0755), 0);
    CHECK_EQ(symlink("f", P("pub/s")), 0);
    CHECK_EQ(mkfifo(P("pub/p"), 0644), 0);
    expect_owner(P("pub/f"), itest_user_uid, itest_user_gid);
    expect_owner(P("pub/d"), itest_user_uid, itest_user_gid);
    expect_owner(P("pub/s"), itest_user_uid, itest_user_gid);
    expect_owner(P("pub/p"), itest_user_uid, itest_user_gid);
    /* umask 022 applied */
    struct stat st;
    CHECK_EQ(stat(P("pub/f"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0644);
}

/* New files belong to their creator, not to the process serving. */
static void posix_owner_new_files(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(mkdir(P("pub"), 0777) == 0);
    REQUIRE(chmod(P("pub"), 0777) == 0);
    CHECK_EQ(write_file(P("rootfile"), "x", 1), 0);
    expect_owner(P("rootfile"), 0, 0);
    itest_as_user(user_creates, 0);
}

static void user_creates_in_sgid(void)
{
    CHECK_EQ(write_file(P("sg/f"), "x", 1), 0);
    expect_owner(P("sg/f"), itest_user_uid, OTHER_GID);
    CHECK_EQ(mkdir(P("sg/sub"), 0755), 0);
    expect_owner(P("sg/sub"), itest_user_uid, OTHER_GID);
    struct stat st;
    CHECK_EQ(stat(P("sg/sub"), &st), 0);
    CHECK(st.st_mode & S_ISGID);
    CHECK_EQ(stat(P("sg/f"), &st), 0);
    CHECK(!(st.st_mode & S_ISGID));
    /* and on down the tree */
    CHECK_EQ(mkdir(P("sg/sub/deeper"), 0755), 0);
    expect_owner(P("sg/sub/deeper"), itest_user_uid, OTHER_GID);
    CHECK_EQ(stat(P("sg/sub/deeper"), &st), 0);
    CHECK(st.st_mode & S_ISGID);
    /* a non-member asking for set-group-ID on a new file does not get it
     * there (the directory's group is not the caller's) */
    int fd = open(P("sg/g"), O_WRONLY | O_CREAT | O_EXCL, 02755);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_EQ(stat(P("sg/g"), &st), 0);
    CHECK(!(st.st_mode & S_ISGID));
}

/* A set-group-ID directory gives new files its group, and new
 * subdirectories its mark. */
static void posix_owner_sgid_dir(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(mkdir(P("sg"), 0777) == 0);
    REQUIRE(chown(P("sg"), 0, OTHER_GID) == 0);
    REQUIRE(chmod(P("sg"), 02777) == 0);
    CHECK_EQ(write_file(P("sg/rootfile"), "x", 1), 0);
    expect_owner(P("sg/rootfile"), 0, OTHER_GID);
    CHECK_EQ(mknod(P("sg/fifo"), S_IFIFO | 0644, 0), 0);
    expect_owner(P("sg/fifo"), 0, OTHER_GID);
    itest_as_user(user_creates_in_sgid, 0);
}

static void user_chowns(void)
{
    /* give away: never */
    CHECK_ERRNO(chown(P("mine"), 0, (gid_t)-1), EPERM);
    CHECK_ERRNO(chown(P("mine"), 12345, (gid_t)-1), EPERM);
    /* the same owner again is fine, and so is the own group */
    CHECK_EQ(chown(P("mine"), itest_user_uid, (gid_t)-1), 0);
    CHECK_EQ(chown(P("mine"), (uid_t)-1, itest_user_gid), 0);
    /* a group the user is not in: no */
    CHECK_ERRNO(chown(P("mine"), (uid_t)-1, 0), EPERM);
    /* someone else's file: no */
    CHECK_ERRNO(chown(P("roots"), (uid_t)-1, itest_user_gid), EPERM);
    CHECK_ERRNO(chown(P("roots"), itest_user_uid, (gid_t)-1), EPERM);
    expect_owner(P("mine"), itest_user_uid, itest_user_gid);
    expect_owner(P("roots"), 0, 0);
}

static void user_chgrp_supplementary(void)
{
    CHECK_EQ(chown(P("mine"), (uid_t)-1, OTHER_GID), 0);
    expect_owner(P("mine"), itest_user_uid, OTHER_GID);
}

/* Only root changes a file's owner; the owner changes its group to one of
 * its own groups (supplementary ones included). */
static void posix_owner_chown_rules(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("mine"), "x", 1) == 0);
    REQUIRE(chown(P("mine"), itest_user_uid, itest_user_gid) == 0);
    REQUIRE(write_file(P("roots"), "x", 1) == 0);
    REQUIRE(chmod(P("roots"), 0666) == 0);
    itest_as_user(user_chowns, 0);
    itest_as_user(user_chgrp_supplementary, OTHER_GID);
    /* root may do anything */
    CHECK_EQ(chown(P("mine"), 12345, 54321), 0);
    expect_owner(P("mine"), 12345, 54321);
}

static void user_chmods(void)
{
    struct stat st;
    CHECK_ERRNO(chmod(P("roots"), 0777), EPERM);
    CHECK_EQ(stat(P("roots"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0666);
    CHECK_EQ(chmod(P("mine"), 0600), 0);
    CHECK_EQ(stat(P("mine"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0600);
    /* set-group-ID for a group the user is not in: silently dropped */
    CHECK_EQ(chmod(P("othergroup"), 02755), 0);
    CHECK_EQ(stat(P("othergroup"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0755);
    /* for its own group it stays */
    CHECK_EQ(chmod(P("mine"), 02755), 0);
    CHECK_EQ(stat(P("mine"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 02755);
}

static void user_chmod_member(void)
{
    struct stat st;
    CHECK_EQ(chmod(P("othergroup"), 02750), 0);
    CHECK_EQ(stat(P("othergroup"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 02750);
}

/* chmod: the owner only; set-group-ID needs membership in the group. */
static void posix_owner_chmod_rules(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("mine"), "x", 1) == 0);
    REQUIRE(chown(P("mine"), itest_user_uid, itest_user_gid) == 0);
    REQUIRE(write_file(P("othergroup"), "x", 1) == 0);
    REQUIRE(chown(P("othergroup"), itest_user_uid, OTHER_GID) == 0);
    REQUIRE(write_file(P("roots"), "x", 1) == 0);
    REQUIRE(chmod(P("roots"), 0666) == 0);
    itest_as_user(user_chmods, 0);
    itest_as_user(user_chmod_member, OTHER_GID);
}

static void user_chown_own(void)
{
    CHECK_EQ(chown(P("suid"), itest_user_uid, itest_user_gid), 0);
    CHECK_EQ(chown(P("sgid_noexec"), itest_user_uid, itest_user_gid), 0);
}

/* chown clears set-user-ID and set-group-ID (the latter only with group
 * execute: without it the bit means mandatory locking), for root too. */
static void posix_owner_chown_kills_suid(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("suid"), "x", 1) == 0);
    REQUIRE(chown(P("suid"), itest_user_uid, itest_user_gid) == 0);
    REQUIRE(chmod(P("suid"), 06755) == 0);
    REQUIRE(write_file(P("sgid_noexec"), "x", 1) == 0);
    REQUIRE(chown(P("sgid_noexec"), itest_user_uid, itest_user_gid) == 0);
    REQUIRE(chmod(P("sgid_noexec"), 02744) == 0);
    itest_as_user(user_chown_own, 0);
    struct stat st;
    CHECK_EQ(stat(P("suid"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0755);
    CHECK_EQ(stat(P("sgid_noexec"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 02744);
    /* root's chown clears them as well */
    REQUIRE(chmod(P("suid"), 04755) == 0);
    CHECK_EQ(chown(P("suid"), 0, 0), 0);
    CHECK_EQ(stat(P("suid"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0755);
    /* a directory keeps them */
    REQUIRE(mkdir(P("d"), 02755) == 0);
    REQUIRE(chmod(P("d"), 02755) == 0);
    CHECK_EQ(chown(P("d"), itest_user_uid, itest_user_gid), 0);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK_EQ(st.st_mode & 07777, 02755);
}

static void user_touches(void)
{
    struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
    /* explicit times: owner only, even with write permission */
    CHECK_ERRNO(utimensat(AT_FDCWD, P("writable"), ts, 0), EPERM);
    /* "now": anyone who may write */
    CHECK_EQ(utimensat(AT_FDCWD, P("writable"), NULL, 0), 0);
    CHECK_ERRNO(utimensat(AT_FDCWD, P("readonly"), NULL, 0), EACCES);
    CHECK_EQ(utimensat(AT_FDCWD, P("mine"), ts, 0), 0);
    struct stat st;
    CHECK_EQ(stat(P("mine"), &st), 0);
    CHECK_EQ(st.st_mtim.tv_sec, 2000);
}

static void posix_owner_utimes_rules(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("writable"), "x", 1) == 0);
    REQUIRE(chmod(P("writable"), 0666) == 0);
    REQUIRE(write_file(P("readonly"), "x", 1) == 0);
    REQUIRE(chmod(P("readonly"), 0644) == 0);
    REQUIRE(write_file(P("mine"), "x", 1) == 0);
    REQUIRE(chown(P("mine"), itest_user_uid, itest_user_gid) == 0);
    itest_as_user(user_touches, 0);
}

#define KERNEL_CHECKS "-o allow_other,default_permissions"
#define NO_DP "-o allow_other"

void posix_owner_tests(void)
{
    CASE(posix_owner_new_files, NO_DP, 0);
    CASE(posix_owner_sgid_dir, NO_DP, 0);
    CASE(posix_owner_chown_rules, NO_DP, 0);
    CASE(posix_owner_chmod_rules, NO_DP, 0);
    CASE(posix_owner_chown_kills_suid, NO_DP, 0);
    CASE(posix_owner_utimes_rules, NO_DP, 0);
    /* the same with the kernel checking */
    itest_case("posix_owner_new_files_dp", posix_owner_new_files,
               KERNEL_CHECKS, 0);
    itest_case("posix_owner_sgid_dir_dp", posix_owner_sgid_dir,
               KERNEL_CHECKS, 0);
    itest_case("posix_owner_chown_rules_dp", posix_owner_chown_rules,
               KERNEL_CHECKS, 0);
    itest_case("posix_owner_chmod_rules_dp", posix_owner_chmod_rules,
               KERNEL_CHECKS, 0);
    itest_case("posix_owner_chown_kills_suid_dp",
               posix_owner_chown_kills_suid, KERNEL_CHECKS, 0);
    itest_case("posix_owner_utimes_rules_dp", posix_owner_utimes_rules,
               KERNEL_CHECKS, 0);
}
