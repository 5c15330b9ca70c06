/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Extended attributes in the user. namespace. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Does the NUL separated list contain name? */
static int list_has(const char *list, ssize_t len, const char *name)
{
    for (ssize_t i = 0; i < len; i += (ssize_t)strlen(list + i) + 1)
        if (strcmp(list + i, name) == 0)
            return 1;
    return 0;
}

static void xattr_basic(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "data", 4) == 0);
    CHECK_EQ(setxattr(p, "user.color", "blue", 4, 0), 0);
    CHECK_EQ(setxattr(p, "user.empty", "", 0, 0), 0);
    char buf[256] = "";
    CHECK_EQ(getxattr(p, "user.color", buf, sizeof buf), 4);
    CHECK(memcmp(buf, "blue", 4) == 0);
    CHECK_EQ(getxattr(p, "user.empty", buf, sizeof buf), 0);
    /* size probe */
    CHECK_EQ(getxattr(p, "user.color", NULL, 0), 4);
    /* too small */
    CHECK_ERRNO(getxattr(p, "user.color", buf, 3), ERANGE);
    /* missing */
    CHECK_ERRNO(getxattr(p, "user.missing", buf, sizeof buf), ENODATA);
    CHECK_ERRNO(getxattr(p, "user.missing", NULL, 0), ENODATA);
    /* replace the value (longer, then shorter) */
    CHECK_EQ(setxattr(p, "user.color", "ultramarine", 11, 0), 0);
    CHECK_EQ(getxattr(p, "user.color", buf, sizeof buf), 11);
    CHECK(memcmp(buf, "ultramarine", 11) == 0);
    CHECK_EQ(setxattr(p, "user.color", "red", 3, 0), 0);
    CHECK_EQ(getxattr(p, "user.color", buf, sizeof buf), 3);
    CHECK(memcmp(buf, "red", 3) == 0);
    /* binary value with NULs */
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7);
    bin[5] = 0;
    CHECK_EQ(setxattr(p, "user.bin", bin, sizeof bin, 0), 0);
    unsigned char got[4096];
    CHECK_EQ(getxattr(p, "user.bin", got, sizeof got), (long)sizeof bin);
    CHECK(memcmp(got, bin, sizeof bin) == 0);

    /* list */
    ssize_t need = listxattr(p, NULL, 0);
    CHECK(need >= (ssize_t)(sizeof "user.color" + sizeof "user.empty" +
                            sizeof "user.bin"));
    char list[1024];
    ssize_t len = listxattr(p, list, sizeof list);
    CHECK_EQ(len, need);
    CHECK(len > 0 && list_has(list, len, "user.color"));
    CHECK(len > 0 && list_has(list, len, "user.empty"));
    CHECK(len > 0 && list_has(list, len, "user.bin"));
    CHECK_ERRNO(listxattr(p, list, 5), ERANGE);

    /* remove */
    CHECK_EQ(removexattr(p, "user.color"), 0);
    CHECK_ERRNO(getxattr(p, "user.color", buf, sizeof buf), ENODATA);
    CHECK_ERRNO(removexattr(p, "user.color"), ENODATA);
    len = listxattr(p, list, sizeof list);
    CHECK(len >= 0 && !list_has(list, len, "user.color"));
    CHECK(len >= 0 && list_has(list, len, "user.bin"));

    /* survives the caches being dropped; on an fd too */
    CHECK_EQ(drop_caches(), 0);
    CHECK_EQ(getxattr(p, "user.bin", got, sizeof got), (long)sizeof bin);
    CHECK(memcmp(got, bin, sizeof bin) == 0);
    int fd = open(p, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(fsetxattr(fd, "user.fd", "1", 1, 0), 0);
    CHECK_EQ(fgetxattr(fd, "user.fd", buf, sizeof buf), 1);
    CHECK_EQ(fremovexattr(fd, "user.fd"), 0);
    close(fd);
    /* xattrs on a directory */
    CHECK_EQ(mkdir(P("d"), 0755), 0);
    CHECK_EQ(setxattr(P("d"), "user.d", "dir", 3, 0), 0);
    CHECK_EQ(getxattr(P("d"), "user.d", buf, sizeof buf), 3);
    /* a file without xattrs lists nothing of ours */
    CHECK_EQ(write_file(P("plain"), "", 0), 0);
    len = listxattr(P("plain"), list, sizeof list);
    CHECK(len >= 0 && !list_has(list, len, "user.bin"));
    CHECK_ERRNO(getxattr(P("missing"), "user.x", buf, sizeof buf), ENOENT);
}

static void xattr_flags(void)
{
    const char *p = P("f");
    REQUIRE(write_file(p, "", 0) == 0);
    char buf[64] = "";
    CHECK_ERRNO(setxattr(p, "user.a", "1", 1, XATTR_REPLACE), ENODATA);
    CHECK_ERRNO(getxattr(p, "user.a", buf, sizeof buf), ENODATA);
    CHECK_EQ(setxattr(p, "user.a", "1", 1, XATTR_CREATE), 0);
    CHECK_ERRNO(setxattr(p, "user.a", "2", 1, XATTR_CREATE), EEXIST);
    CHECK_EQ(getxattr(p, "user.a", buf, sizeof buf), 1);
    CHECK_EQ(buf[0], '1');
    CHECK_EQ(setxattr(p, "user.a", "3", 1, XATTR_REPLACE), 0);
    CHECK_EQ(getxattr(p, "user.a", buf, sizeof buf), 1);
    CHECK_EQ(buf[0], '3');
    /* many attributes */
    for (int i = 0; i < 50; i++) {
        char n[32], v[32];
        snprintf(n, sizeof n, "user.n%02d", i);
        snprintf(v, sizeof v, "value %d", i);
        CHECK_EQ(setxattr(p, n, v, strlen(v), XATTR_CREATE), 0);
    }
    char list[4096];
    ssize_t len = listxattr(p, list, sizeof list);
    CHECK_EQ(len, 50 * (long)sizeof "user.n00" + (long)sizeof "user.a");
    for (int i = 0; i < 50; i += 7) {
        char n[32], v[32];
        snprintf(n, sizeof n, "user.n%02d", i);
        snprintf(v, sizeof v, "value %d", i);
        memset(buf, 0, sizeof buf);
        CHECK_EQ(getxattr(p, n, buf, sizeof buf), (long)strlen(v));
        CHECK(strcmp(buf, v) == 0);
    }
}

/* cp -a and friends set permissions through system.posix_acl_access
 * (falling back to chmod only on EOPNOTSUPP).  A file system must either
 * refuse the name or apply it to the mode; storing it as an opaque
 * attribute silently loses the permissions. */
static void xattr_posix_acl_mode(void)
{
    const char *p = P("f");
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    /* version 2; USER_OBJ rw-, GROUP_OBJ r--, OTHER r--: mode 0644 */
    static const unsigned char acl[28] = {
        2, 0, 0, 0,
        0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,
        0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
        0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
    };
    int r = fsetxattr(fd, "system.posix_acl_access", acl, sizeof acl, 0);
    int e = errno;
    close(fd);
    struct stat st;
    CHECK_EQ(stat(p, &st), 0);
    if (r != 0) {
        CHECK_EQ(e, EOPNOTSUPP);
    } else {
        if ((st.st_mode & 07777) != 0644)
            printf("  setting system.posix_acl_access succeeded but the mode "
                   "is %04o, not 0644\n", (unsigned)(st.st_mode & 07777));
        CHECK_EQ(st.st_mode & 07777, 0644);
    }
}

void xattr_tests(void)
{
    CASE(xattr_basic, NULL, 0);
    CASE(xattr_flags, NULL, 0);
    CASE(xattr_posix_acl_mode, NULL, 0);
}
