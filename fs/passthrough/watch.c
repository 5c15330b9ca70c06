/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coherence with the source: passthrough watches, with inotify, every
 * source directory the kernel has looked up through the mount, and turns
 * what happens there behind the mount's back into fsp notifications, so
 * that the kernel may cache entries, attributes and listings for long.
 *
 * Why inotify and not fanotify (FAN_REPORT_DFID_NAME on the whole source
 * file system): inotify works without root and on any source, and
 * watches only what the kernel can have cached (directories it looked
 * up); fanotify needs CAP_SYS_ADMIN, a source file system with file
 * handles and an fsid, and reports every change on the whole file
 * system, which would cost the most on the busiest machines.  What
 * fanotify would give and inotify does not: the pid of the changer, to
 * skip our own changes.  Here our own changes through the mount echo
 * back as invalidations of what the kernel just learnt (harmless, and
 * cheap: one write to /dev/fuse each, coalesced per batch of events).
 *
 * Each event names a directory (the watch) and maybe a name in it:
 *   a name appeared, went or moved   entry invalidation of the name, and
 *                                    the directory's data (its cached
 *                                    listing) and attributes
 *   a file's data or attributes      inode invalidation of that file
 *   changed (IN_MODIFY, IN_ATTRIB,   (its index found by fstatat on the
 *   IN_CLOSE_WRITE)                  name, as lookup finds it)
 *   the directory's own attributes   inode invalidation of the directory
 *   the queue overflowed             every watched directory is listed
 *                                    again and every name and file in it
 *                                    invalidated ("drop all")
 * Watches end when their directory is deleted (IN_IGNORED).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "pt.h"

#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
/* Not IN_MODIFY: one per write(2), each a notification and a wakeup of
 * this thread, which would cost a writer through the mount (whose writes
 * land in the source too) more than the writes themselves.  A writer in
 * the source is seen when it closes the file (IN_CLOSE_WRITE), as NFS's
 * close-to-open promises. */
#define FILE_EVENTS (IN_ATTRIB | IN_CLOSE_WRITE)
#define WATCH_MASK (DIR_EVENTS | FILE_EVENTS | IN_DELETE_SELF | IN_ONLYDIR)

struct watched {
    int fd;              /* O_PATH of the directory, -1: slot free */
    uint64_t index;
};

/* A change passthrough itself makes in the source for a request through
 * the mount: the kernel knows of it already, so its event is skipped
 * rather than echoed back as an invalidation of what the kernel just
 * learnt (which would cost a LOOKUP or GETATTR each).  Recorded before
 * the change, so before its event; an expectation no event consumes
 * (the change failed) lapses after EXPECT_NS.  A change made in the
 * source to the same name in the same moment still gets its own event:
 * expectations are counted, one event each. */
#define EXPECTS 256
#define EXPECT_NS 2000000000ull
struct expect {
    uint64_t key, hash;     /* (dir index, name hash), or (file index, 0) */
    uint64_t until;         /* monotonic ns; 0: free */
};

struct pt_watch {
    fsp_fs *fs;
    struct expect ex[EXPECTS];
    struct pt_fs *pt;
    int ifd;             /* inotify */
    int stop[2];         /* a byte here ends the thread */
    pthread_t thread;
    pthread_mutex_t lock;
    struct watched *w;   /* by watch descriptor */
    size_t nw;
    int warned;
};

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t name_hash(const char *name)
{
    uint64_t h = 1469598103934665603ull;     /* FNV-1a */
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ull;
    return h | 1;                            /* never 0: that is an inode */
}

static void expect(struct pt_watch *pw, uint64_t key, uint64_t hash)
{
    uint64_t now = now_ns();
    pthread_mutex_lock(&pw->lock);
    for (int i = 0; i < EXPECTS; i++)
        if (pw->ex[i].until < now) {
            pw->ex[i] = (struct expect){ key, hash, now + EXPECT_NS };
            break;
        }
    /* All taken: the event will be echoed, which costs but is right. */
    pthread_mutex_unlock(&pw->lock);
}

static int consume(struct pt_watch *pw, uint64_t key, uint64_t hash)
{
    uint64_t now = now_ns();
    int found = 0;
    pthread_mutex_lock(&pw->lock);
    for (int i = 0; i < EXPECTS && !found; i++)
        if (pw->ex[i].until >= now && pw->ex[i].key == key &&
            pw->ex[i].hash == hash) {
            pw->ex[i].until = 0;
            found = 1;
        }
    pthread_mutex_unlock(&pw->lock);
    return found;
}

void pt_watch_expect_name(struct pt_watch *pw, uint64_t dir_index,
                          const char *name)
{
    if (pw)
        expect(pw, dir_index, name_hash(name));
}

void pt_watch_expect_inode(struct pt_watch *pw, uint64_t index)
{
    if (pw)
        expect(pw, index, 0);
}

void pt_watch_dir(struct pt_watch *pw, int dirfd, uint64_t index)
{
    if (!pw)
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", dirfd);
    int wd = inotify_add_watch(pw->ifd, path, WATCH_MASK);
    if (wd < 0) {
        /* ENOSPC: fs.inotify.max_user_watches reached.  That directory
         * is then coherent only by the timeout; say so once. */
        if (!__atomic_exchange_n(&pw->warned, 1, __ATOMIC_RELAXED))
            fprintf(stderr, "passthrough: cannot watch a directory (%s); "
                    "changes made in the source beside the mount show "
                    "only after the cache timeout there\n", strerror(errno));
        return;
    }
    pthread_mutex_lock(&pw->lock);
    if ((size_t)wd >= pw->nw) {
        size_t n = pw->nw ? pw->nw : 64;
        while (n <= (size_t)wd)
            n *= 2;
        struct watched *w = realloc(pw->w, n * sizeof *w);
        if (!w) {
            pthread_mutex_unlock(&pw->lock);
            inotify_rm_watch(pw->ifd, wd);
            return;
        }
        for (size_t i = pw->nw; i < n; i++)
            w[i].fd = -1;
        pw->w = w;
        pw->nw = n;
    }
    if (pw->w[wd].fd < 0) {
        pw->w[wd].fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
        pw->w[wd].index = index;
    }
    pthread_mutex_unlock(&pw->lock);
}

/* The invalidations of one batch of events, without repeats. */
struct todo {
    int kind;            /* 0: entry (dir, name), 1: inode data+attr,
                            2: inode attributes only */
    uint64_t index;
    char name[256];
};

struct batch {
    struct todo t[256];
    int n;
};

static void flush(struct pt_watch *pw, struct batch *b)
{
    for (int i = 0; i < b->n; i++) {
        struct todo *t = &b->t[i];
        if (t->kind == 0)
            fsp_fs_notify_entry(pw->fs, t->index, t->name);
        else
            fsp_fs_notify_inode(pw->fs, t->index, t->kind == 1 ? 0 : -1, 0);
    }
    b->n = 0;
}

static void add(struct pt_watch *pw, struct batch *b, int kind,
                uint64_t index, const char *name)
{
    for (int i = 0; i < b->n; i++)
        if (b->t[i].kind == kind && b->t[i].index == index &&
            (!name || strcmp(b->t[i].name, name) == 0))
            return;
    if (b->n == (int)(sizeof b->t / sizeof b->t[0]))
        flush(pw, b);
    struct todo *t = &b->t[b->n++];
    t->kind = kind;
    t->index = index;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
}

/* A child's index by its name in watched directory fd; 0 if gone. */
static uint64_t child_index(struct pt_watch *pw, int fd, const char *name)
{
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    return pt_index(pw->pt, st.st_dev, st.st_ino);
}

/* Overflow: events were lost, so drop everything the kernel may hold
 * for every watched directory.  The list is copied first: notifications
 * may wait for a directory lock that a lookup holds, and that lookup may
 * be waiting for pw->lock in pt_watch_dir. */
static void drop_all(struct pt_watch *pw, struct batch *b)
{
    pthread_mutex_lock(&pw->lock);
    size_t n = 0, nw = pw->nw;
    struct watched *copy = nw ? malloc(nw * sizeof *copy) : NULL;
    for (size_t wd = 0; copy && wd < nw; wd++)
        if (pw->w[wd].fd >= 0) {
            copy[n].index = pw->w[wd].index;
            copy[n].fd = openat(pw->w[wd].fd, ".",
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (copy[n].fd >= 0)
                n++;
        }
    pthread_mutex_unlock(&pw->lock);
    if (!copy && nw)
        fprintf(stderr, "passthrough: out of memory after an inotify "
                "overflow; cached names may be stale for up to 60 s\n");
    for (size_t i = 0; i < n; i++) {
        uint64_t dir = copy[i].index;
        add(pw, b, 1, dir, NULL);
        DIR *d = fdopendir(copy[i].fd);
        if (!d) {
            close(copy[i].fd);
            continue;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            add(pw, b, 0, dir, de->d_name);
            uint64_t c = child_index(pw, dirfd(d), de->d_name);
            if (c)
                add(pw, b, 1, c, NULL);
        }
        closedir(d);
    }
    free(copy);
    flush(pw, b);
}

static void handle(struct pt_watch *pw, struct batch *b,
                   const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        flush(pw, b);
        drop_all(pw, b);
        return;
    }
    pthread_mutex_lock(&pw->lock);
    int known = ev->wd >= 0 && (size_t)ev->wd < pw->nw && pw->w[ev->wd].fd >= 0;
    uint64_t dir = known ? pw->w[ev->wd].index : 0;
    int fd = known ? pw->w[ev->wd].fd : -1;
    if (known && (ev->mask & IN_IGNORED)) {
        close(pw->w[ev->wd].fd);
        pw->w[ev->wd].fd = -1;
    }
    /* fd stays valid below: only this thread closes slots. */
    pthread_mutex_unlock(&pw->lock);
    if (!known || (ev->mask & IN_IGNORED))
        return;
    if (ev->len && ev->name[0]) {
        if ((ev->mask & DIR_EVENTS) && consume(pw, dir, name_hash(ev->name)))
            return;     /* our own, through the mount */
        if (ev->mask & DIR_EVENTS) {
            add(pw, b, 0, dir, ev->name);
            add(pw, b, 1, dir, NULL);      /* its listing, mtime, nlink */
        }
        if (ev->mask & FILE_EVENTS) {
            uint64_t c = child_index(pw, fd, ev->name);
            if (c && !consume(pw, c, 0))
                add(pw, b, (ev->mask & IN_CLOSE_WRITE) ? 1 : 2, c, NULL);
        }
    } else if (ev->mask & IN_ATTRIB) {
        add(pw, b, 2, dir, NULL);
    }
}

static void *watch_main(void *arg)
{
    struct pt_watch *pw = arg;
    static __thread struct batch b;
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    struct pollfd p[2] = { { pw->ifd, POLLIN, 0 }, { pw->stop[0], POLLIN, 0 } };
    for (;;) {
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        /* Let events gather for a millisecond: a burst of changes (ours
         * through the mount, mostly) then costs one wakeup of this
         * thread, not one each, which on a machine with few CPUs takes
         * one from the requests being served. */
        struct timespec gather = { 0, 1000000 };
        nanosleep(&gather, NULL);
        ssize_t n = read(pw->ifd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            break;
        }
        for (char *q = buf; q < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)q;
            handle(pw, &b, ev);
            q += sizeof *ev + ev->len;
        }
        flush(pw, &b);
    }
    return NULL;
}

int pt_watch_start(struct pt_watch **out, fsp_fs *fs, struct pt_fs *pt)
{
    struct pt_watch *pw = calloc(1, sizeof *pw);
    if (!pw)
        return -ENOMEM;
    pw->fs = fs;
    pw->pt = pt;
    pw->stop[0] = pw->stop[1] = -1;
    pthread_mutex_init(&pw->lock, NULL);
    pw->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int r = pw->ifd < 0 || pipe2(pw->stop, O_CLOEXEC) < 0 ? -errno : 0;
    if (!r)
        r = -pthread_create(&pw->thread, NULL, watch_main, pw);
    if (r) {
        if (pw->ifd >= 0)
            close(pw->ifd);
        if (pw->stop[0] >= 0) {
            close(pw->stop[0]);
            close(pw->stop[1]);
        }
        pthread_mutex_destroy(&pw->lock);
        free(pw);
        return r;
    }
    *out = pw;
    return 0;
}

void pt_watch_stop(struct pt_watch *pw)
{
    if (!pw)
        return;
    if (write(pw->stop[1], "x", 1) < 0)
        perror("passthrough: stopping the watcher");
    pthread_join(pw->thread, NULL);
    for (size_t i = 0; i < pw->nw; i++)
        if (pw->w[i].fd >= 0)
            close(pw->w[i].fd);
    free(pw->w);
    close(pw->ifd);
    close(pw->stop[0]);
    close(pw->stop[1]);
    pthread_mutex_destroy(&pw->lock);
    free(pw);
}
