/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* passthrough command line: mirror SOURCE at MOUNTPOINT. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsp/service.h"
#include "pt.h"

static const char usage[] =
    "usage: passthrough [-f] [-d] [-P] [-W] [-t THREADS] [-o OPTIONS] SOURCE MOUNTPOINT\n"
    "\n"
    "Mirror the directory SOURCE at MOUNTPOINT.\n"
    "\n"
    "  -f             stay in the foreground\n"
    "  -d             trace every request on stderr (implies -f)\n"
    "  -P             no kernel passthrough, even as root: reads and writes\n"
    "                 come to passthrough (large reads are spliced)\n"
    "  -W, --no-watch do not watch the source: changes made in it beside\n"
    "                 the mount show within 1 s (the cache timeout) instead\n"
    "                 of at once, and the kernel caches for 1 s, not 60 s\n"
    "  -t THREADS     dispatcher threads (1: single-threaded)\n"
    "  -o OPTIONS     mount options, e.g. ro,allow_other,io_uring\n"
    "  -h, --help     show this help\n";

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "passthrough: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    return 1;
}

/* Does the source keep POSIX ACLs?  Only then may the kernel ask for
 * them: a source without (EOPNOTSUPP) would fail every permission check. */
static int source_has_acls(int root_fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", root_fd);
    return getxattr(path, "system.posix_acl_access", NULL, 0) >= 0 ||
           errno == ENODATA;
}

/* Whether the comma-separated -o list holds `name`. */
static int has_option(const char *options, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = options; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p += n + (end != NULL);
    }
    return 0;
}

/* The root's file index. */
static uint64_t index_of_root(const struct pt_fs *pt)
{
    struct stat st;
    return fstat(pt->root_fd, &st) == 0 ? pt_index(pt, st.st_dev, st.st_ino) : 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "no-watch", no_argument, NULL, 'W' }, { NULL, 0, NULL, 0 } };
    int foreground = 0, debug = 0, no_kernel_pt = 0, no_watch = 0, c;
    long threads = -1;
    char options[4096] = "";
    while ((c = getopt_long(argc, argv, "fdPWt:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': foreground = 1; break;
        case 'd': debug = foreground = 1; break;
        case 'P': no_kernel_pt = 1; break;
        case 'W': no_watch = 1; break;
        case 't': {
            char *end;
            threads = strtol(optarg, &end, 10);
            if (*end || threads < 0 || threads > 1024)
                return fail("bad thread count", optarg);
            break;
        }
        case 'o':
            if (strlen(options) + strlen(optarg) + 2 > sizeof options)
                return fail("options too long", NULL);
            if (options[0])
                strcat(options, ",");
            strcat(options, optarg);
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 1;
        }
    }
    if (argc - optind != 2)
        return fail("need SOURCE and MOUNTPOINT (see --help)", NULL);
    /* first: a daemon forks here, before any thread exists */
    fsp_service *svc;
    int r = fsp_service_new("passthrough", foreground ? FSP_SERVICE_FOREGROUND : 0,
                            &svc);
    if (r)
        return fail("cannot start", strerror(-r));

    struct pt_fs pt = { .as_root = geteuid() == 0 };
    pt.root_fd = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (pt.root_fd < 0 || fstat(pt.root_fd, &st) < 0)
        return fsp_service_delete(svc, fail("cannot open source directory",
                                            strerror(errno)));
    pt.root_dev = st.st_dev;
    /* Callers' modes arrive with their umask applied; ours must not
     * apply a second one. */
    umask(0);

    struct fsp_volume_params vp = {
        .size = sizeof vp,
        /* Kernel passthrough needs root; others get ordinary I/O.  The
         * source's ACLs must be checked with its modes, or a member of
         * the owning group would get the mask's rights where its own
         * entry gives less (docs/access.md). */
        .flags = (geteuid() == 0 && !no_kernel_pt ? FSP_VOL_PASSTHROUGH : 0) |
                 (source_has_acls(pt.root_fd) ? FSP_VOL_POSIX_ACL : 0),
        /* With the watcher telling the kernel of every change in the
         * source, its caches may hold for long; without, a change made
         * beside the mount shows after this timeout. */
        .file_info_timeout_ms = no_watch ? 1000 : 60000,
        .fsname = "passthrough",
        .subtype = "passthrough",
    };
    snprintf(vp.fsname, sizeof vp.fsname, "%s", argv[optind]);
    struct fsp_fs_interface iface;
    pt_interface(&iface);
    fsp_fs *fs;
    char err[512];
    r = fsp_fs_new(&vp, &iface, &pt, &fs);
    if (r)
        return fsp_service_delete(svc, fail("cannot create the file system",
                                            strerror(-r)));
    fsp_fs_set_debug(fs, debug);
    if (threads >= 0)
        fsp_fs_set_threads(fs, (unsigned)threads, 0);
    /* Only without kernel passthrough: fsp lets that win, as the
     * kernel takes one or the other. */
    pt.writeback = has_option(options, "writeback_cache") &&
                   !(vp.flags & FSP_VOL_PASSTHROUGH);
    r = fsp_fs_mount(fs, argv[optind + 1], options, err, sizeof err);
    if (r) {
        fsp_fs_delete(fs);
        return fsp_service_delete(svc, fail(err, NULL));
    }
    /* Watch the source before readiness is reported: a change made once
     * the mount is announced must reach the kernel. */
    if (!no_watch) {
        r = pt_watch_start(&pt.watch, fs, &pt);
        if (!r)
            pt_watch_dir(pt.watch, pt.root_fd, index_of_root(&pt));
        if (r) {
            fsp_service_log(svc, LOG_ERR, "cannot watch the source (%s); "
                            "use -W to run without", strerror(-r));
            fsp_fs_stop(fs);
            fsp_fs_run(fs);
            fsp_fs_delete(fs);
            close(pt.root_fd);
            return fsp_service_delete(svc, 1);
        }
    }
    r = fsp_service_run(svc, fs);
    pt_watch_stop(pt.watch);
    fsp_fs_delete(fs);
    close(pt.root_fd);
    return fsp_service_delete(svc, r ? 1 : 0);
}
