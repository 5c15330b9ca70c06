/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp security descriptors: Windows' self-relative security descriptors
 * (owner, group, DACL, SACL), their SDDL text form, SIDs and how they map
 * onto POSIX owners, groups, modes and ACLs.  docs/security.md has the
 * mapping rules.  Every function here is pure (no I/O, no global state
 * but constant tables) and may be called from any thread.
 *
 * Errors are negative errno values: -EINVAL for malformed input (nothing
 * is returned then), -ENOMEM, -ERANGE for a buffer that is too small,
 * -ENOENT for a SID or id with no mapping.
 */
#ifndef FSP_SECURITY_H
#define FSP_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A SID, S-R-A-S1-S2-...: revision 1, a 48-bit authority and up to 15
 * sub-authorities. */
#define FSP_SID_MAX_SUB 15
struct fsp_sid {
    uint8_t revision;
    uint8_t sub_count;
    uint8_t authority[6];        /* big-endian, as on the wire */
    uint32_t sub[FSP_SID_MAX_SUB];
};

/* ACE types (only these three are accepted) and flags. */
#define FSP_ACE_ALLOWED 0
#define FSP_ACE_DENIED  1
#define FSP_ACE_AUDIT   2
#define FSP_ACE_OBJECT_INHERIT    0x01
#define FSP_ACE_CONTAINER_INHERIT 0x02
#define FSP_ACE_NO_PROPAGATE      0x04
#define FSP_ACE_INHERIT_ONLY      0x08
#define FSP_ACE_INHERITED         0x10
#define FSP_ACE_SUCCESSFUL_ACCESS 0x40
#define FSP_ACE_FAILED_ACCESS     0x80

/* Access rights (the file ones and the generic and standard ones). */
#define FSP_FILE_READ_DATA        0x00000001u
#define FSP_FILE_WRITE_DATA       0x00000002u
#define FSP_FILE_APPEND_DATA      0x00000004u
#define FSP_FILE_READ_EA          0x00000008u
#define FSP_FILE_WRITE_EA         0x00000010u
#define FSP_FILE_EXECUTE          0x00000020u
#define FSP_FILE_DELETE_CHILD     0x00000040u
#define FSP_FILE_READ_ATTRIBUTES  0x00000080u
#define FSP_FILE_WRITE_ATTRIBUTES 0x00000100u
#define FSP_DELETE                0x00010000u
#define FSP_READ_CONTROL          0x00020000u
#define FSP_WRITE_DAC             0x00040000u
#define FSP_WRITE_OWNER           0x00080000u
#define FSP_SYNCHRONIZE           0x00100000u
#define FSP_GENERIC_ALL           0x10000000u
#define FSP_GENERIC_EXECUTE       0x20000000u
#define FSP_GENERIC_WRITE         0x40000000u
#define FSP_GENERIC_READ          0x80000000u
/* What the generic rights mean for files (Windows' file generic mapping). */
#define FSP_FILE_ALL_ACCESS       0x001f01ffu
#define FSP_FILE_GENERIC_READ     0x00120089u
#define FSP_FILE_GENERIC_WRITE    0x00120116u
#define FSP_FILE_GENERIC_EXECUTE  0x001200a0u

struct fsp_ace {
    uint8_t type;                /* FSP_ACE_* */
    uint8_t flags;               /* FSP_ACE_* flags */
    uint16_t reserved;
    uint32_t mask;
    struct fsp_sid sid;
};

/* An ACL: `count` entries in `aces` (malloc'ed, owned by the descriptor). */
struct fsp_acl {
    uint8_t revision;            /* 2 (NT4), 3 or 4 (with object ACEs) */
    uint32_t count;
    struct fsp_ace *aces;
};

/* Security descriptor control bits (the Windows SE_* values). */
#define FSP_SD_OWNER_DEFAULTED     0x0001u
#define FSP_SD_GROUP_DEFAULTED     0x0002u
#define FSP_SD_DACL_PRESENT        0x0004u
#define FSP_SD_DACL_DEFAULTED      0x0008u
#define FSP_SD_SACL_PRESENT        0x0010u
#define FSP_SD_SACL_DEFAULTED      0x0020u
#define FSP_SD_DACL_AUTO_INHERIT_REQ 0x0100u
#define FSP_SD_SACL_AUTO_INHERIT_REQ 0x0200u
#define FSP_SD_DACL_AUTO_INHERITED 0x0400u
#define FSP_SD_SACL_AUTO_INHERITED 0x0800u
#define FSP_SD_DACL_PROTECTED      0x1000u
#define FSP_SD_SACL_PROTECTED      0x2000u
#define FSP_SD_SELF_RELATIVE       0x8000u

/* A descriptor taken apart.  The DACL and SACL count only when control
 * says they are present (a present DACL with no entries denies all; no
 * DACL allows all).  Clear with fsp_sd_clear. */
struct fsp_sd {
    uint16_t control;
    uint8_t has_owner, has_group;
    struct fsp_sid owner, group;
    struct fsp_acl dacl, sacl;
};

/* Free the ACL arrays of sd and zero it.  NULL is fine. */
void fsp_sd_clear(struct fsp_sd *sd);

/* Check a self-relative descriptor of `size` bytes: revision 1, the
 * SELF_RELATIVE bit, every offset and length inside the buffer, ACL
 * revision 2 to 4, ACE sizes that fit their ACL, SIDs of revision 1 with
 * at most 15 sub-authorities, known ACE types.  0 or -EINVAL. */
int fsp_sd_check(const void *buf, size_t size);

/* Parse (after fsp_sd_check) into *sd, which the caller clears (it is
 * zeroed on failure, so clearing is always safe). */
int fsp_sd_parse(const void *buf, size_t size, struct fsp_sd *sd);

/* Build the self-relative binary form of sd (owner, group, SACL, DACL in
 * that order), malloc'ed into *buf (caller frees), its length in *size. */
int fsp_sd_build(const struct fsp_sd *sd, void **buf, size_t *size);

/* Append one ACE to acl (grows aces with realloc). */
int fsp_sd_acl_add(struct fsp_acl *acl, uint8_t type, uint8_t flags,
                uint32_t mask, const struct fsp_sid *sid);

/* Deep copy; the copy is the caller's to clear. */
int fsp_sd_copy(struct fsp_sd *dst, const struct fsp_sd *src);

/* SIDs: "S-1-5-32-544" or an SDDL alias (WD, CO, CG, BA, SY, AU, ...).
 * 0 or -EINVAL. */
int fsp_sid_parse(const char *text, struct fsp_sid *sid);
/* S-... text of sid into buf; returns its length, or -ERANGE (buf needs
 * at most 200 bytes). */
int fsp_sid_print(const struct fsp_sid *sid, char *buf, size_t size);
int fsp_sid_equal(const struct fsp_sid *a, const struct fsp_sid *b);
/* Well-known SIDs. */
extern const struct fsp_sid fsp_sid_everyone;      /* S-1-1-0 */
extern const struct fsp_sid fsp_sid_creator_owner; /* S-1-3-0 */
extern const struct fsp_sid fsp_sid_creator_group; /* S-1-3-1 */
extern const struct fsp_sid fsp_sid_system;        /* S-1-5-18 */
extern const struct fsp_sid fsp_sid_auth_users;    /* S-1-5-11 */
extern const struct fsp_sid fsp_sid_admins;        /* S-1-5-32-544 */

/* SDDL, "O:...G:...D:flags(ace)(ace)S:flags(ace)": parse into *sd (the
 * caller clears it), or -EINVAL for anything malformed. */
int fsp_sddl_parse(const char *text, struct fsp_sd *sd);
/* Print sd as SDDL, malloc'ed into *text (caller frees).  SIDs with an
 * alias print as the alias, masks that equal a rights alias (FA, FR, FW,
 * FX, GA, GR, GW, GX) as the alias, others as 0x... */
int fsp_sddl_print(const struct fsp_sd *sd, char **text);

/*
 * SIDs and POSIX ids.  By default: S-1-22-1-N is uid N and S-1-22-2-N
 * gid N (Samba's "Unix User" and "Unix Group" domains), and ids map back
 * to those; SYSTEM reads as uid 0 and BUILTIN\Administrators as gid 0
 * (one way).  A file system with its own mapping (a domain, a user map)
 * passes a mapper, whose answers come first; -ENOENT from it falls back
 * to the default.
 */
struct fsp_sid_mapper {
    int (*sid_to_id)(void *ctx, const struct fsp_sid *sid, uint32_t *id,
                     int *is_group);
    int (*id_to_sid)(void *ctx, uint32_t id, int is_group,
                     struct fsp_sid *sid);
    void *ctx;
};
/* mapper may be NULL.  -ENOENT when the SID is no POSIX id. */
int fsp_sid_to_id(const struct fsp_sid_mapper *mapper,
                  const struct fsp_sid *sid, uint32_t *id, int *is_group);
int fsp_sid_from_id(const struct fsp_sid_mapper *mapper, uint32_t id,
                    int is_group, struct fsp_sid *sid);

/* One POSIX ACL entry; tags are the kernel's ACL_* values. */
#define FSP_POSIX_USER_OBJ  0x01
#define FSP_POSIX_USER      0x02
#define FSP_POSIX_GROUP_OBJ 0x04
#define FSP_POSIX_GROUP     0x08
#define FSP_POSIX_MASK      0x10
#define FSP_POSIX_OTHER     0x20
struct fsp_posix_ace {
    uint16_t tag;
    uint16_t perm;               /* rwx: 4, 2, 1 */
    uint32_t id;                 /* USER and GROUP only */
};

/* The POSIX view of a file: owner, group, mode (permission bits, sticky,
 * set-id bits) and its access and default ACLs, each the whole ACL
 * (USER_OBJ, USER..., GROUP_OBJ, GROUP..., MASK, OTHER) in malloc'ed
 * arrays; an access count of 0 means the mode says everything, a
 * default count of 0 means no default ACL.  Clear with
 * fsp_sd_posix_clear. */
struct fsp_posix_perms {
    uint32_t uid, gid, mode;
    size_t access_count, default_count;
    struct fsp_posix_ace *access, *dflt;
};
void fsp_sd_posix_clear(struct fsp_posix_perms *pp);

/* Descriptor -> POSIX.  On input pp->uid, pp->gid and pp->mode are the
 * file's current ones: an owner or group SID with no id keeps them, and
 * the set-id bits of pp->mode stay.  is_dir: the DACL's inheritable
 * entries become the default ACL.  A mapper's failure other than -ENOENT
 * (no id) is returned, with nothing in *pp to clear. */
int fsp_sd_to_posix(const struct fsp_sd *sd,
                    const struct fsp_sid_mapper *mapper, int is_dir,
                    struct fsp_posix_perms *pp);

/* POSIX -> descriptor (WinFsp's mapping plus ACL entries): a protected
 * DACL with allow (and where needed deny) entries for owner, named users,
 * group, named groups and Everyone, and for a default ACL inheritable
 * entries for CREATOR OWNER, CREATOR GROUP, named ids and Everyone.
 * *sd is the caller's to clear. */
int fsp_sd_from_posix(const struct fsp_posix_perms *pp,
                      const struct fsp_sid_mapper *mapper, int is_dir,
                      struct fsp_sd *sd);

/* The descriptor NTFS gives a new file or directory in a directory with
 * descriptor `parent`: its inheritable ACEs (object-inherit for files,
 * container- and object-inherit for directories, no-propagate and
 * inherit-only honoured, CREATOR OWNER/GROUP replaced by owner/group),
 * marked inherited.  -ENOENT when the parent passes nothing on (the
 * caller then builds one from the mode). */
int fsp_sd_inherit(const struct fsp_sd *parent, const struct fsp_sid *owner,
                   const struct fsp_sid *group, int is_dir, struct fsp_sd *sd);

#ifdef __cplusplus
}
#endif

#endif
