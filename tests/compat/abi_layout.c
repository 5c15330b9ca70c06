/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints the size and member offsets of every libfuse ABI struct.  The
 * compat test builds it twice, against fsp's headers and against
 * Debian's libfuse3-dev headers (when installed), and compares the two
 * outputs: any difference is a binary-compatibility break.
 */
#define FUSE_USE_VERSION 314
/* fsp's headers: the libfuse3.so.3 layouts (Debian's ignore this). */
#ifndef FSP_FUSE_ABI
#define FSP_FUSE_ABI 314
#endif
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SZ(t) printf("sizeof %s = %zu\n", #t, sizeof(t))
#define OFF(t, m) printf("offsetof %s.%s = %zu\n", #t, #m, offsetof(t, m))

/* Bitfields have no offsetof: find each flag's bit by setting it. */
static void fi_bit(const char *name, struct fuse_file_info *fi)
{
    unsigned char b[sizeof *fi];
    memcpy(b, fi, sizeof b);
    for (size_t i = 0; i < sizeof b; i++)
        for (int k = 0; k < 8; k++)
            if (b[i] & (1u << k))
                printf("bit fuse_file_info.%s = %zu\n", name, i * 8 + k);
}

#define BIT(m) do { struct fuse_file_info fi; memset(&fi, 0, sizeof fi); \
                    fi.m = 1; fi_bit(#m, &fi); } while (0)

int main(void)
{
    SZ(struct fuse_file_info);
    OFF(struct fuse_file_info, fh);
    OFF(struct fuse_file_info, lock_owner);
    OFF(struct fuse_file_info, poll_events);
    BIT(writepage); BIT(direct_io); BIT(keep_cache); BIT(flush);
    BIT(nonseekable); BIT(flock_release); BIT(cache_readdir); BIT(noflush);
    SZ(struct fuse_conn_info);
    OFF(struct fuse_conn_info, want);
    OFF(struct fuse_conn_info, time_gran);
    OFF(struct fuse_conn_info, reserved);
    SZ(struct fuse_loop_config_v1);
    SZ(struct fuse_buf);
    OFF(struct fuse_buf, flags);
    OFF(struct fuse_buf, mem);
    OFF(struct fuse_buf, fd);
    OFF(struct fuse_buf, pos);
    SZ(struct fuse_bufvec);
    OFF(struct fuse_bufvec, buf);
    SZ(struct fuse_entry_param);
    OFF(struct fuse_entry_param, attr);
    OFF(struct fuse_entry_param, attr_timeout);
    OFF(struct fuse_entry_param, entry_timeout);
    SZ(struct fuse_ctx);
    OFF(struct fuse_ctx, umask);
    SZ(struct fuse_forget_data);
    SZ(struct fuse_custom_io);
    SZ(struct fuse_cmdline_opts);
    OFF(struct fuse_cmdline_opts, mountpoint);
    OFF(struct fuse_cmdline_opts, show_version);
    OFF(struct fuse_cmdline_opts, max_idle_threads);
    OFF(struct fuse_cmdline_opts, max_threads);
    SZ(struct fuse_args);
    OFF(struct fuse_args, argv);
    OFF(struct fuse_args, allocated);
    SZ(struct fuse_opt);
    OFF(struct fuse_opt, offset);
    OFF(struct fuse_opt, value);
    SZ(struct fuse_lowlevel_ops);
#define OP(m) OFF(struct fuse_lowlevel_ops, m)
    OP(init); OP(destroy); OP(lookup); OP(forget); OP(getattr); OP(setattr);
    OP(readlink); OP(mknod); OP(mkdir); OP(unlink); OP(rmdir); OP(symlink);
    OP(rename); OP(link); OP(open); OP(read); OP(write); OP(flush);
    OP(release); OP(fsync); OP(opendir); OP(readdir); OP(releasedir);
    OP(fsyncdir); OP(statfs); OP(setxattr); OP(getxattr); OP(listxattr);
    OP(removexattr); OP(access); OP(create); OP(getlk); OP(setlk); OP(bmap);
    OP(ioctl); OP(poll); OP(write_buf); OP(retrieve_reply); OP(forget_multi);
    OP(flock); OP(fallocate); OP(readdirplus); OP(copy_file_range);
    OP(lseek);
    /* Values programs compile in. */
    printf("caps %#x %#x %#x %#x %#x\n", FUSE_CAP_POSIX_ACL,
           FUSE_CAP_HANDLE_KILLPRIV, FUSE_CAP_EXPIRE_ONLY,
           FUSE_CAP_CACHE_SYMLINKS, FUSE_CAP_READDIRPLUS_AUTO);
    printf("setattr %#x %#x %#x\n", FUSE_SET_ATTR_CTIME,
           FUSE_SET_ATTR_KILL_SGID, FUSE_SET_ATTR_TOUCH);
    printf("opt %d %d %d %d\n", FUSE_OPT_KEY_OPT, FUSE_OPT_KEY_NONOPT,
           FUSE_OPT_KEY_KEEP, FUSE_OPT_KEY_DISCARD);
    printf("buf %d %d %d %d\n", FUSE_BUF_IS_FD, FUSE_BUF_FD_SEEK,
           FUSE_BUF_FD_RETRY, FUSE_BUF_SPLICE_NONBLOCK);
    printf("log %d %d\n", FUSE_LOG_ERR, FUSE_LOG_DEBUG);
    printf("version %d ioctl %d %d\n", FUSE_VERSION, FUSE_IOCTL_DIR,
           FUSE_IOCTL_MAX_IOV);
    struct fuse_bufvec v = FUSE_BUFVEC_INIT(7);
    printf("bufvec_init %zu %d %zu\n", v.buf[0].size, v.buf[0].fd, v.count);
    return 0;
}
