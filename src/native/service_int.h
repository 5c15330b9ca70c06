/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service framework's state, shared by its files (service*.c). */
#ifndef FSP_SERVICE_INT_H
#define FSP_SERVICE_INT_H

#include <sys/socket.h>
#include <sys/un.h>

#include "fsp/service.h"

struct fsp_service {
    char name[64];
    unsigned flags;
    int parent_fd;          /* pipe to the waiting parent, -1 if none */
    int ready;              /* readiness was reported */
    int use_syslog;         /* log lines go to syslog */
    int notify_fd;          /* datagram socket to the manager, -1 if none */
    struct sockaddr_un notify_addr;
    socklen_t notify_len;
};

/* Read $NOTIFY_SOCKET into svc (and take it out of the environment).
 * 0 with notify_fd -1 when unset; -EINVAL for an address that is not a
 * Unix socket path or abstract name. */
int nat_service_notify_init(struct fsp_service *svc);
void nat_service_notify_close(struct fsp_service *svc);

#endif
