/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs -i: case-insensitive, case-preserving names. */
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsp/names.h"

/* How many entries of dir are named exactly name (case-sensitively)? And
 * how many match it ignoring case? */
static void count_names(const char *dir, const char *name, int *exact,
                        int *fold)
{
    *exact = *fold = 0;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        *exact += strcmp(e->d_name, name) == 0;
        *fold += strcasecmp(e->d_name, name) == 0;
    }
    closedir(d);
}

static void caseins_basic(void)
{
    REQUIRE(write_file(P("Hello.TXT"), "hi", 2) == 0);
    struct stat a, b;
    CHECK_EQ(stat(P("Hello.TXT"), &a), 0);
    CHECK_EQ(stat(P("hello.txt"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(stat(P("HELLO.TXT"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    char buf[8] = "";
    CHECK_EQ(read_file(P("hello.txt"), buf, sizeof buf), 2);
    CHECK(strcmp(buf, "hi") == 0);
    /* the listing shows the original case, once */
    int exact, fold;
    count_names(itest_mnt, "Hello.TXT", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    /* O_EXCL with another case: EEXIST; without: opens the same file */
    CHECK_ERRNO(open(P("HELLO.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    int fd = open(P("HELLO.txt"), O_WRONLY | O_CREAT | O_APPEND, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(fstat(fd, &b), 0);
        CHECK_EQ(a.st_ino, b.st_ino);
        CHECK_EQ(write(fd, "!", 1), 1);
        close(fd);
    }
    count_names(itest_mnt, "Hello.TXT", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    CHECK_EQ(read_file(P("HELLO.TXT"), buf, sizeof buf), 3);
    /* directories too */
    CHECK_EQ(mkdir(P("Dir"), 0755), 0);
    CHECK_ERRNO(mkdir(P("DIR"), 0755), EEXIST);
    CHECK_EQ(write_file(P("dir/File"), "f", 1), 0);
    CHECK_EQ(stat(P("DIR/FILE"), &b), 0);
    count_names(P("Dir"), "File", &exact, &fold);
    CHECK_EQ(exact, 1);
    /* after the caches are dropped, still one file, original case */
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(stat(P("hELLO.tXT"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    count_names(itest_mnt, "Hello.TXT", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    /* unlink by another case */
    CHECK_EQ(unlink(P("hello.TXT")), 0);
    CHECK_ERRNO(stat(P("Hello.TXT"), &b), ENOENT);
    count_names(itest_mnt, "Hello.TXT", &exact, &fold);
    CHECK_EQ(fold, 0);
}

/* A rename that changes only the case of a name never reaches a FUSE
 * file system: both spellings resolve to the same inode, and the VFS
 * treats a rename onto the same inode as done (vfs_rename returns 0
 * before asking the file system).  fsp documents this; the way to change
 * case is through a temporary name, which this case checks works for
 * files and directories.  It also pins the VFS behaviour itself, so we
 * notice if a kernel ever starts passing such renames down. */
static void caseins_rename_case_only(void)
{
    int exact, fold;
    struct stat a, b;
    REQUIRE(write_file(P("Readme.md"), "doc", 3) == 0);
    CHECK_EQ(stat(P("Readme.md"), &a), 0);
    CHECK_EQ(rename(P("Readme.md"), P("README.MD")), 0);
    count_names(itest_mnt, "Readme.md", &exact, &fold);
    CHECK_EQ(exact, 1); /* the VFS did nothing, as documented */
    CHECK_EQ(rename(P("Readme.md"), P("readme.tmp")), 0);
    CHECK_EQ(rename(P("readme.tmp"), P("README.MD")), 0);
    count_names(itest_mnt, "README.MD", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    CHECK_EQ(stat(P("readme.md"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    char buf[8] = "";
    CHECK_EQ(read_file(P("Readme.md"), buf, sizeof buf), 3);
    CHECK(memcmp(buf, "doc", 3) == 0);
    /* a directory, case only, through a temporary name */
    CHECK_EQ(mkdir(P("src"), 0755), 0);
    CHECK_EQ(write_file(P("src/a"), "a", 1), 0);
    CHECK_EQ(rename(P("src"), P("src.tmp")), 0);
    CHECK_EQ(rename(P("src.tmp"), P("Src")), 0);
    count_names(itest_mnt, "Src", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    CHECK_EQ(stat(P("SRC/A"), &b), 0);
}

/* Renames on a case-insensitive volume other than case-only ones. */
static void caseins_rename(void)
{
    int exact, fold;
    char buf[8] = "";
    struct stat a, b;
    REQUIRE(write_file(P("README.md"), "doc", 3) == 0);
    CHECK_EQ(stat(P("readme.md"), &a), 0);
    /* to a new name in another case, and back through a third name */
    CHECK_EQ(rename(P("readme.MD"), P("Notes.TXT")), 0);
    count_names(itest_mnt, "Notes.TXT", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    CHECK_ERRNO(stat(P("README.md"), &b), ENOENT);
    CHECK_EQ(stat(P("notes.txt"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(rename(P("notes.txt"), P("tmp")), 0);
    CHECK_EQ(rename(P("TMP"), P("notes.TXT")), 0);
    count_names(itest_mnt, "notes.TXT", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(fold, 1);
    /* across directories, target spelled in another case */
    CHECK_EQ(mkdir(P("Sub"), 0755), 0);
    CHECK_EQ(rename(P("NOTES.txt"), P("sub/Moved")), 0);
    count_names(P("Sub"), "Moved", &exact, &fold);
    CHECK_EQ(exact, 1);
    CHECK_EQ(stat(P("SUB/moved"), &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(write_file(P("README.md"), "doc", 3), 0);
    /* rename onto a different file whose name differs only by case of
       the target replaces it */
    CHECK_EQ(write_file(P("other"), "o", 1), 0);
    CHECK_EQ(rename(P("other"), P("readme.MD")), 0);
    count_names(itest_mnt, "readme.MD", &exact, &fold);
    CHECK_EQ(fold, 1);
    CHECK_EQ(read_file(P("README.md"), buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'o');
}

/* The kernel caches negative and positive lookups: a name looked up in
 * one case must not hide or keep alive a file made or removed in another. */
static void caseins_no_stale_dentries(void)
{
    struct stat st;
    CHECK_ERRNO(stat(P("foo.txt"), &st), ENOENT);
    CHECK_ERRNO(stat(P("foo.txt"), &st), ENOENT);
    REQUIRE(write_file(P("FOO.txt"), "x", 1) == 0);
    CHECK_EQ(stat(P("foo.txt"), &st), 0);
    int fd = open(P("foo.txt"), O_RDONLY);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_ERRNO(open(P("foo.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    /* positive entries: look up in two cases, remove by a third */
    CHECK_EQ(stat(P("Foo.TXT"), &st), 0);
    CHECK_EQ(unlink(P("fOO.txt")), 0);
    CHECK_ERRNO(stat(P("Foo.TXT"), &st), ENOENT);
    CHECK_ERRNO(stat(P("foo.txt"), &st), ENOENT);
    CHECK_ERRNO(stat(P("FOO.txt"), &st), ENOENT);
    /* a rename makes the old spelling of another name vanish */
    CHECK_EQ(mkdir(P("Dir"), 0755), 0);
    CHECK_EQ(stat(P("dir"), &st), 0);
    CHECK_EQ(rename(P("DIR"), P("moved")), 0);
    CHECK_ERRNO(stat(P("dir"), &st), ENOENT);
    CHECK_ERRNO(stat(P("Dir"), &st), ENOENT);
    CHECK_EQ(stat(P("MOVED"), &st), 0);
    /* negative entry in a subdirectory, then mkdir with other case */
    CHECK_ERRNO(stat(P("moved/sub"), &st), ENOENT);
    CHECK_EQ(mkdir(P("moved/SUB"), 0755), 0);
    CHECK_EQ(stat(P("moved/sub"), &st), 0);
    CHECK(S_ISDIR(st.st_mode));
}


enum { CI_BIG = 4000 };

/* Name i in one of two spellings that differ in the case of every
 * letter; spelling 0 mixes cases by a hash, so that the case-insensitive
 * order differs from strcmp's. */
static void ci_name(char *buf, size_t size, int i, int spelling)
{
    unsigned h = (unsigned)i * 2654435761u;
    snprintf(buf, size, "Mixed-Name-%05d-%08x", i, h);
    for (int k = 0; buf[k]; k++) {
        int up = ((h >> (k % 32)) & 1) ^ spelling;
        buf[k] = (char)(up ? toupper((unsigned char)buf[k])
                           : tolower((unsigned char)buf[k]));
    }
}

static int by_nocase(const void *a, const void *b)
{
    return fsp_name_compare_nocase(*(char *const *)a, *(char *const *)b);
}

/* The listing, in small getdents pieces, is want[] exactly: the spellings
 * kept, in case-insensitive order, each name once. */
static int ci_listing_is(const char *d, char **want, int nwant)
{
    char **got;
    int n = list_names(d, 512, &got), bad = 0;
    if (n < 0)
        return 0;
    if (n != nwant)
        printf("  %d names listed, expected %d\n", n, nwant);
    for (int i = 0; i < n && i < nwant; i++)
        if (strcmp(got[i], want[i]) != 0 && bad++ < 5)
            printf("  listed #%d is '%s', expected '%s'\n", i, got[i],
                   want[i]);
    free_names(got, n);
    return n == nwant && !bad;
}

/* Many names in one directory of a case-insensitive volume: other
 * spellings find the same files and cannot make new ones; removes by
 * another spelling, renames to another spelling through a temporary
 * name, and renames onto an existing name in another spelling (which
 * takes that spelling) leave exactly the expected listing. */
static void caseins_large(void)
{
    static char *want[CI_BIG];
    char a[64], b[64];
    struct stat sa, sb;
    int n = 0;
    REQUIRE(mkdir(P("ci"), 0755) == 0);
    for (int i = 0; i < CI_BIG; i++) {
        ci_name(a, sizeof a, i, 0);
        int fd = open(P("ci/%s", a), O_WRONLY | O_CREAT | O_EXCL, 0644);
        REQUIRE(fd >= 0);
        close(fd);
    }
    for (int i = 0; i < CI_BIG; i++) {
        ci_name(a, sizeof a, i, 0);
        ci_name(b, sizeof b, i, 1);
        if (i % 7 == 0)
            CHECK_ERRNO(open(P("ci/%s", b), O_WRONLY | O_CREAT | O_EXCL, 0644),
                        EEXIST);
        if (i % 7 == 1)
            CHECK(stat(P("ci/%s", a), &sa) == 0 &&
                  stat(P("ci/%s", b), &sb) == 0 && sa.st_ino == sb.st_ino);
        if (i % 2) {
            CHECK_EQ(unlink(P("ci/%s", b)), 0);
        } else if (i % 6 == 2) {
            CHECK_EQ(rename(P("ci/%s", a), P("ci/tmp")), 0);
            CHECK_EQ(rename(P("ci/tmp"), P("ci/%s", b)), 0);
        } else if (i % 6 == 4) {
            CHECK_EQ(write_file(P("ci/other"), "o", 1), 0);
            CHECK_EQ(rename(P("ci/other"), P("ci/%s", b)), 0);
        }
        if (i % 2 == 0)
            want[n++] = strdup(i % 6 == 0 ? a : b);
    }
    qsort(want, (size_t)n, sizeof *want, by_nocase);
    CHECK(ci_listing_is(P("ci"), want, n));
    for (int i = 1; i < CI_BIG; i += 2) {
        ci_name(a, sizeof a, i, 0);
        ci_name(b, sizeof b, i, 1);
        CHECK_ERRNO(stat(P("ci/%s", a), &sa), ENOENT);
        CHECK_ERRNO(stat(P("ci/%s", b), &sa), ENOENT);
    }
    CHECK_EQ(drop_caches(), 0);
    CHECK(ci_listing_is(P("ci"), want, n));
    for (int i = 0; i < CI_BIG; i += 2) {  /* renamed-over ones hold "o" */
        ci_name(a, sizeof a, i, i % 6 != 0);
        CHECK(stat(P("ci/%s", a), &sa) == 0 && sa.st_size == (i % 6 == 4));
    }
    for (int i = 0; i < n; i++)
        free(want[i]);
}

/* Without -i names are case-sensitive (runs on tmpfs too). */
static void caseins_off_by_default(void)
{
    REQUIRE(write_file(P("Hello"), "1", 1) == 0);
    struct stat st;
    CHECK_ERRNO(stat(P("hello"), &st), ENOENT);
    CHECK_EQ(write_file(P("hello"), "22", 2), 0);
    struct stat a, b;
    CHECK_EQ(stat(P("Hello"), &a), 0);
    CHECK_EQ(stat(P("hello"), &b), 0);
    CHECK(a.st_ino != b.st_ino);
    CHECK_EQ(a.st_size, 1);
    CHECK_EQ(b.st_size, 2);
}

void caseins_tests(void)
{
    CASE(caseins_basic, "-i", IT_MEMFS_ONLY);
    CASE(caseins_rename, "-i", IT_MEMFS_ONLY);
    CASE(caseins_rename_case_only, "-i", IT_MEMFS_ONLY);
    CASE(caseins_no_stale_dentries, "-i", IT_MEMFS_ONLY);
    CASE(caseins_large, "-i", IT_MEMFS_ONLY);
    CASE(caseins_off_by_default, NULL, 0);
}
