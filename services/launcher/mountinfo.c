/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading /proc/self/mountinfo for the FUSE mounts the launcher may undo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"

/* mountinfo escapes blanks, tabs, newlines and backslashes as \ooo. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

int mountinfo_is_fuse_of(const char *path, uid_t uid)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    char want[32];
    snprintf(want, sizeof want, "user_id=%u", (unsigned)uid);
    while (getline(&line, &cap, f) > 0) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - TYPE SOURCE SUPEROPTS */
        char *save = NULL, *tok[5];
        int n = 0;
        char *sep = strstr(line, " - ");
        if (!sep)
            continue;
        *sep = '\0';
        for (char *t = strtok_r(line, " ", &save); t && n < 5; t = strtok_r(NULL, " ", &save))
            tok[n++] = t;
        if (n < 5)
            continue;
        char *rest = sep + 3, *save2 = NULL;
        char *type = strtok_r(rest, " ", &save2);
        char *source = strtok_r(NULL, " ", &save2);
        char *super = strtok_r(NULL, " \n", &save2);
        if (!type || !source || !super)
            continue;
        unescape(tok[4]);
        if (strcmp(tok[4], path) != 0 || strncmp(type, "fuse", 4) != 0)
            continue;
        /* the last mount on the path is the one visible: keep looking */
        found = 0;
        char *s3 = NULL;
        for (char *o = strtok_r(super, ",", &s3); o; o = strtok_r(NULL, ",", &s3))
            if (!strcmp(o, want))
                found = 1;
    }
    free(line);
    fclose(f);
    return found;
}
