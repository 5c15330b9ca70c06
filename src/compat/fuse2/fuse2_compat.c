/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse.so.2: fuse_main_real for programs built against the 2.5 and
 * 2.2 APIs (FUSE_USE_VERSION 25 and 22), which Debian still ships: afuse
 * calls fuse_main_real_compat25@FUSE_2.6, fuseiso
 * fuse_main_real_compat22@FUSE_2.5.
 *
 * Their operations tables have the 2.6 members in the 2.6 order, up to
 * destroy (2.2) or fgetattr (2.5); what differs is the types of a few:
 *   - both: init takes no fuse_conn_info;
 *   - 2.2: statfs fills a struct statfs, and every call with a
 *     fuse_file_info gets the 2.2 one (flags, an unsigned long fh,
 *     writepage, direct_io, keep_cache).
 * So the program's table is copied into a 2.6 one and those members are
 * replaced by adapters that call the program's own functions with the
 * types it was built for.  fuse_main_real_compat* runs one file system
 * per call and a program calls it once, so the program's functions are
 * kept in this file's statics (set before the mount, read-only after).
 *
 * Not done, and unneeded by these programs: libfuse's compat mounting
 * (fuse_mount_compat22) and the sync_read default it gave 2.5 file
 * systems (reads may be asynchronous here).
 */
#include "compat/fuse2/fuse2.h"

#include <stddef.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

/* 2.2's fuse_file_info: the prefix of 2.6's, with fh where 2.6 has
 * fh_old. */
struct fuse_file_info_compat22 {
    int flags;
    unsigned long fh;
    int writepage;
    unsigned int direct_io : 1;
    unsigned int keep_cache : 1;
};

typedef struct fuse_file_info_compat22 fi22;

/* The program's functions whose types differ from 2.6's. */
static struct {
    void *(*init)(void);
    int (*statfs)(const char *, struct statfs *);
    int (*open)(const char *, fi22 *);
    int (*read)(const char *, char *, size_t, off_t, fi22 *);
    int (*write)(const char *, const char *, size_t, off_t, fi22 *);
    int (*flush)(const char *, fi22 *);
    int (*release)(const char *, fi22 *);
    int (*fsync)(const char *, int, fi22 *);
    int (*opendir)(const char *, fi22 *);
    int (*readdir)(const char *, void *, fuse_fill_dir_t, off_t, fi22 *);
    int (*releasedir)(const char *, fi22 *);
    int (*fsyncdir)(const char *, int, fi22 *);
} old;

static void *init_void(struct fuse_conn_info *conn)
{
    (void)conn;
    return old.init();
}

static void to22(fi22 *o, const struct fuse_file_info *fi)
{
    memset(o, 0, sizeof *o);
    o->flags = fi->flags;
    o->fh = (unsigned long)fi->fh;
    o->writepage = fi->writepage;
    o->direct_io = fi->direct_io;
    o->keep_cache = fi->keep_cache;
}

/* What open/opendir may have set. */
static void from22(struct fuse_file_info *fi, const fi22 *o)
{
    fi->fh = o->fh;
    fi->direct_io = o->direct_io;
    fi->keep_cache = o->keep_cache;
}

static int statfs22(const char *path, struct statvfs *st)
{
    struct statfs o;
    memset(&o, 0, sizeof o);
    int r = old.statfs(path, &o);
    if (r == 0) {
        memset(st, 0, sizeof *st);
        st->f_bsize = (unsigned long)o.f_bsize;
        st->f_frsize = (unsigned long)o.f_bsize;
        st->f_blocks = o.f_blocks;
        st->f_bfree = o.f_bfree;
        st->f_bavail = o.f_bavail;
        st->f_files = o.f_files;
        st->f_ffree = o.f_ffree;
        st->f_favail = o.f_ffree;
        st->f_namemax = (unsigned long)o.f_namelen;
    }
    return r;
}

static int open22(const char *path, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    int r = old.open(path, &o);
    from22(fi, &o);
    return r;
}

static int opendir22(const char *path, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    int r = old.opendir(path, &o);
    from22(fi, &o);
    return r;
}

static int read22(const char *path, char *buf, size_t size, off_t off,
                  struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.read(path, buf, size, off, &o);
}

static int write22(const char *path, const char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.write(path, buf, size, off, &o);
}

static int flush22(const char *path, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.flush(path, &o);
}

static int release22(const char *path, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.release(path, &o);
}

static int fsync22(const char *path, int datasync, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.fsync(path, datasync, &o);
}

static int readdir22(const char *path, void *buf, fuse_fill_dir_t fill,
                     off_t off, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.readdir(path, buf, fill, off, &o);
}

static int releasedir22(const char *path, struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.releasedir(path, &o);
}

static int fsyncdir22(const char *path, int datasync,
                      struct fuse_file_info *fi)
{
    fi22 o;
    to22(&o, fi);
    return old.fsyncdir(path, datasync, &o);
}

/* The program's table (op_size bytes, at most `most`) as a 2.6 one, init
 * adapted. */
static void copy_ops(struct fuse_operations *op, const void *prog,
                     size_t op_size, size_t most)
{
    memset(op, 0, sizeof *op);
    memcpy(op, prog, op_size < most ? op_size : most);
    memset(&old, 0, sizeof old);
    if (op->init) {
        /* the slot holds the program's void init; call it as that */
        memcpy(&old.init, &op->init, sizeof old.init);
        op->init = init_void;
    }
}

/* Replace member M of op by ADAPTER when the program set it. */
#define ADAPT(op, m, adapter)                                  \
    do {                                                       \
        if ((op)->m) {                                         \
            memcpy(&old.m, &(op)->m, sizeof old.m);            \
            (op)->m = adapter;                                 \
        }                                                      \
    } while (0)

int fuse_main_real_compat25(int argc, char *argv[], const void *op,
                            size_t op_size);
int fuse_main_real_compat25(int argc, char *argv[], const void *op,
                            size_t op_size)
{
    struct fuse_operations o;
    copy_ops(&o, op, op_size, offsetof(struct fuse_operations, lock));
    return fuse_main_real(argc, argv, &o, sizeof o, NULL);
}

int fuse_main_real_compat22(int argc, char *argv[], const void *op,
                            size_t op_size);
int fuse_main_real_compat22(int argc, char *argv[], const void *op,
                            size_t op_size)
{
    struct fuse_operations o;
    copy_ops(&o, op, op_size, offsetof(struct fuse_operations, access));
    ADAPT(&o, statfs, statfs22);
    ADAPT(&o, open, open22);
    ADAPT(&o, read, read22);
    ADAPT(&o, write, write22);
    ADAPT(&o, flush, flush22);
    ADAPT(&o, release, release22);
    ADAPT(&o, fsync, fsync22);
    ADAPT(&o, opendir, opendir22);
    ADAPT(&o, readdir, readdir22);
    ADAPT(&o, releasedir, releasedir22);
    ADAPT(&o, fsyncdir, fsyncdir22);
    return fuse_main_real(argc, argv, &o, sizeof o, NULL);
}
