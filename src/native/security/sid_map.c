/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SIDs and POSIX ids: Samba's Unix User (S-1-22-1-uid) and Unix Group
 * (S-1-22-2-gid) domains both ways, SYSTEM and BUILTIN\Administrators
 * as root one way, and before all of it the file system's own mapper.
 */
#include <errno.h>
#include <string.h>

#include "fsp/security.h"

static int is_unix_domain(const struct fsp_sid *sid, uint32_t kind)
{
    static const uint8_t auth22[6] = { 0, 0, 0, 0, 0, 22 };
    return sid->revision == 1 && sid->sub_count == 2 &&
           memcmp(sid->authority, auth22, 6) == 0 && sid->sub[0] == kind;
}

int fsp_sid_to_id(const struct fsp_sid_mapper *m, const struct fsp_sid *sid,
                  uint32_t *id, int *is_group)
{
    if (m && m->sid_to_id) {
        int r = m->sid_to_id(m->ctx, sid, id, is_group);
        if (r != -ENOENT)
            return r;
    }
    if (is_unix_domain(sid, 1) || is_unix_domain(sid, 2)) {
        *id = sid->sub[1];
        *is_group = sid->sub[0] == 2;
        return 0;
    }
    if (fsp_sid_equal(sid, &fsp_sid_system)) {
        *id = 0;
        *is_group = 0;
        return 0;
    }
    if (fsp_sid_equal(sid, &fsp_sid_admins)) {
        *id = 0;
        *is_group = 1;
        return 0;
    }
    return -ENOENT;
}

int fsp_sid_from_id(const struct fsp_sid_mapper *m, uint32_t id,
                    int is_group, struct fsp_sid *sid)
{
    if (m && m->id_to_sid) {
        int r = m->id_to_sid(m->ctx, id, is_group, sid);
        if (r != -ENOENT)
            return r;
    }
    memset(sid, 0, sizeof *sid);
    sid->revision = 1;
    sid->sub_count = 2;
    sid->authority[5] = 22;
    sid->sub[0] = is_group ? 2 : 1;
    sid->sub[1] = id;
    return 0;
}
