/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One instance's process: start it as the right user with the right
 * descriptors and environment, signal it, unmount after it. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher.h"

unsigned long long proc_start_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* after "(comm)", which may hold anything: field 22 is starttime */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    unsigned long long ticks = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
               "%*d %*d %*d %*d %llu", &ticks) != 1)
        return 0;
    return ticks;
}

/* The journal's stream socket, with its header: lines the instance
 * writes become journal entries of the instance's name. */
static int journal_stream(const char *ident)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "/run/systemd/journal/stdout");
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    char hdr[256];
    int n = snprintf(hdr, sizeof hdr, "%s\n\n6\n0\n0\n0\n0\n", ident);
    if (write(fd, hdr, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    shutdown(fd, SHUT_RD);
    return fd;
}

/* Descriptors 0-2 of the child, opened by the launcher (as root, before
 * the switch of user): stdin a pipe with the secret or /dev/null. */
static int child_stdio(const struct instance *i, int fds[3], char *err, size_t errlen)
{
    const struct lclass *c = i->cls;
    fds[0] = fds[1] = fds[2] = -1;
    if (c->credentials) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            goto fail;
        /* A pipe holds 64 KiB: the secret fits, the write never blocks.
         * One line, so that `read` in a shell or getline takes it. */
        ssize_t w = write(p[1], i->secret, i->secret_len);
        ssize_t nl = write(p[1], "\n", 1);
        close(p[1]);
        if (w != (ssize_t)i->secret_len || nl != 1) {
            close(p[0]);
            goto fail;
        }
        fds[0] = p[0];
    } else if ((fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        goto fail;
    }
    if ((fds[1] = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
        goto fail;
    if (c->stderr_journal) {
        char ident[160];
        snprintf(ident, sizeof ident, "fsp-%s@%s", i->cls_name, i->name);
        fds[2] = journal_stream(ident);
        if (fds[2] < 0)
            fds[2] = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);  /* no journald: ours */
    } else if (c->stderr_path[0]) {
        fds[2] = open(c->stderr_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
                      O_NOFOLLOW, 0640);
    } else {
        fds[2] = open("/dev/null", O_WRONLY | O_CLOEXEC);
    }
    if (fds[2] < 0)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "cannot set up the instance's stdin/stderr: %s",
             strerror(errno));
    for (int k = 0; k < 3; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    return -EIO;
}

/* In the child: never returns.  Only async-signal-safe calls after the
 * fork would be ideal; the launcher is single-threaded, so the libc
 * calls here (getpwuid, initgroups) are safe. */
static _Noreturn void child(const struct launcher *l, const struct instance *i,
                            int fds[3], pid_t launcher_pid)
{
    const struct lclass *c = i->cls;
    struct passwd *pw = getpwuid(i->run_uid);
    char home[PATH_MAX] = "/", user[64] = "nobody", env_notify[160], env_home[PATH_MAX + 8],
         env_user[80], env_logname[80], env_cls[96], env_inst[96];
    if (pw) {
        snprintf(home, sizeof home, "%s", pw->pw_dir);
        snprintf(user, sizeof user, "%s", pw->pw_name);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);   /* the launcher ignores both: an exec keeps that */
    signal(SIGHUP, SIG_DFL);
    for (int k = 0; k < 3; k++)
        if (dup2(fds[k], k) < 0)
            _exit(127);
    setsid();
    if (getuid() == 0 && i->run_uid != getuid()) {
        if (initgroups(user, i->run_gid) < 0 || setgid(i->run_gid) < 0 ||
            setuid(i->run_uid) < 0) {
            dprintf(2, "fsp-launcher: cannot become uid %u: %s\n",
                    (unsigned)i->run_uid, strerror(errno));
            _exit(127);
        }
    }
    /* The launcher's end is the instance's end: set after setuid, which
     * clears it, and checked against a launcher already gone. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != launcher_pid)
        _exit(127);
    const char *dir = c->workdir[0] ? c->workdir : home;
    if (chdir(dir) < 0 && chdir("/") < 0)
        _exit(127);
    snprintf(env_notify, sizeof env_notify, "NOTIFY_SOCKET=%s", l->notify_name);
    snprintf(env_home, sizeof env_home, "HOME=%s", home);
    snprintf(env_user, sizeof env_user, "USER=%s", user);
    snprintf(env_logname, sizeof env_logname, "LOGNAME=%s", user);
    snprintf(env_cls, sizeof env_cls, "FSP_LAUNCHER_CLASS=%s", i->cls_name);
    snprintf(env_inst, sizeof env_inst, "FSP_LAUNCHER_INSTANCE=%s", i->name);
    char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     env_notify, env_home, env_user, env_logname, env_cls, env_inst,
                     NULL };
    execve(c->executable, i->argv, envp);
    dprintf(2, "fsp-launcher: cannot run %s: %s\n", c->executable, strerror(errno));
    _exit(127);
}

int instance_spawn(struct launcher *l, struct instance *i, char *err, size_t errlen)
{
    int fds[3];
    int r = child_stdio(i, fds, err, errlen);
    if (r)
        return r;
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child(l, i, fds, me);
    int saved = errno;
    for (int k = 0; k < 3; k++)
        close(fds[k]);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(saved));
        return -saved;
    }
    i->pid = pid;
    i->start_ticks = proc_start_ticks(pid);
    i->mountpoint[0] = '\0';
    i->state = INST_STARTING;
    i->deadline = launcher_now_ms() + LAUNCHER_START_TIMEOUT_MS;
    return 0;
}

void instance_signal(struct instance *i, int sig)
{
    if (i->pid > 0)
        kill(i->pid, sig);
}

void instance_unmount(struct instance *i)
{
    if (!i->mountpoint[0] || !mountinfo_is_fuse_of(i->mountpoint, i->run_uid)) {
        i->mountpoint[0] = '\0';
        return;
    }
    /* Lazy: the dead file system's mount answers ENOTCONN and may be
     * busy; detaching it frees the mount point at once. */
    if (umount2(i->mountpoint, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
        launcher_log("%s/%s: unmounted %s", i->cls_name, i->name, i->mountpoint);
    i->mountpoint[0] = '\0';
}

void instance_free(struct instance *i)
{
    ltemplate_free(i->argv);
    if (i->secret) {
        explicit_bzero(i->secret, i->secret_len);
        free(i->secret);
    }
    if (i->client_fd >= 0)
        close(i->client_fd);
    memset(i, 0, sizeof *i);
    i->client_fd = -1;
}
