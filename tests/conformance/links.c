/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hard links, symbolic links and name limits: st_nlink, ELOOP,
 * ENAMETOOLONG, EMLINK. */
#include "ct.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hardlink(void)
{
    REQUIRE_OK(ct_write_file("a", "shared", 6));
    struct stat a, b, d0, d1;
    REQUIRE_OK(stat("a", &a));
    REQUIRE_OK(stat(".", &d0));
    CT_TICK();
    if (link("a", "b") == -1)
        FAIL("link(a, b) failed: %s (hard links unsupported)",
             ct_errname(errno));
    REQUIRE_OK(stat("b", &b));
    CHECK_EQ(b.st_ino, a.st_ino);
    CHECK_EQ(b.st_nlink, 2);
    CHECK(TS_GT(b.st_ctim, a.st_ctim));          /* link changes ctime */
    CHECK(TS_EQ(b.st_mtim, a.st_mtim));          /* but not mtime */
    CHECK_OK(stat(".", &d1));
    CHECK(TS_GT(d1.st_mtim, d0.st_mtim));
    CHECK_EQ(d1.st_nlink, d0.st_nlink);          /* files don't count */
    /* a write through one name is seen through the other */
    int fd = open("b", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "+more", 5), 5);
    close(fd);
    char buf[32] = "";
    CHECK_EQ(ct_read_file("a", buf, sizeof buf), 11);
    CHECK(memcmp(buf, "shared+more", 11) == 0);
    /* chmod through one name shows on the other */
    CHECK_OK(chmod("a", 0600));
    CHECK_OK(stat("b", &b));
    CHECK_EQ(b.st_mode & 07777, 0600);
    /* a third link in a subdirectory */
    REQUIRE_OK(mkdir("sub", 0755));
    CHECK_OK(link("b", "sub/c"));
    CHECK_OK(stat("a", &a));
    CHECK_EQ(a.st_nlink, 3);
    /* unlinking one name keeps the others */
    CHECK_OK(unlink("a"));
    CHECK_OK(stat("b", &b));
    CHECK_EQ(b.st_nlink, 2);
    CHECK_OK(unlink("b"));
    CHECK_OK(stat("sub/c", &b));
    CHECK_EQ(b.st_nlink, 1);
    CHECK_EQ(ct_read_file("sub/c", buf, sizeof buf), 11);
    /* an open descriptor of a linked file follows the count */
    fd = open("sub/c", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_OK(link("sub/c", "d"));
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_nlink, 2);
    CHECK_OK(unlink("sub/c"));
    CHECK_OK(unlink("d"));
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_nlink, 0);
    close(fd);
}

static void link_errors(void)
{
    REQUIRE_OK(ct_touch("a"));
    REQUIRE_OK(ct_touch("b"));
    REQUIRE_OK(mkdir("d", 0755));
    CHECK_ERR(link("a", "b"), EEXIST);
    CHECK_ERR(link("missing", "c"), ENOENT);
    CHECK_ERR(link("d", "e"), EPERM);            /* no links to directories */
    CHECK_ERR(link("a", "missing/x"), ENOENT);
    CHECK_ERR(link("a", "b/x"), ENOTDIR);
    /* link to a symlink links the symlink itself (Linux, no FOLLOW) */
    REQUIRE_OK(symlink("a", "s"));
    if (link("s", "s2") == 0) {
        struct stat sb;
        CHECK_OK(lstat("s2", &sb));
        CHECK(S_ISLNK(sb.st_mode));
        CHECK_EQ(sb.st_nlink, 2);
    } else {
        FAIL("link to a symlink: %s", ct_errname(errno));
    }
}

/* rename() onto another hard link of the same file does nothing. */
static void rename_onto_own_link(void)
{
    REQUIRE_OK(ct_write_file("a", "x", 1));
    REQUIRE_OK(link("a", "b"));
    CHECK_OK(rename("a", "b"));
    struct stat sa, sb;
    CHECK_OK(stat("a", &sa));
    CHECK_OK(stat("b", &sb));
    CHECK_EQ(sa.st_ino, sb.st_ino);
    CHECK_EQ(sb.st_nlink, 2);
}

static void symlinks(void)
{
    REQUIRE_OK(ct_write_file("t", "target", 6));
    REQUIRE_OK(symlink("t", "s"));
    char buf[PATH_MAX];
    ssize_t n = readlink("s", buf, sizeof buf);
    CHECK_EQ(n, 1);
    CHECK(n == 1 && buf[0] == 't');
    struct stat ls, ts;
    CHECK_OK(lstat("s", &ls));
    CHECK(S_ISLNK(ls.st_mode));
    CHECK_EQ(ls.st_size, 1);
    CHECK_OK(stat("s", &ts));
    CHECK(S_ISREG(ts.st_mode));
    CHECK_EQ(ts.st_size, 6);
    CHECK_ERR(readlink("t", buf, sizeof buf), EINVAL);
    /* a long target round-trips */
    char tgt[1024];
    memset(tgt, 'x', sizeof tgt - 1);
    tgt[sizeof tgt - 1] = 0;
    for (int i = 100; i < 1000; i += 100)
        tgt[i] = '/';
    CHECK_OK(symlink(tgt, "long"));
    n = readlink("long", buf, sizeof buf);
    CHECK_EQ(n, (long)strlen(tgt));
    CHECK(n > 0 && memcmp(buf, tgt, (size_t)n) == 0);
    /* truncated readlink */
    CHECK_EQ(readlink("long", buf, 10), 10);
    CHECK_ERR(symlink("x", "t"), EEXIST);
    CHECK_ERR(symlink("", "empty"), ENOENT);
    CHECK_ERR(open("s", O_RDONLY | O_NOFOLLOW), ELOOP);
}

static void eloop(void)
{
    REQUIRE_OK(symlink("l2", "l1"));
    REQUIRE_OK(symlink("l1", "l2"));
    CHECK_ERR(open("l1", O_RDONLY), ELOOP);
    struct stat sb;
    CHECK_ERR(stat("l1", &sb), ELOOP);
    CHECK_OK(lstat("l1", &sb));
    REQUIRE_OK(symlink("self", "self"));
    CHECK_ERR(open("self/x", O_RDONLY), ELOOP);
    /* a chain of 41 links exceeds the kernel's 40 */
    REQUIRE_OK(ct_touch("end"));
    char a[16], b[16];
    REQUIRE_OK(symlink("end", "c0"));
    for (int i = 1; i <= 41; i++) {
        snprintf(a, sizeof a, "c%d", i - 1);
        snprintf(b, sizeof b, "c%d", i);
        REQUIRE_OK(symlink(a, b));
    }
    CHECK_OK(stat("c39", &sb));
    CHECK_ERR(stat("c41", &sb), ELOOP);
}

static void enametoolong(void)
{
    char name[300];
    memset(name, 'n', 255);
    name[255] = 0;
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);                              /* 255 bytes is fine */
    if (fd >= 0)
        close(fd);
    struct stat sb;
    CHECK_OK(stat(name, &sb));
    memset(name, 'm', 256);
    name[256] = 0;
    CHECK_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);
    CHECK_ERR(stat(name, &sb), ENAMETOOLONG);
    CHECK_ERR(symlink("x", name), ENAMETOOLONG);
    REQUIRE_OK(ct_touch("short"));
    CHECK_ERR(rename("short", name), ENAMETOOLONG);
    CHECK_ERR(link("short", name), ENAMETOOLONG);
    /* a path longer than PATH_MAX */
    size_t len = PATH_MAX + 10;
    char *p = malloc(len + 1);
    REQUIRE(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (i % 4 == 3) ? '/' : 'p';
    p[len] = 0;
    CHECK_ERR(stat(p, &sb), ENAMETOOLONG);
    free(p);
}

static void emlink(void)
{
    /* Only meaningful where the file system has a small link limit:
     * try a bounded number of links; tmpfs has none. */
    REQUIRE_OK(ct_touch("f"));
    REQUIRE_OK(mkdir("l", 0755));
    char n[64];
    int i;
    for (i = 0; i < 2000; i++) {
        snprintf(n, sizeof n, "l/%d", i);
        if (link("f", n) == -1)
            break;
    }
    if (i == 2000)
        SKIP("EMLINK unreachable: 2000 links accepted");
    if (errno != EMLINK)
        FAIL("link number %d failed with %s, expected EMLINK", i + 1,
             ct_errname(errno));
    struct stat sb;
    CHECK_OK(stat("f", &sb));
    CHECK_EQ(sb.st_nlink, i + 1);
}

const struct ct_case ct_links_cases[] = {
    { "link_hard", hardlink, 0 },
    { "link_errors", link_errors, 0 },
    { "link_rename_onto_own_link", rename_onto_own_link, 0 },
    { "link_symlink", symlinks, 0 },
    { "link_eloop", eloop, 0 },
    { "name_too_long", enametoolong, 0 },
    { "link_emlink", emlink, 0 },
    { NULL, NULL, 0 },
};
