/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where file data pages come from.  One calloc per 4 KiB page made
 * fresh writes slow: 1 MiB WRITEs into new pages ran at a third of the
 * speed of the same WRITEs over existing ones (malloc growing a thread's
 * arena, and the kernel faulting and zeroing every page), and smbd and
 * NFS-Ganesha write whole new files that way.  So pages are carved from
 * 2 MiB blocks mapped on their own, and kept for a while when emptied.
 *
 * A block hands out its never-used pages first (zero from the kernel),
 * then the ones given back (cleared on the way out when the caller needs
 * zeros).  A block whose last page comes back is kept for RETAIN_NS, so
 * that files deleted and written again (a share's churn) reuse memory
 * that is already there instead of faulting in new; a reaper thread
 * hands blocks back to the system once they have been empty that long.
 * Deleting a volume's files thus returns its memory within seconds, as
 * jemalloc's decay does.  (No MADV_HUGEPAGE: on this project's VM a
 * huge page's first fault from memory the host took back costs more
 * than 512 small ones; see docs/performance.md, session 7.)
 *
 * The pool is the process's (memfs instances share it, as they would
 * share malloc).  Any thread; one lock, held for a few instructions.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "memfs.h"

#define BLOCK_SIZE (2u << 20)
#define BLOCK_PAGES (BLOCK_SIZE / MEMFS_PAGE)
#define RETAIN_NS 2000000000LL

enum { ON_NONE, ON_AVAIL, ON_EMPTY };

/* A block's first page: the rest are data pages. */
struct block {
    struct block *prev, *next; /* on the list `on` names */
    void *given_back;          /* linked through each page's first word */
    unsigned used;             /* pages handed out */
    unsigned fresh;            /* the next never-used page */
    int on;
    int64_t emptied;           /* ON_EMPTY: since when (CLOCK_MONOTONIC) */
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* the reaper's: a block became empty */
    struct block *avail;       /* pages out, and pages to give */
    struct block *empty;       /* no page out; newest first */
    int reaper;                /* the reaper runs: blocks may wait */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct block **list_of(int on)
{
    return on == ON_AVAIL ? &pool.avail : &pool.empty;
}

static void list_add(struct block *b, int on)
{
    struct block **head = list_of(on);
    b->prev = NULL;
    b->next = *head;
    if (*head)
        (*head)->prev = b;
    *head = b;
    b->on = on;
}

static void list_del(struct block *b)
{
    if (b->on == ON_NONE)
        return;
    if (b->prev)
        b->prev->next = b->next;
    else
        *list_of(b->on) = b->next;
    if (b->next)
        b->next->prev = b->prev;
    b->on = ON_NONE;
}

/* Hand back to the system the blocks empty for RETAIN_NS; sleep until
 * the next one is due, or until one empties. */
static void *reaper_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.empty)
            pthread_cond_wait(&pool.wake, &pool.lock);
        int64_t now = now_ns(), due = INT64_MAX;
        struct block *gone = NULL, *next;
        for (struct block *b = pool.empty; b; b = next) {
            next = b->next;
            if (now - b->emptied >= RETAIN_NS) {
                list_del(b);
                b->next = gone;
                gone = b;
            } else if (b->emptied + RETAIN_NS < due) {
                due = b->emptied + RETAIN_NS;
            }
        }
        if (gone) {
            pthread_mutex_unlock(&pool.lock);
            for (struct block *b = gone; b; b = next) {
                next = b->next;
                munmap(b, BLOCK_SIZE);
            }
            pthread_mutex_lock(&pool.lock);
            continue;
        }
        struct timespec until = { .tv_sec = due / 1000000000,
                                  .tv_nsec = due % 1000000000 };
        pthread_cond_timedwait(&pool.wake, &pool.lock, &until);
    }
    return NULL;
}

/* The reaper's condition runs on CLOCK_MONOTONIC, which a static
 * initializer cannot say: so both are made at first use.  Without a
 * reaper (no thread to be had) empty blocks are unmapped at once. */
static void pool_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&pool.wake, &ca);
    pthread_condattr_destroy(&ca);

    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    sigset_t all, old;
    sigfillset(&all);
    /* The process's signals are for its other threads. */
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    int r = pthread_create(&t, &ta, reaper_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&ta);
    pthread_mutex_lock(&pool.lock);
    pool.reaper = r == 0;
    pthread_mutex_unlock(&pool.lock);
}

/* A new block, aligned to its size: a page finds its block by masking
 * its address. */
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
    struct block *b = (struct block *)base;
    b->fresh = 1;
    b->on = ON_NONE;
    return b;
}

void *page_alloc(int zero)
{
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&pool.lock);
    struct block *b = pool.avail;
    if (!b) {
        b = pool.empty;  /* the newest: the likeliest still resident */
        if (b)
            list_del(b);
        else if (!(b = block_map())) {
            pthread_mutex_unlock(&pool.lock);
            return NULL;
        }
        list_add(b, ON_AVAIL);
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
        list_del(b);  /* full: back on a list when a page comes back */
    pthread_mutex_unlock(&pool.lock);
    if (dirty && zero)
        memset(p, 0, MEMFS_PAGE);
    return p;
}

void page_free(void *page)
{
    if (!page)
        return;
    struct block *b = (struct block *)((uintptr_t)page &
                                       ~(uintptr_t)(BLOCK_SIZE - 1));
    int unmap = 0;
    pthread_mutex_lock(&pool.lock);
    memcpy(page, &b->given_back, sizeof b->given_back);
    b->given_back = page;
    if (--b->used == 0) {
        list_del(b);
        if (pool.reaper) {
            if (!pool.empty)
                pthread_cond_signal(&pool.wake);
            b->emptied = now_ns();
            list_add(b, ON_EMPTY);
        } else {
            unmap = 1;
        }
    } else if (b->on == ON_NONE) {
        list_add(b, ON_AVAIL);
    }
    pthread_mutex_unlock(&pool.lock);
    if (unmap)
        munmap(b, BLOCK_SIZE);
}
