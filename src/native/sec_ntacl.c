/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Samba's security.NTACL value: NDR (little-endian, 4-byte aligned) of
 * xattr_NTACL { uint16 version; union switch(uint16 version) { 1: unique
 * pointer to a security_descriptor; 2: to {sd pointer, hash[16]}; 3: to
 * {sd pointer, uint16 hash_type, hash[64]}; 4: to {sd pointer, uint16
 * hash_type, hash[64], NUL-terminated UTF-8 description, NTTIME,
 * sys_acl_hash[64]} } }, pointees following in order (librpc/idl/
 * xattr.idl).  The descriptor's NDR form is the self-relative one with
 * one difference: its [relative] pointers count from NDR's relative
 * base, which security_descriptor does not reset, so from the start of
 * the whole blob, not of the descriptor (found the hard way: smbd read
 * descriptor-relative offsets as garbage and denied everything).
 *
 * fsp reads any version and answers with version 1, which Samba's
 * acl_xattr takes as it is ("unilateral": no hash to compare against the
 * POSIX ACL), so the descriptor a client set is the one it reads back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "native/sec.h"

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Move the four offsets of the descriptor header at sd by delta (up or
 * down); -EINVAL when one would leave the descriptor. */
static int shift(uint8_t *sd, size_t size, long delta)
{
    for (int i = 0; i < 4; i++) {
        uint32_t off = get32(sd + 4 + 4 * i);
        if (!off)
            continue;
        long moved = (long)off + delta;
        if (moved < 20 || (unsigned long)moved >= size)
            return -EINVAL;
        put32(sd + 4 + 4 * i, (uint32_t)moved);
    }
    return 0;
}

int nat_sec_ntacl_unwrap(const void *blob, size_t size, void **sd,
                     size_t *sd_size)
{
    const uint8_t *p = blob;
    if (size < 8)
        return -EINVAL;
    uint16_t version = get16(p), level = get16(p + 2);
    if (version != level || version < 1 || version > 4 || !get32(p + 4))
        return -EINVAL;
    size_t at = 8;
    if (version > 1) {
        /* The hashed struct starts with the descriptor's pointer. */
        if (size - at < 4 || !get32(p + at))
            return -EINVAL;
        at += 4;
        if (version == 2) {
            at += 16;
        } else {
            at += 2 + 64;
            if (version == 4) {
                const uint8_t *nul = at < size ? memchr(p + at, 0, size - at) : NULL;
                if (!nul)
                    return -EINVAL;
                at = align4((size_t)(nul - p) + 1) + 8 + 64;
            }
        }
        at = align4(at);
    }
    if (at >= size || size - at < 20)
        return -EINVAL;
    uint8_t *copy = malloc(size - at);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, p + at, size - at);
    int r = shift(copy, size - at, -(long)at);
    if (!r)
        r = fsp_sd_check(copy, size - at);
    if (r) {
        free(copy);
        return r;
    }
    *sd = copy;
    *sd_size = size - at;
    return 0;
}

int nat_sec_ntacl_wrap(const void *sd, size_t sd_size, void *out, size_t room,
                   size_t *needed)
{
    static const uint8_t head[8] = { 1, 0, 1, 0, 0x00, 0x00, 0x02, 0x00 };
    *needed = sizeof head + sd_size;
    if (room < *needed)
        return -ERANGE;
    memcpy(out, head, sizeof head);
    memcpy((uint8_t *)out + sizeof head, sd, sd_size);
    return shift((uint8_t *)out + sizeof head, *needed, sizeof head);
}
