/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seam between libfuse.so.2's two halves.
 *
 * fuse2 side (fuse2_*.c): sees only include/fuse (2.9 names and
 * layouts), defines the exported 2.x API and calls the program's 2.x
 * callbacks.  fuse3 side (f3_bridge.c and the second build of
 * src/compat/fuse3): sees only include/fuse3, with every fuse3 public
 * name renamed to fsp3_ (fuse3_renames.h).  The two cannot share a
 * header of either API, since both define struct fuse_file_info,
 * struct fuse_operations, ... differently, so they talk through plain C
 * types only: this file.
 *
 * A 2.x `struct fuse *` is the fuse3 `struct fuse *` itself (so the
 * functions with the same ABI in both, such as fuse_exit, are exported
 * unchanged); the fuse2 side's state for it (struct f2_fs, opaque here)
 * is the fuse3 file system's private data.
 */
#ifndef FSP_COMPAT_FUSE2_BRIDGE_H
#define FSP_COMPAT_FUSE2_BRIDGE_H

#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <time.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

struct f2_fs;

/* The fields of fuse_file_info both versions have. */
struct f2b_fi {
    int flags;
    int writepage;
    unsigned direct_io, keep_cache, flush, nonseekable, flock_release;
    uint64_t fh;
    uint64_t lock_owner;
};

/* The fields of fuse_conn_info both versions have. */
struct f2b_conn {
    unsigned proto_major, proto_minor;
    unsigned max_write, max_readahead;
    unsigned capable, want;
    unsigned max_background, congestion_threshold;
};

/* Which 2.x callbacks the program set: the fuse3 side sets the 3.x
 * callback only then, so the kernel sees the same ENOSYS fallbacks. */
enum f2b_op {
    F2B_GETATTR, F2B_READLINK, F2B_MKNOD, F2B_MKDIR, F2B_UNLINK, F2B_RMDIR,
    F2B_SYMLINK, F2B_RENAME, F2B_LINK, F2B_CHMOD, F2B_CHOWN, F2B_TRUNCATE,
    F2B_UTIMENS, F2B_OPEN, F2B_READ, F2B_WRITE, F2B_STATFS, F2B_FLUSH,
    F2B_RELEASE, F2B_FSYNC, F2B_SETXATTR, F2B_GETXATTR, F2B_LISTXATTR,
    F2B_REMOVEXATTR, F2B_OPENDIR, F2B_READDIR, F2B_RELEASEDIR, F2B_FSYNCDIR,
    F2B_ACCESS, F2B_CREATE, F2B_LOCK, F2B_BMAP, F2B_FLOCK, F2B_FALLOCATE,
    F2B_IOCTL, F2B_POLL, F2B_WRITE_BUF, F2B_READ_BUF,
    F2B_NULLPATH_OK,             /* flag_nullpath_ok or flag_nopath */
    F2B_NOPATH,                  /* flag_nopath: never a path for fh ops */
    F2B_NOPS
};

/* readdir's sink: the fuse3 side's filler and its buffer. */
typedef int (*f2b_fill_t)(void *dh, const char *name, const struct stat *st,
                          off_t off);

/* ---- fuse3 side (f3_chan.c): the mount a 2.x channel holds ------------ */

/* Mount mountpoint with the -o options opts (may be NULL; options that
 * are not mount options are left for the session): a fuse3 session that
 * only owns the mount, or NULL (said on stderr). */
void *f2b_chan_mount(const char *mountpoint, const char *opts);
/* Move chan_se's mount to se (a fuse3 session not mounted yet); 0, or -1
 * if chan_se has no mount or se has one. */
int f2b_chan_give(void *chan_se, void *se);
/* Free chan_se, unmounting if it still has the mount. */
void f2b_chan_release(void *chan_se);

/* ---- fuse3 side (f3_bridge.c), called by the fuse2 side ---------------- */

/* A fuse3 struct fuse for fs with the options in args (a struct
 * fuse_args, same layout in both), has[] from f2_has; NULL on error. */
void *f2b_new(void *args, struct f2_fs *fs, const unsigned char *has);
void f2b_unmount(void *f);
void f2b_destroy(void *f);
/* 0, or -1 on error (a signal ending the loop is success in 2.x). */
int f2b_loop(void *f);
int f2b_loop_mt(void *f);
struct f2_fs *f2b_fs_of(void *f);
/* The current request's fuse3 context; 0, or -1 outside any fuse. */
int f2b_context(void **f, uid_t *uid, gid_t *gid, pid_t *pid,
                mode_t *umask);
/* fuse3's fuse_parse_cmdline; 0 or -1. */
int f2b_parse_cmdline(void *args, char **mountpoint, int *singlethread,
                      int *foreground, int *show_help, int *show_version);
/* fuse3's fuse_daemonize (it also leaves the cwd for "/" in the
 * foreground, which 2.9 does not). */
int f2b_daemonize(int foreground);
/* fuse3's help texts. */
void f2b_cmdline_help(void);
void f2b_lib_help(void *args);

/* ---- fuse2 side (fuse2_ops.c), called from the fuse3 callbacks ---------- */

int f2_getattr(struct f2_fs *fs, const char *path, struct stat *st,
               const struct f2b_fi *fi);
int f2_readlink(struct f2_fs *fs, const char *path, char *buf, size_t size);
int f2_mknod(struct f2_fs *fs, const char *path, mode_t mode, dev_t rdev);
int f2_mkdir(struct f2_fs *fs, const char *path, mode_t mode);
int f2_unlink(struct f2_fs *fs, const char *path);
int f2_rmdir(struct f2_fs *fs, const char *path);
int f2_symlink(struct f2_fs *fs, const char *target, const char *path);
int f2_rename(struct f2_fs *fs, const char *from, const char *to);
int f2_link(struct f2_fs *fs, const char *from, const char *to);
int f2_chmod(struct f2_fs *fs, const char *path, mode_t mode);
int f2_chown(struct f2_fs *fs, const char *path, uid_t uid, gid_t gid);
int f2_truncate(struct f2_fs *fs, const char *path, off_t size,
                const struct f2b_fi *fi);
int f2_utimens(struct f2_fs *fs, const char *path,
               const struct timespec tv[2], const struct f2b_fi *fi);
int f2_open(struct f2_fs *fs, const char *path, struct f2b_fi *fi);
int f2_read(struct f2_fs *fs, const char *path, char *buf, size_t size,
            off_t off, struct f2b_fi *fi);
int f2_write(struct f2_fs *fs, const char *path, const char *buf,
             size_t size, off_t off, struct f2b_fi *fi);
int f2_statfs(struct f2_fs *fs, const char *path, struct statvfs *st);
int f2_flush(struct f2_fs *fs, const char *path, struct f2b_fi *fi);
int f2_release(struct f2_fs *fs, const char *path, struct f2b_fi *fi);
int f2_fsync(struct f2_fs *fs, const char *path, int datasync,
             struct f2b_fi *fi);
int f2_setxattr(struct f2_fs *fs, const char *path, const char *name,
                const char *value, size_t size, int flags);
int f2_getxattr(struct f2_fs *fs, const char *path, const char *name,
                char *value, size_t size);
int f2_listxattr(struct f2_fs *fs, const char *path, char *list,
                 size_t size);
int f2_removexattr(struct f2_fs *fs, const char *path, const char *name);
int f2_opendir(struct f2_fs *fs, const char *path, struct f2b_fi *fi);
int f2_readdir(struct f2_fs *fs, const char *path, void *dh,
               f2b_fill_t fill, off_t off, struct f2b_fi *fi);
int f2_releasedir(struct f2_fs *fs, const char *path, struct f2b_fi *fi);
int f2_fsyncdir(struct f2_fs *fs, const char *path, int datasync,
                struct f2b_fi *fi);
/* init: conn in/out; returns nothing, the result is kept in fs. */
void f2_init(struct f2_fs *fs, struct f2b_conn *conn);
void f2_destroy(struct f2_fs *fs);
int f2_access(struct f2_fs *fs, const char *path, int mask);
int f2_create(struct f2_fs *fs, const char *path, mode_t mode,
              struct f2b_fi *fi);
int f2_lock(struct f2_fs *fs, const char *path, struct f2b_fi *fi, int cmd,
            struct flock *lock);
int f2_bmap(struct f2_fs *fs, const char *path, size_t blocksize,
            uint64_t *idx);
int f2_flock(struct f2_fs *fs, const char *path, struct f2b_fi *fi, int op);
int f2_fallocate(struct f2_fs *fs, const char *path, int mode, off_t off,
                 off_t len, struct f2b_fi *fi);
int f2_ioctl(struct f2_fs *fs, const char *path, int cmd, void *arg,
             struct f2b_fi *fi, unsigned flags, void *data);
/* ph is the fuse3 struct fuse_pollhandle, which 2.x programs hand back
 * to fuse_notify_poll/fuse_pollhandle_destroy (same ABI in both). */
int f2_poll(struct f2_fs *fs, const char *path, struct f2b_fi *fi, void *ph,
            unsigned *reventsp);
/* bufv / *bufp are struct fuse_bufvec, whose layout is the same in 2.9
 * and 3.x (and the library frees what read_buf returns in both). */
int f2_write_buf(struct f2_fs *fs, const char *path, void *bufv, off_t off,
                 struct f2b_fi *fi);
int f2_read_buf(struct f2_fs *fs, const char *path, void **bufp, size_t size,
                off_t off, struct f2b_fi *fi);

/* ==== The 2.x low-level API (ll2_*.c, f3_ll2.c) ========================
 *
 * A 2.x low-level session is a fuse3 struct fuse_session (so
 * fuse_session_exit, the signal handlers, ... are the fuse3 code's)
 * whose operations are f3_ll2.c's 3.x handlers; they call the f2l_*
 * functions below, which call the program's 2.9 handlers.  Requests
 * are the fuse3 struct fuse_req on both sides, so the 2.x replies whose
 * ABI is 3.x's are the fuse3 functions (ll2.h).
 */
struct f2_ll;                    /* the fuse2 side's state (ll2.h) */
struct fuse_req;
struct fuse_bufvec;
struct fuse_pollhandle;
struct fuse_forget_data;
struct iovec;

/* The 2.9 handlers, for has[] (init and destroy are always bridged). */
enum f2l_op {
    F2L_LOOKUP, F2L_FORGET, F2L_GETATTR, F2L_SETATTR, F2L_READLINK,
    F2L_MKNOD, F2L_MKDIR, F2L_UNLINK, F2L_RMDIR, F2L_SYMLINK, F2L_RENAME,
    F2L_LINK, F2L_OPEN, F2L_READ, F2L_WRITE, F2L_FLUSH, F2L_RELEASE,
    F2L_FSYNC, F2L_OPENDIR, F2L_READDIR, F2L_RELEASEDIR, F2L_FSYNCDIR,
    F2L_STATFS, F2L_SETXATTR, F2L_GETXATTR, F2L_LISTXATTR, F2L_REMOVEXATTR,
    F2L_ACCESS, F2L_CREATE, F2L_GETLK, F2L_SETLK, F2L_BMAP, F2L_IOCTL,
    F2L_POLL, F2L_WRITE_BUF, F2L_RETRIEVE_REPLY, F2L_FORGET_MULTI,
    F2L_FLOCK, F2L_FALLOCATE,
    F2L_NOPS
};

/* ---- fuse3 side (f3_ll2.c), called by the fuse2 side ---------------- */

/* A fuse3 session with the options in args (struct fuse_args) whose
 * handlers call ll's for the ops in has[]; NULL on error. */
void *f2b_ll_new(void *args, struct f2_ll *ll, const unsigned char *has);
/* ll of a session made by f2b_ll_new, NULL for any other session. */
struct f2_ll *f2b_ll_of(void *se);
/* ll of the session of req, NULL for a high-level file system's. */
struct f2_ll *f2b_req_ll(struct fuse_req *req);
/* The fuse3 struct fuse of a high-level session, NULL for f2b_ll_new's. */
void *f2b_fuse_of(void *se);
/* fuse3's multi-threaded loop with libfuse's defaults. */
int f2b_ll_loop_mt(void *se);
/* fuse_reply_open/create with the fields of a 2.x fuse_file_info; e is
 * a struct fuse_entry_param (same layout in 2.9 and 3.x). */
int f2b_reply_open(struct fuse_req *req, const struct f2b_fi *fi);
int f2b_reply_create(struct fuse_req *req, const void *e,
                     const struct f2b_fi *fi);
/* The receive buffer size a request may need. */
size_t f2b_bufsize(void);
/* Read one request into buf: its size, or -errno (-ENODEV: unmounted). */
int f2b_receive(void *se, void *buf, size_t size);
/* Write a reply or notification to se's kernel connection; 0 or -errno. */
int f2b_send(void *se, const struct iovec *iov, int count);

/* ---- fuse2 side (ll2_ops.c), called by f3_ll2.c's handlers ---------- */

void f2l_init(struct f2_ll *ll, struct f2b_conn *conn);
void f2l_destroy(struct f2_ll *ll);
void f2l_lookup(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
                const char *name);
void f2l_forget(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                uint64_t nlookup);
void f2l_getattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino);
void f2l_setattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                 struct stat *attr, int to_set, const struct f2b_fi *fi);
void f2l_readlink(struct f2_ll *ll, struct fuse_req *req, uint64_t ino);
void f2l_mknod(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
               const char *name, mode_t mode, dev_t rdev);
void f2l_mkdir(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
               const char *name, mode_t mode);
void f2l_unlink(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
                const char *name);
void f2l_rmdir(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
               const char *name);
void f2l_symlink(struct f2_ll *ll, struct fuse_req *req, const char *link,
                 uint64_t parent, const char *name);
void f2l_rename(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
                const char *name, uint64_t newparent, const char *newname);
void f2l_link(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
              uint64_t newparent, const char *newname);
void f2l_open(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
              const struct f2b_fi *fi);
void f2l_read(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
              size_t size, off_t off, const struct f2b_fi *fi);
void f2l_write(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               const char *buf, size_t size, off_t off,
               const struct f2b_fi *fi);
void f2l_flush(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               const struct f2b_fi *fi);
void f2l_release(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                 const struct f2b_fi *fi);
void f2l_fsync(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               int datasync, const struct f2b_fi *fi);
void f2l_opendir(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                 const struct f2b_fi *fi);
void f2l_readdir(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                 size_t size, off_t off, const struct f2b_fi *fi);
void f2l_releasedir(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                    const struct f2b_fi *fi);
void f2l_fsyncdir(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                  int datasync, const struct f2b_fi *fi);
void f2l_statfs(struct f2_ll *ll, struct fuse_req *req, uint64_t ino);
void f2l_setxattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                  const char *name, const char *value, size_t size,
                  int flags);
void f2l_getxattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                  const char *name, size_t size);
void f2l_listxattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                   size_t size);
void f2l_removexattr(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                     const char *name);
void f2l_access(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                int mask);
void f2l_create(struct f2_ll *ll, struct fuse_req *req, uint64_t parent,
                const char *name, mode_t mode, const struct f2b_fi *fi);
void f2l_getlk(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               const struct f2b_fi *fi, struct flock *lock);
void f2l_setlk(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               const struct f2b_fi *fi, struct flock *lock, int sleep);
void f2l_bmap(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
              size_t blocksize, uint64_t idx);
void f2l_ioctl(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               int cmd, void *arg, const struct f2b_fi *fi, unsigned flags,
               const void *in_buf, size_t in_bufsz, size_t out_bufsz);
void f2l_poll(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
              const struct f2b_fi *fi, struct fuse_pollhandle *ph);
void f2l_write_buf(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                   struct fuse_bufvec *bufv, off_t off,
                   const struct f2b_fi *fi);
void f2l_retrieve_reply(struct f2_ll *ll, struct fuse_req *req,
                        void *cookie, uint64_t ino, off_t offset,
                        struct fuse_bufvec *bufv);
void f2l_forget_multi(struct f2_ll *ll, struct fuse_req *req, size_t count,
                      struct fuse_forget_data *forgets);
void f2l_flock(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
               const struct f2b_fi *fi, int op);
void f2l_fallocate(struct f2_ll *ll, struct fuse_req *req, uint64_t ino,
                   int mode, off_t offset, off_t length,
                   const struct f2b_fi *fi);

#endif
