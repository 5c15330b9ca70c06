/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The descriptor of a node on an FSP_VOL_SECURITY volume and the POSIX
 * attributes derived from it.  One rule everywhere: a change of either
 * side goes through the descriptor, then the owner, group and mode it
 * maps to are written with set_basic_info, so what the kernel checks
 * (docs/access.md) never disagrees with what Windows clients see.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"
#include "native/sec.h"

int nat_sec_enabled(const struct fsp_fs *fs)
{
    return (fs->vp.flags & FSP_VOL_SECURITY) && fs->fi.get_security &&
           fs->fi.set_security;
}

const struct fsp_sid_mapper *nat_sec_mapper(const struct fsp_fs *fs)
{
    return fs->sid_mapper.sid_to_id || fs->sid_mapper.id_to_sid
               ? &fs->sid_mapper : NULL;
}

int nat_sec_posix(const struct fsp_fs *fs, const struct fsp_sd *sd,
                  const struct fsp_file_info *fi, struct fsp_posix_perms *pp)
{
    *pp = (struct fsp_posix_perms){ .uid = fi->uid, .gid = fi->gid,
                                    .mode = fi->mode & 07777 };
    return fsp_sd_to_posix(sd, nat_sec_mapper(fs), S_ISDIR(fi->mode), pp);
}

void fsp_fs_set_sid_mapper(fsp_fs *fs, const struct fsp_sid_mapper *m)
{
    if (m)
        fs->sid_mapper = *m;
    else
        memset(&fs->sid_mapper, 0, sizeof fs->sid_mapper);
}

static int from_attrs(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                      struct fsp_sd *sd)
{
    struct fsp_posix_perms pp = { .uid = fi->uid, .gid = fi->gid,
                                  .mode = fi->mode & 07777 };
    return fsp_sd_from_posix(&pp, nat_sec_mapper(fs), S_ISDIR(fi->mode), sd);
}

int nat_sec_load(struct fsp_request *req, struct nat_node *n, void *file,
             struct fsp_sd *sd, struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    /* Not nat_call_get_file_info: the caller holds the guard already. */
    int r = fs->fi.get_file_info
                ? nat_check_result(fs, "get_file_info",
                                   fs->fi.get_file_info(req, n->ctx, file, fi))
                : -ENOSYS;
    if (r)
        return r;
    size_t needed = 0;
    r = nat_check_result(fs, "get_security",
                         fs->fi.get_security(req, n->ctx, NULL, 0, &needed));
    if (r == -ENODATA)
        return from_attrs(fs, fi, sd);
    if (r && r != -ERANGE)
        return r;
    /* An ACL holds at most 64 KiB; so does a sane descriptor. */
    if (needed == 0 || needed > 4 * 65536)
        return -EIO;
    void *buf = malloc(needed);
    if (!buf)
        return -ENOMEM;
    size_t got = 0;
    r = nat_check_result(fs, "get_security",
                         fs->fi.get_security(req, n->ctx, buf, needed, &got));
    if (!r)
        r = got <= needed ? fsp_sd_parse(buf, got, sd) : -EIO;
    if (r == -EINVAL)
        r = -EIO;   /* the file system stored what fsp never gave it */
    free(buf);
    return r;
}

int nat_sec_store(struct fsp_request *req, struct nat_node *n, void *file,
              const struct fsp_sd *sd, struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    void *bin = NULL;
    size_t size = 0;
    struct fsp_posix_perms pp;
    int r = nat_sec_posix(fs, sd, fi, &pp);
    fsp_sd_posix_clear(&pp);
    if (!r)
        r = fsp_sd_build(sd, &bin, &size);
    if (!r)
        r = nat_check_result(fs, "set_security",
                             fs->fi.set_security(req, n->ctx, bin, size));
    free(bin);
    if (r)
        return r;
    struct fsp_basic_info bi = { 0 };
    if (pp.uid != fi->uid)
        bi.valid |= FSP_SET_UID;
    if (pp.gid != fi->gid)
        bi.valid |= FSP_SET_GID;
    if ((pp.mode & 07777) != (fi->mode & 07777))
        bi.valid |= FSP_SET_MODE;
    bi.uid = pp.uid;
    bi.gid = pp.gid;
    bi.mode = pp.mode & 07777;
    if (!bi.valid)
        return 0;
    return fs->fi.set_basic_info
               ? nat_check_result(fs, "set_basic_info",
                                  fs->fi.set_basic_info(req, n->ctx, file, &bi, fi))
               : -ENOSYS;
}

/* Is this ACE one the POSIX view accounts for (so a rebuild from the
 * POSIX view replaces it)? */
static int posix_visible(const struct fsp_fs *fs, const struct fsp_ace *a)
{
    uint32_t id;
    int g;
    return (a->type == FSP_ACE_ALLOWED || a->type == FSP_ACE_DENIED) &&
           (fsp_sid_equal(&a->sid, &fsp_sid_everyone) ||
            fsp_sid_equal(&a->sid, &fsp_sid_creator_owner) ||
            fsp_sid_equal(&a->sid, &fsp_sid_creator_group) ||
            fsp_sid_to_id(nat_sec_mapper(fs), &a->sid, &id, &g) == 0);
}

static void replace_sid(struct fsp_acl *acl, const struct fsp_sid *from,
                        const struct fsp_sid *to)
{
    for (uint32_t i = 0; i < acl->count; i++)
        if (fsp_sid_equal(&acl->aces[i].sid, from))
            acl->aces[i].sid = *to;
}

/* The descriptor rebuilt from the POSIX view pp: what the view cannot
 * express survives from old (the SACL, ACEs for SIDs with no POSIX
 * meaning, an owner or group SID with no id when that id did not
 * change). */
static int rebuild(const struct fsp_fs *fs, const struct fsp_sd *old,
                   const struct fsp_posix_perms *pp, uint32_t old_uid,
                   uint32_t old_gid, int is_dir, struct fsp_sd *sd)
{
    int r = fsp_sd_from_posix(pp, nat_sec_mapper(fs), is_dir, sd);
    uint32_t id;
    int g;
    if (!r && old->has_owner && pp->uid == old_uid &&
        fsp_sid_to_id(nat_sec_mapper(fs), &old->owner, &id, &g)) {
        replace_sid(&sd->dacl, &sd->owner, &old->owner);
        sd->owner = old->owner;
    }
    if (!r && old->has_group && pp->gid == old_gid &&
        fsp_sid_to_id(nat_sec_mapper(fs), &old->group, &id, &g)) {
        replace_sid(&sd->dacl, &sd->group, &old->group);
        sd->group = old->group;
    }
    for (uint32_t i = 0; !r && (old->control & FSP_SD_DACL_PRESENT) &&
                         i < old->dacl.count; i++) {
        const struct fsp_ace *a = &old->dacl.aces[i];
        if (!posix_visible(fs, a) && !fsp_sid_equal(&a->sid, &old->owner) &&
            !fsp_sid_equal(&a->sid, &old->group))
            r = fsp_sd_acl_add(&sd->dacl, a->type, a->flags, a->mask, &a->sid);
    }
    if (!r && (old->control & FSP_SD_SACL_PRESENT)) {
        sd->control |= old->control & (FSP_SD_SACL_PRESENT | FSP_SD_SACL_PROTECTED |
                                       FSP_SD_SACL_AUTO_INHERITED);
        for (uint32_t i = 0; !r && i < old->sacl.count; i++) {
            const struct fsp_ace *a = &old->sacl.aces[i];
            r = fsp_sd_acl_add(&sd->sacl, a->type, a->flags, a->mask, &a->sid);
        }
    }
    if (r)
        fsp_sd_clear(sd);
    return r;
}

int nat_sec_store_posix(struct fsp_request *req, struct nat_node *n, void *file,
                    const struct fsp_sd *old, const struct fsp_posix_perms *pp,
                    struct fsp_file_info *fi)
{
    struct fsp_sd sd = { 0 };
    int r = rebuild(req_fs(req), old, pp, fi->uid, fi->gid, S_ISDIR(fi->mode), &sd);
    if (!r)
        r = nat_sec_store(req, n, file, &sd, fi);
    fsp_sd_clear(&sd);
    return r;
}

int nat_sec_setattr(struct fsp_request *req, struct nat_node *n, void *file,
                struct fsp_basic_info *bi)
{
    struct fsp_fs *fs = req_fs(req);
    const uint32_t ours = FSP_SET_MODE | FSP_SET_UID | FSP_SET_GID;
    if (!(bi->valid & ours))
        return 0;
    struct fsp_sd old = { 0 };
    struct fsp_file_info fi = { 0 };
    struct fsp_posix_perms pp = { 0 };
    int r = nat_sec_load(req, n, file, &old, &fi);
    if (!r)
        r = nat_sec_posix(fs, &old, &fi, &pp);
    if (!r) {
        if (bi->valid & FSP_SET_UID)
            pp.uid = bi->uid;
        if (bi->valid & FSP_SET_GID)
            pp.gid = bi->gid;
        if (bi->valid & FSP_SET_MODE)
            pp.mode = bi->mode & 07777;
        /* An access ACL's group entry is kept; chmod moves its mask. */
        for (size_t i = 0; i < pp.access_count; i++)
            if (pp.access[i].tag == FSP_POSIX_MASK)
                pp.access[i].perm = (uint16_t)(pp.mode >> 3 & 7);
        r = nat_sec_store_posix(req, n, file, &old, &pp, &fi);
    }
    if (!r && (bi->valid & FSP_SET_MODE) && (fi.mode & 07777) != (bi->mode & 07777)) {
        /* The descriptor cannot say everything a mode can (set-id bits
         * of a mode the classes approximate): the asked-for mode wins
         * for what the kernel checks. */
        struct fsp_basic_info mb = { .valid = FSP_SET_MODE, .mode = bi->mode };
        r = nat_check_result(fs, "set_basic_info",
                             fs->fi.set_basic_info(req, n->ctx, file, &mb, &fi));
    }
    if (!r)
        bi->valid &= ~ours;
    fsp_sd_posix_clear(&pp);
    fsp_sd_clear(&old);
    return r;
}

int nat_sec_create_prepare(struct fsp_request *req, struct nat_node *parent,
                       struct fsp_create_params *cp)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_sd psd = { 0 }, sd = { 0 };
    struct fsp_file_info pfi = { 0 };
    struct fsp_sid owner, group;
    int is_dir = S_ISDIR(cp->mode);
    int r = nat_sec_load(req, parent, NULL, &psd, &pfi);
    if (!r)
        r = fsp_sid_from_id(nat_sec_mapper(fs), cp->uid, 0, &owner);
    if (!r)
        r = fsp_sid_from_id(nat_sec_mapper(fs), cp->gid, 1, &group);
    if (!r) {
        r = fsp_sd_inherit(&psd, &owner, &group, is_dir, &sd);
        if (r == -ENOENT) {
            /* Nothing inheritable: the umask'ed mode decides, as on a
             * POSIX volume. */
            struct fsp_file_info fi = { .uid = cp->uid, .gid = cp->gid,
                                        .mode = cp->mode };
            r = from_attrs(fs, &fi, &sd);
        }
    }
    struct fsp_posix_perms pp = { .uid = cp->uid, .gid = cp->gid,
                                  .mode = cp->mode & 07777 };
    if (!r)
        r = fsp_sd_to_posix(&sd, nat_sec_mapper(fs), is_dir, &pp);
    void *bin = NULL;
    size_t size = 0;
    if (!r)
        r = fsp_sd_build(&sd, &bin, &size);
    if (!r) {
        cp->mode = (cp->mode & ~07777u) | (pp.mode & 07777);
        cp->security = bin;
        cp->security_size = size;
    }
    fsp_sd_posix_clear(&pp);
    fsp_sd_clear(&psd);
    fsp_sd_clear(&sd);
    return r;
}

void nat_sec_create_done(struct fsp_create_params *cp)
{
    free((void *)cp->security);
    cp->security = NULL;
    cp->security_size = 0;
}
