/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 high-level (path) API on the low-level one: what its files
 * share.  As in libfuse, struct fuse is a client of the public low-level
 * API: it registers a fuse_lowlevel_ops table (hl_lowlevel.c) on a
 * fuse_session and translates inode numbers to paths.
 *
 *   hl_nodes.c    the node table: inode number <-> (parent, name), paths
 *   hl_fs.c       fuse_fs_*: calling the program's callbacks, checking
 *                 what they return
 *   hl_context.c  fuse_get_context and friends (per-thread request)
 *   hl_entry.c    lookup, forget, the name-changing operations
 *   hl_attr.c     getattr, setattr, readlink, statfs, xattrs, access
 *   hl_open.c     open files: open, create, flush, release, hidden files
 *   hl_io.c       read, write and the other operations on open files
 *   hl_dir.c      opendir, readdir (plus mode), releasedir
 *   hl_opts.c     the library's -o options and fuse_lib_help
 *   hl_main.c     fuse_new, mount, loops, destroy, fuse_main_real
 */
#ifndef FSP_COMPAT_FUSE3_HL_H
#define FSP_COMPAT_FUSE3_HL_H

#ifndef FSP_FUSE_LIB
#define FSP_FUSE_LIB 1
#endif
#define FUSE_USE_VERSION 314
#include <fuse.h>
#include <fuse_lowlevel.h>

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* The inode number readdir reports when it does not know one. */
#define HL_UNKNOWN_INO 0xffffffffu

/* A file system: its callbacks and private data (fuse_fs_new). */
struct fuse_fs {
    struct fuse_operations op;
    void *user_data;
    int debug;
};

/*
 * What the library knows of one inode the kernel holds.  A node is in
 * the id table while anything refers to it, and in the name table while
 * it has a name (unlinked nodes lose theirs but live on until
 * forgotten).
 */
struct hl_node {
    struct hl_node *id_next;
    struct hl_node *name_next;
    struct hl_node *parent;      /* NULL for the root and unlinked nodes */
    char *name;                  /* NULL once unlinked */
    uint64_t nodeid;
    uint64_t generation;
    uint64_t nlookup;            /* lookups the kernel has not forgotten */
    unsigned refs;               /* 1 while looked up, +1 per named child */
    unsigned open_count;         /* open files (release not yet seen) */
    int hidden;                  /* renamed to a .fuse_hidden name */
    int remembered;              /* forgotten, kept for -o remember */
    struct timespec forgot_at;
    /* auto_cache: the attributes last seen, and when */
    int cache_valid;
    struct timespec mtime;
    off_t size;
    struct timespec stat_at;
};

struct fuse {
    struct fuse_session *se;
    struct fuse_fs *fs;
    struct fuse_config conf;

    pthread_mutex_t lock;        /* the node table and nodes' fields */
    struct hl_node **id_tab;
    size_t id_size, id_count;
    struct hl_node **name_tab;
    size_t name_size, name_count;
    uint64_t next_id;
    uint64_t generation;
    unsigned hidectr;
    struct hl_node *root;

    int init_done;
    /* libfuse 2.9's flag_nullpath_ok without flag_nopath: with
     * conf.nullpath_ok, a NULL path only for an unlinked file (set by
     * the 2.x bridge; libfuse 3 gives none at all) */
    int nullpath_unlinked_only;

    /* -o remember */
    pthread_t cleanup;
    int cleanup_running;
    pthread_mutex_t cleanup_lock;
    pthread_cond_t cleanup_cond;
    int cleanup_stop;

    /* -o intr: we installed the handler of conf.intr_signal */
    int intr_installed;
};

/* ---- hl_nodes.c: the node table (all take f->lock themselves unless
 * named _locked) ---- */
int hl_nodes_init(struct fuse *f);
void hl_nodes_free(struct fuse *f);
struct hl_node *hl_node_get_locked(struct fuse *f, uint64_t nodeid);
struct hl_node *hl_node_child_locked(struct fuse *f, uint64_t parent,
                                     const char *name);
/* The node for (parent, name), created if new, with one more lookup;
 * NULL on ENOMEM. */
struct hl_node *hl_node_lookup(struct fuse *f, uint64_t parent,
                               const char *name);
void hl_node_forget(struct fuse *f, uint64_t nodeid, uint64_t n);
/* The name (parent, name) is gone: the node loses its name. */
void hl_node_remove_name(struct fuse *f, uint64_t parent, const char *name);
/* Move (or with exchange, swap) names after a successful rename. */
int hl_node_rename(struct fuse *f, uint64_t olddir, const char *oldname,
                   uint64_t newdir, const char *newname, int exchange,
                   int hide);
/*
 * The path of nodeid, with "/name" appended if name is set; malloc'd in
 * *path.  0, or -ESTALE if it has no path (unlinked); with nullok an
 * unlinked node (and no name) gives 0 and *path NULL, and so does any
 * node when the file system set nullpath_ok (as libfuse 3).
 */
int hl_path(struct fuse *f, uint64_t nodeid, const char *name, int nullok,
            char **path);
/* The node a path names, if the table knows it; 0 if not. */
uint64_t hl_node_by_path(struct fuse *f, const char *path);

/* ---- hl_fs.c ---- */
/* The program's callback gave res: keep it if it is 0 or -errno (or a
 * count up to max when max > 0), else log and make it -EIO. */
int hl_check(const char *op, long long res, long long max);

/* Free a bufvec read_buf handed over, with its memory buffers. */
void hl_free_bufvec(struct fuse_bufvec *b);

/* ---- hl_context.c ---- */
/* Make req the thread's current request; returns its struct fuse. */
struct fuse *hl_enter(fuse_req_t req);
/* The same outside a request (init, destroy, fuse_destroy). */
void hl_enter_fuse(struct fuse *f);
void hl_leave(void);
/* -o intr (hl_context.c): give conf.intr_signal a handler that does
 * nothing, unless the program has one, so that it interrupts system
 * calls without killing; hl_intr_fini puts the default back.  From
 * fuse_new, after the file system's init, and from fuse_destroy; once
 * installed, a second call does nothing. */
void hl_intr_init(struct fuse *f);
void hl_intr_fini(struct fuse *f);

/* ---- hl_attr.c ---- */
/* Apply use_ino, umask, uid and gid to what getattr gave. */
void hl_fix_stat(struct fuse *f, uint64_t nodeid, struct stat *st);
/* Remember size and mtime for auto_cache. */
void hl_note_stat(struct fuse *f, uint64_t nodeid, const struct stat *st);
/* Reply with an entry for path (the new name under parent): getattr, a
 * node with a lookup.  0 or -errno (then nothing was replied). */
int hl_lookup_path(struct fuse *f, uint64_t parent, const char *name,
                   const char *path, struct fuse_entry_param *e,
                   struct fuse_file_info *fi);

/* ---- hl_open.c ---- */
/* Rename the open file (dir, name) to a hidden name; 0 or -errno. */
int hl_hide(struct fuse *f, uint64_t dir, const char *name);
int hl_is_open(struct fuse *f, uint64_t dir, const char *name);

/* ---- hl_*.c: the low-level handlers ---- */
void hl_ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void hl_ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void hl_ll_forget_multi(fuse_req_t req, size_t count,
                        struct fuse_forget_data *forgets);
void hl_ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
                 mode_t mode, dev_t rdev);
void hl_ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
                 mode_t mode);
void hl_ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void hl_ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void hl_ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
                   const char *name);
void hl_ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
                  fuse_ino_t newparent, const char *newname,
                  unsigned int flags);
void hl_ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
                const char *newname);

void hl_ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
#if FSP_FUSE_ABI >= 318
void hl_ll_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
                 struct fuse_file_info *fi);  /* statx.c */
#endif
void hl_ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
                   int to_set, struct fuse_file_info *fi);
void hl_ll_readlink(fuse_req_t req, fuse_ino_t ino);
void hl_ll_statfs(fuse_req_t req, fuse_ino_t ino);
void hl_ll_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                    const char *value, size_t size, int flags);
void hl_ll_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
                    size_t size);
void hl_ll_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void hl_ll_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);
void hl_ll_access(fuse_req_t req, fuse_ino_t ino, int mask);

void hl_ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hl_ll_create(fuse_req_t req, fuse_ino_t parent, const char *name,
                  mode_t mode, struct fuse_file_info *fi);
void hl_ll_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hl_ll_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

void hl_ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                struct fuse_file_info *fi);
void hl_ll_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
                     off_t off, struct fuse_file_info *fi);
void hl_ll_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
                 struct fuse_file_info *fi);
void hl_ll_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 struct flock *lock);
void hl_ll_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 struct flock *lock, int sleep);
void hl_ll_flock(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                 int op);
void hl_ll_bmap(fuse_req_t req, fuse_ino_t ino, size_t blocksize,
                uint64_t idx);
void hl_ll_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
                 struct fuse_file_info *fi, unsigned flags,
                 const void *in_buf, size_t in_bufsz, size_t out_bufsz);
void hl_ll_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
                struct fuse_pollhandle *ph);
void hl_ll_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
                     off_t length, struct fuse_file_info *fi);
void hl_ll_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
                           struct fuse_file_info *fi_in, fuse_ino_t ino_out,
                           off_t off_out, struct fuse_file_info *fi_out,
                           size_t len, int flags);
void hl_ll_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
                 struct fuse_file_info *fi);

void hl_ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hl_ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                   struct fuse_file_info *fi);
void hl_ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi);
void hl_ll_releasedir(fuse_req_t req, fuse_ino_t ino,
                      struct fuse_file_info *fi);
void hl_ll_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
                    struct fuse_file_info *fi);

/* The file system's own fuse_file_info of an open directory (the
 * kernel's fh is the library's directory handle). */
struct fuse_file_info *hl_dir_fi(struct fuse_file_info *llfi);

/* ---- hl_lowlevel.c ---- */
/* The handler table for f's file system (lock handlers only if it
 * implements locking, so the kernel keeps locks locally otherwise). */
void hl_lowlevel_ops(struct fuse *f, struct fuse_lowlevel_ops *op);

/* ---- hl_opts.c ---- */
/* Parse the library's options out of args into f->conf; 0 or -1. */
int hl_parse_opts(struct fuse *f, struct fuse_args *args);

/* Reply with -res (res is 0 or -errno). */
static inline void hl_reply_err(fuse_req_t req, int res)
{
    fuse_reply_err(req, -res);
}

/* Versioned entry points (the map and .symver bind the plain names). */
struct fuse *fuse_new_30(struct fuse_args *args,
                         const struct fuse_operations *op, size_t op_size,
                         void *private_data);
struct fuse *fuse_new_31(struct fuse_args *args,
                         const struct fuse_operations *op, size_t op_size,
                         void *private_data);
int fuse_loop_mt_31(struct fuse *f, int clone_fd);
int fuse_loop_mt_32(struct fuse *f, struct fuse_loop_config_v1 *config);
int fuse_loop_mt_312(struct fuse *f, struct fuse_loop_config *config);

#endif
