/*
 * fsptool: operate on fsp mounts from the outside.
 *
 *   fsptool abort MOUNTPOINT     cut off a stuck file system: every
 *                                pending and future request on the mount
 *                                fails with ENOTCONN (through fusectl)
 *   fsptool unmount MOUNTPOINT   lazily unmount (a dead or live mount)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "kernel/mount.h"

static int usage(void)
{
    fprintf(stderr, "usage: fsptool abort MOUNTPOINT\n"
                    "       fsptool unmount MOUNTPOINT\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    char err[512] = "";
    if (strcmp(argv[1], "abort") == 0) {
        if (fsp_mount_abort(argv[2], err, sizeof err) < 0) {
            fprintf(stderr, "fsptool: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (strcmp(argv[1], "unmount") == 0) {
        if (umount2(argv[2], MNT_DETACH) < 0) {
            fprintf(stderr, "fsptool: cannot unmount %s: %s\n", argv[2],
                    strerror(errno));
            return 1;
        }
        return 0;
    }
    return usage();
}
