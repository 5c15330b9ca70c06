/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memfs: the in-memory reference file system for fsp's native API.
 *
 * Locking, given fsp's guard (see include/fsp/fsp.h): the directory tree
 * (each directory's entry tree) only changes in create, link, set_delete
 * and rename, which run alone, so lookups and listings read it without
 * locks; reads never rebalance, so they may walk it side by side.
 * Everything else in a node -- attributes, data, EAs, the reference and
 * link counts -- can be touched by unguarded calls (read, write, forget,
 * close) and is under the node's mutex.  The volume-wide counters are under
 * memfs.lock, always taken after a node's mutex, never before.
 */
#ifndef MEMFS_H
#define MEMFS_H

#include <pthread.h>
#include <stdint.h>

#include "fsp/fsp.h"

struct node;

/* One name in a directory.  A directory's entries form an AVL tree
 * ordered by the volume's name comparison (dir.c), so lookups, inserts and
 * removals stay O(log n) in directories of millions of names and a
 * listing resumes after its marker without a scan.  Entries point at
 * nodes, so hard links are several entries pointing at one node.
 *
 * One allocation per entry, name included: 25 bytes plus the name and its
 * NUL (with glibc's malloc, a 48-byte chunk for names of up to 14 bytes,
 * 64 up to 30).  There are no parent pointers: walks keep their path on
 * the stack instead (DIR_MAX_DEPTH). */
struct entry {
    struct entry *child[2];     /* [0]: names before, [1]: names after */
    struct node *node;
    signed char balance;        /* height of child[1] minus child[0] */
    char name[];
};

/* One page of a regular file's data (data.c). */
#define MEMFS_PAGE 4096u
struct page {
    uint64_t no;                /* offset / MEMFS_PAGE */
    char *bytes;                /* MEMFS_PAGE bytes */
    int unwritten;              /* allocated by fallocate, never written */
};

struct ea {
    char *name;
    void *value;
    size_t size;
};

/* One named stream of a file: a regular-file node of its own, counted
 * as one name (streams.c). */
struct mstream {
    char *name;
    struct node *node;
};

struct node {
    uint32_t type;              /* S_IFMT bits: immutable, so no lock */
    pthread_mutex_t lock;
    struct fsp_file_info info;  /* nlink and alloc_size derived on fill */
    unsigned refs;              /* fsp's references plus opens */
    uint32_t names;             /* entries naming it (root: always 1) */

    struct page *pages;         /* regular file: sorted by page number */
    size_t npages, pages_cap;
    union {
        char *target;           /* symlink */
        struct node *parent;    /* directory: the one holding its name
                                   (the root: itself), for lookups of
                                   ".." by export; valid while it has a
                                   name (a directory's only name) */
    };
    struct entry *ents;         /* directory: the root of its entries */
    size_t nents;
    unsigned subdirs;
    struct ea *eas;
    size_t neas;
    struct mstream *streams;    /* named streams, under lock */
    size_t nstreams;
    void *reparse;              /* reparse buffer, under lock */
    size_t reparse_size;
    void *sd;                   /* --security: the descriptor, or NULL */
    size_t sd_size;
};

/* The index table (index.c): slot i is file index i + 1. */
struct memfs_slot {
    struct node *node;          /* NULL while the file has no name */
    uint32_t gen;               /* times the slot was used before */
    uint32_t next_free;         /* free list link */
};

struct memfs {
    pthread_mutex_t lock;
    struct memfs_slot *slots;         /* under lock */
    size_t nslots, slots_cap;
    uint32_t free_slot;               /* free list head */
    uint64_t gen_key;                 /* this instance's generations */
    struct node *root;
    int (*cmp)(const char *, const char *);
    uint64_t max_bytes, used_bytes;
    uint64_t max_files, used_files;   /* max_files 0: unlimited */
    char label[64];
    int stateless;    /* no opens: fsp calls no open or close (see main.c) */
};

extern const struct fsp_fs_interface memfs_interface;

/* memfs.c: case-insensitive (-i) compares names with case folding. */
int memfs_init(struct memfs *m, uint64_t max_bytes, uint64_t max_files,
               int nocase, const char *label);
void memfs_destroy(struct memfs *m);

/* node.c: the volume's limits.  Reservations fail with -ENOSPC; a
 * partial byte reservation grants what is left. */
int memfs_reserve_file(struct memfs *m);
uint64_t memfs_reserve_bytes(struct memfs *m, uint64_t want, int partial);
void memfs_release(struct memfs *m, uint64_t files, uint64_t bytes);
/* page_pool.c: file data pages, MEMFS_PAGE bytes; zeroed if `zero`, else
 * holding anything (the caller overwrites all of it before anyone reads
 * it); NULL when out of memory.  page_free(NULL) does nothing.  Any
 * thread. */
void *page_alloc(int zero);
void page_free(void *page);

/* node.c: nodes.  A node lives while it has a name or a reference. */
struct timespec memfs_now(void);

/* index.c: file index -> node (see there for the locking). */
void index_init(struct memfs *m);
void index_destroy(struct memfs *m);
/* Give n a free index and its generation; -ENOSPC, -ENOMEM. */
int index_alloc(struct memfs *m, struct node *n);
/* n is going: its index may be reused, under a new generation. */
void index_free(struct memfs *m, struct node *n);
/* n got its first name, or lost its last (exclusive guard). */
void index_publish(struct memfs *m, struct node *n);
void index_hide(struct memfs *m, struct node *n);
/* The named node with that index, or NULL (shared guard). */
struct node *index_find(struct memfs *m, uint64_t index);

/* memfs.c: the synchronous read and write (slowio.c calls them later). */
int memfs_read(fsp_request *req, void *node, void *file, void *buf,
               uint64_t offset, uint32_t length, uint32_t *bytes_read);
int memfs_write(fsp_request *req, void *node, void *file, const void *buf,
                uint64_t offset, uint32_t length, uint32_t *bytes_written,
                struct fsp_file_info *fi);

/* slowio.c: -S, reads and writes completed later by worker threads. */
int slowio_start(void);
void slowio_stop(void);
int slowio_read(fsp_request *req, void *node, void *file, void *buf,
                uint64_t offset, uint32_t length, uint32_t *bytes_read);
int slowio_write(fsp_request *req, void *node, void *file, const void *buf,
                 uint64_t offset, uint32_t length, uint32_t *bytes_written,
                 struct fsp_file_info *fi);
struct node *node_new(struct memfs *m, const struct fsp_create_params *cp);
void node_fill(struct node *n, struct fsp_file_info *fi);
void node_fill_locked(struct node *n, struct fsp_file_info *fi);
void node_ref(struct node *n);
void node_release(struct memfs *m, struct node *n);
void node_link(struct memfs *m, struct node *n);
void node_unlink(struct memfs *m, struct node *n);
void node_destroy_tree(struct node *n);

/* data.c: a regular file's pages, under the node's lock.  Holes read as
 * zeros; pages are reserved against the volume's limit when made. */
void data_read(const struct node *n, void *buf, uint64_t off, size_t len);
/* Writes what fits; -ENOSPC only when nothing did. */
int data_write(struct memfs *m, struct node *n, const void *buf, uint64_t off,
               size_t len, size_t *done);
/* Frees everything past size (the size itself is the caller's). */
void data_truncate(struct memfs *m, struct node *n, uint64_t size);
void data_punch(struct memfs *m, struct node *n, uint64_t off, uint64_t len);
/* All of the range or, with -ENOSPC, none of it. */
int data_allocate(struct memfs *m, struct node *n, uint64_t off, uint64_t len);
int data_seek(const struct node *n, uint64_t off, int whence, uint64_t *out);
uint64_t data_allocated(const struct node *n);
/* Frees the pages without accounting (the node is going). */
void data_free(struct node *n);

/* dir.c: a directory's entries.  Writers (dir_insert, dir_replace,
 * dir_remove, dir_free) need fsp's exclusive guard; the rest only read. */

/* An AVL tree of height h holds at least F(h+2)-1 entries (F: Fibonacci),
 * so a count a 64-bit size_t can hold means at most 91 levels; walks keep
 * one more slot for the empty link below the last level. */
#define DIR_MAX_DEPTH 92

struct entry *dir_find(const struct memfs *m, const struct node *dir,
                       const char *name);
/* -EEXIST if the name is taken (m->cmp equal), or -ENOMEM. */
int dir_insert(const struct memfs *m, struct node *dir, const char *name,
               struct node *child);
/* The entry equal to `name` takes that spelling and `child`: a rename
 * onto an existing name, or a case-only rename on a case-insensitive
 * volume, where the spellings differ.  -ENOENT or -ENOMEM leave the
 * entry as it was; otherwise pointers to it may be stale. */
int dir_replace(const struct memfs *m, struct node *dir, const char *name,
                struct node *child);
/* Nothing happens if there is no such name. */
void dir_remove(const struct memfs *m, struct node *dir, const char *name);
/* Empties dir, calling drop with each entry's node in name order. */
void dir_free(struct node *dir, void (*drop)(struct node *));

/* A listing in name order: O(log n) to start, amortized O(1) a step.
 * The directory must not change while one is in use. */
struct dir_iter {
    const struct entry *pending[DIR_MAX_DEPTH];
    int depth;
};
/* Start at the first name after `after` (present or not), or at the
 * first name when `after` is NULL. */
void dir_iter_start(const struct memfs *m, const struct node *dir,
                    const char *after, struct dir_iter *it);
/* The next entry, or NULL at the end. */
const struct entry *dir_iter_next(struct dir_iter *it);

void dir_changed(struct node *dir, int subdirs);

/* streams.c: named streams and reparse data (the Windows set). */
void memfs_add_windows_calls(struct fsp_fs_interface *iface);
/* The node's last name and reference are gone: its streams lose their
 * name (and go unless still referenced). */
void streams_release(struct memfs *m, struct node *n);
/* The file's read-only bit changed: its streams follow (file's lock
 * held). */
void streams_sync_readonly(struct node *n);
/* Unmount: free the streams with the node. */
void streams_destroy(struct node *n);

/* ea.c: under the node's lock. */
struct ea *ea_find(struct node *n, const char *name);
int ea_set(struct node *n, const char *name, const void *value,
           size_t size, int flags);
int ea_remove(struct node *n, const char *name);
void ea_free_all(struct node *n);

/* security.c: descriptors (--security). */
int memfs_get_security(fsp_request *req, void *node, void *buf, size_t size,
                       size_t *needed);
int memfs_set_security(fsp_request *req, void *node, const void *sd,
                       size_t size);
/* Keep a copy of sd as n's descriptor (n's lock held, or n unshared). */
int memfs_sd_store(struct node *n, const void *sd, size_t size);

#endif
