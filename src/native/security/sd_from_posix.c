/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POSIX owner, group, mode and ACLs -> descriptor, WinFsp's mapping
 * (FspPosixMapPermissionsToSecurityDescriptor) extended by ACL entries:
 * every allow ACE carries the rights everyone has on a POSIX file (read
 * attributes, EAs and the descriptor, synchronize), the owner's also
 * delete, write-DAC, write-owner and write attributes and EAs; r, w and x
 * map to read data, write and append data (plus delete child in a
 * directory without the sticky bit), and execute.  Windows grants the
 * union of every ACE that matches, POSIX only one class, so where a
 * later class (group, Everyone) has bits an earlier one lacks, a deny ACE
 * takes them back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"

#define BASE_RIGHTS (FSP_SYNCHRONIZE | FSP_READ_CONTROL | \
                     FSP_FILE_READ_ATTRIBUTES | FSP_FILE_READ_EA)
#define OWNER_RIGHTS (BASE_RIGHTS | FSP_DELETE | FSP_WRITE_DAC | \
                      FSP_WRITE_OWNER | FSP_FILE_WRITE_ATTRIBUTES | \
                      FSP_FILE_WRITE_EA)

static uint32_t rights_of(uint32_t perm, int delete_child)
{
    return ((perm & 4) ? FSP_FILE_READ_DATA : 0) |
           ((perm & 2) ? FSP_FILE_WRITE_ATTRIBUTES | FSP_FILE_WRITE_DATA |
                         FSP_FILE_APPEND_DATA |
                         (delete_child ? FSP_FILE_DELETE_CHILD : 0) : 0) |
           ((perm & 1) ? FSP_FILE_EXECUTE : 0);
}

/* allow perm, then deny what `wider` has beyond it. */
static int grant(struct fsp_acl *acl, const struct fsp_sid *sid, uint32_t base,
                 uint32_t perm, uint32_t wider, int dc, uint32_t deny_strip)
{
    int r = fsp_sd_acl_add(acl, FSP_ACE_ALLOWED, 0, base | rights_of(perm, dc), sid);
    uint32_t deny = wider & ~perm & 7;
    if (!r && deny)
        r = fsp_sd_acl_add(acl, FSP_ACE_DENIED, 0,
                        rights_of(deny, dc) & ~deny_strip, sid);
    return r;
}

static const struct fsp_posix_ace *find(const struct fsp_posix_ace *e,
                                        size_t n, uint16_t tag)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].tag == tag)
            return &e[i];
    return NULL;
}

static int access_aces(const struct fsp_posix_perms *pp,
                       const struct fsp_sid_mapper *m, int is_dir,
                       const struct fsp_sid *owner, const struct fsp_sid *group,
                       struct fsp_acl *acl)
{
    uint32_t o = pp->mode >> 6 & 7, g = pp->mode >> 3 & 7, w = pp->mode & 7;
    uint32_t mask = 7;
    const struct fsp_posix_ace *e = pp->access;
    size_t n = pp->access_count;
    if (n) {
        const struct fsp_posix_ace *go = find(e, n, FSP_POSIX_GROUP_OBJ);
        /* With an ACL the mode's group bits are its mask. */
        mask = g;
        g = go ? go->perm & mask : g;
    }
    int sticky = is_dir && (pp->mode & 01000);
    int r = grant(acl, owner, OWNER_RIGHTS, o, g | w, is_dir, FSP_FILE_WRITE_ATTRIBUTES);
    for (size_t i = 0; !r && i < n; i++) {
        struct fsp_sid sid;
        if (e[i].tag != FSP_POSIX_USER)
            continue;
        r = fsp_sid_from_id(m, e[i].id, 0, &sid);
        if (!r)
            r = grant(acl, &sid, BASE_RIGHTS, e[i].perm & mask, w,
                      is_dir && !sticky, 0);
    }
    if (!r)
        r = grant(acl, group, BASE_RIGHTS, g, w, is_dir && !sticky, 0);
    for (size_t i = 0; !r && i < n; i++) {
        struct fsp_sid sid;
        if (e[i].tag != FSP_POSIX_GROUP)
            continue;
        r = fsp_sid_from_id(m, e[i].id, 1, &sid);
        if (!r)
            r = grant(acl, &sid, BASE_RIGHTS, e[i].perm & mask, w,
                      is_dir && !sticky, 0);
    }
    if (!r)
        r = fsp_sd_acl_add(acl, FSP_ACE_ALLOWED, 0,
                        BASE_RIGHTS | rights_of(w, is_dir && !sticky),
                        &fsp_sid_everyone);
    return r;
}

/* A default ACL as inherit-only ACEs for files and subdirectories. */
static int default_aces(const struct fsp_posix_perms *pp,
                        const struct fsp_sid_mapper *m, struct fsp_acl *acl)
{
    const uint8_t inh = FSP_ACE_OBJECT_INHERIT | FSP_ACE_CONTAINER_INHERIT |
                        FSP_ACE_INHERIT_ONLY;
    const struct fsp_posix_ace *e = pp->dflt;
    size_t n = pp->default_count;
    const struct fsp_posix_ace *mk = find(e, n, FSP_POSIX_MASK);
    uint32_t mask = mk ? mk->perm : 7;
    int r = 0;
    for (size_t i = 0; !r && i < n; i++) {
        struct fsp_sid sid;
        uint32_t perm = e[i].perm, base = BASE_RIGHTS;
        switch (e[i].tag) {
        case FSP_POSIX_USER_OBJ:
            sid = fsp_sid_creator_owner;
            base = OWNER_RIGHTS;
            break;
        case FSP_POSIX_USER:
            r = fsp_sid_from_id(m, e[i].id, 0, &sid);
            perm &= mask;
            break;
        case FSP_POSIX_GROUP_OBJ:
            sid = fsp_sid_creator_group;
            perm &= mask;
            break;
        case FSP_POSIX_GROUP:
            r = fsp_sid_from_id(m, e[i].id, 1, &sid);
            perm &= mask;
            break;
        case FSP_POSIX_OTHER:
            sid = fsp_sid_everyone;
            break;
        default:
            continue;
        }
        if (!r)
            r = fsp_sd_acl_add(acl, FSP_ACE_ALLOWED, inh,
                            base | rights_of(perm, 1), &sid);
    }
    return r;
}

int fsp_sd_from_posix(const struct fsp_posix_perms *pp,
                      const struct fsp_sid_mapper *m, int is_dir,
                      struct fsp_sd *sd)
{
    memset(sd, 0, sizeof *sd);
    sd->control = FSP_SD_SELF_RELATIVE | FSP_SD_DACL_PRESENT |
                  FSP_SD_DACL_PROTECTED;
    sd->has_owner = sd->has_group = 1;
    sd->dacl.revision = 2;
    int r = fsp_sid_from_id(m, pp->uid, 0, &sd->owner);
    if (!r)
        r = fsp_sid_from_id(m, pp->gid, 1, &sd->group);
    if (!r)
        r = access_aces(pp, m, is_dir, &sd->owner, &sd->group, &sd->dacl);
    if (!r && is_dir && pp->default_count)
        r = default_aces(pp, m, &sd->dacl);
    if (r)
        fsp_sd_clear(sd);
    return r;
}
