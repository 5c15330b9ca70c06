/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool volume MOUNTPOINT [label NEW]: the volume's label, serial
 * number and creation time (attributes of an fsp mount's root).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>

#include "sub.h"

int fsptool_volume(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[2], "label") == 0) {
        if (setxattr(argv[1], "user.fsp.volume_label", argv[3],
                     strlen(argv[3]), 0) < 0)
            return fsptool_fail(argv[1]);
        return 0;
    }
    if (argc != 2) {
        fputs("usage: fsptool volume MOUNTPOINT [label NEW]\n", stderr);
        return 2;
    }
    size_t len;
    char *label = fsptool_getxattr(argv[1], "user.fsp.volume_label", &len);
    char *serial = label ? fsptool_getxattr(argv[1], "user.fsp.volume_serial",
                                            &len) : NULL;
    unsigned char *crt = serial ? fsptool_getxattr(argv[1],
                                                   "user.fsp.volume_crtime",
                                                   &len) : NULL;
    int rc = 0;
    if (!crt || len != 8) {
        rc = fsptool_fail("not a live fsp mount");
    } else {
        uint64_t nt = 0;
        for (int i = 7; i >= 0; i--)
            nt = nt << 8 | crt[i];
        time_t sec = (time_t)(nt / 10000000u) - (time_t)11644473600ll;
        struct tm tm;
        char text[64];
        strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC",
                 gmtime_r(&sec, &tm));
        printf("label   %s\nserial  %s\ncreated %s\n", label, serial, text);
    }
    free(label);
    free(serial);
    free(crt);
    return rc;
}
