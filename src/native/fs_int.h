/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Native API internals: the file system instance, the node table, open
 * files and the operation guard.  Shared by the files of src/native.
 */
#ifndef FSP_NATIVE_FS_INT_H
#define FSP_NATIVE_FS_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "fsp/fsp.h"
#include "fsp/security.h"
#include "kernel/mount.h"
#include "session/session.h"

/*
 * A node: one file the kernel knows, by node id.  Node ids come from a
 * counter and are never reused while the mount lives, so a stale id can
 * never reach the wrong file.  The file index (inode number) is the file
 * system's; several lookups of one index share one node.
 *
 * On an export volume (the file system has lookup_index) the node id is
 * the file index instead (the root's swapped with WIRE_ROOT_ID), because
 * a file handle holds only the node id and generation and the kernel
 * must get the same node id back for it after forgetting the node; the
 * generation the file system reports tells a reused index apart.
 */
struct nat_node {
    uint64_t nodeid;
    uint64_t index;
    void *ctx;                /* the file system's node reference */
    uint64_t nlookup;         /* the kernel's references */
    unsigned pins;            /* ours: named children, opens */
    uint32_t type;            /* S_IFMT bits */
    struct nat_node *parent;  /* last known name, for paths (pinned) */
    char *name;
    struct nat_node *id_next, *index_next, *name_next;   /* hash chains */
    struct nat_dir_snap *snaps;   /* listings without OPENDIR (ops_dir.c) */
    /* FUSE passthrough: the kernel takes one backing file per inode
     * (an open naming another fails with EIO), so the opens of a node
     * share the first one registered (ops_common.c); the kernel opens
     * the backing file anew for each open, with that open's flags and
     * the credentials it was registered with.  Under the table lock. */
    int backing_id;
    unsigned backing_users;
};

struct nat_node_table {
    pthread_mutex_t lock;
    struct nat_node **by_id, **by_index, **by_name;
    size_t nbuckets, count;
    uint64_t next_id;
    int ids_are_indexes;      /* export volume: see struct nat_node */
    int have_root;            /* the first node made is the root */
    uint64_t root_index;      /* the root's file index */
    uint32_t snap_gen;        /* the last listing snapshot's number */
};

/* One open file or directory: the kernel's fh points at this. */
struct nat_open {
    struct nat_node *node;
    void *file;               /* the file system's open context */
    struct nat_open *next, *prev;
    struct fsp_dir_buffer *dir;   /* directory snapshot, directories only */
    int is_dir;
    int backing_id;               /* FUSE passthrough registration, 0: none */
};

enum nat_guard { NAT_GUARD_NONE, NAT_GUARD_SHARED, NAT_GUARD_EXCLUSIVE };

struct fsp_fs {
    struct fsp_volume_params vp;
    struct fsp_fs_interface fi;
    void *context;
    int debug;
    unsigned threads, max_threads;
    struct ses_thread_factory factory;   /* fsp_fs_set_thread_factory */

    struct kmount mnt;
    int mounted;
    struct kmount_opts mopts;
    struct ses_session *se;
    atomic_int stop_requested;
    /* What fsp_fs_stop may touch, from any thread or a signal handler:
     * the session while fsp_fs_run serves it (NULL before and after),
     * and how many stop calls are inside it, so that run frees the
     * session only once none is. */
    _Atomic(struct ses_session *) stoppable;
    atomic_int stopping;
    /* Set by fsp_fs_run before it frees the session: notifications from
     * other threads (notify.c) hold `stopping` too and give up then. */
    atomic_int run_ended;
    int stop_pipe[2];

    struct nat_node_table nodes;
    struct nat_node *root;

    pthread_mutex_t open_lock;
    struct nat_open *opens;

    pthread_rwlock_t guard;
    /* FSP_VOL_POSIX_ACL and the kernel granted FUSE_POSIX_ACL: the ACL
     * attributes reach the file system and acl.c keeps their rules. */
    int posix_acl;
    /* -o streams_interface=windows: "file:stream" names are streams
     * (streams.c). */
    int stream_paths;
    /* FSP_VOL_SECURITY: the file system's SID mapping (sec_node.c). */
    struct fsp_sid_mapper sid_mapper;
    uint64_t entry_timeout_ns, attr_timeout_ns, negative_timeout_ns;

    /* fsp_fs_notify_retrieve calls waiting for the kernel's NOTIFY_REPLY
     * (notify.c), by the notify_unique they sent. */
    pthread_mutex_t retrieve_lock;
    pthread_cond_t retrieve_cond;     /* CLOCK_MONOTONIC */
    struct nat_retrieve_wait *retrieves;
    uint64_t retrieve_ctr;
};

/* The NOTIFY_REPLY handler (notify.c): hands the data to the waiting
 * fsp_fs_notify_retrieve, or drops it when that one gave up. */
void nat_op_notify_reply(struct fsp_request *req);
void nat_retrieve_init(struct fsp_fs *fs);
void nat_retrieve_destroy(struct fsp_fs *fs);

/* Drop node n's listing snapshots (ops_dir.c); table lock held. */
void nat_dir_snaps_release(struct nat_node *n);

/* Node table (nodes.c).  Every function takes the table lock itself. */
int nat_nodes_init(struct nat_node_table *t);
void nat_nodes_destroy(struct fsp_fs *fs);
struct nat_node *nat_node_get(struct fsp_fs *fs, uint64_t nodeid);
/* The node with that id with one more kernel reference counted (under
 * the table lock, so it cannot go meanwhile), or NULL. */
struct nat_node *nat_node_get_ref(struct fsp_fs *fs, uint64_t nodeid);
/* The node id the kernel knows file index `index` by, or 0 if none.  An
 * id, not the node: the node may go as soon as the table lock does. */
uint64_t nat_node_id_of_index(struct fsp_fs *fs, uint64_t index);
/* Export volume: the file index node id `nodeid` stands for (the swap of
 * the root's index with WIRE_ROOT_ID undone); 0 before the root is known. */
uint64_t nat_node_index_of_id(struct fsp_fs *fs, uint64_t nodeid);
/* Account one kernel lookup of (ctx, fi) named `name` in `parent`;
 * gives a duplicate ctx straight back to the file system.  NULL: ENOMEM. */
struct nat_node *nat_node_lookup_ref(struct fsp_fs *fs, struct nat_node *parent,
                                     const char *name, void *ctx,
                                     const struct fsp_file_info *fi);
/* Account one more kernel reference to a node fsp already has, seen
 * under the new name `name` in `parent` (LINK). */
void nat_node_ref_named(struct fsp_fs *fs, struct nat_node *node,
                        struct nat_node *parent, const char *name);
/* The kernel dropped n references (FORGET). */
void nat_node_forget(struct fsp_fs *fs, struct nat_node *node, uint64_t n);
void nat_node_pin(struct fsp_fs *fs, struct nat_node *node);
void nat_node_unpin(struct fsp_fs *fs, struct nat_node *node);
/* An open of node registered backing file `id`: the id it is to use (the
 * node's shared one, or id itself, now the node's).  The caller closes
 * id if the result differs from it. */
int nat_node_backing_take(struct fsp_fs *fs, struct nat_node *node, int id);
/* One open of node stopped using its backing: the id to close (the last
 * user left), or 0. */
int nat_node_backing_drop(struct fsp_fs *fs, struct nat_node *node);
/* Path bookkeeping after namespace changes. */
void nat_node_unname(struct fsp_fs *fs, struct nat_node *parent,
                     const char *name);
void nat_node_rename(struct fsp_fs *fs, struct nat_node *oldp,
                     const char *oldname, struct nat_node *newp,
                     const char *newname, uint32_t flags);
/* "/a/b" of node (plus "/name" when name is not NULL); malloc'ed or NULL. */
char *nat_node_path(struct fsp_fs *fs, struct nat_node *node, const char *name);

/* Guard (ops.c). */
void nat_guard_enter(struct fsp_fs *fs, enum nat_guard g);
void nat_guard_leave(struct fsp_fs *fs, enum nat_guard g);

/* Results from file system callbacks: anything not 0 or -errno becomes
 * -EIO, logged once here (ops.c). */
int nat_check_result(struct fsp_fs *fs, const char *what, int r);

/* Attribute mapping (attr.c). */
void nat_fill_attr(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                   struct wire_attr *a);
void nat_fill_entry(const struct fsp_fs *fs, const struct nat_node *node,
                    const struct fsp_file_info *fi, struct wire_entry_out *e);
void nat_fill_statx(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                    struct wire_statx *sx);
void nat_split_timeout(uint64_t ns, uint64_t *sec, uint32_t *nsec);

/* Open files (ops_file.c). */
struct nat_open *nat_open_new(struct fsp_fs *fs, struct nat_node *node,
                              void *file, int is_dir);
void nat_open_free(struct fsp_fs *fs, struct nat_open *o, int call_close);
void nat_opens_close_all(struct fsp_fs *fs);

/* Directory buffers (dirbuf.c). */
struct nat_dir_entry {
    const char *name;
    uint64_t index;
    uint32_t mode;
};
struct fsp_dir_buffer *nat_dir_buffer_new(void);
void nat_dir_buffer_free(struct fsp_dir_buffer *db);
size_t nat_dir_buffer_count(const struct fsp_dir_buffer *db);
const struct nat_dir_entry *nat_dir_buffer_entry(const struct fsp_dir_buffer *db,
                                                 size_t i);
int nat_dir_buffer_error(const struct fsp_dir_buffer *db);

/* The low-level handler table the native API installs (ops.c): every
 * opcode it serves goes to nat_dispatch, which makes the native
 * request and calls the handler of that opcode. */
void nat_ll_ops(struct ses_ll_ops *ops);
void nat_dispatch(struct ses_request *sr);
/* On a read-only volume: every handler that changes something answers
 * EROFS, opens for writing included (ops_ro.c). */
void nat_ll_ops_read_only(struct ses_ll_ops *ops);

/* Handlers, one file per area. */
typedef void (*nat_handler)(struct fsp_request *req);

void nat_op_lookup(struct fsp_request *req);
/* LOOKUP of "." or ".." by node id, for exported file handles (export.c). */
void nat_op_lookup_export(struct fsp_request *req, struct nat_node *parent,
                          const char *name);
void nat_op_forget(struct fsp_request *req);
void nat_op_batch_forget(struct fsp_request *req);
void nat_op_getattr(struct fsp_request *req);
void nat_op_setattr(struct fsp_request *req);
void nat_op_statx(struct fsp_request *req);
void nat_op_statfs(struct fsp_request *req);
void nat_op_open(struct fsp_request *req);
void nat_op_create(struct fsp_request *req);
void nat_op_tmpfile(struct fsp_request *req);
void nat_op_read(struct fsp_request *req);
void nat_op_write(struct fsp_request *req);
void nat_op_flush(struct fsp_request *req);
void nat_op_release(struct fsp_request *req);
void nat_op_fsync(struct fsp_request *req);
void nat_op_opendir(struct fsp_request *req);
void nat_op_readdir(struct fsp_request *req);
void nat_op_releasedir(struct fsp_request *req);
void nat_op_mknod(struct fsp_request *req);
void nat_op_mkdir(struct fsp_request *req);
void nat_op_symlink(struct fsp_request *req);
void nat_op_unlink(struct fsp_request *req);
void nat_op_rmdir(struct fsp_request *req);
void nat_op_rename(struct fsp_request *req);
void nat_op_link(struct fsp_request *req);
void nat_op_fallocate(struct fsp_request *req);
void nat_op_lseek(struct fsp_request *req);
void nat_op_readlink(struct fsp_request *req);
void nat_op_getxattr(struct fsp_request *req);
void nat_op_setxattr(struct fsp_request *req);
void nat_op_listxattr(struct fsp_request *req);
void nat_op_removexattr(struct fsp_request *req);

/*
 * The public request (include/fsp/fsp.h): the session's request and what
 * the native API keeps about it.  On the dispatcher thread's stack while
 * its handler runs (ops.c); a request the file system pends is a heap
 * copy, hung on the session request's owner slot and freed by its
 * release callback once answered (request.c).
 */
struct fsp_request {
    struct ses_request *s;
    struct fsp_fs *fs;
    struct nat_node *node;    /* the node the request is about */
    const char *name;         /* and the name in it, for new names */
    char *path;               /* fsp_request_path() cache */
    int backing_id;           /* FUSE passthrough for the open answered */
};

/* The fs of a request. */
static inline struct fsp_fs *req_fs(const struct fsp_request *req)
{
    return req->fs;
}

/* Whether directories are opened without OPENDIR (no open or close of
 * a directory reaches the file system): FSP_IFACE_STATELESS_DIR_OPENS,
 * which FSP_IFACE_STATELESS_OPENS implies. */
static inline int nat_stateless_dirs(const struct fsp_fs *fs)
{
    return !!(fs->fi.flags & (FSP_IFACE_STATELESS_OPENS |
                              FSP_IFACE_STATELESS_DIR_OPENS));
}

/* A stateless volume with FSP_VOL_READONLY_ATTR: OPEN is answered (not
 * ENOSYS) so the read-only attribute is checked there, before writes go
 * into the kernel's cache (under writeback caching write(2) would have
 * succeeded already), and only once: an open made before the bit was set
 * keeps writing, as on NTFS (ops_file.c). */
static inline int nat_open_checks_readonly(const struct fsp_fs *fs)
{
    return (fs->vp.flags & FSP_VOL_READONLY_ATTR) &&
           (fs->fi.flags & FSP_IFACE_STATELESS_OPENS);
}

/* Let go of what a request kept (its path; a backing file an open
 * registered and did not hand over).  ops.c, request.c. */
void nat_request_drop(struct fsp_request *req);

#endif
