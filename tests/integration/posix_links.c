/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hard links: link(2), st_nlink, unlink of one name keeping the others,
 * rename onto a link of the same file.  Same results on tmpfs. */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void posix_link_basic(void)
{
    REQUIRE(write_file(P("f"), "hello", 5) == 0);
    CHECK_EQ(link(P("f"), P("g")), 0);
    struct stat a, b;
    CHECK_EQ(stat(P("f"), &a), 0);
    CHECK_EQ(stat(P("g"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_nlink, 2);
    CHECK_EQ(b.st_nlink, 2);
    /* one file: a write through one name shows through the other */
    int fd = open(P("g"), O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, " you", 4), 4);
    close(fd);
    char buf[32] = "";
    CHECK_EQ(read_file(P("f"), buf, sizeof buf), 9);
    CHECK(memcmp(buf, "hello you", 9) == 0);
    /* unlink of one name keeps the other, with nlink back to 1 */
    CHECK_EQ(unlink(P("f")), 0);
    CHECK_EQ(stat(P("g"), &b), 0);
    CHECK_EQ(b.st_nlink, 1);
    CHECK_EQ(b.st_ino, a.st_ino);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("g"), buf, sizeof buf), 9);
    CHECK(memcmp(buf, "hello you", 9) == 0);
    /* and the same after the kernel forgot everything it cached */
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(stat(P("g"), &b), 0);
    CHECK_EQ(b.st_nlink, 1);
    struct stat st;
    CHECK_ERRNO(stat(P("f"), &st), ENOENT);
}

static void posix_link_errors(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(write_file(P("other"), "y", 1) == 0);
    REQUIRE(mkdir(P("d"), 0755) == 0);
    CHECK_ERRNO(link(P("f"), P("other")), EEXIST);
    CHECK_ERRNO(link(P("f"), P("d")), EEXIST);
    CHECK_ERRNO(link(P("d"), P("d2")), EPERM);
    CHECK_ERRNO(link(P("missing"), P("x")), ENOENT);
    CHECK_ERRNO(link(P("f"), P("nodir/x")), ENOENT);
    CHECK_ERRNO(link(P("f"), P("other/x")), ENOTDIR);
    struct stat st;
    CHECK_EQ(stat(P("f"), &st), 0);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    /* a removed directory takes no new names */
    int dfd = open(P("d"), O_RDONLY | O_DIRECTORY);
    REQUIRE(dfd >= 0);
    CHECK_EQ(rmdir(P("d")), 0);
    int fd = open(P("f"), O_RDONLY);
    CHECK(fd >= 0);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    CHECK_ERRNO(linkat(AT_FDCWD, proc, dfd, "x", AT_SYMLINK_FOLLOW), ENOENT);
    close(fd);
    close(dfd);
}

/* Links across directories, many links, and names that all go away
 * while the file is open. */
static void posix_link_many(void)
{
    REQUIRE(mkdir(P("a"), 0755) == 0);
    REQUIRE(mkdir(P("b"), 0755) == 0);
    REQUIRE(write_file(P("a/f"), "data", 4) == 0);
    for (int i = 0; i < 50; i++)
        CHECK_EQ(link(P("a/f"), P("b/l%02d", i)), 0);
    struct stat st;
    CHECK_EQ(stat(P("a/f"), &st), 0);
    CHECK_EQ(st.st_nlink, 51);
    ino_t ino = st.st_ino;
    /* every directory entry shows the same inode */
    DIR *d = opendir(P("b"));
    REQUIRE(d != NULL);
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        CHECK_EQ(e->d_ino, ino);
        seen++;
    }
    closedir(d);
    CHECK_EQ(seen, 50);
    /* directories' link counts do not change: files are not subdirs */
    CHECK_EQ(stat(P("b"), &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    int fd = open(P("b/l07"), O_RDWR);
    REQUIRE(fd >= 0);
    CHECK_EQ(unlink(P("a/f")), 0);
    for (int i = 0; i < 50; i++)
        CHECK_EQ(unlink(P("b/l%02d", i)), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    char buf[8] = "";
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 4);
    CHECK(memcmp(buf, "data", 4) == 0);
    CHECK_EQ(pwrite(fd, "more", 4, 4), 4);
    close(fd);
    CHECK_EQ(rmdir(P("a")), 0);
    CHECK_EQ(rmdir(P("b")), 0);
}

/* rename() between two links of one file does nothing and succeeds. */
static void posix_link_rename_self(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(link(P("f"), P("g")) == 0);
    CHECK_EQ(rename(P("f"), P("g")), 0);
    struct stat a, b;
    CHECK_EQ(stat(P("f"), &a), 0);
    CHECK_EQ(stat(P("g"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_nlink, 2);
    /* renaming a link over another file replaces that file only */
    REQUIRE(write_file(P("h"), "h", 1) == 0);
    CHECK_EQ(rename(P("g"), P("h")), 0);
    CHECK_EQ(stat(P("h"), &b), 0);
    CHECK_EQ(b.st_ino, a.st_ino);
    CHECK_EQ(b.st_nlink, 2);
    struct stat st;
    CHECK_ERRNO(stat(P("g"), &st), ENOENT);
}

/* linkat() of a symlink links the symlink itself (no AT_SYMLINK_FOLLOW). */
static void posix_link_symlink(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(symlink("f", P("s")) == 0);
    CHECK_EQ(linkat(AT_FDCWD, P("s"), AT_FDCWD, P("s2"), 0), 0);
    struct stat a, b;
    CHECK_EQ(lstat(P("s"), &a), 0);
    CHECK_EQ(lstat(P("s2"), &b), 0);
    CHECK(S_ISLNK(b.st_mode));
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(b.st_nlink, 2);
    char t[16] = "";
    CHECK_EQ(readlink(P("s2"), t, sizeof t), 1);
    CHECK_EQ(t[0], 'f');
    /* with AT_SYMLINK_FOLLOW the target is linked */
    CHECK_EQ(linkat(AT_FDCWD, P("s"), AT_FDCWD, P("f2"), AT_SYMLINK_FOLLOW), 0);
    CHECK_EQ(stat(P("f"), &a), 0);
    CHECK_EQ(lstat(P("f2"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(b.st_nlink, 2);
}

#define NFILES 8
#define NNAMES 32

/* One process's share of the churn: link, unlink and rename names in b/
 * that point at the files in a/.  Failures from races with the other
 * processes (EEXIST, ENOENT) are expected; anything else is not. */
static int churn(unsigned seed)
{
    for (int i = 0; i < 400; i++) {
        int f = (int)(rand_r(&seed) % NFILES), a = (int)(rand_r(&seed) % NNAMES);
        int b = (int)(rand_r(&seed) % NNAMES), r = 0;
        switch (rand_r(&seed) % 3) {
        case 0:
            r = link(P("a/f%d", f), P("b/n%d", a));
            break;
        case 1:
            r = unlink(P("b/n%d", a));
            break;
        default:
            r = rename(P("b/n%d", a), P("b/n%d", b));
            break;
        }
        if (r != 0 && errno != EEXIST && errno != ENOENT) {
            printf("  churn: unexpected %s\n", strerror(errno));
            return 1;
        }
    }
    return 0;
}

/* Several processes change links in one directory at once; afterwards
 * every file's st_nlink is its number of names. */
static void posix_link_concurrent(void)
{
    REQUIRE(mkdir(P("a"), 0755) == 0);
    REQUIRE(mkdir(P("b"), 0755) == 0);
    for (int f = 0; f < NFILES; f++)
        REQUIRE(write_file(P("a/f%d", f), "x", 1) == 0);
    pid_t pids[4];
    fflush(stdout);
    for (int p = 0; p < 4; p++) {
        pids[p] = fork();
        if (pids[p] == 0)
            _exit(churn((unsigned)p * 7919u + 1));
    }
    for (int p = 0; p < 4; p++) {
        int st = 0;
        CHECK(pids[p] > 0);
        CHECK_EQ(wait_deadline(pids[p], 60000, &st), 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    ino_t ino[NFILES];
    int names[NFILES];
    for (int f = 0; f < NFILES; f++) {
        struct stat st;
        CHECK_EQ(stat(P("a/f%d", f), &st), 0);
        ino[f] = st.st_ino;
        names[f] = 1;
    }
    DIR *d = opendir(P("b"));
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        for (int f = 0; f < NFILES; f++)
            names[f] += e->d_ino == ino[f] && e->d_name[0] != '.';
    closedir(d);
    for (int pass = 0; pass < 2; pass++) {
        for (int f = 0; f < NFILES; f++) {
            struct stat st;
            CHECK_EQ(stat(P("a/f%d", f), &st), 0);
            CHECK_EQ(st.st_nlink, names[f]);
        }
        CHECK_EQ(drop_caches(), 0);  /* and as the file system sees it */
    }
}

void posix_links_tests(void)
{
    CASE(posix_link_basic, NULL, 0);
    CASE(posix_link_errors, NULL, 0);
    CASE(posix_link_many, NULL, 0);
    CASE(posix_link_rename_self, NULL, 0);
    CASE(posix_link_symlink, NULL, 0);
    CASE(posix_link_concurrent, NULL, 0);
}
