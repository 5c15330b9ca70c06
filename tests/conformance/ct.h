/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-tests: the conformance suite that runs against any mount point.
 *
 * Every case runs in its own forked process (its own process group) with
 * the current directory set to a fresh, empty directory inside the mount,
 * under a deadline enforced by the runner.  The verdict state lives in a
 * shared anonymous mapping, so CHECKs made in helper children the case
 * forks count as well.  A case ends in one of:
 *
 *   PASS: name            every check held
 *   FAIL: name: why       the first failed check, with file:line
 *   SKIP: name: why       the kernel or the environment cannot run it
 *
 * SKIP is only for what the kernel reports as unsupported, or for a
 * missing precondition of the environment (not root, no /tmp).  A
 * missing feature of the file system under test is a FAIL, unless the
 * run declares it absent with -x (main.c), which reports those cases as
 * SKIP with the declaration.
 */
#ifndef FSP_CONFORMANCE_CT_H
#define FSP_CONFORMANCE_CT_H

#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

struct ct_case {
    const char *name;
    void (*fn)(void);
    int timeout_s;       /* 0: the default */
};

/* Each source file exports one table, ended by an all-zero entry. */
extern const struct ct_case ct_files_cases[], ct_links_cases[],
    ct_special_cases[], ct_perms_cases[], ct_times_cases[],
    ct_rename_cases[], ct_space_cases[], ct_locks_cases[],
    ct_mmap_cases[], ct_dirs_cases[], ct_xattr_cases[], ct_acl_cases[],
    ct_permmatrix_cases[];

extern int ct_verbose;
extern char ct_mount[];     /* the mount point under test (absolute) */
extern char ct_casedir[];   /* absolute path of the case's directory */

/* ---- verdicts ----------------------------------------------------------- */

void ct_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ct_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ct_failed(void);
const char *ct_errname(int err);

#define CHECK(c)                                                           \
    do {                                                                   \
        if (!(c)) {                                                        \
            int e_ = errno;                                                \
            ct_fail(__FILE__, __LINE__, "%s%s%s%s", #c,                    \
                    e_ ? " (errno " : "", e_ ? ct_errname(e_) : "",        \
                    e_ ? ")" : "");                                        \
        }                                                                  \
    } while (0)

/* A check with its own explanation. */
#define CHECKM(c, ...)                                                     \
    do {                                                                   \
        if (!(c))                                                          \
            ct_fail(__FILE__, __LINE__, __VA_ARGS__);                      \
    } while (0)

#define REQUIRE(c)                                                         \
    do {                                                                   \
        if (!(c)) {                                                        \
            int e_ = errno;                                                \
            ct_fail(__FILE__, __LINE__, "%s%s%s%s", #c,                    \
                    e_ ? " (errno " : "", e_ ? ct_errname(e_) : "",        \
                    e_ ? ")" : "");                                        \
            return;                                                        \
        }                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                     \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                \
        if (a_ != b_)                                                      \
            ct_fail(__FILE__, __LINE__, "%s is %lld, expected %lld (%s)",  \
                    #a, a_, b_, #b);                                       \
    } while (0)

/* A system call that must succeed (return anything but -1). */
#define CHECK_OK(call)                                                     \
    do {                                                                   \
        errno = 0;                                                         \
        long r_ = (long)(call);                                            \
        if (r_ == -1) {                                                    \
            int e_ = errno;                                                \
            ct_fail(__FILE__, __LINE__, "%s failed: %s", #call,            \
                    ct_errname(e_));                                       \
        }                                                                  \
    } while (0)

#define REQUIRE_OK(call)                                                   \
    do {                                                                   \
        errno = 0;                                                         \
        long r_ = (long)(call);                                            \
        if (r_ == -1) {                                                    \
            int e_ = errno;                                                \
            ct_fail(__FILE__, __LINE__, "%s failed: %s", #call,            \
                    ct_errname(e_));                                       \
            return;                                                        \
        }                                                                  \
    } while (0)

/* A system call that must fail with errno e1 (or e2). */
#define CHECK_ERR2(call, e1, e2)                                           \
    do {                                                                   \
        errno = 0;                                                         \
        long r_ = (long)(call);                                            \
        int e_ = errno;                                                    \
        if (r_ != -1 || (e_ != (e1) && e_ != (e2)))                        \
            ct_fail(__FILE__, __LINE__, "%s returned %ld (%s), expected "  \
                    "%s", #call, r_, r_ == -1 ? ct_errname(e_) : "success",\
                    ct_errname(e1));                                       \
    } while (0)
#define CHECK_ERR(call, e) CHECK_ERR2(call, e, e)

#define FAIL(...) ct_fail(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...)                                                          \
    do {                                                                   \
        ct_skip(__VA_ARGS__);                                              \
        return;                                                            \
    } while (0)

/* ---- helpers (util.c) --------------------------------------------------- */

/* fork() after flushing stdio; the child gets a safety alarm(secs). */
pid_t ct_fork(int secs);
/* Wait up to timeout_ms for pid: its exit status 0-255, 128+signal if
 * killed, or -1 after killing it on timeout. */
int ct_wait(pid_t pid, int timeout_ms);
/* Drop root for good in a child: no supplementary groups, then gid, uid. */
int ct_become(uid_t uid, gid_t gid);
#define CT_NOBODY 65534
#define CT_OTHER 65533
int ct_is_root(void);
void ct_msleep(int ms);
long long ct_now_ms(void);

int ct_write_file(const char *path, const void *buf, size_t n);
/* Whole file into buf (at most cap bytes): the length or -1. */
long ct_read_file(const char *path, void *buf, size_t cap);
/* Create an empty file (mode 0644); 0 or -1. */
int ct_touch(const char *path);
/* Bytes [off, off+n) of fd are all zero: 1, else 0 (or -1 on error). */
int ct_all_zero(int fd, off_t off, size_t n);
/* A deterministic pattern byte for offset off under seed s. */
static inline unsigned char ct_pat(unsigned s, unsigned long long off)
{
    return (unsigned char)((off * 131 + s * 7 + (off >> 8)) & 0xff);
}
void ct_fill(unsigned char *buf, size_t n, unsigned seed, off_t off);

int ct_ts_cmp(struct timespec a, struct timespec b);
#define TS_EQ(a, b) (ct_ts_cmp((a), (b)) == 0)
#define TS_GT(a, b) (ct_ts_cmp((a), (b)) > 0)

/* Sleep long enough that coarse file-system clocks move on. */
#define CT_TICK() ct_msleep(25)

#endif
