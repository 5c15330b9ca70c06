/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ro_probe [-a] MNT: is the mount at MNT read-only, and does every
 * change through it fail with EROFS?  Prints one word:
 *
 *   ro       mountinfo says ro and every change below failed with EROFS
 *   rw       mountinfo says rw and creating a file did not fail with EROFS
 *   none     nothing is mounted at MNT
 *   odd:...  anything else (what differed)
 *
 * MNT must hold a writable file "f" (tests/compat/ro_fs.c) or be a
 * mirror of a directory that does (bindfs).  With -a every change is
 * tried whatever mountinfo says (a mount remounted rw behind the file
 * system's back), and the answer is "erofs" if all failed with EROFS,
 * else "odd:..." as above.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* "ro" or "rw" from the per-mount options of MNT, or "" if not found. */
static const char *mount_mode(const char *mnt)
{
    static char mode[3];
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[4096];
    mode[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        char point[2048], opts[1024];
        if (sscanf(line, "%*s %*s %*s %*s %2047s %1023s", point, opts) == 2 &&
            strcmp(point, mnt) == 0)
            snprintf(mode, sizeof mode, "%.2s", opts); /* last one wins */
    }
    if (f)
        fclose(f);
    return mode;
}

static char path_buf[3][4096];

static const char *P(int i, const char *mnt, const char *name)
{
    snprintf(path_buf[i], sizeof path_buf[i], "%s/%s", mnt, name);
    return path_buf[i];
}

/* 0 on success, else errno: one change each. */
static int op(int which, const char *mnt)
{
    int r = -1, fd;
    switch (which) {
    case 0: /* write an existing file */
        fd = open(P(0, mnt, "f"), O_WRONLY);
        if (fd >= 0) {
            r = write(fd, "x", 1) == 1 ? 0 : -1;
            close(fd);
        }
        break;
    case 1:
        fd = open(P(0, mnt, "ro_probe_new"), O_WRONLY | O_CREAT | O_EXCL,
                  0644);
        if (fd >= 0) {
            close(fd);
            r = 0;
        }
        break;
    case 2: r = mkdir(P(0, mnt, "ro_probe_dir"), 0755); break;
    case 3: r = chmod(P(0, mnt, "f"), 0600); break;
    case 4: r = truncate(P(0, mnt, "f"), 1); break;
    case 5: r = setxattr(P(0, mnt, "f"), "user.ro_probe", "1", 1, 0); break;
    case 6: r = rename(P(0, mnt, "f"), P(1, mnt, "g")); break;
    case 7: r = unlink(P(0, mnt, "f")); break;
    case 8: r = symlink("f", P(0, mnt, "ro_probe_link")); break;
    }
    return r == 0 ? 0 : errno;
}

static const char *const op_names[] = {
    "write", "create", "mkdir", "chmod", "truncate", "setxattr", "rename",
    "unlink", "symlink",
};

int main(int argc, char **argv)
{
    int all = argc == 3 && strcmp(argv[1], "-a") == 0;
    if (argc != 2 + all) {
        fprintf(stderr, "usage: ro_probe [-a] MOUNTPOINT\n");
        return 2;
    }
    const char *mnt = argv[1 + all];
    const char *mode = all ? "ro" : mount_mode(mnt);
    if (!mode[0]) {
        puts("none");
        return 0;
    }
    if (strcmp(mode, "rw") == 0) {
        int e = op(1, mnt);
        if (e == EROFS)
            puts("odd:rw-mount-but-create-EROFS");
        else
            puts("rw");
        return 0;
    }
    char odd[1024] = "";
    for (int i = 0; i < (int)(sizeof op_names / sizeof op_names[0]); i++) {
        int e = op(i, mnt);
        if (e != EROFS)
            snprintf(odd + strlen(odd), sizeof odd - strlen(odd), "%s%s=%s",
                     odd[0] ? "," : "", op_names[i], e ? strerror(e) : "ok");
    }
    if (strcmp(mode, "ro") || odd[0])
        printf("odd:%s:%s\n", mode, odd);
    else
        puts(all ? "erofs" : "ro");
    return 0;
}
