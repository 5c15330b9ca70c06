/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POSIX ACLs on FSP_VOL_POSIX_ACL volumes.  The kernel enforces an ACL
 * once it has one (FUSE_POSIX_ACL turns on its own permission checks),
 * but leaves to the server every rule that ties ACLs to the mode:
 * setting an access ACL changes the mode, chmod changes the ACL's mask,
 * and a create in a directory with a default ACL inherits it instead of
 * having the umask applied.  fsp keeps those rules here, so a file system
 * only stores two attributes through get_ea/set_ea.
 *
 * The attribute format is the kernel's (linux/posix_acl_xattr.h): a
 * little-endian 32-bit version 2, then 8-byte entries {le16 tag, le16
 * perm, le32 id}.  The id means something only for named users and
 * groups; the others carry -1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/acl.h"
#include "native/ops_common.h"

#define XATTR_VERSION 2u
#define HEADER_SIZE   4u
#define ENTRY_SIZE    8u
#define UNDEFINED_ID  0xffffffffu

/* Entry tags; also the order entries must come in. */
#define TAG_USER_OBJ  0x01u
#define TAG_USER      0x02u
#define TAG_GROUP_OBJ 0x04u
#define TAG_GROUP     0x08u
#define TAG_MASK      0x10u
#define TAG_OTHER     0x20u

struct acl_entry {
    uint16_t tag, perm;
    uint32_t id;
};

struct acl {
    size_t count;
    struct acl_entry *e;
};
_Static_assert(sizeof(struct acl_entry) == sizeof(struct fsp_posix_ace),
               "acl_entry is fsp_posix_ace");

static uint32_t get_le(const unsigned char *p, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

int nat_acl_is_name(const char *name)
{
    return strcmp(name, ACL_ACCESS_EA) == 0 ||
           strcmp(name, ACL_DEFAULT_EA) == 0;
}

/* Split an attribute value into entries: -EINVAL when the header or the
 * length is wrong.  The entries themselves are checked by acl_valid. */
static int acl_decode(const void *value, size_t size, struct acl *a)
{
    const unsigned char *p = value;
    a->count = 0;
    a->e = NULL;
    if (!p || size < HEADER_SIZE || (size - HEADER_SIZE) % ENTRY_SIZE ||
        get_le(p, 4) != XATTR_VERSION)
        return -EINVAL;
    a->count = (size - HEADER_SIZE) / ENTRY_SIZE;
    a->e = calloc(a->count ? a->count : 1, sizeof *a->e);
    if (!a->e)
        return -ENOMEM;
    p += HEADER_SIZE;
    for (size_t i = 0; i < a->count; i++, p += ENTRY_SIZE) {
        a->e[i].tag = (uint16_t)get_le(p, 2);
        a->e[i].perm = (uint16_t)get_le(p + 2, 2);
        a->e[i].id = get_le(p + 4, 4);
    }
    return 0;
}

/* The attribute value of a; malloc'ed, NULL when out of memory. */
static void *acl_encode(const struct acl *a, size_t *size)
{
    *size = HEADER_SIZE + a->count * ENTRY_SIZE;
    unsigned char *buf = malloc(*size), *p = buf;
    if (!buf)
        return NULL;
    put_le(p, XATTR_VERSION, 4);
    p += HEADER_SIZE;
    for (size_t i = 0; i < a->count; i++, p += ENTRY_SIZE) {
        const struct acl_entry *e = &a->e[i];
        int named = e->tag == TAG_USER || e->tag == TAG_GROUP;
        put_le(p, e->tag, 2);
        put_le(p + 2, e->perm, 2);
        put_le(p + 4, named ? e->id : UNDEFINED_ID, 4);
    }
    return buf;
}

/* The kernel's rules (posix_acl_valid): known tags in ascending order,
 * named entries sorted by id without repeats and with a real id, one
 * owner, owning group and other entry each, a mask when there are named
 * entries, and only rwx permission bits. */
static int acl_valid(const struct acl *a)
{
    unsigned seen = 0, named = 0;
    for (size_t i = 0; i < a->count; i++) {
        const struct acl_entry *e = &a->e[i];
        const struct acl_entry *prev = i ? &a->e[i - 1] : NULL;
        if (e->perm & ~7u)
            return -EINVAL;
        if (prev && e->tag < prev->tag)
            return -EINVAL;
        switch (e->tag) {
        case TAG_USER:
        case TAG_GROUP:
            if (e->id == UNDEFINED_ID ||
                (prev && prev->tag == e->tag && e->id <= prev->id))
                return -EINVAL;
            named = 1;
            break;
        case TAG_USER_OBJ:
        case TAG_GROUP_OBJ:
        case TAG_MASK:
        case TAG_OTHER:
            if (seen & e->tag)
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
        seen |= e->tag;
    }
    const unsigned required = TAG_USER_OBJ | TAG_GROUP_OBJ | TAG_OTHER;
    if ((seen & required) != required || (named && !(seen & TAG_MASK)))
        return -EINVAL;
    return 0;
}

int nat_acl_value_parse(const void *value, size_t size, struct fsp_posix_ace **out,
                    size_t *count)
{
    struct acl a;
    int r = acl_decode(value, size, &a);
    if (!r)
        r = acl_valid(&a);
    if (r) {
        free(a.e);
        return r;
    }
    /* Same layout by construction: tag, perm, id. */
    *out = (struct fsp_posix_ace *)(void *)a.e;
    *count = a.count;
    return 0;
}

void *nat_acl_value_make(const struct fsp_posix_ace *e, size_t count, size_t *size)
{
    struct acl a = { count, (struct acl_entry *)(void *)e };
    return acl_encode(&a, size);
}

/* The permission bits a valid ACL stands for (group: the mask when there
 * is one); returns 1 when the ACL says more than those bits can. */
static int acl_mode(const struct acl *a, uint32_t *bits)
{
    uint32_t owner = 0, group = 0, other = 0;
    int extended = 0, masked = 0;
    for (size_t i = 0; i < a->count; i++) {
        const struct acl_entry *e = &a->e[i];
        switch (e->tag) {
        case TAG_USER_OBJ: owner = e->perm; break;
        case TAG_GROUP_OBJ: if (!masked) group = e->perm; break;
        case TAG_MASK: group = e->perm; masked = extended = 1; break;
        case TAG_OTHER: other = e->perm; break;
        default: extended = 1; break;
        }
    }
    *bits = owner << 6 | group << 3 | other;
    return extended;
}

/* The entry that holds the group bits of the mode: mask, else group. */
static struct acl_entry *group_bits_entry(struct acl *a)
{
    struct acl_entry *group = NULL;
    for (size_t i = 0; i < a->count; i++) {
        if (a->e[i].tag == TAG_MASK)
            return &a->e[i];
        if (a->e[i].tag == TAG_GROUP_OBJ)
            group = &a->e[i];
    }
    return group;
}

/* chmod: owner, mask-or-group and other entries take the new bits. */
static void acl_apply_mode(struct acl *a, uint32_t mode)
{
    for (size_t i = 0; i < a->count; i++) {
        if (a->e[i].tag == TAG_USER_OBJ)
            a->e[i].perm = (mode >> 6) & 7;
        else if (a->e[i].tag == TAG_OTHER)
            a->e[i].perm = mode & 7;
    }
    group_bits_entry(a)->perm = (mode >> 3) & 7;
}

/* posix_acl_create's rule: the requested mode limits the owner, other and
 * mask-or-group entries, and the mode keeps only what those allow.
 * Returns 1 when the result needs an access ACL beside the mode. */
static int acl_create_masq(struct acl *a, uint32_t *mode)
{
    uint32_t m = *mode, bits;
    for (size_t i = 0; i < a->count; i++) {
        if (a->e[i].tag == TAG_USER_OBJ)
            a->e[i].perm &= (m >> 6) & 7;
        else if (a->e[i].tag == TAG_OTHER)
            a->e[i].perm &= m & 7;
    }
    group_bits_entry(a)->perm &= (m >> 3) & 7;
    int extended = acl_mode(a, &bits);
    *mode = (m & ~0777u) | bits;
    return extended;
}

/* --- Calls into the file system; the caller holds the exclusive guard. */

static int file_info(struct fsp_request *req, void *ctx,
                     struct fsp_file_info *fi)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.get_file_info)
        return -ENOSYS;
    return nat_check_result(fs, "get_file_info",
                            fs->fi.get_file_info(req, ctx, NULL, fi));
}

static int set_mode(struct fsp_request *req, void *ctx, void *file,
                    uint32_t mode)
{
    struct fsp_fs *fs = req_fs(req);
    struct fsp_basic_info bi = { .valid = FSP_SET_MODE, .mode = mode & 07777 };
    struct fsp_file_info fi = { 0 };
    if (!fs->fi.set_basic_info)
        return -ENOSYS;
    return nat_check_result(fs, "set_basic_info",
                            fs->fi.set_basic_info(req, ctx, file, &bi, &fi));
}

static int set_ea(struct fsp_request *req, void *ctx, const char *name,
                  const void *value, size_t size)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.set_ea)
        return -ENOTSUP;
    return nat_check_result(fs, "set_ea",
                            fs->fi.set_ea(req, ctx, name, value, size, 0));
}

/* Remove name; one that is not there is no error. */
static int remove_ea(struct fsp_request *req, void *ctx, const char *name)
{
    struct fsp_fs *fs = req_fs(req);
    if (!fs->fi.remove_ea)
        return -ENOTSUP;
    int r = nat_check_result(fs, "remove_ea",
                             fs->fi.remove_ea(req, ctx, name));
    return r == -ENODATA ? 0 : r;
}

/* Attribute name of ctx, malloc'ed into *value: 0, -ENODATA, ... */
static int get_ea_alloc(struct fsp_request *req, void *ctx, const char *name,
                        void **value, size_t *len)
{
    struct fsp_fs *fs = req_fs(req);
    *value = NULL;
    if (!fs->fi.get_ea)
        return -ENODATA;
    /* Another thread may grow it between probe and read: try again. */
    for (int tries = 0; tries < 4; tries++) {
        size_t needed = 0, got = 0;
        int r = nat_check_result(fs, "get_ea",
                                 fs->fi.get_ea(req, ctx, name, NULL, 0,
                                               &needed));
        if (r && r != -ERANGE)
            return r;
        void *buf = malloc(needed ? needed : 1);
        if (!buf)
            return -ENOMEM;
        r = nat_check_result(fs, "get_ea",
                             fs->fi.get_ea(req, ctx, name, buf, needed, &got));
        if (!r && got <= needed) {
            *value = buf;
            *len = got;
            return 0;
        }
        free(buf);
        if (r && r != -ERANGE)
            return r;
    }
    return -EIO;
}

/* The stored ACL `name` of ctx, decoded and valid; the raw value too when
 * raw is not NULL.  -ENODATA when there is none, -EINVAL when what is
 * stored is not an ACL. */
static int load_acl(struct fsp_request *req, void *ctx, const char *name,
                    struct acl *a, void **raw, size_t *rawlen)
{
    void *value;
    size_t len = 0;
    a->e = NULL;
    int r = get_ea_alloc(req, ctx, name, &value, &len);
    if (r)
        return r;
    r = acl_decode(value, len, a);
    if (!r)
        r = acl_valid(a);
    if (r) {
        free(a->e);
        a->e = NULL;
    }
    if (!r && raw) {
        *raw = value;
        *rawlen = len;
    } else {
        free(value);
    }
    return r;
}

/* --- The rules. */

/* Store a valid access ACL and move the mode to it, as
 * posix_acl_update_mode does: an ACL the mode says all of is kept as the
 * mode alone, and set-group-ID goes unless the caller is root or in the
 * file's group. */
static int set_access_locked(struct fsp_request *req, struct nat_node *n,
                             const struct fsp_file_info *fi,
                             const struct acl *a)
{
    uint32_t bits;
    int extended = acl_mode(a, &bits);
    uint32_t mode = (fi->mode & 07000) | bits;
    if (req->s->uid != 0 && !nat_caller_in_group(req, fi->gid))
        mode &= ~(uint32_t)S_ISGID;
    int r;
    if (extended) {
        size_t size;
        void *value = acl_encode(a, &size);
        r = value ? set_ea(req, n->ctx, ACL_ACCESS_EA, value, size) : -ENOMEM;
        free(value);
    } else {
        r = remove_ea(req, n->ctx, ACL_ACCESS_EA);
    }
    if (!r && mode != (fi->mode & 07777))
        r = set_mode(req, n->ctx, NULL, mode);
    return r;
}

static int set_locked(struct fsp_request *req, struct nat_node *n,
                      const char *name, const struct acl *a)
{
    struct fsp_file_info fi = { 0 };
    int r = file_info(req, n->ctx, &fi);
    if (r)
        return r;
    if (S_ISLNK(fi.mode))
        return -EOPNOTSUPP;  /* the mode of a link means nothing */
    if (strcmp(name, ACL_ACCESS_EA) == 0)
        return set_access_locked(req, n, &fi, a);
    if (!S_ISDIR(fi.mode))
        return -EACCES;  /* only directories pass defaults on (vfs_set_acl) */
    size_t size;
    void *value = acl_encode(a, &size);
    r = value ? set_ea(req, n->ctx, name, value, size) : -ENOMEM;
    free(value);
    return r;
}

int nat_acl_set(struct fsp_request *req, struct nat_node *n, const char *name,
            const void *value, size_t size, int flags)
{
    (void)flags;  /* an ACL is always replaced: vfs_set_acl has no flags */
    struct fsp_fs *fs = req_fs(req);
    struct acl a;
    /* Validate before touching anything: a malformed value loses nothing. */
    int r = acl_decode(value, size, &a);
    if (!r)
        r = acl_valid(&a);
    if (!r) {
        nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
        r = set_locked(req, n, name, &a);
        nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    }
    free(a.e);
    return r;
}

int nat_acl_remove(struct fsp_request *req, struct nat_node *n, const char *name)
{
    struct fsp_fs *fs = req_fs(req);
    nat_guard_enter(fs, NAT_GUARD_EXCLUSIVE);
    int r = remove_ea(req, n->ctx, name);
    nat_guard_leave(fs, NAT_GUARD_EXCLUSIVE);
    return r;
}

int nat_acl_chmod(struct fsp_request *req, struct nat_node *n, void *file,
              uint32_t mode)
{
    (void)file;
    struct acl a;
    int r = load_acl(req, n->ctx, ACL_ACCESS_EA, &a, NULL, NULL);
    /* No ACL, or one fsp did not write (left as the file system has it):
     * the mode alone is the truth. */
    if (r == -ENODATA || r == -EINVAL)
        return 0;
    if (r)
        return r;
    acl_apply_mode(&a, mode);
    size_t size;
    void *value = acl_encode(&a, &size);
    r = value ? set_ea(req, n->ctx, ACL_ACCESS_EA, value, size) : -ENOMEM;
    free(value);
    free(a.e);
    return r;
}

int nat_acl_create_prepare(struct fsp_request *req, struct nat_node *parent,
                       struct fsp_create_params *cp, struct acl_inherit *ih)
{
    memset(ih, 0, sizeof *ih);
    if (S_ISLNK(cp->mode))
        return 0;  /* links get neither umask nor ACLs */
    struct acl a;
    void *raw = NULL;
    size_t rawlen = 0;
    int r = load_acl(req, parent->ctx, ACL_DEFAULT_EA, &a, &raw, &rawlen);
    if (r == -ENODATA || r == -EINVAL) {
        /* The kernel leaves the umask to us once ACLs are negotiated. */
        cp->mode &= ~(uint32_t)(fsp_request_umask(req) & 0777);
        return 0;
    }
    if (r)
        return r;
    if (S_ISDIR(cp->mode)) {
        ih->dflt = raw;
        ih->dflt_len = rawlen;
        raw = NULL;
    }
    free(raw);
    uint32_t mode = cp->mode;
    if (acl_create_masq(&a, &mode)) {
        ih->access = acl_encode(&a, &ih->access_len);
        if (!ih->access)
            r = -ENOMEM;
    }
    free(a.e);
    if (r)
        nat_acl_inherit_free(ih);
    else
        cp->mode = mode;
    return r;
}

int nat_acl_create_finish(struct fsp_request *req, void *ctx,
                      const struct acl_inherit *ih)
{
    int r = 0;
    if (ih->access)
        r = set_ea(req, ctx, ACL_ACCESS_EA, ih->access, ih->access_len);
    if (!r && ih->dflt)
        r = set_ea(req, ctx, ACL_DEFAULT_EA, ih->dflt, ih->dflt_len);
    return r;
}

void nat_acl_inherit_free(struct acl_inherit *ih)
{
    free(ih->access);
    free(ih->dflt);
    memset(ih, 0, sizeof *ih);
}

int nat_acl_create_apply(struct fsp_request *req, struct nat_node *parent,
                     const char *name, void *ctx, void *file, uint32_t mode,
                     const struct acl_inherit *ih)
{
    struct fsp_fs *fs = req_fs(req);
    int r = nat_acl_create_finish(req, ctx, ih);
    if (!r)
        return 0;
    /* A file without the ACL it should have had may grant what the ACL
     * would not (or deny what it would): take the create back. */
    if (name && fs->fi.set_delete)
        fs->fi.set_delete(req, parent->ctx, name, ctx);
    if (S_ISREG(mode) && fs->fi.close &&
        !(fs->fi.flags & FSP_IFACE_STATELESS_OPENS))
        fs->fi.close(fs, ctx, file);
    nat_unpeek(fs, ctx);
    return r;
}
