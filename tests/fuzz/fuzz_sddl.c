/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the SDDL parser (fsp_sddl_parse, src/native/security)
 * on arbitrary text, which any user can hand it through fsptool sd set.
 * Checked: the answer is 0 or -EINVAL; what parses prints as SDDL that
 * parses again to the same text, and builds a binary descriptor that the
 * binary checker accepts and that parses back to the same SDDL.
 *
 * Input: the bytes as a string (cut at the first NUL).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    struct fsp_sd sd, again, back;
    int r = fsp_sddl_parse(text, &sd);
    CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
    if (r == 0) {
        char *out = NULL, *out2 = NULL, *out3 = NULL;
        void *bin = NULL;
        size_t bin_size = 0;
        CHECK(fsp_sddl_print(&sd, &out) == 0);
        CHECK(fsp_sddl_parse(out, &again) == 0);
        CHECK(fsp_sddl_print(&again, &out2) == 0);
        CHECK(strcmp(out, out2) == 0);
        r = fsp_sd_build(&sd, &bin, &bin_size);
        /* Only too many ACEs for one ACL stop a build. */
        CHECK(r == 0 || r == -EINVAL);
        if (r == 0) {
            CHECK(fsp_sd_check(bin, bin_size) == 0);
            CHECK(fsp_sd_parse(bin, bin_size, &back) == 0);
            CHECK(fsp_sddl_print(&back, &out3) == 0);
            CHECK(strcmp(out, out3) == 0);
            fsp_sd_clear(&back);
        }
        free(bin);
        free(out);
        free(out2);
        free(out3);
        fsp_sd_clear(&again);
        fsp_sd_clear(&sd);
    }
    free(text);
    return 0;
}
