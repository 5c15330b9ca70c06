/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where file data pages come from.  One calloc per 4 KiB page made a
 * fresh write cost a page fault per page, and more when malloc grew a
 * thread's arena: 1 MiB WRITEs into new pages ran at a quarter of the
 * speed of the same WRITEs over existing ones (smbd and NFS-Ganesha
 * write whole files that way).  So pages are carved from 2 MiB blocks
 * mapped on their own, aligned to 2 MiB and advised for transparent huge
 * pages: the kernel faults a block in at once, zeroed, and a fresh page
 * needs no clearing.
 *
 * A block hands out its never-used pages first, then the ones given
 * back (cleared again on the way out).  An empty block goes back to the
 * system at once, except one kept as a spare, so that a file deleted and
 * written again does not map and unmap a block each time; deleting a
 * volume's files still hands back all but 2 MiB.
 *
 * The pool is the process's (memfs instances share it, as they would
 * share malloc).  Any thread; one lock, held for a few instructions.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "memfs.h"

#define BLOCK_SIZE (2u << 20)
#define BLOCK_PAGES (BLOCK_SIZE / MEMFS_PAGE)

/* A block's first page: the rest are data pages. */
struct block {
    struct block *prev, *next; /* on pool.avail while it has pages to give */
    void *given_back;          /* linked through each page's first word */
    unsigned used;             /* pages handed out */
    unsigned fresh;            /* the next never-used page */
    int listed;
};

static struct {
    pthread_mutex_t lock;
    struct block *avail;       /* blocks with a page to give */
    struct block *spare;       /* an empty block, kept */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A new block, 2 MiB-aligned so that it can be one huge page. */
static struct block *block_map(void)
{
    size_t len = 2 * (size_t)BLOCK_SIZE;
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    char *base = (char *)(((uintptr_t)raw + BLOCK_SIZE - 1) &
                          ~(uintptr_t)(BLOCK_SIZE - 1));
    if (base > raw)
        munmap(raw, (size_t)(base - raw));
    if (raw + len > base + BLOCK_SIZE)
        munmap(base + BLOCK_SIZE, (size_t)(raw + len - (base + BLOCK_SIZE)));
    /* Only advice: without transparent huge pages the block faults in
     * page by page, as before. */
    (void)madvise(base, BLOCK_SIZE, MADV_HUGEPAGE);
    struct block *b = (struct block *)base;
    b->fresh = 1;
    return b;
}

static void list_add(struct block *b)
{
    b->prev = NULL;
    b->next = pool.avail;
    if (pool.avail)
        pool.avail->prev = b;
    pool.avail = b;
    b->listed = 1;
}

static void list_del(struct block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        pool.avail = b->next;
    if (b->next)
        b->next->prev = b->prev;
    b->listed = 0;
}

void *page_alloc(void)
{
    pthread_mutex_lock(&pool.lock);
    struct block *b = pool.avail;
    if (!b) {
        b = pool.spare ? pool.spare : block_map();
        pool.spare = NULL;
        if (!b) {
            pthread_mutex_unlock(&pool.lock);
            return NULL;
        }
        list_add(b);
    }
    char *p;
    int dirty = b->given_back != NULL;
    if (dirty) {
        p = b->given_back;
        memcpy(&b->given_back, p, sizeof b->given_back);
    } else {
        p = (char *)b + (size_t)b->fresh++ * MEMFS_PAGE;
    }
    b->used++;
    if (!b->given_back && b->fresh == BLOCK_PAGES)
        list_del(b);
    pthread_mutex_unlock(&pool.lock);
    if (dirty)
        memset(p, 0, MEMFS_PAGE);
    return p;
}

void page_free(void *page)
{
    if (!page)
        return;
    struct block *b = (struct block *)((uintptr_t)page &
                                       ~(uintptr_t)(BLOCK_SIZE - 1));
    struct block *unmap = NULL;
    pthread_mutex_lock(&pool.lock);
    memcpy(page, &b->given_back, sizeof b->given_back);
    b->given_back = page;
    if (--b->used == 0) {
        if (b->listed)
            list_del(b);
        if (pool.spare)
            unmap = b;
        else
            pool.spare = b;
    } else if (!b->listed) {
        list_add(b);
    }
    pthread_mutex_unlock(&pool.lock);
    if (unmap)
        munmap(unmap, BLOCK_SIZE);
}
