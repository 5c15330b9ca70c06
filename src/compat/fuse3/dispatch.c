/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The low-level handler table fsp's session calls: one function per
 * opcode that checks and decodes the request body (fsp's wire structs)
 * and calls the program's fuse_lowlevel_ops member with libfuse's
 * arguments.  A missing member answers ENOSYS, except where libfuse
 * answers something else (open/opendir succeed, release/releasedir
 * succeed, forgets are dropped, statfs gets a default).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "compat/fuse3/compat.h"

static struct fuse_session *session_of(struct ses_request *r)
{
    return ses_userdata(r->se);
}

/* The fuse_file_info a handler gets for open file fh; callers add what
 * their request says (flags, lock owner, ...). */
static struct fuse_file_info file_info(uint64_t fh)
{
    struct fuse_file_info fi;
    memset(&fi, 0, sizeof fi);
    fi.fh = fh;
    return fi;
}

/* allow_root: like libfuse, others than the mounting user and root may
 * still use open files, but nothing else. */
static int denied(const struct fuse_session *se, const struct ses_request *r)
{
    if (!se->deny_others || r->uid == se->owner || r->uid == 0)
        return 0;
    switch (r->opcode) {
    case WIRE_OP_READ: case WIRE_OP_WRITE: case WIRE_OP_FSYNC:
    case WIRE_OP_RELEASE: case WIRE_OP_READDIR: case WIRE_OP_FSYNCDIR:
    case WIRE_OP_RELEASEDIR: case WIRE_OP_READDIRPLUS:
    case WIRE_OP_FORGET: case WIRE_OP_BATCH_FORGET:
        return 0;
    default:
        return 1;
    }
}

static struct fuse_req *begin(struct fuse_session *se, struct ses_request *r)
{
    if (denied(se, r)) {
        ses_reply_err(r, -EACCES);
        return NULL;
    }
    struct fuse_req *req = fsp_fuse_req_begin(se, r);
    if (!req)
        ses_reply_err(r, -ENOMEM);
    return req;
}

/*
 * Call op.fn(req, ...) for fsp request r, or answer ENOSYS.  `pre` runs
 * with req set, before the call (to fill the context's umask).
 */
#define CALLX(fn, r, pre, ...)                                   \
    do {                                                         \
        struct fuse_session *se_ = session_of(r);                \
        if (!se_->op.fn) {                                       \
            ses_reply_err(r, -ENOSYS);                           \
            break;                                               \
        }                                                        \
        struct fuse_req *req = begin(se_, r);                    \
        if (!req)                                                \
            break;                                               \
        pre;                                                     \
        se_->op.fn(req, __VA_ARGS__);                            \
        fsp_fuse_req_end(req);                                   \
    } while (0)
#define CALL(fn, r, ...) CALLX(fn, r, (void)0, __VA_ARGS__)

/* The fixed part of the body; NULL after answering EINVAL when the body
 * is too short (the caller then returns). */
static const void *arg_in(struct ses_request *r, size_t size)
{
    const void *p = ses_req_arg(r, size);
    if (!p)
        ses_reply_err(r, -EINVAL);
    return p;
}

/* The NUL-terminated name at byte off of the body; NULL after answering
 * EINVAL when there is none. */
static const char *name_in(struct ses_request *r, size_t off)
{
    const char *name = ses_req_name(r, off);
    if (!name)
        ses_reply_err(r, -EINVAL);
    return name;
}

static void ll_lookup(struct ses_request *r)
{
    const char *name = name_in(r, 0);
    if (!name)
        return;
    CALL(lookup, r, r->nodeid, name);
}

/* Forgets are never answered, not even a malformed one; NULL then. */
static const void *forget_arg_in(struct ses_request *r, size_t size)
{
    const void *p = ses_req_arg(r, size);
    if (!p)
        ses_reply_none(r);
    return p;
}

static void ll_forget(struct ses_request *r)
{
    const struct wire_forget_in *in = forget_arg_in(r, sizeof *in);
    if (!in)
        return;
    if (!session_of(r)->op.forget) {
        ses_reply_none(r);
        return;
    }
    CALL(forget, r, r->nodeid, in->nlookup);
}

static void ll_batch_forget(struct ses_request *r)
{
    struct fuse_session *se = session_of(r);
    const struct wire_batch_forget_in *in = forget_arg_in(r, sizeof *in);
    if (!in)
        return;
    size_t count = in->count;
    if (r->arglen < sizeof *in + count * sizeof(struct wire_forget_one)) {
        ses_reply_none(r);
        return;
    }
    /* wire_forget_one and fuse_forget_data are the same two u64s. */
    struct fuse_forget_data *fd =
        (struct fuse_forget_data *)((char *)r->arg + sizeof *in);
    if (se->op.forget_multi) {
        CALL(forget_multi, r, count, fd);
        return;
    }
    /* No forget_multi: one forget call per element, each with a stand-in
     * request, as libfuse does; the batch gets no reply. */
    for (size_t i = 0; se->op.forget && i < count; i++) {
        struct fuse_req *d = fsp_fuse_req_begin(se, r);
        if (!d)
            break;
        d->dummy = 1;
        se->op.forget(d, fd[i].ino, fd[i].nlookup);
        fsp_fuse_req_end(d);
    }
    ses_reply_none(r);
}

static void ll_getattr(struct ses_request *r)
{
    const struct wire_getattr_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    struct fuse_file_info *fip = (in->getattr_flags & WIRE_GETATTR_FH) ? &fi : NULL;
    CALL(getattr, r, r->nodeid, fip);
}

static void ll_setattr(struct ses_request *r)
{
    const struct wire_setattr_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_mode = in->mode;
    st.st_uid = in->uid;
    st.st_gid = in->gid;
    st.st_size = (off_t)in->size;
    st.st_atim.tv_sec = (time_t)in->atime;
    st.st_atim.tv_nsec = in->atimensec;
    st.st_mtim.tv_sec = (time_t)in->mtime;
    st.st_mtim.tv_nsec = in->mtimensec;
    st.st_ctim.tv_sec = (time_t)in->ctime;
    st.st_ctim.tv_nsec = in->ctimensec;
    struct fuse_file_info fi = file_info(in->fh);
    struct fuse_file_info *fip = (in->valid & WIRE_FATTR_FH) ? &fi : NULL;
    /* The kernel's FATTR bits are libfuse's FUSE_SET_ATTR bits; pass on
     * the ones libfuse 3.14 passes on. */
    int valid = (int)(in->valid &
        (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID |
         FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
         FUSE_SET_ATTR_KILL_SUID | FUSE_SET_ATTR_KILL_SGID |
         FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
         FUSE_SET_ATTR_CTIME));
    CALL(setattr, r, r->nodeid, &st, valid, fip);
}

static void ll_readlink(struct ses_request *r)
{
    CALL(readlink, r, r->nodeid);
}

static void ll_mknod(struct ses_request *r)
{
    const struct wire_mknod_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    const char *name = name_in(r, sizeof *in);
    if (!name)
        return;
    CALLX(mknod, r, req->ctx.umask = in->umask, r->nodeid, name,
          in->mode, in->rdev);
}

static void ll_mkdir(struct ses_request *r)
{
    const struct wire_mkdir_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    const char *name = name_in(r, sizeof *in);
    if (!name)
        return;
    CALLX(mkdir, r, req->ctx.umask = in->umask, r->nodeid, name, in->mode);
}

static void ll_unlink(struct ses_request *r)
{
    const char *name = name_in(r, 0);
    if (!name)
        return;
    CALL(unlink, r, r->nodeid, name);
}

static void ll_rmdir(struct ses_request *r)
{
    const char *name = name_in(r, 0);
    if (!name)
        return;
    CALL(rmdir, r, r->nodeid, name);
}

static void ll_symlink(struct ses_request *r)
{
    const char *name = name_in(r, 0);
    if (!name)
        return;
    const char *target = name_in(r, strlen(name) + 1);
    if (!target)
        return;
    CALL(symlink, r, target, r->nodeid, name);
}

/* RENAME and RENAME2: the two names after a fixed part of insize
 * bytes; RENAME2 adds the flags. */
static void rename_names(struct ses_request *r, size_t insize,
                         uint64_t newdir, uint32_t flags)
{
    const char *oldname = name_in(r, insize);
    if (!oldname)
        return;
    const char *newname = name_in(r, insize + strlen(oldname) + 1);
    if (!newname)
        return;
    CALL(rename, r, r->nodeid, oldname, newdir, newname, flags);
}

static void ll_rename(struct ses_request *r)
{
    const struct wire_rename_in *in = arg_in(r, sizeof *in);
    if (in)
        rename_names(r, sizeof *in, in->newdir, 0);
}

static void ll_rename2(struct ses_request *r)
{
    const struct wire_rename2_in *in = arg_in(r, sizeof *in);
    if (in)
        rename_names(r, sizeof *in, in->newdir, in->flags);
}

static void ll_link(struct ses_request *r)
{
    const struct wire_link_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    const char *name = name_in(r, sizeof *in);
    if (!name)
        return;
    CALL(link, r, in->oldnodeid, r->nodeid, name);
}

/* open and opendir without a handler succeed with fh 0, as in libfuse. */
static void open_common(struct ses_request *r, int dir)
{
    const struct wire_open_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_session *se = session_of(r);
    struct fuse_file_info fi = file_info(0);
    fi.flags = (int)in->flags;
    void (*fn)(fuse_req_t, fuse_ino_t, struct fuse_file_info *) =
        dir ? se->op.opendir : se->op.open;
    struct fuse_req *req = begin(se, r);
    if (!req)
        return;
    if (fn)
        fn(req, r->nodeid, &fi);
    else
        fuse_reply_open(req, &fi);
    fsp_fuse_req_end(req);
}

static void ll_open(struct ses_request *r) { open_common(r, 0); }
static void ll_opendir(struct ses_request *r) { open_common(r, 1); }

static void ll_read(struct ses_request *r)
{
    const struct wire_read_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    fi.flags = (int)in->flags;
    if (in->read_flags & WIRE_READ_LOCKOWNER)
        fi.lock_owner = in->lock_owner;
    CALL(read, r, r->nodeid, in->size, (off_t)in->offset, &fi);
}

static void ll_write(struct ses_request *r)
{
    const struct wire_write_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_session *se = session_of(r);
    if (r->arglen < sizeof *in + in->size) {
        ses_reply_err(r, -EINVAL);
        return;
    }
    const char *data = (const char *)r->arg + sizeof *in;
    struct fuse_file_info fi = file_info(in->fh);
    fi.flags = (int)in->flags;
    fi.writepage = (in->write_flags & WIRE_WRITE_CACHE) != 0;
    if (in->write_flags & WIRE_WRITE_LOCKOWNER)
        fi.lock_owner = in->lock_owner;
    if (se->op.write_buf) {
        struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(in->size);
        bufv.buf[0].mem = (void *)data;
        CALL(write_buf, r, r->nodeid, &bufv, (off_t)in->offset, &fi);
        return;
    }
    CALL(write, r, r->nodeid, data, in->size, (off_t)in->offset, &fi);
}

static void ll_flush(struct ses_request *r)
{
    const struct wire_flush_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    fi.flush = 1;
    fi.lock_owner = in->lock_owner;
    CALL(flush, r, r->nodeid, &fi);
}

/* release and releasedir without a handler succeed, as in libfuse. */
static void release_common(struct ses_request *r, int dir)
{
    const struct wire_release_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_session *se = session_of(r);
    struct fuse_file_info fi = file_info(in->fh);
    fi.flags = (int)in->flags;
    fi.flush = (in->release_flags & WIRE_RELEASE_FLUSH) != 0;
    fi.lock_owner = in->lock_owner;
    if (in->release_flags & WIRE_RELEASE_FLOCK_UNLOCK)
        fi.flock_release = 1;
    void (*fn)(fuse_req_t, fuse_ino_t, struct fuse_file_info *) =
        dir ? se->op.releasedir : se->op.release;
    struct fuse_req *req = begin(se, r);
    if (!req)
        return;
    if (fn)
        fn(req, r->nodeid, &fi);
    else
        fuse_reply_err(req, 0);
    fsp_fuse_req_end(req);
}

static void ll_release(struct ses_request *r) { release_common(r, 0); }
static void ll_releasedir(struct ses_request *r) { release_common(r, 1); }

static void ll_fsync(struct ses_request *r)
{
    const struct wire_fsync_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    int datasync = in->fsync_flags & WIRE_FSYNC_FDATASYNC;
    if (r->opcode == WIRE_OP_FSYNCDIR)
        CALL(fsyncdir, r, r->nodeid, datasync, &fi);
    else
        CALL(fsync, r, r->nodeid, datasync, &fi);
}

static void ll_readdir(struct ses_request *r)
{
    const struct wire_read_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    if (r->opcode == WIRE_OP_READDIRPLUS)
        CALL(readdirplus, r, r->nodeid, in->size, (off_t)in->offset, &fi);
    else
        CALL(readdir, r, r->nodeid, in->size, (off_t)in->offset, &fi);
}

static void ll_statfs(struct ses_request *r)
{
    struct fuse_session *se = session_of(r);
    if (!se->op.statfs && !denied(se, r)) {
        /* libfuse's answer for a file system without statfs. */
        struct wire_kstatfs k = { .namelen = 255, .bsize = 512 };
        ses_reply_statfs(r, &k);
        return;
    }
    CALL(statfs, r, r->nodeid);
}

static void ll_setxattr(struct ses_request *r)
{
    /* The header is 16 bytes only when SETXATTR_EXT was agreed, which
     * the compat layer never asks for; follow the conn anyway. */
    const struct ses_conn *c = ses_conn(r->se);
    size_t hdr = (c->want_flags & WIRE_SETXATTR_EXT)
                     ? sizeof(struct wire_setxattr_in)
                     : WIRE_COMPAT_SETXATTR_IN_SIZE;
    const struct wire_setxattr_in *in = ses_req_arg(r, hdr);
    if (!in) {
        ses_reply_err(r, -EINVAL);
        return;
    }
    const char *name = name_in(r, hdr);
    if (!name)
        return;
    size_t voff = hdr + strlen(name) + 1;
    if (r->arglen < voff + in->size) {
        ses_reply_err(r, -EINVAL);
        return;
    }
    const char *value = (const char *)r->arg + voff;
    CALL(setxattr, r, r->nodeid, name, value, in->size, (int)in->flags);
}

static void ll_getxattr(struct ses_request *r)
{
    const struct wire_getxattr_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    const char *name = name_in(r, sizeof *in);
    if (!name)
        return;
    CALL(getxattr, r, r->nodeid, name, in->size);
}

static void ll_listxattr(struct ses_request *r)
{
    const struct wire_getxattr_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    CALL(listxattr, r, r->nodeid, in->size);
}

static void ll_removexattr(struct ses_request *r)
{
    const char *name = name_in(r, 0);
    if (!name)
        return;
    CALL(removexattr, r, r->nodeid, name);
}

static void ll_access(struct ses_request *r)
{
    const struct wire_access_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    CALL(access, r, r->nodeid, (int)in->mask);
}

static void ll_create(struct ses_request *r)
{
    const struct wire_create_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    const char *name = name_in(r, sizeof *in);
    if (!name)
        return;
    struct fuse_file_info fi = file_info(0);
    fi.flags = (int)in->flags;
    CALLX(create, r, req->ctx.umask = in->umask, r->nodeid, name, in->mode,
          &fi);
}

static void to_flock(struct flock *fl, const struct wire_file_lock *lk)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = (short)lk->type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)lk->start;
    fl->l_len = lk->end == (uint64_t)INT64_MAX
                    ? 0 : (off_t)(lk->end - lk->start + 1);
    fl->l_pid = (pid_t)lk->pid;
}

static void ll_getlk(struct ses_request *r)
{
    const struct wire_lk_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    fi.lock_owner = in->owner;
    struct flock fl;
    to_flock(&fl, &in->lk);
    CALL(getlk, r, r->nodeid, &fi, &fl);
}

static void ll_setlk(struct ses_request *r)
{
    const struct wire_lk_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    int sleep = r->opcode == WIRE_OP_SETLKW;
    struct fuse_file_info fi = file_info(in->fh);
    fi.lock_owner = in->owner;
    if (in->lk_flags & WIRE_LK_FLOCK) {
        /* A flock(2) lock travels as a whole-file POSIX lock. */
        int op = 0;
        switch (in->lk.type) {
        case F_RDLCK: op = LOCK_SH; break;
        case F_WRLCK: op = LOCK_EX; break;
        case F_UNLCK: op = LOCK_UN; break;
        }
        if (!sleep)
            op |= LOCK_NB;
        CALL(flock, r, r->nodeid, &fi, op);
        return;
    }
    struct flock fl;
    to_flock(&fl, &in->lk);
    CALL(setlk, r, r->nodeid, &fi, &fl, sleep);
}

static void ll_bmap(struct ses_request *r)
{
    const struct wire_bmap_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    CALL(bmap, r, r->nodeid, in->blocksize, in->block);
}

static void ll_ioctl(struct ses_request *r)
{
    const struct wire_ioctl_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_session *se = session_of(r);
    if ((in->flags & WIRE_IOCTL_DIR) && !(se->conn.want & FUSE_CAP_IOCTL_DIR)) {
        ses_reply_err(r, -ENOTTY);
        return;
    }
    if (r->arglen < sizeof *in + in->in_size) {
        ses_reply_err(r, -EINVAL);
        return;
    }
    const void *in_buf = in->in_size ? (const char *)r->arg + sizeof *in : NULL;
    struct fuse_file_info fi = file_info(in->fh);
    CALL(ioctl, r, r->nodeid, in->cmd, (void *)(uintptr_t)in->arg, &fi,
         in->flags, in_buf, in->in_size, in->out_size);
}

static void ll_poll(struct ses_request *r)
{
    const struct wire_poll_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_session *se = session_of(r);
    if (!se->op.poll) {
        ses_reply_err(r, -ENOSYS);
        return;
    }
    struct fuse_file_info fi = file_info(in->fh);
    fi.poll_events = in->events;
    /* The handle is the program's once poll has it; made only when the
     * request gets that far (a refused one would leak it). */
    struct fuse_req *req = begin(se, r);
    if (!req)
        return;
    struct fuse_pollhandle *ph = NULL;
    if (in->flags & WIRE_POLL_SCHEDULE_NOTIFY) {
        ph = malloc(sizeof *ph);
        if (!ph) {
            fuse_reply_err(req, ENOMEM);
            fsp_fuse_req_end(req);
            return;
        }
        ph->kh = in->kh;
        ph->se = se;
    }
    se->op.poll(req, r->nodeid, &fi, ph);
    fsp_fuse_req_end(req);
}

static void ll_fallocate(struct ses_request *r)
{
    const struct wire_fallocate_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    CALL(fallocate, r, r->nodeid, (int)in->mode, (off_t)in->offset,
         (off_t)in->length, &fi);
}

static void ll_copy_file_range(struct ses_request *r)
{
    const struct wire_copy_file_range_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi_in = file_info(in->fh_in);
    struct fuse_file_info fi_out = file_info(in->fh_out);
    CALL(copy_file_range, r, r->nodeid, (off_t)in->off_in, &fi_in,
         in->nodeid_out, (off_t)in->off_out, &fi_out, in->len,
         (int)in->flags);
}

static void ll_lseek(struct ses_request *r)
{
    const struct wire_lseek_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    CALL(lseek, r, r->nodeid, (off_t)in->offset, (int)in->whence, &fi);
}

#if FSP_FUSE_ABI >= 318
/* statx(2) (3.18): the kernel sends STATX only when the file system has
 * the handler; answered with fuse_reply_statx (statx.c). */
static void ll_statx(struct ses_request *r)
{
    const struct wire_statx_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(in->fh);
    struct fuse_file_info *fip = (in->getattr_flags & WIRE_GETATTR_FH) ? &fi : NULL;
    CALL(statx, r, r->nodeid, (int)in->sx_flags, (int)in->sx_mask, fip);
}

/* open(dir, O_TMPFILE) (3.18's tmpfile): a create without a name. */
static void ll_tmpfile(struct ses_request *r)
{
    const struct wire_create_in *in = arg_in(r, sizeof *in);
    if (!in)
        return;
    struct fuse_file_info fi = file_info(0);
    fi.flags = (int)in->flags;
    CALLX(tmpfile, r, req->ctx.umask = in->umask, r->nodeid, in->mode, &fi);
}
#endif

/* The kernel's answer to a RETRIEVE notification: data for the cookie. */
static void ll_notify_reply(struct ses_request *r)
{
    struct fuse_session *se = session_of(r);
    const struct wire_notify_retrieve_in *in = ses_req_arg(r, sizeof *in);
    void *cookie;
    if (!in || fsp_fuse_retrieve_find(se, r->unique, &cookie) ||
        !se->op.retrieve_reply ||
        r->arglen < sizeof *in + in->size) {
        ses_reply_none(r);
        return;
    }
    struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(in->size);
    bufv.buf[0].mem = (char *)r->arg + sizeof *in;
    CALL(retrieve_reply, r, cookie, r->nodeid, (off_t)in->offset, &bufv);
}

/* The kernel sends DESTROY for fuseblk mounts only, and their unmount
 * waits for the answer: the program's destroy runs first, as in libfuse,
 * so what it writes last (exfat-fuse closes the volume) is done when
 * umount returns. */
static void ll_destroy(struct ses_request *r)
{
    struct fuse_session *se = session_of(r);
    if (atomic_load(&se->got_init) && !se->got_destroy && se->op.destroy) {
        se->got_destroy = 1;
        se->op.destroy(se->userdata);
    }
    ses_reply_err(r, 0);
}

void fsp_fuse_ll_ops(struct ses_ll_ops *ops)
{
    /* Otherwise destroy is left to fuse_session_destroy, where libfuse
     * calls it. */
    *ops = (struct ses_ll_ops){ .init = fsp_fuse_init_hook };
    ses_ll_handler *op = ops->op;
    op[WIRE_OP_DESTROY] = ll_destroy;
    op[WIRE_OP_LOOKUP] = ll_lookup;
    op[WIRE_OP_FORGET] = ll_forget;
    op[WIRE_OP_BATCH_FORGET] = ll_batch_forget;
    op[WIRE_OP_GETATTR] = ll_getattr;
    op[WIRE_OP_SETATTR] = ll_setattr;
    op[WIRE_OP_READLINK] = ll_readlink;
    op[WIRE_OP_SYMLINK] = ll_symlink;
    op[WIRE_OP_MKNOD] = ll_mknod;
    op[WIRE_OP_MKDIR] = ll_mkdir;
    op[WIRE_OP_UNLINK] = ll_unlink;
    op[WIRE_OP_RMDIR] = ll_rmdir;
    op[WIRE_OP_RENAME] = ll_rename;
    op[WIRE_OP_RENAME2] = ll_rename2;
    op[WIRE_OP_LINK] = ll_link;
    op[WIRE_OP_OPEN] = ll_open;
    op[WIRE_OP_READ] = ll_read;
    op[WIRE_OP_WRITE] = ll_write;
    op[WIRE_OP_STATFS] = ll_statfs;
    op[WIRE_OP_RELEASE] = ll_release;
    op[WIRE_OP_FSYNC] = ll_fsync;
    op[WIRE_OP_SETXATTR] = ll_setxattr;
    op[WIRE_OP_GETXATTR] = ll_getxattr;
    op[WIRE_OP_LISTXATTR] = ll_listxattr;
    op[WIRE_OP_REMOVEXATTR] = ll_removexattr;
    op[WIRE_OP_FLUSH] = ll_flush;
    op[WIRE_OP_OPENDIR] = ll_opendir;
    op[WIRE_OP_READDIR] = ll_readdir;
    op[WIRE_OP_READDIRPLUS] = ll_readdir;
    op[WIRE_OP_RELEASEDIR] = ll_releasedir;
    op[WIRE_OP_FSYNCDIR] = ll_fsync;
    op[WIRE_OP_GETLK] = ll_getlk;
    op[WIRE_OP_SETLK] = ll_setlk;
    op[WIRE_OP_SETLKW] = ll_setlk;
    op[WIRE_OP_ACCESS] = ll_access;
    op[WIRE_OP_CREATE] = ll_create;
    op[WIRE_OP_BMAP] = ll_bmap;
    op[WIRE_OP_IOCTL] = ll_ioctl;
    op[WIRE_OP_POLL] = ll_poll;
    op[WIRE_OP_FALLOCATE] = ll_fallocate;
    op[WIRE_OP_LSEEK] = ll_lseek;
    /* Only the 32-bit COPY_FILE_RANGE: fuse_reply_write answers it; the
     * kernel falls back to it when COPY_FILE_RANGE_64 gets ENOSYS. */
    op[WIRE_OP_COPY_FILE_RANGE] = ll_copy_file_range;
    op[WIRE_OP_NOTIFY_REPLY] = ll_notify_reply;
#if FSP_FUSE_ABI >= 318
    op[WIRE_OP_STATX] = ll_statx;
    op[WIRE_OP_TMPFILE] = ll_tmpfile;
#endif
}
