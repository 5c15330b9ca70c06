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
 *   fsptool sd get|set PATH [SDDL]
 *                                a file's security descriptor as SDDL
 *                                (fsptool/sd.c)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/xattr.h>

#include <fsp/fsp.h>

#include "fsptool/sd.h"
#include "fsptool/sub.h"

static const char usage_text[] =
    "usage: fsptool abort MOUNTPOINT\n"
    "       fsptool unmount MOUNTPOINT\n"
    "       fsptool stats MOUNTPOINT\n"
    "       fsptool streams list FILE | cat|write|delete FILE NAME\n"
    "       fsptool attrib FILE [+h -r ...]\n"
    "       fsptool crtime FILE [SECONDS]\n"
    "       fsptool reparse FILE [set TAG HEXDATA | delete]\n"
    "       fsptool volume MOUNTPOINT [label NEW]\n"
    "       fsptool sd get PATH\n"
    "       fsptool sd set PATH SDDL\n"
    "\n"
    "Operate on fsp mounts from the outside.\n"
    "\n"
    "  abort MOUNTPOINT     fail every pending and future request (ENOTCONN)\n"
    "  unmount MOUNTPOINT   lazily unmount a live or dead mount\n"
    "  stats MOUNTPOINT     per-opcode request counters of a live fsp mount\n"
    "  streams ...          named streams: list, cat, write (stdin), delete\n"
    "  attrib FILE [+X -X]  DOS attributes (R H S A T ...), shown or changed\n"
    "  crtime FILE [SECS]   creation time, shown or set\n"
    "  reparse FILE ...     reparse data: tag and data, set, delete\n"
    "  volume MOUNTPOINT    label, serial number, creation time\n"
    "  sd get PATH          the file's security descriptor as SDDL\n"
    "  sd set PATH SDDL     replace it (volumes that keep descriptors)\n"
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
    if (argc >= 2 && strcmp(argv[1], "sd") == 0)
        return fsptool_sd(argc - 2, argv + 2);
    /* The Windows metadata subcommands (tools/fsptool/). */
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        { "streams", fsptool_streams }, { "attrib", fsptool_attrib },
        { "crtime", fsptool_crtime },   { "reparse", fsptool_reparse },
        { "volume", fsptool_volume },
    };
    for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof *subs; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
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
