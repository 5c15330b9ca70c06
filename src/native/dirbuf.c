/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Directory buffers: the file system adds its entries once, fsp keeps
 * them as a snapshot per open directory and pages them to the kernel.
 * Entry i's cookie (the offset telldir() returns) is i + 1 within the
 * snapshot, so a cookie stays valid however the directory changes until
 * the listing is rewound, which is what POSIX asks of telldir/seekdir.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "native/fs_int.h"

struct fsp_dir_buffer {
    struct nat_dir_entry *entries;
    size_t count, cap;
    int error;
};

struct fsp_dir_buffer *nat_dir_buffer_new(void)
{
    return calloc(1, sizeof(struct fsp_dir_buffer));
}

void nat_dir_buffer_free(struct fsp_dir_buffer *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->count; i++)
        free((char *)db->entries[i].name);
    free(db->entries);
    free(db);
}

int fsp_dir_buffer_add(struct fsp_dir_buffer *db, const char *name,
                       const struct fsp_file_info *fi)
{
    if (db->count == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 64;
        struct nat_dir_entry *e = realloc(db->entries, cap * sizeof *e);
        if (!e) {
            db->error = -ENOMEM;
            return 0;
        }
        db->entries = e;
        db->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        db->error = -ENOMEM;
        return 0;
    }
    db->entries[db->count++] = (struct nat_dir_entry){
        .name = copy, .index = fi->index, .mode = fi->mode };
    return 1;
}

size_t nat_dir_buffer_count(const struct fsp_dir_buffer *db)
{
    return db->count;
}

const struct nat_dir_entry *nat_dir_buffer_entry(const struct fsp_dir_buffer *db,
                                                 size_t i)
{
    return i < db->count ? &db->entries[i] : NULL;
}

int nat_dir_buffer_error(const struct fsp_dir_buffer *db)
{
    return db->error;
}
