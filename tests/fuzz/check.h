/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every fuzz target shares: an invariant that must hold for any
 * input aborts with its text when it does not, so libFuzzer keeps the
 * input as a crash. */
#ifndef FSP_FUZZ_CHECK_H
#define FSP_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                        \
    do {                                                                \
        if (!(c)) {                                                     \
            fprintf(stderr, "fuzz check failed: %s\n", #c);             \
            abort();                                                    \
        }                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
