/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A descriptor as SDDL text, in the order O G D S, the form
 * fsp_sddl_parse reads back to the same descriptor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsp/security.h"
#include "native/security/sec_int.h"

static const struct { const char *text; uint32_t value; } rights[] = {
    { "FA", FSP_FILE_ALL_ACCESS },   { "FR", FSP_FILE_GENERIC_READ },
    { "FW", FSP_FILE_GENERIC_WRITE }, { "FX", FSP_FILE_GENERIC_EXECUTE },
    { "GA", FSP_GENERIC_ALL },       { "GR", FSP_GENERIC_READ },
    { "GW", FSP_GENERIC_WRITE },     { "GX", FSP_GENERIC_EXECUTE },
};

static const struct { const char *text; uint8_t value; } flags[] = {
    { "OI", FSP_ACE_OBJECT_INHERIT }, { "CI", FSP_ACE_CONTAINER_INHERIT },
    { "NP", FSP_ACE_NO_PROPAGATE },   { "IO", FSP_ACE_INHERIT_ONLY },
    { "ID", FSP_ACE_INHERITED },      { "SA", FSP_ACE_SUCCESSFUL_ACCESS },
    { "FA", FSP_ACE_FAILED_ACCESS },
};

static void put_sid(FILE *f, const struct fsp_sid *sid)
{
    const char *alias = nat_sec_sid_alias(sid);
    char buf[200];
    if (alias)
        fputs(alias, f);
    else if (fsp_sid_print(sid, buf, sizeof buf) > 0)
        fputs(buf, f);
}

static void put_acl(FILE *f, const struct fsp_acl *acl, uint16_t control,
                    int audit)
{
    if (control & (audit ? FSP_SD_SACL_PROTECTED : FSP_SD_DACL_PROTECTED))
        fputc('P', f);
    if (control & (audit ? FSP_SD_SACL_AUTO_INHERIT_REQ : FSP_SD_DACL_AUTO_INHERIT_REQ))
        fputs("AR", f);
    if (control & (audit ? FSP_SD_SACL_AUTO_INHERITED : FSP_SD_DACL_AUTO_INHERITED))
        fputs("AI", f);
    for (uint32_t i = 0; i < acl->count; i++) {
        const struct fsp_ace *a = &acl->aces[i];
        fputs(a->type == FSP_ACE_ALLOWED ? "(A;"
              : a->type == FSP_ACE_DENIED ? "(D;" : "(AU;", f);
        for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
            if (a->flags & flags[k].value)
                fputs(flags[k].text, f);
        fputc(';', f);
        size_t k;
        for (k = 0; k < sizeof rights / sizeof *rights; k++)
            if (a->mask == rights[k].value)
                break;
        if (k < sizeof rights / sizeof *rights)
            fputs(rights[k].text, f);
        else
            fprintf(f, "0x%x", a->mask);
        fputs(";;;", f);
        put_sid(f, &a->sid);
        fputc(')', f);
    }
}

int fsp_sddl_print(const struct fsp_sd *sd, char **text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -ENOMEM;
    if (sd->has_owner) {
        fputs("O:", f);
        put_sid(f, &sd->owner);
    }
    if (sd->has_group) {
        fputs("G:", f);
        put_sid(f, &sd->group);
    }
    if (sd->control & FSP_SD_DACL_PRESENT) {
        fputs("D:", f);
        put_acl(f, &sd->dacl, sd->control, 0);
    }
    if (sd->control & FSP_SD_SACL_PRESENT) {
        fputs("S:", f);
        put_acl(f, &sd->sacl, sd->control, 1);
    }
    if (fclose(f) != 0) {
        free(buf);
        return -ENOMEM;
    }
    *text = buf;
    return 0;
}
