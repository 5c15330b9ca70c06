/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: fsp's -o mount option parser (src/kernel/mount_opts.c)
 * on arbitrary option strings, several accumulated into one set as
 * repeated -o arguments are.  Checked: the result is 0 or -EINVAL, the
 * message is NUL-terminated within the (fuzzer-sized) error buffer, and
 * the string fields stay NUL-terminated within their arrays.
 *
 * Input: byte 0 is the error buffer's size (0..255); the rest is split at
 * NUL bytes into the -o arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "kernel/mount.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t errlen = data[0];
    char *argv[FZ_MAX_ARGS + 2], *store;
    int argc = fz_argv(data + 1, size - 1, argv, &store);
    /* A canary after the error buffer: nothing may be written past it. */
    char *err = malloc(errlen + 1);
    if (!err)
        abort();
    memset(err, 'x', errlen + 1);
    struct kmount_opts o;
    kmount_opts_init(&o);
    for (int i = 1; i < argc; i++) {
        int r = kmount_opts_parse(&o, argv[i], errlen ? err : NULL,
                                     errlen);
        CHECK(r == 0 || r == -EINVAL);
        CHECK(err[errlen] == 'x');
        if (r && errlen)
            CHECK(memchr(err, 0, errlen) != NULL);
        CHECK(memchr(o.fsname, 0, sizeof o.fsname) != NULL);
        CHECK(memchr(o.subtype, 0, sizeof o.subtype) != NULL);
    }
    free(err);
    free(store);
    return 0;
}
