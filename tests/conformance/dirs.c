/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directories: readdir stable while entries come and go, telldir and
 * seekdir, "." and ".." inode numbers, link counts, rmdir rules. */
#include "ct.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Index of "f%d" names; -1 for anything else. */
static int name_index(const char *n, char prefix)
{
    if (n[0] != prefix)
        return -1;
    char *end;
    long v = strtol(n + 1, &end, 10);
    return (*end || v < 0) ? -1 : (int)v;
}

static void readdir_stable(void)
{
    enum { N = 300 };
    char n[64];
    for (int i = 0; i < N; i++) {
        snprintf(n, sizeof n, "f%d", i);
        REQUIRE_OK(ct_touch(n));
    }
    int seen[N] = { 0 }, added_seen[N] = { 0 };
    DIR *d = opendir(".");
    REQUIRE(d);
    int count = 0, dots = 0;
    struct dirent *e;
    /* read some, then add N new and remove the odd originals */
    while (count < 50 && (e = readdir(d))) {
        int i = name_index(e->d_name, 'f');
        if (i >= 0 && i < N)
            seen[i]++;
        else if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            dots++;
        count++;
    }
    int removed[N] = { 0 };
    for (int i = 0; i < N; i++) {
        snprintf(n, sizeof n, "g%d", i);
        CHECK_OK(ct_touch(n));
        if (i % 2 == 1 && !seen[i]) {
            snprintf(n, sizeof n, "f%d", i);
            CHECK_OK(unlink(n));
            removed[i] = 1;
        }
    }
    errno = 0;
    while ((e = readdir(d))) {
        int i = name_index(e->d_name, 'f');
        int g = name_index(e->d_name, 'g');
        if (i >= 0 && i < N)
            seen[i]++;
        else if (g >= 0 && g < N)
            added_seen[g]++;
        else if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            dots++;
        else
            FAIL("unexpected entry %s", e->d_name);
    }
    CHECK_EQ(errno, 0);
    closedir(d);
    CHECK_EQ(dots, 2);
    for (int i = 0; i < N; i++) {
        /* entries present throughout: exactly once */
        if (!removed[i] && seen[i] != 1) {
            FAIL("f%d seen %d times, expected once", i, seen[i]);
            break;
        }
        if (removed[i] && seen[i] > 1) {
            FAIL("removed f%d seen %d times", i, seen[i]);
            break;
        }
        if (added_seen[i] > 1) {
            FAIL("added g%d seen %d times", i, added_seen[i]);
            break;
        }
    }
    /* a fresh listing shows exactly the current set */
    d = opendir(".");
    REQUIRE(d);
    int total = 0;
    while ((e = readdir(d)))
        total++;
    closedir(d);
    int expect = 2 + N + N;
    for (int i = 0; i < N; i++)
        expect -= removed[i];
    CHECK_EQ(total, expect);
}

static void tell_seek(void)
{
    enum { N = 200 };
    char n[64];
    for (int i = 0; i < N; i++) {
        snprintf(n, sizeof n, "entry-with-a-longer-name-%d", i);
        REQUIRE_OK(ct_touch(n));
    }
    DIR *d = opendir(".");
    REQUIRE(d);
    long pos[N + 2];
    char names[N + 2][256];
    int k = 0;
    struct dirent *e;
    for (;;) {
        long p = telldir(d);
        if (!(e = readdir(d)))
            break;
        if (k >= N + 2) {
            FAIL("more than %d entries", N + 2);
            break;
        }
        pos[k] = p;
        snprintf(names[k], sizeof names[k], "%s", e->d_name);
        k++;
    }
    CHECK_EQ(k, N + 2);
    /* seek back to a few positions: the same entry comes next */
    int probes[] = { 0, 1, k / 3, k / 2, k - 1, 7, k / 2 + 1 };
    for (size_t j = 0; j < sizeof probes / sizeof probes[0]; j++) {
        int i = probes[j];
        if (i < 0 || i >= k)
            continue;
        seekdir(d, pos[i]);
        e = readdir(d);
        CHECK(e != NULL);
        if (e && strcmp(e->d_name, names[i]) != 0)
            FAIL("after seekdir to #%d: %s, expected %s", i, e->d_name,
                 names[i]);
    }
    rewinddir(d);
    e = readdir(d);
    CHECK(e && strcmp(e->d_name, names[0]) == 0);
    closedir(d);
}

static void dot_dotdot(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(mkdir("d/e", 0755));
    struct stat here, d, e, dd, ed;
    REQUIRE_OK(stat(".", &here));
    REQUIRE_OK(stat("d", &d));
    REQUIRE_OK(stat("d/e", &e));
    CHECK_OK(stat("d/.", &dd));
    CHECK_EQ(dd.st_ino, d.st_ino);
    CHECK_OK(stat("d/..", &dd));
    CHECK_EQ(dd.st_ino, here.st_ino);
    CHECK_OK(stat("d/e/..", &ed));
    CHECK_EQ(ed.st_ino, d.st_ino);
    /* readdir's d_ino for "." and ".." and for children */
    DIR *dir = opendir("d");
    REQUIRE(dir);
    struct dirent *x;
    int got = 0;
    while ((x = readdir(dir))) {
        if (!strcmp(x->d_name, ".")) {
            CHECK_EQ(x->d_ino, d.st_ino);
            got |= 1;
        } else if (!strcmp(x->d_name, "..")) {
            CHECK_EQ(x->d_ino, here.st_ino);
            got |= 2;
        } else if (!strcmp(x->d_name, "e")) {
            CHECK_EQ(x->d_ino, e.st_ino);
            CHECK(x->d_type == DT_DIR || x->d_type == DT_UNKNOWN);
            got |= 4;
        }
    }
    closedir(dir);
    CHECK_EQ(got, 7);
    /* d_type of other kinds */
    REQUIRE_OK(ct_touch("d/f"));
    REQUIRE_OK(symlink("f", "d/l"));
    REQUIRE_OK(mkfifo("d/p", 0644));
    dir = opendir("d");
    REQUIRE(dir);
    while ((x = readdir(dir))) {
        if (x->d_type == DT_UNKNOWN)
            continue;
        if (!strcmp(x->d_name, "f"))
            CHECK_EQ(x->d_type, DT_REG);
        if (!strcmp(x->d_name, "l"))
            CHECK_EQ(x->d_type, DT_LNK);
        if (!strcmp(x->d_name, "p"))
            CHECK_EQ(x->d_type, DT_FIFO);
    }
    closedir(dir);
    /* the root of the mount: ".." is itself */
    struct stat root, rootup;
    CHECK_OK(stat(ct_mount, &root));
    char up[4200];
    snprintf(up, sizeof up, "%s/..", ct_mount);
    CHECK_OK(stat(up, &rootup));
}

static void dir_nlink(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    struct stat sb;
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_nlink, 2);
    CHECK_OK(mkdir("d/a", 0755));
    CHECK_OK(mkdir("d/b", 0755));
    CHECK_OK(ct_touch("d/f"));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_nlink, 4);
    CHECK_OK(rmdir("d/a"));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_nlink, 3);
    CHECK_OK(rename("d/b", "b"));
    CHECK_OK(stat("d", &sb));
    CHECK_EQ(sb.st_nlink, 2);
    /* an open, removed directory: nlink 0, empty, no new entries */
    int fd = open("b", O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    CHECK_OK(rmdir("b"));
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_nlink, 0);
    CHECK_ERR(openat(fd, "new", O_CREAT | O_WRONLY, 0644), ENOENT);
    close(fd);
}

static void dir_errors(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(ct_touch("d/f"));
    CHECK_ERR2(rmdir("d"), ENOTEMPTY, EEXIST);
    CHECK_ERR(rmdir("d/f"), ENOTDIR);
    CHECK_ERR(unlink("d"), EISDIR);
    CHECK_ERR(mkdir("d", 0755), EEXIST);
    CHECK_ERR(mkdir("d/f", 0755), EEXIST);
    CHECK_ERR(rmdir("d/."), EINVAL);
    CHECK_ERR2(rmdir("d/.."), ENOTEMPTY, EEXIST);
    CHECK_ERR(rmdir("missing"), ENOENT);
    CHECK_ERR(mkdir("missing/x", 0755), ENOENT);
    CHECK_ERR(mkdir("d/f/x", 0755), ENOTDIR);
    CHECK_ERR(opendir("d/f") ? 0 : -1, ENOTDIR);
    REQUIRE_OK(symlink("d", "l"));
    CHECK_ERR(rmdir("l"), ENOTDIR);
    CHECK_OK(unlink("d/f"));
    CHECK_OK(rmdir("d"));
    CHECK_ERR(access("d", F_OK), ENOENT);
    /* a trailing slash on mkdir and rmdir */
    CHECK_OK(mkdir("t/", 0755));
    CHECK_OK(rmdir("t/"));
}

/* Many entries with long names all come back exactly once. */
static void many_entries(void)
{
    enum { N = 2000 };
    char n[300];
    char *mark = calloc(N, 1);
    REQUIRE(mark);
    for (int i = 0; i < N; i++) {
        snprintf(n, sizeof n, "%0200d", i);
        REQUIRE_OK(ct_touch(n));
    }
    DIR *d = opendir(".");
    REQUIRE(d);
    struct dirent *e;
    int other = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int i = atoi(e->d_name);
        if (strlen(e->d_name) != 200 || i < 0 || i >= N) {
            other++;
            continue;
        }
        mark[i]++;
    }
    closedir(d);
    CHECK_EQ(other, 0);
    for (int i = 0; i < N; i++)
        if (mark[i] != 1) {
            FAIL("entry %d listed %d times", i, mark[i]);
            break;
        }
    free(mark);
}

const struct ct_case ct_dirs_cases[] = {
    { "dir_readdir_stable", readdir_stable, 0 },
    { "dir_telldir_seekdir", tell_seek, 0 },
    { "dir_dot_dotdot", dot_dotdot, 0 },
    { "dir_nlink", dir_nlink, 0 },
    { "dir_errors", dir_errors, 0 },
    { "dir_many_entries", many_entries, 0 },
    { NULL, NULL, 0 },
};
