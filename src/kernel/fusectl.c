/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fusectl: the kernel's control file system for FUSE connections, one
 * directory per connection under /sys/fs/fuse/connections.  Writing to a
 * connection's "abort" file fails every pending and future request with
 * ENOTCONN, which is the only way to free processes stuck on a server that
 * no longer answers.
 */
#include "kernel/watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define FUSECTL_DIR "/sys/fs/fuse/connections"
#define FUSECTL_SUPER_MAGIC 0x65735543

static int fusectl_mounted(void)
{
    struct statfs sfs;

    if (statfs(FUSECTL_DIR, &sfs) < 0)
        return -errno;
    return sfs.f_type == FUSECTL_SUPER_MAGIC;
}

int kmount_fusectl_ensure(char *err, size_t errlen)
{
    int r = fusectl_mounted();

    if (r == 1)
        return 0;
    if (r < 0) {
        /* The directory exists whenever the fuse module is loaded. */
        kmount_errf(err, errlen, "fusectl not available: %s: %s",
                    FUSECTL_DIR, strerror(-r));
        return r;
    }
    if (mount("fusectl", FUSECTL_DIR, "fusectl",
              MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        int e = errno;
        /* Someone else may have mounted it at the same moment. */
        if (fusectl_mounted() == 1)
            return 0;
        if (e == EPERM || e == EACCES)
            kmount_errf(err, errlen, "mount not permitted: cannot mount "
                        "fusectl on %s: %s", FUSECTL_DIR, strerror(e));
        else
            kmount_errf(err, errlen, "cannot mount fusectl on %s: %s",
                        FUSECTL_DIR, strerror(e));
        return -e;
    }
    return 0;
}

int kmount_fusectl_abort(dev_t dev, char *err, size_t errlen)
{
    char path[128];
    /* The directory is named after the kernel's own encoding of the
     * superblock's device number (major << 20 | minor); FUSE mounts have
     * major 0, so for them it is simply the minor. */
    unsigned long id = ((unsigned long)major(dev) << 20) | minor(dev);
    int fd, rc = 0;

    snprintf(path, sizeof(path), FUSECTL_DIR "/%lu/abort", id);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        if (rc == -ENOENT)
            kmount_errf(err, errlen, "no FUSE connection %lu in %s", id,
                        FUSECTL_DIR);
        else
            kmount_errf(err, errlen, "cannot open %s: %s", path,
                        strerror(-rc));
        return rc;
    }
    if (write(fd, "1", 1) != 1) {
        rc = -errno;
        kmount_errf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
    }
    close(fd);
    return rc;
}
