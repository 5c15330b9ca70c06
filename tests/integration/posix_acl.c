/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* POSIX ACLs (system.posix_acl_access and _default) on memfs -A, where
 * fsp keeps the rules tying them to the mode, and the same cases on
 * tmpfs (FSP_ITEST_TMPFS=1), which is the reference.  The named-user
 * case runs as "fsptest", so memfs mounts with allow_other. */
#include "harness.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define ACCESS_EA  "system.posix_acl_access"
#define DEFAULT_EA "system.posix_acl_default"

/* Tags of the xattr format (linux/posix_acl_xattr.h). */
enum { USER_OBJ = 1, USER = 2, GROUP_OBJ = 4, GROUP = 8, MASK = 0x10,
       OTHER = 0x20 };
#define NO_ID 0xffffffffu


/* One entry of an ACL being built. */
struct ent {
    unsigned tag, perm;
    uint32_t id;
};

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

/* Encode n entries as an xattr value with header version `version` into
 * buf; returns its length. */
static size_t acl_bytes(unsigned char *buf, uint32_t version,
                        const struct ent *e, size_t n)
{
    put_le(buf, version, 4);
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = buf + 4 + 8 * i;
        put_le(p, e[i].tag, 2);
        put_le(p + 2, e[i].perm, 2);
        put_le(p + 4, e[i].id, 4);
    }
    return 4 + 8 * n;
}

/* Run a program; 0 when it exited 0.  Its output goes to out (or
 * nowhere), NUL-terminated. */
static int run(char *const argv[], char *out, size_t size)
{
    const char *path = P("../run.out");
    int st = 0;
    if (run_cmd(argv, out ? path : NULL, 30000, &st) != 0)
        return -1;
    if (out) {
        ssize_t n = read_file(path, out, size - 1);
        out[n > 0 ? n : 0] = 0;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* getfacl -c -n -p of path (numeric, no header) into out. */
static int getfacl(const char *path, char *out, size_t size)
{
    char *argv[] = { "/usr/bin/getfacl", "-c", "-n", "-p", (char *)path, NULL };
    return run(argv, out, size);
}

static int setfacl(const char *opt, const char *spec, const char *path)
{
    char *argv[] = { "/usr/bin/setfacl", (char *)opt, (char *)spec, (char *)path,
                     NULL };
    return run(argv, NULL, 0);
}

/* Compare getfacl output with the expected text; print both if not. */
static void expect_facl(const char *path, const char *want)
{
    char got[2048];
    CHECK_EQ(getfacl(path, got, sizeof got), 0);
    if (strcmp(got, want) != 0) {
        printf("  getfacl %s:\n%s  expected:\n%s", path, got, want);
        check_failed = 1;
    }
}

static void expect_mode(const char *path, mode_t mode)
{
    struct stat st;
    CHECK_EQ(lstat(path, &st), 0);
    CHECK_EQ(st.st_mode & 07777, mode);
}

/* "user:UID:PERM\n" with fsptest's uid. */
static const char *named(const char *perm)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "user:%u:%s\n", (unsigned)itest_user_uid, perm);
    return buf;
}

static void posix_acl_roundtrip(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(chmod(P("f"), 0644) == 0);
    char spec[128], want[512];
    snprintf(spec, sizeof spec, "u:%u:rw,g::r,o::-", (unsigned)itest_user_uid);
    CHECK_EQ(setfacl("-m", spec, P("f")), 0);
    snprintf(want, sizeof want, "user::rw-\n%sgroup::r--\nmask::rw-\n"
             "other::---\n\n", named("rw-"));
    expect_facl(P("f"), want);
    /* the raw value: header and five entries */
    unsigned char raw[256];
    CHECK_EQ(getxattr(P("f"), ACCESS_EA, raw, sizeof raw), 4 + 5 * 8);
    CHECK_EQ(getxattr(P("f"), ACCESS_EA, NULL, 0), 4 + 5 * 8);
    /* listed like any other attribute */
    char list[512];
    ssize_t n = listxattr(P("f"), list, sizeof list);
    CHECK(n > 0 && memmem(list, (size_t)n, ACCESS_EA, sizeof ACCESS_EA));
    /* and copied by a tool that reads it back through getfacl */
    char *cp[] = { "/bin/cp", "-a", (char *)P("f"), (char *)P("g"), NULL };
    CHECK_EQ(run(cp, NULL, 0), 0);
    expect_facl(P("g"), want);
}

static void posix_acl_mode_follows(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(chmod(P("f"), 0604) == 0);
    unsigned char buf[128];
    struct ent e[] = { { USER_OBJ, 7, NO_ID }, { USER, 4, itest_user_uid },
                       { GROUP_OBJ, 4, NO_ID }, { MASK, 6, NO_ID },
                       { OTHER, 0, NO_ID } };
    size_t len = acl_bytes(buf, 2, e, 5);
    CHECK_EQ(setxattr(P("f"), ACCESS_EA, buf, len, 0), 0);
    expect_mode(P("f"), 0760);  /* group bits are the mask's */
    /* an ACL the mode says all of is kept as the mode alone */
    struct ent plain[] = { { USER_OBJ, 6, NO_ID }, { GROUP_OBJ, 4, NO_ID },
                           { OTHER, 1, NO_ID } };
    len = acl_bytes(buf, 2, plain, 3);
    CHECK_EQ(setxattr(P("f"), ACCESS_EA, buf, len, 0), 0);
    expect_mode(P("f"), 0641);
    CHECK_ERRNO(getxattr(P("f"), ACCESS_EA, buf, sizeof buf), ENODATA);
    expect_facl(P("f"), "user::rw-\ngroup::r--\nother::--x\n\n");
}

static void posix_acl_chmod_mask(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    char spec[128], want[512];
    snprintf(spec, sizeof spec, "u:%u:rwx,g::rx,o::r", (unsigned)itest_user_uid);
    REQUIRE(setfacl("-m", spec, P("f")) == 0);
    expect_mode(P("f"), 0674);
    /* chmod moves the mask, not the owning group's entry */
    CHECK_EQ(chmod(P("f"), 0715), 0);
    expect_mode(P("f"), 0715);
    /* getfacl prints effective rights where the mask takes some away */
    snprintf(want, sizeof want, "user::rwx\n%sgroup::r-x\t#effective:--x\n"
             "mask::--x\nother::r-x\n\n", named("rwx\t#effective:--x"));
    expect_facl(P("f"), want);
    /* and a plain file's chmod stays plain */
    REQUIRE(write_file(P("g"), "x", 1) == 0);
    CHECK_EQ(chmod(P("g"), 0751), 0);
    unsigned char buf[128];
    CHECK_ERRNO(getxattr(P("g"), ACCESS_EA, buf, sizeof buf), ENODATA);
    expect_mode(P("g"), 0751);
}

static void posix_acl_default_inherit(void)
{
    REQUIRE(itest_find_user() == 0);
    umask(022);  /* a default ACL replaces it */
    REQUIRE(mkdir(P("d"), 0755) == 0);
    char spec[128], want[1024];
    snprintf(spec, sizeof spec, "u:%u:rwx,g::rx", (unsigned)itest_user_uid);
    char *argv[] = { "/usr/bin/setfacl", "-d", "-m", spec, (char *)P("d"), NULL };
    REQUIRE(run(argv, NULL, 0) == 0);

    /* a file: mask and other limited by the requested 0666 */
    int fd = open(P("d/f"), O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    expect_mode(P("d/f"), 0664);  /* not 0644: no umask */
    snprintf(want, sizeof want, "user::rw-\n%sgroup::r-x\t#effective:r--\n"
             "mask::rw-\nother::r--\n\n", named("rwx\t#effective:rw-"));
    expect_facl(P("d/f"), want);

    /* a directory also inherits the default ACL itself */
    CHECK_EQ(mkdir(P("d/e"), 0750), 0);
    expect_mode(P("d/e"), 0750);
    unsigned char a[256], b[256];
    ssize_t na = getxattr(P("d"), DEFAULT_EA, a, sizeof a);
    ssize_t nb = getxattr(P("d/e"), DEFAULT_EA, b, sizeof b);
    CHECK(na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0);
    snprintf(want, sizeof want, "user::rwx\n%sgroup::r-x\nmask::r-x\n"
             "other::---\n", named("rwx\t#effective:r-x"));
    char got[2048];
    CHECK_EQ(getfacl(P("d/e"), got, sizeof got), 0);
    if (strncmp(got, want, strlen(want)) != 0) {
        printf("  getfacl d/e:\n%s  expected to start with:\n%s", got, want);
        check_failed = 1;
    }
    /* and passes it on */
    CHECK_EQ(mkdir(P("d/e/x"), 0777), 0);
    expect_mode(P("d/e/x"), 0775);

    /* a device node and a fifo follow the same rule; a link does not */
    CHECK_EQ(mknod(P("d/p"), S_IFIFO | 0600, 0), 0);
    expect_mode(P("d/p"), 0600);
    CHECK_EQ(symlink("f", P("d/s")), 0);
    expect_mode(P("d/s"), 0777);
    /* the kernel answers for links itself */
    CHECK_ERRNO(lgetxattr(P("d/s"), ACCESS_EA, a, sizeof a), EOPNOTSUPP);
}

/* As fsptest: the ACL decides, not the mode. */
static void user_reads(void)
{
    char buf[16];
    CHECK_EQ(read_file(P("secret"), buf, sizeof buf), 6);
    CHECK_ERRNO(open(P("secret"), O_WRONLY), EACCES);
    CHECK_ERRNO(open(P("closed"), O_RDONLY), EACCES);
}

static void user_denied(void)
{
    CHECK_ERRNO(open(P("secret"), O_RDONLY), EACCES);
}


static void posix_acl_named_user(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("secret"), "secret", 6) == 0);
    REQUIRE(chmod(P("secret"), 0600) == 0);
    REQUIRE(write_file(P("closed"), "closed", 6) == 0);
    REQUIRE(chmod(P("closed"), 0600) == 0);
    char spec[64];
    snprintf(spec, sizeof spec, "u:%u:r", (unsigned)itest_user_uid);
    REQUIRE(setfacl("-m", spec, P("secret")) == 0);
    expect_mode(P("secret"), 0640);
    itest_as_user(user_reads, 0);
    /* with the ACL gone the mode rules again */
    CHECK_EQ(removexattr(P("secret"), ACCESS_EA), 0);
    CHECK_EQ(chmod(P("secret"), 0600), 0);
    itest_as_user(user_denied, 0);
}

/* As fsptest: write access to a root-owned 0755 directory through its
 * ACL, and none where there is no ACL. */
static void user_creates(void)
{
    umask(022);
    CHECK_EQ(write_file(P("shared/mine"), "x", 1), 0);
    CHECK_ERRNO(open(P("closed/mine"), O_CREAT | O_WRONLY, 0644), EACCES);
}

static void posix_acl_named_user_dir(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(mkdir(P("shared"), 0755) == 0);
    REQUIRE(mkdir(P("closed"), 0755) == 0);
    char spec[128], want[512];
    snprintf(spec, sizeof spec, "u:%u:rwx,d:u:%u:rwx", (unsigned)itest_user_uid,
             (unsigned)itest_user_uid);
    REQUIRE(setfacl("-m", spec, P("shared")) == 0);
    itest_as_user(user_creates, 0);
    struct stat st;
    CHECK_EQ(stat(P("shared/mine"), &st), 0);
    CHECK_EQ(st.st_uid, itest_user_uid);
    /* write_file's 0644 limits the inherited mask: mode 0644 */
    CHECK_EQ(st.st_mode & 07777, 0644);
    snprintf(want, sizeof want, "user::rw-\n%sgroup::r-x\t#effective:r--\n"
             "mask::r--\nother::r--\n\n", named("rwx\t#effective:r--"));
    expect_facl(P("shared/mine"), want);
}

static void posix_acl_remove(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    REQUIRE(mkdir(P("d"), 0755) == 0);
    char spec[64];
    snprintf(spec, sizeof spec, "u:%u:rw", (unsigned)itest_user_uid);
    REQUIRE(setfacl("-m", spec, P("f")) == 0);
    expect_mode(P("f"), 0664);
    /* setfacl -b: the access ACL goes; setfacl sets the minimal ACL,
     * whose group entry is the owning group's own (not the mask) */
    CHECK_EQ(setfacl("-b", P("f"), NULL), 0);
    unsigned char buf[256];
    CHECK_ERRNO(getxattr(P("f"), ACCESS_EA, buf, sizeof buf), ENODATA);
    expect_facl(P("f"), "user::rw-\ngroup::r--\nother::r--\n\n");
    expect_mode(P("f"), 0644);
    /* removing it again, or one never set, is no error (as tmpfs) */
    CHECK_EQ(removexattr(P("f"), ACCESS_EA), 0);
    /* default ACLs likewise */
    char *argv[] = { "/usr/bin/setfacl", "-d", "-m", spec, (char *)P("d"), NULL };
    REQUIRE(run(argv, NULL, 0) == 0);
    CHECK(getxattr(P("d"), DEFAULT_EA, buf, sizeof buf) > 0);
    CHECK_EQ(setfacl("-k", P("d"), NULL), 0);
    CHECK_ERRNO(getxattr(P("d"), DEFAULT_EA, buf, sizeof buf), ENODATA);
    umask(022);
    CHECK_EQ(write_file(P("d/new"), "x", 1), 0);
    expect_mode(P("d/new"), 0644);
}

static void posix_acl_malformed(void)
{
    REQUIRE(itest_find_user() == 0);
    REQUIRE(write_file(P("f"), "x", 1) == 0);
    unsigned char good[128], bad[128], now[128];
    struct ent e[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, itest_user_uid },
                       { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                       { OTHER, 0, NO_ID } };
    size_t glen = acl_bytes(good, 2, e, 5);
    REQUIRE(setxattr(P("f"), ACCESS_EA, good, glen, 0) == 0);
    expect_mode(P("f"), 0640);
    ssize_t before = getxattr(P("f"), ACCESS_EA, good, sizeof good);
    REQUIRE(before > 0);

    /* each malformed in one way */
    struct ent unsorted[] = { { GROUP_OBJ, 4, NO_ID }, { USER_OBJ, 6, NO_ID },
                              { OTHER, 0, NO_ID } };
    struct ent dup[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, itest_user_uid },
                         { USER, 4, itest_user_uid }, { GROUP_OBJ, 4, NO_ID },
                         { MASK, 4, NO_ID }, { OTHER, 0, NO_ID } };
    struct ent nomask[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, itest_user_uid },
                            { GROUP_OBJ, 4, NO_ID }, { OTHER, 0, NO_ID } };
    struct ent noother[] = { { USER_OBJ, 6, NO_ID }, { GROUP_OBJ, 4, NO_ID } };
    struct ent badperm[] = { { USER_OBJ, 8, NO_ID }, { GROUP_OBJ, 4, NO_ID },
                             { OTHER, 0, NO_ID } };
    struct ent badtag[] = { { USER_OBJ, 6, NO_ID }, { GROUP_OBJ, 4, NO_ID },
                            { 0x40, 4, 0 }, { OTHER, 0, NO_ID } };
    struct { const struct ent *e; size_t n; } cases[] = {
        { unsorted, 3 }, { nomask, 4 }, { noother, 2 }, { badperm, 3 },
        { badtag, 4 },
        /* Last: the kernel (posix_acl_valid) lets a repeated named entry
         * through and tmpfs stores it; fsp refuses it, as libacl's
         * acl_check does, since one user with two sets of rights is
         * meaningless.  memfs is right here. */
        { dup, 6 },
    };
    size_t ncases = sizeof cases / sizeof *cases - (itest_tmpfs ? 1 : 0);
    for (size_t i = 0; i < ncases; i++) {
        size_t len = acl_bytes(bad, 2, cases[i].e, cases[i].n);
        CHECK_ERRNO(setxattr(P("f"), ACCESS_EA, bad, len, 0), EINVAL);
    }
    /* a torn entry */
    size_t len = acl_bytes(bad, 2, e, 5);
    CHECK_ERRNO(setxattr(P("f"), ACCESS_EA, bad, len - 3, 0), EINVAL);
    /* an unknown version: the kernel refuses it before any file system
     * sees it, with EOPNOTSUPP (posix_acl_from_xattr) */
    len = acl_bytes(bad, 1, e, 5);
    CHECK_ERRNO(setxattr(P("f"), ACCESS_EA, bad, len, 0), EOPNOTSUPP);

    /* nothing lost: same ACL, same mode */
    CHECK_EQ(getxattr(P("f"), ACCESS_EA, now, sizeof now), before);
    CHECK(memcmp(now, good, (size_t)before) == 0);
    expect_mode(P("f"), 0640);
    /* a default ACL only on directories */
    CHECK_ERRNO(setxattr(P("f"), DEFAULT_EA, good, glen, 0), EACCES);
}

static void posix_acl_umask(void)
{
    umask(027);
    int fd = open(P("f"), O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    expect_mode(P("f"), 0640);
    CHECK_EQ(mkdir(P("d"), 0777), 0);
    expect_mode(P("d"), 0750);
    CHECK_EQ(mknod(P("p"), S_IFIFO | 0666, 0), 0);
    expect_mode(P("p"), 0640);
    umask(0);
    CHECK_EQ(mkdir(P("d/open"), 0777), 0);
    expect_mode(P("d/open"), 0777);
    umask(022);
}

#define ACL_ARGS "-A -o allow_other"

void posix_acl_tests(void)
{
    CASE(posix_acl_roundtrip, ACL_ARGS, 0);
    CASE(posix_acl_mode_follows, ACL_ARGS, 0);
    CASE(posix_acl_chmod_mask, ACL_ARGS, 0);
    CASE(posix_acl_default_inherit, ACL_ARGS, 0);
    CASE(posix_acl_named_user, ACL_ARGS, 0);
    CASE(posix_acl_named_user_dir, ACL_ARGS, 0);
    CASE(posix_acl_remove, ACL_ARGS, 0);
    CASE(posix_acl_malformed, ACL_ARGS, 0);
    CASE(posix_acl_umask, ACL_ARGS, 0);
}
