/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Descriptor bookkeeping: freeing, copying, appending ACEs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

void fsp_sd_clear(struct fsp_sd *sd)
{
    if (!sd)
        return;
    free(sd->dacl.aces);
    free(sd->sacl.aces);
    memset(sd, 0, sizeof *sd);
}

int fsp_sd_acl_add(struct fsp_acl *acl, uint8_t type, uint8_t flags,
                uint32_t mask, const struct fsp_sid *sid)
{
    /* An ACL holds at most 65535 bytes, so far fewer ACEs than this. */
    if (acl->count >= 0x4000)
        return -EINVAL;
    struct fsp_ace *a = realloc(acl->aces, (acl->count + 1) * sizeof *a);
    if (!a)
        return -ENOMEM;
    acl->aces = a;
    a[acl->count++] = (struct fsp_ace){ .type = type, .flags = flags,
                                        .mask = mask, .sid = *sid };
    if (!acl->revision)
        acl->revision = 2;
    return 0;
}

static int copy_acl(struct fsp_acl *dst, const struct fsp_acl *src)
{
    *dst = *src;
    dst->aces = NULL;
    if (!src->count)
        return 0;
    dst->aces = malloc(src->count * sizeof *dst->aces);
    if (!dst->aces)
        return -ENOMEM;
    memcpy(dst->aces, src->aces, src->count * sizeof *dst->aces);
    return 0;
}

int fsp_sd_copy(struct fsp_sd *dst, const struct fsp_sd *src)
{
    *dst = *src;
    dst->dacl.aces = dst->sacl.aces = NULL;
    if (copy_acl(&dst->dacl, &src->dacl) || copy_acl(&dst->sacl, &src->sacl)) {
        fsp_sd_clear(dst);
        return -ENOMEM;
    }
    return 0;
}

uint32_t nat_sec_map_generic(uint32_t mask)
{
    if (mask & FSP_GENERIC_READ)
        mask |= FSP_FILE_GENERIC_READ;
    if (mask & FSP_GENERIC_WRITE)
        mask |= FSP_FILE_GENERIC_WRITE;
    if (mask & FSP_GENERIC_EXECUTE)
        mask |= FSP_FILE_GENERIC_EXECUTE;
    if (mask & FSP_GENERIC_ALL)
        mask |= FSP_FILE_ALL_ACCESS;
    return mask & ~(FSP_GENERIC_READ | FSP_GENERIC_WRITE |
                    FSP_GENERIC_EXECUTE | FSP_GENERIC_ALL);
}
