/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs command line: options and the fsp life cycle (as a service). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsp/service.h"
#include "memfs.h"
#include "mount_args.h"

struct options {
    int foreground, debug, nocase, nocache, slowio, acl, security;
    int streams, reparse, readonly_attr;   /* the Windows set (-W) */
    long threads;                 /* -1: fsp's default */
    uint64_t max_files, max_bytes, max_file_size;
    const char *label, *mountpoint, *source;
    char mount_options[4096];
    char own_options[MEMFS_OPT_COUNT][256];   /* memfs's -o (mount_args.c) */
};

static const char usage[] =
    "usage: memfs [-f] [-d] [-t THREADS] [-n MAX_FILES] [-s MAX_BYTES]\n"
    "             [-F MAX_SIZE] [-i] [-C] [-S] [-A] [-N] [-P] [-R]\n"
    "             [--security] [-W] [-l LABEL] [-o OPTIONS] [SOURCE] MOUNTPOINT\n"
    "\n"
    "An in-memory file system.\n"
    "\n"
    "  -f             stay in the foreground\n"
    "  -d             trace every request on stderr (implies -f)\n"
    "  -t THREADS     dispatcher threads (1: single-threaded, 0: one per CPU)\n"
    "  -n MAX_FILES   most files and directories (default: no limit)\n"
    "  -F MAX_SIZE    largest file, with K, M or G suffix (EFBIG past it)\n"
    "  -s MAX_BYTES   most bytes of file data, with K, M or G suffix\n"
    "                 (default: half of physical memory)\n"
    "  -i             case-insensitive, case-preserving names\n"
    "  -C             no kernel caching: every read, write and stat reaches\n"
    "                 memfs (slower; atime then follows the relatime rule)\n"
    "  -S             slow I/O: reads and writes finish later on other\n"
    "                 threads (exercises asynchronous completion)\n"
    "  -A             POSIX ACLs (getfacl/setfacl, inherited defaults), which\n"
    "                 the kernel then checks with the modes\n"
    "  --security     Windows security descriptors (system.ntfs_acl, Samba's\n"
    "                 security.NTACL, fsptool sd): the descriptor decides the\n"
    "                 owner, group and mode; combines with the other options\n"
    "  -N             named streams (user.DosStream.NAME:$DATA attributes;\n"
    "                 FILE:STREAM paths with -o streams_interface=windows)\n"
    "  -P             reparse points: any file or directory may carry\n"
    "                 reparse data (system.ntfs_reparse_data)\n"
    "  -R             the read-only attribute is enforced as NTFS does\n"
    "  -W             the whole Windows set: -N -P -R --security (also\n"
    "                 -o windows)\n"
    "  -l LABEL       volume label (default: memfs)\n"
    "  -o OPTIONS     mount options, e.g. ro,allow_other (the kernel always\n"
    "                 checks permissions: default_permissions is implied);\n"
    "                 also memfs's own size=, label=, nr_files= and\n"
    "                 max_file_size= (as -s, -l, -n and -F, for mount(8))\n"
    "  SOURCE         the name mounts show (default: memfs)\n"
    "  -h, --help     show this help\n";

static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("memfs: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* A decimal number up to max, optionally with a K, M or G (binary)
 * suffix. */
static uint64_t parse_number(int opt, const char *s, int suffixes,
                             uint64_t max)
{
    static const char units[] = "kKmMgG";
    const char *unit;
    char *end;
    int shift = 0;

    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (suffixes && *end && !end[1] && (unit = strchr(units, *end)))
        shift = 10 * (1 + (int)(unit - units) / 2);
    /* strtoull accepts "-1" as a huge number: refuse signs outright */
    if (errno || end == s || (*end && !shift) || strchr(s, '-') ||
        v > UINT64_MAX >> shift || (uint64_t)v << shift > max)
        die("bad number for -%c: '%s'", opt, s);
    return (uint64_t)v << shift;
}

/* -W: everything memfs keeps of the Windows set. */
static void windows_set(struct options *o)
{
    o->streams = o->reparse = o->readonly_attr = o->security = 1;
}

/* "-o windows" is -W; other -o values go to the mount. */
static int take_windows_option(struct options *o, const char *arg)
{
    if (strcmp(arg, "windows") != 0)
        return 0;
    windows_set(o);
    return 1;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "security", no_argument, NULL, 0x100 },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *o = (struct options){ .threads = -1, .label = "memfs" };
    opterr = 0;  /* our own messages, one line each */
    while ((c = getopt_long(argc, argv, "+:hfdt:n:s:F:iCSANPRWl:o:", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            exit(0);
        case 'f': o->foreground = 1; break;
        case 'd': o->debug = o->foreground = 1; break;
        case 'i': o->nocase = 1; break;
        case 'C': o->nocache = 1; break;
        case 'S': o->slowio = 1; break;
        case 'A': o->acl = 1; break;
        case 'N': o->streams = 1; break;
        case 'P': o->reparse = 1; break;
        case 'R': o->readonly_attr = 1; break;
        case 'W': windows_set(o); break;
        case 0x100: o->security = 1; break;
        case 'l': o->label = optarg; break;
        case 't': o->threads = (long)parse_number(c, optarg, 0, 1024); break;
        case 'n': o->max_files = parse_number(c, optarg, 0, UINT64_MAX); break;
        case 'F': o->max_file_size = parse_number(c, optarg, 1, UINT64_MAX); break;
        case 's': o->max_bytes = parse_number(c, optarg, 1, UINT64_MAX); break;
        case 'o': {
            if (take_windows_option(o, optarg))
                break;
            size_t len = strlen(o->mount_options);
            /* several -o accumulate, as with mount(8) */
            if (snprintf(o->mount_options + len, sizeof o->mount_options - len,
                         "%s%s", len ? "," : "", optarg) >=
                (int)(sizeof o->mount_options - len))
                die("mount options too long");
            break;
        }
        case ':':
            die("option -%c needs an argument", optopt);
        default:
            if (optopt)
                die("unknown option -%c (see memfs --help)", optopt);
            die("unknown option %s (see memfs --help)", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        die("missing mountpoint (see memfs --help)");
    if (optind + 2 < argc)
        die("unexpected argument '%s'", argv[optind + 2]);
    /* mount(8) passes a source first: memfs has none, it names the mount */
    if (optind + 1 < argc)
        o->source = argv[optind++];
    o->mountpoint = argv[optind];
    if (memfs_take_options(o->mount_options, o->own_options))
        die("mount options too long");
    if (o->own_options[MEMFS_OPT_SIZE][0])
        o->max_bytes = parse_number('s', o->own_options[MEMFS_OPT_SIZE], 1, UINT64_MAX);
    if (o->own_options[MEMFS_OPT_FILES][0])
        o->max_files = parse_number('n', o->own_options[MEMFS_OPT_FILES], 0, UINT64_MAX);
    if (o->own_options[MEMFS_OPT_FILE_SIZE][0])
        o->max_file_size = parse_number('F', o->own_options[MEMFS_OPT_FILE_SIZE], 1, UINT64_MAX);
    if (o->own_options[MEMFS_OPT_LABEL][0])
        o->label = o->own_options[MEMFS_OPT_LABEL];
    if (strlen(o->label) >= sizeof ((struct fsp_volume_info *)0)->label)
        die("label too long: '%s'", o->label);
}

int main(int argc, char **argv)
{
    struct options o;
    struct memfs m;
    fsp_fs *fs = NULL;
    fsp_service *svc;
    char msg[512] = "";
    int rc = 1, err;

    parse_options(argc, argv, &o);
    /* first: a daemon forks here, before any thread exists */
    if ((err = fsp_service_new("memfs", o.foreground ? FSP_SERVICE_FOREGROUND : 0,
                               &svc)))
        die("cannot start: %s", strerror(-err));

    if ((err = memfs_init(&m, o.max_bytes, o.max_files, o.nocase, o.label))) {
        fprintf(stderr, "memfs: %s\n", strerror(-err));
        return fsp_service_delete(svc, 1);
    }
    struct fsp_volume_params vp = {
        .size = sizeof vp,
        .flags = (o.nocase ? FSP_VOL_CASE_INSENSITIVE : 0) |
                 (o.nocache ? FSP_VOL_DIRECT_IO : 0) |
                 (o.acl ? FSP_VOL_POSIX_ACL : 0) |
                 (o.streams ? FSP_VOL_NAMED_STREAMS : 0) |
                 (o.reparse ? FSP_VOL_REPARSE_POINTS : 0) |
                 (o.readonly_attr ? FSP_VOL_READONLY_ATTR : 0) |
                 (o.security ? FSP_VOL_SECURITY : 0),
        .file_info_timeout_ms = o.nocache ? 0 : 1000,
        .max_file_size = o.max_file_size,
        .volume_serial = (uint64_t)time(NULL) << 16 ^ (uint64_t)getpid(),
        .volume_creation_time = memfs_now(),
        .fsname = "memfs",
        .subtype = "memfs",
    };
    if (o.source)
        snprintf(vp.fsname, sizeof vp.fsname, "%s", o.source);
    /* memfs needs an open only to honour O_NOATIME, which matters only
     * when reads reach it (-C); otherwise opens are stateless and cost
     * the kernel no OPEN or RELEASE round trip.  An unlinked file stays
     * alive while open either way: the kernel's node reference holds it. */
    struct fsp_fs_interface iface = memfs_interface;
    if (o.streams || o.reparse)
        memfs_add_windows_calls(&iface);
    m.stateless = !o.nocache;
    if (m.stateless)
        iface.flags |= FSP_IFACE_STATELESS_OPENS;
    if (o.slowio) {
        iface.read = slowio_read;
        iface.write = slowio_write;
        if ((err = slowio_start())) {
            fprintf(stderr, "memfs: slow I/O threads: %s\n", strerror(-err));
            goto out;
        }
    }
    if ((err = fsp_fs_new(&vp, &iface, &m, &fs))) {
        fprintf(stderr, "memfs: %s\n", strerror(-err));
        goto out;
    }
    fsp_fs_set_debug(fs, o.debug);
    if (o.threads >= 0)
        fsp_fs_set_threads(fs, (unsigned)o.threads, 0);
    if ((err = fsp_fs_mount(fs, o.mountpoint, o.mount_options, msg,
                            sizeof msg))) {
        fprintf(stderr, "memfs: %s\n", msg[0] ? msg : strerror(-err));
        goto out;
    }
    /* Someone at a terminal (./dev.sh run) is told what just happened and
     * what to do next; scripts and logs are spared. */
    int chatty = o.foreground && isatty(STDERR_FILENO);
    if (chatty)
        fprintf(stderr, "memfs: mounted on %s, in memory: its contents go "
                "when memfs stops.\nmemfs: use it from another shell; "
                "Ctrl-C here unmounts.\n", o.mountpoint);
    if ((err = fsp_service_run(svc, fs)))
        fprintf(stderr, "memfs: %s\n", strerror(-err));
    else
        rc = 0;
    if (chatty && !err)
        fprintf(stderr, "memfs: unmounted %s; bye.\n", o.mountpoint);
out:
    if (o.slowio)
        slowio_stop();
    if (fs)
        fsp_fs_delete(fs);
    memfs_destroy(&m);
    return fsp_service_delete(svc, rc);
}
