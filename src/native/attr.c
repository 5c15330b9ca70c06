/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File info to the kernel's attribute, entry and statx structures: the
 * one place where fsp_file_info meets the wire.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "native/fs_int.h"

void nat_split_timeout(uint64_t ns, uint64_t *sec, uint32_t *nsec)
{
    *sec = ns / 1000000000u;
    *nsec = (uint32_t)(ns % 1000000000u);
}

void nat_fill_attr(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                   struct wire_attr *a)
{
    a->ino = fi->index;
    a->size = fi->size;
    a->blocks = (fi->alloc_size + 511) / 512;
    a->atime = (uint64_t)fi->access_time.tv_sec;
    a->atimensec = (uint32_t)fi->access_time.tv_nsec;
    a->mtime = (uint64_t)fi->write_time.tv_sec;
    a->mtimensec = (uint32_t)fi->write_time.tv_nsec;
    a->ctime = (uint64_t)fi->change_time.tv_sec;
    a->ctimensec = (uint32_t)fi->change_time.tv_nsec;
    a->mode = fi->mode;
    a->nlink = fi->nlink;
    a->uid = fi->uid;
    a->gid = fi->gid;
    a->rdev = fi->rdev;
    a->blksize = fs->vp.sector_size;
    a->flags = 0;
}

void nat_fill_entry(const struct fsp_fs *fs, const struct nat_node *node,
                    const struct fsp_file_info *fi, struct wire_entry_out *e)
{
    e->nodeid = node->nodeid;
    /* Counted node ids are never reused, so one generation serves them
     * all; on an export volume the id is the file index, which the file
     * system may reuse, and its generation tells the files apart. */
    e->generation = fs->nodes.ids_are_indexes ? fi->generation : 1;
    nat_split_timeout(fs->entry_timeout_ns, &e->entry_valid,
                      &e->entry_valid_nsec);
    nat_split_timeout(fs->attr_timeout_ns, &e->attr_valid,
                      &e->attr_valid_nsec);
    nat_fill_attr(fs, fi, &e->attr);
}

static void sx_time(struct wire_sx_time *t, const struct timespec *ts)
{
    t->tv_sec = ts->tv_sec;
    t->tv_nsec = (uint32_t)ts->tv_nsec;
}

void nat_fill_statx(const struct fsp_fs *fs, const struct fsp_file_info *fi,
                    struct wire_statx *sx)
{
    sx->mask = STATX_BASIC_STATS | STATX_BTIME;
    sx->blksize = fs->vp.sector_size;
    sx->nlink = fi->nlink;
    sx->uid = fi->uid;
    sx->gid = fi->gid;
    sx->mode = (uint16_t)fi->mode;
    sx->ino = fi->index;
    sx->size = fi->size;
    sx->blocks = (fi->alloc_size + 511) / 512;
    sx_time(&sx->atime, &fi->access_time);
    sx_time(&sx->btime, &fi->creation_time);
    sx_time(&sx->ctime, &fi->change_time);
    sx_time(&sx->mtime, &fi->write_time);
    sx->rdev_major = major(fi->rdev);
    sx->rdev_minor = minor(fi->rdev);
}
