/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launcher's event loop: one thread, poll(2) over the listening
 * socket, the client connections, the notify socket (instances say
 * READY=1 there) and a signalfd (SIGCHLD: an instance ended; SIGTERM,
 * SIGINT: stop everything and leave).  Every wait has a deadline, so
 * no client and no instance can stall the others.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

int requests_handle(struct launcher *l, int fd, char *buf, size_t len, uid_t caller);

#define MAX_CONNS 64
#define CONN_TIMEOUT_MS 5000   /* a client has this long to send its request */

struct conn {
    int fd;
    uint64_t deadline;
};

static struct conn conns[MAX_CONNS];
static int nconns;

void server_reply(int fd, const struct lproto_buf *b)
{
    /* A client that went away gets nothing: MSG_NOSIGNAL, no SIGPIPE. */
    if (send(fd, b->data, b->len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EPIPE)
        launcher_log("reply: %s", strerror(errno));
}

static void reply_instance(struct instance *i, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_instance(struct instance *i, int status, const char *fmt, ...)
{
    if (i->client_fd < 0)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct lproto_buf r;
    lproto_reply(&r, status, "%s", msg);
    if (status == 0 && i->mountpoint[0])
        lproto_addf(&r, "mountpoint=%s", i->mountpoint);
    server_reply(i->client_fd, &r);
    close(i->client_fd);
    i->client_fd = -1;
}

static void accept_one(struct launcher *l)
{
    int fd = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    if (nconns == MAX_CONNS) {
        struct lproto_buf r;
        lproto_reply(&r, EBUSY, "too many clients at once");
        server_reply(fd, &r);
        close(fd);
        return;
    }
    conns[nconns++] = (struct conn){ fd, launcher_now_ms() + CONN_TIMEOUT_MS };
}

static void drop_conn(int k)
{
    conns[k] = conns[--nconns];
}

static void read_conn(struct launcher *l, int k)
{
    static char buf[LPROTO_MAX_MSG + 1];
    int fd = conns[k].fd;
    struct ucred cred;
    socklen_t clen = sizeof cred;
    /* MSG_TRUNC: the real length of a message larger than the buffer */
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    drop_conn(k);
    if (n <= 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
        close(fd);
        return;
    }
    if ((size_t)n > LPROTO_MAX_MSG) {
        struct lproto_buf r;
        lproto_reply(&r, EMSGSIZE, "request larger than %d bytes", LPROTO_MAX_MSG);
        server_reply(fd, &r);
        close(fd);
        return;
    }
    if (requests_handle(l, fd, buf, (size_t)n, cred.uid))
        close(fd);
    explicit_bzero(buf, sizeof buf);   /* it may have held a secret */
}

/* One datagram on the notify socket: only the instance's own process
 * (the kernel's SCM_CREDENTIALS, not the text) can make it ready. */
static void read_notify(struct launcher *l)
{
    char buf[4096 + 256];
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(struct ucred))];
    } ctl;
    struct iovec iov = { buf, sizeof buf - 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
    ssize_t n = recvmsg(l->notify_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0)
        return;
    buf[n] = '\0';
    struct ucred *cred = NULL;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
            cred = (struct ucred *)CMSG_DATA(c);
        else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            for (int *fd = (int *)CMSG_DATA(c);
                 (char *)(fd + 1) <= (char *)c + c->cmsg_len; fd++)
                close(*fd);   /* nobody sends us descriptors */
    if (!cred || cred->pid <= 0)
        return;
    struct instance *i = NULL;
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES && !i; k++)
        if (l->inst[k].used && l->inst[k].pid == cred->pid)
            i = &l->inst[k];
    if (!i)
        return;
    int ready = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!strcmp(line, "READY=1"))
            ready = 1;
        else if (!strncmp(line, "FSP_MOUNTPOINT=", 15))
            snprintf(i->mountpoint, sizeof i->mountpoint, "%s", line + 15);
    }
    if (ready && i->state == INST_STARTING) {
        i->state = INST_RUNNING;
        i->deadline = 0;
        launcher_log("%s/%s: ready, pid %d, mounted on %s", i->cls_name, i->name,
                     (int)i->pid, i->mountpoint[0] ? i->mountpoint : "?");
        reply_instance(i, 0, "started %s/%s, pid %d", i->cls_name, i->name, (int)i->pid);
        state_save(l);
    }
}

static void describe_status(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, size, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "status %#x", (unsigned)status);
}

static void reaped(struct launcher *l, struct instance *i, int status)
{
    char how[128];
    describe_status(status, how, sizeof how);
    int was_running = i->state == INST_RUNNING;
    i->pid = 0;
    instance_unmount(i);
    if (i->stop_requested || l->quitting) {
        launcher_log("%s/%s: stopped (%s)", i->cls_name, i->name, how);
        reply_instance(i, 0, "stopped %s/%s", i->cls_name, i->name);
        instance_free(i);
    } else if (!was_running && i->client_fd >= 0) {
        launcher_log("%s/%s: failed to start (%s)", i->cls_name, i->name, how);
        reply_instance(i, EIO, "%s/%s failed to start: %s (see its Stderr)",
                       i->cls_name, i->name, how);
        instance_free(i);
    } else if (i->restarts < (unsigned)i->cls->restart) {
        launcher_log("%s/%s: ended (%s); restarting in %d ms (%u of %d)", i->cls_name,
                     i->name, how, LAUNCHER_RESTART_DELAY_MS, i->restarts + 1,
                     i->cls->restart);
        i->state = INST_WAIT_RESTART;
        i->deadline = launcher_now_ms() + LAUNCHER_RESTART_DELAY_MS;
    } else {
        launcher_log("%s/%s: ended (%s); not restarted", i->cls_name, i->name, how);
        instance_free(i);
    }
    state_save(l);
}

static void read_signals(struct launcher *l)
{
    struct signalfd_siginfo si;
    while (read(l->signal_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            if (!l->quitting)
                launcher_log("signal %d: stopping every instance", (int)si.ssi_signo);
            l->quitting = 1;
        }
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++)
            if (l->inst[k].used && l->inst[k].pid == pid) {
                reaped(l, &l->inst[k], status);
                break;
            }
    }
}

static void deadlines(struct launcher *l, uint64_t now)
{
    char err[512];
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++) {
        struct instance *i = &l->inst[k];
        if (!i->used || !i->deadline || i->deadline > now)
            continue;
        i->deadline = 0;
        switch (i->state) {
        case INST_STARTING:
            launcher_log("%s/%s: not ready in time: killed", i->cls_name, i->name);
            reply_instance(i, ETIMEDOUT, "%s/%s was not ready within %d s", i->cls_name,
                           i->name, LAUNCHER_START_TIMEOUT_MS / 1000);
            i->stop_requested = 1;
            instance_signal(i, SIGKILL);
            break;
        case INST_STOPPING:
            launcher_log("%s/%s: did not stop in time: killed", i->cls_name, i->name);
            instance_signal(i, SIGKILL);
            break;
        case INST_WAIT_RESTART:
            i->restarts++;
            if (instance_spawn(l, i, err, sizeof err)) {
                launcher_log("%s/%s: restart failed: %s", i->cls_name, i->name, err);
                instance_free(i);
            } else {
                launcher_log("%s/%s: restarted, pid %d", i->cls_name, i->name, (int)i->pid);
            }
            state_save(l);
            break;
        case INST_RUNNING:
            break;
        }
    }
    for (int k = nconns - 1; k >= 0; k--)
        if (conns[k].deadline <= now) {
            close(conns[k].fd);
            drop_conn(k);
        }
}

/* Leaving: every instance gets SIGTERM, then SIGKILL at its deadline. */
static int wind_down(struct launcher *l)
{
    int alive = 0;
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++) {
        struct instance *i = &l->inst[k];
        if (!i->used)
            continue;
        if (i->pid <= 0) {
            instance_free(i);
            continue;
        }
        alive++;
        if (!i->stop_requested) {
            i->stop_requested = 1;
            i->state = INST_STOPPING;
            i->deadline = launcher_now_ms() + LAUNCHER_STOP_TIMEOUT_MS;
            instance_signal(i, SIGTERM);
        }
    }
    return alive;
}

int server_run(struct launcher *l)
{
    struct pollfd pfd[3 + MAX_CONNS];
    for (;;) {
        if (l->quitting) {
            if (l->listen_fd >= 0) {
                close(l->listen_fd);
                l->listen_fd = -1;
            }
            if (!wind_down(l))
                break;
        }
        uint64_t now = launcher_now_ms(), next = now + 60000;
        for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++)
            if (l->inst[k].used && l->inst[k].deadline && l->inst[k].deadline < next)
                next = l->inst[k].deadline;
        for (int k = 0; k < nconns; k++)
            if (conns[k].deadline < next)
                next = conns[k].deadline;
        int n = 0;
        pfd[n++] = (struct pollfd){ l->signal_fd, POLLIN, 0 };
        pfd[n++] = (struct pollfd){ l->notify_fd, POLLIN, 0 };
        pfd[n++] = (struct pollfd){ l->listen_fd, POLLIN, 0 };   /* -1: ignored */
        for (int k = 0; k < nconns; k++)
            pfd[n++] = (struct pollfd){ conns[k].fd, POLLIN, 0 };
        int r = poll(pfd, (nfds_t)n, (int)(next > now ? next - now : 0));
        if (r < 0 && errno != EINTR)
            return -errno;
        if (pfd[0].revents)
            read_signals(l);
        if (pfd[1].revents)
            read_notify(l);
        /* connections first, by their fd: accepting reorders the array */
        for (int k = 3; k < n; k++) {
            if (!pfd[k].revents)
                continue;
            for (int c = 0; c < nconns; c++)
                if (conns[c].fd == pfd[k].fd) {
                    read_conn(l, c);
                    break;
                }
        }
        if (pfd[2].revents && l->listen_fd >= 0)
            accept_one(l);
        deadlines(l, launcher_now_ms());
    }
    for (int k = 0; k < nconns; k++)
        close(conns[k].fd);
    nconns = 0;
    return 0;
}
