/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_parse_cmdline and friends: the standard command line of a FUSE
 * program ("prog [-f] [-s] [-d] [-o opts] mountpoint"), help texts, and
 * fuse_daemonize.
 *
 * Two versions exist because struct fuse_cmdline_opts grew max_threads
 * in 3.12: fuse_parse_cmdline@FUSE_3.0 must not write past the old
 * struct's end.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/fuse3/compat.h"

enum { KEY_HELP, KEY_VERSION };

#define HOPT(t, p) { t, offsetof(struct fuse_cmdline_opts, p), 1 }

static const struct fuse_opt helper_opts[] = {
    HOPT("-h", show_help),
    HOPT("--help", show_help),
    HOPT("-V", show_version),
    HOPT("--version", show_version),
    HOPT("-d", debug),
    HOPT("debug", debug),
    HOPT("-d", foreground),
    HOPT("debug", foreground),
    /* debug is also the session's option: keep it for fuse_session_new. */
    FUSE_OPT_KEY("-d", FUSE_OPT_KEY_KEEP),
    FUSE_OPT_KEY("debug", FUSE_OPT_KEY_KEEP),
    HOPT("-f", foreground),
    HOPT("-s", singlethread),
    HOPT("fsname=", nodefault_subtype),
    FUSE_OPT_KEY("fsname=", FUSE_OPT_KEY_KEEP),
    HOPT("subtype=", nodefault_subtype),
    FUSE_OPT_KEY("subtype=", FUSE_OPT_KEY_KEEP),
    HOPT("clone_fd", clone_fd),
    { "max_idle_threads=%u",
      offsetof(struct fuse_cmdline_opts, max_idle_threads), 0 },
    { "max_threads=%u", offsetof(struct fuse_cmdline_opts, max_threads), 0 },
    FUSE_OPT_END
};

/* The first non-option is the mount point (made absolute, since the
 * program may chdir("/") when it daemonizes); a second is an error. */
static int helper_proc(void *data, const char *arg, int key,
                       struct fuse_args *outargs)
{
    (void)outargs;
    struct fuse_cmdline_opts *opts = data;
    if (key != FUSE_OPT_KEY_NONOPT)
        return 1; /* keep for fuse_session_new */
    if (opts->mountpoint) {
        fuse_log(FUSE_LOG_ERR, "fuse: invalid argument `%s'\n", arg);
        return -1;
    }
    unsigned fd;
    int n = 0;
    if (sscanf(arg, "/dev/fd/%u%n", &fd, &n) == 1 && n == (int)strlen(arg))
        return fuse_opt_add_opt(&opts->mountpoint, arg);
    char mp[PATH_MAX];
    if (!realpath(arg, mp)) {
        fuse_log(FUSE_LOG_ERR, "fuse: bad mount point `%s': %s\n", arg,
                 strerror(errno));
        return -1;
    }
    return fuse_opt_add_opt(&opts->mountpoint, mp);
}

/* libfuse names mounts fuse.<program> unless told otherwise. */
static int add_default_subtype(const char *progname, struct fuse_args *args)
{
    const char *base = strrchr(progname, '/');
    if (!base)
        base = progname;
    else if (base[1])
        base++;
    char *opt = malloc(strlen(base) + 64);
    if (!opt) {
        fuse_log(FUSE_LOG_ERR, "fuse: memory allocation failed\n");
        return -1;
    }
    sprintf(opt, "-osubtype=%s", base);
    int res = fuse_opt_add_arg(args, opt);
    free(opt);
    return res;
}

int fuse_parse_cmdline_312(struct fuse_args *args,
                           struct fuse_cmdline_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->max_idle_threads = UINT_MAX;
    opts->max_threads = 10;
    if (fuse_opt_parse(args, opts, helper_opts, helper_proc) == -1 ||
        (!opts->nodefault_subtype &&
         add_default_subtype(args->argv[0], args) == -1)) {
        /* libfuse leaks the mount point here; free it, and leave NULL
         * so a caller that frees it on failure stays safe. */
        free(opts->mountpoint);
        opts->mountpoint = NULL;
        return -1;
    }
    return 0;
}

int fuse_parse_cmdline_30(struct fuse_args *args,
                          struct fuse_cmdline_opts *opts)
{
    struct fuse_cmdline_opts full;
    int res = fuse_parse_cmdline_312(args, &full);
    /* Only the members the 3.0 struct has. */
    memcpy(opts, &full, offsetof(struct fuse_cmdline_opts, max_threads));
    return res;
}

__asm__(".symver fuse_parse_cmdline_30,fuse_parse_cmdline@FUSE_3.0");
__asm__(".symver fuse_parse_cmdline_312,fuse_parse_cmdline@@FUSE_3.12");

void fuse_cmdline_help(void)
{
    printf("    -h   --help            print help\n"
           "    -V   --version         print version\n"
           "    -d   -o debug          enable debug output (implies -f)\n"
           "    -f                     foreground operation\n"
           "    -s                     disable multi-threaded operation\n"
           "    -o clone_fd            use separate fuse device fd for each "
           "thread\n"
           "                           (accepted; fsp's threads share one)\n"
           "    -o max_idle_threads    the maximum number of idle worker "
           "threads\n"
           "                           allowed (default: -1)\n"
           "    -o max_threads         the maximum number of worker threads\n"
           "                           allowed (default: 10)\n");
}

void fuse_lowlevel_help(void)
{
    printf("    -o allow_other         allow access by all users\n"
           "    -o allow_root          allow access by root\n"
           "    -o auto_unmount        auto unmount on process termination"
           " (always on with fsp)\n"
           "    -o default_permissions let the kernel check permissions\n"
           "    -o fsname=NAME         the mount's source name\n"
           "    -o subtype=NAME        the mount's type is fuse.NAME\n"
           "    -o max_read=N          largest read request\n"
           "    -o ro / rw             read-only / read-write mount\n");
}

int fuse_daemonize(int foreground)
{
    if (foreground) {
        if (chdir("/") == -1)
            (void)0; /* as libfuse: not fatal */
        return 0;
    }
    /* The parent waits until the child is set up, so that whoever
     * started the program sees the file system ready when it exits. */
    int waiter[2];
    char completed = 0;
    if (pipe(waiter)) {
        perror("fuse_daemonize: pipe");
        return -1;
    }
    switch (fork()) {
    case -1:
        perror("fuse_daemonize: fork");
        return -1;
    case 0:
        break;
    default:
        if (read(waiter[0], &completed, sizeof completed) < 0)
            _exit(1);
        _exit(0);
    }
    if (setsid() == -1) {
        perror("fuse_daemonize: setsid");
        return -1;
    }
    if (chdir("/") == -1)
        (void)0;
    int nullfd = open("/dev/null", O_RDWR, 0);
    if (nullfd != -1) {
        dup2(nullfd, 0);
        dup2(nullfd, 1);
        dup2(nullfd, 2);
        if (nullfd > 2)
            close(nullfd);
    }
    completed = 1;
    if (write(waiter[1], &completed, sizeof completed) < 0)
        (void)0;
    close(waiter[0]);
    close(waiter[1]);
    return 0;
}
