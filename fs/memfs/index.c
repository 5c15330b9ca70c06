/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memfs's index table: file index -> node, for export (lookup_index).
 *
 * Index i is slot i - 1.  A freed node's slot goes on a free list and is
 * reused by the next new file, with the slot's generation counted up, so
 * an old file handle (index, generation) never reaches the new file.
 * A generation is a keyed hash of the index and how often its slot was
 * used, with a random key per memfs instance: memfs keeps nothing across
 * a restart, so a handle from before one must be stale although the new
 * instance hands out the same indexes again; and since every file's
 * generation differs from its neighbours', a handle whose index was
 * corrupted (one bit flipped, say) finds another file with the wrong
 * generation, which the kernel refuses (ESTALE), rather than opening it.
 *
 * Who touches what: a slot names its node only while the node has names
 * (publish/hide run where names go 1 <-> 0, under fsp's exclusive
 * guard), so lookup_index, under the shared guard, only ever sees nodes
 * that cannot be freed before it returns.  Slot allocation happens in
 * create (exclusive guard); freeing a slot at the node's end may happen
 * on any thread; all of it is under memfs.lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "memfs.h"

#define NO_SLOT UINT32_MAX

void index_init(struct memfs *m)
{
    uint64_t key;
    if (getrandom(&key, sizeof key, GRND_NONBLOCK) != sizeof key) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        key = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
    m->gen_key = key;
    m->free_slot = NO_SLOT;
}

/* The generation of the `use`th file with this index (splitmix64's
 * finalizer over key, index and use). */
static uint32_t generation(uint64_t key, uint64_t index, uint32_t use)
{
    uint64_t x = key ^ (index * 0x9e3779b97f4a7c15ULL) ^
                 ((uint64_t)use << 32 | use);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return (uint32_t)x;
}

void index_destroy(struct memfs *m)
{
    free(m->slots);
    m->slots = NULL;
}

int index_alloc(struct memfs *m, struct node *n)
{
    int err = 0;
    pthread_mutex_lock(&m->lock);
    uint32_t s = m->free_slot;
    if (s != NO_SLOT) {
        m->free_slot = m->slots[s].next_free;
    } else if (m->nslots == NO_SLOT) {
        err = -ENOSPC; /* 2^32 - 1 files at once */
    } else {
        if (m->nslots == m->slots_cap) {
            size_t cap = m->slots_cap ? m->slots_cap * 2 : 1024;
            struct memfs_slot *p = realloc(m->slots, cap * sizeof *p);
            if (!p)
                err = -ENOMEM;
            else {
                m->slots = p;
                m->slots_cap = cap;
            }
        }
        if (!err) {
            s = (uint32_t)m->nslots++;
            m->slots[s].gen = 0;
        }
    }
    if (!err) {
        m->slots[s].node = NULL;
        m->slots[s].next_free = NO_SLOT;
        n->info.index = (uint64_t)s + 1;
        n->info.generation = generation(m->gen_key, n->info.index,
                                        m->slots[s].gen);
    }
    pthread_mutex_unlock(&m->lock);
    return err;
}

void index_free(struct memfs *m, struct node *n)
{
    uint32_t s = (uint32_t)(n->info.index - 1);
    pthread_mutex_lock(&m->lock);
    m->slots[s].node = NULL;
    m->slots[s].gen++;  /* the next file here is another file */
    m->slots[s].next_free = m->free_slot;
    m->free_slot = s;
    pthread_mutex_unlock(&m->lock);
}

static void set_slot(struct memfs *m, struct node *n, struct node *value)
{
    pthread_mutex_lock(&m->lock);
    m->slots[n->info.index - 1].node = value;
    pthread_mutex_unlock(&m->lock);
}

void index_publish(struct memfs *m, struct node *n) { set_slot(m, n, n); }
void index_hide(struct memfs *m, struct node *n) { set_slot(m, n, NULL); }

struct node *index_find(struct memfs *m, uint64_t index)
{
    struct node *n = NULL;
    pthread_mutex_lock(&m->lock);
    if (index >= 1 && index - 1 < m->nslots)
        n = m->slots[index - 1].node;
    pthread_mutex_unlock(&m->lock);
    return n;
}
