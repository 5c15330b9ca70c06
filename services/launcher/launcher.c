/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsp-launcher: start, track and stop file system instances on request
 * of permitted users (docs/launcher.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fsp/service.h"
#include "launcher.h"

#define DEFAULT_SOCKET "/run/fsp/launcher.sock"
#define DEFAULT_CONFIG "/etc/fsp/launcher.d"

static const char usage[] =
    "usage: fsp-launcher [-c DIR] [-s PATH] [-n]\n"
    "\n"
    "Start and stop file system instances for permitted users.\n"
    "\n"
    "  -c, --config-dir DIR  class files CLASS.conf (default " DEFAULT_CONFIG ")\n"
    "  -s, --socket PATH     control socket (default " DEFAULT_SOCKET ")\n"
    "  -n, --check           check the class files, then exit (1: one is broken)\n"
    "  -h, --help            show this help\n";

uint64_t launcher_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void launcher_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "fsp-launcher: %s\n", line);
}

static int broken_classes;

static void report(const char *msg)
{
    broken_classes++;
    launcher_log("%s", msg);
}

/* The socket from systemd's socket activation, if we were given one. */
static int activated_socket(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (!pid || !fds || atoi(pid) != (int)getpid() || atoi(fds) != 1)
        return -1;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET) {
        launcher_log("the activated socket is not a SOCK_SEQPACKET Unix socket");
        return -2;
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    fcntl(3, F_SETFL, O_NONBLOCK);
    return 3;
}

/* Does a live launcher answer on path? */
static int socket_in_use(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return 0;
    strcpy(a.sun_path, path);
    int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    int live = probe >= 0 && connect(probe, (struct sockaddr *)&a, sizeof a) == 0;
    if (probe >= 0)
        close(probe);
    return live;
}

static int listen_on(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path) {
        snprintf(err, errlen, "socket path too long");
        return -ENAMETOOLONG;
    }
    strcpy(a.sun_path, path);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    dirname(dir);
    if (!strcmp(path, DEFAULT_SOCKET))
        mkdir(dir, 0755);   /* /run is a tmpfs: made anew at each boot */
    /* Whoever can write the directory can replace the socket or the
     * state file under us. */
    int r = lconf_check_trusted(dir, 1, err, errlen);
    if (r)
        return r;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        goto fail;
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "%s exists and is not a socket", path);
            close(fd);
            return -EEXIST;
        }
        if (socket_in_use(path)) {
            snprintf(err, errlen, "another launcher serves %s", path);
            close(fd);
            return -EADDRINUSE;
        }
        unlink(path);   /* a dead launcher's */
    }
    /* Everyone may connect: who the caller is comes from SO_PEERCRED. */
    mode_t old = umask(0111);
    r = bind(fd, (struct sockaddr *)&a, sizeof a);
    umask(old);
    if (r < 0 || listen(fd, 64) < 0)
        goto fail;
    return fd;
fail:
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    r = -errno;
    if (fd >= 0)
        close(fd);
    return r;
}

/* Instances tell us READY=1 here ($NOTIFY_SOCKET).  Abstract, with a
 * random name nobody can take first; SO_PASSCRED, so that each message
 * carries its sender's pid, checked by the kernel. */
static int notify_socket(struct launcher *l, char *err, size_t errlen)
{
    unsigned long long rnd = 0;
    if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
        rnd = (unsigned long long)launcher_now_ms() ^ (unsigned long long)getpid() << 32;
    snprintf(l->notify_name, sizeof l->notify_name, "@fsp-launcher-%d-%016llx",
             (int)getpid(), rnd);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t len = strlen(l->notify_name);
    memcpy(a.sun_path + 1, l->notify_name + 1, len - 1);
    int one = 1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&a,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
        snprintf(err, errlen, "notify socket: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);   /* reloading classes under live instances: not yet */
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "config-dir", required_argument, NULL, 'c' },
        { "socket", required_argument, NULL, 's' },
        { "check", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct launcher l;
    char err[1024];
    int c, check = 0, rc = 1, activated;
    fsp_service *svc = NULL;

    l.socket_path = DEFAULT_SOCKET;
    l.config_dir = DEFAULT_CONFIG;
    l.listen_fd = l.notify_fd = l.signal_fd = -1;
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++)
        l.inst[k].client_fd = -1;
    while ((c = getopt_long(argc, argv, "c:s:nh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': l.config_dir = optarg; break;
        case 's': l.socket_path = optarg; break;
        case 'n': check = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "fsp-launcher: unexpected argument '%s'\n", argv[optind]);
        return 1;
    }
    l.nclasses = lconf_load_dir(l.config_dir, &l.classes, report, err, sizeof err);
    if (l.nclasses < 0) {
        launcher_log("%s", err);
        return 1;
    }
    launcher_log("%d class(es) loaded from %s", l.nclasses, l.config_dir);
    /* --check is for an administrator or a package script: any broken
     * class fails it */
    if (check) {
        rc = broken_classes ? 1 : 0;
        goto out;
    }

    /* In the foreground always; READY=1 to systemd once serving. */
    if (fsp_service_new("fsp-launcher", FSP_SERVICE_FOREGROUND, &svc))
        svc = NULL;
    if ((l.signal_fd = signals()) < 0) {
        launcher_log("signalfd: %s", strerror(errno));
        goto out;
    }
    activated = activated_socket();
    if (activated == -2)
        goto out;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", l.socket_path);
    const char *sdir = dirname(dir);
    snprintf(l.state_path, sizeof l.state_path, "%s/launcher.state", sdir);
    if (activated >= 0) {
        if (lconf_check_trusted(sdir, 1, err, sizeof err)) {
            launcher_log("%s", err);
            goto out;
        }
        l.listen_fd = activated;
    }
    /* A predecessor that died left processes and mounts: undo them
     * before we take over its socket -- but never a live launcher's. */
    if (activated < 0 && socket_in_use(l.socket_path)) {
        launcher_log("another launcher serves %s", l.socket_path);
        goto out;
    }
    state_cleanup_stale(&l);
    if (activated < 0 && (l.listen_fd = listen_on(l.socket_path, err, sizeof err)) < 0) {
        launcher_log("%s", err);
        goto out;
    }
    if ((l.notify_fd = notify_socket(&l, err, sizeof err)) < 0) {
        launcher_log("%s", err);
        goto out;
    }
    launcher_log("serving %s", l.socket_path);
    if (svc)
        fsp_service_notify(svc, "READY=1\nSTATUS=Serving");
    if (server_run(&l) < 0)
        launcher_log("poll: %s", strerror(errno));
    if (svc)
        fsp_service_notify(svc, "STOPPING=1");
    state_remove(&l);
    if (activated < 0)
        unlink(l.socket_path);
    launcher_log("stopped");
    rc = 0;
out:
    if (l.listen_fd >= 0)
        close(l.listen_fd);
    if (l.notify_fd >= 0)
        close(l.notify_fd);
    if (l.signal_fd >= 0)
        close(l.signal_fd);
    lconf_free_all(l.classes, l.nclasses);
    if (svc)
        fsp_service_delete(svc, rc);
    return rc;
}
