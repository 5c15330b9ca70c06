/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service API (include/fsp/service.h) without a mount: the notify
 * protocol on a socket this test binds (a path and an abstract name),
 * a bad $NOTIFY_SOCKET, and a daemon's parent exiting with what its
 * child reports.  The mounted life cycle is in tests/launcher.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "fsp/service.h"

CHECK_DEFINE_GLOBALS;

/* A datagram socket bound at name ("/path" or "@abstract"). */
static int listener(const char *name)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t len = strlen(name);
    memcpy(a.sun_path, name, len);
    if (name[0] == '@')
        a.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a,
                       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
        return -1;
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
}

static void notify_at(const char *name)
{
    char buf[256];
    fsp_service *svc = NULL;
    int fd = listener(name);
    REQUIRE(fd >= 0);
    setenv("NOTIFY_SOCKET", name, 1);
    CHECK_EQ(fsp_service_new("t", FSP_SERVICE_FOREGROUND, &svc), 0);
    /* taken out of the environment: children do not inherit it */
    CHECK(getenv("NOTIFY_SOCKET") == NULL);
    CHECK_EQ(fsp_service_notify(svc, "STATUS=hello"), 0);
    receive(fd, buf, sizeof buf);
    CHECK(strcmp(buf, "STATUS=hello") == 0);
    /* never ready: the manager hears the failure and its status */
    CHECK_EQ(fsp_service_delete(svc, 3), 3);
    receive(fd, buf, sizeof buf);
    CHECK(strstr(buf, "EXIT_STATUS=3") != NULL);
    close(fd);
}

static void notify_path(void)
{
    char name[64];
    snprintf(name, sizeof name, "/tmp/fsp-test-service.%d", (int)getpid());
    unlink(name);
    notify_at(name);
    unlink(name);
}

static void notify_abstract(void)
{
    char name[64];
    snprintf(name, sizeof name, "@fsp-test-service-%d", (int)getpid());
    notify_at(name);
}

static void notify_bad_address(void)
{
    fsp_service *svc = NULL;
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    CHECK_EQ(fsp_service_new("t", FSP_SERVICE_FOREGROUND, &svc), -EINVAL);
    CHECK(svc == NULL);
    unsetenv("NOTIFY_SOCKET");
    CHECK_EQ(fsp_service_new("t", 0x80, &svc), -EINVAL);
}

static void no_manager(void)
{
    fsp_service *svc = NULL;
    unsetenv("NOTIFY_SOCKET");
    CHECK_EQ(fsp_service_new("t", FSP_SERVICE_FOREGROUND, &svc), 0);
    CHECK_EQ(fsp_service_notify(svc, "READY=1"), 0);
    CHECK_EQ(fsp_service_delete(svc, 0), 0);
}

/* Fork a process that becomes a daemon with fsp_service_new; its child
 * then does `how`.  Returns the first process's exit status. */
static int daemon_exit(int how)
{
    pid_t p = fork();
    if (p == 0) {
        fsp_service *svc;
        unsetenv("NOTIFY_SOCKET");
        if (fsp_service_new("t", 0, &svc))
            _exit(99);
        /* only the daemon gets here */
        if (how < 0)
            _exit(0);   /* dies without a word */
        _exit(fsp_service_delete(svc, how));
    }
    int status = -1;
    waitpid(p, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void daemon_parent_exit_status(void)
{
    CHECK_EQ(daemon_exit(7), 7);
    CHECK_EQ(daemon_exit(-1), 1);   /* silent death is failure */
    CHECK_EQ(daemon_exit(0), 1);    /* never ready, even with 0 */
}

int main(void)
{
    RUN(notify_path);
    RUN(notify_abstract);
    RUN(notify_bad_address);
    RUN(no_manager);
    RUN(daemon_parent_exit_status);
    return 0;
}
