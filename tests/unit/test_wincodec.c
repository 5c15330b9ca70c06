/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Windows metadata formats (src/native/wincodec.c): Samba's
 * user.DOSATTRIB, reparse buffers, NT times and stream names. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../check.h"
#include "fsp/fsp.h"
#include "native/wincodec.h"

CHECK_DEFINE_GLOBALS;

static void nttime(void)
{
    struct timespec t = { 0, 0 };
    CHECK(nat_win_nttime_from_timespec(t) == 116444736000000000ull);
    t = (struct timespec){ 1700000000, 123456700 };
    struct timespec back = nat_win_nttime_to_timespec(nat_win_nttime_from_timespec(t));
    CHECK_EQ(back.tv_sec, t.tv_sec);
    CHECK_EQ(back.tv_nsec, t.tv_nsec);
}

/* What Samba writes: version 4 (valid flags, attrib, itime, create time),
 * after the "0x20" string. */
static void dosattrib_v4(void)
{
    static const unsigned char v4[] = {
        '0', 'x', '2', '0', 0, 0, 4, 0, 4, 0, 0, 0,
        0x11, 0, 0, 0, 0x20, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0xa0, 0xc8, 0xfa, 0x6b, 0x3d, 0x4f, 0xd5, 0x01 };
    struct nat_win_dosattrib d;
    CHECK_EQ(nat_win_dosattrib_decode(v4, sizeof v4, &d), 0);
    CHECK_EQ(d.attrib, 0x20);
    CHECK(d.has_attrib && d.has_create_time);
    CHECK(d.create_time == 0x01d54f3d6bfac8a0ull);
    /* Every truncation fails cleanly. */
    for (size_t n = 0; n < sizeof v4; n++)
        CHECK_EQ(nat_win_dosattrib_decode(v4, n, &d), -EINVAL);
}

static void dosattrib_v3(void)
{
    unsigned char v3[64] = { '0', 'x', '3', 0, 3, 0, 3, 0 };
    /* valid: attrib only; attrib 0x3 (hidden, read-only) */
    v3[8] = 0x01;
    v3[12] = 0x03;
    struct nat_win_dosattrib d;
    CHECK_EQ(nat_win_dosattrib_decode(v3, 8 + 4 + 4 + 4 + 8 + 8 + 8 + 8, &d), 0);
    CHECK_EQ(d.attrib, 3);
    CHECK(d.has_attrib && !d.has_create_time);
}

static void dosattrib_roundtrip(void)
{
    uint8_t buf[WIN_DOSATTRIB_MAX];
    size_t n = nat_win_dosattrib_encode(0x26, 0x01d9000011112222ull, buf);
    CHECK_EQ(memcmp(buf, "0x26", 5), 0);
    CHECK_EQ(n, 28);
    struct nat_win_dosattrib d;
    CHECK_EQ(nat_win_dosattrib_decode(buf, n, &d), 0);
    CHECK_EQ(d.attrib, 0x26);
    CHECK(d.create_time == 0x01d9000011112222ull);
    n = nat_win_dosattrib_encode(0, 0, buf);
    CHECK_EQ(memcmp(buf, "0x0", 4), 0);
}

static void dosattrib_bad(void)
{
    struct nat_win_dosattrib d;
    static const unsigned char nostr[] = { '0', 'x', '2', '0' };
    CHECK_EQ(nat_win_dosattrib_decode(nostr, sizeof nostr, &d), -EINVAL);
    unsigned char v[40] = { '0', 'x', '1', 0, 9, 0, 9, 0 };  /* version 9 */
    CHECK_EQ(nat_win_dosattrib_decode(v, sizeof v, &d), -EINVAL);
    v[4] = 5;                                 /* level disagrees */
    CHECK_EQ(nat_win_dosattrib_decode(v, sizeof v, &d), -EINVAL);
    CHECK_EQ(nat_win_dosattrib_decode(v, 0, &d), -EINVAL);
}

static void reparse(void)
{
    uint8_t b[32] = { 0x0c, 0, 0, 0xa0, 4, 0, 0, 0, 1, 2, 3, 4 };
    uint32_t tag = 0;
    CHECK_EQ(nat_win_reparse_check(b, 12, &tag), 0);
    CHECK(tag == FSP_REPARSE_TAG_SYMLINK);
    CHECK_EQ(nat_win_reparse_check(b, 11, NULL), -EINVAL);   /* truncated */
    CHECK_EQ(nat_win_reparse_check(b, 13, NULL), -EINVAL);   /* trailing */
    CHECK_EQ(nat_win_reparse_check(b, 7, NULL), -EINVAL);    /* no header */
    b[3] = 0;                                  /* third-party tag 0xc */
    CHECK_EQ(nat_win_reparse_check(b, 12, NULL), -EINVAL);   /* no GUID */
    b[4] = 0;
    CHECK_EQ(nat_win_reparse_check(b, 24, NULL), 0);         /* GUID, no data */
    b[0] = 1;                                  /* reserved tag 1 */
    CHECK_EQ(nat_win_reparse_check(b, 24, NULL), -EINVAL);
    static uint8_t big[FSP_REPARSE_MAX_SIZE + 1];
    CHECK_EQ(nat_win_reparse_check(big, sizeof big, NULL), -E2BIG);
}

static void special(void)
{
    uint8_t b[64];
    size_t n = nat_win_reparse_special(S_IFIFO | 0644, 0, NULL, b, sizeof b);
    CHECK_EQ(n, 16);
    CHECK(nat_win_get32(b) == FSP_REPARSE_TAG_NFS);
    CHECK(nat_win_get64(b + 8) == 0x000000004F464946ull);
    n = nat_win_reparse_special(S_IFCHR | 0644, makedev(1, 3), NULL, b, sizeof b);
    CHECK_EQ(n, 24);
    CHECK_EQ(nat_win_get32(b + 16), 1);
    CHECK_EQ(nat_win_get32(b + 20), 3);
    CHECK_EQ(nat_win_reparse_check(b, n, NULL), 0);
    n = nat_win_reparse_special(S_IFLNK | 0777, 0, "a/b", b, sizeof b);
    CHECK_EQ(n, 20 + 12);
    CHECK(nat_win_get32(b) == FSP_REPARSE_TAG_SYMLINK);
    CHECK_EQ(nat_win_get32(b + 16), 1);             /* relative */
    CHECK_EQ(b[22], '\\');
    CHECK_EQ(nat_win_reparse_check(b, n, NULL), 0);
    CHECK_EQ(nat_win_reparse_special(S_IFREG | 0644, 0, NULL, b, sizeof b), 0);
}

static void stream_names(void)
{
    char out[256];
    CHECK_EQ(nat_win_stream_name("abc", 3, 255, out, sizeof out), 0);
    CHECK_EQ(strcmp(out, "abc"), 0);
    CHECK_EQ(nat_win_stream_name("abc:$DATA", 9, 255, out, sizeof out), 0);
    CHECK_EQ(strcmp(out, "abc"), 0);
    CHECK_EQ(nat_win_stream_name("abc:$data", 9, 255, out, sizeof out), 0);
    CHECK_EQ(nat_win_stream_name("", 0, 255, out, sizeof out), -EINVAL);
    CHECK_EQ(nat_win_stream_name(":$DATA", 6, 255, out, sizeof out), -EINVAL);
    CHECK_EQ(nat_win_stream_name("a/b", 3, 255, out, sizeof out), -EINVAL);
    CHECK_EQ(nat_win_stream_name("a:b", 3, 255, out, sizeof out), -EINVAL);
    CHECK_EQ(nat_win_stream_name("a\0b", 3, 255, out, sizeof out), -EINVAL);
    CHECK_EQ(nat_win_stream_name("abcd", 4, 3, out, sizeof out), -ENAMETOOLONG);
}

int main(void)
{
    RUN(nttime);
    RUN(dosattrib_v4);
    RUN(dosattrib_v3);
    RUN(dosattrib_roundtrip);
    RUN(dosattrib_bad);
    RUN(reparse);
    RUN(special);
    RUN(stream_names);
    return 0;
}
