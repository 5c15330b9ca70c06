/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service life cycle (include/fsp/service.h): fork and wait for
 * readiness, report it once mounted, run, report stopping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs_int.h"
#include "service_int.h"

/* The parent of a daemon: exit with what the child reports.  A child
 * that dies before it says anything failed. */
static _Noreturn void wait_for_child(int fd)
{
    unsigned char status = 1;
    ssize_t n;
    do
        n = read(fd, &status, 1);
    while (n < 0 && errno == EINTR);
    _exit(n == 1 ? status : 1);
}

static int daemonize(struct fsp_service *svc)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int err = -errno;
        close(fds[0]);
        close(fds[1]);
        return err;
    }
    if (pid > 0) {
        close(fds[1]);
        wait_for_child(fds[0]);
    }
    close(fds[0]);
    svc->parent_fd = fds[1];
    setsid();
    return 0;
}

static void tell_parent(struct fsp_service *svc, int status)
{
    if (svc->parent_fd < 0)
        return;
    unsigned char b = (unsigned char)(status ? status : 0);
    if (write(svc->parent_fd, &b, 1) != 1) {
        /* the parent is gone: nobody to tell */
    }
    close(svc->parent_fd);
    svc->parent_fd = -1;
}

int fsp_service_new(const char *name, unsigned flags, fsp_service **out)
{
    if (!name || !out || (flags & ~(FSP_SERVICE_FOREGROUND | FSP_SERVICE_SYSLOG)))
        return -EINVAL;
    struct fsp_service *svc = calloc(1, sizeof *svc);
    if (!svc)
        return -ENOMEM;
    snprintf(svc->name, sizeof svc->name, "%s", name);
    svc->flags = flags;
    svc->parent_fd = -1;
    int err = nat_service_notify_init(svc);
    if (err) {
        free(svc);
        return err;
    }
    /* A manager watches the pid it started: a fork would lose it. */
    if (!(flags & FSP_SERVICE_FOREGROUND) && svc->notify_fd < 0 &&
        (err = daemonize(svc))) {
        free(svc);
        return err;
    }
    if (flags & FSP_SERVICE_SYSLOG) {
        openlog(svc->name, LOG_PID, LOG_DAEMON);
        svc->use_syslog = 1;
    }
    *out = svc;
    return 0;
}

static void detach_stdio(struct fsp_service *svc)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;   /* keep the terminal rather than lose fds 0-2 */
    if (!svc->use_syslog) {
        openlog(svc->name, LOG_PID, LOG_DAEMON);
        svc->use_syslog = 1;
    }
    if (chdir("/") < 0) {
        /* the working directory only pins a file system: harmless */
    }
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
}

int fsp_service_run(fsp_service *svc, fsp_fs *fs)
{
    if (!svc || !fs || svc->ready)
        return -EINVAL;
    int err = fsp_fs_set_signal_handlers(fs);
    if (err)
        return err;
    /* The mount point travels with READY=1 (an assignment systemd
     * ignores) so that fsp-launcher learns what to unmount after a
     * crash without guessing from the command line. */
    char msg[2 * sizeof fs->mnt.mountpoint + 64];
    const char *mp = fs->mnt.mountpoint;
    if (strchr(mp, '\n'))  /* would end the assignment: say nothing */
        mp = "";
    snprintf(msg, sizeof msg, "READY=1\nSTATUS=Mounted on %s\nFSP_MOUNTPOINT=%s",
             mp, mp);
    if ((err = fsp_service_notify(svc, msg)))
        fsp_service_log(svc, LOG_WARNING, "cannot notify the service manager: %s",
                        strerror(-err));
    svc->ready = 1;
    if (svc->parent_fd >= 0) {
        tell_parent(svc, 0);
        detach_stdio(svc);
    }
    int r = fsp_fs_run(fs);
    fsp_service_notify(svc, "STOPPING=1");
    return r;
}

int fsp_service_delete(fsp_service *svc, int exit_status)
{
    if (!svc)
        return exit_status;
    if (!svc->ready) {
        char msg[64];
        snprintf(msg, sizeof msg, "STATUS=Failed to start\nEXIT_STATUS=%d",
                 exit_status);
        fsp_service_notify(svc, msg);
        tell_parent(svc, exit_status ? exit_status : 1);
    }
    nat_service_notify_close(svc);
    if (svc->use_syslog)
        closelog();
    free(svc);
    return exit_status;
}
