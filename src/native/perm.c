/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who the caller is, for the few decisions the kernel leaves to the file
 * system although it checks every access (native volumes always mount
 * with default_permissions; include/fsp/fsp.h, "Access control"): the
 * owner of a new file, group membership for the set-group-ID rule of an
 * ACL change, and CAP_SYS_ADMIN for listing trusted.* attributes.
 *
 * A request carries uid, gid and pid, not groups or capabilities: both
 * come from /proc/PID/status, as libfuse's fuse_req_getgroups does.  A
 * caller that is gone by then counts as a member of its primary group
 * only, and as unprivileged: the safe side of both answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native/ops_common.h"

/* Copy the value of the line "KEY:" of /proc/PID/status into buf;
 * 0, or -ENOENT when the process or the line is gone. */
static int proc_status_line(uint32_t pid, const char *key, char *buf,
                            size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%u/status", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -ENOENT;
    size_t klen = strlen(key);
    int r = -ENOENT;
    while (fgets(buf, (int)len, f)) {
        if (strncmp(buf, key, klen) == 0 && buf[klen] == ':') {
            memmove(buf, buf + klen + 1, strlen(buf + klen + 1) + 1);
            r = 0;
            break;
        }
    }
    fclose(f);
    return r;
}

/* Is gid among the supplementary groups of process pid? */
static int proc_has_group(uint32_t pid, uint32_t gid)
{
    char line[4096];
    if (proc_status_line(pid, "Groups", line, sizeof line))
        return 0;
    char *p = line, *end;
    for (;;) {
        unsigned long g = strtoul(p, &end, 10);
        if (end == p)
            return 0;
        if (g == gid)
            return 1;
        p = end;
    }
}

int nat_caller_in_group(const struct fsp_request *req, uint32_t gid)
{
    return req->s->gid == gid || (req->s->pid && proc_has_group(req->s->pid, gid));
}

int nat_caller_capable(const struct fsp_request *req, unsigned cap)
{
    char line[128];
    if (!req->s->pid || cap > 63 ||
        proc_status_line(req->s->pid, "CapEff", line, sizeof line))
        return 0;
    unsigned long long set = strtoull(line, NULL, 16);
    return (int)((set >> cap) & 1);
}

void nat_new_owner(struct fsp_request *req, struct nat_node *parent,
               struct fsp_create_params *cp)
{
    cp->uid = req->s->uid;
    cp->gid = req->s->gid;
    struct fsp_file_info pfi = { 0 };
    if (nat_call_get_file_info(req, parent, NULL, &pfi) != 0)
        return;  /* the create itself will tell what is wrong */
    if (!(pfi.mode & S_ISGID))
        return;
    /* BSD group semantics, which a set-group-ID directory asks for, and
     * the mark passed on so the whole subtree keeps them. */
    cp->gid = pfi.gid;
    if (S_ISDIR(cp->mode))
        cp->mode |= S_ISGID;
}
