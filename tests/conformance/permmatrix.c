/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The permission matrix: every system call that POSIX permission rules
 * govern, tried by two unprivileged users and root on files and
 * directories of every owner/group/other situation, each result compared
 * with what the rules say.  The rules are written down here (pm_may and
 * the expect_* functions) and hold on tmpfs, which conformance.sh checks;
 * a mount that lets a user in where they say no, or keeps one out where
 * they say yes, fails with the list of differing rows.
 *
 * The users: A (uid, gid, one supplementary group) and B (uid, gid), from
 * FSP_TESTS_USER_A="uid:gid:supp" and FSP_TESTS_USER_B="uid:gid", which
 * tests/access.sh sets to two users it creates; by default numeric ids
 * no one uses.  Needs root (to make the fixtures and become the users). */
#include "ct.h"

#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

struct pm_user {
    const char *name;
    uid_t uid;
    gid_t gid;
    gid_t supp;   /* (gid_t)-1: none */
};

static struct pm_user pm_a = { "A", 65532, 65532, 65530 };
static struct pm_user pm_b = { "B", 65533, 65533, (gid_t)-1 };
static const struct pm_user pm_root = { "root", 0, 0, (gid_t)-1 };

/* One row of the matrix: an operation by one actor on one fixture. */
struct pm_row {
    char what[96];     /* "open_rw A file 0640 B:GS" */
    int want;          /* expected errno, 0 for success */
};

#define PM_MAX_ROWS 4096
static struct pm_row *pm_rows;   /* shared with the actors' children */
static int *pm_got;              /* what the actor saw, per row */
static int pm_nrows;

static void pm_users_from_env(void)
{
    const char *a = getenv("FSP_TESTS_USER_A");
    const char *b = getenv("FSP_TESTS_USER_B");
    unsigned u, g, s;
    if (a && sscanf(a, "%u:%u:%u", &u, &g, &s) == 3)
        pm_a = (struct pm_user){ "A", u, g, s };
    if (b && sscanf(b, "%u:%u", &u, &g) == 2)
        pm_b = (struct pm_user){ "B", u, g, (gid_t)-1 };
}

static int pm_setup(void)
{
    if (!ct_is_root()) {
        ct_skip("needs root to make the fixtures and become the users");
        return -1;
    }
    pm_users_from_env();
    size_t sz = PM_MAX_ROWS * (sizeof *pm_rows + sizeof *pm_got);
    void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        FAIL("mmap: %s", ct_errname(errno));
        return -1;
    }
    pm_rows = m;
    pm_got = (int *)(pm_rows + PM_MAX_ROWS);
    pm_nrows = 0;
    return 0;
}

/* ---- the rules ---------------------------------------------------------- */

static int pm_in_group(const struct pm_user *u, gid_t g)
{
    return u->gid == g || (u->supp != (gid_t)-1 && u->supp == g);
}

/* The permission bits that apply to u on a file of owner:group/mode. */
static unsigned pm_class_bits(const struct pm_user *u, uid_t owner, gid_t group,
                              mode_t mode)
{
    if (u->uid == owner)
        return (mode >> 6) & 7;
    if (pm_in_group(u, group))
        return (mode >> 3) & 7;
    return mode & 7;
}

/* May u do `want` (4 read, 2 write, 1 execute/search)?  Root may read and
 * write anything, search any directory, and execute a file with any x. */
static int pm_may(const struct pm_user *u, uid_t owner, gid_t group,
                  mode_t mode, unsigned want)
{
    if (u->uid == 0) {
        if ((want & 1) && !S_ISDIR(mode) && !(mode & 0111))
            return 0;
        return 1;
    }
    return (pm_class_bits(u, owner, group, mode) & want) == want;
}

/* ---- fixtures ------------------------------------------------------------ */

/* Who owns a fixture, named by what it makes A and B. */
struct pm_owner {
    const char *name;
    int uid_of;   /* 'A', 'B' or 0 (root) */
    int gid_of;   /* 'a' A's gid, 's' A's supplementary, 'b' B's gid, 0 */
};

static const struct pm_owner pm_owners[] = {
    { "A:GB", 'A', 'b' },   /* A owner, B group (primary) */
    { "B:GS", 'B', 's' },   /* B owner, A group (supplementary) */
    { "root:GA", 0, 'a' },  /* A group (primary), B other */
    { "root:root", 0, 0 },  /* both other */
};

static uid_t pm_uid(int of)
{
    return of == 'A' ? pm_a.uid : of == 'B' ? pm_b.uid : 0;
}

static gid_t pm_gid(int of)
{
    return of == 'a' ? pm_a.gid : of == 's' ? pm_a.supp
         : of == 'b' ? pm_b.gid : 0;
}

/* A fixture file or directory made by root, then given away. */
static int pm_make(const char *path, int dir, uid_t uid, gid_t gid,
                   mode_t mode)
{
    if (dir ? mkdir(path, 0700) : ct_touch(path))
        return -1;
    if (!dir && setxattr(path, "user.pm", "v", 1, 0) == -1 &&
        errno != ENOTSUP)
        return -1;
    if (chown(path, uid, gid) == -1 || chmod(path, mode) == -1)
        return -1;
    return 0;
}

/* ---- running the actors -------------------------------------------------- */

static int pm_become(const struct pm_user *u)
{
    gid_t groups[1] = { u->supp };
    if (setgroups(u->supp == (gid_t)-1 ? 0 : 1, groups) == -1 ||
        setresgid(u->gid, u->gid, u->gid) == -1 ||
        setresuid(u->uid, u->uid, u->uid) == -1)
        return -1;
    return 0;
}

typedef int (*pm_op_fn)(const char *path, const struct pm_user *u);

/* One planned operation: run by `actor` on `path`, result into row. */
struct pm_plan {
    const struct pm_user *actor;
    pm_op_fn fn;
    char path[160];
    int row;
};

#define PM_MAX_PLAN PM_MAX_ROWS
static struct pm_plan *pm_plan;
static int pm_nplan;

static void pm_add(const struct pm_user *actor, pm_op_fn fn, const char *path,
                   int want, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void pm_add(const struct pm_user *actor, pm_op_fn fn, const char *path,
                   int want, const char *fmt, ...)
{
    if (pm_nrows == PM_MAX_ROWS || pm_nplan == PM_MAX_PLAN) {
        FAIL("permission matrix: more than %d rows", PM_MAX_ROWS);
        return;
    }
    struct pm_row *r = &pm_rows[pm_nrows];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->what, sizeof r->what, fmt, ap);
    va_end(ap);
    r->want = want;
    pm_got[pm_nrows] = -1;
    struct pm_plan *p = &pm_plan[pm_nplan++];
    p->actor = actor;
    p->fn = fn;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->row = pm_nrows++;
}

/* Run every planned operation of one actor in a child as that actor. */
static void pm_run_actor(const struct pm_user *u)
{
    pid_t pid = ct_fork(60);
    if (pid == 0) {
        if (pm_become(u) == -1) {
            FAIL("cannot become %s (%u:%u): %s", u->name, u->uid, u->gid,
                 ct_errname(errno));
            _exit(1);
        }
        for (int i = 0; i < pm_nplan; i++) {
            if (pm_plan[i].actor != u)
                continue;
            errno = 0;
            int r = pm_plan[i].fn(pm_plan[i].path, u);
            pm_got[pm_plan[i].row] = r == -1 ? errno : 0;
        }
        _exit(0);
    }
    if (pid < 0 || ct_wait(pid, 60000) != 0)
        FAIL("actor %s did not finish", u->name);
}

/* Run all actors, then compare every row. */
static void pm_judge(void)
{
    pm_run_actor(&pm_a);
    pm_run_actor(&pm_b);
    pm_run_actor(&pm_root);
    int bad = 0, first = -1;
    for (int i = 0; i < pm_nrows; i++) {
        if (pm_got[i] == pm_rows[i].want)
            continue;
        if (first < 0)
            first = i;
        bad++;
        if (ct_verbose || bad <= 20)
            printf("  differs: %s: got %s, rules say %s\n", pm_rows[i].what,
                   ct_errname(pm_got[i]), ct_errname(pm_rows[i].want));
    }
    if (bad)
        FAIL("%d of %d rows differ from the rules; first: %s: got %s, "
             "expected %s", bad, pm_nrows, pm_rows[first].what,
             ct_errname(pm_got[first]), ct_errname(pm_rows[first].want));
    else
        ct_note("%d rows as the rules say", pm_nrows);
}

/* Does the mount keep user.* attributes?  Where it does not (a file
 * system without extended attributes), the attribute rows are left out:
 * they would test the missing feature, not the permission rules. */
static int pm_has_xattrs;

static void pm_probe_xattrs(void)
{
    pm_has_xattrs = 1;
    if (ct_touch("xattr-probe") == 0 &&
        setxattr("xattr-probe", "user.probe", "p", 1, 0) == -1 &&
        (errno == ENOTSUP || errno == ENOSYS))
        pm_has_xattrs = 0;
    unlink("xattr-probe");
    if (!pm_has_xattrs)
        ct_note("no user.* attributes here: their rows are left out");
}

static int pm_plan_alloc(void)
{
    if (pm_setup())
        return -1;
    pm_probe_xattrs();
    pm_plan = calloc(PM_MAX_PLAN, sizeof *pm_plan);
    pm_nplan = 0;
    if (!pm_plan) {
        FAIL("out of memory");
        return -1;
    }
    return 0;
}

/* ---- operations on files -------------------------------------------------- */

static int op_open(const char *p, int flags)
{
    int fd = open(p, flags | O_CLOEXEC, 0644);
    return fd < 0 ? -1 : close(fd);
}
static int f_open_r(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_RDONLY); }
static int f_open_w(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_WRONLY); }
static int f_open_rw(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_RDWR); }
static int f_open_r_trunc(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_RDONLY | O_TRUNC); }
static int f_open_w_trunc(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_WRONLY | O_TRUNC); }
static int f_open_creat(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_WRONLY | O_CREAT); }
static int f_open_excl(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_WRONLY | O_CREAT | O_EXCL); }
static int f_truncate(const char *p, const struct pm_user *u) { (void)u; return truncate(p, 1); }
static int f_utime_now(const char *p, const struct pm_user *u) { (void)u; return utimensat(AT_FDCWD, p, NULL, 0); }
static int f_utime_set(const char *p, const struct pm_user *u)
{
    (void)u;
    struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
    return utimensat(AT_FDCWD, p, ts, 0);
}
static int f_chmod(const char *p, const struct pm_user *u) { (void)u; return chmod(p, 0751); }
static int f_chown_away(const char *p, const struct pm_user *u)
{
    /* to the other user: only root may give a file away */
    return chown(p, u->uid == pm_a.uid ? pm_b.uid : pm_a.uid, (gid_t)-1);
}
static int f_chgrp_mine(const char *p, const struct pm_user *u)
{
    /* to a group of the caller's own: the owner may */
    return chown(p, (uid_t)-1, u->supp != (gid_t)-1 ? u->supp : u->gid);
}
static int f_setxattr(const char *p, const struct pm_user *u) { (void)u; return setxattr(p, "user.new", "x", 1, 0); }
static int f_getxattr(const char *p, const struct pm_user *u)
{
    (void)u;
    char v[8];
    return getxattr(p, "user.pm", v, sizeof v) < 0 ? -1 : 0;
}
static int f_access_r(const char *p, const struct pm_user *u) { (void)u; return access(p, R_OK); }
static int f_access_w(const char *p, const struct pm_user *u) { (void)u; return access(p, W_OK); }
static int f_access_x(const char *p, const struct pm_user *u) { (void)u; return access(p, X_OK); }

/* What the rules say for each file operation. */
enum { PM_OWNER_ONLY = -2, PM_ROOT_ONLY = -3, PM_CHGRP = -4, PM_TIMES = -5,
       PM_EXISTS = -6 };

struct pm_file_op {
    const char *name;
    pm_op_fn fn;
    int rule;   /* permission bits needed (EACCES without), or a PM_* */
};

static const struct pm_file_op pm_file_ops[] = {
    { "open_r", f_open_r, 4 },
    { "open_w", f_open_w, 2 },
    { "open_rw", f_open_rw, 6 },
    { "open_r_trunc", f_open_r_trunc, 6 },
    { "open_w_trunc", f_open_w_trunc, 2 },
    { "open_creat", f_open_creat, 2 },
    { "open_creat_excl", f_open_excl, PM_EXISTS },
    { "truncate", f_truncate, 2 },
    { "utime_now", f_utime_now, PM_TIMES },
    { "utime_set", f_utime_set, PM_OWNER_ONLY },
    { "chmod", f_chmod, PM_OWNER_ONLY },
    { "chown_away", f_chown_away, PM_ROOT_ONLY },
    { "chgrp_mine", f_chgrp_mine, PM_CHGRP },
    { "setxattr", f_setxattr, 2 },
    { "getxattr", f_getxattr, 4 },
    { "access_r", f_access_r, 4 },
    { "access_w", f_access_w, 2 },
    { "access_x", f_access_x, 1 },
};

static int pm_file_expect(const struct pm_file_op *op, const struct pm_user *u,
                          uid_t owner, gid_t group, mode_t mode)
{
    int root = u->uid == 0, own = u->uid == owner;
    switch (op->rule) {
    case PM_EXISTS:
        return EEXIST;
    case PM_OWNER_ONLY:
        return root || own ? 0 : EPERM;
    case PM_ROOT_ONLY:
        return root ? 0 : EPERM;
    case PM_CHGRP:
        return root || own ? 0 : EPERM;   /* the group is always the caller's */
    case PM_TIMES:
        return root || own || pm_may(u, owner, group, mode, 2) ? 0 : EACCES;
    default:
        return pm_may(u, owner, group, mode, (unsigned)op->rule) ? 0 : EACCES;
    }
}

static const mode_t pm_file_modes[] = { 0000, 0400, 0200, 0100, 0600, 0060,
                                        0006, 0640, 0604, 0046, 0777, 0755 };

/* One cell of a matrix: an ownership situation, a mode and an actor. */
struct pm_cell {
    uid_t uid;
    gid_t gid;
    const char *owner;   /* pm_owners[].name */
    mode_t mode;
    const struct pm_user *actor;
};

/* Call fn for every ownership situation x mode x actor; stop at the first
 * -1 it returns (a fixture that could not be made, already reported). */
static int pm_each_cell(const mode_t *modes, size_t nmodes,
                        int (*fn)(const struct pm_cell *c, int *n))
{
    const struct pm_user *actors[] = { &pm_a, &pm_b, &pm_root };
    int n = 0;
    for (size_t o = 0; o < sizeof pm_owners / sizeof pm_owners[0]; o++)
        for (size_t m = 0; m < nmodes; m++)
            for (size_t a = 0; a < 3; a++) {
                struct pm_cell c = { pm_uid(pm_owners[o].uid_of),
                                     pm_gid(pm_owners[o].gid_of),
                                     pm_owners[o].name, modes[m], actors[a] };
                if (fn(&c, &n) == -1)
                    return -1;
            }
    return 0;
}

static int file_cell(const struct pm_cell *c, int *n)
{
    for (size_t k = 0; k < sizeof pm_file_ops / sizeof pm_file_ops[0]; k++) {
        const struct pm_file_op *op = &pm_file_ops[k];
        /* root's column only where root's rules differ */
        if (c->actor->uid == 0 && op->rule != 1 && op->rule != 6 &&
            op->rule != PM_ROOT_ONLY)
            continue;
        if (!pm_has_xattrs && (op->fn == f_setxattr || op->fn == f_getxattr))
            continue;
        char path[64];
        snprintf(path, sizeof path, "f%d", (*n)++);
        if (pm_make(path, 0, c->uid, c->gid, c->mode) == -1) {
            FAIL("fixture %s: %s", path, ct_errname(errno));
            return -1;
        }
        pm_add(c->actor, op->fn, path,
               pm_file_expect(op, c->actor, c->uid, c->gid, c->mode | S_IFREG),
               "%s by %s on file %04o %s", op->name, c->actor->name,
               (unsigned)c->mode, c->owner);
    }
    return 0;
}

static void matrix_files(void)
{
    if (pm_plan_alloc())
        return;
    if (pm_each_cell(pm_file_modes,
                     sizeof pm_file_modes / sizeof pm_file_modes[0],
                     file_cell) == 0)
        pm_judge();
}

/* ---- operations on directories -------------------------------------------- */

/* Each fixture directory holds "f" (a file), "e" (an empty directory) and
 * "r" (a file to rename); "pub" (0777) beside the fixtures takes renames
 * out, and "src.A"/"src.B" are files of each user to link from. */
static int d_list(const char *p, const struct pm_user *u) { (void)u; return op_open(p, O_RDONLY | O_DIRECTORY); }
static int d_search(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    struct stat sb;
    snprintf(q, sizeof q, "%s/f", p);
    return stat(q, &sb);
}
static int d_create(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/new", p);
    return op_open(q, O_WRONLY | O_CREAT | O_EXCL);
}
static int d_mkdir(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/newd", p);
    return mkdir(q, 0755);
}
static int d_mknod(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/fifo", p);
    return mknod(q, S_IFIFO | 0644, 0);
}
static int d_symlink(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/sl", p);
    return symlink("f", q);
}
static int d_link(const char *p, const struct pm_user *u)
{
    char q[200], src[32];
    snprintf(q, sizeof q, "%s/ln", p);
    snprintf(src, sizeof src, "src.%u", (unsigned)u->uid);
    return link(src, q);
}
static int d_unlink(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/f", p);
    return unlink(q);
}
static int d_rmdir(const char *p, const struct pm_user *u)
{
    (void)u;
    char q[200];
    snprintf(q, sizeof q, "%s/e", p);
    return rmdir(q);
}
static int d_rename_in(const char *p, const struct pm_user *u)
{
    (void)u;
    char a[200], b[200];
    snprintf(a, sizeof a, "%s/r", p);
    snprintf(b, sizeof b, "%s/r2", p);
    return rename(a, b);
}
static int d_rename_out(const char *p, const struct pm_user *u)
{
    (void)u;
    char a[200], b[200];
    snprintf(a, sizeof a, "%s/r", p);
    snprintf(b, sizeof b, "pub/%s.%u", p, (unsigned)u->uid);
    return rename(a, b);
}
static int d_chdir(const char *p, const struct pm_user *u)
{
    (void)u;
    /* in the actor's child: going back is not needed, every path used
     * after this is absolute or made relative again below */
    int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = chdir(p);
    int e = errno;
    if (fchdir(fd) == -1)
        _exit(2);
    close(fd);
    errno = e;
    return r;
}
static int d_setxattr(const char *p, const struct pm_user *u) { (void)u; return setxattr(p, "user.new", "x", 1, 0); }

struct pm_dir_op {
    const char *name;
    pm_op_fn fn;
    unsigned need;   /* permission bits on the directory */
};

static const struct pm_dir_op pm_dir_ops[] = {
    { "list", d_list, 4 },        { "search", d_search, 1 },
    { "create", d_create, 3 },    { "mkdir", d_mkdir, 3 },
    { "mknod_fifo", d_mknod, 3 }, { "symlink", d_symlink, 3 },
    { "link", d_link, 3 },        { "unlink", d_unlink, 3 },
    { "rmdir", d_rmdir, 3 },      { "rename_in", d_rename_in, 3 },
    { "rename_out", d_rename_out, 3 }, { "chdir", d_chdir, 1 },
    { "setxattr", d_setxattr, 2 },
};

static const mode_t pm_dir_modes[] = { 0000, 0700, 0500, 0300, 0100, 0070,
                                       0050, 0030, 0007, 0005, 0003, 0711,
                                       0777 };

static int pm_dir_fixture(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    char q[200];
    if (mkdir(path, 0755) == -1)
        return -1;
    snprintf(q, sizeof q, "%s/f", path);
    if (ct_touch(q) == -1)
        return -1;
    snprintf(q, sizeof q, "%s/r", path);
    if (ct_touch(q) == -1)
        return -1;
    snprintf(q, sizeof q, "%s/e", path);
    if (mkdir(q, 0777) == -1)
        return -1;
    return chown(path, uid, gid) == -1 || chmod(path, mode) == -1 ? -1 : 0;
}

static int pm_link_sources(void)
{
    const struct pm_user *us[] = { &pm_a, &pm_b, &pm_root };
    if (mkdir("pub", 0777) == -1 || chmod("pub", 0777) == -1)
        return -1;
    for (int i = 0; i < 3; i++) {
        char src[32];
        snprintf(src, sizeof src, "src.%u", (unsigned)us[i]->uid);
        if (ct_touch(src) == -1 || chown(src, us[i]->uid, us[i]->gid) == -1)
            return -1;
    }
    return 0;
}

static int dir_cell(const struct pm_cell *c, int *n)
{
    /* root searches and writes every directory: a few rows of it are
     * enough */
    if (c->actor->uid == 0 && c->mode != 0000)
        return 0;
    for (size_t k = 0; k < sizeof pm_dir_ops / sizeof pm_dir_ops[0]; k++) {
        const struct pm_dir_op *op = &pm_dir_ops[k];
        if (!pm_has_xattrs && op->fn == d_setxattr)
            continue;
        char path[64];
        snprintf(path, sizeof path, "d%d", (*n)++);
        if (pm_dir_fixture(path, c->uid, c->gid, c->mode) == -1) {
            FAIL("fixture %s: %s", path, ct_errname(errno));
            return -1;
        }
        int want = pm_may(c->actor, c->uid, c->gid, c->mode | S_IFDIR,
                          op->need) ? 0 : EACCES;
        pm_add(c->actor, op->fn, path, want, "%s by %s in dir %04o %s",
               op->name, c->actor->name, (unsigned)c->mode, c->owner);
    }
    return 0;
}

static void matrix_dirs(void)
{
    if (pm_plan_alloc())
        return;
    if (pm_link_sources() == -1) {
        FAIL("fixtures: %s", ct_errname(errno));
        return;
    }
    if (pm_each_cell(pm_dir_modes,
                     sizeof pm_dir_modes / sizeof pm_dir_modes[0],
                     dir_cell) == 0)
        pm_judge();
}

/* ---- sticky directories --------------------------------------------------- */

/* In a sticky directory (01777) a name may be removed or renamed only by
 * the owner of the entry, the owner of the directory, or root.  Entries
 * of A, B and root, in directories of A, B and root; A and B try to
 * unlink, rename, rmdir and rename onto each. */
static int s_unlink(const char *p, const struct pm_user *u) { (void)u; return unlink(p); }
static int s_rmdir(const char *p, const struct pm_user *u) { (void)u; return rmdir(p); }
static int s_rename(const char *p, const struct pm_user *u)
{
    char q[200];
    snprintf(q, sizeof q, "%s.moved%u", p, (unsigned)u->uid);
    return rename(p, q);
}
static int s_replace(const char *p, const struct pm_user *u)
{
    /* rename the caller's own file onto the entry */
    char own[200];
    snprintf(own, sizeof own, "%s.own%u", p, (unsigned)u->uid);
    int fd = open(own, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return rename(own, p);
}

static void matrix_sticky(void)
{
    if (pm_plan_alloc())
        return;
    static const struct { const char *name; pm_op_fn fn; int dir; } ops[] = {
        { "unlink", s_unlink, 0 }, { "rename", s_rename, 0 },
        { "replace", s_replace, 0 }, { "rmdir", s_rmdir, 1 },
    };
    const struct pm_user *owners[] = { &pm_a, &pm_b, &pm_root };
    const struct pm_user *actors[] = { &pm_a, &pm_b };
    int n = 0;
    for (int d = 0; d < 3; d++) {
        char dir[32];
        snprintf(dir, sizeof dir, "t%d", d);
        if (mkdir(dir, 0777) == -1 ||
            chown(dir, owners[d]->uid, owners[d]->gid) == -1 ||
            chmod(dir, 01777) == -1) {
            FAIL("fixture %s: %s", dir, ct_errname(errno));
            return;
        }
        for (int e = 0; e < 3; e++) {
            for (int a = 0; a < 2; a++) {
                for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
                    char path[64];
                    snprintf(path, sizeof path, "%s/x%d", dir, n++);
                    if (pm_make(path, ops[k].dir, owners[e]->uid,
                                owners[e]->gid, ops[k].dir ? 0777 : 0666)) {
                        FAIL("fixture %s: %s", path, ct_errname(errno));
                        return;
                    }
                    const struct pm_user *u = actors[a];
                    int ok = u->uid == owners[e]->uid || u->uid == owners[d]->uid;
                    pm_add(u, ops[k].fn, path, ok ? 0 : EPERM,
                           "%s by %s of %s's entry in sticky dir of %s",
                           ops[k].name, u->name, owners[e]->name,
                           owners[d]->name);
                }
            }
        }
    }
    pm_judge();
}

/* ---- set-user-ID and set-group-ID clearing -------------------------------- */

/* A write, truncate or chown by someone other than root clears S_ISUID,
 * and S_ISGID where the group may execute; without group execute (the old
 * mandatory-locking mark) it stays for a writer in the file's group and
 * goes for one outside it.  Root's writes clear nothing. */
static int x_write(const char *p, const struct pm_user *u)
{
    (void)u;
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, "x", 1);
    close(fd);
    return w == 1 ? 0 : -1;
}
static int x_truncate(const char *p, const struct pm_user *u) { (void)u; return truncate(p, 3); }
static int x_chgrp(const char *p, const struct pm_user *u) { return f_chgrp_mine(p, u); }

static void matrix_setid(void)
{
    if (pm_plan_alloc())
        return;
    static const struct { const char *name; pm_op_fn fn; } ops[] = {
        { "write", x_write }, { "truncate", x_truncate }, { "chgrp", x_chgrp },
    };
    static const mode_t modes[] = { 06777, 04777, 02777, 02767, 06757 };
    const struct pm_user *actors[] = { &pm_a, &pm_b, &pm_root };
    struct { char path[32]; mode_t want; } files[64];
    int nf = 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            for (int a = 0; a < 3; a++) {
                const struct pm_user *u = actors[a];
                /* chgrp by a non-owner is refused: only the owner's */
                if (ops[k].fn == x_chgrp && u == &pm_b)
                    continue;
                char *path = files[nf].path;
                snprintf(path, sizeof files[nf].path, "s%d", nf);
                if (pm_make(path, 0, pm_a.uid, pm_a.gid, modes[m])) {
                    FAIL("fixture %s: %s", path, ct_errname(errno));
                    return;
                }
                mode_t want = modes[m];
                int root_keeps = u->uid == 0 && ops[k].fn != x_chgrp;
                if (!root_keeps) {
                    want &= ~(mode_t)S_ISUID;
                    /* a writer outside the group loses it even without
                     * group execute (setattr_should_drop_sgid) */
                    if ((want & S_IXGRP) ||
                        (ops[k].fn != x_chgrp && !pm_in_group(u, pm_a.gid)))
                        want &= ~(mode_t)S_ISGID;
                }
                files[nf].want = want;
                pm_add(u, ops[k].fn, path, 0, "%s by %s of %04o (then %04o)",
                       ops[k].name, u->name, (unsigned)modes[m],
                       (unsigned)want);
                nf++;
            }
        }
    }
    pm_judge();
    for (int i = 0; i < nf; i++) {
        struct stat sb;
        CHECK_OK(stat(files[i].path, &sb));
        CHECKM((sb.st_mode & 07777) == files[i].want,
               "%s: mode %04o after %s, rules say %04o", files[i].path,
               (unsigned)(sb.st_mode & 07777), pm_rows[i].what,
               (unsigned)files[i].want);
    }
}

const struct ct_case ct_permmatrix_cases[] = {
    { "perm_matrix_files", matrix_files, 120 },
    { "perm_matrix_dirs", matrix_dirs, 120 },
    { "perm_matrix_sticky", matrix_sticky, 60 },
    { "perm_matrix_setid", matrix_setid, 60 },
    { NULL, NULL, 0 },
};
