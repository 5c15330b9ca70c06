/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The descriptor as extended attributes: system.ntfs_acl (ntfs-3g's name:
 * the raw self-relative descriptor) and, on FSP_VOL_SECURITY volumes,
 * security.NTACL (Samba's acl_xattr, sec_ntacl.c).  Both read and write
 * the native descriptor; nothing keeps a second copy.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/acl.h"
#include "native/ops_common.h"
#include "native/sec.h"

/* With POSIX ACLs negotiated, system.posix_acl_access and _default are
 * views of the descriptor too (docs/security.md). */
static int is_posix_acl(const struct fsp_fs *fs, const char *name)
{
    return nat_sec_enabled(fs) && fs->posix_acl && nat_acl_is_name(name);
}

static int is_default(const char *name)
{
    return strcmp(name, ACL_DEFAULT_EA) == 0;
}

static int acl_get(struct fsp_request *req, struct nat_node *n,
                   const char *name, void *buf, size_t room, size_t *needed)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_sd sd = { 0 };
    struct fsp_file_info fi;
    struct fsp_posix_perms pp = { 0 };
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_sec_load(req, n, NULL, &sd, &fi);
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (!r)
        r = nat_sec_posix(fs, &sd, &fi, &pp);
    const struct fsp_posix_ace *e = is_default(name) ? pp.dflt : pp.access;
    size_t count = is_default(name) ? pp.default_count : pp.access_count;
    if (!r && !count)
        r = -ENODATA;   /* the mode says it all */
    void *value = NULL;
    size_t size = 0;
    if (!r && !(value = nat_acl_value_make(e, count, &size)))
        r = -ENOMEM;
    if (!r) {
        *needed = size;
        if (size <= room)
            memcpy(buf, value, size);
        else
            r = -ERANGE;
    }
    free(value);
    fsp_sd_posix_clear(&pp);
    fsp_sd_clear(&sd);
    return r;
}

/* Set (e, count) as the access or default ACL, or remove it (e NULL). */
static int acl_put(struct fsp_request *req, struct nat_node *n,
                   const char *name, struct fsp_posix_ace *e, size_t count)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_sd old = { 0 };
    struct fsp_file_info fi;
    struct fsp_posix_perms pp = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    int r = nat_sec_load(req, n, NULL, &old, &fi);
    if (!r)
        r = nat_sec_posix(fs, &old, &fi, &pp);
    if (!r && is_default(name)) {
        free(pp.dflt);
        pp.dflt = e;
        pp.default_count = e ? count : 0;
        e = NULL;
    } else if (!r && e) {
        /* The access ACL sets the mode's bits (group: the mask). */
        uint32_t bits = 0, extended = 0;
        for (size_t i = 0; i < count; i++) {
            switch (e[i].tag) {
            case FSP_POSIX_USER_OBJ: bits |= (uint32_t)e[i].perm << 6; break;
            case FSP_POSIX_MASK: bits = (bits & ~070u) | (uint32_t)e[i].perm << 3;
                                 extended = 1; break;
            case FSP_POSIX_GROUP_OBJ:
                if (!extended)
                    bits |= (uint32_t)e[i].perm << 3;
                break;
            case FSP_POSIX_OTHER: bits |= e[i].perm; break;
            default: break;
            }
        }
        pp.mode = (pp.mode & 07000) | bits;
        free(pp.access);
        pp.access = extended ? e : NULL;
        pp.access_count = extended ? count : 0;
        if (extended)
            e = NULL;
    } else if (!r) {
        /* Removing the access ACL leaves the mode it implied. */
        free(pp.access);
        pp.access = NULL;
        pp.access_count = 0;
    }
    if (!r)
        r = nat_sec_store_posix(req, n, NULL, &old, &pp, &fi);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    free(e);
    fsp_sd_posix_clear(&pp);
    fsp_sd_clear(&old);
    return r;
}

int nat_sec_removexattr(struct fsp_request *req, struct nat_node *n,
                    const char *name)
{
    return acl_put(req, n, name, NULL, 0);
}

int nat_sec_is_xattr(const struct fsp_fs *fs, const char *name)
{
    if (strcmp(name, SEC_NTFS_ACL_EA) == 0)
        return 1;   /* EOPNOTSUPP below when the volume has none */
    return nat_sec_enabled(fs) &&
           (strcmp(name, SEC_NTACL_EA) == 0 || is_posix_acl(fs, name));
}

int nat_sec_getxattr(struct fsp_request *req, struct nat_node *n,
                 const char *name, void *buf, size_t room, size_t *needed)
{
    struct fsp_fs *fs = req_fs(req);
    if (!nat_sec_enabled(fs))
        return -EOPNOTSUPP;
    if (is_posix_acl(fs, name))
        return acl_get(req, n, name, buf, room, needed);
    struct fsp_sd sd = { 0 };
    struct fsp_file_info fi;
    void *bin = NULL;
    size_t size = 0;
    nat_guard_enter(fs, NAT_GUARD_SHARED);
    int r = nat_sec_load(req, n, NULL, &sd, &fi);
    nat_guard_leave(fs, NAT_GUARD_SHARED);
    if (!r)
        r = fsp_sd_build(&sd, &bin, &size);
    if (!r && strcmp(name, SEC_NTACL_EA) == 0) {
        r = nat_sec_ntacl_wrap(bin, size, buf, room, needed);
    } else if (!r) {
        *needed = size;
        if (size <= room)
            memcpy(buf, bin, size);
        else
            r = -ERANGE;
    }
    free(bin);
    fsp_sd_clear(&sd);
    return r;
}

int nat_sec_setxattr(struct fsp_request *req, struct nat_node *n,
                 const char *name, const void *value, size_t size)
{
    struct fsp_fs *fs = req_fs(req);
    if (!nat_sec_enabled(fs))
        return -EOPNOTSUPP;
    if (is_posix_acl(fs, name)) {
        struct fsp_posix_ace *e = NULL;
        size_t count = 0;
        int r = nat_acl_value_parse(value, size, &e, &count);
        return r ? r : acl_put(req, n, name, e, count);
    }
    void *unwrapped = NULL;
    const void *raw = value;
    size_t raw_size = size;
    int r = 0;
    if (strcmp(name, SEC_NTACL_EA) == 0) {
        r = nat_sec_ntacl_unwrap(value, size, &unwrapped, &raw_size);
        raw = unwrapped;
    }
    struct fsp_sd sd = { 0 };
    if (!r)
        r = fsp_sd_parse(raw, raw_size, &sd);
    free(unwrapped);
    if (r)
        return r;   /* -EINVAL: nothing changed */
    struct fsp_file_info fi;
    struct fsp_sd old = { 0 };
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    r = nat_sec_load(req, n, NULL, &old, &fi);
    if (!r) {
        /* The kernel checks nothing for system.* names (security.* needs
         * CAP_SYS_ADMIN already): changing a descriptor is the owner's
         * (WRITE_DAC, like chmod), giving the file away or to another
         * group needs CAP_CHOWN, as chown does. */
        struct fsp_posix_perms pp;
        r = nat_sec_posix(fs, &sd, &fi, &pp);
        fsp_sd_posix_clear(&pp);
        if (!r && fsp_request_uid(req) != fi.uid &&
            !nat_caller_capable(req, CAP_FOWNER))
            r = -EPERM;
        if (!r && (pp.uid != fi.uid || pp.gid != fi.gid) &&
            !nat_caller_capable(req, CAP_CHOWN))
            r = -EPERM;
    }
    if (!r) {
        /* A descriptor without owner, group or DACL keeps the node's
         * (setxattr replaces the whole value, but a part left out is
         * not a request to drop it). */
        if (!sd.has_owner && old.has_owner) {
            sd.owner = old.owner;
            sd.has_owner = 1;
        }
        if (!sd.has_group && old.has_group) {
            sd.group = old.group;
            sd.has_group = 1;
        }
        r = nat_sec_store(req, n, NULL, &sd, &fi);
    }
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    fsp_sd_clear(&old);
    fsp_sd_clear(&sd);
    return r;
}
