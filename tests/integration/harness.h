/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Integration test harness: runs memfs (or, with FSP_ITEST_TMPFS=1, a
 * plain tmpfs so the file-system-semantics cases can be checked against
 * the kernel's own reference) on a fresh temporary mountpoint, one case at
 * a time, each case in its own forked process with a deadline so that a
 * hung file system can never hang the suite or leave a mount behind.
 *
 * A case is a void function using CHECK/REQUIRE from tests/check.h.  The
 * file system of the current case is mounted at itest_mnt; P() builds
 * paths under it.
 */
#ifndef FSP_ITEST_HARNESS_H
#define FSP_ITEST_HARNESS_H

#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

#include "../check.h"

/* Case flags. */
#define IT_MEMFS_ONLY 1  /* memfs-specific: reported as SKIP on tmpfs */
#define IT_NO_MOUNT   2  /* the case starts its own file systems in itest_dir */
#define IT_NOT_URING  4  /* skipped when memfs runs over io_uring, for a
                            reason the case states: an abort in kernel 6.18
                            does not end requests a stopped server holds in
                            its ring; ring threads answer only inline */

extern int itest_tmpfs;          /* FSP_ITEST_TMPFS=1: tmpfs instead of memfs */
extern char itest_memfs[PATH_MAX];
extern char itest_tool[PATH_MAX];
extern const char *itest_mnt;    /* mountpoint of the current case's fs */
extern const char *itest_dir;    /* the current case's private temp dir */

/* Run one case (honours the command line filter and IT_* flags). */
void itest_case(const char *name, void (*fn)(void), const char *args,
                int flags);
#define CASE(fn, args, flags) itest_case(#fn, fn, args, flags)

/* The groups, one per file. */
void files_tests(void);
void dirs_tests(void);
void rename_tests(void);
void symlink_tests(void);
void xattr_tests(void);
void times_tests(void);
void limits_tests(void);
void caseins_tests(void);
void options_tests(void);
void failure_tests(void);
void tools_tests(void);
void posix_links_tests(void);
void posix_owner_tests(void);
void posix_times_tests(void);
void posix_space_tests(void);
void posix_tmpfile_tests(void);
void posix_locks_tests(void);
void posix_acl_tests(void);

/* One running file system. */
struct fs {
    char mnt[PATH_MAX];
    char errpath[PATH_MAX];  /* memfs stdout+stderr go here */
    pid_t pid;               /* memfs; 0 for tmpfs or when not running */
    int tmpfs;
};

/* Start memfs -f ARGS MNT (or tmpfs) and wait for the mount; 0 or -1. */
int fs_start(struct fs *f, const char *mnt, const char *args);
/* Stop with sig, wait for exit 0 and the mount to be gone; 0 or -1. */
int fs_stop_sig(struct fs *f, int sig);
static inline int fs_stop(struct fs *f) { return fs_stop_sig(f, SIGTERM); }
/* Print memfs's captured output (indented), at most the last max bytes. */
void fs_print_output(const struct fs *f, size_t max);
/* Read memfs's captured output into buf (NUL terminated); length. */
size_t fs_output(const struct fs *f, char *buf, size_t size);

/* The unprivileged test user "fsptest". */
extern uid_t itest_user_uid;
extern gid_t itest_user_gid;
/* Make the user fsptest for this run if there is none (root only); it
 * is removed when the run ends.  Called once, by main. */
void itest_user_setup(void);
/* Look fsptest up: 0, filling itest_user_uid/gid, or -1. */
int itest_find_user(void);
/* Run fn as fsptest (umask 022, with the extra group `extra` unless 0) in
 * a child; its CHECK failures count as the current case's. */
void itest_as_user(void (*fn)(void), gid_t extra);

/* Mount table. */
struct mountent {
    int id;
    char fstype[128];
    char source[256];
    char opts[512];
    char superopts[1024];
};
/* Number of mounts at path; *top (if non-NULL) gets the topmost one. */
int mount_count(const char *path, struct mountent *top);
/* Wait until nothing is mounted at path; 0, or -1 on timeout. */
int mount_wait_gone(const char *path, int timeout_ms);
/* Lazily detach everything mounted at path. */
void mount_force_detach(const char *path);

/* Process helpers. */
/* waitpid with a deadline: 0 and *status when it exited, -1 on timeout. */
int wait_deadline(pid_t pid, int timeout_ms, int *status);
/* Run argv with stdout+stderr into outpath (or /dev/null); -1 on timeout
 * (the process is then killed), else 0 with *status. */
int run_cmd(char *const argv[], const char *outpath, int timeout_ms,
            int *status);
void msleep(int ms);
long long now_ms(void);

/* Paths and files. */
const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_file(const char *path, const void *data, size_t len);
/* Whole file into buf (at most size bytes); length or -1. */
ssize_t read_file(const char *path, void *buf, size_t size);
int drop_caches(void);
/* Deterministic content: byte at file offset off for a seed. */
void fill_pattern(unsigned char *buf, size_t len, off_t off, unsigned seed);
/* Offset of the first byte that differs from the pattern, or -1. */
long long check_pattern(const unsigned char *buf, size_t len, off_t off,
                        unsigned seed);
/* Write/read all of a buffer, retrying short transfers; bytes or -1. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);
/* The names in dir except "." and "..", in the order getdents64 gives
 * them, read bufsize bytes at a time (a small buffer makes one listing
 * resume across many calls).  Their number, or -1; free with
 * free_names. */
int list_names(const char *dir, size_t bufsize, char ***names);
void free_names(char **names, int n);

#endif
