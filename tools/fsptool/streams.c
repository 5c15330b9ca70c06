/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsptool streams list|cat|write|delete FILE [NAME]: named streams.
 * Listing uses user.fsp.streams (every stream, any size); small streams
 * go through Samba's user.DosStream.NAME:$DATA attributes, and streams of
 * 64 KiB or more through FILE:NAME paths, which need a mount with
 * -o streams_interface=windows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sub.h"

#define SMALL 65535u   /* bytes + the NUL must fit one attribute value */

static char *ea_name(const char *stream)
{
    char *name = NULL;
    if (asprintf(&name, "user.DosStream.%s:$DATA", stream) < 0)
        return NULL;
    return name;
}

static char *path_name(const char *file, const char *stream)
{
    char *name = NULL;
    if (asprintf(&name, "%s:%s", file, stream) < 0)
        return NULL;
    return name;
}

static int list(const char *file)
{
    size_t len;
    char *text = fsptool_getxattr(file, "user.fsp.streams", &len);
    if (!text)
        return fsptool_fail(file);
    fwrite(text, 1, len, stdout);
    free(text);
    return 0;
}

static int cat(const char *file, const char *stream)
{
    char *ea = ea_name(stream), *path = path_name(file, stream);
    size_t len;
    char *v = ea ? fsptool_getxattr(file, ea, &len) : NULL;
    int rc = 0;
    if (v) {
        fwrite(v, 1, len ? len - 1 : 0, stdout);   /* without Samba's NUL */
    } else if (errno == E2BIG && path) {
        int fd = open(path, O_RDONLY);
        char buf[65536];
        ssize_t n;
        if (fd < 0)
            rc = fsptool_fail("a stream this big needs -o "
                              "streams_interface=windows");
        while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        if (fd >= 0)
            close(fd);
    } else {
        rc = fsptool_fail(stream);
    }
    free(v);
    free(ea);
    free(path);
    return rc;
}

static int write_(const char *file, const char *stream)
{
    size_t len = 0, cap = 65536;
    char *data = malloc(cap);
    ssize_t n;
    while (data && (n = read(STDIN_FILENO, data + len, cap - len)) > 0) {
        len += (size_t)n;
        if (len == cap && !(data = realloc(data, cap *= 2)))
            break;
    }
    if (!data)
        return fsptool_fail("stdin");
    int rc = 0;
    if (len < SMALL) {
        char *ea = ea_name(stream);
        data[len] = 0;              /* Samba's form: the bytes and a NUL */
        if (!ea || lsetxattr(file, ea, data, len + 1, 0) < 0)
            rc = fsptool_fail(stream);
        free(ea);
    } else {
        char *path = path_name(file, stream);
        int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
        if (fd < 0 || write(fd, data, len) != (ssize_t)len)
            rc = fsptool_fail("a stream this big needs -o "
                              "streams_interface=windows");
        if (fd >= 0 && close(fd) < 0)
            rc = fsptool_fail(stream);
        free(path);
    }
    free(data);
    return rc;
}

static int delete(const char *file, const char *stream)
{
    char *ea = ea_name(stream);
    int rc = !ea || lremovexattr(file, ea) < 0 ? fsptool_fail(stream) : 0;
    free(ea);
    return rc;
}

int fsptool_streams(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return list(argv[2]);
    if (argc == 4 && strcmp(argv[1], "cat") == 0)
        return cat(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "write") == 0)
        return write_(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "delete") == 0)
        return delete(argv[2], argv[3]);
    fputs("usage: fsptool streams list FILE | cat|write|delete FILE NAME\n",
          stderr);
    return 2;
}
