/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Extended attributes: a short unsorted array per node (files rarely
 * have more than a handful).  The caller holds the node's lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memfs.h"

struct ea *ea_find(struct node *n, const char *name)
{
    for (size_t i = 0; i < n->neas; i++)
        if (strcmp(n->eas[i].name, name) == 0)
            return &n->eas[i];
    return NULL;
}

int ea_set(struct node *n, const char *name, const void *value, size_t size,
           int flags)
{
    struct ea *e = ea_find(n, name);
    if (e && (flags & FSP_EA_CREATE))
        return -EEXIST;
    if (!e && (flags & FSP_EA_REPLACE))
        return -ENODATA;

    void *copy = malloc(size ? size : 1);  /* empty values are allowed */
    if (!copy)
        return -ENOMEM;
    if (size)
        memcpy(copy, value, size);
    if (!e) {
        struct ea *eas = realloc(n->eas, (n->neas + 1) * sizeof *eas);
        char *ename = strdup(name);
        if (eas)
            n->eas = eas;
        if (!eas || !ename) {
            free(ename);
            free(copy);
            return -ENOMEM;
        }
        e = &n->eas[n->neas++];
        e->name = ename;
        e->value = NULL;
    }
    free(e->value);
    e->value = copy;
    e->size = size;
    return 0;
}

int ea_remove(struct node *n, const char *name)
{
    struct ea *e = ea_find(n, name);
    if (!e)
        return -ENODATA;
    free(e->name);
    free(e->value);
    *e = n->eas[--n->neas];  /* order does not matter */
    return 0;
}

void ea_free_all(struct node *n)
{
    for (size_t i = 0; i < n->neas; i++) {
        free(n->eas[i].name);
        free(n->eas[i].value);
    }
    free(n->eas);
    n->eas = NULL;
    n->neas = 0;
}
