/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* POSIX ACLs: system.posix_acl_access and system.posix_acl_default set
 * and read as raw attributes and with setfacl/getfacl, the mode kept in
 * step with the ACL (group bits are the mask), inheritance of a default
 * ACL on create (the umask then does not apply), enforcement of named
 * entries for unprivileged users, removal, and malformed values.
 *
 * A mount without ACLs answers EOPNOTSUPP for these attributes; every
 * case then SKIPs.  One that stores them as plain attributes without the
 * rules fails, as it should: an ACL that nothing enforces is worse than
 * none. */
#include "ct.h"

#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define ACCESS_EA  "system.posix_acl_access"
#define DEFAULT_EA "system.posix_acl_default"
#define GETFACL    "/usr/bin/getfacl"
#define SETFACL    "/usr/bin/setfacl"
#define CT_GROUP   1234  /* a named group nobody is in by default */

/* Tags of the attribute format (linux/posix_acl_xattr.h). */
enum { USER_OBJ = 1, USER = 2, GROUP_OBJ = 4, GROUP = 8, MASK = 0x10,
       OTHER = 0x20 };
#define NO_ID 0xffffffffu
#define MAX_ENTS 16

struct ent {
    unsigned tag, perm;
    uint32_t id;
};

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint32_t get_le(const unsigned char *p, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* n entries as an attribute value with header `version`; its length. */
static size_t encode(unsigned char *buf, uint32_t version,
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

static int set_acl(const char *path, const char *name, const struct ent *e,
                   size_t n)
{
    unsigned char buf[4 + 8 * MAX_ENTS];
    return setxattr(path, name, buf, encode(buf, 2, e, n), 0);
}

#define SET_ACL(path, name, arr) set_acl(path, name, arr, sizeof arr / sizeof *arr)

/* Read ACL `name` of path and compare it with want[0..n): the tags,
 * permissions and, for named entries, ids.  Reports what differs. */
static void expect_acl_at(const char *file, int line, const char *path,
                          const char *name, const struct ent *want, size_t n)
{
    unsigned char buf[4 + 8 * MAX_ENTS];
    errno = 0;
    ssize_t len = getxattr(path, name, buf, sizeof buf);
    if (len < 0) {
        ct_fail(file, line, "getxattr(%s, %s): %s", path, name,
                ct_errname(errno));
        return;
    }
    if ((size_t)len != 4 + 8 * n || get_le(buf, 4) != 2) {
        ct_fail(file, line, "%s of %s: %zd bytes, version %u; expected %zu "
                "entries", name, path, len, get_le(buf, 4), n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = buf + 4 + 8 * i;
        unsigned tag = get_le(p, 2), perm = get_le(p + 2, 2);
        uint32_t id = get_le(p + 4, 4);
        int named = tag == USER || tag == GROUP;
        if (tag != want[i].tag || perm != want[i].perm ||
            (named && id != want[i].id)) {
            ct_fail(file, line, "%s of %s, entry %zu: tag %#x perm %o id %u; "
                    "expected tag %#x perm %o id %u", name, path, i, tag,
                    perm, id, want[i].tag, want[i].perm, want[i].id);
            return;
        }
    }
}
#define EXPECT_ACL(path, name, arr)                                         \
    expect_acl_at(__FILE__, __LINE__, path, name, arr,                      \
                  sizeof arr / sizeof *arr)

#define EXPECT_MODE(path, m)                                                \
    do {                                                                    \
        struct stat sb_;                                                    \
        if (lstat(path, &sb_) == -1)                                        \
            FAIL("lstat %s: %s", path, ct_errname(errno));                  \
        else                                                                \
            CHECKM((sb_.st_mode & 07777) == (m), "mode of %s is %04o, "     \
                   "expected %04o", path, sb_.st_mode & 07777, (m));         \
    } while (0)

#define EXPECT_NO_ACL(path, name)                                           \
    CHECK_ERR(getxattr(path, name, NULL, 0), ENODATA)

/* Does the mount refuse ACLs with EOPNOTSUPP?  Reading one is not
 * enough to tell (a FUSE mount whose server has no getxattr answers
 * ENODATA), so also set the ACL a fresh 0644 file already has, which
 * changes nothing where ACLs work.  The failing call's name, or NULL. */
static const char *acls_refused(void)
{
    errno = 0;
    if (getxattr(".", ACCESS_EA, NULL, 0) == -1 && errno == EOPNOTSUPP)
        return "getxattr";
    const struct ent same[] = { { USER_OBJ, 6, NO_ID },
                                { GROUP_OBJ, 4, NO_ID },
                                { OTHER, 4, NO_ID } };
    const char *why = NULL;
    if (ct_touch("acl-probe") == 0 && chmod("acl-probe", 0644) == 0) {
        errno = 0;
        if (set_acl("acl-probe", ACCESS_EA, same, 3) == -1 &&
            errno == EOPNOTSUPP)
            why = "setxattr";
    }
    unlink("acl-probe");
    return why;
}

/* SKIP the case when the mount has no POSIX ACLs (EOPNOTSUPP). */
#define NEED_ACLS()                                                         \
    do {                                                                    \
        const char *call_ = acls_refused();                                 \
        if (call_)                                                          \
            SKIP("the mount does not support POSIX ACLs (%s "               \
                 ACCESS_EA ": EOPNOTSUPP)", call_);                         \
    } while (0)

#define NEED_ROOT()                                                         \
    do {                                                                    \
        if (!ct_is_root())                                                  \
            SKIP("needs root to switch users");                             \
    } while (0)

#define NEED_TOOLS()                                                        \
    do {                                                                    \
        if (access(GETFACL, X_OK) || access(SETFACL, X_OK))                 \
            SKIP("getfacl/setfacl not installed (Debian package acl, "      \
                 "tests/deps.sh)");                                         \
    } while (0)

/* Run argv (stdin from `in` when not NULL); its output, NUL-terminated,
 * into out.  The exit status, or -1. */
static int run_tool(char *const argv[], const char *in, char *out,
                    size_t size)
{
    int op[2], ip[2];
    if (pipe(op) == -1)
        return -1;
    if (pipe(ip) == -1) {
        close(op[0]);
        close(op[1]);
        return -1;
    }
    pid_t pid = ct_fork(20);
    if (pid == 0) {
        dup2(ip[0], 0);
        dup2(op[1], 1);
        dup2(op[1], 2);
        close(ip[1]);
        close(op[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(ip[0]);
    close(op[1]);
    if (in && pid > 0 && write(ip[1], in, strlen(in)) < 0)
        in = NULL;
    close(ip[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < size && (r = read(op[0], out + got, size - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = 0;
    close(op[0]);
    return pid > 0 ? ct_wait(pid, 20000) : -1;
}

/* getfacl -c -n -p [OPT] PATH (numeric ids, no header) into out. */
static int getfacl(const char *opt, const char *path, char *out, size_t size)
{
    char *argv[7] = { GETFACL, "-c", "-n", "-p" };
    int n = 4;
    if (opt)
        argv[n++] = (char *)opt;
    argv[n++] = (char *)path;
    argv[n] = NULL;
    return run_tool(argv, NULL, out, size);
}

/* setfacl OPT [SPEC] PATH; its exit status. */
static int setfacl(const char *opt, const char *spec, const char *path)
{
    char out[512];
    char *argv[5] = { SETFACL, (char *)opt };
    int n = 2;
    if (spec)
        argv[n++] = (char *)spec;
    argv[n++] = (char *)path;
    argv[n] = NULL;
    int r = run_tool(argv, NULL, out, sizeof out);
    if (r != 0)
        ct_note("setfacl %s %s: status %d: %s", opt, spec ? spec : "", r,
                out);
    return r;
}

static void expect_facl_at(const char *file, int line, const char *opt,
                           const char *path, const char *want)
{
    char got[2048];
    int r = getfacl(opt, path, got, sizeof got);
    if (r != 0)
        ct_fail(file, line, "getfacl %s: status %d: %s", path, r, got);
    else if (strcmp(got, want) != 0)
        ct_fail(file, line, "getfacl %s%s%s printed\n%s--- expected\n%s",
                opt ? opt : "", opt ? " " : "", path, got, want);
}
#define EXPECT_FACL(opt, path, want) expect_facl_at(__FILE__, __LINE__, opt, path, want)

/* Run fn as uid:gid with the supplementary group `extra` (none when 0);
 * checks inside count.  0 when it ran and exited 0. */
static int as_user(uid_t uid, gid_t gid, gid_t extra, void (*fn)(void))
{
    pid_t pid = ct_fork(15);
    if (pid == 0) {
        gid_t groups[1] = { extra };
        if (setgroups(extra ? 1 : 0, groups) == -1 ||
            setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1) {
            FAIL("cannot become %u:%u: %s", uid, gid, ct_errname(errno));
            _exit(1);
        }
        umask(022);
        fn();
        _exit(0);
    }
    int rc = pid > 0 ? ct_wait(pid, 15000) : -1;
    if (rc != 0)
        FAIL("child as uid %u: status %d", uid, rc);
    return rc;
}

/* ---- the cases -------------------------------------------------------- */

/* An access ACL set as a raw attribute reads back entry for entry, sets
 * the mode (group bits: the mask) and changes ctime; one the mode says
 * all of is stored as the mode alone. */
static void acl_access_xattr(void)
{
    NEED_ACLS();
    REQUIRE_OK(ct_touch("f"));
    REQUIRE_OK(chmod("f", 0604));
    struct stat before, sb;
    REQUIRE_OK(stat("f", &before));
    CT_TICK();
    const struct ent e[] = { { USER_OBJ, 7, NO_ID }, { USER, 4, CT_NOBODY },
                             { GROUP_OBJ, 4, NO_ID }, { GROUP, 5, CT_GROUP },
                             { MASK, 6, NO_ID }, { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("f", ACCESS_EA, e));
    EXPECT_ACL("f", ACCESS_EA, e);
    EXPECT_MODE("f", 0760);
    CHECK_OK(stat("f", &sb));
    CHECK(TS_GT(sb.st_ctim, before.st_ctim));
    /* size probe, ERANGE, listed like any attribute */
    CHECK_EQ(getxattr("f", ACCESS_EA, NULL, 0), 4 + 6 * 8);
    char small[8], list[1024];
    CHECK_ERR(getxattr("f", ACCESS_EA, small, sizeof small), ERANGE);
    ssize_t n = listxattr("f", list, sizeof list);
    CHECK(n > 0 && memmem(list, (size_t)n, ACCESS_EA, sizeof ACCESS_EA));
    /* through a descriptor, too */
    int fd = open("f", O_RDONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(fgetxattr(fd, ACCESS_EA, NULL, 0), 4 + 6 * 8);
        const struct ent f2[] = { { USER_OBJ, 6, NO_ID },
                                  { USER, 6, CT_NOBODY },
                                  { GROUP_OBJ, 0, NO_ID }, { MASK, 7, NO_ID },
                                  { OTHER, 4, NO_ID } };
        unsigned char buf[64];
        CHECK_OK(fsetxattr(fd, ACCESS_EA, buf, encode(buf, 2, f2, 5), 0));
        close(fd);
        EXPECT_ACL("f", ACCESS_EA, f2);
        EXPECT_MODE("f", 0674);
    }
    /* only the three base entries: the mode alone, no attribute */
    const struct ent plain[] = { { USER_OBJ, 6, NO_ID },
                                 { GROUP_OBJ, 4, NO_ID },
                                 { OTHER, 1, NO_ID } };
    CHECK_OK(SET_ACL("f", ACCESS_EA, plain));
    EXPECT_MODE("f", 0641);
    EXPECT_NO_ACL("f", ACCESS_EA);
    /* directories take access ACLs the same way */
    REQUIRE_OK(mkdir("d", 0755));
    const struct ent d[] = { { USER_OBJ, 7, NO_ID }, { USER, 7, CT_NOBODY },
                             { GROUP_OBJ, 5, NO_ID }, { MASK, 7, NO_ID },
                             { OTHER, 1, NO_ID } };
    CHECK_OK(SET_ACL("d", ACCESS_EA, d));
    EXPECT_ACL("d", ACCESS_EA, d);
    EXPECT_MODE("d", 0771);
    /* a symbolic link has no ACLs of its own */
    REQUIRE_OK(symlink("f", "l"));
    unsigned char buf[64];
    CHECK_ERR(lsetxattr("l", ACCESS_EA, buf, encode(buf, 2, plain, 3), 0),
              EOPNOTSUPP);
    CHECK_ERR(lgetxattr("l", ACCESS_EA, buf, sizeof buf), EOPNOTSUPP);
}

/* chmod moves the mask, not the owning group's entry, and the owner and
 * other entries; getfacl shows the rights the mask takes away. */
static void acl_chmod_mask(void)
{
    NEED_ACLS();
    REQUIRE_OK(ct_touch("f"));
    const struct ent e[] = { { USER_OBJ, 7, NO_ID }, { USER, 7, CT_NOBODY },
                             { GROUP_OBJ, 5, NO_ID }, { MASK, 7, NO_ID },
                             { OTHER, 4, NO_ID } };
    REQUIRE_OK(SET_ACL("f", ACCESS_EA, e));
    EXPECT_MODE("f", 0774);
    CHECK_OK(chmod("f", 0715));
    EXPECT_MODE("f", 0715);
    const struct ent after[] = { { USER_OBJ, 7, NO_ID },
                                 { USER, 7, CT_NOBODY },
                                 { GROUP_OBJ, 5, NO_ID }, { MASK, 1, NO_ID },
                                 { OTHER, 5, NO_ID } };
    EXPECT_ACL("f", ACCESS_EA, after);
    /* set-ID bits ride along on the mode, not in the ACL */
    CHECK_OK(chmod("f", 04750));
    EXPECT_MODE("f", 04750);
    const struct ent suid[] = { { USER_OBJ, 7, NO_ID },
                                { USER, 7, CT_NOBODY },
                                { GROUP_OBJ, 5, NO_ID }, { MASK, 5, NO_ID },
                                { OTHER, 0, NO_ID } };
    EXPECT_ACL("f", ACCESS_EA, suid);
    /* without a mask (no named entries) the group entry is the group bits */
    REQUIRE_OK(ct_touch("m"));
    const struct ent nomask[] = { { USER_OBJ, 6, NO_ID },
                                  { GROUP_OBJ, 6, NO_ID },
                                  { OTHER, 0, NO_ID } };
    CHECK_OK(SET_ACL("m", ACCESS_EA, nomask));
    EXPECT_MODE("m", 0660);
    CHECK_OK(chmod("m", 0640));
    EXPECT_NO_ACL("m", ACCESS_EA);
    /* chmod of a file with no ACL leaves it without one */
    REQUIRE_OK(ct_touch("g"));
    CHECK_OK(chmod("g", 0751));
    EXPECT_NO_ACL("g", ACCESS_EA);
    EXPECT_MODE("g", 0751);
    /* getfacl's view: effective rights under the mask */
    if (access(GETFACL, X_OK) == 0) {
        CHECK_OK(chmod("f", 0715));
        char want[512];
        snprintf(want, sizeof want, "user::rwx\nuser:%u:rwx\t#effective:--x\n"
                 "group::r-x\t#effective:--x\nmask::--x\nother::r-x\n\n",
                 CT_NOBODY);
        EXPECT_FACL(NULL, "f", want);
    } else {
        ct_note("getfacl not installed: effective rights not checked");
    }
}

/* setfacl and getfacl agree with the mount: -m, -x, --set-file (a
 * getfacl listing restored onto another file), -d, -b, -k. */
static void acl_tools_roundtrip(void)
{
    NEED_ACLS();
    NEED_TOOLS();
    REQUIRE_OK(ct_touch("f"));
    REQUIRE_OK(chmod("f", 0644));
    char spec[128], want[512], got[2048];
    snprintf(spec, sizeof spec, "u:%u:rw,g:%u:r,o::-", CT_NOBODY, CT_GROUP);
    REQUIRE(setfacl("-m", spec, "f") == 0);
    snprintf(want, sizeof want, "user::rw-\nuser:%u:rw-\ngroup::r--\n"
             "group:%u:r--\nmask::rw-\nother::---\n\n", CT_NOBODY, CT_GROUP);
    EXPECT_FACL(NULL, "f", want);
    EXPECT_MODE("f", 0660);
    /* the listing restores onto another file */
    REQUIRE_OK(ct_touch("g"));
    CHECK_EQ(getfacl(NULL, "f", got, sizeof got), 0);
    char *argv[] = { SETFACL, "--set-file=-", "g", NULL };
    char out[512];
    CHECK_EQ(run_tool(argv, got, out, sizeof out), 0);
    EXPECT_FACL(NULL, "g", want);
    EXPECT_MODE("g", 0660);
    /* -x takes one entry out, the mask is recomputed */
    snprintf(spec, sizeof spec, "u:%u", CT_NOBODY);
    CHECK_EQ(setfacl("-x", spec, "f"), 0);
    snprintf(want, sizeof want, "user::rw-\ngroup::r--\ngroup:%u:r--\n"
             "mask::r--\nother::---\n\n", CT_GROUP);
    EXPECT_FACL(NULL, "f", want);
    EXPECT_MODE("f", 0640);
    /* -b: back to the mode */
    CHECK_EQ(setfacl("-b", NULL, "f"), 0);
    EXPECT_NO_ACL("f", ACCESS_EA);
    EXPECT_FACL(NULL, "f", "user::rw-\ngroup::r--\nother::---\n\n");
    /* a default ACL, seen with getfacl -d, gone with -k */
    REQUIRE_OK(mkdir("d", 0750));
    snprintf(spec, sizeof spec, "u:%u:rx", CT_NOBODY);
    char *dargv[] = { SETFACL, "-d", "-m", spec, "d", NULL };
    CHECK_EQ(run_tool(dargv, NULL, out, sizeof out), 0);
    snprintf(want, sizeof want, "user::rwx\nuser:%u:r-x\ngroup::r-x\n"
             "mask::r-x\nother::---\n\n", CT_NOBODY);
    EXPECT_FACL("-d", "d", want);
    EXPECT_MODE("d", 0750);
    EXPECT_NO_ACL("d", ACCESS_EA);
    CHECK_EQ(setfacl("-k", NULL, "d"), 0);
    EXPECT_NO_ACL("d", DEFAULT_EA);
}

/* A create in a directory with a default ACL: the new node's access ACL
 * is the default limited by the requested mode, the umask is ignored,
 * directories inherit the default itself, symbolic links nothing. */
static void acl_default_inherit(void)
{
    NEED_ACLS();
    REQUIRE_OK(mkdir("d", 0755));
    const struct ent dflt[] = { { USER_OBJ, 7, NO_ID },
                                { USER, 7, CT_NOBODY },
                                { GROUP_OBJ, 5, NO_ID }, { MASK, 7, NO_ID },
                                { OTHER, 5, NO_ID } };
    REQUIRE_OK(SET_ACL("d", DEFAULT_EA, dflt));
    EXPECT_ACL("d", DEFAULT_EA, dflt);
    EXPECT_NO_ACL("d", ACCESS_EA);  /* a default ACL is not an access ACL */
    EXPECT_MODE("d", 0755);

    umask(022);
    int fd = open("d/f", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    EXPECT_MODE("d/f", 0664);  /* not 0644: the umask does not apply */
    const struct ent f[] = { { USER_OBJ, 6, NO_ID }, { USER, 7, CT_NOBODY },
                             { GROUP_OBJ, 5, NO_ID }, { MASK, 6, NO_ID },
                             { OTHER, 4, NO_ID } };
    EXPECT_ACL("d/f", ACCESS_EA, f);
    EXPECT_NO_ACL("d/f", DEFAULT_EA);

    /* even a umask that would take everything */
    umask(0777);
    fd = open("d/u", O_CREAT | O_WRONLY, 0640);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    umask(022);
    EXPECT_MODE("d/u", 0640);

    /* a directory gets an access ACL and the default again */
    CHECK_OK(mkdir("d/e", 0750));
    EXPECT_MODE("d/e", 0750);
    const struct ent e[] = { { USER_OBJ, 7, NO_ID }, { USER, 7, CT_NOBODY },
                             { GROUP_OBJ, 5, NO_ID }, { MASK, 5, NO_ID },
                             { OTHER, 0, NO_ID } };
    EXPECT_ACL("d/e", ACCESS_EA, e);
    EXPECT_ACL("d/e", DEFAULT_EA, dflt);
    /* and passes it on */
    CHECK_OK(mkdir("d/e/x", 0777));
    EXPECT_MODE("d/e/x", 0775);
    EXPECT_ACL("d/e/x", DEFAULT_EA, dflt);

    /* mknod follows the same rule; a symbolic link does not */
    CHECK_OK(mkfifo("d/p", 0600));
    EXPECT_MODE("d/p", 0600);
    CHECK_OK(symlink("f", "d/s"));
    EXPECT_MODE("d/s", 0777);

    /* a default ACL of only the base entries: no access ACL, but still
     * no umask */
    REQUIRE_OK(mkdir("b", 0755));
    const struct ent base[] = { { USER_OBJ, 6, NO_ID },
                                { GROUP_OBJ, 6, NO_ID },
                                { OTHER, 4, NO_ID } };
    REQUIRE_OK(SET_ACL("b", DEFAULT_EA, base));
    umask(077);
    fd = open("b/f", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    umask(022);
    EXPECT_MODE("b/f", 0664);
    EXPECT_NO_ACL("b/f", ACCESS_EA);

    /* outside such a directory the umask applies as always */
    fd = open("plain", O_CREAT | O_WRONLY, 0666);
    if (fd >= 0)
        close(fd);
    EXPECT_MODE("plain", 0644);
    EXPECT_NO_ACL("plain", ACCESS_EA);
}

/* ---- enforcement, as unprivileged users ------------------------------ */

static void nobody_reads(void)
{
    char buf[16];
    CHECK_EQ(ct_read_file("secret", buf, sizeof buf), 6);
    CHECK_OK(access("secret", R_OK));
    CHECK_ERR(open("secret", O_WRONLY), EACCES);       /* r only */
    CHECK_ERR(open("closed", O_RDONLY), EACCES);       /* no ACL */
    /* rw granted, but the mask allows only r */
    CHECK_OK(access("masked", R_OK));
    CHECK_ERR(open("masked", O_WRONLY), EACCES);
    /* the named entry wins over other's bits, even when other has more */
    CHECK_ERR(open("denied", O_RDONLY), EACCES);
    /* a directory the ACL opens for writing */
    CHECK_OK(ct_touch("shared/mine"));
    CHECK_ERR(open("closeddir/mine", O_CREAT | O_WRONLY, 0644), EACCES);
}

static void other_reads(void)
{
    /* not named: the mode's other bits (none) */
    CHECK_ERR(open("secret", O_RDONLY), EACCES);
    CHECK_ERR(open("grp", O_RDWR), EACCES);
}

static void group_member_reads(void)
{
    int fd = open("grp", O_RDWR);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK_ERR(open("secret", O_RDONLY), EACCES);
}

static void nobody_denied(void)
{
    CHECK_ERR(open("secret", O_RDONLY), EACCES);
    CHECK_ERR(access("secret", R_OK), EACCES);
}

static void acl_enforce_named(void)
{
    NEED_ACLS();
    NEED_ROOT();
    REQUIRE_OK(ct_write_file("secret", "secret", 6));
    REQUIRE_OK(chmod("secret", 0600));
    REQUIRE_OK(ct_write_file("closed", "closed", 6));
    REQUIRE_OK(chmod("closed", 0600));
    const struct ent r[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, CT_NOBODY },
                             { GROUP_OBJ, 0, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("secret", ACCESS_EA, r));
    EXPECT_MODE("secret", 0640);
    REQUIRE_OK(ct_touch("masked"));
    const struct ent m[] = { { USER_OBJ, 6, NO_ID }, { USER, 6, CT_NOBODY },
                             { GROUP_OBJ, 0, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("masked", ACCESS_EA, m));
    REQUIRE_OK(ct_touch("denied"));
    const struct ent d[] = { { USER_OBJ, 6, NO_ID }, { USER, 0, CT_NOBODY },
                             { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 4, NO_ID } };
    REQUIRE_OK(SET_ACL("denied", ACCESS_EA, d));
    REQUIRE_OK(ct_touch("grp"));
    const struct ent g[] = { { USER_OBJ, 6, NO_ID }, { GROUP_OBJ, 0, NO_ID },
                             { GROUP, 6, CT_GROUP }, { MASK, 6, NO_ID },
                             { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("grp", ACCESS_EA, g));
    REQUIRE_OK(mkdir("shared", 0755));
    REQUIRE_OK(mkdir("closeddir", 0755));
    const struct ent sd[] = { { USER_OBJ, 7, NO_ID }, { USER, 7, CT_NOBODY },
                              { GROUP_OBJ, 5, NO_ID }, { MASK, 7, NO_ID },
                              { OTHER, 5, NO_ID } };
    REQUIRE_OK(SET_ACL("shared", ACCESS_EA, sd));

    as_user(CT_NOBODY, CT_NOBODY, 0, nobody_reads);
    as_user(CT_OTHER, CT_OTHER, 0, other_reads);
    as_user(CT_OTHER, CT_OTHER, CT_GROUP, group_member_reads);
    struct stat sb;
    CHECK_OK(stat("shared/mine", &sb));
    CHECK_EQ(sb.st_uid, CT_NOBODY);

    /* chmod g-r moves the mask: the named user loses read */
    CHECK_OK(chmod("secret", 0600));
    as_user(CT_NOBODY, CT_NOBODY, 0, nobody_denied);
}

static void nobody_denied_f(void)
{
    CHECK_ERR(open("f", O_RDONLY), EACCES);
}

/* removexattr of either ACL: gone, the mode stays, permissions are the
 * mode's again, and creates take the umask again. */
static void acl_remove(void)
{
    NEED_ACLS();
    REQUIRE_OK(ct_write_file("f", "secret", 6));
    REQUIRE_OK(chmod("f", 0600));
    const struct ent e[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, CT_NOBODY },
                             { GROUP_OBJ, 0, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("f", ACCESS_EA, e));
    EXPECT_MODE("f", 0640);
    CHECK_OK(removexattr("f", ACCESS_EA));
    EXPECT_NO_ACL("f", ACCESS_EA);
    EXPECT_MODE("f", 0640);  /* removing the ACL leaves the mode */
    char list[1024];
    ssize_t n = listxattr("f", list, sizeof list);
    CHECK(n >= 0 && !memmem(list, (size_t)n, ACCESS_EA, sizeof ACCESS_EA));
    /* removing one that is not there is no error (as tmpfs) */
    CHECK_OK(removexattr("f", ACCESS_EA));
    if (ct_is_root()) {
        CHECK_OK(chmod("f", 0600));
        as_user(CT_NOBODY, CT_NOBODY, 0, nobody_denied_f);
    }
    /* the default ACL of a directory */
    REQUIRE_OK(mkdir("d", 0755));
    const struct ent dflt[] = { { USER_OBJ, 7, NO_ID },
                                { GROUP_OBJ, 7, NO_ID },
                                { OTHER, 7, NO_ID } };
    REQUIRE_OK(SET_ACL("d", DEFAULT_EA, dflt));
    CHECK_OK(removexattr("d", DEFAULT_EA));
    EXPECT_NO_ACL("d", DEFAULT_EA);
    CHECK_OK(removexattr("d", DEFAULT_EA));
    umask(022);
    int fd = open("d/new", O_CREAT | O_WRONLY, 0666);
    if (fd >= 0)
        close(fd);
    EXPECT_MODE("d/new", 0644);
    CHECK_OK(mkdir("d/sub", 0777));
    EXPECT_MODE("d/sub", 0755);
    EXPECT_NO_ACL("d/sub", DEFAULT_EA);
}

static void owner_sets(void)
{
    const struct ent e[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, CT_OTHER },
                             { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 0, NO_ID } };
    /* the owner may set ACLs on its own file, no one else */
    CHECK_OK(SET_ACL("w/mine", ACCESS_EA, e));
    EXPECT_ACL("w/mine", ACCESS_EA, e);
    CHECK_ERR(SET_ACL("w/roots", ACCESS_EA, e), EPERM);
    CHECK_ERR(removexattr("w/roots", ACCESS_EA), EPERM);
    /* as with chmod, setting an ACL drops set-group-ID when the owner is
     * not in the file's group */
    CHECK_OK(SET_ACL("w/sgid", ACCESS_EA, e));
    EXPECT_MODE("w/sgid", 0640);
}

/* Who may set an ACL, and the set-group-ID rule of posix_acl_update_mode. */
static void acl_owner_rules(void)
{
    NEED_ACLS();
    NEED_ROOT();
    REQUIRE_OK(mkdir("w", 0777));
    REQUIRE_OK(chmod("w", 0777));
    REQUIRE_OK(ct_touch("w/mine"));
    REQUIRE_OK(chown("w/mine", CT_NOBODY, CT_NOBODY));
    REQUIRE_OK(ct_touch("w/roots"));
    REQUIRE_OK(ct_touch("w/sgid"));
    REQUIRE_OK(chown("w/sgid", CT_NOBODY, CT_GROUP));
    REQUIRE_OK(chmod("w/sgid", 02770));
    const struct ent r[] = { { USER_OBJ, 6, NO_ID }, { USER, 4, CT_NOBODY },
                             { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                             { OTHER, 4, NO_ID } };
    REQUIRE_OK(SET_ACL("w/roots", ACCESS_EA, r));
    as_user(CT_NOBODY, CT_NOBODY, 0, owner_sets);
    EXPECT_ACL("w/roots", ACCESS_EA, r);   /* untouched */
    /* root keeps set-group-ID */
    REQUIRE_OK(chmod("w/sgid", 02770));
    CHECK_OK(SET_ACL("w/sgid", ACCESS_EA, r));
    EXPECT_MODE("w/sgid", 02644);
}

/* An ACL belongs to the inode: it survives rename, is shared by hard
 * links and is kept by chown. */
static void acl_follows_inode(void)
{
    NEED_ACLS();
    REQUIRE_OK(ct_touch("f"));
    const struct ent e[] = { { USER_OBJ, 6, NO_ID }, { USER, 6, CT_NOBODY },
                             { GROUP_OBJ, 4, NO_ID }, { MASK, 6, NO_ID },
                             { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("f", ACCESS_EA, e));
    CHECK_OK(rename("f", "g"));
    EXPECT_ACL("g", ACCESS_EA, e);
    EXPECT_MODE("g", 0660);
    if (link("g", "h") == 0) {
        EXPECT_ACL("h", ACCESS_EA, e);
        CHECK_OK(chmod("h", 0640));
        const struct ent m[] = { { USER_OBJ, 6, NO_ID },
                                 { USER, 6, CT_NOBODY },
                                 { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                                 { OTHER, 0, NO_ID } };
        EXPECT_ACL("g", ACCESS_EA, m);
        EXPECT_MODE("g", 0640);
        CHECK_OK(chmod("g", 0660));
    } else {
        ct_note("link: %s: hard links not checked", ct_errname(errno));
    }
    if (ct_is_root()) {
        CHECK_OK(chown("g", CT_OTHER, CT_OTHER));
        EXPECT_ACL("g", ACCESS_EA, e);
        EXPECT_MODE("g", 0660);
    }
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(SET_ACL("d", DEFAULT_EA, e));
    REQUIRE_OK(mkdir("e", 0755));
    CHECK_OK(rename("d", "e/d"));
    EXPECT_ACL("e/d", DEFAULT_EA, e);
}

/* A value the kernel's or the file system's checks refuse: EINVAL (an
 * unknown version: EOPNOTSUPP, from the kernel) and nothing changed. */
static void acl_malformed(void)
{
    NEED_ACLS();
    REQUIRE_OK(ct_touch("f"));
    const struct ent good[] = { { USER_OBJ, 6, NO_ID },
                                { USER, 4, CT_NOBODY },
                                { GROUP_OBJ, 4, NO_ID }, { MASK, 4, NO_ID },
                                { OTHER, 0, NO_ID } };
    REQUIRE_OK(SET_ACL("f", ACCESS_EA, good));
    EXPECT_MODE("f", 0640);
    struct stat before, sb;
    REQUIRE_OK(stat("f", &before));

    const struct ent unsorted[] = { { GROUP_OBJ, 4, NO_ID },
                                    { USER_OBJ, 6, NO_ID },
                                    { OTHER, 0, NO_ID } };
    const struct ent nomask[] = { { USER_OBJ, 6, NO_ID },
                                  { USER, 4, CT_NOBODY },
                                  { GROUP_OBJ, 4, NO_ID },
                                  { OTHER, 0, NO_ID } };
    const struct ent noother[] = { { USER_OBJ, 6, NO_ID },
                                   { GROUP_OBJ, 4, NO_ID } };
    const struct ent twoowners[] = { { USER_OBJ, 6, NO_ID },
                                     { USER_OBJ, 7, NO_ID },
                                     { GROUP_OBJ, 4, NO_ID },
                                     { OTHER, 0, NO_ID } };
    const struct ent badperm[] = { { USER_OBJ, 8, NO_ID },
                                   { GROUP_OBJ, 4, NO_ID },
                                   { OTHER, 0, NO_ID } };
    const struct ent badtag[] = { { USER_OBJ, 6, NO_ID },
                                  { GROUP_OBJ, 4, NO_ID }, { 0x40, 4, 0 },
                                  { OTHER, 0, NO_ID } };
    /* (Named entries out of order or repeated are not here: the kernel
     * lets them through and tmpfs stores them.) */
    struct { const char *what; const struct ent *e; size_t n; } bad[] = {
        { "entries out of order", unsorted, 3 },
        { "named entry without a mask", nomask, 4 },
        { "no other entry", noother, 2 },
        { "two owner entries", twoowners, 4 },
        { "permission bit 8", badperm, 3 },
        { "unknown tag", badtag, 4 },
    };
    unsigned char buf[4 + 8 * MAX_ENTS];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t len = encode(buf, 2, bad[i].e, bad[i].n);
        errno = 0;
        int r = setxattr("f", ACCESS_EA, buf, len, 0);
        CHECKM(r == -1 && errno == EINVAL, "%s: setxattr returned %d (%s), "
               "expected EINVAL", bad[i].what, r, r ? ct_errname(errno) : "ok");
    }
    size_t len = encode(buf, 2, good, 5);
    CHECK_ERR(setxattr("f", ACCESS_EA, buf, len - 3, 0), EINVAL);  /* torn */
    CHECK_ERR(setxattr("f", ACCESS_EA, buf, 2, 0), EINVAL);   /* no header */
    len = encode(buf, 1, good, 5);
    CHECK_ERR(setxattr("f", ACCESS_EA, buf, len, 0), EOPNOTSUPP);

    /* nothing lost: the same ACL, mode and ctime */
    EXPECT_ACL("f", ACCESS_EA, good);
    EXPECT_MODE("f", 0640);
    CHECK_OK(stat("f", &sb));
    CHECK(TS_EQ(sb.st_ctim, before.st_ctim));

    /* a default ACL: malformed ones refused likewise, and only
     * directories have one */
    REQUIRE_OK(mkdir("d", 0755));
    REQUIRE_OK(SET_ACL("d", DEFAULT_EA, good));
    len = encode(buf, 2, nomask, 4);
    CHECK_ERR(setxattr("d", DEFAULT_EA, buf, len, 0), EINVAL);
    EXPECT_ACL("d", DEFAULT_EA, good);
    CHECK_ERR(SET_ACL("f", DEFAULT_EA, good), EACCES);
    EXPECT_NO_ACL("f", DEFAULT_EA);
}

const struct ct_case ct_acl_cases[] = {
    { "acl_access_xattr", acl_access_xattr, 0 },
    { "acl_chmod_mask", acl_chmod_mask, 0 },
    { "acl_tools_roundtrip", acl_tools_roundtrip, 0 },
    { "acl_default_inherit", acl_default_inherit, 0 },
    { "acl_enforce_named", acl_enforce_named, 0 },
    { "acl_remove", acl_remove, 0 },
    { "acl_owner_rules", acl_owner_rules, 0 },
    { "acl_follows_inode", acl_follows_inode, 0 },
    { "acl_malformed", acl_malformed, 0 },
    { NULL, NULL, 0 },
};
