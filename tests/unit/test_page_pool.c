/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs's page pool (fs/memfs/page_pool.c), without a mount: pages are
 * distinct and aligned, a page asked for zeroed is zero even when it was
 * used before, blocks fill and refill across frees, and memory a process
 * gives back leaves its resident set once the retention time is over. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "../../fs/memfs/memfs.h"

CHECK_DEFINE_GLOBALS;

/* More than one 2 MiB block's worth. */
#define NPAGES 2000

static char *pages[NPAGES];

static long resident_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int all_bytes(const char *p, int c)
{
    for (size_t i = 0; i < MEMFS_PAGE; i++)
        if (p[i] != (char)c)
            return 0;
    return 1;
}

static void distinct_aligned_zero(void)
{
    for (int i = 0; i < NPAGES; i++) {
        pages[i] = page_alloc(1);
        REQUIRE(pages[i] != NULL);
        CHECK((uintptr_t)pages[i] % MEMFS_PAGE == 0);
        CHECK(all_bytes(pages[i], 0));
        memset(pages[i], 0xA5, MEMFS_PAGE);
    }
    /* Each page still holds its own pattern: no two overlap. */
    for (int i = 0; i < NPAGES; i++) {
        pages[i][0] = (char)i;
        pages[i][MEMFS_PAGE - 1] = (char)(i >> 8);
    }
    for (int i = 0; i < NPAGES; i++)
        CHECK(pages[i][0] == (char)i &&
              pages[i][MEMFS_PAGE - 1] == (char)(i >> 8));
}

/* Every other page back, then asked for again, zeroed and not: reused
 * pages come back cleared when asked, and whole blocks' worth refill. */
static void reuse(void)
{
    for (int i = 0; i < NPAGES; i += 2) {
        memset(pages[i], 0x5A, MEMFS_PAGE);
        page_free(pages[i]);
        pages[i] = NULL;
    }
    for (int i = 0; i < NPAGES; i += 2) {
        pages[i] = page_alloc(i % 4 == 0);
        REQUIRE(pages[i] != NULL);
        if (i % 4 == 0)
            CHECK(all_bytes(pages[i], 0));
        memset(pages[i], 0xC3, MEMFS_PAGE);
    }
    /* The pages kept meanwhile were not touched. */
    for (int i = 1; i < NPAGES; i += 2)
        CHECK(pages[i][1] == (char)0xA5);
    page_free(NULL);  /* allowed, does nothing */
}

/* Everything back: the blocks leave the resident set within a few
 * seconds (kept 2 s for reuse, then unmapped by the reaper). */
static void memory_returned(void)
{
    long full = resident_kib();
    for (int i = 0; i < NPAGES; i++) {
        page_free(pages[i]);
        pages[i] = NULL;
    }
    long after = full;
    for (int tries = 0; tries < 50; tries++) {
        after = resident_kib();
        if (full - after >= NPAGES * (long)(MEMFS_PAGE / 1024) * 3 / 4)
            break;
        usleep(100000);
    }
    if (full - after < NPAGES * (long)(MEMFS_PAGE / 1024) * 3 / 4)
        printf("  resident %ld KiB with the pages, %ld KiB 5 s after freeing them\n",
               full, after);
    CHECK(full - after >= NPAGES * (long)(MEMFS_PAGE / 1024) * 3 / 4);
    /* And the pool still hands out pages afterwards. */
    char *p = page_alloc(1);
    CHECK(p != NULL && all_bytes(p, 0));
    page_free(p);
}

#define T(fn) do { RUN(fn); failures += check_failed; } while (0)

int main(void)
{
    int failures = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    T(distinct_aligned_zero);
    T(reuse);
    T(memory_returned);
    return failures ? 1 : 0;
}
