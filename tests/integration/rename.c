/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rename(2) and renameat2(2). */
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

static void rename_simple(void)
{
    REQUIRE(write_file(P("a"), "content", 7) == 0);
    struct stat st0, st;
    CHECK_EQ(stat(P("a"), &st0), 0);
    CHECK_EQ(rename(P("a"), P("b")), 0);
    CHECK_ERRNO(stat(P("a"), &st), ENOENT);
    CHECK_EQ(stat(P("b"), &st), 0);
    CHECK_EQ(st.st_ino, st0.st_ino);
    char buf[16] = "";
    CHECK_EQ(read_file(P("b"), buf, sizeof buf), 7);
    CHECK(strcmp(buf, "content") == 0);
    /* to itself: no-op */
    CHECK_EQ(rename(P("b"), P("b")), 0);
    CHECK_EQ(stat(P("b"), &st), 0);
    CHECK_ERRNO(rename(P("missing"), P("c")), ENOENT);
    CHECK_ERRNO(rename(P("b"), P("nodir/c")), ENOENT);
    /* an open descriptor follows the file */
    int fd = open(P("b"), O_RDWR);
    REQUIRE(fd >= 0);
    CHECK_EQ(rename(P("b"), P("c")), 0);
    CHECK_EQ(pwrite(fd, "C", 1, 0), 1);
    close(fd);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("c"), buf, sizeof buf), 7);
    CHECK(strcmp(buf, "Content") == 0);
    CHECK_EQ(drop_caches(), 0);
    CHECK_ERRNO(stat(P("b"), &st), ENOENT);
    CHECK_EQ(stat(P("c"), &st), 0);
    CHECK_EQ(st.st_ino, st0.st_ino);
}

static void rename_over_file(void)
{
    REQUIRE(write_file(P("src"), "new content", 11) == 0);
    REQUIRE(write_file(P("dst"), "old content that is longer", 26) == 0);
    struct stat s0, d0, st;
    CHECK_EQ(stat(P("src"), &s0), 0);
    CHECK_EQ(stat(P("dst"), &d0), 0);
    /* keep the old target open: it lives on, unlinked */
    int fd = open(P("dst"), O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(rename(P("src"), P("dst")), 0);
    CHECK_ERRNO(stat(P("src"), &st), ENOENT);
    CHECK_EQ(stat(P("dst"), &st), 0);
    CHECK_EQ(st.st_ino, s0.st_ino);
    CHECK_EQ(st.st_size, 11);
    char buf[64] = "";
    CHECK_EQ(read_file(P("dst"), buf, sizeof buf), 11);
    CHECK(strcmp(buf, "new content") == 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_ino, d0.st_ino);
    CHECK_EQ(st.st_nlink, 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 26);
    CHECK(strcmp(buf, "old content that is longer") == 0);
    close(fd);
    /* only one entry remains */
    CHECK_EQ(drop_caches(), 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("dst"), buf, sizeof buf), 11);
    CHECK(strcmp(buf, "new content") == 0);
    /* type mismatches */
    CHECK_EQ(mkdir(P("dir"), 0755), 0);
    CHECK_ERRNO(rename(P("dst"), P("dir")), EISDIR);
    CHECK_ERRNO(rename(P("dir"), P("dst")), ENOTDIR);
    /* over an empty directory: allowed for a directory */
    CHECK_EQ(mkdir(P("dir2"), 0755), 0);
    CHECK_EQ(stat(P("dir2"), &d0), 0);
    CHECK_EQ(rename(P("dir"), P("dir2")), 0);
    CHECK_ERRNO(stat(P("dir"), &st), ENOENT);
    CHECK_EQ(stat(P("dir2"), &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK(st.st_ino != d0.st_ino);
}

static void rename_across_dirs(void)
{
    REQUIRE(mkdir(P("d1"), 0755) == 0);
    REQUIRE(mkdir(P("d2"), 0755) == 0);
    REQUIRE(write_file(P("d1/f"), "moving", 6) == 0);
    struct stat st;
    CHECK_EQ(rename(P("d1/f"), P("d2/g")), 0);
    CHECK_ERRNO(stat(P("d1/f"), &st), ENOENT);
    char buf[16] = "";
    CHECK_EQ(read_file(P("d2/g"), buf, sizeof buf), 6);
    CHECK(strcmp(buf, "moving") == 0);
    CHECK_EQ(rmdir(P("d1")), 0);
    CHECK_ERRNO(rmdir(P("d2")), ENOTEMPTY);
    /* and back up to the root */
    CHECK_EQ(rename(P("d2/g"), P("top")), 0);
    CHECK_EQ(rmdir(P("d2")), 0);
    CHECK_EQ(stat(P("top"), &st), 0);
}

static void rename_dir(void)
{
    REQUIRE(mkdir(P("a"), 0755) == 0);
    REQUIRE(mkdir(P("a/sub"), 0755) == 0);
    REQUIRE(write_file(P("a/sub/f"), "deep", 4) == 0);
    REQUIRE(write_file(P("a/g"), "shallow", 7) == 0);
    REQUIRE(mkdir(P("other"), 0755) == 0);
    struct stat root0, other0, st;
    CHECK_EQ(stat(itest_mnt, &root0), 0);
    CHECK_EQ(stat(P("other"), &other0), 0);
    /* rename a directory with children into another directory */
    CHECK_EQ(rename(P("a"), P("other/b")), 0);
    CHECK_ERRNO(stat(P("a"), &st), ENOENT);
    CHECK_ERRNO(stat(P("a/sub/f"), &st), ENOENT);
    char buf[16] = "";
    CHECK_EQ(read_file(P("other/b/sub/f"), buf, sizeof buf), 4);
    CHECK(strcmp(buf, "deep") == 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("other/b/g"), buf, sizeof buf), 7);
    CHECK(strcmp(buf, "shallow") == 0);
    /* .. moved with it, and the link counts follow */
    CHECK_EQ(stat(P("other/b/.."), &st), 0);
    CHECK_EQ(st.st_ino, other0.st_ino);
    CHECK_EQ(stat(P("other"), &st), 0);
    CHECK_EQ(st.st_nlink, other0.st_nlink + 1);
    CHECK_EQ(stat(itest_mnt, &st), 0);
    CHECK_EQ(st.st_nlink, root0.st_nlink - 1);
    /* new things created under the new name; survives cache drop */
    CHECK_EQ(write_file(P("other/b/sub/new"), "n", 1), 0);
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(stat(P("other/b/sub/new"), &st), 0);
    CHECK_EQ(stat(P("other/b/sub/f"), &st), 0);
    CHECK_ERRNO(stat(P("a"), &st), ENOENT);
    /* a cwd inside the renamed directory keeps working */
    int dfd = open(P("other/b/sub"), O_RDONLY | O_DIRECTORY);
    REQUIRE(dfd >= 0);
    CHECK_EQ(rename(P("other/b"), P("c")), 0);
    CHECK_EQ(fstatat(dfd, "f", &st, 0), 0);
    CHECK_EQ(fstatat(dfd, "..", &st, 0), 0);
    struct stat cst;
    CHECK_EQ(stat(P("c"), &cst), 0);
    CHECK_EQ(st.st_ino, cst.st_ino);
    close(dfd);
}

static void rename_dir_errors(void)
{
    REQUIRE(mkdir(P("a"), 0755) == 0);
    REQUIRE(mkdir(P("a/b"), 0755) == 0);
    REQUIRE(mkdir(P("a/b/c"), 0755) == 0);
    REQUIRE(mkdir(P("full"), 0755) == 0);
    REQUIRE(write_file(P("full/f"), "x", 1) == 0);
    struct stat st;
    /* onto a non-empty directory */
    CHECK_ERRNO(rename(P("a"), P("full")), ENOTEMPTY);
    CHECK_EQ(stat(P("full/f"), &st), 0);
    CHECK_EQ(stat(P("a/b/c"), &st), 0);
    /* into its own subdirectory */
    CHECK_ERRNO(rename(P("a"), P("a/b/x")), EINVAL);
    CHECK_ERRNO(rename(P("a"), P("a/b/c/x")), EINVAL);
    CHECK_ERRNO(rename(P("a"), P("a/x")), EINVAL);
    CHECK_EQ(stat(P("a/b/c"), &st), 0);
    /* a directory onto its own (non-empty) child */
    CHECK_ERRNO(rename(P("a"), P("a/b")), EINVAL);
}

static void rename_noreplace(void)
{
    REQUIRE(write_file(P("a"), "A", 1) == 0);
    REQUIRE(write_file(P("b"), "B", 1) == 0);
    CHECK_ERRNO(renameat2(AT_FDCWD, P("a"), AT_FDCWD, P("b"), RENAME_NOREPLACE),
                EEXIST);
    char buf[4] = "";
    CHECK_EQ(read_file(P("a"), buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'A');
    CHECK_EQ(read_file(P("b"), buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'B');
    CHECK_EQ(renameat2(AT_FDCWD, P("a"), AT_FDCWD, P("c"), RENAME_NOREPLACE), 0);
    struct stat st;
    CHECK_ERRNO(stat(P("a"), &st), ENOENT);
    CHECK_EQ(read_file(P("c"), buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'A');
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    CHECK_ERRNO(renameat2(AT_FDCWD, P("c"), AT_FDCWD, P("d"), RENAME_NOREPLACE),
                EEXIST);
}

void rename_tests(void)
{
    CASE(rename_simple, NULL, 0);
    CASE(rename_over_file, NULL, 0);
    CASE(rename_across_dirs, NULL, 0);
    CASE(rename_dir, NULL, 0);
    CASE(rename_dir_errors, NULL, 0);
    CASE(rename_noreplace, NULL, 0);
}
