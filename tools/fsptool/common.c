/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What fsptool's Windows subcommands share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "sub.h"

void *fsptool_getxattr(const char *path, const char *name, size_t *len)
{
    /* The value may change between the size probe and the read: retry. */
    for (int tries = 0; tries < 5; tries++) {
        ssize_t n = lgetxattr(path, name, NULL, 0);
        if (n < 0)
            return NULL;
        char *buf = malloc((size_t)n + 1);
        if (!buf)
            return NULL;
        ssize_t got = lgetxattr(path, name, buf, (size_t)n);
        if (got >= 0) {
            buf[got] = 0;
            *len = (size_t)got;
            return buf;
        }
        free(buf);
        if (errno != ERANGE)
            return NULL;
    }
    return NULL;
}

int fsptool_fail(const char *what)
{
    fprintf(stderr, "fsptool: %s: %s\n", what, strerror(errno));
    return 1;
}
