/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Opening, reading and writing files: open flags, append from two
 * processes, O_DIRECT, O_NOATIME, O_PATH, O_TMPFILE, unlinked-while-open,
 * ftruncate with zero fill. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void create_rw(void)
{
    unsigned char w[10000], r[10000];
    ct_fill(w, sizeof w, 1, 0);
    int fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0640);
    REQUIRE(fd >= 0);
    struct stat sb;
    CHECK_OK(fstat(fd, &sb));
    CHECK(S_ISREG(sb.st_mode));
    CHECK_EQ(sb.st_mode & 07777, 0640);
    CHECK_EQ(sb.st_size, 0);
    CHECK_EQ(sb.st_nlink, 1);
    CHECK_EQ(write(fd, w, sizeof w), (long)sizeof w);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), (long)sizeof w);
    CHECK_EQ(pread(fd, r, sizeof r, 0), (long)sizeof r);
    CHECK(memcmp(w, r, sizeof w) == 0);
    CHECK_EQ(pread(fd, r, 10, (off_t)sizeof w), 0);         /* at EOF */
    CHECK_EQ(pwrite(fd, "x", 1, 20000), 1);                   /* a gap */
    CHECK_EQ(ct_all_zero(fd, (off_t)sizeof w, 20000 - sizeof w), 1);
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, 20001);
    close(fd);
    CHECK_EQ(ct_read_file("f", r, sizeof r), (long)sizeof r);
    CHECK(memcmp(w, r, sizeof w) == 0);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open(".", O_WRONLY), EISDIR);
    fd = open("f", O_RDONLY);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("f", O_WRONLY);
    CHECK_ERR(read(fd, r, 1), EBADF);
    close(fd);
}

static void o_excl(void)
{
    REQUIRE_OK(ct_touch("f"));
    CHECK_ERR(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    REQUIRE_OK(symlink("dangling-target", "l"));
    /* O_EXCL never follows a symlink, even a dangling one */
    CHECK_ERR(open("l", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK_ERR(access("dangling-target", F_OK), ENOENT);
    /* without O_EXCL, creating through a dangling symlink makes the target */
    int fd = open("l", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(access("dangling-target", F_OK));
    CHECK_ERR(open(".", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
}

static void o_trunc(void)
{
    REQUIRE_OK(ct_write_file("f", "hello world", 11));
    struct stat a, b;
    REQUIRE_OK(stat("f", &a));
    CT_TICK();
    int fd = open("f", O_RDWR | O_TRUNC);
    REQUIRE(fd >= 0);
    REQUIRE_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 0);
    CHECK(TS_GT(b.st_mtim, a.st_mtim));
    CHECK(TS_GT(b.st_ctim, a.st_ctim));
    CHECK_EQ(write(fd, "ab", 2), 2);
    close(fd);
    char buf[16];
    CHECK_EQ(ct_read_file("f", buf, sizeof buf), 2);
    /* O_TRUNC of an empty file, and of a file opened read-only is allowed
     * by Linux only with write permission; O_RDONLY|O_TRUNC still works */
    fd = open("f", O_RDONLY | O_TRUNC);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_OK(fstat(fd, &b));
        CHECK_EQ(b.st_size, 0);
        close(fd);
    }
}

/* Two processes append 100-byte records; none may be lost or torn. */
static void o_append_two_procs(void)
{
    enum { NREC = 400, RECLEN = 100 };
    REQUIRE_OK(ct_write_file("f", "", 0));
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = ct_fork(20);
        if (kids[k] == 0) {
            int fd = open("f", O_WRONLY | O_APPEND);
            if (fd < 0)
                _exit(1);
            char rec[RECLEN];
            for (int i = 0; i < NREC; i++) {
                memset(rec, 'a' + k, sizeof rec);
                snprintf(rec, sizeof rec, "%d:%05d:", k, i);
                rec[RECLEN - 1] = '\n';
                if (write(fd, rec, sizeof rec) != RECLEN)
                    _exit(2);
            }
            _exit(0);
        }
        REQUIRE(kids[k] > 0);
    }
    for (int k = 0; k < 2; k++)
        CHECK_EQ(ct_wait(kids[k], 20000), 0);
    size_t len = 2 * NREC * RECLEN;
    char *buf = malloc(len + 1);
    REQUIRE(buf);
    CHECK_EQ(ct_read_file("f", buf, len + 1), (long)len);
    int next[2] = { 0, 0 };
    for (size_t off = 0; off + RECLEN <= len; off += RECLEN) {
        int k = -1, i = -1;
        char *rec = buf + off;
        if (sscanf(rec, "%d:%d:", &k, &i) != 2 || k < 0 || k > 1 ||
            rec[RECLEN - 1] != '\n' || rec[RECLEN - 2] != 'a' + k) {
            FAIL("torn record at offset %zu", off);
            break;
        }
        if (i != next[k]) {
            FAIL("record %d of writer %d at offset %zu, expected %d", i, k,
                 off, next[k]);
            break;
        }
        next[k]++;
    }
    free(buf);
}

/* O_APPEND writes go to the end even after seeking, and pwrite on an
 * O_APPEND descriptor appends too (a Linux quirk tmpfs keeps). */
static void o_append_seek(void)
{
    REQUIRE_OK(ct_write_file("f", "0123456789", 10));
    int fd = open("f", O_RDWR | O_APPEND);
    REQUIRE(fd >= 0);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ(write(fd, "ab", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_EQ(pwrite(fd, "cd", 2, 0), 2);
    close(fd);
    char buf[32] = "";
    CHECK_EQ(ct_read_file("f", buf, sizeof buf - 1), 14);
    CHECK(strcmp(buf, "0123456789abcd") == 0);
}

static void o_direct(void)
{
    enum { LEN = 65536 };
    unsigned char *w = aligned_alloc(4096, LEN), *r = aligned_alloc(4096, LEN);
    REQUIRE(w && r);
    ct_fill(w, LEN, 3, 0);
    int fd = open("f", O_RDWR | O_CREAT | O_DIRECT, 0644);
    if (fd < 0 && errno == EINVAL)
        FAIL("open O_DIRECT: EINVAL (the file system refuses direct I/O)");
    REQUIRE(fd >= 0);
    CHECK_EQ(pwrite(fd, w, LEN, 0), LEN);
    memset(r, 0, LEN);
    CHECK_EQ(pread(fd, r, LEN, 0), LEN);
    CHECK(memcmp(w, r, LEN) == 0);
    /* a buffered descriptor sees what the direct one wrote */
    int fd2 = open("f", O_RDONLY);
    CHECK(fd2 >= 0);
    memset(r, 0, LEN);
    CHECK_EQ(pread(fd2, r, LEN, 0), LEN);
    CHECK(memcmp(w, r, LEN) == 0);
    /* and the other way round */
    CHECK_OK(close(fd2));
    fd2 = open("f", O_WRONLY);
    CHECK_EQ(pwrite(fd2, "ZZZZ", 4, 4096), 4);
    close(fd2);
    memset(r, 0, LEN);
    CHECK_EQ(pread(fd, r, 8192, 0), 8192);
    CHECK(memcmp(r + 4096, "ZZZZ", 4) == 0);
    CHECK(memcmp(r, w, 4096) == 0);
    struct stat sb;
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, LEN);
    close(fd);
    free(w);
    free(r);
}

static void o_noatime(void)
{
    REQUIRE_OK(ct_write_file("f", "abc", 3));
    int fd = open("f", O_RDONLY | O_NOATIME);
    CHECK(fd >= 0);
    if (fd >= 0) {
        char c;
        CHECK_EQ(read(fd, &c, 1), 1);
        CHECK(fcntl(fd, F_GETFL) & O_NOATIME);
        close(fd);
    }
    if (!ct_is_root())
        SKIP("not root: cannot check O_NOATIME by a non-owner");
    /* only the owner (or CAP_FOWNER) may use O_NOATIME */
    CHECK_OK(chmod("f", 0644));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        if (ct_become(CT_NOBODY, CT_NOBODY) == -1)
            _exit(10);
        int f = open("f", O_RDONLY | O_NOATIME);
        if (f >= 0)
            _exit(1);
        if (errno != EPERM)
            _exit(2);
        f = open("f", O_RDONLY);
        _exit(f >= 0 ? 0 : 3);
    }
    int rc = ct_wait(pid, 10000);
    if (rc == 1)
        FAIL("O_NOATIME open by a non-owner succeeded, expected EPERM");
    else if (rc != 0)
        FAIL("non-owner O_NOATIME child: status %d", rc);
}

static void o_path(void)
{
    REQUIRE_OK(ct_write_file("f", "path", 4));
    REQUIRE_OK(mkdir("d", 0755));
    int fd = open("f", O_PATH);
    REQUIRE(fd >= 0);
    struct stat sb;
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_size, 4);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    /* reopen through /proc gives a real descriptor */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int fd2 = open(proc, O_RDONLY);
    CHECK(fd2 >= 0);
    if (fd2 >= 0) {
        char buf[8] = "";
        CHECK_EQ(read(fd2, buf, sizeof buf), 4);
        CHECK(memcmp(buf, "path", 4) == 0);
        close(fd2);
    }
    close(fd);
    /* O_PATH on a directory serves as an *at() anchor */
    int dfd = open("d", O_PATH | O_DIRECTORY);
    REQUIRE(dfd >= 0);
    int f = openat(dfd, "g", O_WRONLY | O_CREAT, 0644);
    CHECK(f >= 0);
    if (f >= 0)
        close(f);
    CHECK_OK(access("d/g", F_OK));
    CHECK_OK(fstatat(dfd, "", &sb, AT_EMPTY_PATH));
    CHECK(S_ISDIR(sb.st_mode));
    close(dfd);
    /* O_PATH|O_NOFOLLOW on a symlink gives the link itself */
    REQUIRE_OK(symlink("f", "l"));
    int lfd = open("l", O_PATH | O_NOFOLLOW);
    CHECK(lfd >= 0);
    if (lfd >= 0) {
        CHECK_OK(fstatat(lfd, "", &sb, AT_EMPTY_PATH));
        CHECK(S_ISLNK(sb.st_mode));
        close(lfd);
    }
}

static void o_tmpfile(void)
{
    int fd = open(".", O_TMPFILE | O_RDWR, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
        SKIP("O_TMPFILE: %s from the kernel", ct_errname(errno));
    REQUIRE(fd >= 0);
    struct stat sb;
    CHECK_OK(fstat(fd, &sb));
    CHECK(S_ISREG(sb.st_mode));
    CHECK_EQ(sb.st_nlink, 0);
    CHECK_EQ(sb.st_mode & 07777, 0600);
    CHECK_EQ(write(fd, "tmpdata", 7), 7);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    CHECK_OK(linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_nlink, 1);
    close(fd);
    char buf[16] = "";
    CHECK_EQ(ct_read_file("named", buf, sizeof buf), 7);
    CHECK(memcmp(buf, "tmpdata", 7) == 0);
    /* O_EXCL: may never be linked */
    fd = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
    CHECK(fd >= 0);
    if (fd >= 0) {
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        CHECK_ERR(linkat(AT_FDCWD, proc, AT_FDCWD, "named2",
                         AT_SYMLINK_FOLLOW), ENOENT);
        close(fd);
    }
    /* and no directory entry was ever visible besides "named" */
    CHECK_ERR(access("named2", F_OK), ENOENT);
}

static void unlinked_open(void)
{
    unsigned char w[5000], r[5000];
    ct_fill(w, sizeof w, 5, 0);
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, w, 2000), 2000);
    int fd2 = open("f", O_RDONLY);
    CHECK(fd2 >= 0);
    REQUIRE_OK(unlink("f"));
    CHECK_ERR(access("f", F_OK), ENOENT);
    struct stat sb;
    CHECK_OK(fstat(fd, &sb));
    CHECK_EQ(sb.st_nlink, 0);
    /* still readable and writable through both descriptors */
    CHECK_EQ(pwrite(fd, w + 2000, 3000, 2000), 3000);
    CHECK_EQ(pread(fd2, r, sizeof r, 0), (long)sizeof r);
    CHECK(memcmp(w, r, sizeof w) == 0);
    CHECK_OK(ftruncate(fd, 100));
    CHECK_OK(fstat(fd2, &sb));
    CHECK_EQ(sb.st_size, 100);
    CHECK_OK(fchmod(fd, 0600));
    /* a new file of the same name is a different file */
    int fd3 = open("f", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd3 >= 0);
    struct stat s3;
    CHECK_OK(fstat(fd3, &s3));
    CHECK(s3.st_ino != sb.st_ino);
    CHECK_EQ(s3.st_size, 0);
    close(fd3);
    close(fd);
    CHECK_EQ(pread(fd2, r, 100, 0), 100);
    CHECK(memcmp(w, r, 100) == 0);
    close(fd2);
    /* rename over an open file: the old one stays readable */
    REQUIRE_OK(ct_write_file("a", "AAAA", 4));
    REQUIRE_OK(ct_write_file("b", "BB", 2));
    fd = open("b", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_OK(rename("a", "b"));
    char buf[8] = "";
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 2);
    CHECK(memcmp(buf, "BB", 2) == 0);
    close(fd);
}

static void truncate_zero_fill(void)
{
    unsigned char w[20000], r[20000];
    ct_fill(w, sizeof w, 7, 0);
    int fd = open("f", O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, w, sizeof w), (long)sizeof w);
    struct stat a, b;
    CHECK_OK(fstat(fd, &a));
    CT_TICK();
    CHECK_OK(ftruncate(fd, 5001));                  /* down, mid-page */
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 5001);
    CHECK(TS_GT(b.st_mtim, a.st_mtim));
    CHECK(TS_GT(b.st_ctim, a.st_ctim));
    CHECK_OK(ftruncate(fd, 30000));                 /* up again */
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 30000);
    CHECK_EQ(pread(fd, r, 5001, 0), 5001);
    CHECK(memcmp(w, r, 5001) == 0);
    CHECK_EQ(ct_all_zero(fd, 5001, 30000 - 5001), 1);
    CHECK_OK(ftruncate(fd, 0));
    CHECK_OK(fstat(fd, &b));
    CHECK_EQ(b.st_size, 0);
    CHECK_EQ(pread(fd, r, 10, 0), 0);
    CHECK_OK(ftruncate(fd, 1 << 20));               /* up from empty */
    CHECK_EQ(ct_all_zero(fd, 0, 1 << 20), 1);
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    close(fd);
    /* truncate(2) by path, and on a directory */
    CHECK_OK(truncate("f", 3));
    CHECK_OK(stat("f", &b));
    CHECK_EQ(b.st_size, 3);
    CHECK_ERR(truncate(".", 0), EISDIR);
    fd = open("f", O_RDONLY);
    CHECK_ERR2(ftruncate(fd, 0), EINVAL, EBADF);
    close(fd);
}

const struct ct_case ct_files_cases[] = {
    { "file_create_rw", create_rw, 0 },
    { "file_o_excl", o_excl, 0 },
    { "file_o_trunc", o_trunc, 0 },
    { "file_o_append_two_procs", o_append_two_procs, 0 },
    { "file_o_append_seek", o_append_seek, 0 },
    { "file_o_direct", o_direct, 0 },
    { "file_o_noatime", o_noatime, 0 },
    { "file_o_path", o_path, 0 },
    { "file_o_tmpfile", o_tmpfile, 0 },
    { "file_unlinked_open", unlinked_open, 0 },
    { "file_truncate_zero_fill", truncate_zero_fill, 0 },
    { NULL, NULL, 0 },
};
