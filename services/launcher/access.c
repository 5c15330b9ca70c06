/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who may do what: the class's Allow list, instance ownership, and the
 * files a start argument names.  The caller's uid comes from SO_PEERCRED
 * (server.c), never from the request. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "launcher.h"

static int in_group(uid_t uid, gid_t gid)
{
    struct passwd *p = getpwuid(uid);
    if (!p)
        return 0;
    if (p->pw_gid == gid)
        return 1;
    int n = 64;
    gid_t groups[64];
    if (getgrouplist(p->pw_name, p->pw_gid, groups, &n) < 0)
        return 0;   /* more than 64 groups: only the first are looked at */
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return 1;
    return 0;
}

int access_class_allowed(const struct lclass *c, uid_t uid)
{
    if (uid == 0)
        return 1;
    for (int i = 0; i < c->n_allow_uid; i++)
        if (c->allow_uid[i] == uid)
            return 1;
    for (int i = 0; i < c->n_allow_gid; i++)
        if (in_group(uid, c->allow_gid[i]))
            return 1;
    return 0;
}

/* An instance that runs as its caller (RunAs = .) is that user's alone;
 * one that runs as the class's fixed account is the class's, shared by
 * everyone the class allows. */
int access_instance_allowed(const struct instance *i, uid_t uid)
{
    if (uid == 0 || uid == i->owner)
        return 1;
    return i->cls && !i->cls->run_as_caller && access_class_allowed(i->cls, uid);
}

int access_check_argument(const char *arg, uid_t caller, uid_t run_as,
                          char *err, size_t errlen)
{
    if (arg[0] == '-') {
        /* the file system would read it as an option */
        snprintf(err, errlen, "argument '%s' starts with '-'", arg);
        return -EINVAL;
    }
    /* ".." would climb out of whatever directory the class put the
     * argument in ("/srv/fsp/%U/%1") */
    for (const char *p = arg; (p = strstr(p, "..")); p += 2)
        if ((p == arg || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) {
            snprintf(err, errlen, "argument '%s' has a '..' component", arg);
            return -EINVAL;
        }
    if (caller == 0 || caller == run_as || !strchr(arg, '/'))
        return 0;
    /* Someone else's process would mount on or read this path: the
     * caller must own what it names, as fusermount3 would require. */
    struct stat st;
    if (stat(arg, &st) < 0)
        return 0;   /* nothing there: the file system itself will fail */
    if (st.st_uid != caller) {
        snprintf(err, errlen, "argument '%s' names a file you do not own", arg);
        return -EPERM;
    }
    return 0;
}
