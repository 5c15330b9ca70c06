/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memfs's directory trees (fs/memfs/dir.c), without a mount: random
 * inserts, removes and replaces checked against a sorted array after
 * every step, with the AVL shape checked as well, listings resumed from
 * markers present and absent, and case-insensitive spellings. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../check.h"
#include "../../fs/memfs/memfs.h"
#include "fsp/names.h"

CHECK_DEFINE_GLOBALS;

/* dir_changed, which these tests do not call, wants it. */
struct timespec memfs_now(void)
{
    return (struct timespec){ 0 };
}

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* The model: what the directory should hold, sorted by m->cmp. */
struct model {
    char **names;
    struct node **nodes;
    size_t n;
};

static size_t model_find(const struct memfs *m, const struct model *md,
                         const char *name, int *found)
{
    size_t lo = 0, hi = md->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = m->cmp(md->names[mid], name);
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

static void model_insert(struct model *md, size_t i, const char *name,
                         struct node *node)
{
    md->names = realloc(md->names, (md->n + 1) * sizeof *md->names);
    md->nodes = realloc(md->nodes, (md->n + 1) * sizeof *md->nodes);
    memmove(md->names + i + 1, md->names + i, (md->n - i) * sizeof *md->names);
    memmove(md->nodes + i + 1, md->nodes + i, (md->n - i) * sizeof *md->nodes);
    md->names[i] = strdup(name);
    md->nodes[i] = node;
    md->n++;
}

static void model_remove(struct model *md, size_t i)
{
    free(md->names[i]);
    md->n--;
    memmove(md->names + i, md->names + i + 1, (md->n - i) * sizeof *md->names);
    memmove(md->nodes + i, md->nodes + i + 1, (md->n - i) * sizeof *md->nodes);
}

static void model_free(struct model *md)
{
    for (size_t i = 0; i < md->n; i++)
        free(md->names[i]);
    free(md->names);
    free(md->nodes);
    memset(md, 0, sizeof *md);
}

/* The subtree's height, or -1 if its order, balance bytes or AVL shape
 * are wrong; counts its entries into *count. */
static int shape(const struct memfs *m, const struct entry *e,
                 const char *lo, const char *hi, size_t *count)
{
    if (!e)
        return 0;
    if ((lo && m->cmp(lo, e->name) >= 0) || (hi && m->cmp(e->name, hi) >= 0))
        return -1;
    int l = shape(m, e->child[0], lo, e->name, count);
    int r = shape(m, e->child[1], e->name, hi, count);
    if (l < 0 || r < 0 || r - l != e->balance || abs(r - l) > 1)
        return -1;
    ++*count;
    return 1 + (l > r ? l : r);
}

/* The tree has the model's entries, in order, in a valid AVL shape. */
static int agrees(const struct memfs *m, const struct node *dir,
                  const struct model *md)
{
    size_t count = 0;
    if (shape(m, dir->ents, NULL, NULL, &count) < 0) {
        printf("  the tree is not a valid AVL tree\n");
        return 0;
    }
    if (count != md->n || dir->nents != md->n) {
        printf("  %zu entries, nents %zu, expected %zu\n", count, dir->nents,
               md->n);
        return 0;
    }
    struct dir_iter it;
    const struct entry *e;
    size_t i = 0;
    dir_iter_start(m, dir, NULL, &it);
    while ((e = dir_iter_next(&it))) {
        if (i >= md->n || strcmp(e->name, md->names[i]) != 0 ||
            e->node != md->nodes[i]) {
            printf("  listing entry %zu is '%s', expected '%s'\n", i, e->name,
                   i < md->n ? md->names[i] : "(end)");
            return 0;
        }
        i++;
    }
    return i == md->n;
}

/* Listing after `after` gives exactly the model's entries past it. */
static int resumes(const struct memfs *m, const struct node *dir,
                   const struct model *md, const char *after)
{
    int found;
    size_t i = model_find(m, md, after, &found) + found;
    struct dir_iter it;
    const struct entry *e;
    dir_iter_start(m, dir, after, &it);
    while ((e = dir_iter_next(&it))) {
        if (i >= md->n || strcmp(e->name, md->names[i]) != 0) {
            printf("  after '%s': '%s', expected '%s'\n", after, e->name,
                   i < md->n ? md->names[i] : "(end)");
            return 0;
        }
        i++;
    }
    if (i != md->n)
        printf("  after '%s': stopped %zu entries early\n", after, md->n - i);
    return i == md->n;
}

static struct node nodes[64];
static struct node dir;

static void drop_none(struct node *n)
{
    (void)n;
}

static void random_name(char *buf, size_t size, unsigned range)
{
    /* Short names so that the same ones come back often; some case
     * variants so that -i volumes see collisions. */
    unsigned v = rnd(range);
    snprintf(buf, size, "%c%u", "aAbB"[rnd(4)], v);
}

/* One random insert, remove or replace, applied to both. */
static int random_step(const struct memfs *m, struct model *md,
                       unsigned range)
{
    char name[32];
    int found;
    random_name(name, sizeof name, range);
    size_t i = model_find(m, md, name, &found);
    struct node *node = &nodes[rnd(64)];
    struct entry *e = dir_find(m, &dir, name);
    if ((e != NULL) != found) {
        printf("  dir_find('%s') disagrees\n", name);
        return 0;
    }
    switch (rnd(3)) {
    case 0:
        if (dir_insert(m, &dir, name, node) != (found ? -EEXIST : 0)) {
            printf("  dir_insert('%s') returned the wrong result\n", name);
            return 0;
        }
        if (!found)
            model_insert(md, i, name, node);
        break;
    case 1:
        dir_remove(m, &dir, name);
        if (found)
            model_remove(md, i);
        break;
    default:
        if (dir_replace(m, &dir, name, node) != (found ? 0 : -ENOENT)) {
            printf("  dir_replace('%s') returned the wrong result\n", name);
            return 0;
        }
        if (found) {
            free(md->names[i]);
            md->names[i] = strdup(name);
            md->nodes[i] = node;
        }
    }
    return 1;
}

static void run_random(const struct memfs *m, unsigned steps, unsigned range)
{
    struct model md = { 0 };
    for (unsigned s = 0; s < steps; s++) {
        if (!random_step(m, &md, range) ||
            ((s % 64 == 0 || s + 1 == steps) && !agrees(m, &dir, &md))) {
            printf("  wrong after step %u\n", s);
            check_failed = 1;
            break;
        }
    }
    CHECK(md.n > 100);  /* the mix kept a sizable tree */
    for (unsigned k = 0; k < 200 && !check_failed; k++) {
        char after[32];
        random_name(after, sizeof after, range);
        CHECK(resumes(m, &dir, &md, after));
    }
    CHECK(resumes(m, &dir, &md, ""));
    CHECK(resumes(m, &dir, &md, "\xff"));
    dir_free(&dir, drop_none);
    CHECK(dir.ents == NULL && dir.nents == 0);
    model_free(&md);
}

static void random_case_sensitive(void)
{
    struct memfs m = { .cmp = strcmp };
    run_random(&m, 60000, 3000);
}

static void random_case_insensitive(void)
{
    struct memfs m = { .cmp = fsp_name_compare_nocase };
    run_random(&m, 60000, 3000);
}

static size_t drops;
static struct node *last_drop;

static void count_drop(struct node *n)
{
    drops++;
    last_drop = n;
}

/* Ascending inserts and removes are the classic worst case for a tree
 * that does not balance; the height must stay within the AVL bound. */
static void sequential(void)
{
    struct memfs m = { .cmp = strcmp };
    enum { N = 100000 };
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "f%07d", i);
        REQUIRE(dir_insert(&m, &dir, name, &nodes[i % 64]) == 0);
    }
    size_t count = 0;
    int h = shape(&m, dir.ents, NULL, NULL, &count);
    CHECK_EQ(count, N);
    CHECK(h > 0 && h <= 25);  /* 1.44 log2(N + 2) */
    struct dir_iter it;
    dir_iter_start(&m, &dir, "f0049999x", &it);
    const struct entry *e = dir_iter_next(&it);
    CHECK(e && strcmp(e->name, "f0050000") == 0);
    /* remove every even one from the front, then check what is left */
    for (int i = 0; i < N; i += 2) {
        snprintf(name, sizeof name, "f%07d", i);
        dir_remove(&m, &dir, name);
    }
    count = 0;
    CHECK(shape(&m, dir.ents, NULL, NULL, &count) > 0);
    CHECK_EQ(count, N / 2);
    CHECK_EQ(dir.nents, N / 2);
    CHECK(dir_find(&m, &dir, "f0000002") == NULL);
    e = dir_find(&m, &dir, "f0000003");
    CHECK(e && e->node == &nodes[3]);
    /* the walk from a removed marker resumes with the next survivor */
    dir_iter_start(&m, &dir, "f0000004", &it);
    e = dir_iter_next(&it);
    CHECK(e && strcmp(e->name, "f0000005") == 0);
    drops = 0;
    dir_free(&dir, count_drop);
    CHECK_EQ(drops, N / 2);
    CHECK(last_drop == &nodes[(N - 1) % 64]);  /* in name order */
    CHECK(dir.ents == NULL && dir.nents == 0);
}

/* Case-only renames keep the entry's place and take the new spelling,
 * including one of another length (the Kelvin sign folds to "k"). */
static void case_insensitive_spellings(void)
{
    struct memfs m = { .cmp = fsp_name_compare_nocase };
    REQUIRE(dir_insert(&m, &dir, "Readme", &nodes[0]) == 0);
    REQUIRE(dir_insert(&m, &dir, "k", &nodes[1]) == 0);
    REQUIRE(dir_insert(&m, &dir, "zeta", &nodes[2]) == 0);
    CHECK_EQ(dir_insert(&m, &dir, "README", &nodes[3]), -EEXIST);
    struct entry *e = dir_find(&m, &dir, "readme");
    CHECK(e && strcmp(e->name, "Readme") == 0 && e->node == &nodes[0]);
    CHECK_EQ(dir_replace(&m, &dir, "README", &nodes[0]), 0);
    e = dir_find(&m, &dir, "readme");
    CHECK(e && strcmp(e->name, "README") == 0 && e->node == &nodes[0]);
    CHECK_EQ(dir_replace(&m, &dir, "\xE2\x84\xAA", &nodes[4]), 0);
    e = dir_find(&m, &dir, "K");
    CHECK(e && strcmp(e->name, "\xE2\x84\xAA") == 0 && e->node == &nodes[4]);
    CHECK_EQ(dir_replace(&m, &dir, "missing", &nodes[4]), -ENOENT);
    CHECK_EQ(dir.nents, 3);
    const char *want[] = { "\xE2\x84\xAA", "README", "zeta" };
    struct dir_iter it;
    dir_iter_start(&m, &dir, NULL, &it);
    for (int i = 0; i < 3; i++) {
        e = (struct entry *)dir_iter_next(&it);
        CHECK(e && strcmp(e->name, want[i]) == 0);
    }
    CHECK(dir_iter_next(&it) == NULL);
    /* a marker in another case resumes after the same name */
    dir_iter_start(&m, &dir, "readme", &it);
    e = (struct entry *)dir_iter_next(&it);
    CHECK(e && strcmp(e->name, "zeta") == 0);
    dir_remove(&m, &dir, "ZETA");
    CHECK(dir_find(&m, &dir, "zeta") == NULL);
    dir_free(&dir, drop_none);
}

/* Hard links: several entries, one node; each entry drops once. */
static void hard_links(void)
{
    struct memfs m = { .cmp = strcmp };
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "link%d", i);
        REQUIRE(dir_insert(&m, &dir, name, &nodes[7]) == 0);
    }
    dir_remove(&m, &dir, "link500");
    CHECK(dir_find(&m, &dir, "link501")->node == &nodes[7]);
    drops = 0;
    dir_free(&dir, count_drop);
    CHECK_EQ(drops, 999);
}

static void empty(void)
{
    struct memfs m = { .cmp = strcmp };
    struct dir_iter it;
    CHECK(dir_find(&m, &dir, "x") == NULL);
    dir_remove(&m, &dir, "x");
    dir_iter_start(&m, &dir, NULL, &it);
    CHECK(dir_iter_next(&it) == NULL);
    dir_iter_start(&m, &dir, "x", &it);
    CHECK(dir_iter_next(&it) == NULL);
    CHECK(dir_insert(&m, &dir, "x", &nodes[0]) == 0);
    dir_iter_start(&m, &dir, "x", &it);
    CHECK(dir_iter_next(&it) == NULL);
    dir_iter_start(&m, &dir, "w", &it);
    CHECK(dir_iter_next(&it) != NULL);
    dir_remove(&m, &dir, "x");
    CHECK(dir.ents == NULL && dir.nents == 0);
}

/* RUN, counting failures for the exit status. */
#define T(fn) do { RUN(fn); failures += check_failed; } while (0)

int main(void)
{
    int failures = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    dir.type = S_IFDIR;
    T(empty);
    T(random_case_sensitive);
    T(random_case_insensitive);
    T(sequential);
    T(case_insensitive_spellings);
    T(hard_links);
    return failures ? 1 : 0;
}
