/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state file (next to the socket): one line per live instance, so
 * that a launcher that starts after its predecessor died (SIGKILL, a
 * crash) stops the processes and undoes the mounts it left.  Written
 * whole and renamed into place after every change.
 *
 *     PID STARTTIME UID CLASS INSTANCE MOUNTPOINT
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"

void state_save(struct launcher *l)
{
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.new", l->state_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        launcher_log("cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++) {
        const struct instance *i = &l->inst[k];
        if (!i->used || i->pid <= 0)
            continue;
        fprintf(f, "%d %llu %u %s %s %s\n", (int)i->pid, i->start_ticks,
                (unsigned)i->run_uid, i->cls_name, i->name, i->mountpoint);
    }
    if (fclose(f) != 0 || rename(tmp, l->state_path) < 0)
        launcher_log("cannot write %s: %s", l->state_path, strerror(errno));
}

void state_remove(struct launcher *l)
{
    unlink(l->state_path);
}

static void wait_gone(pid_t pid, unsigned long long ticks, int ms)
{
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    for (int t = 0; t < ms; t += 50) {
        if (proc_start_ticks(pid) != ticks)
            return;
        nanosleep(&ts, NULL);
    }
}

static void clean_one(char *line)
{
    int pid;
    unsigned long long ticks;
    unsigned uid;
    char cls[64], inst[64];
    int off = 0;
    if (sscanf(line, "%d %llu %u %63s %63s %n", &pid, &ticks, &uid, cls, inst, &off) < 5 ||
        pid <= 1)
        return;
    char *mp = line + off;
    mp[strcspn(mp, "\n")] = '\0';
    /* The same process only if it started at the same tick: a pid the
     * kernel has reused since is someone else's. */
    if (ticks && proc_start_ticks(pid) == ticks) {
        launcher_log("stale instance %s/%s: stopping pid %d", cls, inst, pid);
        kill(pid, SIGTERM);
        wait_gone(pid, ticks, 5000);
        if (proc_start_ticks(pid) == ticks) {
            kill(pid, SIGKILL);
            wait_gone(pid, ticks, 2000);
        }
    }
    if (*mp && mountinfo_is_fuse_of(mp, (uid_t)uid)) {
        if (umount2(mp, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
            launcher_log("stale instance %s/%s: unmounted %s", cls, inst, mp);
        else
            launcher_log("stale instance %s/%s: cannot unmount %s: %s", cls, inst,
                         mp, strerror(errno));
    }
}

void state_cleanup_stale(struct launcher *l)
{
    FILE *f = fopen(l->state_path, "re");
    if (!f)
        return;
    char line[PATH_MAX + 256];
    while (fgets(line, sizeof line, f))
        clean_one(line);
    fclose(f);
    unlink(l->state_path);
}
