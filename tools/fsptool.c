/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool: operate on fsp mounts from the outside.
 *
 *   fsptool abort MOUNTPOINT     cut off a stuck file system: every
 *                                pending and future request on the mount
 *                                fails with ENOTCONN (through fusectl)
 *   fsptool unmount MOUNTPOINT   lazily unmount (a dead or live mount)
 *   fsptool stats MOUNTPOINT     per-opcode request counters of a live
 *                                fsp mount (count, errors, average time)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/xattr.h>

#include <fsp/fsp.h>

static const char usage_text[] =
    "usage: fsptool abort MOUNTPOINT\n"
    "       fsptool unmount MOUNTPOINT\n"
    "       fsptool stats MOUNTPOINT\n"
    "\n"
    "Operate on fsp mounts from the outside.\n"
    "\n"
    "  abort MOUNTPOINT     fail every pending and future request (ENOTCONN)\n"
    "  unmount MOUNTPOINT   lazily unmount a live or dead mount\n"
    "  stats MOUNTPOINT     per-opcode request counters of a live fsp mount\n"
    "  -h, --help           show this help\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int c;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c != 'h')
            return usage();
        fputs(usage_text, stdout);
        return 0;
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc != 3)
        return usage();
    char err[512] = "";
    if (strcmp(argv[1], "abort") == 0) {
        if (fsp_abort_connection(argv[2], err, sizeof err) < 0) {
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
    if (strcmp(argv[1], "stats") == 0) {
        /* fsp serves its counters as an attribute of the mount's root. */
        ssize_t n = getxattr(argv[2], "user.fsp.stats", NULL, 0);
        char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
        if (buf)
            n = getxattr(argv[2], "user.fsp.stats", buf, (size_t)n);
        if (!buf || n < 0) {
            fprintf(stderr, "fsptool: %s is not a live fsp mount: %s\n",
                    argv[2], strerror(errno ? errno : ENOMEM));
            free(buf);
            return 1;
        }
        fwrite(buf, 1, (size_t)n, stdout);
        free(buf);
        return 0;
    }
    return usage();
}
