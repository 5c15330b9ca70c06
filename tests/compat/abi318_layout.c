/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints the size, member offsets and flag bits of every struct of the
 * libfuse 3.18 ABI (libfuse3.so.4), and the constants programs compile
 * in.  tests/compat/abi318.sh builds it against fsp's headers and
 * compares the output with abi318_layout.expected (the numbers of
 * libfuse 3.18.3's own headers on x86_64), and with a build against
 * libfuse 3.18's headers when they are cached.
 */
#define FUSE_USE_VERSION 318
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
                printf("bit %s = %zu\n", name, i * 8 + (size_t)k);
}

#define BIT(t, m) do { t s_; memset(&s_, 0, sizeof s_); s_.m = 1;       \
                       show_bits(#t "." #m, &s_, sizeof s_); } while (0)

int main(void)
{
    SZ(struct fuse_file_info);
    OFF(struct fuse_file_info, flags);
    OFF(struct fuse_file_info, fh);
    OFF(struct fuse_file_info, lock_owner);
    OFF(struct fuse_file_info, poll_events);
    OFF(struct fuse_file_info, backing_id);
    OFF(struct fuse_file_info, compat_flags);
    OFF(struct fuse_file_info, reserved);
#define FI(m) BIT(struct fuse_file_info, m)
    FI(writepage); FI(direct_io); FI(keep_cache); FI(flush);
    FI(nonseekable); FI(flock_release); FI(cache_readdir); FI(noflush);
    FI(parallel_direct_writes); FI(kill_suidgid);

    SZ(struct fuse_conn_info);
#define CI(m) OFF(struct fuse_conn_info, m)
    CI(proto_major); CI(proto_minor); CI(max_write); CI(max_read);
    CI(max_readahead); CI(capable); CI(want); CI(max_background);
    CI(congestion_threshold); CI(time_gran); CI(max_backing_stack_depth);
    CI(capable_ext); CI(want_ext); CI(request_timeout); CI(reserved);
    BIT(struct fuse_conn_info, no_interrupt);

    SZ(struct fuse_loop_config_v1);
    SZ(struct fuse_buf);
    OFF(struct fuse_buf, flags);
    OFF(struct fuse_buf, mem);
    OFF(struct fuse_buf, fd);
    OFF(struct fuse_buf, pos);
    OFF(struct fuse_buf, mem_size);
    SZ(struct fuse_bufvec);
    OFF(struct fuse_bufvec, buf);
    SZ(struct libfuse_version);
    OFF(struct libfuse_version, hotfix);

    SZ(struct fuse_entry_param);
    OFF(struct fuse_entry_param, attr);
    OFF(struct fuse_entry_param, attr_timeout);
    OFF(struct fuse_entry_param, entry_timeout);
    SZ(struct fuse_ctx);
    OFF(struct fuse_ctx, umask);
    SZ(struct fuse_forget_data);
    SZ(struct fuse_custom_io);
    OFF(struct fuse_custom_io, read);
    OFF(struct fuse_custom_io, clone_fd);
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
    OP(lseek); OP(tmpfile); OP(statx);

    SZ(struct fuse_operations);
#define HO(m) OFF(struct fuse_operations, m)
    HO(getattr); HO(readlink); HO(mknod); HO(mkdir); HO(unlink); HO(rmdir);
    HO(symlink); HO(rename); HO(link); HO(chmod); HO(chown); HO(truncate);
    HO(open); HO(read); HO(write); HO(statfs); HO(flush); HO(release);
    HO(fsync); HO(setxattr); HO(getxattr); HO(listxattr); HO(removexattr);
    HO(opendir); HO(readdir); HO(releasedir); HO(fsyncdir); HO(init);
    HO(destroy); HO(access); HO(create); HO(lock); HO(utimens); HO(bmap);
    HO(ioctl); HO(poll); HO(write_buf); HO(read_buf); HO(flock);
    HO(fallocate); HO(copy_file_range); HO(lseek); HO(statx);

    SZ(struct fuse_config);
#define CF(m) OFF(struct fuse_config, m)
    CF(set_gid); CF(gid); CF(set_uid); CF(uid); CF(set_mode); CF(umask);
    CF(entry_timeout); CF(negative_timeout); CF(attr_timeout); CF(intr);
    CF(intr_signal); CF(remember); CF(hard_remove); CF(use_ino);
    CF(readdir_ino); CF(direct_io); CF(kernel_cache); CF(auto_cache);
    CF(ac_attr_timeout_set); CF(ac_attr_timeout); CF(nullpath_ok);
    CF(show_help); CF(modules); CF(debug); CF(fmask); CF(dmask);
    CF(no_rofd_flush); CF(parallel_direct_writes); CF(flags); CF(reserved);
    SZ(struct fuse_context);
    OFF(struct fuse_context, private_data);
    OFF(struct fuse_context, umask);

    /* Values programs compile in. */
    printf("caps %#llx %#llx %#llx %#llx %#llx %#llx\n",
           (unsigned long long)FUSE_CAP_HANDLE_KILLPRIV_V2,
           (unsigned long long)FUSE_CAP_SETXATTR_EXT,
           (unsigned long long)FUSE_CAP_DIRECT_IO_ALLOW_MMAP,
           (unsigned long long)FUSE_CAP_PASSTHROUGH,
           (unsigned long long)FUSE_CAP_NO_EXPORT_SUPPORT,
           (unsigned long long)FUSE_CAP_OVER_IO_URING);
    printf("caps314 %#llx %#llx %#llx %#llx %#llx\n",
           (unsigned long long)FUSE_CAP_POSIX_ACL,
           (unsigned long long)FUSE_CAP_HANDLE_KILLPRIV,
           (unsigned long long)FUSE_CAP_EXPIRE_ONLY,
           (unsigned long long)FUSE_CAP_CACHE_SYMLINKS,
           (unsigned long long)FUSE_CAP_READDIRPLUS_AUTO);
    printf("entry %d %d\n", FUSE_LL_INVALIDATE, FUSE_LL_EXPIRE_ONLY);
    printf("dir %d %d %d %d\n", FUSE_READDIR_DEFAULTS, FUSE_READDIR_PLUS,
           FUSE_FILL_DIR_DEFAULTS, FUSE_FILL_DIR_PLUS);
    printf("backing %d %d\n", FUSE_BACKING_STACKED_UNDER,
           FUSE_BACKING_STACKED_OVER);
    printf("setattr %#x %#x %#x\n", FUSE_SET_ATTR_CTIME,
           FUSE_SET_ATTR_KILL_SGID, FUSE_SET_ATTR_TOUCH);
    printf("opt %d %d %d %d\n", FUSE_OPT_KEY_OPT, FUSE_OPT_KEY_NONOPT,
           FUSE_OPT_KEY_KEEP, FUSE_OPT_KEY_DISCARD);
    printf("buf %d %d %d %d\n", FUSE_BUF_IS_FD, FUSE_BUF_FD_SEEK,
           FUSE_BUF_FD_RETRY, FUSE_BUF_SPLICE_NONBLOCK);
    printf("log %d %d\n", FUSE_LOG_ERR, FUSE_LOG_DEBUG);
    printf("version %d %d.%d.%d ioctl %d %d\n", FUSE_VERSION,
           FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION,
           FUSE_IOCTL_DIR, FUSE_IOCTL_MAX_IOV);
    struct fuse_bufvec v = FUSE_BUFVEC_INIT(7);
    printf("bufvec_init %zu %d %zu %zu\n", v.buf[0].size, v.buf[0].fd,
           v.count, v.buf[0].mem_size);
    return 0;
}
