/* Directories: entries sorted by the volume's name order, so a lookup is
 * a binary search and a listing resumes after its marker in O(log n). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memfs.h"

/* The index of `name`, or where it would go; *found says which. */
size_t dir_find(const struct memfs *m, const struct node *dir,
                const char *name, int *found)
{
    size_t lo = 0, hi = dir->nents;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = m->cmp(dir->ents[mid].name, name);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int dir_insert(struct node *dir, size_t i, const char *name,
               struct node *child)
{
    if (dir->nents == dir->ents_cap) {
        size_t cap = dir->ents_cap ? dir->ents_cap * 2 : 8;
        struct entry *e = realloc(dir->ents, cap * sizeof *e);
        if (!e)
            return -ENOMEM;
        dir->ents = e;
        dir->ents_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -ENOMEM;
    memmove(&dir->ents[i + 1], &dir->ents[i],
            (dir->nents - i) * sizeof dir->ents[0]);
    dir->ents[i] = (struct entry){ copy, child };
    dir->nents++;
    return 0;
}

void dir_remove(struct node *dir, size_t i)
{
    free(dir->ents[i].name);
    dir->nents--;
    memmove(&dir->ents[i], &dir->ents[i + 1],
            (dir->nents - i) * sizeof dir->ents[0]);
    if (dir->nents == 0) {  /* rm -r of a big tree should free memory */
        free(dir->ents);
        dir->ents = NULL;
        dir->ents_cap = 0;
    }
}

/* A name in `dir` appeared or went: adjust the subdirectory count that
 * nlink reports, and the directory's times. */
void dir_changed(struct node *dir, int subdirs)
{
    pthread_mutex_lock(&dir->lock);
    dir->subdirs += subdirs;
    dir->info.write_time = dir->info.change_time = memfs_now();
    pthread_mutex_unlock(&dir->lock);
}
