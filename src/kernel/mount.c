/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounting and unmounting a FUSE file system: the checks on the
 * mountpoint, mount(2) for root and fusermount3 for everyone else, the
 * auto_unmount watchdog, and the fusectl abort.
 */
#include "kernel/mount.h"
#include "kernel/watchdog.h"
#include "kernel/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* How long a full stat of an existing FUSE mount root may take before we
 * decide it is alive (just slow or stuck) rather than dead. */
#define PROBE_TIMEOUT_MS 500

void kmount_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Undo the octal escapes (\040 for a space, ...) of a mountinfo field. */
static void unescape_octal(char *s)
{
    char *out = s;

    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0'
            && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8
                            + (s[3] - '0'));
            s += 4;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
}

static void copy_out(char *dst, size_t len, const char *src)
{
    if (dst && len)
        snprintf(dst, len, "%s", src);
}

int kmount_mountinfo_find(const char *path, dev_t *dev, char *fstype,
                          size_t fstypelen, char *source, size_t sourcelen)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    int rc = -ENOENT;

    if (!f)
        return -errno;
    /* Mounts are listed in the order they were made, so the last match
     * is the one on top, the one a path lookup sees. */
    while (getline(&line, &cap, f) > 0) {
        char *field[6], *save = NULL, *tok, *fs, *src;
        unsigned maj, min;
        int i;

        line[strcspn(line, "\n")] = '\0';
        /* id parent maj:min root mountpoint options [optional...] - type source superopts */
        tok = strtok_r(line, " ", &save);
        for (i = 0; i < 6 && tok; i++) {
            field[i] = tok;
            tok = strtok_r(NULL, " ", &save);
        }
        if (i < 6)
            continue;
        unescape_octal(field[4]);
        if (strcmp(field[4], path) != 0)
            continue;
        if (sscanf(field[2], "%u:%u", &maj, &min) != 2)
            continue;
        while (tok && strcmp(tok, "-") != 0)
            tok = strtok_r(NULL, " ", &save);
        fs = tok ? strtok_r(NULL, " ", &save) : NULL;
        src = fs ? strtok_r(NULL, " ", &save) : NULL;
        if (!fs || !src)
            continue;
        unescape_octal(fs);
        unescape_octal(src);
        if (dev)
            *dev = makedev(maj, min);
        copy_out(fstype, fstypelen, fs);
        copy_out(source, sourcelen, src);
        rc = 0;
    }
    free(line);
    fclose(f);
    return rc;
}

/*
 * Device of what is mounted at path, without asking the FUSE server
 * (which may not have answered INIT yet): mountinfo first, then a statx
 * that FUSE answers from its cache.
 */
static int mounted_dev(const char *path, dev_t *dev)
{
    struct statx stx;

    if (kmount_mountinfo_find(path, dev, NULL, 0, NULL, 0) == 0)
        return 0;
    if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
              STATX_TYPE, &stx) < 0)
        return -errno;
    *dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
    return 0;
}

static int is_fuse_type(const char *t)
{
    return strcmp(t, "fuse") == 0 || strncmp(t, "fuse.", 5) == 0
           || strcmp(t, "fuseblk") == 0;
}

/* Is path (a directory we just statx'ed) the root of a mount? */
static int is_mount_root(const char *path, const struct statx *stx)
{
    char parent[PATH_MAX + 4];
    struct statx pstx;

    if (stx->stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
        return (stx->stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
    /* Older kernels: a mount root sits on a different device than its
     * parent, or is its own parent ("/"). */
    snprintf(parent, sizeof(parent), "%s/..", path);
    if (statx(AT_FDCWD, parent, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
              STATX_INO, &pstx) < 0)
        return 0;
    if (pstx.stx_dev_major != stx->stx_dev_major
        || pstx.stx_dev_minor != stx->stx_dev_minor)
        return 1;
    return pstx.stx_ino == stx->stx_ino;
}

static int dir_is_empty(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;
    struct dirent *e;
    int rc = 1;

    if (fd < 0) {
        int e2 = errno;
        kmount_errf(err, errlen, "cannot read mountpoint %s: %s", path,
                    strerror(e2));
        return -e2;
    }
    d = fdopendir(fd);
    if (!d) {
        int e2 = errno;
        close(fd);
        kmount_errf(err, errlen, "cannot read mountpoint %s: %s", path,
                    strerror(e2));
        return -e2;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            rc = 0;
            break;
        }
    }
    closedir(d);
    return rc;
}

static int detach_dead(const char *path, int via_fusermount, char *err,
                       size_t errlen)
{
    if (via_fusermount) {
        int rc = kmount_fusermount_unmount(path, err, errlen);
        if (rc < 0)
            return rc;
    } else if (umount2(path, MNT_DETACH) < 0) {
        int e = errno;
        kmount_errf(err, errlen, "cannot detach dead FUSE mount at %s: %s",
                    path, strerror(e));
        return -e;
    }
    fprintf(stderr, "fsp: detached dead FUSE mount at %s\n", path);
    return 0;
}

/*
 * The checks before mounting.  Every stat here uses AT_STATX_DONT_SYNC so
 * that an existing FUSE mount at path is never asked anything: if its
 * server is alive but not answering, a plain stat would hang us.  Whether
 * such a mount is dead is decided by kmount_probe_dead() in a child.
 */
/* *type gets the mount point's file type: FUSE mounts on directories and,
 * with o->file_root (libfuse allows it), on regular files. */
static int check_mountpoint(const char *path, const struct kmount_opts *o,
                            int via_fusermount, mode_t *type, char *err,
                            size_t errlen)
{
    struct statx stx;
    char fstype[64];
    int attempt, root = 0, rc;

    for (attempt = 0; attempt < 2; attempt++) {
        if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
                  STATX_TYPE | STATX_INO, &stx) < 0) {
            int e = errno;
            if (e == ENOTCONN && attempt == 0) {
                rc = detach_dead(path, via_fusermount, err, errlen);
                if (rc < 0)
                    return rc;
                continue;
            }
            if (e == ENOENT)
                kmount_errf(err, errlen, "mountpoint does not exist: %s",
                            path);
            else if (e == ENOTDIR)
                kmount_errf(err, errlen, "not a directory: %s", path);
            else
                kmount_errf(err, errlen, "cannot stat mountpoint %s: %s",
                            path, strerror(e));
            return -e;
        }
        root = is_mount_root(path, &stx);
        if (!root || attempt > 0)
            break;
        /* Only a FUSE mount can be dead in this sense; skip the probe's
         * fork for anything mountinfo says is something else. */
        if (kmount_mountinfo_find(path, NULL, fstype, sizeof(fstype), NULL,
                                  0) == 0 && !is_fuse_type(fstype))
            break;
        if (kmount_probe_dead(path, PROBE_TIMEOUT_MS) != 1)
            break;
        rc = detach_dead(path, via_fusermount, err, errlen);
        if (rc < 0)
            return rc;
    }

    if (!S_ISDIR(stx.stx_mode) && !(o->file_root && S_ISREG(stx.stx_mode))) {
        kmount_errf(err, errlen, "not a directory: %s", path);
        return -ENOTDIR;
    }
    *type = stx.stx_mode & S_IFMT;
    if (root) {
        kmount_errf(err, errlen, "already a mount point: %s", path);
        return -EBUSY;
    }
    if (S_ISDIR(stx.stx_mode) && !o->nonempty) {
        rc = dir_is_empty(path, err, errlen);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            kmount_errf(err, errlen, "mountpoint is not empty: %s", path);
            return -ENOTEMPTY;
        }
    }
    return 0;
}

static const char *default_fsname(const struct kmount_opts *o)
{
    if (o->fsname[0])
        return o->fsname;
    if (program_invocation_short_name && program_invocation_short_name[0])
        return program_invocation_short_name;
    return "fsp";
}

/* Root: open /dev/fuse ourselves and call mount(2). */
static int mount_direct(const char *path, const struct kmount_opts *o,
                        mode_t type, int *fd_out, char *err, size_t errlen)
{
    char data[256], fstype[80];
    unsigned long flags = o->ms_flags;
    int fd, e;

    fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            kmount_errf(err, errlen, "/dev/fuse not available: %s",
                        strerror(e));
        else if (e == EPERM || e == EACCES)
            kmount_errf(err, errlen, "mount not permitted: cannot open "
                        "/dev/fuse: %s", strerror(e));
        else
            kmount_errf(err, errlen, "cannot open /dev/fuse: %s",
                        strerror(e));
        return -e;
    }

    /* rootmode only tells the kernel the root's type (the mount point's);
     * the real attributes come from the server's first GETATTR. */
    snprintf(data, sizeof(data), "fd=%d,rootmode=%o,user_id=%u,group_id=%u%s%s",
             fd, (unsigned)type, (unsigned)getuid(), (unsigned)getgid(),
             o->allow_other ? ",allow_other" : "",
             o->default_permissions ? ",default_permissions" : "");
    if (o->max_read) {
        size_t n = strlen(data);
        snprintf(data + n, sizeof(data) - n, ",max_read=%u",
                 (unsigned)o->max_read);
    }
    /* fuseblk: the kernel opens the block device named as the source
     * (fsname) and sends DESTROY at unmount; blksize is its block size. */
    if (o->blkdev && o->blksize) {
        size_t n = strlen(data);
        snprintf(data + n, sizeof(data) - n, ",blksize=%u",
                 (unsigned)o->blksize);
    }
    snprintf(fstype, sizeof(fstype), "%s%s%s", o->blkdev ? "fuseblk" : "fuse",
             o->subtype[0] ? "." : "", o->subtype);
    if (o->read_only)
        flags |= MS_RDONLY;

    if (mount(default_fsname(o), path, fstype, flags, data) < 0) {
        e = errno;
        if (e == EPERM || e == EACCES)
            kmount_errf(err, errlen, "mount not permitted: %s: %s", path,
                        strerror(e));
        else if (e == ENODEV)
            kmount_errf(err, errlen, "/dev/fuse not available: the kernel "
                        "has no fuse file system (%s)", strerror(e));
        else if (o->blkdev && (e == ENOTBLK || e == ENOENT))
            kmount_errf(err, errlen, "mount failed: %s: %s",
                        default_fsname(o), strerror(e));
        else
            kmount_errf(err, errlen, "mount failed: %s: %s", path,
                        strerror(e));
        close(fd);
        return -e;
    }
    *fd_out = fd;
    return 0;
}

/* Append ",name=value" to buf, escaping what fusermount3's option
 * splitter would otherwise take apart. */
static int append_escaped(char *buf, size_t len, const char *name,
                          const char *value)
{
    size_t n = strlen(buf);

    if (n + strlen(name) + 2 >= len)
        return -1;
    n += (size_t)snprintf(buf + n, len - n, ",%s=", name);
    for (; *value; value++) {
        if (*value == ',' || *value == '\\') {
            if (n + 1 >= len)
                return -1;
            buf[n++] = '\\';
        }
        if (n + 1 >= len)
            return -1;
        buf[n++] = *value;
    }
    buf[n] = '\0';
    return 0;
}

/* Not root: let the setuid fusermount3 mount and hand us the fd. */
static int mount_fusermount(const char *path, const struct kmount_opts *o,
                            int *fd_out, char *err, size_t errlen)
{
    char opts[1024];

    /* nonempty and request_timeout are ours alone: fusermount3 of fuse 3
     * does not know the first, the second is negotiated in INIT.
     * auto_unmount is not passed on either: see fusermount.c for why our
     * watchdog does that job. */
    /* fusermount3 makes every user mount nosuid,nodev itself; the rest
     * of the generic flags it takes as words. */
    if (!(o->ms_flags & MS_NOSUID) || !(o->ms_flags & MS_NODEV)) {
        kmount_errf(err, errlen, "options suid and dev need root");
        return -EPERM;
    }
    snprintf(opts, sizeof(opts), "%s%s%s%s%s%s%s%s",
             o->read_only ? "ro" : "rw",
             o->allow_other ? ",allow_other" : "",
             o->default_permissions ? ",default_permissions" : "",
             (o->ms_flags & MS_NOEXEC) ? ",noexec" : "",
             (o->ms_flags & MS_SYNCHRONOUS) ? ",sync" : "",
             (o->ms_flags & MS_NOATIME) ? ",noatime" : "",
             (o->ms_flags & MS_NODIRATIME) ? ",nodiratime" : "",
             (o->ms_flags & MS_DIRSYNC) ? ",dirsync" : "");
    if (o->max_read) {
        size_t n = strlen(opts);
        snprintf(opts + n, sizeof(opts) - n, ",max_read=%u",
                 (unsigned)o->max_read);
    }
    if (append_escaped(opts, sizeof(opts), "fsname", default_fsname(o)) < 0
        || (o->subtype[0]
            && append_escaped(opts, sizeof(opts), "subtype", o->subtype) < 0)) {
        kmount_errf(err, errlen, "mount options too long");
        return -EINVAL;
    }
    return kmount_fusermount_mount(path, opts, fd_out, err, errlen);
}

/* The watchdog for a fresh mount: umount2 itself as root, fusermount3 -u
 * otherwise. */
static int start_watchdog(const char *path, dev_t dev, int fd,
                          int via_fusermount, int *wfd, pid_t *wpid,
                          char *err, size_t errlen)
{
    struct kmount_cmd cmd;
    int rc;

    if (!via_fusermount)
        rc = kmount_watchdog_start(path, dev, fd, NULL, wfd, wpid);
    else {
        rc = kmount_fusermount_unmount_cmd(&cmd, path, err, errlen);
        if (rc < 0)
            return rc;
        rc = kmount_watchdog_start(path, dev, fd, &cmd, wfd, wpid);
        kmount_cmd_free(&cmd);
    }
    if (rc < 0)
        kmount_errf(err, errlen, "cannot start the auto_unmount watchdog: "
                    "%s", strerror(-rc));
    return rc;
}

int kmount_mount(struct kmount *m, const char *mountpoint,
              const struct kmount_opts *o, char *err, size_t errlen)
{
    struct kmount_opts defaults;
    char canon[PATH_MAX];
    int via_fusermount = geteuid() != 0;
    int fd = -1, wfd = -1, mounted = 0, rc;
    pid_t wpid = 0;
    dev_t dev = 0;

    if (err && errlen)
        err[0] = '\0';
    if (!m)
        return -EINVAL;
    /* A failed kmount_mount leaves a struct that kmount_unmount ignores. */
    memset(m, 0, sizeof(*m));
    m->fd = -1;
    m->watchdog_fd = -1;
    if (!o) {
        kmount_opts_init(&defaults);
        o = &defaults;
    }
    if (!mountpoint || !mountpoint[0]) {
        kmount_errf(err, errlen, "no mountpoint given");
        return -EINVAL;
    }

    /* realpath only reads links, it never asks a FUSE server anything, so
     * it is safe even on a dead or hung mount. */
    if (!realpath(mountpoint, canon)) {
        rc = -errno;
        if (rc == -ENOENT)
            kmount_errf(err, errlen, "mountpoint does not exist: %s",
                        mountpoint);
        else if (rc == -ENOTDIR)
            kmount_errf(err, errlen, "not a directory: %s", mountpoint);
        else
            kmount_errf(err, errlen, "cannot resolve mountpoint %s: %s",
                        mountpoint, strerror(-rc));
        goto out;
    }
    if (strlen(canon) >= sizeof(m->mountpoint)) {
        kmount_errf(err, errlen, "mountpoint path too long: %s", canon);
        rc = -ENAMETOOLONG;
        goto out;
    }

    mode_t type = S_IFDIR;
    rc = check_mountpoint(canon, o, via_fusermount, &type, err, errlen);
    if (rc < 0)
        goto out;
    /* fusermount3 refuses blkdev to anyone but root, and so do we. */
    if (o->blkdev && via_fusermount) {
        kmount_errf(err, errlen, "blkdev mounts need root");
        rc = -EPERM;
        goto out;
    }

    if (via_fusermount)
        rc = mount_fusermount(canon, o, &fd, err, errlen);
    else
        rc = mount_direct(canon, o, type, &fd, err, errlen);
    if (rc < 0)
        goto out;
    mounted = 1;

    rc = mounted_dev(canon, &dev);
    if (rc < 0) {
        kmount_errf(err, errlen, "mounted %s but cannot find it again: %s",
                    canon, strerror(-rc));
        goto out;
    }

    if (o->auto_unmount) {
        rc = start_watchdog(canon, dev, fd, via_fusermount, &wfd, &wpid, err,
                            errlen);
        if (rc < 0)
            goto out;
    }

    memcpy(m->mountpoint, canon, strlen(canon) + 1);
    m->fd = fd;
    m->via_fusermount = via_fusermount;
    m->watchdog_fd = wfd;
    m->watchdog_pid = (int)wpid;
    m->dev_minor = minor(dev);
    m->mounted = 1;
    m->blkdev = o->blkdev;
    rc = 0;

out:
    if (rc < 0) {
        /* Unmount before closing anything: closing first would leave a
         * dead mount behind for a moment (or for good, without a
         * watchdog). */
        if (mounted) {
            if (via_fusermount)
                kmount_fusermount_unmount(canon, NULL, 0);
            else
                umount2(canon, MNT_DETACH);
        }
        kmount_watchdog_stop(wfd, wpid);
        if (fd >= 0)
            close(fd);
    }
    return rc;
}

/*
 * The kernel unmounts a fuseblk mount only after the server answered the
 * DESTROY it sends then (uninterruptibly).  Unmounting from outside, the
 * file system's loop answers it; but a program that unmounts itself
 * (after its loop ended, on SIGTERM) has nobody reading, and fsp's
 * session holds a descriptor of its own, so closing ours does not end
 * the connection either.  So while umount2 runs, this thread answers:
 * DESTROY with success, anything else with ENODEV (the file system is
 * going away), FORGETs and INTERRUPTs with nothing.  If the loop still
 * runs and answers DESTROY itself, the thread just stops with umount2.
 */
struct destroy_server {
    int fd;
    int stopfd;
    pthread_t thread;
};

static void *serve_destroy(void *arg)
{
    struct destroy_server *ds = arg;
    size_t size = (1u << 20) + 4096;  /* the session's: the largest write */
    char *buf = malloc(size);

    while (buf) {
        struct pollfd p[2] = { { .fd = ds->fd, .events = POLLIN },
                               { .fd = ds->stopfd, .events = POLLIN } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents || (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)))
            break;
        ssize_t n = read(ds->fd, buf, size);
        if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOENT))
            continue;  /* taken by the loop, or withdrawn by the kernel */
        if (n < 0)
            break;
        if ((size_t)n < sizeof(struct wire_in_header))
            continue;
        const struct wire_in_header *in = (const void *)buf;
        if (in->opcode == WIRE_OP_FORGET || in->opcode == WIRE_OP_BATCH_FORGET
            || in->opcode == WIRE_OP_INTERRUPT)
            continue;
        struct wire_out_header out = {
            .len = sizeof out,
            .error = in->opcode == WIRE_OP_DESTROY ? 0 : -ENODEV,
            .unique = in->unique,
        };
        if (write(ds->fd, &out, sizeof out) < 0) {
            /* the request is gone (interrupted): nothing to do */
        }
    }
    free(buf);
    return NULL;
}

static int destroy_server_start(struct destroy_server *ds, int fd)
{
    int fl = fcntl(fd, F_GETFL);

    /* Nonblocking, so that a request the loop takes first cannot leave
     * this thread stuck in read. */
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -errno;
    ds->fd = fd;
    ds->stopfd = eventfd(0, EFD_CLOEXEC);
    if (ds->stopfd < 0)
        return -errno;
    int rc = pthread_create(&ds->thread, NULL, serve_destroy, ds);
    if (rc) {
        close(ds->stopfd);
        return -rc;
    }
    return 0;
}

static void destroy_server_stop(struct destroy_server *ds)
{
    uint64_t one = 1;

    if (write(ds->stopfd, &one, sizeof one) < 0) {
        /* an eventfd write of 1 cannot fail here */
    }
    pthread_join(ds->thread, NULL);
    close(ds->stopfd);
}

int kmount_unmount(struct kmount *m)
{
    char fstype[64];
    dev_t now;
    int rc = 0, still_ours, r;

    if (!m || !m->mounted)
        return 0;

    /* Only unmount what is still ours on top: if our mount is gone or
     * something else was mounted over it, unmounting by path would hit
     * the wrong file system. */
    r = kmount_mountinfo_find(m->mountpoint, &now, fstype, sizeof(fstype),
                              NULL, 0);
    if (r == 0)
        still_ours = minor(now) == m->dev_minor && is_fuse_type(fstype);
    else if (r == -ENOENT)
        still_ours = 0;  /* already unmounted (watchdog, umount -l, ...) */
    else
        still_ours = 1;  /* cannot tell: the kernel will say if not */

    if (still_ours) {
        struct destroy_server ds;
        int serving = m->blkdev && m->fd >= 0
                      && destroy_server_start(&ds, m->fd) == 0;
        if (m->via_fusermount) {
            rc = kmount_fusermount_unmount(m->mountpoint, NULL, 0);
            if (rc < 0 && kmount_mountinfo_find(m->mountpoint, &now, NULL, 0,
                                                NULL, 0) == -ENOENT)
                rc = 0;  /* it went away by itself meanwhile */
        } else if (umount2(m->mountpoint, MNT_DETACH) < 0) {
            /* EINVAL: not a mount point any more; ENOENT: the directory
             * itself is gone.  Both mean there is nothing left to do. */
            if (errno != EINVAL && errno != ENOENT)
                rc = -errno;
        }
        if (serving)
            destroy_server_stop(&ds);
    }

    if (m->fd >= 0)
        close(m->fd);
    /* After the unmount, so the watchdog finds nothing of ours left. */
    kmount_watchdog_stop(m->watchdog_fd, (pid_t)m->watchdog_pid);
    m->fd = -1;
    m->watchdog_fd = -1;
    m->watchdog_pid = 0;
    m->mounted = 0;
    return rc;
}

int kmount_abort(const char *mountpoint, char *err, size_t errlen)
{
    char canon[PATH_MAX], fstype[64];
    dev_t dev;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (!mountpoint || !mountpoint[0]) {
        kmount_errf(err, errlen, "no mountpoint given");
        return -EINVAL;
    }
    if (!realpath(mountpoint, canon)) {
        /* realpath can fail below a dead mount; an absolute path as given
         * may still match mountinfo. */
        if (mountpoint[0] != '/' || strlen(mountpoint) >= sizeof(canon)) {
            rc = -errno;
            kmount_errf(err, errlen, "cannot resolve %s: %s", mountpoint,
                        strerror(-rc));
            return rc;
        }
        snprintf(canon, sizeof(canon), "%s", mountpoint);
    }

    /* The device comes from mountinfo, never from a plain stat: aborting
     * is meant for a server that does not answer, and a stat would wait
     * for it forever. */
    rc = kmount_mountinfo_find(canon, &dev, fstype, sizeof(fstype), NULL, 0);
    if (rc == -ENOENT) {
        kmount_errf(err, errlen, "not a mount point: %s", canon);
        return -EINVAL;
    }
    if (rc < 0) {
        kmount_errf(err, errlen, "cannot read /proc/self/mountinfo: %s",
                    strerror(-rc));
        return rc;
    }
    if (!is_fuse_type(fstype)) {
        kmount_errf(err, errlen, "not a FUSE mount: %s (type %s)", canon,
                    fstype);
        return -EINVAL;
    }

    rc = kmount_fusectl_ensure(err, errlen);
    if (rc < 0)
        return rc;
    return kmount_fusectl_abort(dev, err, errlen);
}

int kmount_abort_conn(const struct kmount *m, char *err, size_t errlen)
{
    if (!m->dev_minor) {
        kmount_errf(err, errlen, "no connection known");
        return -EINVAL;
    }
    int rc = kmount_fusectl_ensure(err, errlen);
    if (rc < 0)
        return rc;
    return kmount_fusectl_abort(makedev(0, m->dev_minor), err, errlen);
}
