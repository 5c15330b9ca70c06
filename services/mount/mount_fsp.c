/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mount.fsp: mount(8)'s helper for fsp file systems, the analogue of
 * mount.fuse3 for `mount -t fuse.sshfs`:
 *
 *     mount -t fsp.memfs memfs /mnt/x -o size=1G,label=Data
 *     memfs  /mnt/x  fsp.memfs  noauto,user,size=1G  0 0     (fstab)
 *
 * mount(8) runs `mount.fsp SOURCE MOUNTPOINT [-sfnvw] [-N NS] -o OPTIONS
 * -t fsp.TYPE`; we run TYPE from fsp's program directory as
 * `TYPE -o OPTIONS SOURCE MOUNTPOINT`, without -f: an fsp program
 * returns once its mount is live (the service API's readiness), so the
 * mount is usable when mount(8) returns (with $NOTIFY_SOCKET set, under
 * systemd, mount.fsp execs the program instead, which then stays in the
 * foreground and tells the manager).  mount(8)'s own options
 * (noauto, user, nofail, x-*, ...) are not the file system's and are
 * left out.  No shell is involved.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FSP_PROGDIR
#define FSP_PROGDIR "/usr/local/libexec/fsp"
#endif

static const char usage[] =
    "usage: mount.fsp SOURCE MOUNTPOINT [-sfnvw] [-N NAMESPACE] [-o OPTIONS]\n"
    "                 -t fsp.TYPE\n"
    "\n"
    "Mount an fsp file system of type TYPE (mount(8)'s helper).\n"
    "\n"
    "  -t fsp.TYPE    the file system: program TYPE of " FSP_PROGDIR "\n"
    "  -o OPTIONS     mount options, passed on to the program\n"
    "  -f             fake: check, run nothing\n"
    "  -v             say what is run\n"
    "  -s, -n, -w     accepted for mount(8), no effect\n"
    "  -N NAMESPACE   not supported\n"
    "  -h, --help     show this help\n";

/* mount(8)'s options, which say when and by whom to mount, not how. */
static int mount8_option(const char *o)
{
    static const char *const plain[] = {
        "defaults", "auto", "noauto", "user", "nouser", "users", "owner",
        "group", "nofail", "_netdev", NULL,
    };
    for (int i = 0; plain[i]; i++)
        if (!strcmp(o, plain[i]))
            return 1;
    return !strncmp(o, "x-", 2) || !strncmp(o, "comment=", 8) ||
           !strncmp(o, "user=", 5) || !strncmp(o, "helper=", 7);
}

static int valid_type(const char *t)
{
    if (!*t || strlen(t) > 64)
        return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
              (*t >= '0' && *t <= '9') || *t == '_' || *t == '-'))
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    const char *type = NULL, *opts = "";
    int fake = 0, verbose = 0, c;
    /* invoked as mount.fsp.TYPE: the type is in the name */
    const char *self = strrchr(argv[0], '/');
    self = self ? self + 1 : argv[0];
    if (!strncmp(self, "mount.fsp.", 10))
        type = self + 10;
    while ((c = getopt_long(argc, argv, "sfnvwN:o:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fake = 1; break;
        case 'v': verbose = 1; break;
        case 's': case 'n': case 'w': break;
        case 'N':
            fprintf(stderr, "mount.fsp: -N (another namespace) is not supported\n");
            return 32;
        case 'o': opts = optarg; break;
        case 't':
            if (strncmp(optarg, "fsp.", 4)) {
                fprintf(stderr, "mount.fsp: type '%s' is not fsp.TYPE\n", optarg);
                return 32;
            }
            type = optarg + 4;
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 1;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "mount.fsp: need SOURCE and MOUNTPOINT (see --help)\n");
        return 1;
    }
    if (!type || !valid_type(type)) {
        fprintf(stderr, "mount.fsp: %s type (-t fsp.TYPE, TYPE of letters, digits, _ and -)\n",
                type ? "bad" : "no");
        return 32;
    }
    /* The program directory may be moved only by a plain root caller
     * (the tests); never by one mount(8) runs for a user. */
    const char *dir = FSP_PROGDIR, *env = getenv("FSP_PROGDIR");
    if (env && getuid() == 0 && geteuid() == 0 && getgid() == getegid())
        dir = env;
    char prog[4096];
    snprintf(prog, sizeof prog, "%s/%s", dir, type);
    if (access(prog, X_OK) < 0) {
        fprintf(stderr, "mount.fsp: no file system program %s: %s\n", prog, strerror(errno));
        return 32;
    }
    static char kept[8192];
    size_t len = 0;
    char *copy = strdup(opts), *save = NULL;
    if (!copy || strlen(opts) >= sizeof kept)
        return 32;
    for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
        if (!mount8_option(o))
            len += (size_t)snprintf(kept + len, sizeof kept - len, "%s%s", len ? "," : "", o);
    free(copy);

    char *args[8];
    int n = 0;
    args[n++] = prog;
    if (len) {
        args[n++] = "-o";
        args[n++] = kept;
    }
    args[n++] = argv[optind];
    args[n++] = argv[optind + 1];
    args[n] = NULL;
    if (verbose || fake) {
        fprintf(stderr, "mount.fsp:");
        for (int i = 0; i < n; i++)
            fprintf(stderr, " %s", args[i]);
        fputc('\n', stderr);
    }
    if (fake)
        return 0;
    /* Under a service manager (fsp@.service, Type=notify) the program
     * itself must be the main process: become it.  It stays in the
     * foreground and says READY=1 once mounted. */
    if (getenv("NOTIFY_SOCKET")) {
        execv(prog, args);
        fprintf(stderr, "mount.fsp: cannot run %s: %s\n", prog, strerror(errno));
        return 32;
    }
    /* As a child, so that its failure becomes mount(8)'s status 32. */
    pid_t pid = fork();
    if (pid < 0) {
        perror("mount.fsp: fork");
        return 32;
    }
    if (pid == 0) {
        execv(prog, args);
        fprintf(stderr, "mount.fsp: cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 32;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 32;
}
