/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* open(O_TMPFILE): an unnamed file that linkat() can name later.  Same
 * results on tmpfs. */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Is `name` listed in directory `dir`? */
static int listed(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL)
        found |= strcmp(e->d_name, name) == 0;
    closedir(d);
    return found;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static void link_fd(int fd, const char *path, int expect_errno)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (expect_errno)
        CHECK_ERRNO(linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW),
                    expect_errno);
    else
        CHECK_EQ(linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW), 0);
}

static void posix_tmpfile_link(void)
{
    REQUIRE(mkdir(P("d"), 0755) == 0);
    int fd = open(P("d"), O_TMPFILE | O_RDWR, 0640);
    REQUIRE(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0640);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_uid, 0);
    CHECK_EQ(count_entries(P("d")), 2);  /* . and .. only */
    CHECK_EQ(write(fd, "secret", 6), 6);
    char buf[8] = "";
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 6);
    CHECK(memcmp(buf, "secret", 6) == 0);
    /* named: visible, with its data, nlink 1 */
    link_fd(fd, P("d/named"), 0);
    CHECK_EQ(listed(P("d"), "named"), 1);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 1);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read_file(P("d/named"), buf, sizeof buf), 6);
    CHECK(memcmp(buf, "secret", 6) == 0);
    /* and it can get a second name like any file */
    link_fd(fd, P("second"), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    close(fd);
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(stat(P("second"), &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(st.st_size, 6);
}

/* O_EXCL: the file may never get a name. */
static void posix_tmpfile_excl(void)
{
    int fd = open(itest_mnt, O_TMPFILE | O_RDWR | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "x", 1), 1);
    link_fd(fd, P("named"), ENOENT);
    struct stat st;
    CHECK_ERRNO(stat(P("named"), &st), ENOENT);
    close(fd);
}

/* Without a name the file goes with its last descriptor. */
static void posix_tmpfile_freed(void)
{
    struct statvfs before, after;
    REQUIRE(statvfs(itest_mnt, &before) == 0);
    int fd = open(itest_mnt, O_TMPFILE | O_WRONLY, 0600);
    REQUIRE(fd >= 0);
    static char big[256 * 1024];
    CHECK_EQ(write(fd, big, sizeof big), (long)sizeof big);
    CHECK_EQ(statvfs(itest_mnt, &after), 0);
    CHECK(after.f_bfree < before.f_bfree);
    close(fd);
    /* the kernel forgets the inode asynchronously */
    for (int i = 0; i < 200; i++) {
        CHECK_EQ(statvfs(itest_mnt, &after), 0);
        if (after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree)
            break;
        msleep(10);
    }
    CHECK_EQ(after.f_bfree, before.f_bfree);
    CHECK_EQ(after.f_ffree, before.f_ffree);
    CHECK_EQ(count_entries(itest_mnt), 2);
}

static void posix_tmpfile_errors(void)
{
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    CHECK_ERRNO(open(P("f"), O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    CHECK_ERRNO(open(P("missing"), O_TMPFILE | O_RDWR, 0600), ENOENT);
    /* O_TMPFILE needs write access asked for */
    CHECK_ERRNO(open(itest_mnt, O_TMPFILE | O_RDONLY, 0600), EINVAL);
    /* a set-group-ID directory gives it its group, as to any new file */
    REQUIRE(mkdir(P("sg"), 0777) == 0);
    REQUIRE(chown(P("sg"), 0, 4242) == 0);
    REQUIRE(chmod(P("sg"), 02777) == 0);
    int fd = open(P("sg"), O_TMPFILE | O_RDWR, 0600);
    REQUIRE(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_gid, 4242);
    close(fd);
}

void posix_tmpfile_tests(void)
{
    CASE(posix_tmpfile_link, NULL, 0);
    CASE(posix_tmpfile_excl, NULL, 0);
    CASE(posix_tmpfile_freed, "-n 100 -s 10M", 0);
    CASE(posix_tmpfile_errors, NULL, 0);
}
