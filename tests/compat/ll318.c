/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libfuse 3.18 low-level file system that uses what 3.17 and 3.18 added,
 * for tests/compat/abi318.sh (built against fsp's headers with fuse3.pc,
 * run on fsp's libfuse3.so.4 and, in the Debian 13 root, on Debian's).
 *
 *   ll318 MOUNTPOINT BACKING_FILE [options]
 *
 * Files: "f" (a fixed text, with a statx handler giving it a birth time
 * of 1234567890), "p" (opened with fuse_passthrough_open on BACKING_FILE
 * when the kernel offers passthrough: its reads never reach us) and
 * "stats", whose text tells what the library did:
 *   capable_ext= want_ext= (after init; async_read was cleared through the
 *   3.14-style conn->want, so it must be gone from want_ext too)
 *   set_pt= (fuse_set_feature_flag(FUSE_CAP_PASSTHROUGH)) get_pt=
 *   reads_f= reads_p= statx= uring= epoch= (fuse_req_is_uring, and
 *   fuse_lowlevel_notify_increment_epoch's result) io_reads= io_writes=
 *
 * With LL318_CUSTOM_IO=1 in the environment it mounts with
 * fuse_open_channel and serves that descriptor through 3.17's
 * fuse_session_custom_io (read and writev of its own, counted in
 * io_reads= and io_writes=) instead of fuse_session_mount.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 318
#include <fuse.h>          /* fuse_open_channel */
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const char f_text[] = "hello from libfuse 3.18's API\n";
static const char *backing;
static struct fuse_session *the_se;
static struct fuse_conn_info *the_conn;
static int set_pt;
static atomic_int reads_f, reads_p, n_statx, n_uring, epoch_res = 1;
static atomic_int io_reads, io_writes;

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *ud)
{
    (void)ud;
    atomic_fetch_add(&io_writes, 1);
    return writev(fd, iov, count);
}

static ssize_t io_read(int fd, void *buf, size_t len, void *ud)
{
    (void)ud;
    atomic_fetch_add(&io_reads, 1);
    return read(fd, buf, len);
}

static const struct fuse_custom_io custom_io = {
    .writev = io_writev,
    .read = io_read,
};

enum { INO_F = 2, INO_P, INO_STATS };

static void ll_init(void *ud, struct fuse_conn_info *conn)
{
    (void)ud;
    the_conn = conn;
    set_pt = fuse_set_feature_flag(conn, FUSE_CAP_PASSTHROUGH);
    /* written the 3.14 way: the library must carry it into want_ext */
    conn->want &= ~FUSE_CAP_ASYNC_READ;
    conn->request_timeout = 60;
}

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_nlink = 1;
    st->st_mode = S_IFREG | 0444;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else if (ino == INO_F) {
        st->st_size = (off_t)strlen(f_text);
    } else if (ino == INO_P) {
        struct stat b;
        st->st_size = stat(backing, &b) == 0 ? b.st_size : 0;
    } else {
        st->st_size = 4096;
        st->st_mode = S_IFREG | 0444;
    }
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (parent != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    if (!strcmp(name, "f"))
        e.ino = INO_F;
    else if (!strcmp(name, "p"))
        e.ino = INO_P;
    else if (!strcmp(name, "stats"))
        e.ino = INO_STATS;
    else {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fill_stat(e.ino, &e.attr);
    /* stats changes: never cached */
    e.attr_timeout = e.ino == INO_STATS ? 0 : 1;
    e.entry_timeout = 1;
    fuse_reply_entry(req, &e);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    (void)fi;
    struct stat st;
    fill_stat(ino, &st);
    fuse_reply_attr(req, &st, ino == INO_STATS ? 0 : 1);
}

static void ll_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
                     struct fuse_file_info *fi)
{
    (void)flags;
    (void)mask;
    (void)fi;
    atomic_fetch_add(&n_statx, 1);
    struct stat st;
    fill_stat(ino, &st);
    struct statx sx;
    memset(&sx, 0, sizeof sx);
    sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
    sx.stx_blksize = 4096;
    sx.stx_nlink = (uint32_t)st.st_nlink;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_btime.tv_sec = 1234567890;
    fuse_reply_statx(req, 0, &sx, ino == INO_STATS ? 0 : 1);
}

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    fi->fh = 0;
    if (ino == INO_STATS) {
        fi->direct_io = 1;
        fuse_reply_open(req, fi);
        return;
    }
    if (ino == INO_P && set_pt) {
        int fd = open(backing, O_RDONLY);
        if (fd < 0) {
            fuse_reply_err(req, errno);
            return;
        }
        int id = fuse_passthrough_open(req, fd);
        if (id > 0) {
            fi->backing_id = id;
            fi->fh = (uint64_t)fd;
        } else {
            close(fd);
        }
    }
    fuse_reply_open(req, fi);
}

static void ll_release(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    (void)ino;
    if (fi->backing_id > 0)
        fuse_passthrough_close(req, fi->backing_id);
    if (fi->fh)
        close((int)fi->fh);
    fuse_reply_err(req, 0);
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)fi;
    char buf[1024];
    const char *src = buf;
    size_t len = 0;
    if (fuse_req_is_uring(req))
        atomic_fetch_add(&n_uring, 1);
    if (ino == INO_F) {
        atomic_fetch_add(&reads_f, 1);
        src = f_text;
        len = strlen(f_text);
    } else if (ino == INO_P) {
        atomic_fetch_add(&reads_p, 1);
        int fd = open(backing, O_RDONLY);
        ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf < size ? sizeof buf : size, off) : -1;
        if (fd >= 0)
            close(fd);
        fuse_reply_buf(req, buf, n > 0 ? (size_t)n : 0);
        return;
    } else {
        if (off == 0)
            atomic_store(&epoch_res,
                         fuse_lowlevel_notify_increment_epoch(the_se));
        len = (size_t)snprintf(buf, sizeof buf,
                 "capable_ext=%#llx want_ext=%#llx want=%#x set_pt=%d "
                 "get_pt=%d reads_f=%d reads_p=%d statx=%d uring=%d "
                 "epoch=%d io_reads=%d io_writes=%d\n",
                 (unsigned long long)the_conn->capable_ext,
                 (unsigned long long)the_conn->want_ext, the_conn->want,
                 set_pt, fuse_get_feature_flag(the_conn, FUSE_CAP_PASSTHROUGH),
                 atomic_load(&reads_f), atomic_load(&reads_p),
                 atomic_load(&n_statx), atomic_load(&n_uring),
                 atomic_load(&epoch_res), atomic_load(&io_reads),
                 atomic_load(&io_writes));
    }
    if ((size_t)off >= len) {
        fuse_reply_buf(req, NULL, 0);
        return;
    }
    size_t n = len - (size_t)off < size ? len - (size_t)off : size;
    fuse_reply_buf(req, src + off, n);
}

static void ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
                       off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    (void)ino;
    static const char *names[] = { ".", "..", "f", "p", "stats" };
    static const fuse_ino_t inos[] = { 1, 1, INO_F, INO_P, INO_STATS };
    char buf[1024];
    size_t pos = 0;
    for (off_t i = off; i < 5; i++) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = inos[i];
        st.st_mode = i < 2 ? S_IFDIR : S_IFREG;
        size_t n = fuse_add_direntry(req, buf + pos, sizeof buf - pos,
                                     names[i], &st, i + 1);
        if (n > sizeof buf - pos || pos + n > size)
            break;
        pos += n;
    }
    fuse_reply_buf(req, buf, pos);
}

static const struct fuse_lowlevel_ops ops = {
    .init = ll_init,
    .lookup = ll_lookup,
    .getattr = ll_getattr,
    .open = ll_open,
    .release = ll_release,
    .read = ll_read,
    .readdir = ll_readdir,
    .statx = ll_statx,
};

int main(int argc, char *argv[])
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s MOUNTPOINT BACKING_FILE [options]\n",
                argv[0]);
        return 2;
    }
    const char *mnt = argv[1];
    backing = argv[2];
    argv[2] = argv[0];
    struct fuse_args args = FUSE_ARGS_INIT(argc - 2, argv + 2);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!se)
        return 1;
    the_se = se;
    int ret = 1;
    if (fuse_set_signal_handlers(se) == 0 &&
        fuse_set_fail_signal_handlers(se) == 0) {
        int mounted;
        if (getenv("LL318_CUSTOM_IO")) {
            int fd = fuse_open_channel(mnt, "fsname=ll318");
            mounted = fd >= 0 &&
                      fuse_session_custom_io(se, &custom_io, sizeof custom_io,
                                             fd) == 0;
        } else {
            mounted = fuse_session_mount(se, mnt) == 0;
        }
        if (mounted) {
            struct fuse_loop_config *cfg = fuse_loop_cfg_create();
            fuse_loop_cfg_set_max_threads(cfg, 4);
            ret = fuse_session_loop_mt(se, cfg) ? 1 : 0;
            fuse_loop_cfg_destroy(cfg);
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
    fuse_opt_free_args(&args);
    return ret;
}
