/*
 * memfs: the in-memory reference file system for fsp's native API.
 *
 * Locking, given fsp's guard (see include/fsp/fsp.h): the directory tree
 * (entry arrays) only changes in create, link, set_delete and rename,
 * which run alone, so lookups and listings read it without locks.
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

/* One name in a directory; a directory's entries are kept sorted by the
 * volume's name comparison, for binary search and stable listing order.
 * Entries point at nodes, so hard links are several entries pointing at
 * one node. */
struct entry {
    char *name;
    struct node *node;
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

struct node {
    uint32_t type;              /* S_IFMT bits: immutable, so no lock */
    pthread_mutex_t lock;
    struct fsp_file_info info;  /* nlink and alloc_size derived on fill */
    unsigned refs;              /* fsp's references plus opens */
    uint32_t names;             /* entries naming it (root: always 1) */

    struct page *pages;         /* regular file: sorted by page number */
    size_t npages, pages_cap;
    char *target;               /* symlink */
    struct entry *ents;         /* directory */
    size_t nents, ents_cap;
    unsigned subdirs;
    struct ea *eas;
    size_t neas;
};

struct memfs {
    pthread_mutex_t lock;
    struct node *root;
    int (*cmp)(const char *, const char *);
    uint64_t max_bytes, used_bytes;
    uint64_t max_files, used_files;   /* max_files 0: unlimited */
    uint64_t next_index;
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

/* node.c: nodes.  A node lives while it has a name or a reference. */
struct timespec memfs_now(void);

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
void node_link(struct node *n);
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

/* dir.c: the sorted entry arrays. */
size_t dir_find(const struct memfs *m, const struct node *dir,
                const char *name, int *found);
int dir_insert(struct node *dir, size_t i, const char *name,
               struct node *child);
void dir_remove(struct node *dir, size_t i);
void dir_changed(struct node *dir, int subdirs);

/* ea.c: under the node's lock. */
struct ea *ea_find(struct node *n, const char *name);
int ea_set(struct node *n, const char *name, const void *value,
           size_t size, int flags);
int ea_remove(struct node *n, const char *name);
void ea_free_all(struct node *n);

#endif
