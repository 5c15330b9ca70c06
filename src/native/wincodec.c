/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Windows metadata formats (see wincodec.h).  Every decoder bounds-checks
 * each read against the buffer's length first: the bytes come from
 * setxattr(2) of any user.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fsp/fsp.h"
#include "native/wincodec.h"

#define NT_EPOCH_DIFF 11644473600ll   /* seconds from 1601 to 1970 */

uint64_t nat_win_nttime_from_timespec(struct timespec ts)
{
    if (ts.tv_sec < -NT_EPOCH_DIFF)
        return 0;
    return (uint64_t)(ts.tv_sec + NT_EPOCH_DIFF) * 10000000u +
           (uint64_t)ts.tv_nsec / 100;
}

struct timespec nat_win_nttime_to_timespec(uint64_t nt)
{
    struct timespec ts = {
        .tv_sec = (time_t)(nt / 10000000u) - (time_t)NT_EPOCH_DIFF,
        .tv_nsec = (long)(nt % 10000000u) * 100,
    };
    return ts;
}

/* An NDR reader: aligned little-endian reads, every one bounds-checked. */
struct ndr {
    const uint8_t *p;
    size_t len, off;
    int bad;
};

static void ndr_align(struct ndr *n, size_t a)
{
    n->off = (n->off + a - 1) & ~(a - 1);
}

static const uint8_t *ndr_take(struct ndr *n, size_t size, size_t align)
{
    ndr_align(n, align);
    if (n->bad || n->off > n->len || n->len - n->off < size) {
        n->bad = 1;
        return NULL;
    }
    const uint8_t *p = n->p + n->off;
    n->off += size;
    return p;
}

static uint16_t ndr_u16(struct ndr *n)
{
    const uint8_t *p = ndr_take(n, 2, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static uint32_t ndr_u32(struct ndr *n)
{
    const uint8_t *p = ndr_take(n, 4, 4);
    return p ? nat_win_get32(p) : 0;
}

/* udlong and NTTIME: two 32-bit halves, aligned to 4 in NDR. */
static uint64_t ndr_u64(struct ndr *n)
{
    const uint8_t *p = ndr_take(n, 8, 4);
    return p ? nat_win_get64(p) : 0;
}

#define DOSINFO_ATTRIB      0x01u
#define DOSINFO_CREATE_TIME 0x10u

/* The leading "0x20" string: Samba's attribute in hex, read only when
 * the union has none. */
static int parse_hex(const char *s, uint32_t *v)
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
        return -EINVAL;
    uint32_t r = 0;
    for (s += 2; *s; s++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0'
              : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
              : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
        if (d < 0 || r >> 28)
            return -EINVAL;
        r = r << 4 | (uint32_t)d;
    }
    *v = r;
    return 0;
}

int nat_win_dosattrib_decode(const void *buf, size_t len,
                         struct nat_win_dosattrib *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *b = buf;
    const uint8_t *nul = len ? memchr(b, 0, len < 32 ? len : 32) : NULL;
    if (!nul)
        return -EINVAL;
    char hex[32];
    memcpy(hex, b, (size_t)(nul - b) + 1);
    struct ndr n = { b, len, (size_t)(nul - b) + 1, 0 };
    uint16_t version = ndr_u16(&n);
    uint16_t level = ndr_u16(&n);
    if (n.bad || level != version)
        return -EINVAL;
    uint32_t valid = 0;
    switch (version) {
    case 0xFFFF:
        out->attrib = ndr_u32(&n);
        valid = DOSINFO_ATTRIB;
        break;
    case 1:   /* attrib ea_size size alloc_size create_time change_time */
        out->attrib = ndr_u32(&n);
        ndr_u32(&n);
        ndr_u64(&n);
        ndr_u64(&n);
        out->create_time = ndr_u64(&n);
        ndr_u64(&n);
        valid = DOSINFO_ATTRIB | DOSINFO_CREATE_TIME;
        break;
    case 2:   /* flags, then as 1, then write_time and a name we skip */
        ndr_u32(&n);
        out->attrib = ndr_u32(&n);
        ndr_u32(&n);
        ndr_u64(&n);
        ndr_u64(&n);
        out->create_time = ndr_u64(&n);
        ndr_u64(&n);
        ndr_u64(&n);
        valid = DOSINFO_ATTRIB | DOSINFO_CREATE_TIME;
        break;
    case 3:   /* valid_flags attrib ea_size size alloc_size create change */
        valid = ndr_u32(&n);
        out->attrib = ndr_u32(&n);
        ndr_u32(&n);
        ndr_u64(&n);
        ndr_u64(&n);
        out->create_time = ndr_u64(&n);
        ndr_u64(&n);
        break;
    case 4:   /* valid_flags attrib itime create_time */
        valid = ndr_u32(&n);
        out->attrib = ndr_u32(&n);
        ndr_u64(&n);
        out->create_time = ndr_u64(&n);
        break;
    case 5:   /* valid_flags attrib create_time */
        valid = ndr_u32(&n);
        out->attrib = ndr_u32(&n);
        out->create_time = ndr_u64(&n);
        break;
    default:
        return -EINVAL;
    }
    if (n.bad)
        return -EINVAL;
    if (!(valid & DOSINFO_ATTRIB) && parse_hex(hex, &out->attrib) == 0)
        valid |= DOSINFO_ATTRIB;
    out->has_attrib = !!(valid & DOSINFO_ATTRIB);
    out->has_create_time = !!(valid & DOSINFO_CREATE_TIME);
    if (!out->has_create_time)
        out->create_time = 0;
    if (!out->has_attrib)
        out->attrib = 0;
    return 0;
}

size_t nat_win_dosattrib_encode(uint32_t attrib, uint64_t create_time,
                            uint8_t out[WIN_DOSATTRIB_MAX])
{
    static const char digits[] = "0123456789abcdef";
    char hex[12];
    size_t h = 0;
    hex[h++] = '0';
    hex[h++] = 'x';
    int shift = 28;
    while (shift > 0 && !(attrib >> shift & 0xf))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        hex[h++] = digits[attrib >> shift & 0xf];
    hex[h++] = 0;
    memset(out, 0, WIN_DOSATTRIB_MAX);
    memcpy(out, hex, h);
    size_t off = (h + 1) & ~(size_t)1;
    nat_win_put16(out + off, 5);        /* version */
    nat_win_put16(out + off + 2, 5);    /* union level */
    off = (off + 4 + 3) & ~(size_t)3;
    nat_win_put32(out + off, DOSINFO_ATTRIB | DOSINFO_CREATE_TIME);
    nat_win_put32(out + off + 4, attrib);
    nat_win_put64(out + off + 8, create_time);
    return off + 16;
}

int nat_win_reparse_check(const void *buf, size_t len, uint32_t *tag)
{
    const uint8_t *b = buf;
    if (len > FSP_REPARSE_MAX_SIZE)
        return -E2BIG;
    if (len < 8)
        return -EINVAL;
    uint32_t t = nat_win_get32(b);
    size_t data = (size_t)(b[4] | b[5] << 8);
    /* Microsoft's tags (high bit) have an 8-byte header; everyone else's
     * carry a GUID after it (REPARSE_GUID_DATA_BUFFER). */
    size_t header = (t & 0x80000000u) ? 8 : 24;
    if (t <= 1 || len < header || len - header != data)
        return -EINVAL;
    if (tag)
        *tag = t;
    return 0;
}

/* UTF-8 to UTF-16LE, '/' to '\\'; invalid bytes become U+FFFD.  Writes
 * what fits in room; returns the full length in bytes. */
static size_t utf16_path(const char *s, uint8_t *out, size_t room)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = *p++;
        int more = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (c >= 0x80 && !more) {
            c = 0xfffd;
        } else if (more) {
            c &= 0x3fu >> more;
            for (int i = 0; i < more; i++) {
                if ((*p & 0xc0) != 0x80) {
                    c = 0xfffd;
                    more = -1;
                    break;
                }
                c = c << 6 | (*p++ & 0x3fu);
            }
            if (more > 0 && (c > 0x10ffff || (c >= 0xd800 && c < 0xe000)))
                c = 0xfffd;
        }
        if (c == '/')
            c = '\\';
        uint16_t u[2];
        int nu = 1;
        if (c >= 0x10000) {
            c -= 0x10000;
            u[0] = (uint16_t)(0xd800 | c >> 10);
            u[1] = (uint16_t)(0xdc00 | (c & 0x3ff));
            nu = 2;
        } else {
            u[0] = (uint16_t)c;
        }
        for (int i = 0; i < nu; i++, o += 2)
            if (o + 2 <= room)
                nat_win_put16(out + o, u[i]);
    }
    return o;
}

#define NFS_SPECFILE_CHR  0x0000000000524843ull
#define NFS_SPECFILE_BLK  0x00000000004B4C42ull
#define NFS_SPECFILE_FIFO 0x000000004F464946ull
#define NFS_SPECFILE_SOCK 0x000000004B434F53ull

size_t nat_win_reparse_special(uint32_t mode, uint32_t rdev, const char *target,
                           uint8_t *out, size_t room)
{
    uint8_t hdr[24] = { 0 };
    size_t len;
    if (S_ISLNK(mode)) {
        /* SymbolicLinkReparseBuffer: substitute and print name are the
         * same path, relative unless the target starts with '/'. */
        if (!target)
            return 0;
        size_t n = utf16_path(target, NULL, 0);
        if (n > 0xffff / 2 - 20)
            return 0;
        len = 20 + 2 * n;
        nat_win_put32(hdr, FSP_REPARSE_TAG_SYMLINK);
        nat_win_put16(hdr + 4, (uint16_t)(len - 8));
        nat_win_put16(hdr + 8, 0);                   /* substitute offset */
        nat_win_put16(hdr + 10, (uint16_t)n);        /* substitute length */
        nat_win_put16(hdr + 12, (uint16_t)n);        /* print offset */
        nat_win_put16(hdr + 14, (uint16_t)n);        /* print length */
        nat_win_put32(hdr + 16, target[0] == '/' ? 0 : 1);
        if (len <= room) {
            memcpy(out, hdr, 20);
            utf16_path(target, out + 20, n);
            utf16_path(target, out + 20 + n, n);
        }
        return len;
    }
    uint64_t type = S_ISCHR(mode) ? NFS_SPECFILE_CHR
                  : S_ISBLK(mode) ? NFS_SPECFILE_BLK
                  : S_ISFIFO(mode) ? NFS_SPECFILE_FIFO
                  : S_ISSOCK(mode) ? NFS_SPECFILE_SOCK : 0;
    if (!type)
        return 0;
    int dev = S_ISCHR(mode) || S_ISBLK(mode);
    len = 16 + (dev ? 8 : 0);
    nat_win_put32(hdr, FSP_REPARSE_TAG_NFS);
    nat_win_put16(hdr + 4, (uint16_t)(len - 8));
    nat_win_put64(hdr + 8, type);
    if (dev) {
        nat_win_put32(hdr + 16, major(rdev));
        nat_win_put32(hdr + 20, minor(rdev));
    }
    if (len <= room)
        memcpy(out, hdr, len);
    return len;
}

int nat_win_stream_name(const char *in, size_t len, size_t max, char *out,
                    size_t outsz)
{
    const char *colon = memchr(in, ':', len);
    if (colon) {
        /* Only the data stream type may be named, in any case. */
        if (len - (size_t)(colon - in) != 6 ||
            strncasecmp(colon, ":$DATA", 6) != 0)
            return -EINVAL;
        len = (size_t)(colon - in);
    }
    if (len == 0 || memchr(in, '/', len) || memchr(in, 0, len))
        return -EINVAL;
    if (len > max || len >= outsz)
        return -ENAMETOOLONG;
    memcpy(out, in, len);
    out[len] = 0;
    return 0;
}
