/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: fsp's own request decoder (session layer and native
 * API) with memfs behind it, fed requests as if read from /dev/fuse.
 * No kernel: the session runs over an in-memory transport whose send
 * checks every reply (frames.h).  One fresh memfs per input, so a crash
 * reproduces from its input alone.
 *
 * Mode bits (byte 0): 0 INIT first; 1 stateless opens (no OPEN/RELEASE,
 * READDIR with fh 0: listing snapshots); 2 case-insensitive; 3 POSIX
 * ACLs; 4 default_permissions (the kernel checks modes); 5 an older
 * kernel's INIT (7.31) instead of 7.45; 6 the Windows set (named
 * streams with FILE:STREAM names, reparse data, the read-only attribute
 * enforced).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frames.h"
#include "native/fs_int.h"
#include "session/session.h"
#include "../../fs/memfs/memfs.h"

static ssize_t t_receive(struct ses_transport *t, void *b, size_t s)
{
    (void)t; (void)b; (void)s;
    return -ENODEV;
}

static int t_send(struct ses_transport *t, const struct iovec *iov, int cnt)
{
    (void)t;
    return fz_check_send(iov, cnt);
}

static void t_wake(struct ses_transport *t) { (void)t; }
static void t_destroy(struct ses_transport *t) { (void)t; }

static struct ses_transport transport = {
    .receive = t_receive, .send = t_send, .wake = t_wake,
    .destroy = t_destroy,
};

static struct fsp_fs *cur_fs;

static int process(void *buf, size_t len)
{
    return ses_process(cur_fs->se, buf, len, FZ_BUFSIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    struct memfs m;
    if (memfs_init(&m, 8u << 20, 200, mode & 4, "fuzz"))
        abort();
    struct fsp_volume_params vp = {
        .size = sizeof vp,
        .flags = (mode & 4 ? FSP_VOL_CASE_INSENSITIVE : 0) |
                 (mode & 8 ? FSP_VOL_POSIX_ACL : 0) |
                 (mode & 16 ? FSP_VOL_DEFAULT_PERMS : 0) |
                 /* the Windows set: streams, reparse data, read-only */
                 (mode & 64 ? FSP_VOL_NAMED_STREAMS | FSP_VOL_REPARSE_POINTS |
                              FSP_VOL_READONLY_ATTR : 0),
        .file_info_timeout_ms = 1000,
        .max_file_size = 64u << 20,
        .fsname = "memfs",
    };
    struct fsp_fs_interface iface = memfs_interface;
    m.stateless = (mode & 2) != 0;
    if (m.stateless)
        iface.flags |= FSP_IFACE_STATELESS_OPENS;
    if (mode & 64)
        memfs_add_windows_calls(&iface);
    struct fsp_fs *fs;
    if (fsp_fs_new(&vp, &iface, &m, &fs))
        abort();
    /* FILE:STREAM names too, as -o streams_interface=windows gives. */
    fs->stream_paths = (mode & 64) != 0;
    fs->mopts.default_permissions = (mode & 16) != 0;
    struct ses_ll_ops ops;
    nat_ll_ops(&ops);
    if (ses_new(&transport, &ops, fs, NULL, &fs->se))
        abort();
    /* What fsp_fs_mount does once mounted: the root becomes node 1. */
    struct ses_request sr = { .se = fs->se };
    struct fsp_request req = { .s = &sr, .fs = fs };
    void *ctx = NULL;
    struct fsp_file_info fi = { 0 };
    if (fs->fi.lookup(&req, NULL, "/", &ctx, &fi))
        abort();
    fs->root = nat_node_lookup_ref(fs, NULL, NULL, ctx, &fi);
    if (!fs->root)
        abort();
    cur_fs = fs;

    fz_reset();
    if (mode & 1)
        fz_init(process, mode & 32 ? 31 : 45);
    fz_run_frames(data + 1, size - 1, process);

    fsp_fs_delete(fs);
    memfs_destroy(&m);
    cur_fs = NULL;
    return 0;
}
