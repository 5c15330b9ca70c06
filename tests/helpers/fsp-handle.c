/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-handle: file handles from the shell, for tests/export.sh.
 *
 *   fsp-handle save PATH HANDLEFILE      name_to_handle_at -> file
 *   fsp-handle cat MOUNT HANDLEFILE      open_by_handle_at, copy to stdout
 *   fsp-handle stat MOUNT HANDLEFILE     open_by_handle_at, print st_ino
 *   fsp-handle flip MOUNT HANDLEFILE     every single-bit corruption of the
 *                                        handle: prints one line per
 *                                        result (errno name, or "OPEN ino"
 *                                        with the inode number reached)
 *
 * open_by_handle_at needs CAP_DAC_READ_SEARCH (run as root).  Errors
 * print "ERR name" on stdout and exit 1, so a test can compare them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HANDLE 128

static const char *errname(int e)
{
    switch (e) {
    case ESTALE: return "ESTALE";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EPERM: return "EPERM";
    case EIO: return "EIO";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOMEM: return "ENOMEM";
    default: return strerror(e);
    }
}

static int fail(int e)
{
    printf("ERR %s\n", errname(e));
    return 1;
}

static int load(const char *file, struct file_handle *fh)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return -errno;
    size_t n = fread(fh, 1, sizeof *fh + MAX_HANDLE, f);
    fclose(f);
    if (n < sizeof *fh || fh->handle_bytes > MAX_HANDLE ||
        n != sizeof *fh + fh->handle_bytes)
        return -EINVAL;
    return 0;
}

static int open_at(const char *mount, struct file_handle *fh, int flags)
{
    int mfd = open(mount, O_RDONLY | O_DIRECTORY);
    if (mfd < 0)
        return -errno;
    int fd = open_by_handle_at(mfd, fh, flags);
    int e = errno;
    close(mfd);
    return fd < 0 ? -e : fd;
}

static int save(const char *path, const char *file)
{
    union { struct file_handle fh; char b[sizeof(struct file_handle) + MAX_HANDLE]; } u;
    int mount_id;
    u.fh.handle_bytes = MAX_HANDLE;
    if (name_to_handle_at(AT_FDCWD, path, &u.fh, &mount_id, 0) < 0)
        return fail(errno);
    FILE *f = fopen(file, "wb");
    if (!f)
        return fail(errno);
    size_t n = sizeof u.fh + u.fh.handle_bytes;
    int ok = fwrite(&u, 1, n, f) == n;
    if (fclose(f) != 0 || !ok)
        return fail(EIO);
    return 0;
}

static int cat(const char *mount, const char *file)
{
    union { struct file_handle fh; char b[sizeof(struct file_handle) + MAX_HANDLE]; } u;
    int r = load(file, &u.fh);
    if (r)
        return fail(-r);
    int fd = open_at(mount, &u.fh, O_RDONLY);
    if (fd < 0)
        return fail(-fd);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            break;
    int e = n < 0 ? errno : 0;
    close(fd);
    return e ? fail(e) : 0;
}

static int stat_(const char *mount, const char *file)
{
    union { struct file_handle fh; char b[sizeof(struct file_handle) + MAX_HANDLE]; } u;
    int r = load(file, &u.fh);
    if (r)
        return fail(-r);
    int fd = open_at(mount, &u.fh, O_PATH);
    if (fd < 0)
        return fail(-fd);
    struct stat st;
    r = fstat(fd, &st);
    close(fd);
    if (r < 0)
        return fail(errno);
    printf("%llu\n", (unsigned long long)st.st_ino);
    return 0;
}

static int flip(const char *mount, const char *file)
{
    union { struct file_handle fh; char b[sizeof(struct file_handle) + MAX_HANDLE]; } u;
    int r = load(file, &u.fh);
    if (r)
        return fail(-r);
    unsigned char *p = u.fh.f_handle;
    for (unsigned bit = 0; bit < u.fh.handle_bytes * 8; bit++) {
        p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        int fd = open_at(mount, &u.fh, O_PATH);
        if (fd < 0) {
            printf("%s\n", errname(-fd));
        } else {
            struct stat st;
            if (fstat(fd, &st) == 0)
                printf("OPEN %llu\n", (unsigned long long)st.st_ino);
            else
                printf("OPEN ?\n");
            close(fd);
        }
        p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: fsp-handle save|cat|stat|flip A B\n");
        return 2;
    }
    if (strcmp(argv[1], "save") == 0)
        return save(argv[2], argv[3]);
    if (strcmp(argv[1], "cat") == 0)
        return cat(argv[2], argv[3]);
    if (strcmp(argv[1], "stat") == 0)
        return stat_(argv[2], argv[3]);
    if (strcmp(argv[1], "flip") == 0)
        return flip(argv[2], argv[3]);
    fprintf(stderr, "fsp-handle: unknown command %s\n", argv[1]);
    return 2;
}
