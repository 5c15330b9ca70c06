/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsp-launcher's shared state: the classes, the instances, the loop. */
#ifndef LAUNCHER_H
#define LAUNCHER_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "template.h"
#include "proto.h"

#define LAUNCHER_MAX_INSTANCES 256
#define LAUNCHER_START_TIMEOUT_MS 30000  /* from exec to READY=1 */
#define LAUNCHER_STOP_TIMEOUT_MS  10000  /* from SIGTERM to SIGKILL */
#define LAUNCHER_RESTART_DELAY_MS 1000

enum inst_state { INST_STARTING, INST_RUNNING, INST_STOPPING, INST_WAIT_RESTART };

struct instance {
    int used;
    const struct lclass *cls;
    char cls_name[64], name[64];
    enum inst_state state;
    pid_t pid;                      /* 0 when no process */
    unsigned long long start_ticks; /* /proc/PID/stat starttime: pid reuse */
    uid_t owner;                    /* who started it */
    char owner_name[64];
    uid_t run_uid;
    gid_t run_gid;
    char mountpoint[PATH_MAX];      /* from FSP_MOUNTPOINT, "" until ready */
    int64_t started;                /* wall clock, s */
    unsigned restarts;
    int stop_requested;
    uint64_t deadline;              /* monotonic ms; 0 = none */
    int client_fd;                  /* a start or stop waiting for its reply */
    char **argv;                    /* kept for restarts */
    char *secret;                   /* start-with-secret, kept for restarts */
    size_t secret_len;
};

struct launcher {
    const char *socket_path, *config_dir;
    char state_path[PATH_MAX];
    char notify_name[108];          /* abstract: "@fsp-launcher-PID" */
    int listen_fd, notify_fd, signal_fd;
    struct lclass *classes;
    int nclasses;
    struct instance inst[LAUNCHER_MAX_INSTANCES];
    int quitting;
};

uint64_t launcher_now_ms(void);
void launcher_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* access.c */
/* May uid (with its groups) use class c at all? */
int access_class_allowed(const struct lclass *c, uid_t uid);
/* May uid stop or inspect instance i? */
int access_instance_allowed(const struct instance *i, uid_t uid);
/* A start argument that names an existing file must be the caller's
 * when the instance runs as someone else (it may be a mount point):
 * 0 or -EPERM / -EINVAL with the reason in err. */
int access_check_argument(const char *arg, uid_t caller, uid_t run_as,
                          char *err, size_t errlen);

/* instance.c */
int instance_spawn(struct launcher *l, struct instance *i, char *err, size_t errlen);
void instance_signal(struct instance *i, int sig);
/* Unmount what the instance mounted (lazy: its process may be gone). */
void instance_unmount(struct instance *i);
void instance_free(struct instance *i);
unsigned long long proc_start_ticks(pid_t pid);

/* mountinfo.c: is path the mount point of a FUSE mount of user uid in
 * our mount namespace?  Only such a mount is ever unmounted: the mount
 * point an instance reports is its word, not the truth. */
int mountinfo_is_fuse_of(const char *path, uid_t uid);

/* state.c: what survives a launcher crash, so the next one can clean. */
void state_save(struct launcher *l);
void state_cleanup_stale(struct launcher *l);
void state_remove(struct launcher *l);

/* server.c */
int server_run(struct launcher *l);
void server_reply(int fd, const struct lproto_buf *b);

#endif
