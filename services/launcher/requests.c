/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control requests: start, start-with-secret, stop, list, info.
 * Each gets a reply at once, except start and stop, whose connection is
 * kept until the instance is ready or gone (events.c answers them). */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"

static const char *state_name(enum inst_state s)
{
    switch (s) {
    case INST_STARTING: return "starting";
    case INST_RUNNING: return "running";
    case INST_STOPPING: return "stopping";
    case INST_WAIT_RESTART: return "restarting";
    }
    return "?";
}

static const struct lclass *find_class(struct launcher *l, const char *name)
{
    for (int k = 0; k < l->nclasses; k++)
        if (!strcmp(l->classes[k].name, name))
            return &l->classes[k];
    return NULL;
}

static struct instance *find_instance(struct launcher *l, const char *cls, const char *name)
{
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++) {
        struct instance *i = &l->inst[k];
        if (i->used && !strcmp(i->cls_name, cls) && !strcmp(i->name, name))
            return i;
    }
    return NULL;
}

static void user_name(uid_t uid, char *out, size_t size)
{
    struct passwd *p = getpwuid(uid);
    if (p)
        snprintf(out, size, "%s", p->pw_name);
    else
        snprintf(out, size, "%u", (unsigned)uid);
}

static int reply_now(int fd, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int reply_now(int fd, int status, const char *fmt, ...)
{
    char msg[LPROTO_MAX_FIELD];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct lproto_buf r;
    lproto_reply(&r, status, "%s", msg);
    server_reply(fd, &r);
    return 1;
}

/* Returns 1 when the reply went (close fd), 0 when fd now waits in an
 * instance. */
static int do_start(struct launcher *l, int fd, const struct lproto_request *q,
                    uid_t caller)
{
    char err[512];
    const struct lclass *c = find_class(l, q->cls);
    if (!c)
        return reply_now(fd, ENOENT, "no class '%s'", q->cls);
    if (!access_class_allowed(c, caller))
        return reply_now(fd, EACCES, "class '%s' does not allow you", q->cls);
    if (l->quitting)
        return reply_now(fd, ESHUTDOWN, "the launcher is stopping");
    if (find_instance(l, q->cls, q->instance))
        return reply_now(fd, EEXIST, "instance %s/%s exists already", q->cls, q->instance);
    if (c->credentials && q->verb != LPROTO_START_SECRET)
        return reply_now(fd, EINVAL, "class '%s' needs a secret: use start-with-secret",
                         q->cls);
    if (!c->credentials && q->verb == LPROTO_START_SECRET)
        return reply_now(fd, EINVAL, "class '%s' takes no secret: use start", q->cls);
    if (q->secret && strchr(q->secret, '\n'))
        return reply_now(fd, EINVAL, "a secret is one line");
    if (q->nargs < c->max_arg) {
        snprintf(err, sizeof err, "class '%s' needs %d argument(s), got %d", q->cls,
                 c->max_arg, q->nargs);
        return reply_now(fd, EINVAL, "%s", err);
    }
    struct instance *i = NULL;
    for (int k = 0; k < LAUNCHER_MAX_INSTANCES && !i; k++)
        if (!l->inst[k].used)
            i = &l->inst[k];
    if (!i)
        return reply_now(fd, EAGAIN, "too many instances");

    uid_t run_uid = geteuid();
    gid_t run_gid = getegid();
    if (c->run_as_caller) {
        struct passwd *p = getpwuid(caller);
        if (!p)
            return reply_now(fd, EINVAL, "your uid has no user name");
        run_uid = p->pw_uid;
        run_gid = p->pw_gid;
    } else if (c->run_as_set) {
        run_uid = c->run_uid;
        run_gid = c->run_gid;
    }
    for (int a = 0; a < q->nargs; a++)
        if (access_check_argument(q->args[a], caller, run_uid, err, sizeof err))
            return reply_now(fd, EPERM, "%s", err);

    memset(i, 0, sizeof *i);
    i->client_fd = -1;
    i->cls = c;
    snprintf(i->cls_name, sizeof i->cls_name, "%s", q->cls);
    snprintf(i->name, sizeof i->name, "%s", q->instance);
    i->owner = caller;
    user_name(caller, i->owner_name, sizeof i->owner_name);
    i->run_uid = run_uid;
    i->run_gid = run_gid;
    i->started = (int64_t)time(NULL);
    if (ltemplate_expand(c->words, c->nwords, c->executable, q->args, q->nargs,
                         i->owner_name, caller, &i->argv, err, sizeof err)) {
        instance_free(i);
        return reply_now(fd, EINVAL, "%s", err);
    }
    /* Also the words the arguments went into: "/srv/fsp/%1" names a
     * file as much as "%1" does. */
    for (int w = 0; w < c->nwords; w++) {
        if (!ltemplate_uses_args(c->words[w]))
            continue;
        if (access_check_argument(i->argv[w + 1], caller, run_uid, err, sizeof err) &&
            i->argv[w + 1][0] != '-') {
            instance_free(i);
            return reply_now(fd, EPERM, "%s", err);
        }
    }
    if (q->secret) {
        i->secret_len = strlen(q->secret);
        if (!(i->secret = strdup(q->secret))) {
            instance_free(i);
            return reply_now(fd, ENOMEM, "out of memory");
        }
    }
    i->used = 1;
    if (instance_spawn(l, i, err, sizeof err)) {
        instance_free(i);
        return reply_now(fd, EIO, "%s", err);
    }
    launcher_log("%s/%s: started pid %d for %s", i->cls_name, i->name, (int)i->pid,
                 i->owner_name);
    i->client_fd = fd;
    state_save(l);
    return 0;
}

static int do_stop(struct launcher *l, int fd, const struct lproto_request *q, uid_t caller)
{
    struct instance *i = find_instance(l, q->cls, q->instance);
    if (!i)
        return reply_now(fd, ENOENT, "no instance %s/%s", q->cls, q->instance);
    if (!access_instance_allowed(i, caller))
        return reply_now(fd, EACCES, "instance %s/%s is not yours", q->cls, q->instance);
    if (i->client_fd >= 0)
        return reply_now(fd, EBUSY, "instance %s/%s is busy starting or stopping",
                         q->cls, q->instance);
    if (i->pid <= 0) {   /* waiting to be restarted: nothing runs */
        instance_free(i);
        state_save(l);
        return reply_now(fd, 0, "stopped %s/%s", q->cls, q->instance);
    }
    i->stop_requested = 1;
    i->state = INST_STOPPING;
    i->deadline = launcher_now_ms() + LAUNCHER_STOP_TIMEOUT_MS;
    instance_signal(i, SIGTERM);
    i->client_fd = fd;
    return 0;
}

static void describe(struct lproto_buf *r, const struct instance *i)
{
    char run_as[64];
    user_name(i->run_uid, run_as, sizeof run_as);
    char when[64] = "";
    time_t t = (time_t)i->started;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    lproto_addf(r, "class=%s", i->cls_name);
    lproto_addf(r, "instance=%s", i->name);
    lproto_addf(r, "state=%s", state_name(i->state));
    lproto_addf(r, "pid=%d", (int)i->pid);
    lproto_addf(r, "owner=%s", i->owner_name);
    lproto_addf(r, "run_as=%s", run_as);
    lproto_addf(r, "mountpoint=%s", i->mountpoint);
    lproto_addf(r, "started=%s", when);
    lproto_addf(r, "restarts=%u", i->restarts);
    char cmd[LPROTO_MAX_FIELD] = "";
    size_t len = 0;
    for (char **a = i->argv; a && *a && len < sizeof cmd; a++)
        len += (size_t)snprintf(cmd + len, sizeof cmd - len, "%s%s", len ? " " : "", *a);
    lproto_addf(r, "command=%s", cmd);
}

/* Handle one request; returns 1 when fd may be closed. */
int requests_handle(struct launcher *l, int fd, char *buf, size_t len, uid_t caller)
{
    struct lproto_request q;
    struct lproto_buf r;
    int e = lproto_parse_request(buf, len, &q);
    if (e) {
        const char *why = e == -EOPNOTSUPP ? "unknown request"
                        : e == -EINVAL ? "bad arguments (count or names)"
                        : e == -EMSGSIZE ? "request too large"
                        : "malformed request (protocol " LPROTO_TAG " expected)";
        return reply_now(fd, -e, "%s", why);
    }
    switch (q.verb) {
    case LPROTO_START:
    case LPROTO_START_SECRET:
        return do_start(l, fd, &q, caller);
    case LPROTO_STOP:
        return do_stop(l, fd, &q, caller);
    case LPROTO_INFO: {
        struct instance *i = find_instance(l, q.cls, q.instance);
        if (!i)
            return reply_now(fd, ENOENT, "no instance %s/%s", q.cls, q.instance);
        if (!access_instance_allowed(i, caller))
            return reply_now(fd, EACCES, "instance %s/%s is not yours", q.cls, q.instance);
        lproto_reply(&r, 0, "instance %s/%s", q.cls, q.instance);
        describe(&r, i);
        server_reply(fd, &r);
        return 1;
    }
    case LPROTO_LIST: {
        int n = 0;
        lproto_reply(&r, 0, "instances");
        for (int k = 0; k < LAUNCHER_MAX_INSTANCES; k++) {
            const struct instance *i = &l->inst[k];
            if (!i->used || !access_instance_allowed(i, caller))
                continue;
            lproto_addf(&r, "%s\t%s\t%d\t%s\t%s\t%s", i->cls_name, i->name, (int)i->pid,
                        state_name(i->state), i->owner_name, i->mountpoint);
            n++;
        }
        if (r.overflow)
            lproto_reply(&r, EMSGSIZE, "too many instances to list (%d)", n);
        server_reply(fd, &r);
        return 1;
    }
    }
    return reply_now(fd, EPROTO, "unknown request");
}
