/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsp-launchctl: ask fsp-launcher to start, stop, list or describe
 * file system instances (docs/launcher.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto.h"

static const char usage[] =
    "usage: fsp-launchctl [-s PATH] start CLASS INSTANCE [ARGS...]\n"
    "       fsp-launchctl [-s PATH] start-with-secret CLASS INSTANCE [ARGS...]\n"
    "       fsp-launchctl [-s PATH] stop CLASS INSTANCE\n"
    "       fsp-launchctl [-s PATH] list\n"
    "       fsp-launchctl [-s PATH] info CLASS INSTANCE\n"
    "\n"
    "Control file system instances run by fsp-launcher (secrets on stdin).\n"
    "\n"
    "  -s, --socket PATH  the launcher's socket (default /run/fsp/launcher.sock)\n"
    "  -h, --help         show this help\n";

static int die(const char *fmt, const char *arg)
{
    fprintf(stderr, "fsp-launchctl: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 2;
}

/* The secret: standard input up to a newline or its end, never argv. */
static int read_secret(char *buf, size_t size)
{
    size_t len = 0;
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n') {
        if (ch == '\0' || len + 1 >= size)
            return -1;
        buf[len++] = (char)ch;
    }
    buf[len] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = "/run/fsp/launcher.sock";
    int c;
    while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': path = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind >= argc)
        return die("%s", "missing command (see --help)");
    const char *verb = argv[optind];
    int nargs = argc - optind - 1, with_secret = !strcmp(verb, "start-with-secret");
    static struct lproto_buf req;
    static char secret[LPROTO_MAX_FIELD];
    lproto_init(&req);
    lproto_add(&req, LPROTO_TAG);
    lproto_add(&req, verb);
    for (int a = 0; a < nargs; a++) {
        if (strlen(argv[optind + 1 + a]) > LPROTO_MAX_FIELD)
            return die("argument too long: %.40s...", argv[optind + 1 + a]);
        lproto_add(&req, argv[optind + 1 + a]);
        if (with_secret && a == 1) {
            if (read_secret(secret, sizeof secret))
                return die("%s", "the secret on stdin is too long or holds a NUL");
            lproto_add(&req, secret);
        }
    }
    explicit_bzero(secret, sizeof secret);
    if (req.overflow)
        return die("%s", "request too large");

    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return die("socket path too long: %s", path);
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return die("cannot reach the launcher at %s (is fsp-launcher running?)", path);
    if (send(fd, req.data, req.len, MSG_NOSIGNAL) != (ssize_t)req.len)
        return die("cannot send the request: %s", strerror(errno));
    explicit_bzero(req.data, sizeof req.data);

    static char reply[LPROTO_MAX_MSG + 1];
    ssize_t n;
    do
        n = recv(fd, reply, sizeof reply, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    close(fd);
    const char *f[LPROTO_MAX_FIELDS];
    int nf = n > 0 && n <= LPROTO_MAX_MSG ? lproto_split(reply, (size_t)n, f) : -1;
    if (nf < 3)
        return die("%s", "no valid reply from the launcher");
    int status = atoi(f[1]);
    if (status) {
        fprintf(stderr, "fsp-launchctl: %s: %s (%s)\n", verb, f[2], strerror(status));
        return 1;
    }
    if (!strcmp(verb, "list")) {
        printf("CLASS\tINSTANCE\tPID\tSTATE\tOWNER\tMOUNTPOINT\n");
        for (int k = 3; k < nf; k++)
            printf("%s\n", f[k]);
    } else {
        printf("%s\n", f[2]);
        for (int k = 3; k < nf; k++)
            printf("%s\n", f[k]);
    }
    return 0;
}
