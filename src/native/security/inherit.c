/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NTFS inheritance at create: what a new file or directory gets from its
 * directory's DACL.
 *   file:       ACEs with OI, as effective ACEs.
 *   directory:  ACEs with CI become effective and keep OI/CI (unless NP,
 *               which stops propagation: then no inheritance flags);
 *               ACEs with OI only (and no NP) pass through as inherit-
 *               only, for the files below.
 * IO on the parent's ACE only means "not for the parent itself".  Every
 * inherited ACE gets ID.  An effective ACE for CREATOR OWNER or CREATOR
 * GROUP names the new owner or group instead; if it must also propagate,
 * or has generic rights, it splits in two as on NTFS: the effective one
 * (substituted SID, generic rights mapped, no inheritance flags) and an
 * inherit-only copy of the original.
 */
#include <errno.h>
#include <string.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

#define INHERIT_FLAGS (FSP_ACE_OBJECT_INHERIT | FSP_ACE_CONTAINER_INHERIT | \
                       FSP_ACE_NO_PROPAGATE | FSP_ACE_INHERIT_ONLY)
#define GENERIC_RIGHTS (FSP_GENERIC_ALL | FSP_GENERIC_READ | \
                        FSP_GENERIC_WRITE | FSP_GENERIC_EXECUTE)

static int add_one(struct fsp_acl *acl, const struct fsp_ace *a, uint8_t flags,
                   const struct fsp_sid *owner, const struct fsp_sid *group)
{
    int creator = fsp_sid_equal(&a->sid, &fsp_sid_creator_owner) ||
                  fsp_sid_equal(&a->sid, &fsp_sid_creator_group);
    const struct fsp_sid *subst =
        fsp_sid_equal(&a->sid, &fsp_sid_creator_owner) ? owner
        : fsp_sid_equal(&a->sid, &fsp_sid_creator_group) ? group : &a->sid;
    int effective = !(flags & FSP_ACE_INHERIT_ONLY);
    int propagates = (flags & (FSP_ACE_OBJECT_INHERIT | FSP_ACE_CONTAINER_INHERIT)) != 0;
    if (!effective)
        return fsp_sd_acl_add(acl, a->type, flags, a->mask, &a->sid);
    if (!propagates)
        return fsp_sd_acl_add(acl, a->type, flags, nat_sec_map_generic(a->mask), subst);
    if (creator || (a->mask & GENERIC_RIGHTS)) {
        int r = fsp_sd_acl_add(acl, a->type, FSP_ACE_INHERITED,
                            nat_sec_map_generic(a->mask), subst);
        return r ? r : fsp_sd_acl_add(acl, a->type, flags | FSP_ACE_INHERIT_ONLY,
                                   a->mask, &a->sid);
    }
    return fsp_sd_acl_add(acl, a->type, flags, a->mask, &a->sid);
}

int fsp_sd_inherit(const struct fsp_sd *parent, const struct fsp_sid *owner,
                   const struct fsp_sid *group, int is_dir, struct fsp_sd *sd)
{
    memset(sd, 0, sizeof *sd);
    if (!(parent->control & FSP_SD_DACL_PRESENT))
        return -ENOENT;
    sd->dacl.revision = parent->dacl.revision ? parent->dacl.revision : 2;
    int r = 0;
    for (uint32_t i = 0; !r && i < parent->dacl.count; i++) {
        const struct fsp_ace *a = &parent->dacl.aces[i];
        uint8_t f = a->flags, flags;
        if (!is_dir) {
            if (!(f & FSP_ACE_OBJECT_INHERIT))
                continue;
            flags = FSP_ACE_INHERITED;
        } else if (f & FSP_ACE_CONTAINER_INHERIT) {
            flags = (f & FSP_ACE_NO_PROPAGATE)
                        ? FSP_ACE_INHERITED
                        : (uint8_t)((f & (FSP_ACE_OBJECT_INHERIT |
                                          FSP_ACE_CONTAINER_INHERIT)) |
                                    FSP_ACE_INHERITED);
        } else if ((f & FSP_ACE_OBJECT_INHERIT) && !(f & FSP_ACE_NO_PROPAGATE)) {
            flags = FSP_ACE_OBJECT_INHERIT | FSP_ACE_INHERIT_ONLY |
                    FSP_ACE_INHERITED;
        } else {
            continue;
        }
        /* Keep the audit flags (SA/FA), drop the parent's own ID bit. */
        flags |= f & (FSP_ACE_SUCCESSFUL_ACCESS | FSP_ACE_FAILED_ACCESS);
        r = add_one(&sd->dacl, a, flags, owner, group);
    }
    if (!r && sd->dacl.count == 0)
        r = -ENOENT;
    if (r) {
        fsp_sd_clear(sd);
        return r;
    }
    sd->control = FSP_SD_SELF_RELATIVE | FSP_SD_DACL_PRESENT |
                  FSP_SD_DACL_AUTO_INHERITED;
    sd->has_owner = sd->has_group = 1;
    sd->owner = *owner;
    sd->group = *group;
    return 0;
}
