/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SDDL text into a descriptor: "O:sid", "G:sid", "D:flags(ace)..." and
 * "S:flags(ace)...", each at most once, in any order; flags P (protected),
 * AI (auto-inherited), AR (auto-inherit requested); an ACE is
 * "(type;flags;rights;;;sid)" with type A, D or AU, flags from OI CI NP
 * IO ID SA FA, rights as hex (0x...) or two-letter codes, concatenated,
 * and no object GUIDs (file descriptors have none).  Anything else is
 * -EINVAL: the text may come from any user.
 */
#include <errno.h>
#include <string.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

struct code { const char *text; uint32_t value; };

static const struct code ace_flags[] = {
    { "OI", FSP_ACE_OBJECT_INHERIT }, { "CI", FSP_ACE_CONTAINER_INHERIT },
    { "NP", FSP_ACE_NO_PROPAGATE },   { "IO", FSP_ACE_INHERIT_ONLY },
    { "ID", FSP_ACE_INHERITED },      { "SA", FSP_ACE_SUCCESSFUL_ACCESS },
    { "FA", FSP_ACE_FAILED_ACCESS },
};

static const struct code rights[] = {
    { "GA", FSP_GENERIC_ALL },  { "GR", FSP_GENERIC_READ },
    { "GW", FSP_GENERIC_WRITE }, { "GX", FSP_GENERIC_EXECUTE },
    { "FA", FSP_FILE_ALL_ACCESS }, { "FR", FSP_FILE_GENERIC_READ },
    { "FW", FSP_FILE_GENERIC_WRITE }, { "FX", FSP_FILE_GENERIC_EXECUTE },
    { "RC", FSP_READ_CONTROL }, { "SD", FSP_DELETE },
    { "WD", FSP_WRITE_DAC },    { "WO", FSP_WRITE_OWNER },
};

/* Two-letter codes from table up to `stop`, OR'ed into *out. */
static int codes(const char **p, char stop, const struct code *t, size_t n,
                 uint32_t *out)
{
    const char *s = *p;
    *out = 0;
    while (*s != stop) {
        size_t i;
        for (i = 0; i < n; i++)
            if (s[0] == t[i].text[0] && s[0] && s[1] == t[i].text[1])
                break;
        if (i == n)
            return -EINVAL;
        *out |= t[i].value;
        s += 2;
    }
    *p = s;
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int parse_rights(const char **p, uint32_t *mask)
{
    const char *s = *p;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        uint64_t v = 0;
        s += 2;
        if (hexval(*s) < 0)
            return -EINVAL;
        for (; hexval(*s) >= 0; s++) {
            v = v << 4 | (uint64_t)hexval(*s);
            if (v > 0xffffffffu)
                return -EINVAL;
        }
        if (*s != ';')
            return -EINVAL;
        *mask = (uint32_t)v;
        *p = s;
        return 0;
    }
    return codes(p, ';', rights, sizeof rights / sizeof *rights, mask);
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -EINVAL;
    (*p)++;
    return 0;
}

static int parse_ace(const char **p, struct fsp_acl *acl, int audit)
{
    const char *s = *p;
    uint8_t type;
    uint32_t flags, mask;
    struct fsp_sid sid;
    if (expect(&s, '('))
        return -EINVAL;
    if (s[0] == 'A' && s[1] == 'U' && s[2] == ';') {
        type = FSP_ACE_AUDIT;
        s += 2;
    } else if ((s[0] == 'A' || s[0] == 'D') && s[1] == ';') {
        type = s[0] == 'A' ? FSP_ACE_ALLOWED : FSP_ACE_DENIED;
        s += 1;
    } else {
        return -EINVAL;
    }
    if ((type == FSP_ACE_AUDIT) != audit || expect(&s, ';') ||
        codes(&s, ';', ace_flags, sizeof ace_flags / sizeof *ace_flags,
              &flags) ||
        expect(&s, ';') || parse_rights(&s, &mask) ||
        /* object type and inherited object type: empty */
        expect(&s, ';') || expect(&s, ';') || expect(&s, ';') ||
        nat_sec_sid_parse_prefix(&s, &sid) || expect(&s, ')'))
        return -EINVAL;
    *p = s;
    return fsp_sd_acl_add(acl, type, (uint8_t)flags, mask, &sid);
}

static int parse_acl(const char **p, struct fsp_sd *sd, int audit)
{
    const char *s = *p;
    uint16_t prot = audit ? FSP_SD_SACL_PROTECTED : FSP_SD_DACL_PROTECTED;
    uint16_t ai = audit ? FSP_SD_SACL_AUTO_INHERITED : FSP_SD_DACL_AUTO_INHERITED;
    uint16_t ar = audit ? FSP_SD_SACL_AUTO_INHERIT_REQ : FSP_SD_DACL_AUTO_INHERIT_REQ;
    struct fsp_acl *acl = audit ? &sd->sacl : &sd->dacl;
    for (;;) {
        if (s[0] == 'P') {
            sd->control |= prot;
            s++;
        } else if (s[0] == 'A' && s[1] == 'I') {
            sd->control |= ai;
            s += 2;
        } else if (s[0] == 'A' && s[1] == 'R') {
            sd->control |= ar;
            s += 2;
        } else {
            break;
        }
    }
    sd->control |= audit ? FSP_SD_SACL_PRESENT : FSP_SD_DACL_PRESENT;
    acl->revision = 2;
    while (*s == '(') {
        int r = parse_ace(&s, acl, audit);
        if (r)
            return r;
    }
    *p = s;
    return 0;
}

int fsp_sddl_parse(const char *text, struct fsp_sd *out)
{
    struct fsp_sd sd = { 0 };
    const char *s = text;
    memset(out, 0, sizeof *out);
    unsigned seen = 0;
    int r = s ? 0 : -EINVAL;
    while (!r && *s) {
        char part = s[0];
        const char *where = strchr("OGDS", part);
        if (!part || !where || s[1] != ':') {
            r = -EINVAL;
            break;
        }
        unsigned bit = 1u << (where - "OGDS");
        if (seen & bit) {
            r = -EINVAL;
            break;
        }
        seen |= bit;
        s += 2;
        switch (part) {
        case 'O':
            r = nat_sec_sid_parse_prefix(&s, &sd.owner);
            sd.has_owner = 1;
            break;
        case 'G':
            r = nat_sec_sid_parse_prefix(&s, &sd.group);
            sd.has_group = 1;
            break;
        case 'D':
            r = parse_acl(&s, &sd, 0);
            break;
        default:
            r = parse_acl(&s, &sd, 1);
            break;
        }
    }
    if (!r && !seen)
        r = -EINVAL;   /* "" describes nothing */
    if (r) {
        fsp_sd_clear(&sd);
        return r;
    }
    sd.control |= FSP_SD_SELF_RELATIVE;
    *out = sd;
    return 0;
}
