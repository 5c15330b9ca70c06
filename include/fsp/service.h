/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp's service framework: a file system as a well-behaved background
 * program, the analogue of WinFsp's FspService API, shaped for Linux.
 *
 *     fsp_service *svc;
 *     if (fsp_service_new("myfs", foreground ? FSP_SERVICE_FOREGROUND : 0,
 *                         &svc))
 *         return 1;
 *     ... fsp_fs_new, fsp_fs_mount (errors: fsp_service_log) ...
 *     int rc = fsp_service_run(svc, fs) ? 1 : 0;
 *     fsp_fs_delete(fs);
 *     return fsp_service_delete(svc, rc);
 *
 * Readiness means "mounted": whoever started the program learns it only
 * once the mount is live, and learns a failure with its exit status:
 *
 *  - A plain daemon (no FSP_SERVICE_FOREGROUND, no service manager): the
 *    process forks in fsp_service_new; the parent waits and exits when
 *    the child is mounted (status 0) or has failed (the child's exit
 *    status), so `myfs DIR && ls DIR` works.
 *  - Under a service manager ($NOTIFY_SOCKET set: systemd Type=notify,
 *    fsp-launcher): the process stays in the foreground (the manager
 *    watches its pid) and sends "READY=1" once mounted and "STOPPING=1"
 *    when it stops, in the systemd notify protocol, spoken directly (no
 *    libsystemd).
 *
 * SIGTERM, SIGINT and SIGHUP unmount and end fsp_service_run; so does an
 * unmount from outside (umount, fusermount3 -u).
 */
#ifndef FSP_SERVICE_H
#define FSP_SERVICE_H

#include <syslog.h>   /* LOG_ERR, LOG_INFO, ... for fsp_service_log */

#include <fsp/fsp.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fsp_service fsp_service;

/* Stay in the foreground: never fork, keep stdin/stdout/stderr. */
#define FSP_SERVICE_FOREGROUND 0x1u
/* Log to syslog (facility daemon) also in the foreground; otherwise
 * lines go to stderr until a daemon detaches from it, syslog after. */
#define FSP_SERVICE_SYSLOG     0x2u

/* Become the service `name` (copied; the name of log lines and of the
 * syslog identity).  Without FSP_SERVICE_FOREGROUND and with no
 * $NOTIFY_SOCKET, forks: the parent waits for the child's readiness or
 * failure and exits with it (it never returns); the child goes on in a
 * new session.  $NOTIFY_SOCKET is taken out of the environment, so
 * programs the file system starts do not inherit it.  Call first in
 * main, before any thread exists (fork copies only the caller).
 * Returns 0 and *out (owned by the caller until fsp_service_delete), or
 * a negative errno with nothing forked. */
int fsp_service_new(const char *name, unsigned flags, fsp_service **out);

/* Log one line (no newline needed) at a syslog priority (LOG_ERR,
 * LOG_WARNING, LOG_INFO, ...): "name: message" on stderr, or to syslog
 * (see FSP_SERVICE_SYSLOG).  Any thread. */
void fsp_service_log(fsp_service *svc, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Send one notification to the service manager, newline-separated
 * "KEY=value" assignments such as "STATUS=42 files".  Returns 0 when
 * sent or when there is no manager, or a negative errno.  Any thread. */
int fsp_service_notify(fsp_service *svc, const char *state);

/* Serve fs, which is mounted: make SIGTERM, SIGINT and SIGHUP stop it
 * (fsp_fs_set_signal_handlers), report readiness (READY=1 and the
 * mount point to the manager, status 0 to the waiting parent), point a
 * daemon's stdin, stdout and stderr at /dev/null and its working
 * directory at /, then fsp_fs_run until unmounted or stopped, and send
 * STOPPING=1.  Returns fsp_fs_run's result (0 or a negative errno).
 * The thread that called fsp_service_new, once. */
int fsp_service_run(fsp_service *svc, fsp_fs *fs);

/* Finish: when readiness was never reported (the start failed), the
 * waiting parent exits with exit_status (1 if it is 0) and the manager
 * is told the failure; then frees svc (NULL: nothing).  Returns
 * exit_status, for `return fsp_service_delete(svc, rc);`. */
int fsp_service_delete(fsp_service *svc, int exit_status);

#ifdef __cplusplus
}
#endif

#endif
