/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Symbolic links. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void symlink_basic(void)
{
    REQUIRE(write_file(P("target"), "through the link", 16) == 0);
    CHECK_EQ(symlink("target", P("link")), 0);
    char buf[256] = "";
    CHECK_EQ(readlink(P("link"), buf, sizeof buf), 6);
    CHECK(memcmp(buf, "target", 6) == 0);
    /* a short buffer truncates without a NUL */
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(readlink(P("link"), buf, 3), 3);
    CHECK(memcmp(buf, "tarx", 4) == 0);
    struct stat st, lst, tst;
    CHECK_EQ(stat(P("target"), &tst), 0);
    CHECK_EQ(stat(P("link"), &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_ino, tst.st_ino);
    CHECK_EQ(st.st_size, 16);
    CHECK_EQ(lstat(P("link"), &lst), 0);
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_EQ(lst.st_size, 6);
    CHECK(lst.st_ino != tst.st_ino);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("link"), buf, sizeof buf), 16);
    CHECK(strcmp(buf, "through the link") == 0);
    /* write through the link */
    int fd = open(P("link"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "!", 1), 1);
        close(fd);
    }
    CHECK_EQ(stat(P("target"), &tst), 0);
    CHECK_EQ(tst.st_size, 17);
    CHECK_ERRNO(open(P("link"), O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERRNO(symlink("x", P("link")), EEXIST);
    CHECK_ERRNO(readlink(P("target"), buf, sizeof buf), EINVAL);

    /* a link to a directory, absolute and relative, long target */
    CHECK_EQ(mkdir(P("dir"), 0755), 0);
    CHECK_EQ(write_file(P("dir/inside"), "in", 2), 0);
    CHECK_EQ(symlink(P("dir"), P("abs")), 0);
    CHECK_EQ(symlink("../dir", P("dir/up")), 0);
    CHECK_EQ(stat(P("abs/inside"), &st), 0);
    CHECK_EQ(stat(P("dir/up/inside"), &st), 0);
    char longt[1001];
    memset(longt, 'q', 1000);
    longt[1000] = 0;
    CHECK_EQ(symlink(longt, P("long")), 0);
    static char lbuf[4096];
    CHECK_EQ(readlink(P("long"), lbuf, sizeof lbuf), 1000);
    CHECK(memcmp(lbuf, longt, 1000) == 0);
    CHECK_EQ(lstat(P("long"), &lst), 0);
    CHECK_EQ(lst.st_size, 1000);
    /* removing the link leaves the target */
    CHECK_EQ(unlink(P("link")), 0);
    CHECK_EQ(stat(P("target"), &st), 0);
    CHECK_EQ(drop_caches(), 0);
    memset(lbuf, 0, sizeof lbuf);
    CHECK_EQ(readlink(P("long"), lbuf, sizeof lbuf), 1000);
    CHECK(memcmp(lbuf, longt, 1000) == 0);
}

static void symlink_dangling(void)
{
    CHECK_EQ(symlink("nowhere", P("dangling")), 0);
    struct stat st;
    CHECK_ERRNO(stat(P("dangling"), &st), ENOENT);
    CHECK_EQ(lstat(P("dangling"), &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 7);
    char buf[32] = "";
    CHECK_EQ(readlink(P("dangling"), buf, sizeof buf), 7);
    CHECK(memcmp(buf, "nowhere", 7) == 0);
    CHECK_ERRNO(open(P("dangling"), O_RDONLY), ENOENT);
    /* O_CREAT through a dangling link creates the target */
    int fd = open(P("dangling"), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_EQ(stat(P("nowhere"), &st), 0);
    CHECK_EQ(stat(P("dangling"), &st), 0);
    /* a loop */
    CHECK_EQ(symlink("loop2", P("loop1")), 0);
    CHECK_EQ(symlink("loop1", P("loop2")), 0);
    CHECK_ERRNO(stat(P("loop1"), &st), ELOOP);
    /* rename of a link renames the link, not the target */
    CHECK_EQ(rename(P("dangling"), P("renamed")), 0);
    CHECK_EQ(lstat(P("renamed"), &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(stat(P("nowhere"), &st), 0);
}

void symlink_tests(void)
{
    CASE(symlink_basic, NULL, 0);
    CASE(symlink_dangling, NULL, 0);
}
