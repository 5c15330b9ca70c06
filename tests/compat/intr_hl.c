/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * intr_hl: fuse_interrupted() in a high-level (fuse.h, libfuse 3) file
 * system.  Reading "wait" polls fuse_interrupted() for up to 20 s and
 * fails with EINTR as soon as it says so; "hello" reads normally; "count"
 * says how many reads of "wait" saw the interrupt.  tests/compat/intr.sh
 * mounts it (its open sets direct_io, so reads reach it synchronously,
 * in the reader's context), kills a reader of "wait" and expects it gone
 * promptly: the kernel holds a killed reader until the file system
 * answers the interrupted request.
 *
 * "block" sleeps 20 s in nanosleep, as a callback blocked in a system
 * call would; with fuse_config's intr set (by init, when INTR_HL_INTR is
 * in the environment: libfuse 3.14 takes no -o intr on the command
 * line), the INTERRUPT must reach it as intr_signal (EINTR from
 * nanosleep), and "signals" counts those.
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int seen, signals;

static int hl_getattr(const char *path, struct stat *st,
                      struct fuse_file_info *fi)
{
    (void)fi;
    memset(st, 0, sizeof *st);
    st->st_nlink = 1;
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        return 0;
    }
    if (strcmp(path, "/wait") && strcmp(path, "/hello") &&
        strcmp(path, "/count") && strcmp(path, "/block") &&
        strcmp(path, "/signals"))
        return -ENOENT;
    st->st_mode = S_IFREG | 0444;
    st->st_size = 4096;
    return 0;
}

static int text(const char *s, char *buf, size_t size, off_t off)
{
    size_t len = strlen(s);
    if ((size_t)off >= len)
        return 0;
    len -= (size_t)off;
    if (len > size)
        len = size;
    memcpy(buf, s + off, len);
    return (int)len;
}

static int hl_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    char tmp[32];
    (void)fi;
    if (strcmp(path, "/hello") == 0)
        return text("hello\n", buf, size, off);
    if (strcmp(path, "/count") == 0 || strcmp(path, "/signals") == 0) {
        pthread_mutex_lock(&lock);
        snprintf(tmp, sizeof tmp, "%d\n",
                 strcmp(path, "/count") == 0 ? seen : signals);
        pthread_mutex_unlock(&lock);
        return text(tmp, buf, size, off);
    }
    if (strcmp(path, "/block") == 0) {
        struct timespec t = { 20, 0 };
        if (nanosleep(&t, NULL) != 0 && errno == EINTR) {
            pthread_mutex_lock(&lock);
            signals++;
            pthread_mutex_unlock(&lock);
            return -EINTR;
        }
        return text("slept\n", buf, size, off);
    }
    for (int i = 0; i < 4000; i++) {
        if (fuse_interrupted()) {
            pthread_mutex_lock(&lock);
            seen++;
            pthread_mutex_unlock(&lock);
            return -EINTR;
        }
        usleep(5000);
    }
    return text("not interrupted\n", buf, size, off);
}

/* direct_io: every read reaches us, synchronously (set here rather
 * than with -o direct_io, which libfuse 3.14's fuse_main refuses). */
static int hl_open(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    fi->direct_io = 1;
    return 0;
}

static void *hl_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    if (getenv("INTR_HL_INTR"))
        cfg->intr = 1;
    return NULL;
}

static const struct fuse_operations ops = {
    .init = hl_init,
    .getattr = hl_getattr,
    .open = hl_open,
    .read = hl_read,
};

int main(int argc, char *argv[])
{
    return fuse_main(argc, argv, &ops, NULL);
}
