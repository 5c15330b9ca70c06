/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * intr_ll: libfuse's interrupt functions (fuse_req_interrupt_func), seen
 * from a low-level file system and from the processes that read it.
 *
 *   intr_ll MOUNTPOINT        mounts, tests itself, unmounts; exit 0 when
 *                             every check passed (PASS:/FAIL: lines)
 *
 * The same source builds against libfuse 3 (default, FUSE_USE_VERSION 31)
 * and libfuse 2 (-DFUSE_USE_VERSION=26), fsp's or Debian's, so the two
 * libraries can be compared.  The process is the file system; a child it
 * forks drives the tests through the mount, forking readers that it
 * signals while their read waits in the file system:
 *
 *   wake     the read handler registers a function and waits (20 s at
 *            most); the function wakes it and it answers EINTR
 *   reply    the function answers EINTR itself; the handler only returns
 *   late     the handler waits until fuse_req_interrupted says the
 *            INTERRUPT came, then registers: the function must run at
 *            once, inside the registration
 *   quick    a function registered and the read answered at once: the
 *            function must never run
 *   race     many reads, each signalled at a random moment while its
 *            handler registers, waits a little, unregisters and answers
 *            (for the sanitizers: interrupt against reply)
 *
 * A caught signal (SIGUSR1, no SA_RESTART) must make read fail with EINTR
 * well before the handler's 20 s; SIGKILL must let the reader die as
 * promptly (the kernel waits for the answer before it lets it go).
 * Counters the file system keeps are read back through the file "stats".
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 31
#endif
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { ROOT = 1, HELLO, WAKE, REPLY, LATE, QUICK, RACE, STATS, NFILES };
static const char *const names[NFILES] = {
    [HELLO] = "hello", [WAKE] = "wake", [REPLY] = "reply", [LATE] = "late",
    [QUICK] = "quick", [RACE] = "race", [STATS] = "stats",
};

#define HANDLER_WAIT_MS 20000   /* how long a handler waits unwoken */
#define PROMPT_MS 5000          /* what counts as prompt for a reader */

/* The file system's counters and the one condition handlers wait on. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static struct {
    int waiting;        /* handlers waiting now */
    int calls;          /* interrupt functions called */
    int late_inside;    /* late: function ran inside the registration */
    int quick_calls;    /* quick: function ran (must stay 0) */
    int timeouts;       /* handlers that waited in vain */
} st;

/* One waiting handler; lives on its stack, touched under g_lock only. */
struct pend {
    fuse_req_t req;
    int interrupted;
    int registering;    /* late: inside fuse_req_interrupt_func */
    int inside;         /* late: the function ran there */
};

static void deadline(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

/* Wait (g_lock held) until p is interrupted or ms pass; 1 if it was. */
static int wait_pend(struct pend *p, int ms)
{
    struct timespec ts;
    deadline(&ts, ms);
    st.waiting++;
    while (!p->interrupted)
        if (pthread_cond_timedwait(&g_cond, &g_lock, &ts) == ETIMEDOUT)
            break;
    st.waiting--;
    return p->interrupted;
}

/* wake, late, quick, race: tell the waiting handler. */
static void wake_func(fuse_req_t req, void *data)
{
    struct pend *p = data;
    (void)req;
    pthread_mutex_lock(&g_lock);
    st.calls++;
    p->interrupted = 1;
    if (p->registering)
        p->inside = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

/* reply: answer the request from the function itself. */
static void reply_func(fuse_req_t req, void *data)
{
    struct pend *p = data;
    pthread_mutex_lock(&g_lock);
    st.calls++;
    fuse_reply_err(req, EINTR);
    p->interrupted = 1;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

static void fill_stat(fuse_ino_t ino, struct stat *s)
{
    memset(s, 0, sizeof *s);
    s->st_ino = ino;
    s->st_nlink = 1;
    s->st_mode = ino == ROOT ? S_IFDIR | 0755 : S_IFREG | 0444;
    s->st_size = ino == ROOT ? 0 : 4096;
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    for (int i = HELLO; parent == ROOT && i < NFILES; i++)
        if (strcmp(name, names[i]) == 0) {
            struct fuse_entry_param e;
            memset(&e, 0, sizeof e);
            e.ino = (fuse_ino_t)i;
            fill_stat(e.ino, &e.attr);
            fuse_reply_entry(req, &e);
            return;
        }
    fuse_reply_err(req, ENOENT);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino,
                       struct fuse_file_info *fi)
{
    struct stat s;
    (void)fi;
    if (ino >= NFILES) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fill_stat(ino, &s);
    fuse_reply_attr(req, &s, 0);
}

/* direct_io: every read reaches us, synchronously, in the reader's
 * context, which is what the kernel interrupts. */
static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    fi->direct_io = 1;
    fuse_reply_open(req, fi);
}

static void reply_text(fuse_req_t req, const char *s, off_t off)
{
    size_t len = strlen(s);
    if ((size_t)off >= len)
        fuse_reply_buf(req, NULL, 0);
    else
        fuse_reply_buf(req, s + off, len - (size_t)off);
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    struct pend p = { .req = req };
    char buf[128];
    (void)size;
    (void)fi;
    switch (ino) {
    case HELLO:
        reply_text(req, "hello\n", off);
        return;
    case STATS:
        pthread_mutex_lock(&g_lock);
        snprintf(buf, sizeof buf, "%d %d %d %d %d\n", st.waiting, st.calls,
                 st.late_inside, st.quick_calls, st.timeouts);
        pthread_mutex_unlock(&g_lock);
        reply_text(req, buf, off);
        return;
    case WAKE:
    case RACE:
        fuse_req_interrupt_func(req, wake_func, &p);
        pthread_mutex_lock(&g_lock);
        /* race: a random short wait, so the signal lands before, during
         * or after the reply */
        int intr = wait_pend(&p, ino == RACE ? rand() % 3 : HANDLER_WAIT_MS);
        if (!intr && ino == WAKE)
            st.timeouts++;
        pthread_mutex_unlock(&g_lock);
        /* After this the function neither runs nor will run. */
        fuse_req_interrupt_func(req, NULL, NULL);
        if (intr)
            fuse_reply_err(req, EINTR);
        else
            reply_text(req, "not interrupted\n", off);
        return;
    case REPLY:
        fuse_req_interrupt_func(req, reply_func, &p);
        pthread_mutex_lock(&g_lock);
        if (wait_pend(&p, HANDLER_WAIT_MS)) {
            /* answered by reply_func: req is no longer ours */
            pthread_mutex_unlock(&g_lock);
            return;
        }
        st.timeouts++;
        pthread_mutex_unlock(&g_lock);
        fuse_req_interrupt_func(req, NULL, NULL);
        reply_text(req, "not interrupted\n", off);
        return;
    case LATE:
        /* Wait for the INTERRUPT without a function registered. */
        pthread_mutex_lock(&g_lock);
        st.waiting++;
        pthread_mutex_unlock(&g_lock);
        for (int i = 0; i < HANDLER_WAIT_MS / 5 && !fuse_req_interrupted(req);
             i++)
            usleep(5000);
        pthread_mutex_lock(&g_lock);
        st.waiting--;
        p.registering = 1;
        pthread_mutex_unlock(&g_lock);
        fuse_req_interrupt_func(req, wake_func, &p);
        pthread_mutex_lock(&g_lock);
        p.registering = 0;
        if (p.inside)
            st.late_inside++;
        else
            st.timeouts++;
        pthread_mutex_unlock(&g_lock);
        fuse_req_interrupt_func(req, NULL, NULL);
        if (p.interrupted)
            fuse_reply_err(req, EINTR);
        else
            reply_text(req, "not interrupted\n", off);
        return;
    case QUICK:
        fuse_req_interrupt_func(req, wake_func, &p);
        reply_text(req, "quick\n", off);
        /* A function still to come would find p gone: count it. */
        pthread_mutex_lock(&g_lock);
        if (p.interrupted)
            st.quick_calls++;
        pthread_mutex_unlock(&g_lock);
        return;
    default:
        fuse_reply_err(req, EISDIR);
    }
}

static const struct fuse_lowlevel_ops ops = {
    .lookup = ll_lookup,
    .getattr = ll_getattr,
    .open = ll_open,
    .read = ll_read,
};

/* ---- the driver (a child process) ------------------------------------ */

static const char *mnt;
static int failures;

static void check(int ok, const char *what, const char *detail)
{
    printf("%s: %s%s%s%s\n", ok ? "PASS" : "FAIL", what,
           detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
    fflush(stdout);
    if (!ok)
        failures++;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int read_file(const char *name, char *buf, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", mnt, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size - 1);
    int err = errno;
    close(fd);
    if (n < 0)
        return -err;
    buf[n] = 0;
    return (int)n;
}

/* The counters of the file system, in the order of struct st. */
static int stats(int v[5])
{
    char buf[128];
    if (read_file("stats", buf, sizeof buf) < 0)
        return -1;
    return sscanf(buf, "%d %d %d %d %d", &v[0], &v[1], &v[2], &v[3],
                  &v[4]) == 5 ? 0 : -1;
}

/* Wait until a handler waits in the file system. */
static int wait_waiting(void)
{
    int v[5];
    for (int i = 0; i < 500; i++) {
        if (stats(v) == 0 && v[0] > 0)
            return 0;
        usleep(10000);
    }
    return -1;
}

static void on_usr1(int sig) { (void)sig; }

/* What a reader saw: read's result, its errno, how long it took. */
struct seen { long n; int err; long ms; };

/* Fork a reader of `name`; its result comes through *fd. */
static pid_t start_reader(const char *name, int *fd)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        char buf[64];
        long t0 = now_ms();
        int r = read_file(name, buf, sizeof buf);
        struct seen s = { r < 0 ? -1 : r, r < 0 ? -r : 0, now_ms() - t0 };
        if (write(pfd[1], &s, sizeof s) != sizeof s)
            _exit(2);
        _exit(0);
    }
    close(pfd[1]);
    *fd = pfd[0];
    return pid;
}

/* Wait for a reader to end, up to ms; 0 if it did. */
static int reap(pid_t pid, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return 0;
        usleep(10000);
    }
    return -1;
}

/* A reader of `name`, signalled with `sig` once its handler waits. */
static void interrupt_case(const char *name, int sig, const char *what)
{
    char msg[256];
    int v0[5], v1[5], fd;
    if (stats(v0) < 0) {
        check(0, what, "stats unreadable");
        return;
    }
    pid_t pid = start_reader(name, &fd);
    int waited = wait_waiting();
    long t0 = now_ms();
    kill(pid, sig);
    int ended = reap(pid, PROMPT_MS) == 0;
    long ms = now_ms() - t0;
    if (!ended) {
        kill(pid, SIGKILL);
        reap(pid, HANDLER_WAIT_MS + 5000);
    }
    struct seen s = { 0, 0, 0 };
    ssize_t got = read(fd, &s, sizeof s);
    close(fd);
    stats(v1);
    snprintf(msg, sizeof msg, "handler waited %d, ended %d after %ld ms, "
             "read %ld errno %d, functions called %d",
             waited == 0, ended, ms, s.n, s.err, v1[1] - v0[1]);
    int ok = waited == 0 && ended && v1[1] - v0[1] == 1 && v1[4] == v0[4];
    if (sig == SIGKILL)
        ok = ok && got <= 0;        /* it died in read */
    else
        ok = ok && got == sizeof s && s.n == -1 && s.err == EINTR;
    check(ok, what, msg);
}

static int driver(void)
{
    char buf[64];
    int v[5];
    /* Readers inherit the handler, so a signal never finds them without
     * it; no SA_RESTART, so their read fails with EINTR. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    /* The mount serves (INIT is answered by the loop). */
    int r = read_file("hello", buf, sizeof buf);
    check(r == 6 && strcmp(buf, "hello\n") == 0, "hello reads", NULL);

    interrupt_case("wake", SIGUSR1,
                   "wake: SIGUSR1 runs the function at INTERRUPT, read gets EINTR promptly");
    interrupt_case("reply", SIGUSR1,
                   "reply: the function answers EINTR itself");
    interrupt_case("wake", SIGKILL,
                   "wake: SIGKILL runs the function, the reader dies promptly");
    interrupt_case("late", SIGUSR1,
                   "late: INTERRUPT before registration, read gets EINTR");
    check(stats(v) == 0 && v[2] == 1,
          "late: the function ran inside fuse_req_interrupt_func", NULL);

    r = read_file("quick", buf, sizeof buf);
    check(r == 6 && stats(v) == 0 && v[3] == 0,
          "quick: answered read, the function never ran", NULL);

    /* race: a reader reading in a loop, a signal every 0-2 ms. */
    int pfd[2];
    if (pipe(pfd) < 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        int counts[3] = { 0, 0, 0 };    /* data, EINTR, other */
        for (int i = 0; i < 300; i++) {
            int n = read_file("race", buf, sizeof buf);
            counts[n > 0 ? 0 : n == -EINTR ? 1 : 2]++;
        }
        if (write(pfd[1], counts, sizeof counts) != sizeof counts)
            _exit(2);
        _exit(0);
    }
    close(pfd[1]);
    srand((unsigned)getpid());
    while (waitpid(pid, NULL, WNOHANG) == 0) {
        kill(pid, SIGUSR1);
        usleep((useconds_t)(rand() % 2000));
    }
    int counts[3] = { 0, 0, 300 };
    if (read(pfd[0], counts, sizeof counts) != sizeof counts)
        counts[2] = 300;
    close(pfd[0]);
    snprintf(buf, sizeof buf, "%d data, %d EINTR, %d other", counts[0],
             counts[1], counts[2]);
    check(counts[2] == 0 && counts[0] + counts[1] == 300,
          "race: 300 reads signalled at random, each data or EINTR", buf);

    r = read_file("hello", buf, sizeof buf);
    check(r == 6 && strcmp(buf, "hello\n") == 0,
          "the file system still serves after the interrupts", NULL);
    check(stats(v) == 0 && v[0] == 0 && v[4] == 0,
          "no handler left waiting, none timed out", NULL);
    return failures ? 1 : 0;
}

/* ---- setup: the library's own way for each major version ------------- */

static int serve(struct fuse_session *se, pid_t *drv)
{
    fflush(stdout);
    *drv = fork();
    if (*drv == 0) {
        int rc = driver();
        kill(getppid(), SIGTERM);   /* ends the loop */
        _exit(rc);
    }
    if (*drv < 0)
        return -1;
#if FUSE_USE_VERSION < 30
    return fuse_session_loop_mt(se);
#else
    return fuse_session_loop_mt(se, 0);
#endif
}

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]);
        return 2;
    }
    mnt = argv[1];
    char *fargv[] = { argv[0], NULL };
    struct fuse_args args = FUSE_ARGS_INIT(1, fargv);
    pid_t drv = -1;
    int loop = -1;
#if FUSE_USE_VERSION < 30
    struct fuse_chan *ch = fuse_mount(mnt, &args);
    if (!ch)
        return 1;
    struct fuse_session *se = fuse_lowlevel_new(&args, &ops, sizeof ops,
                                                NULL);
    if (se) {
        if (fuse_set_signal_handlers(se) == 0) {
            fuse_session_add_chan(se, ch);
            loop = serve(se, &drv);
            fuse_remove_signal_handlers(se);
            fuse_session_remove_chan(ch);
        }
        fuse_session_destroy(se);
    }
    fuse_unmount(mnt, ch);
    fuse_opt_free_args(&args);
#else
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!se) {
        fuse_opt_free_args(&args);
        return 1;
    }
    if (fuse_set_signal_handlers(se) == 0) {
        if (fuse_session_mount(se, mnt) == 0) {
            loop = serve(se, &drv);
            fuse_session_unmount(se);
        }
        fuse_remove_signal_handlers(se);
    }
    fuse_session_destroy(se);
    fuse_opt_free_args(&args);
#endif
    int status = 1;
    if (drv > 0 && waitpid(drv, &status, 0) != drv)
        status = 1;
    int ok = drv > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
             loop >= 0;
    printf("%s: the loop ended by SIGTERM (%d), the driver exited %d\n",
           ok ? "PASS" : "FAIL", loop,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return ok ? 0 : 1;
}
