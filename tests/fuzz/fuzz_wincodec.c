/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the decoders of Windows metadata any user of a mount
 * can feed fsp through setxattr (src/native/wincodec.c): Samba's
 * user.DOSATTRIB and reparse buffers, plus stream names.  Checked: no
 * read outside the input (ASan), a decoded DOSATTRIB encodes and decodes
 * back to the same attributes and time, and an accepted reparse buffer
 * has the length its header says.
 *
 * Input: byte 0 chooses the decoder; the rest is its input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/fsp.h"
#include "native/wincodec.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t which = data[0] % 3;
    /* A private copy of exactly the input's size, so ASan sees any read
     * past its end. */
    uint8_t *in = malloc(size - 1 ? size - 1 : 1);
    if (!in)
        return 0;
    memcpy(in, data + 1, size - 1);
    size_t len = size - 1;
    if (which == 0) {
        struct nat_win_dosattrib d;
        int r = nat_win_dosattrib_decode(in, len, &d);
        CHECK(r == 0 || r == -EINVAL);
        if (r == 0) {
            uint8_t out[WIN_DOSATTRIB_MAX];
            size_t n = nat_win_dosattrib_encode(d.attrib, d.create_time, out);
            struct nat_win_dosattrib e;
            CHECK(n <= sizeof out);
            CHECK(nat_win_dosattrib_decode(out, n, &e) == 0);
            CHECK(e.attrib == d.attrib && e.create_time == d.create_time);
        }
    } else if (which == 1) {
        uint32_t tag = 0;
        int r = nat_win_reparse_check(in, len, &tag);
        CHECK(r == 0 || r == -EINVAL || r == -E2BIG);
        if (r == 0)
            CHECK(len >= 8 && len <= FSP_REPARSE_MAX_SIZE && tag > 1);
    } else {
        char out[256];
        int r = nat_win_stream_name((const char *)in, len, 255, out, sizeof out);
        CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
        if (r == 0)
            CHECK(out[0] && !strchr(out, '/') && !strchr(out, ':'));
    }
    free(in);
    return 0;
}
