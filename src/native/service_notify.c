/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd notify protocol, spoken directly: one datagram of
 * newline-separated assignments to the Unix socket named by
 * $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace).  No
 * libsystemd: fsp-launcher speaks the same protocol as the manager, and
 * a file system should not need systemd to be supervised.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service_int.h"

int nat_service_notify_init(struct fsp_service *svc)
{
    const char *env = getenv("NOTIFY_SOCKET");
    svc->notify_fd = -1;
    if (!env || !*env)
        return 0;
    size_t len = strlen(env);
    if ((env[0] != '/' && env[0] != '@') || len >= sizeof svc->notify_addr.sun_path)
        return -EINVAL;
    memset(&svc->notify_addr, 0, sizeof svc->notify_addr);
    svc->notify_addr.sun_family = AF_UNIX;
    memcpy(svc->notify_addr.sun_path, env, len);
    if (env[0] == '@')   /* abstract: a leading NUL, and no trailing one */
        svc->notify_addr.sun_path[0] = '\0';
    svc->notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                                  (env[0] == '/'));
    svc->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (svc->notify_fd < 0)
        return -errno;
    /* Our children (fusermount3, helpers) are not the service. */
    unsetenv("NOTIFY_SOCKET");
    return 0;
}

void nat_service_notify_close(struct fsp_service *svc)
{
    if (svc->notify_fd >= 0)
        close(svc->notify_fd);
    svc->notify_fd = -1;
}

int fsp_service_notify(fsp_service *svc, const char *state)
{
    if (!svc || !state)
        return -EINVAL;
    if (svc->notify_fd < 0)
        return 0;
    ssize_t n = sendto(svc->notify_fd, state, strlen(state), MSG_NOSIGNAL,
                       (const struct sockaddr *)&svc->notify_addr,
                       svc->notify_len);
    if (n < 0)
        return -errno;
    return (size_t)n == strlen(state) ? 0 : -EMSGSIZE;
}
