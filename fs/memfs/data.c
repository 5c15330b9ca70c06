/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File data in pages.  A regular file's bytes live in MEMFS_PAGE-sized
 * pages, allocated on first write and kept in an array sorted by page
 * number.  A page that was never written is a hole: it costs nothing and
 * reads as zeros, so sparse files, SEEK_HOLE and st_blocks are real.
 *
 * The page size is tmpfs's (4 KiB), so allocation, st_blocks and the
 * offsets SEEK_DATA/SEEK_HOLE report are the same on both.  The volume
 * counts allocated pages against -s, as tmpfs does.
 *
 * Everything here runs under the node's lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memfs.h"

/* The index of page `no` in n->pages, or where it would go. */
static size_t page_find(const struct node *n, uint64_t no, int *found)
{
    size_t lo = 0, hi = n->npages;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->pages[mid].no == no) {
            *found = 1;
            return mid;
        }
        if (n->pages[mid].no < no)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct page *page_get(const struct node *n, uint64_t no)
{
    int found;
    size_t i = page_find(n, no, &found);
    return found ? &n->pages[i] : NULL;
}

/* A new page `no` (space already reserved), zeroed unless the caller
 * overwrites every byte of it (`zero` 0); NULL: no memory. */
static struct page *page_add(struct node *n, uint64_t no, int unwritten,
                             int zero)
{
    int found;
    size_t i = page_find(n, no, &found);
    if (n->npages == n->pages_cap) {
        size_t cap = n->pages_cap ? n->pages_cap * 2 : 4;
        struct page *p = realloc(n->pages, cap * sizeof *p);
        if (!p)
            return NULL;
        n->pages = p;
        n->pages_cap = cap;
    }
    char *bytes = page_alloc(zero);
    if (!bytes)
        return NULL;
    memmove(&n->pages[i + 1], &n->pages[i], (n->npages - i) * sizeof *n->pages);
    n->pages[i] = (struct page){ no, bytes, unwritten };
    n->npages++;
    return &n->pages[i];
}

/* Free the pages with index [from, to) of the array. */
static void pages_drop(struct memfs *m, struct node *n, size_t from, size_t to)
{
    if (from == to)
        return;  /* n->pages may be NULL: no memmove then */
    for (size_t i = from; i < to; i++)
        page_free(n->pages[i].bytes);
    memmove(&n->pages[from], &n->pages[to], (n->npages - to) * sizeof *n->pages);
    n->npages -= to - from;
    if (n->npages == 0) {
        free(n->pages);
        n->pages = NULL;
        n->pages_cap = 0;
    }
    memfs_release(m, 0, (uint64_t)(to - from) * MEMFS_PAGE);
}

/* Pages missing in the byte range [off, off + len). */
static uint64_t pages_missing(const struct node *n, uint64_t off, uint64_t len)
{
    uint64_t first = off / MEMFS_PAGE, last = (off + len - 1) / MEMFS_PAGE;
    int found;
    size_t i = page_find(n, first, &found);
    uint64_t present = 0;
    while (i < n->npages && n->pages[i].no <= last) {
        present++;
        i++;
    }
    return last - first + 1 - present;
}

void data_read(const struct node *n, void *buf, uint64_t off, size_t len)
{
    char *out = buf;
    while (len > 0) {
        uint64_t in = off % MEMFS_PAGE;
        size_t chunk = MEMFS_PAGE - in < len ? MEMFS_PAGE - in : len;
        const struct page *p = page_get(n, off / MEMFS_PAGE);
        if (p)
            memcpy(out, p->bytes + in, chunk);
        else
            memset(out, 0, chunk);
        out += chunk;
        off += chunk;
        len -= chunk;
    }
}

/* Pages a write made but has not filled yet: gone again if it fails. */
#define PAGE_NEW (-1)

/* Remove the pages of [first, upto) marked PAGE_NEW; accounting is the
 * caller's. */
static void pages_unmake(struct node *n, uint64_t first, uint64_t upto)
{
    int found;
    size_t i = page_find(n, first, &found);
    while (i < n->npages && n->pages[i].no < upto) {
        if (n->pages[i].unwritten != PAGE_NEW) {
            i++;
            continue;
        }
        page_free(n->pages[i].bytes);
        memmove(&n->pages[i], &n->pages[i + 1],
                (n->npages - i - 1) * sizeof *n->pages);
        n->npages--;
    }
}

int data_write(struct memfs *m, struct node *n, const void *buf, uint64_t off,
               size_t len, size_t *done)
{
    const char *src = buf;
    *done = 0;
    if (len == 0)
        return 0;
    /* Reserve what fits at once; a write that does not fit is short,
     * ending where the space ran out. */
    uint64_t got = memfs_reserve_bytes(m, pages_missing(n, off, len) *
                                              MEMFS_PAGE, 1);
    uint64_t spare = got / MEMFS_PAGE;
    memfs_release(m, 0, got - spare * MEMFS_PAGE);
    /* Make every page first and copy after: running out of memory then
     * leaves the file as it was (ENOMEM), never half overwritten. */
    uint64_t first = off / MEMFS_PAGE, last = (off + len - 1) / MEMFS_PAGE;
    uint64_t no, made = 0;
    for (no = first; no <= last; no++) {
        if (page_get(n, no))
            continue;
        if (made == spare)
            break;  /* the space ends here: so does the write */
        /* Only a page the write covers whole may start as anything:
         * one it covers in part keeps zeros around the new bytes. */
        int whole = no * MEMFS_PAGE >= off &&
                    (no + 1) * MEMFS_PAGE <= off + len;
        struct page *p = page_add(n, no, 0, !whole);
        if (!p) {
            pages_unmake(n, first, no);
            memfs_release(m, 0, spare * MEMFS_PAGE);
            return -ENOMEM;
        }
        p->unwritten = PAGE_NEW;
        made++;
    }
    uint64_t end = no > last ? off + len : no * MEMFS_PAGE;
    while (off < end) {
        uint64_t in = off % MEMFS_PAGE;
        size_t chunk = MEMFS_PAGE - in < end - off ? MEMFS_PAGE - in
                                                   : (size_t)(end - off);
        struct page *p = page_get(n, off / MEMFS_PAGE);
        memcpy(p->bytes + in, src, chunk);
        p->unwritten = 0;
        src += chunk;
        off += chunk;
        *done += chunk;
    }
    memfs_release(m, 0, (spare - made) * MEMFS_PAGE);
    return *done ? 0 : -ENOSPC;
}

void data_truncate(struct memfs *m, struct node *n, uint64_t size)
{
    int found;
    uint64_t keep = size / MEMFS_PAGE + (size % MEMFS_PAGE != 0);
    pages_drop(m, n, page_find(n, keep, &found), n->npages);
    /* The tail of the last page must read as zeros if the file grows. */
    struct page *p = size % MEMFS_PAGE ? page_get(n, size / MEMFS_PAGE) : NULL;
    if (p)
        memset(p->bytes + size % MEMFS_PAGE, 0, MEMFS_PAGE - size % MEMFS_PAGE);
}

void data_punch(struct memfs *m, struct node *n, uint64_t off, uint64_t len)
{
    uint64_t end = off + len;
    /* Whole pages inside the range go; the partial ones at the edges are
     * zeroed in place. */
    uint64_t first = off / MEMFS_PAGE + (off % MEMFS_PAGE != 0);
    uint64_t last = end / MEMFS_PAGE;  /* exclusive */
    if (first < last) {
        int found;
        size_t from = page_find(n, first, &found);
        size_t to = page_find(n, last, &found);
        pages_drop(m, n, from, to);
    }
    /* What is left in the range: at most the two edge pages. */
    int found;
    for (size_t i = page_find(n, off / MEMFS_PAGE, &found);
         i < n->npages && n->pages[i].no <= (end - 1) / MEMFS_PAGE; i++) {
        uint64_t start = n->pages[i].no * MEMFS_PAGE;
        uint64_t a = start > off ? start : off;
        uint64_t b = start + MEMFS_PAGE < end ? start + MEMFS_PAGE : end;
        memset(n->pages[i].bytes + (a - start), 0, b - a);
    }
}

int data_allocate(struct memfs *m, struct node *n, uint64_t off, uint64_t len)
{
    /* All or nothing: the space is reserved before any page exists. */
    uint64_t missing = pages_missing(n, off, len);
    if (missing && !memfs_reserve_bytes(m, missing * MEMFS_PAGE, 0))
        return -ENOSPC;
    uint64_t last = (off + len - 1) / MEMFS_PAGE;
    for (uint64_t no = off / MEMFS_PAGE; missing > 0 && no <= last; no++) {
        if (page_get(n, no))
            continue;
        if (!page_add(n, no, 1, 1)) {
            memfs_release(m, 0, missing * MEMFS_PAGE);
            return -ENOMEM;  /* the pages made so far are zeros: harmless */
        }
        missing--;
    }
    return 0;
}

/* Allocated but never written pages count as holes for SEEK_DATA, as
 * on tmpfs (they are not up to date there until written). */
static int is_data(const struct page *p)
{
    return p && !p->unwritten;
}

int data_seek(const struct node *n, uint64_t off, int whence, uint64_t *out)
{
    uint64_t size = n->info.size;
    if (off >= size)
        return -ENXIO;
    int found;
    size_t i = page_find(n, off / MEMFS_PAGE, &found);
    if (whence == FSP_SEEK_DATA) {
        while (i < n->npages && !is_data(&n->pages[i]))
            i++;
        if (i == n->npages || n->pages[i].no * MEMFS_PAGE >= size)
            return -ENXIO;
        uint64_t start = n->pages[i].no * MEMFS_PAGE;
        *out = start > off ? start : off;
        return 0;
    }
    uint64_t no = off / MEMFS_PAGE;
    while (i < n->npages && n->pages[i].no == no && is_data(&n->pages[i])) {
        i++;
        no++;
    }
    uint64_t hole = no * MEMFS_PAGE > off ? no * MEMFS_PAGE : off;
    *out = hole < size ? hole : size;  /* the end of file is a hole too */
    return 0;
}

uint64_t data_allocated(const struct node *n)
{
    return (uint64_t)n->npages * MEMFS_PAGE;
}

void data_free(struct node *n)
{
    for (size_t i = 0; i < n->npages; i++)
        page_free(n->pages[i].bytes);
    free(n->pages);
    n->pages = NULL;
    n->npages = n->pages_cap = 0;
}
