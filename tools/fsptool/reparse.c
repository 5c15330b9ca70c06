/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool reparse FILE [set TAG HEXDATA | delete]: reparse data
 * (system.ntfs_reparse_data), shown as its tag and its data in hex.
 * set builds the Windows buffer (tag, data length, reserved, data); a
 * tag without Microsoft's bit needs its 16-byte GUID at the start of
 * HEXDATA, as Windows' REPARSE_GUID_DATA_BUFFER has it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "sub.h"

#define NAME "system.ntfs_reparse_data"

static int show(const char *file)
{
    size_t len;
    unsigned char *b = fsptool_getxattr(file, NAME, &len);
    if (!b)
        return fsptool_fail(file);
    if (len < 8) {
        fprintf(stderr, "fsptool: %s: short reparse buffer\n", file);
        free(b);
        return 1;
    }
    uint32_t tag = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
    const char *kind = tag == 0xA000000Cu ? " (symbolic link)"
                     : tag == 0xA0000003u ? " (mount point)"
                     : tag == 0x80000014u ? " (NFS special file)" : "";
    printf("tag 0x%08" PRIx32 "%s\ndata ", tag, kind);
    for (size_t i = 8; i < len; i++)
        printf("%02x", b[i]);
    putchar('\n');
    free(b);
    return 0;
}

static int set(const char *file, const char *tagtext, const char *hex)
{
    char *end;
    unsigned long tag = strtoul(tagtext, &end, 0);
    size_t n = strlen(hex);
    if (*end || tag > 0xffffffffu || n % 2 || n / 2 > 16384 - 8) {
        fputs("fsptool: reparse: TAG is a number, HEXDATA pairs of hex digits\n",
              stderr);
        return 2;
    }
    size_t header = (tag & 0x80000000u) ? 8 : 24;
    size_t data = n / 2 - (header - 8 < n / 2 ? header - 8 : n / 2);
    unsigned char *b = malloc(8 + n / 2);
    if (!b)
        return fsptool_fail("memory");
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(tag >> (8 * i));
    b[4] = (unsigned char)data;
    b[5] = (unsigned char)(data >> 8);
    b[6] = b[7] = 0;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            free(b);
            fputs("fsptool: reparse: bad hex data\n", stderr);
            return 2;
        }
        b[8 + i] = (unsigned char)v;
    }
    int rc = lsetxattr(file, NAME, b, 8 + n / 2, 0) < 0 ? fsptool_fail(file) : 0;
    free(b);
    return rc;
}

int fsptool_reparse(int argc, char **argv)
{
    if (argc == 2)
        return show(argv[1]);
    if (argc == 5 && strcmp(argv[2], "set") == 0)
        return set(argv[1], argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[2], "delete") == 0)
        return lremovexattr(argv[1], NAME) < 0 ? fsptool_fail(argv[1]) : 0;
    fputs("usage: fsptool reparse FILE [set TAG HEXDATA | delete]\n", stderr);
    return 2;
}
