/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Descriptor -> POSIX owner, group, mode and ACLs (docs/security.md).
 * WinFsp's rule for the three classes: walk the DACL in order, as
 * Windows' access check does, for a principal that matches the owner (or
 * group) SID, Everyone and Authenticated Users, or only the last two for
 * "other"; an allow grants what no earlier deny took, a deny takes what
 * no earlier allow gave.  Each other SID with a POSIX id becomes a named
 * ACL entry, evaluated the same way.  Inheritable ACEs (OI/CI) of a
 * directory become its default ACL, CREATOR OWNER/GROUP standing for the
 * owner and group entries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

void fsp_sd_posix_clear(struct fsp_posix_perms *pp)
{
    if (!pp)
        return;
    free(pp->access);
    free(pp->dflt);
    pp->access = pp->dflt = NULL;
    pp->access_count = pp->default_count = 0;
}

static int is_world(const struct fsp_sid *sid)
{
    return fsp_sid_equal(sid, &fsp_sid_everyone) ||
           fsp_sid_equal(sid, &fsp_sid_auth_users);
}

/* Does this ACE count for the object itself (0) or for what it passes to
 * children (1)? */
static int counts(const struct fsp_ace *a, int inheritable)
{
    if (a->type != FSP_ACE_ALLOWED && a->type != FSP_ACE_DENIED)
        return 0;
    if (inheritable)
        return (a->flags & (FSP_ACE_OBJECT_INHERIT | FSP_ACE_CONTAINER_INHERIT)) != 0;
    return !(a->flags & FSP_ACE_INHERIT_ONLY);
}

/* What the principal `who` (or no one but the world, who NULL) is
 * granted. */
static uint32_t eval(const struct fsp_acl *acl, int inheritable,
                     const struct fsp_sid *who)
{
    uint32_t allow = 0, deny = 0;
    for (uint32_t i = 0; i < acl->count; i++) {
        const struct fsp_ace *a = &acl->aces[i];
        if (!counts(a, inheritable) ||
            !(is_world(&a->sid) || (who && fsp_sid_equal(&a->sid, who))))
            continue;
        uint32_t m = nat_sec_map_generic(a->mask);
        if (a->type == FSP_ACE_ALLOWED)
            allow |= m & ~deny;
        else
            deny |= m & ~allow;
    }
    return allow;
}

static uint32_t perm_of(uint32_t mask)
{
    const uint32_t w = FSP_FILE_WRITE_DATA | FSP_FILE_APPEND_DATA;
    return ((mask & FSP_FILE_READ_DATA) ? 4u : 0) |
           ((mask & w) == w ? 2u : 0) |
           ((mask & FSP_FILE_EXECUTE) ? 1u : 0);
}

struct entries {
    struct fsp_posix_ace *e;
    size_t n, cap;
};

static int push(struct entries *es, uint16_t tag, uint32_t perm, uint32_t id)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 8;
        struct fsp_posix_ace *e = realloc(es->e, cap * sizeof *e);
        if (!e)
            return -ENOMEM;
        es->e = e;
        es->cap = cap;
    }
    es->e[es->n++] = (struct fsp_posix_ace){ tag, (uint16_t)perm, id };
    return 0;
}

static int seen(const struct entries *es, uint16_t tag, uint32_t id)
{
    for (size_t i = 0; i < es->n; i++)
        if (es->e[i].tag == tag && es->e[i].id == id)
            return 1;
    return 0;
}

/* The named entries (tag USER or GROUP, in ACE order, one per id) of
 * the ACEs that count, skipping `skip1`/`skip2` (the owner and group
 * SIDs, or CREATOR OWNER/GROUP) and ids equal to the owner's or group's
 * own.  Returns the group-class union in *group_class. */
static int named(const struct fsp_acl *acl, int inheritable,
                 const struct fsp_sid_mapper *m, const struct fsp_sid *skip1,
                 const struct fsp_sid *skip2, uint32_t uid, uint32_t gid,
                 uint16_t want, struct entries *es, uint32_t *group_class)
{
    for (uint32_t i = 0; i < acl->count; i++) {
        const struct fsp_ace *a = &acl->aces[i];
        uint32_t id;
        int is_group;
        if (!counts(a, inheritable) || is_world(&a->sid) ||
            (skip1 && fsp_sid_equal(&a->sid, skip1)) ||
            (skip2 && fsp_sid_equal(&a->sid, skip2)) ||
            fsp_sid_equal(&a->sid, &fsp_sid_creator_owner) ||
            fsp_sid_equal(&a->sid, &fsp_sid_creator_group))
            continue;
        int r = fsp_sid_to_id(m, &a->sid, &id, &is_group);
        if (r == -ENOENT)
            continue;        /* no POSIX id: the entry has no POSIX view */
        if (r)
            return r;        /* the mapper failed: nothing may change */
        uint16_t tag = is_group ? FSP_POSIX_GROUP : FSP_POSIX_USER;
        if (tag != want || seen(es, tag, id) ||
            (!inheritable && ((!is_group && id == uid) || (is_group && id == gid))))
            continue;
        uint32_t p = perm_of(eval(acl, inheritable, &a->sid));
        r = push(es, tag, p, id);
        if (r)
            return r;
        *group_class |= p;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = ((const struct fsp_posix_ace *)a)->id;
    uint32_t y = ((const struct fsp_posix_ace *)b)->id;
    return x < y ? -1 : x > y;
}

/* POSIX wants named entries sorted by id (the kernel checks). */
static void sort_from(struct entries *es, size_t from)
{
    if (es->n > from + 1)
        qsort(es->e + from, es->n - from, sizeof *es->e, by_id);
}

/* One ACL (access or default) from the classes and the named entries. */
static int build(const struct fsp_acl *acl, int inheritable,
                 const struct fsp_sid_mapper *m, const struct fsp_sid *o,
                 const struct fsp_sid *g, uint32_t uid, uint32_t gid,
                 uint32_t operm, uint32_t gperm, uint32_t wperm,
                 int always, struct fsp_posix_ace **out, size_t *count,
                 uint32_t *mask_out)
{
    struct entries es = { 0 };
    uint32_t mask = gperm;
    int r = push(&es, FSP_POSIX_USER_OBJ, operm, 0);
    if (!r)
        r = named(acl, inheritable, m, o, g, uid, gid, FSP_POSIX_USER, &es, &mask);
    sort_from(&es, 1);
    size_t groups = es.n + 1;
    if (!r)
        r = push(&es, FSP_POSIX_GROUP_OBJ, gperm, 0);
    if (!r)
        r = named(acl, inheritable, m, o, g, uid, gid, FSP_POSIX_GROUP, &es, &mask);
    sort_from(&es, groups);
    int extended = es.n > 2;
    if (!r && extended)
        r = push(&es, FSP_POSIX_MASK, mask, 0);
    if (!r)
        r = push(&es, FSP_POSIX_OTHER, wperm, 0);
    if (r || (!extended && !always)) {
        free(es.e);
        es.e = NULL;
        es.n = 0;
    }
    *out = es.e;
    *count = es.n;
    *mask_out = extended ? mask : gperm;
    return r;
}

static int has_inheritable(const struct fsp_acl *acl)
{
    for (uint32_t i = 0; i < acl->count; i++)
        if (counts(&acl->aces[i], 1))
            return 1;
    return 0;
}

/* The uid (group 0) or gid (group 1) a descriptor's owner or group SID
 * gives into *id; a SID with no id of that kind leaves *id.  A mapper's
 * failure other than "no id" is returned. */
static int owner_id(const struct fsp_sid_mapper *m, const struct fsp_sid *sid,
                    int group, uint32_t *id)
{
    uint32_t v;
    int is_group;
    int r = fsp_sid_to_id(m, sid, &v, &is_group);
    if (r == -ENOENT)
        return 0;
    if (!r && is_group == group)
        *id = v;
    return r;
}

int fsp_sd_to_posix(const struct fsp_sd *sd, const struct fsp_sid_mapper *m,
                    int is_dir, struct fsp_posix_perms *pp)
{
    pp->access = pp->dflt = NULL;
    pp->access_count = pp->default_count = 0;
    int r = sd->has_owner ? owner_id(m, &sd->owner, 0, &pp->uid) : 0;
    if (!r && sd->has_group)
        r = owner_id(m, &sd->group, 1, &pp->gid);
    if (r)
        return r;
    uint32_t special = pp->mode & 06000;
    if (!(sd->control & FSP_SD_DACL_PRESENT)) {
        pp->mode = special | 0777;   /* no DACL: everyone may do anything */
        return 0;
    }
    const struct fsp_acl *acl = &sd->dacl;
    const struct fsp_sid *o = sd->has_owner ? &sd->owner : NULL;
    const struct fsp_sid *g = sd->has_group ? &sd->group : NULL;
    uint32_t oa = o ? eval(acl, 0, o) : eval(acl, 0, NULL);
    uint32_t ga = g ? eval(acl, 0, g) : eval(acl, 0, NULL);
    uint32_t wa = eval(acl, 0, NULL);
    uint32_t mode = perm_of(oa) << 6 | perm_of(ga) << 3 | perm_of(wa);
    /* WinFsp's sticky rule: only the owner may delete children although
     * others may write the directory. */
    if (is_dir && (oa & FSP_FILE_DELETE_CHILD) &&
        (((mode & 020) && !(ga & FSP_FILE_DELETE_CHILD)) ||
         ((mode & 002) && !(wa & FSP_FILE_DELETE_CHILD))))
        mode |= 01000;
    uint32_t mask;
    r = build(acl, 0, m, o, g, pp->uid, pp->gid, perm_of(oa), perm_of(ga),
                  perm_of(wa), 0, &pp->access, &pp->access_count, &mask);
    /* With named entries the mode's group bits are the mask (POSIX). */
    mode = (mode & ~070u) | mask << 3;
    if (!r && is_dir && has_inheritable(acl)) {
        uint32_t dmask;
        r = build(acl, 1, m, NULL, NULL, pp->uid, pp->gid,
                  perm_of(eval(acl, 1, &fsp_sid_creator_owner)),
                  perm_of(eval(acl, 1, &fsp_sid_creator_group)),
                  perm_of(eval(acl, 1, NULL)), 1, &pp->dflt,
                  &pp->default_count, &dmask);
    }
    if (r) {
        fsp_sd_posix_clear(pp);
        return r;
    }
    pp->mode = special | mode;
    return 0;
}
