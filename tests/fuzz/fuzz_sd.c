/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the binary security descriptor parser (fsp_sd_check,
 * fsp_sd_parse) and Samba's security.NTACL unwrapping (sec_ntacl.c) on
 * arbitrary bytes, which reach them from setxattr of system.ntfs_acl and
 * security.NTACL; and on what parses, the POSIX mapping and inheritance.
 * Checked: answers are 0 or -EINVAL, check and parse agree, what parses
 * builds into a descriptor that parses to the same thing, and the mapped
 * mode is a mode.
 *
 * Input: byte 0 selects the raw descriptor (even) or an NTACL blob (odd);
 * the rest is the value.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"
#include "native/sec.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mapped(const struct fsp_sd *sd)
{
    for (int dir = 0; dir < 2; dir++) {
        struct fsp_posix_perms pp = { .uid = 1, .gid = 2, .mode = 06000 };
        int r = fsp_sd_to_posix(sd, NULL, dir, &pp);
        CHECK(r == 0 || r == -ENOMEM);
        if (r == 0) {
            CHECK((pp.mode & ~07777u) == 0);
            struct fsp_sd back;
            r = fsp_sd_from_posix(&pp, NULL, dir, &back);
            CHECK(r == 0 || r == -ENOMEM || r == -EINVAL);
            if (r == 0)
                fsp_sd_clear(&back);
            fsp_sd_posix_clear(&pp);
        }
        struct fsp_sd child;
        r = fsp_sd_inherit(sd, &fsp_sid_system, &fsp_sid_admins, dir, &child);
        CHECK(r == 0 || r == -ENOENT || r == -ENOMEM || r == -EINVAL);
        if (r == 0)
            fsp_sd_clear(&child);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const void *raw = data + 1;
    size_t raw_size = size - 1;
    void *unwrapped = NULL;
    if (data[0] & 1) {
        int r = nat_sec_ntacl_unwrap(data + 1, size - 1, &unwrapped, &raw_size);
        CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
        if (r)
            return 0;
        CHECK(raw_size < size);
        raw = unwrapped;
        /* What unwraps wraps back into a blob that unwraps the same. */
        size_t needed = 0;
        uint8_t *again = malloc(raw_size + 8);
        void *twice = NULL;
        size_t twice_size = 0;
        CHECK(again && nat_sec_ntacl_wrap(raw, raw_size, again, raw_size + 8, &needed) == 0);
        CHECK(nat_sec_ntacl_unwrap(again, needed, &twice, &twice_size) == 0);
        CHECK(twice_size == raw_size && memcmp(twice, raw, raw_size) == 0);
        free(again);
        free(twice);
    }
    int checked = fsp_sd_check(raw, raw_size);
    CHECK(checked == 0 || checked == -EINVAL);
    struct fsp_sd sd, back;
    int r = fsp_sd_parse(raw, raw_size, &sd);
    CHECK(r == checked || r == -ENOMEM);
    if (r) {
        free(unwrapped);
        return 0;
    }
    void *bin = NULL;
    size_t bin_size = 0;
    char *a = NULL, *b = NULL;
    CHECK(fsp_sd_build(&sd, &bin, &bin_size) == 0);
    CHECK(fsp_sd_parse(bin, bin_size, &back) == 0);
    CHECK(fsp_sddl_print(&sd, &a) == 0 && fsp_sddl_print(&back, &b) == 0);
    CHECK(strcmp(a, b) == 0);
    mapped(&sd);
    free(a);
    free(b);
    free(bin);
    fsp_sd_clear(&back);
    fsp_sd_clear(&sd);
    free(unwrapped);
    return 0;
}
