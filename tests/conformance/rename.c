/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rename and renameat2: replacing, RENAME_NOREPLACE, RENAME_EXCHANGE,
 * EXDEV, ENOTEMPTY, EINVAL, EISDIR/ENOTDIR mixes, directory parents. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif

static int rename2(const char *a, const char *b, unsigned flags)
{
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void basic(void)
{
    REQUIRE_OK(ct_write_file("a", "AAA", 3));
    REQUIRE_OK(ct_write_file("b", "B", 1));
    struct stat sa, sb;
    REQUIRE_OK(stat("a", &sa));
    CHECK_OK(rename("a", "b"));                 /* replaces b */
    CHECK_ERR(access("a", F_OK), ENOENT);
    CHECK_OK(stat("b", &sb));
    CHECK_EQ(sb.st_ino, sa.st_ino);
    CHECK_EQ(sb.st_size, 3);
    CHECK_OK(rename("b", "b"));                 /* onto itself: no-op */
    CHECK_OK(stat("b", &sb));
    CHECK_EQ(sb.st_ino, sa.st_ino);
    CHECK_ERR(rename("missing", "c"), ENOENT);
    CHECK_ERR(rename("b", "missing/c"), ENOENT);
    CHECK_ERR(rename("b/x", "c"), ENOTDIR);
    /* a symlink is renamed, not its target */
    REQUIRE_OK(symlink("b", "l"));
    CHECK_OK(rename("l", "l2"));
    CHECK_OK(lstat("l2", &sb));
    CHECK(S_ISLNK(sb.st_mode));
    CHECK_OK(stat("b", &sb));
    /* many renames keep content and identity */
    char from[32], to[32];
    for (int i = 0; i < 50; i++) {
        snprintf(from, sizeof from, i ? "n%d" : "b", i - 1);
        snprintf(to, sizeof to, "n%d", i);
        CHECK_OK(rename(from, to));
    }
    char buf[8] = "";
    CHECK_EQ(ct_read_file("n49", buf, sizeof buf), 3);
    CHECK(memcmp(buf, "AAA", 3) == 0);
    /* an open descriptor follows its file across a rename */
    int fd = open("n49", O_RDWR);
    CHECK_OK(rename("n49", "final"));
    CHECK_EQ(pwrite(fd, "Z", 1, 0), 1);
    close(fd);
    CHECK_EQ(ct_read_file("final", buf, sizeof buf), 3);
    CHECK(buf[0] == 'Z');
}

static void noreplace(void)
{
    REQUIRE_OK(ct_write_file("a", "A", 1));
    REQUIRE_OK(ct_write_file("b", "B", 1));
    int r = rename2("a", "b", RENAME_NOREPLACE);
    if (r == -1 && errno == ENOSYS)
        SKIP("renameat2: ENOSYS from the kernel");
    CHECK(r == -1 && errno == EEXIST);
    char c = 0;
    CHECK_EQ(ct_read_file("b", &c, 1), 1);
    CHECK_EQ(c, 'B');
    CHECK_OK(rename2("a", "c", RENAME_NOREPLACE));
    CHECK_ERR(access("a", F_OK), ENOENT);
    CHECK_EQ(ct_read_file("c", &c, 1), 1);
    CHECK_EQ(c, 'A');
    REQUIRE_OK(mkdir("d", 0755));
    CHECK_ERR(rename2("c", "d", RENAME_NOREPLACE), EEXIST);
    REQUIRE_OK(symlink("nowhere", "dangling"));
    CHECK_ERR(rename2("c", "dangling", RENAME_NOREPLACE), EEXIST);
    CHECK_ERR(rename2("c", "b", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
}

static void exchange(void)
{
    REQUIRE_OK(ct_write_file("a", "A", 1));
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(ct_write_file("d/in", "I", 1));
    REQUIRE_OK(mkdir("e", 0755));
    struct stat sa, sd, sa2, sd2, e0, e1;
    REQUIRE_OK(stat("a", &sa));
    REQUIRE_OK(stat("d", &sd));
    REQUIRE_OK(stat("e", &e0));
    /* file <-> directory */
    int r = rename2("a", "d", RENAME_EXCHANGE);
    if (r == -1 && (errno == ENOSYS))
        SKIP("renameat2: ENOSYS from the kernel");
    if (r == -1)
        FAIL("RENAME_EXCHANGE of a file and a directory: %s",
             ct_errname(errno));
    REQUIRE(r == 0);
    CHECK_OK(stat("a", &sa2));
    CHECK_OK(stat("d", &sd2));
    CHECK_EQ(sa2.st_ino, sd.st_ino);
    CHECK(S_ISDIR(sa2.st_mode));
    CHECK_EQ(sd2.st_ino, sa.st_ino);
    CHECK(S_ISREG(sd2.st_mode));
    CHECK_OK(access("a/in", F_OK));
    /* across directories: the moved directory's ".." follows */
    CHECK_OK(rename2("a", "e/x", RENAME_NOREPLACE));
    REQUIRE_OK(ct_touch("e/y"));
    CHECK_OK(rename2("e/x", "d", RENAME_EXCHANGE));     /* dir to top */
    CHECK_OK(stat("d/..", &sd2));
    struct stat dot;
    CHECK_OK(stat(".", &dot));
    CHECK_EQ(sd2.st_ino, dot.st_ino);
    CHECK_OK(stat("e", &e1));
    CHECK_EQ(e1.st_nlink, e0.st_nlink);                 /* a dir left, a file came */
    CHECK_OK(stat("e/x", &sa2));
    CHECK(S_ISREG(sa2.st_mode));
    /* two files */
    REQUIRE_OK(ct_write_file("p", "P", 1));
    REQUIRE_OK(ct_write_file("q", "Q", 1));
    CHECK_OK(rename2("p", "q", RENAME_EXCHANGE));
    char c = 0;
    CHECK_EQ(ct_read_file("p", &c, 1), 1);
    CHECK_EQ(c, 'Q');
    CHECK_EQ(ct_read_file("q", &c, 1), 1);
    CHECK_EQ(c, 'P');
    CHECK_ERR(rename2("p", "missing", RENAME_EXCHANGE), ENOENT);
    CHECK_ERR(rename2("missing", "p", RENAME_EXCHANGE), ENOENT);
}

static void exdev(void)
{
    struct stat here, tmp;
    REQUIRE_OK(stat(".", &here));
    if (stat("/tmp", &tmp) == -1 || tmp.st_dev == here.st_dev)
        SKIP("/tmp is missing or on the file system under test");
    REQUIRE_OK(ct_write_file("f", "x", 1));
    REQUIRE_OK(mkdir("d", 0755));
    char out[64];
    snprintf(out, sizeof out, "/tmp/fsp-tests-exdev.%d", (int)getpid());
    CHECK_ERR(rename("f", out), EXDEV);
    CHECK_ERR(rename("d", out), EXDEV);
    CHECK_ERR(link("f", out), EXDEV);
    CHECK_OK(access("f", F_OK));
    CHECK_ERR(access(out, F_OK), ENOENT);
    unlink(out);
    rmdir(out);
}

static void notempty(void)
{
    REQUIRE_OK(mkdir("a", 0755));
    REQUIRE_OK(mkdir("b", 0755));
    REQUIRE_OK(ct_touch("b/f"));
    CHECK_ERR2(rename("a", "b"), ENOTEMPTY, EEXIST);
    CHECK_OK(access("a", F_OK));
    CHECK_OK(access("b/f", F_OK));
    CHECK_ERR2(rmdir("b"), ENOTEMPTY, EEXIST);
    /* onto an empty directory: replaces it */
    REQUIRE_OK(mkdir("c", 0755));
    struct stat sa, sc, dot0, dot1;
    REQUIRE_OK(stat("a", &sa));
    REQUIRE_OK(stat(".", &dot0));
    CHECK_OK(rename("a", "c"));
    CHECK_OK(stat("c", &sc));
    CHECK_EQ(sc.st_ino, sa.st_ino);
    CHECK_ERR(access("a", F_OK), ENOENT);
    CHECK_OK(stat(".", &dot1));
    CHECK_EQ(dot1.st_nlink, dot0.st_nlink - 1);
}

static void into_self(void)
{
    REQUIRE_OK(mkdir("a", 0755));
    REQUIRE_OK(mkdir("a/b", 0755));
    REQUIRE_OK(mkdir("a/b/c", 0755));
    CHECK_ERR(rename("a", "a/b/c/d"), EINVAL);
    CHECK_ERR(rename("a", "a/x"), EINVAL);
    CHECK_ERR(rename("a/b", "a/b/c/x"), EINVAL);
    CHECK_ERR(rename(".", "x"), EBUSY);                 /* "." */
    CHECK_ERR(rename("a/b/..", "x"), EBUSY);
    CHECK_ERR(rename("a/b", "a/b/c/.."), EBUSY);
    CHECK_OK(access("a/b/c", F_OK));
}

static void isdir_notdir(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(mkdir("e", 0755));
    REQUIRE_OK(ct_touch("f"));
    REQUIRE_OK(symlink("d", "ld"));
    CHECK_ERR(rename("f", "d"), EISDIR);         /* file onto dir */
    CHECK_ERR(rename("d", "f"), ENOTDIR);        /* dir onto file */
    CHECK_ERR(rename("d", "ld"), ENOTDIR);       /* dir onto symlink */
    CHECK_ERR(rename("f", "f/x"), ENOTDIR);
    CHECK_ERR(rename("f/", "g"), ENOTDIR);       /* trailing slash */
    CHECK_ERR(rename("f", "g/"), ENOTDIR);
    CHECK_OK(rename("d/", "e/"));               /* dir with slashes is fine */
    CHECK_ERR(access("d", F_OK), ENOENT);
    CHECK_OK(rename("ld", "e2"));               /* symlink onto nothing */
    struct stat sb;
    CHECK_OK(lstat("e2", &sb));
    CHECK(S_ISLNK(sb.st_mode));
    REQUIRE_OK(mkdir("h", 0755));
    CHECK_ERR(rename("e2", "h"), EISDIR);        /* symlink onto dir */
}

/* Moving a directory updates ".." and both parents' link counts. */
static void dir_parents(void)
{
    REQUIRE_OK(mkdir("p1", 0755));
    REQUIRE_OK(mkdir("p2", 0755));
    REQUIRE_OK(mkdir("p1/c", 0755));
    REQUIRE_OK(ct_touch("p1/c/f"));
    struct stat p1, p2, c, dd;
    CHECK_OK(stat("p1", &p1));
    CHECK_EQ(p1.st_nlink, 3);
    CHECK_OK(rename("p1/c", "p2/c"));
    CHECK_OK(stat("p1", &p1));
    CHECK_OK(stat("p2", &p2));
    CHECK_EQ(p1.st_nlink, 2);
    CHECK_EQ(p2.st_nlink, 3);
    CHECK_OK(stat("p2/c/..", &dd));
    CHECK_EQ(dd.st_ino, p2.st_ino);
    CHECK_OK(stat("p2/c", &c));
    CHECK_EQ(c.st_nlink, 2);
    CHECK_OK(access("p2/c/f", F_OK));
    /* a cwd inside the moved directory keeps working */
    REQUIRE_OK(chdir("p2/c"));
    char back[4096];
    snprintf(back, sizeof back, "%s/p2/c", ct_casedir);
    CHECK_OK(rename(back, "../../p1/c2"));
    CHECK_OK(access("f", F_OK));
    CHECK_OK(stat("..", &dd));
    struct stat p1b;
    CHECK_OK(chdir(ct_casedir));
    CHECK_OK(stat("p1", &p1b));
    CHECK_EQ(dd.st_ino, p1b.st_ino);
}

const struct ct_case ct_rename_cases[] = {
    { "rename_basic", basic, 0 },
    { "rename_noreplace", noreplace, 0 },
    { "rename_exchange", exchange, 0 },
    { "rename_exdev", exdev, 0 },
    { "rename_enotempty", notempty, 0 },
    { "rename_into_self", into_self, 0 },
    { "rename_isdir_notdir", isdir_notdir, 0 },
    { "rename_dir_parents", dir_parents, 0 },
    { NULL, NULL, 0 },
};
