/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Extended attributes in the user namespace: set, get, list, remove,
 * size probes, ERANGE, XATTR_CREATE/XATTR_REPLACE. */
#include "ct.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* name is in the NUL-separated list of len bytes */
static int listed(const char *list, ssize_t len, const char *name)
{
    for (ssize_t i = 0; i < len; i += (ssize_t)strlen(list + i) + 1)
        if (!strcmp(list + i, name))
            return 1;
    return 0;
}

static void user_xattrs(void)
{
    REQUIRE_OK(ct_touch("f"));
    int r = setxattr("f", "user.one", "value-1", 7, 0);
    if (r == -1 && errno == EOPNOTSUPP)
        FAIL("setxattr user.one: EOPNOTSUPP (no user xattrs)");
    REQUIRE(r == 0);
    char buf[8192];
    /* size probe, then the value */
    CHECK_EQ(getxattr("f", "user.one", NULL, 0), 7);
    CHECK_EQ(getxattr("f", "user.one", buf, sizeof buf), 7);
    CHECK(memcmp(buf, "value-1", 7) == 0);
    CHECK_ERR(getxattr("f", "user.one", buf, 3), ERANGE);
    CHECK_ERR(getxattr("f", "user.none", buf, sizeof buf), ENODATA);
    /* create / replace */
    CHECK_ERR(setxattr("f", "user.one", "x", 1, XATTR_CREATE), EEXIST);
    CHECK_ERR(setxattr("f", "user.two", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK_OK(setxattr("f", "user.one", "longer value 1", 14, XATTR_REPLACE));
    CHECK_EQ(getxattr("f", "user.one", buf, sizeof buf), 14);
    CHECK(memcmp(buf, "longer value 1", 14) == 0);
    CHECK_OK(setxattr("f", "user.two", "", 0, XATTR_CREATE));   /* empty */
    CHECK_EQ(getxattr("f", "user.two", buf, sizeof buf), 0);
    /* binary and large values */
    unsigned char big[4000];
    ct_fill(big, sizeof big, 23, 0);
    big[10] = 0;
    CHECK_OK(setxattr("f", "user.big", big, sizeof big, 0));
    CHECK_EQ(getxattr("f", "user.big", buf, sizeof buf), (long)sizeof big);
    CHECK(memcmp(buf, big, sizeof big) == 0);
    /* list: size probe, ERANGE, contents */
    ssize_t need = listxattr("f", NULL, 0);
    CHECK(need >= (ssize_t)(sizeof "user.one" + sizeof "user.two" +
                            sizeof "user.big"));
    CHECK_ERR(listxattr("f", buf, 5), ERANGE);
    ssize_t len = listxattr("f", buf, sizeof buf);
    CHECK_EQ(len, need);
    CHECK(listed(buf, len, "user.one"));
    CHECK(listed(buf, len, "user.two"));
    CHECK(listed(buf, len, "user.big"));
    /* remove */
    CHECK_OK(removexattr("f", "user.one"));
    CHECK_ERR(getxattr("f", "user.one", buf, sizeof buf), ENODATA);
    CHECK_ERR(removexattr("f", "user.one"), ENODATA);
    len = listxattr("f", buf, sizeof buf);
    CHECK(len >= 0 && !listed(buf, len, "user.one"));
    CHECK(len >= 0 && listed(buf, len, "user.two"));
    /* the f* variants on a descriptor */
    int fd = open("f", O_RDONLY);
    CHECK_OK(fsetxattr(fd, "user.fd", "F", 1, 0));
    CHECK_EQ(fgetxattr(fd, "user.fd", buf, sizeof buf), 1);
    CHECK_OK(fremovexattr(fd, "user.fd"));
    close(fd);
    /* bad names */
    CHECK_ERR(setxattr("f", "user.", "x", 1, 0), EINVAL);
    CHECK_ERR2(setxattr("f", "nonamespace", "x", 1, 0), EOPNOTSUPP, EINVAL);
    char name[300] = "user.";
    memset(name + 5, 'n', 260);
    name[265] = 0;
    CHECK_ERR(setxattr("f", name, "x", 1, 0), ERANGE);
    /* xattrs survive a rename and belong to the inode */
    CHECK_OK(rename("f", "g"));
    CHECK_EQ(getxattr("g", "user.big", NULL, 0), (long)sizeof big);
}

static void xattr_kinds(void)
{
    REQUIRE_OK(mkdir("d", 0755));
    CHECK_OK(setxattr("d", "user.dir", "D", 1, 0));
    char buf[16];
    CHECK_EQ(getxattr("d", "user.dir", buf, sizeof buf), 1);
    /* user.* on symlinks is refused by the kernel (EPERM) */
    REQUIRE_OK(ct_touch("t"));
    REQUIRE_OK(symlink("t", "l"));
    CHECK_ERR(lsetxattr("l", "user.x", "x", 1, 0), EPERM);
    /* through the symlink the target gets it */
    CHECK_OK(setxattr("l", "user.via", "V", 1, 0));
    CHECK_EQ(getxattr("t", "user.via", buf, sizeof buf), 1);
    /* hard links share them */
    if (link("t", "t2") == 0)
        CHECK_EQ(getxattr("t2", "user.via", buf, sizeof buf), 1);
    /* a FIFO: user.* is refused on special files */
    REQUIRE_OK(mkfifo("p", 0644));
    CHECK_ERR(setxattr("p", "user.x", "x", 1, 0), EPERM);
    /* many attributes on one file */
    char n[32];
    for (int i = 0; i < 100; i++) {
        snprintf(n, sizeof n, "user.many%d", i);
        CHECK_OK(setxattr("t", n, n, strlen(n), XATTR_CREATE));
    }
    for (int i = 0; i < 100; i += 7) {
        char v[32] = "";
        snprintf(n, sizeof n, "user.many%d", i);
        CHECK_EQ(getxattr("t", n, v, sizeof v), (long)strlen(n));
        CHECK(strcmp(v, n) == 0);
    }
}

static void xattr_perm_child(void)
{
    char buf[16];
    /* user.* follows file permissions */
    CHECK_EQ(getxattr("w/r", "user.a", buf, sizeof buf), 1);
    CHECK_ERR(setxattr("w/r", "user.a", "x", 1, 0), EACCES);
    CHECK_ERR(getxattr("w/none", "user.a", buf, sizeof buf), EACCES);
    /* trusted.* is invisible to non-root */
    char list[256];
    ssize_t len = listxattr("w/r", list, sizeof list);
    CHECK(len >= 0);
    CHECKM(!listed(list, len, "trusted.t"), "listxattr by a non-root user "
           "shows trusted.t (tmpfs hides trusted.* without CAP_SYS_ADMIN)");
    /* ... and cannot be read or written: the kernel's namespace rules */
    CHECK_ERR(getxattr("w/r", "trusted.t", buf, sizeof buf), ENODATA);
    CHECK_ERR(setxattr("w/r", "trusted.u", "u", 1, 0), EPERM);
    CHECK_ERR(removexattr("w/r", "trusted.t"), EPERM);
    /* security.* other than capabilities needs CAP_SYS_ADMIN to write */
    CHECK_ERR(setxattr("w/r", "security.fsp", "s", 1, 0), EPERM);
}

/* Root without CAP_SYS_ADMIN (a container's root, say) is no more
 * privileged for trusted.* than any user: the capability decides. */
static void xattr_trusted_cap_child(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) == -1) {
        FAIL("capget: %s", ct_errname(errno));
        return;
    }
    d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
    if (syscall(SYS_capset, &h, d) == -1) {
        FAIL("capset: %s", ct_errname(errno));
        return;
    }
    char list[256], buf[16];
    ssize_t len = listxattr("w/r", list, sizeof list);
    CHECK(len >= 0);
    CHECKM(!listed(list, len, "trusted.t"), "listxattr by root without "
           "CAP_SYS_ADMIN shows trusted.t");
    CHECK_ERR(getxattr("w/r", "trusted.t", buf, sizeof buf), ENODATA);
    /* user.* is still root's: the file permission capabilities stay */
    CHECK_EQ(getxattr("w/none", "user.a", buf, sizeof buf), 1);
}

static void xattr_perms(void)
{
    if (!ct_is_root())
        SKIP("needs root to switch users");
    REQUIRE_OK(mkdir("w", 0755));
    REQUIRE_OK(ct_touch("w/r"));
    REQUIRE_OK(ct_touch("w/none"));
    REQUIRE_OK(setxattr("w/r", "user.a", "a", 1, 0));
    REQUIRE_OK(setxattr("w/none", "user.a", "a", 1, 0));
    int tr = setxattr("w/r", "trusted.t", "t", 1, 0);
    if (tr == -1)
        FAIL("setxattr trusted.t as root: %s", ct_errname(errno));
    REQUIRE_OK(chmod("w/r", 0644));
    REQUIRE_OK(chmod("w/none", 0600));
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        if (ct_become(CT_NOBODY, CT_NOBODY) == 0)
            xattr_perm_child();
        else
            FAIL("setresuid: %s", ct_errname(errno));
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
}

static void xattr_trusted_needs_cap(void)
{
    if (!ct_is_root())
        SKIP("needs root to drop a capability");
    REQUIRE_OK(mkdir("w", 0755));
    REQUIRE_OK(ct_touch("w/r"));
    REQUIRE_OK(ct_touch("w/none"));
    REQUIRE_OK(setxattr("w/none", "user.a", "a", 1, 0));
    REQUIRE_OK(chmod("w/none", 0600));
    REQUIRE_OK(setxattr("w/r", "trusted.t", "t", 1, 0));
    /* root with CAP_SYS_ADMIN sees it */
    char list[256];
    ssize_t len = listxattr("w/r", list, sizeof list);
    CHECK(len >= 0);
    CHECKM(listed(list, len, "trusted.t"), "root does not see trusted.t");
    pid_t pid = ct_fork(10);
    if (pid == 0) {
        xattr_trusted_cap_child();
        _exit(0);
    }
    CHECK_EQ(ct_wait(pid, 10000), 0);
}

const struct ct_case ct_xattr_cases[] = {
    { "xattr_user", user_xattrs, 0 },
    { "xattr_kinds", xattr_kinds, 0 },
    { "xattr_perms", xattr_perms, 0 },
    { "xattr_trusted_needs_cap", xattr_trusted_needs_cap, 0 },
    { NULL, NULL, 0 },
};
