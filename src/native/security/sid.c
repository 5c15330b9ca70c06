/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SIDs: text form, SDDL aliases, comparison. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

#define SID1(a, s0) { 1, 1, { 0, 0, 0, 0, 0, a }, { s0 } }
#define SID2(a, s0, s1) { 1, 2, { 0, 0, 0, 0, 0, a }, { s0, s1 } }

const struct fsp_sid fsp_sid_everyone = SID1(1, 0);
const struct fsp_sid fsp_sid_creator_owner = SID1(3, 0);
const struct fsp_sid fsp_sid_creator_group = SID1(3, 1);
const struct fsp_sid fsp_sid_system = SID1(5, 18);
const struct fsp_sid fsp_sid_auth_users = SID1(5, 11);
const struct fsp_sid fsp_sid_admins = SID2(5, 32, 544);

/* The SDDL two-letter names fsp knows (Windows' table has more; these
 * are the ones a file's descriptor uses in practice). */
static const struct {
    const char *alias;
    struct fsp_sid sid;
} aliases[] = {
    { "WD", SID1(1, 0) },        /* Everyone */
    { "CO", SID1(3, 0) },        /* Creator Owner */
    { "CG", SID1(3, 1) },        /* Creator Group */
    { "SY", SID1(5, 18) },       /* Local System */
    { "AU", SID1(5, 11) },       /* Authenticated Users */
    { "BA", SID2(5, 32, 544) },  /* BUILTIN\Administrators */
    { "BU", SID2(5, 32, 545) },  /* BUILTIN\Users */
    { "BG", SID2(5, 32, 546) },  /* BUILTIN\Guests */
    { "NU", SID1(5, 2) },        /* Network logon */
    { "IU", SID1(5, 4) },        /* Interactive logon */
    { "PS", SID1(5, 10) },       /* Principal Self */
    { "OW", SID1(3, 4) },        /* Owner Rights */
};

int fsp_sid_equal(const struct fsp_sid *a, const struct fsp_sid *b)
{
    return a->revision == b->revision && a->sub_count == b->sub_count &&
           memcmp(a->authority, b->authority, 6) == 0 &&
           memcmp(a->sub, b->sub, a->sub_count * sizeof a->sub[0]) == 0;
}

const char *nat_sec_sid_alias(const struct fsp_sid *sid)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (fsp_sid_equal(sid, &aliases[i].sid))
            return aliases[i].alias;
    return NULL;
}

/* A decimal number of at most `max`, no sign, no leading junk. */
static int parse_uint(const char **p, uint64_t max, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return -EINVAL;
    }
    *p = s;
    *out = v;
    return 0;
}

int nat_sec_sid_parse_prefix(const char **text, struct fsp_sid *sid)
{
    const char *s = *text;
    if (s[0] && s[1] && !(s[0] == 'S' && s[1] == '-')) {
        for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
            if (s[0] == aliases[i].alias[0] && s[1] == aliases[i].alias[1]) {
                *sid = aliases[i].sid;
                *text = s + 2;
                return 0;
            }
        }
        return -EINVAL;
    }
    if (s[0] != 'S' || s[1] != '-')
        return -EINVAL;
    s += 2;
    uint64_t v;
    /* Revision 1 only: the one Windows has. */
    if (parse_uint(&s, 1, &v) || v != 1 || *s != '-')
        return -EINVAL;
    s++;
    /* The authority is 48 bits; Windows prints big ones as hex, which
     * no file descriptor uses, so decimal only. */
    if (parse_uint(&s, 0xffffffffffffULL, &v))
        return -EINVAL;
    memset(sid, 0, sizeof *sid);
    sid->revision = 1;
    for (int i = 5; i >= 0; i--, v >>= 8)
        sid->authority[i] = (uint8_t)(v & 0xff);
    while (*s == '-') {
        s++;
        if (sid->sub_count == FSP_SID_MAX_SUB || parse_uint(&s, 0xffffffffu, &v))
            return -EINVAL;
        sid->sub[sid->sub_count++] = (uint32_t)v;
    }
    *text = s;
    return 0;
}

int fsp_sid_parse(const char *text, struct fsp_sid *sid)
{
    struct fsp_sid tmp;
    if (!text || nat_sec_sid_parse_prefix(&text, &tmp) || *text)
        return -EINVAL;
    *sid = tmp;
    return 0;
}

int fsp_sid_print(const struct fsp_sid *sid, char *buf, size_t size)
{
    uint64_t auth = 0;
    for (int i = 0; i < 6; i++)
        auth = auth << 8 | sid->authority[i];
    int n = snprintf(buf, size, "S-%u-%llu", sid->revision,
                     (unsigned long long)auth);
    for (unsigned i = 0; i < sid->sub_count && n >= 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, "-%u", sid->sub[i]);
    if (n < 0 || (size_t)n >= size)
        return -ERANGE;
    return n;
}
