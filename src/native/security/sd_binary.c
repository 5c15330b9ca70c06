/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The self-relative security descriptor, Windows' binary layout (all
 * little-endian): a 20-byte header (revision 1, a zero byte, control,
 * then the offsets of owner, group, SACL and DACL from the start; 0 for
 * none), SIDs of 8 + 4 n bytes, ACLs with an 8-byte header (revision,
 * zero, size, count, zero) followed by ACEs of type, flags, size, mask
 * and SID.  Every length and offset comes from outside (a client, a
 * setxattr), so the checker trusts none of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"

#define SD_HEADER 20
#define ACL_HEADER 8
#define ACE_HEADER 8

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A SID at buf[off], inside `end` bytes: its size, or -EINVAL. */
static long sid_at(const uint8_t *buf, size_t off, size_t end,
                   struct fsp_sid *sid)
{
    if (off > end || end - off < 8)
        return -EINVAL;
    const uint8_t *p = buf + off;
    if (p[0] != 1 || p[1] > FSP_SID_MAX_SUB)
        return -EINVAL;
    size_t len = 8 + 4 * (size_t)p[1];
    if (end - off < len)
        return -EINVAL;
    if (sid) {
        memset(sid, 0, sizeof *sid);
        sid->revision = 1;
        sid->sub_count = p[1];
        memcpy(sid->authority, p + 2, 6);
        for (unsigned i = 0; i < p[1]; i++)
            sid->sub[i] = get32(p + 8 + 4 * i);
    }
    return (long)len;
}

/* An ACL at buf[off] of a `size`-byte descriptor; with acl, taken apart
 * into it (aces malloc'ed).  `audit`: the SACL (audit ACEs) rather than
 * the DACL (allow and deny). */
static int acl_at(const uint8_t *buf, size_t off, size_t size, int audit,
                  struct fsp_acl *acl)
{
    if (off < SD_HEADER || off > size || size - off < ACL_HEADER)
        return -EINVAL;
    const uint8_t *p = buf + off;
    size_t acl_size = get16(p + 2), count = get16(p + 4);
    /* Windows accepts revisions 2 to 4 (RtlValidAcl); Samba's smbcacls
     * writes 3. */
    if (p[0] < 2 || p[0] > 4 || acl_size < ACL_HEADER ||
        acl_size > size - off)
        return -EINVAL;
    size_t end = off + acl_size, at = off + ACL_HEADER;
    if (acl) {
        acl->revision = p[0];
        acl->count = 0;
        acl->aces = count ? calloc(count, sizeof *acl->aces) : NULL;
        if (count && !acl->aces)
            return -ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        if (end - at < ACE_HEADER)
            return -EINVAL;
        const uint8_t *a = buf + at;
        size_t ace_size = get16(a + 2);
        int ok_type = audit ? a[0] == FSP_ACE_AUDIT
                            : a[0] == FSP_ACE_ALLOWED || a[0] == FSP_ACE_DENIED;
        /* The SID must lie inside the ACE, the ACE inside the ACL. */
        if (!ok_type || ace_size < ACE_HEADER + 8 || ace_size % 4 ||
            ace_size > end - at)
            return -EINVAL;
        struct fsp_ace *ace = acl ? &acl->aces[i] : NULL;
        if (sid_at(buf, at + ACE_HEADER, at + ace_size, ace ? &ace->sid : NULL) < 0)
            return -EINVAL;
        if (ace) {
            ace->type = a[0];
            ace->flags = a[1];
            ace->mask = get32(a + 4);
            acl->count++;
        }
        at += ace_size;
    }
    return 0;
}

/* Check (sd NULL) or take apart. */
static int walk(const void *data, size_t size, struct fsp_sd *sd)
{
    const uint8_t *buf = data;
    if (!buf || size < SD_HEADER || buf[0] != 1)
        return -EINVAL;
    uint16_t control = get16(buf + 2);
    if (!(control & FSP_SD_SELF_RELATIVE))
        return -EINVAL;
    uint32_t owner = get32(buf + 4), group = get32(buf + 8),
             sacl = get32(buf + 12), dacl = get32(buf + 16);
    if (sd) {
        memset(sd, 0, sizeof *sd);
        sd->control = control;
    }
    if (owner && (owner < SD_HEADER ||
                  sid_at(buf, owner, size, sd ? &sd->owner : NULL) < 0))
        return -EINVAL;
    if (group && (group < SD_HEADER ||
                  sid_at(buf, group, size, sd ? &sd->group : NULL) < 0))
        return -EINVAL;
    if (sd) {
        sd->has_owner = owner != 0;
        sd->has_group = group != 0;
    }
    int r;
    /* A "present" ACL at offset 0 is Windows' NULL ACL: the same as none. */
    if ((control & FSP_SD_SACL_PRESENT) && sacl &&
        (r = acl_at(buf, sacl, size, 1, sd ? &sd->sacl : NULL)))
        return r;
    if ((control & FSP_SD_DACL_PRESENT) && dacl &&
        (r = acl_at(buf, dacl, size, 0, sd ? &sd->dacl : NULL)))
        return r;
    if (sd) {
        if (!sacl)
            sd->control &= (uint16_t)~FSP_SD_SACL_PRESENT;
        if (!dacl)
            sd->control &= (uint16_t)~FSP_SD_DACL_PRESENT;
    }
    return 0;
}

int fsp_sd_check(const void *buf, size_t size)
{
    return walk(buf, size, NULL);
}

int fsp_sd_parse(const void *buf, size_t size, struct fsp_sd *sd)
{
    memset(sd, 0, sizeof *sd);
    int r = walk(buf, size, NULL);
    if (r)
        return r;
    r = walk(buf, size, sd);
    if (r)
        fsp_sd_clear(sd);
    return r;
}

static size_t sid_size(const struct fsp_sid *sid)
{
    return 8 + 4 * (size_t)sid->sub_count;
}

static size_t put_sid(uint8_t *p, const struct fsp_sid *sid)
{
    p[0] = 1;
    p[1] = sid->sub_count;
    memcpy(p + 2, sid->authority, 6);
    for (unsigned i = 0; i < sid->sub_count; i++)
        put32(p + 8 + 4 * i, sid->sub[i]);
    return sid_size(sid);
}

static int acl_size(const struct fsp_acl *acl, size_t *out)
{
    size_t n = ACL_HEADER;
    for (uint32_t i = 0; i < acl->count; i++) {
        if (acl->aces[i].sid.sub_count > FSP_SID_MAX_SUB)
            return -EINVAL;
        n += ACE_HEADER + sid_size(&acl->aces[i].sid);
    }
    if (acl->count > 0xffff || n > 0xffff)
        return -EINVAL;
    *out = n;
    return 0;
}

static size_t put_acl(uint8_t *p, const struct fsp_acl *acl, size_t size)
{
    p[0] = acl->revision >= 2 && acl->revision <= 4 ? acl->revision : 2;
    p[1] = 0;
    put16(p + 2, (uint16_t)size);
    put16(p + 4, (uint16_t)acl->count);
    put16(p + 6, 0);
    size_t at = ACL_HEADER;
    for (uint32_t i = 0; i < acl->count; i++) {
        const struct fsp_ace *a = &acl->aces[i];
        p[at] = a->type;
        p[at + 1] = a->flags;
        put16(p + at + 2, (uint16_t)(ACE_HEADER + sid_size(&a->sid)));
        put32(p + at + 4, a->mask);
        at += ACE_HEADER + put_sid(p + at + ACE_HEADER, &a->sid);
    }
    return at;
}

int fsp_sd_build(const struct fsp_sd *sd, void **out, size_t *out_size)
{
    size_t sacl_len = 0, dacl_len = 0;
    int has_sacl = (sd->control & FSP_SD_SACL_PRESENT) != 0;
    int has_dacl = (sd->control & FSP_SD_DACL_PRESENT) != 0;
    if ((sd->has_owner && sd->owner.sub_count > FSP_SID_MAX_SUB) ||
        (sd->has_group && sd->group.sub_count > FSP_SID_MAX_SUB) ||
        (has_sacl && acl_size(&sd->sacl, &sacl_len)) ||
        (has_dacl && acl_size(&sd->dacl, &dacl_len)))
        return -EINVAL;
    size_t total = SD_HEADER + (sd->has_owner ? sid_size(&sd->owner) : 0) +
                   (sd->has_group ? sid_size(&sd->group) : 0) + sacl_len +
                   dacl_len;
    uint8_t *p = calloc(1, total);
    if (!p)
        return -ENOMEM;
    p[0] = 1;
    put16(p + 2, (uint16_t)(sd->control | FSP_SD_SELF_RELATIVE));
    size_t at = SD_HEADER;
    if (sd->has_owner) {
        put32(p + 4, (uint32_t)at);
        at += put_sid(p + at, &sd->owner);
    }
    if (sd->has_group) {
        put32(p + 8, (uint32_t)at);
        at += put_sid(p + at, &sd->group);
    }
    if (has_sacl) {
        put32(p + 12, (uint32_t)at);
        at += put_acl(p + at, &sd->sacl, sacl_len);
    }
    if (has_dacl) {
        put32(p + 16, (uint32_t)at);
        at += put_acl(p + at, &sd->dacl, dacl_len);
    }
    *out = p;
    *out_size = at;
    return 0;
}
