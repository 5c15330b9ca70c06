/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The integration harness: see harness.h. */
#include "harness.h"

#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int itest_tmpfs;
char itest_memfs[PATH_MAX];
char itest_tool[PATH_MAX];
const char *itest_mnt;
const char *itest_dir;
const char *itest_filter;
int itest_nfailed;

/* ---- time and processes ------------------------------------------------ */

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void msleep(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

int wait_deadline(pid_t pid, int timeout_ms, int *status)
{
    long long end = now_ms() + timeout_ms;
    int st = 0;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            if (status)
                *status = st;
            return 0;
        }
        if (r == -1 && errno != EINTR)
            return -1;
        if (now_ms() >= end)
            return -1;
        msleep(5);
    }
}

int run_cmd(char *const argv[], const char *outpath, int timeout_ms,
            int *status)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(outpath ? outpath : "/dev/null",
                      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        execv(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (wait_deadline(pid, timeout_ms, status) == 0)
        return 0;
    kill(pid, SIGKILL);
    wait_deadline(pid, 5000, status);
    return -1;
}

/* ---- mount table ------------------------------------------------------- */

/* Undo mountinfo's octal escapes (\040 for a space and friends). */
static void unescape(char *s)
{
    char *d = s;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
            s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 4;
        } else {
            *d++ = *s++;
        }
    }
    *d = 0;
}

int mount_count(const char *path, struct mountent *top)
{
    FILE *fp = fopen("/proc/self/mountinfo", "re");
    if (!fp)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline(&line, &cap, fp) > 0) {
        int id = 0, parent = 0;
        char mp[PATH_MAX], opts[512];
        if (sscanf(line, "%d %d %*s %*s %4095s %511s", &id, &parent, mp,
                   opts) != 4)
            continue;
        unescape(mp);
        if (strcmp(mp, path) != 0)
            continue;
        n++;
        if (top) {
            memset(top, 0, sizeof *top);
            top->id = id;
            snprintf(top->opts, sizeof top->opts, "%s", opts);
            char *dash = strstr(line, " - ");
            if (dash) {
                char fst[128] = "", src[256] = "", sup[1024] = "";
                sscanf(dash + 3, "%127s %255s %1023s", fst, src, sup);
                snprintf(top->fstype, sizeof top->fstype, "%s", fst);
                unescape(src);
                snprintf(top->source, sizeof top->source, "%s", src);
                snprintf(top->superopts, sizeof top->superopts, "%s", sup);
            }
        }
    }
    free(line);
    fclose(fp);
    return n;
}

/* The id of the topmost mount at path, or 0. */
static int mount_top_id(const char *path)
{
    struct mountent me;
    return mount_count(path, &me) > 0 ? me.id : 0;
}

int mount_wait_gone(const char *path, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    for (;;) {
        if (mount_count(path, NULL) == 0)
            return 0;
        if (now_ms() >= end)
            return -1;
        msleep(10);
    }
}

void mount_force_detach(const char *path)
{
    for (int i = 0; i < 20 && mount_count(path, NULL) > 0; i++)
        umount2(path, MNT_DETACH);
}

/* ---- starting and stopping file systems -------------------------------- */

size_t fs_output(const struct fs *f, char *buf, size_t size)
{
    buf[0] = 0;
    if (f->tmpfs || !f->errpath[0])
        return 0;
    int fd = open(f->errpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    return (size_t)n;
}

void fs_print_output(const struct fs *f, size_t max)
{
    if (f->tmpfs || !f->errpath[0])
        return;
    int fd = open(f->errpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t len = lseek(fd, 0, SEEK_END);
    off_t from = len > (off_t)max ? len - (off_t)max : 0;
    char buf[4096];
    ssize_t n;
    int bol = 1;
    lseek(fd, from, SEEK_SET);
    printf("  --- memfs output%s ---\n", from ? " (tail)" : "");
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (bol)
                fputs("  | ", stdout);
            putchar(buf[i]);
            bol = buf[i] == '\n';
        }
    }
    if (!bol)
        putchar('\n');
    close(fd);
}

/* Split a space separated argument string into argv (in place). */
static int split_args(char *s, char **argv, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " "); tok && n < max; tok = strtok(NULL, " "))
        argv[n++] = tok;
    return n;
}

static int start_tmpfs(struct fs *f, const char *args)
{
    char copy[1024], *av[32], data[256] = "mode=0755";
    snprintf(copy, sizeof copy, "%s", args ? args : "");
    int n = split_args(copy, av, 32);
    for (int i = 0; i + 1 < n; i++) {
        size_t l = strlen(data);
        if (strcmp(av[i], "-n") == 0)
            snprintf(data + l, sizeof data - l, ",nr_inodes=%s", av[++i]);
        else if (strcmp(av[i], "-s") == 0)
            snprintf(data + l, sizeof data - l, ",size=%s", av[++i]);
    }
    if (mount("tmpfs", f->mnt, "tmpfs", 0, data) != 0) {
        printf("  mount tmpfs on %s (%s): %s\n", f->mnt, data, strerror(errno));
        return -1;
    }
    return 0;
}

/* Is the file system at path answering?  (stat in a child with a short
 * alarm, so a server that does not answer cannot hang us.) */
static int probe_live(const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        alarm(3);
        struct stat st;
        _exit(stat(path, &st) == 0 ? 0 : 1);
    }
    int st = 0;
    if (wait_deadline(pid, 5000, &st) != 0) {
        kill(pid, SIGKILL);
        wait_deadline(pid, 5000, NULL);
        return 0;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int fs_start(struct fs *f, const char *mnt, const char *args)
{
    static int serial;
    memset(f, 0, sizeof *f);
    snprintf(f->mnt, sizeof f->mnt, "%s", mnt);
    f->tmpfs = itest_tmpfs;
    if (f->tmpfs)
        return start_tmpfs(f, args);

    snprintf(f->errpath, sizeof f->errpath, "%s/memfs.%d.out",
             itest_dir ? itest_dir : "/tmp", ++serial);
    /* FSP_ITEST_MEMFS_OPTS is added to every memfs (e.g. "-o io_uring"
     * to run the whole suite over another transport). */
    const char *extra = getenv("FSP_ITEST_MEMFS_OPTS");
    char copy[1024], *av[40];
    snprintf(copy, sizeof copy, "%s %s", extra ? extra : "",
             args ? args : "");
    int n = 0;
    av[n++] = itest_memfs;
    av[n++] = "-f";
    n += split_args(copy, av + n, 35);
    av[n++] = f->mnt;
    av[n] = NULL;

    int before = mount_top_id(mnt);
    int before_dead = before != 0 && !probe_live(mnt);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        printf("  fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open(f->errpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
                      O_CLOEXEC, 0644);
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        execv(av[0], av);
        dprintf(2, "exec %s: %s\n", av[0], strerror(errno));
        _exit(127);
    }
    f->pid = pid;
    /* FSP_ITEST_MOUNT_S: more time for slow starts (an ASan memfs under
     * qemu-user takes seconds just to map its shadow memory). */
    const char *ms_env = getenv("FSP_ITEST_MOUNT_S");
    long long limit = ms_env && atoi(ms_env) > 0 ? atoi(ms_env) * 1000LL : 10000;
    long long start = now_ms(), end = start + limit;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            printf("  memfs %s exited before mounting (%s %d)\n", args ? args : "",
                   WIFEXITED(st) ? "status" : "signal",
                   WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            fs_print_output(f, 2000);
            f->pid = 0;
            return -1;
        }
        int id = mount_top_id(mnt);
        if (id != 0 && id != before)
            return 0;
        /* A dead mount was there: its id may be reused by the new mount,
         * so tell them apart by whether the mount answers. */
        if (id != 0 && id == before && before_dead &&
            now_ms() - start > 100 && probe_live(mnt))
            return 0;
        if (now_ms() >= end) {
            printf("  memfs did not mount %s within %lld s\n", mnt, limit / 1000);
            kill(pid, SIGKILL);
            wait_deadline(pid, 5000, NULL);
            f->pid = 0;
            fs_print_output(f, 2000);
            if (mount_top_id(mnt) != before)
                mount_force_detach(mnt);
            return -1;
        }
        msleep(5);
    }
}

int fs_stop_sig(struct fs *f, int sig)
{
    int rc = 0;
    if (f->tmpfs) {
        if (umount2(f->mnt, 0) != 0) {
            printf("  umount %s: %s\n", f->mnt, strerror(errno));
            mount_force_detach(f->mnt);
            return -1;
        }
        return 0;
    }
    if (f->pid <= 0)
        return -1;
    int st = 0;
    kill(f->pid, sig);
    if (wait_deadline(f->pid, 10000, &st) != 0) {
        printf("  memfs did not exit within 10 s of signal %d; killing it\n", sig);
        kill(f->pid, SIGKILL);
        wait_deadline(f->pid, 5000, &st);
        rc = -1;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("  memfs exited with %s %d after signal %d, expected status 0\n",
               WIFEXITED(st) ? "status" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), sig);
        rc = -1;
    }
    f->pid = 0;
    if (mount_wait_gone(f->mnt, 3000) != 0) {
        printf("  %s still mounted after memfs exited\n", f->mnt);
        mount_force_detach(f->mnt);
        rc = -1;
    }
    if (rc)
        fs_print_output(f, 2000);
    return rc;
}

/* ---- files ------------------------------------------------------------- */

const char *P(const char *fmt, ...)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 8];
    int n = snprintf(b, PATH_MAX, "%s/", itest_mnt ? itest_mnt : ".");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, PATH_MAX - (size_t)n, fmt, ap);
    va_end(ap);
    return b;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return done ? (ssize_t)done : -1;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write_all(fd, data, len);
    int e = errno;
    if (close(fd) != 0 || n != (ssize_t)len) {
        if (n != (ssize_t)len)
            errno = e;
        return -1;
    }
    return 0;
}

ssize_t read_file(const char *path, void *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read_all(fd, buf, size);
    close(fd);
    return n;
}

/* struct linux_dirent64, which glibc does not declare. */
struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Append the entries of one getdents64 result; 0 or -1. */
static int add_names(const char *buf, long len, char ***names, int *n,
                     int *cap)
{
    for (long pos = 0; pos < len;) {
        const struct dirent64_raw *d = (const void *)(buf + pos);
        pos += d->reclen;
        if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
            continue;
        if (*n == *cap) {
            int ncap = *cap ? *cap * 2 : 256;
            char **more = realloc(*names, (size_t)ncap * sizeof *more);
            if (!more)
                return -1;
            *names = more;
            *cap = ncap;
        }
        if (!((*names)[*n] = strdup(d->name)))
            return -1;
        ++*n;
    }
    return 0;
}

int list_names(const char *dir, size_t bufsize, char ***names)
{
    int n = 0, cap = 0, err = 0;
    long len = 0;
    char *buf = malloc(bufsize);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    *names = NULL;
    if (!buf || fd < 0)
        err = -1;
    while (!err && (len = syscall(SYS_getdents64, fd, buf, bufsize)) > 0)
        err = add_names(buf, len, names, &n, &cap);
    if (!err && len < 0)
        err = -1;
    if (fd >= 0)
        close(fd);
    free(buf);
    if (err) {
        free_names(*names, n);
        *names = NULL;
        return -1;
    }
    return n;
}

void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int drop_caches(void)
{
    int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, "3\n", 2);
    close(fd);
    return n == 2 ? 0 : -1;
}

static unsigned char pattern_byte(uint64_t off, unsigned seed)
{
    uint64_t x = (off / 8) * 0x9E3779B97F4A7C15ull + seed;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    return (unsigned char)(x >> ((off % 8) * 8));
}

void fill_pattern(unsigned char *buf, size_t len, off_t off, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pattern_byte((uint64_t)off + i, seed);
}

long long check_pattern(const unsigned char *buf, size_t len, off_t off,
                        unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pattern_byte((uint64_t)off + i, seed))
            return (long long)off + (long long)i;
    return -1;
}

/* ---- running cases ----------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int type,
                    struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static int case_timeout_s(void)
{
    const char *s = getenv("FSP_ITEST_CASE_TIMEOUT");
    int t = s ? atoi(s) : 0;
    return t > 0 ? t : 180;
}

void itest_case(const char *name, void (*fn)(void), const char *args,
                int flags)
{
    if (itest_filter && !strstr(name, itest_filter))
        return;
    if (itest_tmpfs && (flags & IT_MEMFS_ONLY)) {
        printf("SKIP: %s (memfs only)\n", name);
        fflush(stdout);
        return;
    }
    const char *extra = getenv("FSP_ITEST_MEMFS_OPTS");
    if ((flags & IT_NOT_URING) && extra && strstr(extra, "io_uring")) {
        printf("SKIP: %s (not over io_uring; see the case's comment)\n",
               name);
        fflush(stdout);
        return;
    }
    char tmpl[] = "/tmp/fsp-itest.XXXXXX", real[PATH_MAX], dir[3072];
    if (!mkdtemp(tmpl)) {
        printf("  mkdtemp: %s\nFAIL: %s\n", strerror(errno), name);
        fflush(stdout);
        return;
    }
    /* mountinfo shows canonical paths */
    snprintf(dir, sizeof dir, "%.3000s", realpath(tmpl, real) ? real : tmpl);
    char mnt[PATH_MAX];
    snprintf(mnt, sizeof mnt, "%.3000s/mnt", dir);
    chmod(dir, 0755); /* other users (allow_other cases) must get through */
    mkdir(mnt, 0755);

    fflush(stdout);
    fflush(stderr);
    long long start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        setvbuf(stdout, NULL, _IOLBF, 0);
        check_failed = 0;
        itest_dir = dir;
        struct fs f;
        int mounted = 0;
        if (!(flags & IT_NO_MOUNT)) {
            if (fs_start(&f, mnt, args) != 0)
                _exit(1);
            mounted = 1;
            itest_mnt = mnt;
        }
        fn();
        if (mounted && fs_stop(&f) != 0)
            check_failed = 1;
        if (check_failed && mounted && !itest_tmpfs && getenv("FSP_ITEST_VERBOSE"))
            fs_print_output(&f, 4000);
        fflush(stdout);
        _exit(check_failed ? 1 : 0);
    }
    int failed = 0, st = 0;
    if (pid < 0) {
        printf("  fork: %s\n", strerror(errno));
        failed = 1;
    } else {
        setpgid(pid, pid);
        if (wait_deadline(pid, case_timeout_s() * 1000, &st) != 0) {
            printf("  timed out after %d s; killing the case\n", case_timeout_s());
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            wait_deadline(pid, 10000, &st);
            failed = 1;
        } else if (WIFSIGNALED(st)) {
            printf("  case died of signal %d (%s)\n", WTERMSIG(st),
                   strsignal(WTERMSIG(st)));
            failed = 1;
        } else if (WEXITSTATUS(st) != 0) {
            failed = 1;
        }
        /* Stray processes of the case (blocked readers, a memfs). */
        if (failed)
            kill(-pid, SIGKILL);
    }
    if (mount_count(mnt, NULL) > 0 && mount_wait_gone(mnt, 3000) != 0) {
        printf("  a mount was left behind on %s; detaching it\n", mnt);
        mount_force_detach(mnt);
        failed = 1;
    }
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    itest_nfailed += failed;
    printf("%s: %s", failed ? "FAIL" : "PASS", name);
    if (getenv("FSP_ITEST_TIMES"))
        printf(" (%lld ms)", now_ms() - start);
    printf("\n");
    fflush(stdout);
}

uid_t itest_user_uid;
gid_t itest_user_gid;

/* The user fsptest, made for this run when the machine has none, and
 * removed again when the run ends (also on SIGTERM/SIGINT/SIGHUP, as
 * timeout(1) sends), so that a test run leaves no user behind. */
static int user_made;
static pid_t user_owner;   /* only the process that made it removes it */

static void user_remove(void)
{
    if (!user_made || getpid() != user_owner)
        return;
    user_made = 0;
    char *argv[] = { "/usr/sbin/userdel", "fsptest", NULL };
    int st = 0;
    run_cmd(argv, NULL, 30000, &st);
}

static void user_remove_on_signal(int sig)
{
    user_remove();
    signal(sig, SIG_DFL);
    raise(sig);
}

void itest_user_setup(void)
{
    if (geteuid() != 0 || getpwnam("fsptest"))
        return;
    char *argv[] = { "/usr/sbin/useradd", "-M", "-U", "fsptest", NULL };
    int st = 0;
    if (run_cmd(argv, NULL, 30000, &st) != 0 || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0)
        return;   /* the cases that need it say so */
    user_made = 1;
    user_owner = getpid();
    atexit(user_remove);
    signal(SIGTERM, user_remove_on_signal);
    signal(SIGINT, user_remove_on_signal);
    signal(SIGHUP, user_remove_on_signal);
}

int itest_find_user(void)
{
    struct passwd *pw = getpwnam("fsptest");
    if (!pw)
        return -1;
    itest_user_uid = pw->pw_uid;
    itest_user_gid = pw->pw_gid;
    return 0;
}

void itest_as_user(void (*fn)(void), gid_t extra)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        gid_t groups[1] = { extra };
        check_failed = 0;
        umask(022);
        if (setgroups(extra ? 1 : 0, groups) != 0 ||
            setresgid(itest_user_gid, itest_user_gid, itest_user_gid) != 0 ||
            setresuid(itest_user_uid, itest_user_uid, itest_user_uid) != 0) {
            printf("  cannot become fsptest: %s\n", strerror(errno));
            _exit(1);
        }
        fn();
        fflush(stdout);
        _exit(check_failed ? 1 : 0);
    }
    int st = 0;
    CHECK(pid > 0);
    if (pid > 0 && (wait_deadline(pid, 60000, &st) != 0 || !WIFEXITED(st) ||
                    WEXITSTATUS(st) != 0)) {
        printf("  the fsptest child failed\n");
        check_failed = 1;
    }
}
