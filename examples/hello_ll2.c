/* SPDX-License-Identifier: 0BSD */
/*
 * hello_ll2: a libfuse 2 low-level file system (FUSE_USE_VERSION 26),
 * written the 2.x way: fuse_mount gives a channel, fuse_lowlevel_new a
 * session, fuse_session_add_chan joins them and fuse_session_loop runs.
 *
 * Two files in the root: "note", read-write (kept in memory, up to
 * 64 KiB), and "hello", read-only, which says how many writes "note" has
 * had.  The kernel may cache "hello" for a long time (keep_cache and
 * long timeouts), so after each write to "note" the file system tells
 * the kernel to drop it with fuse_lowlevel_notify_inval_inode.
 *
 * The same source builds against fsp's libfuse.so.2 and libfuse 2.9:
 *
 *   cc -o hello_ll2 examples/hello_ll2.c \
 *      $(PKG_CONFIG_PATH=build/pkgconfig pkg-config --cflags --libs fuse)
 *   ./hello_ll2 -f /mnt/x
 */
#define FUSE_USE_VERSION 26
#include <fuse_lowlevel.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HELLO_INO 2
#define NOTE_INO 3
#define NOTE_MAX 65536
/* The kernel may trust names and attributes this long (seconds). */
#define TIMEOUT 3600.0

/* The file system's state: fuse_lowlevel_new's userdata. */
struct hello {
    pthread_mutex_t lock;
    char note[NOTE_MAX];
    size_t note_size;
    unsigned writes;
    struct fuse_chan *ch;        /* for notifications */
};

/* The text of "hello" (NUL-terminated in buf); its length. */
static size_t hello_text(struct hello *h, char *buf, size_t size)
{
    int n = snprintf(buf, size, "Hello from libfuse 2! writes: %u\n",
                     h->writes);
    return n < 0 ? 0 : (size_t)n;
}

/* Attributes of our inodes; -1 for any other.  Called locked. */
static int fill_stat(struct hello *h, fuse_ino_t ino, struct stat *st)
{
    char buf[64];
    memset(st, 0, sizeof(*st));
    st->st_ino = ino;
    st->st_uid = getuid();
    st->st_gid = getgid();
    switch (ino) {
    case FUSE_ROOT_ID:
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    case HELLO_INO:
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)hello_text(h, buf, sizeof(buf));
        return 0;
    case NOTE_INO:
        st->st_mode = S_IFREG | 0644;
        st->st_nlink = 1;
        st->st_size = (off_t)h->note_size;
        return 0;
    }
    return -1;
}

static void reply_stat(fuse_req_t req, fuse_ino_t ino)
{
    struct hello *h = fuse_req_userdata(req);
    struct stat st;
    pthread_mutex_lock(&h->lock);
    int r = fill_stat(h, ino, &st);
    pthread_mutex_unlock(&h->lock);
    if (r == -1)
        fuse_reply_err(req, ENOENT);
    else
        fuse_reply_attr(req, &st, TIMEOUT);
}

static void hl_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct hello *h = fuse_req_userdata(req);
    struct fuse_entry_param e;
    fuse_ino_t ino = strcmp(name, "hello") == 0 ? HELLO_INO
                   : strcmp(name, "note") == 0 ? NOTE_INO : 0;
    if (parent != FUSE_ROOT_ID || !ino) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    memset(&e, 0, sizeof(e));
    e.ino = ino;
    e.attr_timeout = TIMEOUT;
    e.entry_timeout = TIMEOUT;
    pthread_mutex_lock(&h->lock);
    fill_stat(h, ino, &e.attr);
    pthread_mutex_unlock(&h->lock);
    fuse_reply_entry(req, &e);
}

static void hl_getattr(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    (void)fi;
    reply_stat(req, ino);
}

/* Only note's size may change (truncate). */
static void hl_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                       int to_set, struct fuse_file_info *fi)
{
    struct hello *h = fuse_req_userdata(req);
    (void)fi;
    if (ino != NOTE_INO || (to_set & ~(FUSE_SET_ATTR_SIZE |
                                       FUSE_SET_ATTR_ATIME |
                                       FUSE_SET_ATTR_MTIME |
                                       FUSE_SET_ATTR_ATIME_NOW |
                                       FUSE_SET_ATTR_MTIME_NOW))) {
        fuse_reply_err(req, EPERM);
        return;
    }
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (attr->st_size < 0 || attr->st_size > NOTE_MAX) {
            fuse_reply_err(req, EFBIG);
            return;
        }
        pthread_mutex_lock(&h->lock);
        size_t size = (size_t)attr->st_size;
        if (size > h->note_size)
            memset(h->note + h->note_size, 0, size - h->note_size);
        h->note_size = size;
        pthread_mutex_unlock(&h->lock);
    }
    reply_stat(req, ino);
}

static void hl_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
                       off_t off, struct fuse_file_info *fi)
{
    static const struct { const char *name; fuse_ino_t ino; } ents[] = {
        { ".", FUSE_ROOT_ID }, { "..", FUSE_ROOT_ID },
        { "hello", HELLO_INO }, { "note", NOTE_INO },
    };
    char buf[512];
    size_t used = 0;
    (void)fi;
    if (ino != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    if (size > sizeof(buf))
        size = sizeof(buf);
    /* off is the index of the next entry */
    for (size_t i = (size_t)off; i < sizeof(ents) / sizeof(ents[0]); i++) {
        struct stat st;
        memset(&st, 0, sizeof(st));
        st.st_ino = ents[i].ino;
        st.st_mode = ents[i].ino == FUSE_ROOT_ID ? S_IFDIR : S_IFREG;
        size_t n = fuse_add_direntry(req, buf + used, size - used,
                                     ents[i].name, &st, (off_t)(i + 1));
        if (n > size - used)
            break;
        used += n;
    }
    fuse_reply_buf(req, buf, used);
}

static void hl_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (ino == HELLO_INO && (fi->flags & O_ACCMODE) != O_RDONLY) {
        fuse_reply_err(req, EACCES);
        return;
    }
    if (ino != HELLO_INO && ino != NOTE_INO) {
        fuse_reply_err(req, EISDIR);
        return;
    }
    /* keep what the kernel cached: only the notification refreshes it */
    fi->keep_cache = 1;
    fi->fh = ino;
    fuse_reply_open(req, fi);
}

static void hl_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    struct hello *h = fuse_req_userdata(req);
    char text[64];
    const char *data;
    size_t len;
    (void)fi;
    pthread_mutex_lock(&h->lock);
    if (ino == HELLO_INO) {
        len = hello_text(h, text, sizeof(text));
        data = text;
    } else {
        len = h->note_size;
        data = h->note;
    }
    if ((size_t)off >= len)
        size = 0;
    else if (size > len - (size_t)off)
        size = len - (size_t)off;
    /* reply under the lock: a write must not change data meanwhile */
    fuse_reply_buf(req, data + off, size);
    pthread_mutex_unlock(&h->lock);
}

static void hl_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
                     size_t size, off_t off, struct fuse_file_info *fi)
{
    struct hello *h = fuse_req_userdata(req);
    (void)fi;
    if (ino != NOTE_INO) {
        fuse_reply_err(req, EBADF);
        return;
    }
    if (off < 0 || (size_t)off > NOTE_MAX || size > NOTE_MAX - (size_t)off) {
        fuse_reply_err(req, EFBIG);
        return;
    }
    pthread_mutex_lock(&h->lock);
    if ((size_t)off > h->note_size)
        memset(h->note + h->note_size, 0, (size_t)off - h->note_size);
    memcpy(h->note + off, buf, size);
    if ((size_t)off + size > h->note_size)
        h->note_size = (size_t)off + size;
    h->writes++;
    pthread_mutex_unlock(&h->lock);
    fuse_reply_write(req, size);
    /* "hello" changed: drop its cached data and attributes */
    int r = fuse_lowlevel_notify_inval_inode(h->ch, HELLO_INO, 0, 0);
    if (r && r != -ENOENT)
        fprintf(stderr, "hello_ll2: notify_inval_inode: %s\n", strerror(-r));
}

static void hl_statfs(fuse_req_t req, fuse_ino_t ino)
{
    struct statvfs sv;
    (void)ino;
    memset(&sv, 0, sizeof(sv));
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_blocks = NOTE_MAX / 4096;
    sv.f_files = 3;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops hello_ops = {
    .lookup = hl_lookup,
    .getattr = hl_getattr,
    .setattr = hl_setattr,
    .readdir = hl_readdir,
    .open = hl_open,
    .read = hl_read,
    .write = hl_write,
    .statfs = hl_statfs,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    static struct hello h = { .lock = PTHREAD_MUTEX_INITIALIZER };
    char *mountpoint = NULL;
    int multithreaded, foreground, err = -1;

    if (fuse_parse_cmdline(&args, &mountpoint, &multithreaded,
                           &foreground) == -1 || !mountpoint) {
        fprintf(stderr, "usage: %s [-f] [-s] [-o opts] mountpoint\n",
                argv[0]);
        goto out;
    }
    h.ch = fuse_mount(mountpoint, &args);
    if (!h.ch)
        goto out;
    struct fuse_session *se =
        fuse_lowlevel_new(&args, &hello_ops, sizeof(hello_ops), &h);
    if (se) {
        if (fuse_set_signal_handlers(se) != -1) {
            fuse_session_add_chan(se, h.ch);
            if (fuse_daemonize(foreground) != -1)
                err = multithreaded ? fuse_session_loop_mt(se)
                                    : fuse_session_loop(se);
            fuse_remove_signal_handlers(se);
            fuse_session_remove_chan(h.ch);
        }
        fuse_session_destroy(se);
    }
    fuse_unmount(mountpoint, h.ch);
out:
    free(mountpoint);
    fuse_opt_free_args(&args);
    return err ? 1 : 0;
}
