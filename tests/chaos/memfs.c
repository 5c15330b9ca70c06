/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsp-chaos: starting memfs and watching its mount come and go. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chaos.h"

int chaos_is_mounted(const char *mnt)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], point[4096], *dash;
    int found = 0;

    if (!f)
        return -errno;
    while (fgets(line, sizeof line, f)) {
        /* id parent major:minor root MOUNTPOINT options ... - FSTYPE ... */
        if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
            continue;
        dash = strstr(line, " - ");
        if (strcmp(point, mnt) == 0 && dash && strncmp(dash + 3, "fuse", 4) == 0)
            found = 1;
    }
    fclose(f);
    return found;
}

int chaos_wait_unmounted(const char *mnt, int timeout_ms)
{
    int64_t deadline = chaos_now_ms() + timeout_ms;

    while (chaos_is_mounted(mnt) > 0) {
        if (chaos_now_ms() >= deadline)
            return -ETIMEDOUT;
        usleep(10000);
    }
    return 0;
}

int chaos_memfs_start(struct chaos_memfs *m, int timeout_ms)
{
    char prog[4096];
    const char *argv[10];
    int argc = 0, status;
    int64_t deadline;

    snprintf(prog, sizeof prog, "%s/memfs", m->build);
    argv[argc++] = prog;
    argv[argc++] = "-f";
    if (m->slowio)
        argv[argc++] = "-S";
    if (m->nocache)
        argv[argc++] = "-C";
    if (m->opts && *m->opts) {
        argv[argc++] = "-o";
        argv[argc++] = m->opts;
    }
    argv[argc++] = m->mnt;
    argv[argc] = NULL;

    fflush(NULL);
    m->pid = fork();
    if (m->pid < 0)
        return -errno;
    if (m->pid == 0) {
        /* Should the orchestrator itself die, memfs goes with it and its
         * watchdog unmounts: nothing stays mounted behind a failed run. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int log = open(m->logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log >= 0) {
            dup2(log, 1);
            dup2(log, 2);
        }
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    deadline = chaos_now_ms() + timeout_ms;
    while (chaos_is_mounted(m->mnt) <= 0) {
        if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
            m->pid = 0;
            return -EIO;
        }
        if (chaos_now_ms() >= deadline)
            return -ETIMEDOUT;
        usleep(10000);
    }
    return 0;
}

int chaos_memfs_wait(struct chaos_memfs *m, int timeout_ms, int *status)
{
    int64_t deadline = chaos_now_ms() + timeout_ms;

    for (;;) {
        pid_t r = waitpid(m->pid, status, WNOHANG);
        if (r == m->pid) {
            m->pid = 0;
            return 1;
        }
        if (r < 0)
            return -errno;
        if (chaos_now_ms() >= deadline)
            return 0;
        usleep(10000);
    }
}
