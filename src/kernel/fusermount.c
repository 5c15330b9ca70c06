/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client of fusermount3, the setuid helper that mounts FUSE file systems
 * for users without CAP_SYS_ADMIN.
 *
 * Protocol: fusermount3 finds a unix stream socket in its environment
 * (_FUSE_COMMFD=<fd>), mounts, and sends the /dev/fuse descriptor back
 * over it as SCM_RIGHTS, then exits.
 *
 * We never pass auto_unmount to it.  fusermount3 3.14 (Debian 12) checks
 * the mount by opening it as root before unmounting, which FUSE refuses
 * without allow_other (EACCES), so its auto_unmount silently does nothing
 * for ordinary users (libfuse issue #586, fixed in 3.15).  Our own
 * watchdog, running as the user, runs "fusermount3 -u" instead.
 */
#include "kernel/watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define FUSERMOUNT "fusermount3"
#define COMMFD_ENV "_FUSE_COMMFD"
/* Where the socket sits in the helper: right after stdio. */
#define CHILD_COMMFD 3

extern char **environ;

int kmount_fusermount_find(char *path, size_t pathlen, char *err,
                           size_t errlen)
{
    const char *p = getenv("PATH");
    const char *end;

    if (!p || !*p)
        p = "/usr/local/bin:/usr/bin:/bin";
    for (;; p = end + 1) {
        size_t n;
        end = strchr(p, ':');
        if (!end)
            end = p + strlen(p);
        n = (size_t)(end - p);
        /* An empty PATH element means the current directory. */
        if (n == 0)
            snprintf(path, pathlen, "./" FUSERMOUNT);
        else
            snprintf(path, pathlen, "%.*s/" FUSERMOUNT, (int)n, p);
        if (access(path, X_OK) == 0)
            return 0;
        if (*end == '\0')
            break;
    }
    kmount_errf(err, errlen, FUSERMOUNT " not found (install Debian package "
                "fuse3)");
    return -ENOENT;
}

/*
 * A copy of our environment without any _FUSE_COMMFD, plus extra (may be
 * NULL).  Built before fork() because the child must not allocate.
 */
static char **make_env(const char *extra)
{
    size_t n = 0, i, j = 0;
    char **env;

    while (environ && environ[n])
        n++;
    env = calloc(n + 2, sizeof(*env));
    if (!env)
        return NULL;
    for (i = 0; i < n; i++)
        if (strncmp(environ[i], COMMFD_ENV "=", sizeof(COMMFD_ENV)) != 0)
            env[j++] = environ[i];
    if (extra)
        env[j++] = (char *)extra;
    env[j] = NULL;
    return env;
}

/*
 * In the child: stdio on 0-2 (so fusermount3 never writes its messages
 * into a socket or /dev/fuse that happens to sit there), the socket on
 * CHILD_COMMFD, nothing else, then exec.  System calls only.
 */
static void child_exec(const char *prog, char *const argv[], char *const env[],
                       int commfd)
{
    int keep[4] = { 0, 1, 2, -1 };
    sigset_t none;
    int fd, high = -1;

    if (commfd >= 0) {
        /* Park the socket above stdio first, so filling holes in 0-2
         * cannot land on it. */
        high = fcntl(commfd, F_DUPFD, 10);
        if (high < 0)
            _exit(127);
    }
    /* Deliberately without O_CLOEXEC: these are the helper's stdio. */
    for (fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(127);
    if (high >= 0) {
        if (dup2(high, CHILD_COMMFD) < 0)  /* dup2 clears close-on-exec */
            _exit(127);
        keep[3] = CHILD_COMMFD;
    }
    /* Descriptors without O_CLOEXEC that someone else opened would still
     * cross exec; a /dev/fuse among them would keep a dead connection
     * alive.  Drop all of them. */
    if (kmount_close_fds_except(keep, 4) < 0)
        _exit(127);

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(prog, argv, env);
    _exit(127);
}

static int wait_status(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return st;
}

static void describe_status(char *buf, size_t len, int st)
{
    if (st == -1)
        snprintf(buf, len, "status unknown");
    else if (WIFEXITED(st))
        snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(buf, len, "status 0x%x", st);
}

/* One descriptor from an SCM_RIGHTS message, close-on-exec; -1 on EOF. */
static int receive_fd(int sock)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } u;
    struct msghdr msg;
    struct iovec iov;
    struct cmsghdr *c;
    char byte;
    ssize_t n;
    int fd = -1;

    memset(&msg, 0, sizeof(msg));
    iov.iov_base = &byte;
    iov.iov_len = 1;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof(u.buf);
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        size_t i, cnt;
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < cnt; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (fd < 0)
                fd = got;
            else
                close(got);  /* never more than one; do not leak extras */
        }
    }
    return fd;
}

int kmount_fusermount_mount(const char *mountpoint, const char *opts,
                            int *fuse_fd, char *err, size_t errlen)
{
    char prog[4096], how[64];
    char *argv[] = { FUSERMOUNT, "-o", (char *)opts, "--",
                     (char *)mountpoint, NULL };
    char **env = NULL;
    int sv[2] = { -1, -1 };
    pid_t child = -1;
    int fd = -1, rc, st;

    *fuse_fd = -1;
    rc = kmount_fusermount_find(prog, sizeof(prog), err, errlen);
    if (rc < 0)
        goto out;
    env = make_env(COMMFD_ENV "=3");
    if (!env) {
        rc = -ENOMEM;
        kmount_errf(err, errlen, "out of memory");
        goto out;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        rc = -errno;
        kmount_errf(err, errlen, "socketpair: %s", strerror(-rc));
        goto out;
    }
    child = fork();
    if (child < 0) {
        rc = -errno;
        kmount_errf(err, errlen, "fork: %s", strerror(-rc));
        goto out;
    }
    if (child == 0)
        child_exec(prog, argv, env, sv[1]);

    /* Our copy of its end must go, or a fusermount3 that fails without
     * sending anything would leave recvmsg waiting forever. */
    close(sv[1]);
    sv[1] = -1;
    fd = receive_fd(sv[0]);
    st = wait_status(child);
    child = -1;
    if (fd < 0) {
        /* fusermount3 has printed its reason on stderr already; the
         * commonest one gets its fix spelled out. */
        describe_status(how, sizeof(how), st);
        if (access("/dev/fuse", R_OK | W_OK) != 0)
            kmount_errf(err, errlen, FUSERMOUNT " failed to mount %s (%s): "
                        "/dev/fuse is not open to you here; as root, "
                        "'chmod 0666 /dev/fuse' lets every user mount FUSE "
                        "file systems (Debian's default mode), or mount as "
                        "root", mountpoint, how);
        else
            kmount_errf(err, errlen, FUSERMOUNT " failed to mount %s (%s)",
                        mountpoint, how);
        rc = -EIO;
        goto out;
    }
    *fuse_fd = fd;
    rc = 0;

out:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (child > 0)
        wait_status(child);
    free(env);
    return rc;
}

int kmount_fusermount_unmount_cmd(struct kmount_cmd *c, const char *mountpoint,
                                  char *err, size_t errlen)
{
    int rc;

    memset(c, 0, sizeof(*c));
    rc = kmount_fusermount_find(c->prog, sizeof(c->prog), err, errlen);
    if (rc < 0)
        return rc;
    c->env = make_env(NULL);
    if (!c->env) {
        kmount_errf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    /* -z: lazy, so a busy mount (a shell cd'ed into it) still goes;
     * -q: "not mounted" is not worth a message here. */
    c->argv[0] = FUSERMOUNT;
    c->argv[1] = "-u";
    c->argv[2] = "-q";
    c->argv[3] = "-z";
    c->argv[4] = "--";
    c->argv[5] = (char *)mountpoint;
    c->argv[6] = NULL;
    return 0;
}

void kmount_cmd_free(struct kmount_cmd *c)
{
    free(c->env);
    c->env = NULL;
}

int kmount_fusermount_unmount(const char *mountpoint, char *err,
                              size_t errlen)
{
    struct kmount_cmd c;
    char how[64];
    pid_t child;
    int st, rc;

    rc = kmount_fusermount_unmount_cmd(&c, mountpoint, err, errlen);
    if (rc < 0)
        return rc;
    child = fork();
    if (child < 0) {
        rc = -errno;
        kmount_errf(err, errlen, "fork: %s", strerror(-rc));
        kmount_cmd_free(&c);
        return rc;
    }
    if (child == 0)
        child_exec(c.prog, c.argv, c.env, -1);
    kmount_cmd_free(&c);

    st = wait_status(child);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    describe_status(how, sizeof(how), st);
    kmount_errf(err, errlen, FUSERMOUNT " -u failed for %s (%s)", mountpoint,
                how);
    return -EIO;
}
