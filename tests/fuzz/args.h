/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz input as a command line: NUL-separated strings become argv[1..],
 * after a fixed argv[0], as a program's main() would get them.
 */
#ifndef FSP_TESTS_FUZZ_ARGS_H
#define FSP_TESTS_FUZZ_ARGS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FZ_MAX_ARGS 32

/* Fill argv (FZ_MAX_ARGS + 2 slots) from data; returns argc.  The
 * strings live in *store, which the caller frees. */
static int fz_argv(const uint8_t *data, size_t size, char **argv,
                   char **store)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    *store = s;
    int argc = 0;
    argv[argc++] = "prog";
    size_t i = 0;
    while (i <= size && argc < FZ_MAX_ARGS + 1) {
        argv[argc++] = s + i;
        i += strlen(s + i) + 1;
    }
    argv[argc] = NULL;
    return argc;
}

#endif
