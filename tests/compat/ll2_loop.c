/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libfuse 2 low-level program with a loop of its own, built by
 * tests/compat/fuse2_ll.sh against fsp's libfuse.so.2 and Debian's
 * libfuse2.  It checks the channel calls before serving (next_chan,
 * chan_session, chan_fd, chan_bufsize) and serves three files:
 *
 *   who        names the caller (fuse_req_ctx)
 *   data       never read by the program (read fails): opening it puts
 *              its content into the kernel's cache (notify_store) and
 *              asks for it back (notify_retrieve)
 *   retrieved  what the kernel gave to retrieve_reply
 *
 *
 *   ll2_loop buf MOUNTPOINT    fuse_session_receive_buf/process_buf
 *   ll2_loop chan MOUNTPOINT   fuse_chan_recv/fuse_session_process
 *
 * Exits 0 after the loop ends (unmount), 2 if a channel check failed.
 */
#define FUSE_USE_VERSION 29
#include <fuse_lowlevel.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WHO_INO 2
#define DATA_INO 3
#define RETRIEVED_INO 4

static const char stored[] = "stored by notify_store\n";
static struct fuse_chan *chan;
static char retrieved[64];
static size_t retrieved_len;

static void who_text(fuse_req_t req, char *buf, size_t size)
{
    const struct fuse_ctx *c = fuse_req_ctx(req);
    snprintf(buf, size, "uid=%u gid=%u\n", (unsigned)c->uid,
             (unsigned)c->gid);
}

static void fill(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = ino;
    st->st_mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0444;
    st->st_nlink = 1;
    if (ino == DATA_INO)
        st->st_size = sizeof(stored) - 1;
    else if (ino != FUSE_ROOT_ID)
        st->st_size = 64;        /* direct_io: read says how much */
}

static void t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    fuse_ino_t ino = strcmp(name, "who") == 0 ? WHO_INO
                   : strcmp(name, "data") == 0 ? DATA_INO
                   : strcmp(name, "retrieved") == 0 ? RETRIEVED_INO : 0;
    if (parent != FUSE_ROOT_ID || !ino) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    memset(&e, 0, sizeof(e));
    e.ino = ino;
    fill(ino, &e.attr);
    fuse_reply_entry(req, &e);
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi)
{
    struct stat st;
    (void)fi;
    fill(ino, &st);
    fuse_reply_attr(req, &st, 0);
}

/* who, retrieved: direct_io, every read reaches us.  data: filled into
 * the kernel's cache before the open is answered, and kept there. */
static void t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (ino == DATA_INO) {
        struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(sizeof(stored) - 1);
        bufv.buf[0].mem = (void *)stored;
        int r = fuse_lowlevel_notify_store(chan, DATA_INO, 0, &bufv, 0);
        if (r == 0)
            r = fuse_lowlevel_notify_retrieve(chan, DATA_INO, sizeof(stored),
                                              0, (void *)stored);
        if (r) {
            fuse_reply_err(req, -r);
            return;
        }
        fi->keep_cache = 1;
    } else {
        fi->direct_io = 1;
    }
    fuse_reply_open(req, fi);
}

/* The kernel's answer to notify_retrieve: keep it for "retrieved". */
static void t_retrieve_reply(fuse_req_t req, void *cookie, fuse_ino_t ino,
                             off_t offset, struct fuse_bufvec *bufv)
{
    struct fuse_bufvec dst = FUSE_BUFVEC_INIT(sizeof(retrieved) - 1);
    dst.buf[0].mem = retrieved;
    ssize_t n = fuse_buf_copy(&dst, bufv, 0);
    retrieved_len = cookie == stored && ino == DATA_INO && offset == 0 &&
                    n > 0 ? (size_t)n : 0;
    fuse_reply_none(req);
}

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    char text[64];
    (void)fi;
    if (ino == DATA_INO) {
        fuse_reply_err(req, EIO);   /* only the kernel's cache has it */
        return;
    }
    if (ino == RETRIEVED_INO)
        snprintf(text, sizeof(text), "%.*s", (int)retrieved_len, retrieved);
    else
        who_text(req, text, sizeof(text));
    size_t len = strlen(text);
    if ((size_t)off >= len)
        len = 0, off = 0;
    else
        len -= (size_t)off;
    fuse_reply_buf(req, text + off, len < size ? len : size);
}

static const struct fuse_lowlevel_ops ops = {
    .lookup = t_lookup,
    .getattr = t_getattr,
    .open = t_open,
    .read = t_read,
    .retrieve_reply = t_retrieve_reply,
};

/* The loop of 2.9's documentation, on fuse_buf. */
static int loop_buf(struct fuse_session *se, struct fuse_chan *ch)
{
    size_t bufsize = fuse_chan_bufsize(ch);
    char *buf = malloc(bufsize);
    int res = 0;
    if (!buf)
        return -1;
    while (!fuse_session_exited(se)) {
        struct fuse_chan *tmp = ch;
        struct fuse_buf fbuf = { .mem = buf, .size = bufsize };
        res = fuse_session_receive_buf(se, &fbuf, &tmp);
        if (res == -EINTR)
            continue;
        if (res <= 0)
            break;
        fuse_session_process_buf(se, &fbuf, tmp);
    }
    free(buf);
    return res < 0 ? -1 : 0;
}

/* The older form, on raw buffers. */
static int loop_chan(struct fuse_session *se, struct fuse_chan *ch)
{
    size_t bufsize = fuse_chan_bufsize(ch);
    char *buf = malloc(bufsize);
    int res = 0;
    if (!buf)
        return -1;
    while (!fuse_session_exited(se)) {
        struct fuse_chan *tmp = ch;
        res = fuse_chan_recv(&tmp, buf, bufsize);
        if (res == -EINTR)
            continue;
        if (res <= 0)
            break;
        fuse_session_process(se, buf, (size_t)res, tmp);
    }
    free(buf);
    return res < 0 ? -1 : 0;
}

int main(int argc, char *argv[])
{
    if (argc != 3 || (strcmp(argv[1], "buf") && strcmp(argv[1], "chan"))) {
        fprintf(stderr, "usage: %s buf|chan MOUNTPOINT\n", argv[0]);
        return 1;
    }
    /* mount options for fuse_mount, none for the session: others
     * (nobody) must reach the mount to show fuse_req_ctx at work */
    char *margv[] = { argv[0], "-o", "allow_other", NULL };
    struct fuse_args margs = FUSE_ARGS_INIT(3, margv);
    char *fargv[] = { argv[0], NULL };
    struct fuse_args args = FUSE_ARGS_INIT(1, fargv);
    struct fuse_chan *ch = fuse_mount(argv[2], &margs);
    fuse_opt_free_args(&margs);
    chan = ch;
    if (!ch)
        return 1;
    int res = 1;
    struct fuse_session *se = fuse_lowlevel_new(&args, &ops, sizeof(ops),
                                                NULL);
    if (se) {
        fuse_session_add_chan(se, ch);
        if (fuse_session_next_chan(se, NULL) != ch ||
            fuse_session_next_chan(se, ch) != NULL ||
            fuse_chan_session(ch) != se || fuse_chan_fd(ch) < 0 ||
            fuse_chan_bufsize(ch) < 4096 + 65536) {
            fprintf(stderr, "ll2_loop: channel checks failed\n");
            res = 2;
        } else if (fuse_set_signal_handlers(se) == 0) {
            res = strcmp(argv[1], "buf") == 0 ? loop_buf(se, ch)
                                              : loop_chan(se, ch);
            fuse_remove_signal_handlers(se);
            res = res ? 1 : 0;
        }
        fuse_session_remove_chan(ch);
        if (fuse_chan_session(ch) != NULL) {
            fprintf(stderr, "ll2_loop: still attached after remove\n");
            res = 2;
        }
        fuse_session_destroy(se);
    }
    fuse_unmount(argv[2], ch);
    fuse_opt_free_args(&args);
    return res;
}
