/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool attrib FILE [+h -r ...]: DOS attributes (system.ntfs_attrib),
 * shown as "0x00000022 HA" and changed attrib.exe style; fsptool crtime
 * FILE [SECONDS[.NANOSECONDS]]: the creation time (system.ntfs_crtime).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>

#include "sub.h"

static const struct { char letter; uint32_t bit; } bits[] = {
    { 'R', 0x1 }, { 'H', 0x2 }, { 'S', 0x4 }, { 'D', 0x10 }, { 'A', 0x20 },
    { 'N', 0x80 }, { 'T', 0x100 }, { 'P', 0x200 }, { 'L', 0x400 },
    { 'O', 0x1000 }, { 'I', 0x2000 },
};

static int get32(const char *file, uint32_t *v)
{
    unsigned char b[4];
    if (lgetxattr(file, "system.ntfs_attrib", b, 4) != 4)
        return -1;
    *v = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

int fsptool_attrib(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: fsptool attrib FILE [+r|-r|+h|-h|+s|-s|+a|-a|+t|-t...]\n"
              "       R read-only  H hidden  S system  A archive  T temporary\n",
              stderr);
        return 2;
    }
    uint32_t v;
    if (get32(argv[1], &v) < 0)
        return fsptool_fail(argv[1]);
    if (argc == 2) {
        printf("0x%08" PRIx32 " ", v);
        for (size_t i = 0; i < sizeof bits / sizeof *bits; i++)
            if (v & bits[i].bit)
                putchar(bits[i].letter);
        putchar('\n');
        return 0;
    }
    for (int a = 2; a < argc; a++) {
        const char *s = argv[a];
        if ((s[0] != '+' && s[0] != '-') || !s[1]) {
            fprintf(stderr, "fsptool: attrib: '%s' is not +X or -X\n", s);
            return 2;
        }
        for (const char *c = s + 1; *c; c++) {
            uint32_t bit = 0;
            for (size_t i = 0; i < sizeof bits / sizeof *bits; i++)
                if ((*c & ~0x20) == bits[i].letter)
                    bit = bits[i].bit;
            if (!bit) {
                fprintf(stderr, "fsptool: attrib: unknown attribute '%c'\n", *c);
                return 2;
            }
            v = s[0] == '+' ? v | bit : v & ~bit;
        }
    }
    unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
                           (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    if (lsetxattr(argv[1], "system.ntfs_attrib", b, 4, 0) < 0)
        return fsptool_fail(argv[1]);
    return 0;
}

#define NT_EPOCH_DIFF 11644473600ll

int fsptool_crtime(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fputs("usage: fsptool crtime FILE [SECONDS[.NANOSECONDS] since 1970]\n",
              stderr);
        return 2;
    }
    unsigned char b[8];
    if (argc == 3) {
        char *end;
        errno = 0;
        long long sec = strtoll(argv[2], &end, 10);
        long nsec = 0;
        if (*end == '.') {
            char digits[10] = "000000000";
            size_t n = strspn(end + 1, "0123456789");
            memcpy(digits, end + 1, n < 9 ? n : 9);
            nsec = strtol(digits, NULL, 10);
            end += 1 + n;
        }
        if (errno || *end || end == argv[2] || sec < -NT_EPOCH_DIFF) {
            fprintf(stderr, "fsptool: crtime: bad time '%s'\n", argv[2]);
            return 2;
        }
        uint64_t nt = (uint64_t)(sec + NT_EPOCH_DIFF) * 10000000u +
                      (uint64_t)nsec / 100;
        for (int i = 0; i < 8; i++)
            b[i] = (unsigned char)(nt >> (8 * i));
        if (lsetxattr(argv[1], "system.ntfs_crtime", b, 8, 0) < 0)
            return fsptool_fail(argv[1]);
        return 0;
    }
    if (lgetxattr(argv[1], "system.ntfs_crtime", b, 8) != 8)
        return fsptool_fail(argv[1]);
    uint64_t nt = 0;
    for (int i = 7; i >= 0; i--)
        nt = nt << 8 | b[i];
    time_t sec = (time_t)(nt / 10000000u) - (time_t)NT_EPOCH_DIFF;
    struct tm tm;
    char text[64];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", gmtime_r(&sec, &tm));
    printf("%s.%07u UTC (%lld)\n", text, (unsigned)(nt % 10000000u),
           (long long)sec);
    return 0;
}
