/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints the size and member offsets of the libfuse 2.9 ABI structs
 * (fuse.h, fuse_common.h and the low-level fuse_lowlevel.h).
 * tests/compat/fuse2.sh builds it against fsp's include/fuse and against
 * Debian's libfuse-dev headers and compares the outputs: a difference
 * is a binary-compatibility break for 2.x programs.
 */
#define FUSE_USE_VERSION 29
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SZ(t) printf("sizeof %s = %zu\n", #t, sizeof(t))
#define OFF(t, m) printf("offsetof %s.%s = %zu\n", #t, #m, offsetof(t, m))

/* Bitfields have no offsetof: find each one's bit by setting it. */
static void show_bits(const char *name, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 8; k++)
            if (b[i] & (1u << k))
                printf("bit %s = %zu\n", name, i * 8 + k);
}

#define FIBIT(m) do { struct fuse_file_info x; memset(&x, 0, sizeof x); \
                      x.m = 1; show_bits("fuse_file_info." #m, &x,       \
                                         sizeof x); } while (0)
#define OPBIT(m) do { struct fuse_operations x; memset(&x, 0, sizeof x); \
                      x.m = 1; show_bits("fuse_operations." #m, &x,      \
                                         sizeof x); } while (0)

int main(void)
{
    SZ(struct fuse_file_info);
    OFF(struct fuse_file_info, flags);
    OFF(struct fuse_file_info, fh_old);
    OFF(struct fuse_file_info, writepage);
    OFF(struct fuse_file_info, fh);
    OFF(struct fuse_file_info, lock_owner);
    FIBIT(direct_io); FIBIT(keep_cache); FIBIT(flush); FIBIT(nonseekable);
    FIBIT(flock_release);
    SZ(struct fuse_conn_info);
    OFF(struct fuse_conn_info, async_read);
    OFF(struct fuse_conn_info, max_write);
    OFF(struct fuse_conn_info, capable);
    OFF(struct fuse_conn_info, want);
    OFF(struct fuse_conn_info, congestion_threshold);
    OFF(struct fuse_conn_info, reserved);
    SZ(struct fuse_context);
    OFF(struct fuse_context, private_data);
    OFF(struct fuse_context, umask);
    SZ(struct fuse_args);
    SZ(struct fuse_opt);
    OFF(struct fuse_opt, value);
    SZ(struct fuse_buf);
    OFF(struct fuse_buf, pos);
    SZ(struct fuse_bufvec);
    OFF(struct fuse_bufvec, buf);
    SZ(struct fuse_operations);
    OFF(struct fuse_operations, getdir);
    OFF(struct fuse_operations, utime);
    OFF(struct fuse_operations, readdir);
    OFF(struct fuse_operations, init);
    OFF(struct fuse_operations, ftruncate);
    OFF(struct fuse_operations, fgetattr);
    OFF(struct fuse_operations, utimens);
    OFF(struct fuse_operations, bmap);
    OFF(struct fuse_operations, ioctl);
    OFF(struct fuse_operations, poll);
    OFF(struct fuse_operations, write_buf);
    OFF(struct fuse_operations, read_buf);
    OFF(struct fuse_operations, flock);
    OFF(struct fuse_operations, fallocate);
    OPBIT(flag_nullpath_ok); OPBIT(flag_nopath); OPBIT(flag_utime_omit_ok);
    /* the low-level API (fuse_lowlevel.h) */
    SZ(struct fuse_entry_param);
    OFF(struct fuse_entry_param, generation);
    OFF(struct fuse_entry_param, attr);
    OFF(struct fuse_entry_param, attr_timeout);
    OFF(struct fuse_entry_param, entry_timeout);
    SZ(struct fuse_ctx);
    OFF(struct fuse_ctx, umask);
    SZ(struct fuse_forget_data);
    SZ(struct fuse_lowlevel_ops);
#define LLOFF(m) OFF(struct fuse_lowlevel_ops, m)
    LLOFF(init); LLOFF(destroy); LLOFF(lookup); LLOFF(forget);
    LLOFF(getattr); LLOFF(setattr); LLOFF(readlink); LLOFF(mknod);
    LLOFF(mkdir); LLOFF(unlink); LLOFF(rmdir); LLOFF(symlink);
    LLOFF(rename); LLOFF(link); LLOFF(open); LLOFF(read); LLOFF(write);
    LLOFF(flush); LLOFF(release); LLOFF(fsync); LLOFF(opendir);
    LLOFF(readdir); LLOFF(releasedir); LLOFF(fsyncdir); LLOFF(statfs);
    LLOFF(setxattr); LLOFF(getxattr); LLOFF(listxattr);
    LLOFF(removexattr); LLOFF(access); LLOFF(create); LLOFF(getlk);
    LLOFF(setlk); LLOFF(bmap); LLOFF(ioctl); LLOFF(poll);
    LLOFF(write_buf); LLOFF(retrieve_reply); LLOFF(forget_multi);
    LLOFF(flock); LLOFF(fallocate);
    SZ(struct fuse_session_ops);
    SZ(struct fuse_chan_ops);
    printf("FUSE_ROOT_ID = %d\n", (int)FUSE_ROOT_ID);
    printf("set_attr = %d %d %d\n", FUSE_SET_ATTR_SIZE,
           FUSE_SET_ATTR_ATIME_NOW, FUSE_SET_ATTR_MTIME_NOW);
    printf("FUSE_VERSION = %d\n", FUSE_VERSION);
    printf("caps = %d %d %d %d %d %d\n", FUSE_CAP_ASYNC_READ,
           FUSE_CAP_BIG_WRITES, FUSE_CAP_DONT_MASK, FUSE_CAP_FLOCK_LOCKS,
           FUSE_CAP_IOCTL_DIR, FUSE_IOCTL_DIR);
    return 0;
}
