/*
 * Ownership of new files, and the best-effort attribute permission checks
 * fsp makes when the kernel does not (mounts without default_permissions:
 * there the kernel passes chmod, chown and utimensat through unchecked).
 * include/fsp/fsp.h documents exactly what is checked.
 *
 * Privilege is uid 0: a request carries uid, gid and pid, not
 * capabilities.  Supplementary groups come from /proc/PID/status, as
 * libfuse's fuse_req_getgroups does; a caller that is gone by then counts
 * as a member of its primary group only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"

/* Is gid among the supplementary groups of process pid? */
static int proc_has_group(uint32_t pid, uint32_t gid)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%u/status", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Groups:", 7) != 0)
            continue;
        char *p = line + 7, *end;
        for (;;) {
            unsigned long g = strtoul(p, &end, 10);
            if (end == p)
                break;
            if (g == gid)
                found = 1;
            p = end;
        }
        break;
    }
    fclose(f);
    return found;
}

int caller_in_group(const struct fsp_request *req, uint32_t gid)
{
    return req->gid == gid || (req->pid && proc_has_group(req->pid, gid));
}

void new_owner(struct fsp_request *req, struct fsp_node *parent,
               struct fsp_create_params *cp)
{
    cp->uid = req->uid;
    cp->gid = req->gid;
    struct fsp_file_info pfi = { 0 };
    if (call_get_file_info(req, parent, NULL, &pfi) != 0)
        return;  /* the create itself will tell what is wrong */
    if (!(pfi.mode & S_ISGID))
        return;
    /* BSD group semantics, which a set-group-ID directory asks for, and
     * the mark passed on so the whole subtree keeps them. */
    cp->gid = pfi.gid;
    if (S_ISDIR(cp->mode))
        cp->mode |= S_ISGID;
}

/* May the caller write the file, by its mode bits alone? */
static int may_write(const struct fsp_request *req,
                     const struct fsp_file_info *fi)
{
    if (req->uid == fi->uid)
        return (fi->mode & S_IWUSR) != 0;
    if (caller_in_group(req, fi->gid))
        return (fi->mode & S_IWGRP) != 0;
    return (fi->mode & S_IWOTH) != 0;
}

/* chown: only root gives a file away; the owner may change the group to
 * one of its own groups. */
static int check_chown(const struct fsp_request *req,
                       const struct fsp_file_info *fi,
                       const struct fsp_basic_info *bi)
{
    int owner = req->uid == fi->uid;
    if ((bi->valid & FSP_SET_UID) && (!owner || bi->uid != fi->uid))
        return -EPERM;
    if ((bi->valid & FSP_SET_GID) &&
        (!owner || (bi->gid != fi->gid && !caller_in_group(req, bi->gid))))
        return -EPERM;
    return 0;
}

/* chmod: the owner only; set-group-ID quietly dropped for a group the
 * caller is not in. */
static int check_chmod(const struct fsp_request *req,
                       const struct fsp_file_info *fi,
                       struct fsp_basic_info *bi)
{
    if (req->uid != fi->uid)
        return -EPERM;
    uint32_t gid = (bi->valid & FSP_SET_GID) ? bi->gid : fi->gid;
    if ((bi->mode & S_ISGID) && !caller_in_group(req, gid))
        bi->mode &= ~(uint32_t)S_ISGID;
    return 0;
}

/* utimensat: explicit times by the owner only; "now" also by anyone who
 * may write the file. */
static int check_times(const struct fsp_request *req,
                       const struct fsp_file_info *fi, uint32_t valid)
{
    int explicit_a = (valid & FSP_FATTR_ATIME) && !(valid & FSP_FATTR_ATIME_NOW);
    int explicit_m = (valid & FSP_FATTR_MTIME) && !(valid & FSP_FATTR_MTIME_NOW);
    if (req->uid == fi->uid)
        return 0;
    if (explicit_a || explicit_m)
        return -EPERM;
    return may_write(req, fi) ? 0 : -EACCES;
}

int check_setattr(struct fsp_request *req, struct fsp_node *n, void *file,
                  uint32_t valid, struct fsp_basic_info *bi)
{
    struct fsp_fs *fs = req_fs(req);
    const uint32_t checked = FSP_FATTR_MODE | FSP_FATTR_UID | FSP_FATTR_GID |
                             FSP_FATTR_ATIME | FSP_FATTR_MTIME;
    /* With ACLs negotiated the kernel checked, as default_permissions. */
    if (fs->mopts.default_permissions || fs->posix_acl || req->uid == 0 ||
        !(valid & checked))
        return 0;
    struct fsp_file_info fi = { 0 };
    int r = call_get_file_info(req, n, file, &fi);
    if (!r)
        r = check_chown(req, &fi, bi);
    if (!r && (bi->valid & FSP_SET_MODE))
        r = check_chmod(req, &fi, bi);
    if (!r && (valid & (FSP_FATTR_ATIME | FSP_FATTR_MTIME)))
        r = check_times(req, &fi, valid);
    return r;
}
