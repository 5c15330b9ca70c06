/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool sd: a file's security descriptor as SDDL, through ntfs-3g's
 * system.ntfs_acl attribute (so it works on any fsp volume that keeps
 * descriptors, and on ntfs-3g mounts too).
 *
 *   fsptool sd get PATH          print the descriptor as SDDL
 *   fsptool sd set PATH SDDL     replace it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "fsp/security.h"
#include "fsptool/sd.h"

#define NTFS_ACL "system.ntfs_acl"

static int sd_get(const char *path)
{
    ssize_t n = getxattr(path, NTFS_ACL, NULL, 0);
    void *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf)
        n = getxattr(path, NTFS_ACL, buf, (size_t)n);
    if (!buf || n < 0) {
        fprintf(stderr, "fsptool: %s: no security descriptor: %s\n", path,
                strerror(errno ? errno : ENOMEM));
        free(buf);
        return 1;
    }
    struct fsp_sd sd;
    char *text = NULL;
    int r = fsp_sd_parse(buf, (size_t)n, &sd);
    free(buf);
    if (!r) {
        r = fsp_sddl_print(&sd, &text);
        fsp_sd_clear(&sd);
    }
    if (r) {
        fprintf(stderr, "fsptool: %s: bad security descriptor: %s\n", path,
                strerror(-r));
        return 1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

static int sd_set(const char *path, const char *sddl)
{
    struct fsp_sd sd;
    void *bin = NULL;
    size_t size = 0;
    int r = fsp_sddl_parse(sddl, &sd);
    if (r) {
        fprintf(stderr, "fsptool: malformed SDDL: %s\n", sddl);
        return 1;
    }
    r = fsp_sd_build(&sd, &bin, &size);
    fsp_sd_clear(&sd);
    if (r || setxattr(path, NTFS_ACL, bin, size, 0) < 0) {
        fprintf(stderr, "fsptool: %s: cannot set the security descriptor: %s\n",
                path, strerror(r ? -r : errno));
        free(bin);
        return 1;
    }
    free(bin);
    return 0;
}

int fsptool_sd(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "get") == 0)
        return sd_get(argv[1]);
    if (argc == 3 && strcmp(argv[0], "set") == 0)
        return sd_set(argv[1], argv[2]);
    fputs("usage: fsptool sd get PATH\n"
          "       fsptool sd set PATH SDDL\n", stderr);
    return 2;
}
