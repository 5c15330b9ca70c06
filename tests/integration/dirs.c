/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directories: mkdir/rmdir and their errors, large listings, listing
 * while the directory changes, telldir/seekdir. */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void dir_mkdir_rmdir(void)
{
    struct stat st, root0, root1;
    CHECK_EQ(stat(itest_mnt, &root0), 0);
    CHECK(S_ISDIR(root0.st_mode));
    CHECK_EQ(mkdir(P("d"), 0751), 0);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0751);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(stat(itest_mnt, &root1), 0);
    CHECK_EQ(root1.st_nlink, root0.st_nlink + 1);
    /* .. of a subdirectory is its parent */
    CHECK_EQ(stat(P("d/.."), &st), 0);
    CHECK_EQ(st.st_ino, root0.st_ino);
    CHECK_EQ(mkdir(P("d/e"), 0755), 0);
    CHECK_EQ(stat(P("d/e/../.."), &st), 0);
    CHECK_EQ(st.st_ino, root0.st_ino);
    CHECK_EQ(stat(P("d"), &st), 0);
    CHECK_EQ(st.st_nlink, 3);

    CHECK_ERRNO(mkdir(P("d"), 0755), EEXIST);
    CHECK_ERRNO(mkdir(P("missing/x"), 0755), ENOENT);
    REQUIRE(write_file(P("file"), "x", 1) == 0);
    CHECK_ERRNO(mkdir(P("file"), 0755), EEXIST);
    CHECK_ERRNO(mkdir(P("file/x"), 0755), ENOTDIR);

    CHECK_ERRNO(rmdir(P("d")), ENOTEMPTY);
    CHECK_ERRNO(rmdir(P("file")), ENOTDIR);
    CHECK_ERRNO(unlink(P("d")), EISDIR);
    CHECK_ERRNO(rmdir(P("missing")), ENOENT);
    CHECK_ERRNO(rmdir(P("d/e/.")), EINVAL);
    /* a directory with only a file in it is not empty either */
    CHECK_EQ(rmdir(P("d/e")), 0);
    REQUIRE(write_file(P("d/f"), "", 0) == 0);
    CHECK_ERRNO(rmdir(P("d")), ENOTEMPTY);
    CHECK_EQ(unlink(P("d/f")), 0);
    CHECK_EQ(rmdir(P("d")), 0);
    CHECK_ERRNO(stat(P("d"), &st), ENOENT);
    CHECK_EQ(stat(itest_mnt, &root1), 0);
    CHECK_EQ(root1.st_nlink, root0.st_nlink);
    /* the name is free again */
    CHECK_EQ(mkdir(P("d"), 0700), 0);
}

/* List path; count[i] counts entries named PREFIX%05d; returns the number
 * of entries that are neither those nor . and .. (printing them). */
static int list_dir(const char *path, const char *prefix, int *count, int n,
                    int *dots)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int other = 0;
    size_t pl = strlen(prefix);
    struct dirent *e;
    dots[0] = dots[1] = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0) {
            dots[0]++;
            continue;
        }
        if (strcmp(e->d_name, "..") == 0) {
            dots[1]++;
            continue;
        }
        char *end;
        long i = strncmp(e->d_name, prefix, pl) == 0
                     ? strtol(e->d_name + pl, &end, 10) : -1;
        if (i < 0 || i >= n || *end || e->d_type != DT_REG) {
            if (other++ < 5)
                printf("  unexpected entry '%s' type %d\n", e->d_name, e->d_type);
            continue;
        }
        count[i]++;
    }
    closedir(d);
    return other;
}

static int create_files(const char *dir, const char *prefix, int from, int to)
{
    for (int i = from; i < to; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s%05d", dir, prefix, i);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            printf("  create %s: %s\n", p, strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* Report entries seen other than once; returns the number of them. */
static int report_counts(const int *count, int n, const char *what,
                         int (*expect)(int i))
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int want = expect ? expect(i) : 1;
        if (want >= 0 && count[i] != want) {
            if (bad++ < 10)
                printf("  %s %05d seen %d times, expected %d\n", what, i,
                       count[i], want);
        }
    }
    if (bad > 10)
        printf("  ... %d wrong in all\n", bad);
    return bad;
}

enum { BIG = 10000 };

static void dir_readdir_large(void)
{
    const char *d = P("big");
    REQUIRE(mkdir(d, 0755) == 0);
    REQUIRE(create_files(d, "entry-with-a-longish-name-", 0, BIG) == 0);
    static int count[BIG];
    int dots[2];
    memset(count, 0, sizeof count);
    CHECK_EQ(list_dir(d, "entry-with-a-longish-name-", count, BIG, dots), 0);
    CHECK_EQ(dots[0], 1);
    CHECK_EQ(dots[1], 1);
    CHECK_EQ(report_counts(count, BIG, "entry", NULL), 0);
    /* again after the caches are gone */
    CHECK_EQ(drop_caches(), 0);
    memset(count, 0, sizeof count);
    CHECK_EQ(list_dir(d, "entry-with-a-longish-name-", count, BIG, dots), 0);
    CHECK_EQ(report_counts(count, BIG, "entry", NULL), 0);
    /* d_ino agrees with stat for a sample */
    DIR *dp = opendir(d);
    REQUIRE(dp != NULL);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(dp)) != NULL && checked < 50) {
        if (e->d_name[0] == '.')
            continue;
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        CHECK_EQ(stat(p, &st), 0);
        CHECK_EQ(e->d_ino, st.st_ino);
        checked++;
    }
    closedir(dp);
    struct stat st;
    CHECK_EQ(stat(d, &st), 0);
    CHECK_EQ(st.st_nlink, 2);
}

static void dir_types(void)
{
    REQUIRE(mkdir(P("d"), 0755) == 0);
    CHECK_EQ(mkdir(P("d/sub"), 0755), 0);
    CHECK_EQ(write_file(P("d/file"), "x", 1), 0);
    CHECK_EQ(symlink("file", P("d/link")), 0);
    DIR *dp = opendir(P("d"));
    REQUIRE(dp != NULL);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, "sub") == 0) {
            CHECK_EQ(e->d_type, DT_DIR);
            seen |= 1;
        } else if (strcmp(e->d_name, "file") == 0) {
            CHECK_EQ(e->d_type, DT_REG);
            seen |= 2;
        } else if (strcmp(e->d_name, "link") == 0) {
            CHECK_EQ(e->d_type, DT_LNK);
            seen |= 4;
        } else if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            CHECK_EQ(e->d_type, DT_DIR);
            seen |= strcmp(e->d_name, ".") == 0 ? 8 : 16;
        } else {
            printf("  unexpected entry %s\n", e->d_name);
            check_failed = 1;
        }
    }
    closedir(dp);
    CHECK_EQ(seen, 31);
    /* an empty directory lists just . and .. */
    int count[1], dots[2];
    CHECK_EQ(list_dir(P("d/sub"), "x", count, 0, dots), 0);
    CHECK_EQ(dots[0], 1);
    CHECK_EQ(dots[1], 1);
}

enum { CHURN = 3000 };

/* The rm -rf pattern: unlink each entry right after readdir returned it.
 * Entries not yet returned must all still come, exactly once. */
static void dir_readdir_unlink_each(void)
{
    const char *d = P("churn");
    REQUIRE(mkdir(d, 0755) == 0);
    REQUIRE(create_files(d, "file-", 0, CHURN) == 0);
    static int count[CHURN];
    memset(count, 0, sizeof count);
    DIR *dp = opendir(d);
    REQUIRE(dp != NULL);
    struct dirent *e;
    int other = 0;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int i = -1;
        if (sscanf(e->d_name, "file-%d", &i) != 1 || i < 0 || i >= CHURN) {
            other++;
            continue;
        }
        count[i]++;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (count[i] == 1)
            CHECK_EQ(unlink(p), 0);
    }
    closedir(dp);
    CHECK_EQ(other, 0);
    CHECK_EQ(report_counts(count, CHURN, "file-", NULL), 0);
    CHECK_EQ(rmdir(d), 0);
}

static int survivor(int i)
{
    return i % 2 == 0 ? 1 : -1; /* odd ones may or may not be seen */
}

/* Delete entries not yet read and add new ones while a listing is in
 * progress: the untouched entries still come exactly once. */
static void dir_readdir_while_changing(void)
{
    const char *d = P("churn");
    REQUIRE(mkdir(d, 0755) == 0);
    REQUIRE(create_files(d, "file-", 0, CHURN) == 0);
    static int count[CHURN];
    memset(count, 0, sizeof count);
    DIR *dp = opendir(d);
    REQUIRE(dp != NULL);
    struct dirent *e;
    int n = 0, added = 0, other = 0;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int i = -1;
        if (sscanf(e->d_name, "file-%d", &i) == 1 && i >= 0 && i < CHURN)
            count[i]++;
        else if (strncmp(e->d_name, "new-", 4) != 0)
            other++;
        if (++n == 100) {
            /* delete every odd file, seen or not; add new files */
            for (int k = 1; k < CHURN; k += 2) {
                char p[PATH_MAX];
                snprintf(p, sizeof p, "%s/file-%05d", d, k);
                CHECK_EQ(unlink(p), 0);
            }
            CHECK_EQ(create_files(d, "new-", 0, 500), 0);
            added = 1;
        }
    }
    closedir(dp);
    CHECK(added);
    CHECK_EQ(other, 0);
    CHECK_EQ(report_counts(count, CHURN, "file-", survivor), 0);
    for (int i = 1; i < CHURN; i += 2)
        if (count[i] > 1) {
            printf("  deleted file-%05d seen %d times\n", i, count[i]);
            check_failed = 1;
        }
    /* a fresh listing is exact */
    memset(count, 0, sizeof count);
    DIR *check = opendir(d);
    REQUIRE(check != NULL);
    int news = 0;
    while ((e = readdir(check)) != NULL) {
        int i;
        if (sscanf(e->d_name, "file-%d", &i) == 1 && i >= 0 && i < CHURN)
            count[i]++;
        else if (strncmp(e->d_name, "new-", 4) == 0)
            news++;
    }
    closedir(check);
    for (int i = 0; i < CHURN; i++)
        if (count[i] != (i % 2 == 0)) {
            printf("  after: file-%05d seen %d times\n", i, count[i]);
            check_failed = 1;
            break;
        }
    CHECK_EQ(news, 500);
}

enum { CHURN_BIG = 20000 };

/* Names of several lengths in a scrambled order, so that memfs's inserts
 * and removes land all over its tree rather than at one end. */
static void churn_name(char *buf, size_t size, int i)
{
    snprintf(buf, size, "%08x-%d%s", (unsigned)i * 2654435761u, i,
             i % 3 ? "" : "-with-a-longer-tail");
}

static int by_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listing of d, read bufsize bytes at a time, is exactly want[]
 * (sorted): memfs lists in name order itself; tmpfs's order is its own,
 * so it is sorted here first. */
static int listing_is(const char *d, char **want, int nwant, size_t bufsize)
{
    char **got;
    int n = list_names(d, bufsize, &got), bad = 0;
    if (n < 0) {
        printf("  listing %s: %s\n", d, strerror(errno));
        return 0;
    }
    if (itest_tmpfs)
        qsort(got, (size_t)n, sizeof *got, by_strcmp);
    if (n != nwant)
        printf("  %d names listed, expected %d\n", n, nwant);
    for (int i = 0; i < n && i < nwant && bad < 5; i++)
        if (strcmp(got[i], want[i]) != 0 && bad++ < 5)
            printf("  listed #%d is '%s', expected '%s'\n", i, got[i],
                   want[i]);
    free_names(got, n);
    return n == nwant && !bad;
}

/* Entries of dir other than "." and ".." whose names start with "f";
 * -1 if the listing failed or showed a name twice. */
static int count_listing(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0, seen[8] = { 0 };
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != 'f' || !e->d_name[1] || e->d_name[2])
            continue;
        int i = e->d_name[1] - '0';
        if (i < 0 || i >= 8 || seen[i]++)
            n = -1000;
        n++;
    }
    closedir(d);
    return n < 0 ? -1 : n;
}

/* Many short-lived directories, each listed by two processes at once and
 * removed right after: concurrent listings of one directory, and
 * listings whose directory is forgotten as soon as they end (stateless
 * volumes keep listing snapshots on the node, see ops_dir.c). */
static void dir_list_and_remove(void)
{
    for (int round = 0; round < 150; round++) {
        REQUIRE(mkdir(P("lr"), 0755) == 0);
        for (int i = 0; i < 5; i++)
            REQUIRE(write_file(P("lr/f%d", i), "x", 1) == 0);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int bad = 0;
            for (int k = 0; k < 5; k++)
                bad += count_listing(P("lr")) != 5;
            _exit(bad);
        }
        for (int k = 0; k < 5; k++)
            CHECK_EQ(count_listing(P("lr")), 5);
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        for (int i = 0; i < 5; i++)
            CHECK_EQ(unlink(P("lr/f%d", i)), 0);
        REQUIRE(rmdir(P("lr")) == 0);
    }
    /* As rm -r does at the bottom of a tree: list an empty directory,
     * remove it at once. */
    for (int round = 0; round < 2000; round++) {
        REQUIRE(mkdir(P("e%d", round % 7), 0755) == 0);
        CHECK_EQ(count_listing(P("e%d", round % 7)), 0);
        REQUIRE(rmdir(P("e%d", round % 7)) == 0);
    }
}

/* What dir_large_churn leaves behind, sorted; their number. */
static int churn_expected(char **want)
{
    char name[64];
    int n = 0;
    for (int i = 0; i < CHURN_BIG; i += 2) {
        churn_name(name, sizeof name, i);
        if (i % 10 == 0 && asprintf(&want[n++], "moved-%s", name) < 0)
            return -1;
        if (i % 10 == 8 && asprintf(&want[n++], "link-%s", name) < 0)
            return -1;
        if (i % 10 != 0 && i % 10 != 4 && !(want[n++] = strdup(name)))
            return -1;
    }
    qsort(want, (size_t)n, sizeof *want, by_strcmp);
    return n;
}

/* One big directory through creates, removes, renames (to new names and
 * onto existing ones) and hard links: the listing, resumed across many
 * small getdents calls and again after the caches are dropped, is exactly
 * the expected set in name order, and removed names are gone. */
static void dir_large_churn(void)
{
    static char *want[CHURN_BIG];
    static ino_t ino[CHURN_BIG];
    char name[64], to[64];
    struct stat st;
    REQUIRE(mkdir(P("churn"), 0755) == 0);
    for (int i = 0; i < CHURN_BIG; i++) {
        churn_name(name, sizeof name, i);
        int fd = open(P("churn/%s", name), O_WRONLY | O_CREAT | O_EXCL, 0644);
        REQUIRE(fd >= 0);
        close(fd);
    }
    for (int i = 1; i < CHURN_BIG; i += 2) {
        churn_name(name, sizeof name, i);
        CHECK_EQ(unlink(P("churn/%s", name)), 0);
    }
    for (int i = 0; i < CHURN_BIG; i += 2) {
        churn_name(name, sizeof name, i);
        CHECK_EQ(stat(P("churn/%s", name), &st), 0);
        ino[i] = st.st_ino;
        if (i % 10 == 0)
            CHECK_EQ(rename(P("churn/%s", name), P("churn/moved-%s", name)), 0);
        if (i % 10 == 4) {  /* onto the existing name i + 2 */
            churn_name(to, sizeof to, i + 2);
            CHECK_EQ(rename(P("churn/%s", name), P("churn/%s", to)), 0);
        }
        if (i % 10 == 8)
            CHECK_EQ(link(P("churn/%s", name), P("churn/link-%s", name)), 0);
    }
    int n = churn_expected(want);
    REQUIRE(n == CHURN_BIG / 2);
    CHECK(listing_is(P("churn"), want, n, 600));
    CHECK_EQ(drop_caches(), 0);
    CHECK(listing_is(P("churn"), want, n, 32768));

    for (int i = 0; i < CHURN_BIG; i++) {
        churn_name(name, sizeof name, i);
        if (i % 2 || i % 10 == 0 || i % 10 == 4)
            CHECK_ERRNO(stat(P("churn/%s", name), &st), ENOENT);
        else if (i % 10 == 6)  /* the file renamed onto it */
            CHECK(stat(P("churn/%s", name), &st) == 0 &&
                  st.st_ino == ino[i - 2]);
        else if (i % 10 == 8)
            CHECK(stat(P("churn/link-%s", name), &st) == 0 &&
                  st.st_ino == ino[i] && st.st_nlink == 2);
    }
    /* emptied one name at a time, it can go */
    for (int i = 0; i < n; i++) {
        CHECK_EQ(unlink(P("churn/%s", want[i])), 0);
        free(want[i]);
    }
    CHECK_EQ(rmdir(P("churn")), 0);
}

enum { SEEKN = 300 };

static void dir_seekdir(void)
{
    const char *d = P("s");
    REQUIRE(mkdir(d, 0755) == 0);
    REQUIRE(create_files(d, "e", 0, SEEKN) == 0);
    DIR *dp = opendir(d);
    REQUIRE(dp != NULL);
    static long pos[SEEKN + 2];
    static char name[SEEKN + 2][256];
    int n = 0;
    for (;;) {
        long p = telldir(dp);
        struct dirent *e = readdir(dp);
        if (!e || n >= SEEKN + 2)
            break;
        pos[n] = p;
        snprintf(name[n], sizeof name[n], "%s", e->d_name);
        n++;
    }
    CHECK_EQ(n, SEEKN + 2);
    /* seek back to a sample of positions, in a scrambled order */
    for (int k = 0; k < 60 && n > 0; k++) {
        int i = (int)(((unsigned)k * 7919u) % (unsigned)n);
        seekdir(dp, pos[i]);
        struct dirent *e = readdir(dp);
        CHECK(e != NULL);
        if (e && strcmp(e->d_name, name[i]) != 0) {
            printf("  seekdir to entry %d gave '%s', expected '%s'\n", i,
                   e->d_name, name[i]);
            check_failed = 1;
        }
        /* and the one after it follows */
        if (e && i + 1 < n) {
            e = readdir(dp);
            CHECK(e != NULL && strcmp(e->d_name, name[i + 1]) == 0);
        }
    }
    /* rewinddir starts again from the first entry */
    rewinddir(dp);
    struct dirent *e = readdir(dp);
    CHECK(e != NULL && strcmp(e->d_name, name[0]) == 0);
    /* a file created after opendir shows up after rewinddir */
    CHECK_EQ(write_file(P("s/late"), "", 0), 0);
    rewinddir(dp);
    int late = 0;
    while ((e = readdir(dp)) != NULL)
        late += strcmp(e->d_name, "late") == 0;
    CHECK_EQ(late, 1);
    closedir(dp);
}

void dirs_tests(void)
{
    CASE(dir_mkdir_rmdir, NULL, 0);
    CASE(dir_types, NULL, 0);
    CASE(dir_readdir_large, NULL, 0);
    CASE(dir_readdir_unlink_each, NULL, 0);
    CASE(dir_readdir_while_changing, NULL, 0);
    CASE(dir_seekdir, NULL, 0);
    CASE(dir_large_churn, NULL, 0);
    CASE(dir_list_and_remove, NULL, 0);
}
