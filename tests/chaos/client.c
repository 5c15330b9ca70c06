/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-chaos client: random metadata and data operations on its own
 * subtree cID/ of the mount, checked against a model of what it was told
 * succeeded, plus contended operations in the shared directory shared/.
 *
 * Every operation goes through a descriptor of the mount's root taken at
 * setup (the *at() calls): when memfs dies, the old mount answers
 * ENOTCONN through it even after the watchdog detached it, and never is
 * the empty directory underneath or the next memfs confused with it.  On
 * ENOTCONN/ECONNABORTED the client forgets its model (memfs kept
 * everything in memory) and moves to whatever is mounted next.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "chaos.h"

#define NSLOTS 12
#define NDIRS 4
#define MAXSIZE (256 * 1024)
#define SHARED_COMMON 4
#define SHARED_MAGIC 0x4f414843u   /* "CHAO" */
#define MOUNT_WAIT_MS 30000

struct mfile {
    int exists, dir;          /* dir: -1 for the top of the subtree */
    unsigned gen;             /* part of the name; renames change it */
    size_t size;
    unsigned char *data;      /* MAXSIZE bytes, zero past size */
    size_t xlen;              /* user.chaos value; 0: none */
    unsigned char xval[64];
};

static struct {
    int id, root, lost;
    const char *mnt;
    struct chaos_slot *s;
    uint64_t rng;
    int dir_exists[NDIRS];
    struct mfile f[NSLOTS];
    unsigned char buf[MAXSIZE];
    unsigned gen;
} C;

static uint64_t rnd(void)
{
    C.rng ^= C.rng >> 12;
    C.rng ^= C.rng << 25;
    C.rng ^= C.rng >> 27;
    return C.rng * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static void fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(rnd() >> 56);
}

static void begin(int op)
{
    C.s->cur_op = op;
    C.s->op_started_ms = chaos_now_ms();
}

static void end(int op)
{
    C.s->ops[op]++;
    C.s->op_started_ms = 0;
}

/*
 * An error of op on what: the connection going away is expected (and
 * ends the current mount for this client); anything else is a failure.
 * Returns -1 so callers can `return fail(...)`.
 */
static int fail(int op, int err, const char *what)
{
    /* The orchestrator signals clients: a request still queued in the
     * kernel is then dropped, one memfs -S holds is abandoned.  Either
     * way nothing happened, so the model stays as it is. */
    if (err == EINTR) {
        chaos_count_error(C.s, op, err, 1);
        return -1;
    }
    if (chaos_lost_with(err, C.root)) {
        chaos_count_error(C.s, op, err, 1);
        C.lost = 1;
        return -1;
    }
    chaos_count_error(C.s, op, err, 0);
    chaos_problem(C.s, "client %d: %s %s: %s", C.id, chaos_op_names[op],
                  what, strerror(err));
    return -1;
}

static void mismatch(const char *fmt, const char *what, long long a,
                     long long b)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, what, a, b);
    chaos_problem(C.s, "client %d: %s", C.id, msg);
}

static void dir_path(char *p, size_t n, int d)
{
    if (d < 0)
        snprintf(p, n, "c%d", C.id);
    else
        snprintf(p, n, "c%d/d%d", C.id, d);
}

static void file_path(char *p, size_t n, int i)
{
    char d[64];
    dir_path(d, sizeof d, C.f[i].dir);
    snprintf(p, n, "%s/f%d_%u", d, i, C.f[i].gen);
}

static int random_dir(void)
{
    int d = (int)below(NDIRS + 1) - 1;
    return d >= 0 && !C.dir_exists[d] ? -1 : d;
}

static void forget_file(struct mfile *f)
{
    memset(f->data, 0, MAXSIZE);
    f->exists = 0;
    f->size = 0;
    f->xlen = 0;
}

static void reset_model(void)
{
    memset(C.dir_exists, 0, sizeof C.dir_exists);
    for (int i = 0; i < NSLOTS; i++)
        forget_file(&C.f[i]);
}

/* Close, counting what close reports (a FUSE flush can fail). */
static int close_checked(int op, int fd, const char *what)
{
    char msg[160];
    if (close(fd) < 0) {
        int err = errno;
        snprintf(msg, sizeof msg, "%s (close)", what);
        return fail(op, err, msg);
    }
    return 0;
}

/* Remove a name an operation made for a moment (a link, a symlink, a
 * file in shared/), whatever interrupted the operation.  0 when it is
 * gone. */
static int drop_name(int op, const char *path)
{
    for (int tries = 0; !C.lost; tries++) {
        if (unlinkat(C.root, path, 0) == 0 || errno == ENOENT)
            return 0;
        if (errno != EINTR || tries > 1000)
            return fail(op, errno, path);
        chaos_count_error(C.s, op, EINTR, 1);
    }
    return -1;
}

/* write all of len to fd (short writes happen when a signal lands). */
static int write_full(int op, int fd, const unsigned char *p, size_t len,
                      const char *path)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            return fail(op, n < 0 ? errno : EIO, path);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* pwrite all of len, updating the model as each part is acknowledged. */
static int write_all(int op, int fd, struct mfile *f, const char *path,
                     size_t off, const unsigned char *p, size_t len)
{
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0)
            return fail(op, errno, path);
        if (n == 0) {
            chaos_problem(C.s, "client %d: pwrite %s wrote 0", C.id, path);
            return -1;
        }
        memcpy(f->data + off, p, (size_t)n);
        if (off + (size_t)n > f->size)
            f->size = off + (size_t)n;
        off += (size_t)n;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read [off, off+len) of an open file and compare it with the model. */
static int check_range(int op, int fd, const struct mfile *f,
                       const char *path, size_t off, size_t len)
{
    size_t want = off >= f->size ? 0 : f->size - off < len ? f->size - off : len;
    size_t got = 0;

    while (got < len) {
        ssize_t n = pread(fd, C.buf + got, len - got, (off_t)(off + got));
        if (n < 0)
            return fail(op, errno, path);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got != want) {
        mismatch("read %s: %lld bytes, expected %lld", path, (long long)got,
                 (long long)want);
        return -1;
    }
    for (size_t i = 0; i < got; i++)
        if (C.buf[i] != f->data[off + i]) {
            mismatch("read %s: wrong byte at offset %lld (in a read of %lld)",
                     path, (long long)(off + i), (long long)got);
            return -1;
        }
    return 0;
}

static int check_size(int fd, const struct mfile *f, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return fail(C.s->cur_op, errno, path);
    if ((size_t)st.st_size != f->size) {
        mismatch("%s: size %lld, expected %lld", path, (long long)st.st_size,
                 (long long)f->size);
        return -1;
    }
    return 0;
}

static void op_create(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    size_t len = below(65536);
    int fd;

    f->dir = random_dir();
    f->gen = ++C.gen;
    file_path(path, sizeof path, i);
    fd = openat(C.root, path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(OP_CREATE, errno, path);
        return;
    }
    f->exists = 1;
    f->size = 0;
    fill(C.buf, len);
    if (write_all(OP_CREATE, fd, f, path, 0, C.buf, len) == 0)
        close_checked(OP_CREATE, fd, path);
    else
        close(fd);
}

static void op_write(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    size_t off = below(f->size + 4096), len = 1 + below(32768);
    unsigned char p[32768];
    int fd;

    if (off + len > MAXSIZE)
        off = MAXSIZE - len;
    file_path(path, sizeof path, i);
    if ((fd = openat(C.root, path, O_WRONLY | O_CLOEXEC)) < 0) {
        fail(OP_WRITE, errno, path);
        return;
    }
    fill(p, len);
    if (write_all(OP_WRITE, fd, f, path, off, p, len) == 0)
        close_checked(OP_WRITE, fd, path);
    else
        close(fd);
}

static void op_read(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    size_t off = below(f->size + 1), len = 1 + below(65536);
    int fd;

    file_path(path, sizeof path, i);
    if ((fd = openat(C.root, path, O_RDONLY | O_CLOEXEC)) < 0) {
        fail(OP_READ, errno, path);
        return;
    }
    if (check_size(fd, f, path) == 0 && check_range(OP_READ, fd, f, path, off, len) == 0)
        close_checked(OP_READ, fd, path);
    else
        close(fd);
}

static void op_truncate(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    size_t size = below(MAXSIZE / 2);
    int fd;

    file_path(path, sizeof path, i);
    if ((fd = openat(C.root, path, O_WRONLY | O_CLOEXEC)) < 0) {
        fail(OP_TRUNCATE, errno, path);
        return;
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        fail(OP_TRUNCATE, errno, path);
        close(fd);
        return;
    }
    if (size < f->size)
        memset(f->data + size, 0, MAXSIZE - size);
    f->size = size;
    if (check_size(fd, f, path) == 0)
        close_checked(OP_TRUNCATE, fd, path);
    else
        close(fd);
}

static void op_stat(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    struct stat st;

    file_path(path, sizeof path, i);
    if (fstatat(C.root, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        fail(OP_STAT, errno, path);
        return;
    }
    if (!S_ISREG(st.st_mode))
        mismatch("stat %s: mode %llo, size %lld", path, (long long)st.st_mode, 0);
    else if ((size_t)st.st_size != f->size)
        mismatch("stat %s: size %lld, expected %lld", path,
                 (long long)st.st_size, (long long)f->size);
    else if (st.st_nlink != 1)
        mismatch("stat %s: %lld links, expected %lld", path,
                 (long long)st.st_nlink, 1);
}

/* Is name what directory d must hold right now? */
static int expected_name(int d, const char *name)
{
    char want[64];
    for (int i = 0; i < NSLOTS; i++) {
        if (!C.f[i].exists || C.f[i].dir != d)
            continue;
        snprintf(want, sizeof want, "f%d_%u", i, C.f[i].gen);
        if (strcmp(name, want) == 0)
            return 1;
    }
    if (d < 0)
        for (int k = 0; k < NDIRS; k++) {
            snprintf(want, sizeof want, "d%d", k);
            if (C.dir_exists[k] && strcmp(name, want) == 0)
                return 1;
        }
    return 0;
}

static int check_dir(int op, int d)
{
    char path[64];
    long long want = 0, got = 0;
    struct dirent *e;
    DIR *dir;
    int fd;

    dir_path(path, sizeof path, d);
    for (int i = 0; i < NSLOTS; i++)
        want += C.f[i].exists && C.f[i].dir == d;
    if (d < 0)
        for (int k = 0; k < NDIRS; k++)
            want += C.dir_exists[k];
    if ((fd = openat(C.root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return fail(op, errno, path);
    if (!(dir = fdopendir(fd))) {
        close(fd);
        return fail(op, errno, path);
    }
    for (;;) {
        errno = 0;
        if (!(e = readdir(dir)))
            break;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        got++;
        if (!expected_name(d, e->d_name)) {
            chaos_problem(C.s, "client %d: readdir %s: unexpected entry %s",
                          C.id, path, e->d_name);
            closedir(dir);
            return -1;
        }
    }
    if (errno) {
        int err = errno;
        closedir(dir);
        return fail(op, err, path);
    }
    closedir(dir);
    if (got != want) {
        mismatch("readdir %s: %lld entries, expected %lld", path, got, want);
        return -1;
    }
    return 0;
}

static void op_mkdir_rmdir(int op)
{
    int d = (int)below(NDIRS), busy = 0;
    char path[64];

    dir_path(path, sizeof path, d);
    for (int i = 0; i < NSLOTS; i++)
        busy |= C.f[i].exists && C.f[i].dir == d;
    if (op == OP_MKDIR) {
        if (mkdirat(C.root, path, 0755) == 0) {
            if (C.dir_exists[d])
                mismatch("mkdir %s: worked on an existing directory%.0lld%.0lld",
                         path, 0, 0);
            C.dir_exists[d] = 1;
        } else if (!(errno == EEXIST && C.dir_exists[d])) {
            fail(op, errno, path);
        }
        return;
    }
    if (unlinkat(C.root, path, AT_REMOVEDIR) == 0) {
        if (!C.dir_exists[d] || busy)
            mismatch("rmdir %s: removed (exists %lld, files %lld)", path,
                     C.dir_exists[d], busy);
        C.dir_exists[d] = 0;
    } else if (!((errno == ENOENT && !C.dir_exists[d]) ||
                 (errno == ENOTEMPTY && busy))) {
        fail(op, errno, path);
    }
}

static void op_rename(int i)
{
    struct mfile *f = &C.f[i];
    char from[128], to[128];
    int j = (int)below(NSLOTS);

    file_path(from, sizeof from, i);
    if (j != i && C.f[j].exists) {
        /* over another file: j then holds what i held */
        file_path(to, sizeof to, j);
        if (renameat(C.root, from, C.root, to) < 0) {
            fail(OP_RENAME, errno, from);
            return;
        }
        struct mfile *g = &C.f[j];
        memcpy(g->data, f->data, MAXSIZE);
        g->size = f->size;
        g->xlen = f->xlen;
        memcpy(g->xval, f->xval, sizeof g->xval);
        forget_file(f);
        return;
    }
    int dir = random_dir();
    unsigned gen = ++C.gen, old_gen = f->gen;
    int old_dir = f->dir;
    f->dir = dir;
    f->gen = gen;
    file_path(to, sizeof to, i);
    if (renameat(C.root, from, C.root, to) < 0) {
        f->dir = old_dir;
        f->gen = old_gen;
        fail(OP_RENAME, errno, from);
    }
}

static void op_unlink(int i)
{
    char path[128];
    struct stat st;

    file_path(path, sizeof path, i);
    if (unlinkat(C.root, path, 0) < 0) {
        fail(OP_UNLINK, errno, path);
        return;
    }
    forget_file(&C.f[i]);
    if (fstatat(C.root, path, &st, AT_SYMLINK_NOFOLLOW) == 0)
        mismatch("unlink %s: still there (%lld, %lld)", path, 0, 0);
    else if (errno != ENOENT)
        fail(OP_UNLINK, errno, path);
}

/* The link lnk to slot i: one inode, two links, the same data. */
static int check_link(int i, const char *path, const char *lnk)
{
    struct stat a, b;
    int fd, r;

    if (fstatat(C.root, path, &a, AT_SYMLINK_NOFOLLOW) < 0 ||
        fstatat(C.root, lnk, &b, AT_SYMLINK_NOFOLLOW) < 0)
        return fail(OP_LINK, errno, lnk);
    if (a.st_ino != b.st_ino || a.st_nlink != 2 || b.st_nlink != 2) {
        mismatch("link %s: inodes differ or nlink %lld/%lld", lnk,
                 (long long)a.st_nlink, (long long)b.st_nlink);
        return -1;
    }
    if ((fd = openat(C.root, lnk, O_RDONLY | O_CLOEXEC)) < 0)
        return fail(OP_LINK, errno, lnk);
    r = check_range(OP_LINK, fd, &C.f[i], lnk, 0, MAXSIZE);
    close(fd);
    return r;
}

static void op_link(int i)
{
    char path[128], lnk[64];
    struct stat a;

    file_path(path, sizeof path, i);
    snprintf(lnk, sizeof lnk, "c%d/l%d", C.id, i);
    if (linkat(C.root, path, C.root, lnk, 0) < 0) {
        fail(OP_LINK, errno, path);
        return;
    }
    int r = check_link(i, path, lnk);
    if (drop_name(OP_LINK, lnk) < 0 || r < 0)
        return;
    if (fstatat(C.root, path, &a, AT_SYMLINK_NOFOLLOW) < 0)
        fail(OP_LINK, errno, path);
    else if (a.st_nlink != 1)
        mismatch("link %s: nlink %lld after unlinking the link%.0lld", path,
                 (long long)a.st_nlink, 0);
}

/* The symlink lnk to target: reads back, and leads to slot i. */
static void check_symlink(int i, const char *target, const char *lnk)
{
    char back[256];
    struct stat st;
    ssize_t n;

    if ((n = readlinkat(C.root, lnk, back, sizeof back - 1)) < 0) {
        fail(OP_SYMLINK, errno, lnk);
        return;
    }
    back[n] = 0;
    if (strcmp(back, target) != 0)
        mismatch("readlink %s: wrong target (%lld, %lld)", lnk, (long long)n,
                 (long long)strlen(target));
    if (fstatat(C.root, lnk, &st, 0) < 0)
        fail(OP_SYMLINK, errno, lnk);
    else if ((size_t)st.st_size != C.f[i].size)
        mismatch("stat through %s: size %lld, expected %lld", lnk,
                 (long long)st.st_size, (long long)C.f[i].size);
}

static void op_symlink(int i)
{
    char path[128], target[128], lnk[64];

    file_path(path, sizeof path, i);
    /* relative to the link's directory c<id>/ */
    snprintf(target, sizeof target, "%s", strchr(path, '/') + 1);
    snprintf(lnk, sizeof lnk, "c%d/s%d", C.id, i);
    if (symlinkat(target, C.root, lnk) < 0) {
        fail(OP_SYMLINK, errno, lnk);
        return;
    }
    check_symlink(i, target, lnk);
    drop_name(OP_SYMLINK, lnk);
}

static void op_xattr(int i)
{
    struct mfile *f = &C.f[i];
    char path[128];
    unsigned char v[64];
    ssize_t n;
    int fd;

    file_path(path, sizeof path, i);
    if ((fd = openat(C.root, path, O_RDONLY | O_CLOEXEC)) < 0) {
        fail(OP_XATTR, errno, path);
        return;
    }
    n = fgetxattr(fd, "user.chaos", v, sizeof v);
    if (n < 0 && !(errno == ENODATA && f->xlen == 0)) {
        fail(OP_XATTR, errno, path);
        goto out;
    }
    if (n >= 0 && ((size_t)n != f->xlen || memcmp(v, f->xval, f->xlen) != 0)) {
        mismatch("getxattr %s: %lld bytes, expected %lld", path, (long long)n,
                 (long long)f->xlen);
        goto out;
    }
    if (f->xlen && below(4) == 0) {
        if (fremovexattr(fd, "user.chaos") < 0)
            fail(OP_XATTR, errno, path);
        else
            f->xlen = 0;
        goto out;
    }
    size_t len = 1 + below(sizeof v);
    fill(v, len);
    if (fsetxattr(fd, "user.chaos", v, len, 0) < 0) {
        fail(OP_XATTR, errno, path);
        goto out;
    }
    f->xlen = len;
    memcpy(f->xval, v, len);
out:
    close(fd);
}

static void op_fsync(int i)
{
    char path[128];
    int fd;

    file_path(path, sizeof path, i);
    if ((fd = openat(C.root, path, O_WRONLY | O_CLOEXEC)) < 0) {
        fail(OP_FSYNC, errno, path);
        return;
    }
    if (fsync(fd) < 0)
        fail(OP_FSYNC, errno, path);
    close(fd);
}

/* ---- the shared directory --------------------------------------------- */

static uint32_t hash(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Publish a self-checking file under a contended name by rename. */
static void shared_publish(void)
{
    char tmp[64], name[64];
    uint32_t hdr[4];
    size_t len = below(8192);
    int fd;

    snprintf(tmp, sizeof tmp, "shared/t%d", C.id);
    snprintf(name, sizeof name, "shared/common%d", (int)below(SHARED_COMMON));
    fill(C.buf + sizeof hdr, len);
    hdr[0] = SHARED_MAGIC;
    hdr[1] = (uint32_t)C.id;
    hdr[2] = (uint32_t)len;
    hdr[3] = hash(C.buf + sizeof hdr, len);
    memcpy(C.buf, hdr, sizeof hdr);
    fd = openat(C.root, tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(OP_SHARED, errno, tmp);
        return;
    }
    if (write_full(OP_SHARED, fd, C.buf, sizeof hdr + len, tmp) < 0) {
        close(fd);
        return;
    }
    if (close_checked(OP_SHARED, fd, tmp) < 0)
        return;
    if (renameat(C.root, tmp, C.root, name) < 0)
        fail(OP_SHARED, errno, name);
}

/* Whatever a contended name holds, it is one whole published file. */
static void shared_read(void)
{
    char name[64];
    uint32_t hdr[4];
    size_t got = 0;
    ssize_t n;
    int fd;

    snprintf(name, sizeof name, "shared/common%d", (int)below(SHARED_COMMON));
    if ((fd = openat(C.root, name, O_RDONLY | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            chaos_count_error(C.s, OP_SHARED, ENOENT, 1);
        else
            fail(OP_SHARED, errno, name);
        return;
    }
    while ((n = read(fd, C.buf + got, sizeof C.buf - got)) > 0)
        got += (size_t)n;
    if (n < 0) {
        fail(OP_SHARED, errno, name);
        close(fd);
        return;
    }
    close(fd);
    memcpy(hdr, C.buf, sizeof hdr);
    if (got < sizeof hdr || hdr[0] != SHARED_MAGIC ||
        hdr[2] != got - sizeof hdr ||
        hdr[3] != hash(C.buf + sizeof hdr, got - sizeof hdr))
        mismatch("%s: torn or corrupt (%lld bytes, header length %lld)",
                 name, (long long)got, got >= sizeof hdr ? (long long)hdr[2] : -1);
}

/* A file of our own in the shared directory: create, rename, check, drop. */
static void shared_own(void)
{
    char a[64], b[64];
    unsigned char data[4096];
    size_t len = 1 + below(sizeof data), got = 0;
    struct stat st;
    ssize_t n;
    int fd;

    snprintf(a, sizeof a, "shared/s%d_%u", C.id, ++C.gen);
    snprintf(b, sizeof b, "shared/s%d_%u", C.id, ++C.gen);
    fill(data, len);
    if ((fd = openat(C.root, a, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644)) < 0) {
        fail(OP_SHARED, errno, a);
        return;
    }
    if (write_full(OP_SHARED, fd, data, len, a) < 0) {
        close(fd);
        goto out;
    }
    if (close_checked(OP_SHARED, fd, a) < 0)
        goto out;
    if (renameat(C.root, a, C.root, b) < 0) {
        fail(OP_SHARED, errno, a);
        goto out;
    }
    if (fstatat(C.root, a, &st, AT_SYMLINK_NOFOLLOW) == 0)
        mismatch("%s: still there after rename (%lld, %lld)", a, 0, 0);
    if ((fd = openat(C.root, b, O_RDONLY | O_CLOEXEC)) < 0) {
        fail(OP_SHARED, errno, b);
        goto out;
    }
    while ((n = read(fd, C.buf + got, sizeof C.buf - got)) > 0)
        got += (size_t)n;
    int err = errno;
    close(fd);
    if (n < 0)
        fail(OP_SHARED, err, b);
    else if (got != len || memcmp(C.buf, data, len) != 0)
        mismatch("%s: read back %lld bytes of %lld, or wrong data", b,
                 (long long)got, (long long)len);
out:
    /* both names, whatever happened: none of ours may stay in shared/ */
    if (drop_name(OP_SHARED, a) == 0)
        drop_name(OP_SHARED, b);
}

/* Names in shared/ are ours, others' or contended; none of ours stays. */
static void shared_list(void)
{
    char own[32];
    struct dirent *e;
    DIR *dir;
    int fd;

    snprintf(own, sizeof own, "s%d_", C.id);
    if ((fd = openat(C.root, "shared", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        fail(OP_SHARED, errno, "shared");
        return;
    }
    if (!(dir = fdopendir(fd))) {
        fail(OP_SHARED, errno, "shared");
        close(fd);
        return;
    }
    for (;;) {
        errno = 0;
        if (!(e = readdir(dir)))
            break;
        const char *n = e->d_name;
        if (strncmp(n, own, strlen(own)) == 0 ||
            !(n[0] == '.' || n[0] == 's' || n[0] == 't' ||
              strncmp(n, "common", 6) == 0))
            chaos_problem(C.s, "client %d: readdir shared: unexpected %s",
                          C.id, n);
    }
    if (errno)
        fail(OP_SHARED, errno, "shared");
    closedir(dir);
}

static void op_shared(void)
{
    char name[64];

    switch (below(5)) {
    case 0: shared_publish(); break;
    case 1: shared_read(); break;
    case 2: shared_own(); break;
    case 3: shared_list(); break;
    default:
        snprintf(name, sizeof name, "shared/common%d", (int)below(SHARED_COMMON));
        if (unlinkat(C.root, name, 0) == 0)
            break;
        if (errno == ENOENT)
            chaos_count_error(C.s, OP_SHARED, ENOENT, 1);
        else
            fail(OP_SHARED, errno, name);
    }
}

/* ---- whole-subtree check, setup, main loop ----------------------------- */

static void verify_all(void)
{
    char path[128];
    int fd;

    for (int i = 0; i < NSLOTS && !C.lost; i++) {
        if (!C.f[i].exists)
            continue;
        file_path(path, sizeof path, i);
        if ((fd = openat(C.root, path, O_RDONLY | O_CLOEXEC)) < 0) {
            fail(OP_VERIFY, errno, path);
            return;
        }
        int r = check_size(fd, &C.f[i], path);
        if (r == 0)
            r = check_range(OP_VERIFY, fd, &C.f[i], path, 0, MAXSIZE);
        close(fd);
        if (r < 0)
            return;
    }
    for (int d = -1; d < NDIRS && !C.lost; d++)
        if ((d < 0 || C.dir_exists[d]) && check_dir(OP_VERIFY, d) < 0)
            return;
}

/* Move to the mount that is there now and start from an empty model. */
static int setup(int first)
{
    char path[64];
    int r;

    if (C.root >= 0)
        close(C.root);
    C.root = -1;
    C.lost = 0;
    reset_model();
    begin(OP_SETUP);
    C.s->op_started_ms = 0;  /* waiting for a restart is not a hang */
    if ((r = chaos_open_root(C.mnt, MOUNT_WAIT_MS, &C.root)) < 0) {
        if (!chaos->stop)
            chaos_problem(C.s, "client %d: no live mount at %s after %d ms",
                          C.id, C.mnt, MOUNT_WAIT_MS);
        return -1;
    }
    C.s->op_started_ms = chaos_now_ms();
    snprintf(path, sizeof path, "c%d", C.id);
    if (mkdirat(C.root, path, 0755) < 0) {
        /* a new memfs is empty: EEXIST would be a stale mount */
        fail(OP_SETUP, errno, path);
        end(OP_SETUP);
        return -1;
    }
    if (mkdirat(C.root, "shared", 0755) < 0 && errno != EEXIST) {
        fail(OP_SETUP, errno, "shared");
        end(OP_SETUP);
        return -1;
    }
    if (!first)
        C.s->remounts++;
    end(OP_SETUP);
    return 0;
}

static int pick_existing(void)
{
    int start = (int)below(NSLOTS);
    for (int k = 0; k < NSLOTS; k++) {
        int i = (start + k) % NSLOTS;
        if (C.f[i].exists)
            return i;
    }
    return -1;
}

static int pick_free(void)
{
    int start = (int)below(NSLOTS);
    for (int k = 0; k < NSLOTS; k++) {
        int i = (start + k) % NSLOTS;
        if (!C.f[i].exists)
            return i;
    }
    return -1;
}

static void one_op(void)
{
    static const int weights[OP_COUNT] = {
        [OP_CREATE] = 8, [OP_WRITE] = 14, [OP_READ] = 14, [OP_TRUNCATE] = 4,
        [OP_STAT] = 6, [OP_READDIR] = 4, [OP_MKDIR] = 3, [OP_RMDIR] = 2,
        [OP_RENAME] = 6, [OP_UNLINK] = 4, [OP_LINK] = 3, [OP_SYMLINK] = 3,
        [OP_XATTR] = 4, [OP_FSYNC] = 2, [OP_SHARED] = 12, [OP_VERIFY] = 1,
    };
    int total = 0, op = 0, i = -1;

    for (int k = 0; k < OP_COUNT; k++)
        total += weights[k];
    int r = (int)below((size_t)total);
    while (r >= weights[op])
        r -= weights[op++];

    if (op == OP_CREATE && (i = pick_free()) < 0)
        op = OP_WRITE;  /* all slots taken */
    if (op != OP_CREATE && op != OP_READDIR && op != OP_MKDIR &&
        op != OP_RMDIR && op != OP_SHARED && op != OP_VERIFY &&
        (i = pick_existing()) < 0) {
        i = pick_free();  /* nothing to work on yet */
        op = OP_CREATE;
    }

    begin(op);
    switch (op) {
    case OP_CREATE: op_create(i); break;
    case OP_WRITE: op_write(i); break;
    case OP_READ: op_read(i); break;
    case OP_TRUNCATE: op_truncate(i); break;
    case OP_STAT: op_stat(i); break;
    case OP_READDIR: {
        int d = (int)below(NDIRS + 1) - 1;
        check_dir(op, d >= 0 && C.dir_exists[d] ? d : -1);
        break;
    }
    case OP_MKDIR: case OP_RMDIR: op_mkdir_rmdir(op); break;
    case OP_RENAME: op_rename(i); break;
    case OP_UNLINK: op_unlink(i); break;
    case OP_LINK: op_link(i); break;
    case OP_SYMLINK: op_symlink(i); break;
    case OP_XATTR: op_xattr(i); break;
    case OP_FSYNC: op_fsync(i); break;
    case OP_SHARED: op_shared(); break;
    default: verify_all(); break;
    }
    end(op);
}

static void on_signal(int sig)
{
    (void)sig;
}

_Noreturn void chaos_client_main(int id, int nclients, const char *mnt,
                                 uint64_t seed)
{
    (void)nclients;
    C.id = id;
    C.mnt = mnt;
    C.s = &chaos->slot[id];
    C.rng = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)id + 1;
    C.root = -1;
    /* no SA_RESTART: a signal ends the system call it lands in */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < NSLOTS; i++)
        if (!(C.f[i].data = calloc(1, MAXSIZE)))
            _exit(3);

    int need_setup = 1, first = 1;
    while (!chaos->stop) {
        if (need_setup) {
            if (setup(first) < 0) {
                if (chaos->stop)
                    break;
                continue;  /* lost again already, or reported */
            }
            first = 0;
            need_setup = 0;
        }
        one_op();
        if (C.lost)
            need_setup = 1;
    }
    /* The final word: everything acknowledged on this mount is there. */
    if (!need_setup && !C.lost && C.root >= 0) {
        begin(OP_VERIFY);
        verify_all();
        end(OP_VERIFY);
    }
    C.s->finished = 1;
    _exit(0);
}
