/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-chaos: load and chaos on a memfs mount (see tests/chaos.sh).
 *
 *   fsp-chaos [-b BUILDDIR] [-t SECONDS] [-c CLIENTS] [-o MOUNT_OPTIONS]
 *             [-S] [-C] [-n NAME] [-l LOGFILE] [-H HANG_MS] MOUNTPOINT
 *
 * Starts BUILDDIR/memfs -f [-S] [-C] [-o MOUNT_OPTIONS] on MOUNTPOINT, CLIENTS client processes
 * (default 8) and one slow reader, and for SECONDS (default 8) keeps
 * them busy while it, at even intervals, in turn SIGKILLs memfs (the old
 * mount must answer ENOTCONN and be unmounted by fsp's watchdog), cuts
 * the mount with `fsptool abort` (memfs must then exit by itself) and
 * stops memfs with SIGTERM (it must unmount and exit 0 under load),
 * restarting memfs on the same mount point each time; the reader is signalled many times
 * a second and killed every 1.5 s.  Then the clients stop, check all
 * they own one last time and exit, and memfs is stopped with SIGTERM.
 *
 * An operation that takes longer than HANG_MS (default 20000) is a hang:
 * reported with the process's wait channel and kernel stack, and killed.
 *
 * Prints the numbers ("stat: ...") and one PASS/FAIL line per property,
 * named chaos_NAME_PROPERTY; exit status 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chaos.h"

/* One operation longer than this is a hang (-H): generous, as the
 * machine may be shared and slow. */
static int HANG_MS = 20000;
#define FINISH_MS 60000        /* clients' final check after stop */
#define READER_KILL_MS 1500
#define SIGNAL_EVERY_MS 3

enum prop {
    P_NO_HANG, P_NO_CORRUPTION, P_NO_UNEXPECTED_ERRORS, P_NO_MEMFS_CRASH,
    P_KILL_ENOTCONN, P_WATCHDOG_UNMOUNT, P_ABORT, P_TERM, P_CLIENTS_MOVED,
    P_INTERRUPT, P_CLEAN, P_COUNT
};

static const char *const prop_names[P_COUNT] = {
    "no_hang", "no_corruption", "no_unexpected_errors", "no_memfs_crash",
    "dead_mount_enotconn", "watchdog_unmount", "abort", "term", "clients_moved",
    "reader_interrupted", "clean",
};

static struct {
    const char *name, *mnt, *build;
    int nclients, seconds;
    struct chaos_memfs memfs;
    pid_t clients[CHAOS_MAX_CLIENTS], reader;
    int64_t reader_killed_ms;
    uint64_t seed;
    char why[P_COUNT][512];     /* first failure per property */
    int skip[P_COUNT];
    char skip_why[P_COUNT][256];
    unsigned kills, aborts, terms, restarts, reader_kills, signals_sent;
    unsigned next_client, client_signals, abort_exit_nonzero;
} O;

static void failp(int p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void failp(int p, const char *fmt, ...)
{
    va_list ap;
    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "fsp-chaos %s: %s: %s\n", O.name, prop_names[p], msg);
    if (!O.why[p][0])
        snprintf(O.why[p], sizeof O.why[p], "%s", msg);
}

static void read_small(const char *path, char *out, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, out, n - 1) : -1;
    out[r > 0 ? r : 0] = 0;
    for (char *c = out; *c; c++)
        if (*c == '\n')
            *c = ' ';
    if (fd >= 0)
        close(fd);
}

/* Where is a stuck process stuck?  (The kernel stack needs root.) */
static void describe_stuck(pid_t pid, char *out, size_t n)
{
    char path[64], wchan[128], stack[320];
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
    read_small(path, wchan, sizeof wchan);
    snprintf(path, sizeof path, "/proc/%d/stack", (int)pid);
    read_small(path, stack, sizeof stack);
    snprintf(out, n, "wchan %s; stack %s", wchan, stack);
}

static pid_t spawn(int id)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (id < 0)
        chaos_reader_main(O.mnt, O.seed);
    chaos_client_main(id, O.nclients, O.mnt, O.seed);
}

static void start_reader(void)
{
    struct chaos_slot *s = &chaos->slot[CHAOS_MAX_CLIENTS];
    s->op_started_ms = 0;
    O.reader = spawn(-1);
    s->pid = O.reader;
}

/* memfs exited while we did not ask it to: a crash if by a signal. */
static void check_memfs_alive(void)
{
    int st;
    if (!O.memfs.pid || waitpid(O.memfs.pid, &st, WNOHANG) != O.memfs.pid)
        return;
    O.memfs.pid = 0;
    if (WIFSIGNALED(st))
        failp(P_NO_MEMFS_CRASH, "memfs died of signal %d (%s)", WTERMSIG(st),
              strsignal(WTERMSIG(st)));
    else
        failp(P_NO_MEMFS_CRASH, "memfs exited by itself with status %d",
              WEXITSTATUS(st));
    chaos_wait_unmounted(O.mnt, 10000);
    int r = chaos_memfs_start(&O.memfs, 15000);
    if (r < 0)
        failp(P_NO_MEMFS_CRASH, "memfs restart: %s", strerror(-r));
    O.restarts++;
}

/* Watch the clients and the reader: stuck operations, deaths. */
static void monitor(void)
{
    int64_t now = chaos_now_ms();
    char where[512];

    for (int i = 0; i <= CHAOS_MAX_CLIENTS; i++) {
        struct chaos_slot *s = &chaos->slot[i];
        int64_t t = s->op_started_ms;
        if (!s->pid || !t || now - t < HANG_MS)
            continue;
        describe_stuck(s->pid, where, sizeof where);
        failp(P_NO_HANG, "%s %d stuck in %s for %lld ms (%s)",
              i == CHAOS_MAX_CLIENTS ? "reader" : "client", i,
              chaos_op_names[s->cur_op], (long long)(now - t), where);
        s->op_started_ms = 0;
        kill(s->pid, SIGKILL);
    }
    /* the reader: signal it, kill it now and then, respawn it */
    if (O.reader_killed_ms) {
        int st;
        if (waitpid(O.reader, &st, WNOHANG) == O.reader) {
            O.reader_killed_ms = 0;
            if (!chaos->stop)
                start_reader();
        } else if (now - O.reader_killed_ms > HANG_MS) {
            describe_stuck(O.reader, where, sizeof where);
            failp(P_NO_HANG, "killed reader not gone after %d ms (%s)",
                  HANG_MS, where);
            O.reader_killed_ms = now;  /* report again later, not each tick */
        }
        return;
    }
    kill(O.reader, SIGUSR1);
    O.signals_sent++;
    /* and one client in turn: its operations must not care */
    kill(O.clients[O.next_client++ % (unsigned)O.nclients], SIGUSR1);
    O.client_signals++;
}

static void kill_reader(void)
{
    if (O.reader_killed_ms)
        return;
    kill(O.reader, SIGKILL);
    O.reader_kills++;
    O.reader_killed_ms = chaos_now_ms();
}

/*
 * Through a descriptor of the dead mount, a lookup must fail with
 * ENOTCONN (and at once).  Done in a child: if the mount hung instead,
 * we would hang with it.
 */
static void probe_dead(int rootfd, const char *event)
{
    int st;
    pid_t pid = fork();
    if (pid == 0) {
        struct stat sb;
        if (fstatat(rootfd, "chaos-probe", &sb, 0) == 0)
            _exit(0);
        _exit(errno & 0xff);
    }
    int64_t deadline = chaos_now_ms() + 5000;
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (chaos_now_ms() > deadline) {
            char where[512];
            describe_stuck(pid, where, sizeof where);
            failp(P_NO_HANG, "lookup on the dead mount after %s hangs (%s)",
                  event, where);
            failp(P_KILL_ENOTCONN, "lookup after %s hangs", event);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return;
        }
        usleep(5000);
    }
    int err = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (!chaos_conn_lost(err))
        failp(P_KILL_ENOTCONN, "lookup on the mount after %s: %s, not ENOTCONN",
              event, err >= 0 ? strerror(err) : "probe crashed");
}

static int open_mount_root(void)
{
    return open(O.mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void restart_memfs(const char *event)
{
    int r = chaos_memfs_start(&O.memfs, 15000);
    if (r < 0)
        failp(P_NO_MEMFS_CRASH, "restart after %s: %s", event, strerror(-r));
    else
        O.restarts++;
    chaos->generation++;
}

static void event_kill(void)
{
    int st, rootfd = open_mount_root();

    O.kills++;
    kill(O.memfs.pid, SIGKILL);
    if (chaos_memfs_wait(&O.memfs, 10000, &st) != 1)
        failp(P_NO_HANG, "memfs not gone 10 s after SIGKILL");
    if (rootfd >= 0) {
        probe_dead(rootfd, "SIGKILL");
        close(rootfd);
    }
    if (chaos_wait_unmounted(O.mnt, 10000) < 0)
        failp(P_WATCHDOG_UNMOUNT, "still mounted 10 s after memfs was killed");
    restart_memfs("kill");
}

static void event_abort(void)
{
    char tool[4096];
    int st, rootfd = open_mount_root();

    O.aborts++;
    snprintf(tool, sizeof tool, "%s/fsptool", O.build);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(tool, tool, "abort", O.mnt, (char *)NULL);
        _exit(127);
    }
    int64_t deadline = chaos_now_ms() + 10000;
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (chaos_now_ms() > deadline) {
            failp(P_ABORT, "fsptool abort hangs");
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        usleep(5000);
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        failp(P_ABORT, "fsptool abort failed (status %#x)", st);
    if (rootfd >= 0) {
        probe_dead(rootfd, "abort");
        close(rootfd);
    }
    /* memfs notices the aborted connection and leaves by itself */
    int r = chaos_memfs_wait(&O.memfs, 10000, &st);
    if (r != 1) {
        failp(P_ABORT, "memfs still running 10 s after the abort");
        kill(O.memfs.pid, SIGKILL);
        chaos_memfs_wait(&O.memfs, 10000, &st);
    } else if (WIFSIGNALED(st)) {
        failp(P_NO_MEMFS_CRASH, "memfs died of signal %d after the abort",
              WTERMSIG(st));
    } else if (WEXITSTATUS(st) != 0) {
        /* Seen once in ~100 aborts: fsp_fs_run returned ECONNABORTED
         * (docs/chaos.md, "Open").  Not a crash and nothing hangs, so it
         * is counted and shown rather than failed. */
        O.abort_exit_nonzero++;
        fprintf(stderr, "fsp-chaos %s: note: memfs exited with status %d "
                "after the abort\n", O.name, WEXITSTATUS(st));
    }
    if (chaos_wait_unmounted(O.mnt, 10000) < 0)
        failp(P_ABORT, "still mounted 10 s after the abort");
    restart_memfs("abort");
}

/* A clean stop under load: memfs unmounts and exits 0, with requests in
 * flight (and, with -S, pended in its completion threads). */
static void event_term(void)
{
    int st, rootfd = open_mount_root();

    O.terms++;
    kill(O.memfs.pid, SIGTERM);
    int r = chaos_memfs_wait(&O.memfs, 15000, &st);
    if (r != 1) {
        failp(P_TERM, "memfs still running 15 s after SIGTERM");
        kill(O.memfs.pid, SIGKILL);
        chaos_memfs_wait(&O.memfs, 10000, &st);
    } else if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0) {
        failp(P_NO_MEMFS_CRASH, "memfs ended with status %#x on SIGTERM", st);
    }
    if (rootfd >= 0) {
        probe_dead(rootfd, "SIGTERM");
        close(rootfd);
    }
    if (chaos_wait_unmounted(O.mnt, 10000) < 0)
        failp(P_TERM, "still mounted 10 s after memfs stopped");
    restart_memfs("SIGTERM");
}

/* Stop everybody; every client must finish its last check and exit 0. */
static void finish(void)
{
    int64_t deadline;
    int st;

    chaos->stop = 1;
    if (!O.reader_killed_ms)
        kill(O.reader, SIGUSR1);
    deadline = chaos_now_ms() + FINISH_MS;
    for (int i = 0; i <= O.nclients; i++) {
        int slot = i == O.nclients ? CHAOS_MAX_CLIENTS : i;
        pid_t pid = i == O.nclients ? O.reader : O.clients[i];
        for (;;) {
            pid_t r = waitpid(pid, &st, WNOHANG);
            if (r == pid)
                break;
            if (r < 0) {
                st = 0;
                break;
            }
            if (chaos_now_ms() > deadline) {
                char where[512];
                describe_stuck(pid, where, sizeof where);
                failp(P_NO_HANG, "%s %d did not finish after stop (%s)",
                      slot == CHAOS_MAX_CLIENTS ? "reader" : "client", i, where);
                kill(pid, SIGKILL);
                waitpid(pid, &st, 0);
                break;
            }
            usleep(10000);
        }
        /* a reader killed on purpose at the end is fine */
        if (slot == CHAOS_MAX_CLIENTS && O.reader_killed_ms)
            continue;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !chaos->slot[slot].finished)
            failp(P_NO_HANG, "%s %d ended badly (status %#x)",
                  slot == CHAOS_MAX_CLIENTS ? "reader" : "client", i, st);
    }
    if (O.memfs.pid) {
        kill(O.memfs.pid, SIGTERM);
        int r = chaos_memfs_wait(&O.memfs, 15000, &st);
        if (r != 1) {
            failp(P_NO_HANG, "memfs did not stop within 15 s of SIGTERM");
            kill(O.memfs.pid, SIGKILL);
            chaos_memfs_wait(&O.memfs, 10000, &st);
        } else if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0) {
            failp(P_NO_MEMFS_CRASH, "memfs ended with status %#x on SIGTERM", st);
        }
    }
    if (chaos_wait_unmounted(O.mnt, 10000) < 0)
        failp(P_CLEAN, "%s still mounted at the end", O.mnt);
    while (waitpid(-1, &st, WNOHANG) > 0) {
    }
}

static void print_stats(int64_t elapsed_ms)
{
    uint64_t ops[OP_COUNT] = { 0 }, total = 0, mism = 0;
    uint64_t rmin = ~0ULL, rmax = 0;
    char line[4096];
    size_t len;

    for (int i = 0; i <= CHAOS_MAX_CLIENTS; i++) {
        struct chaos_slot *s = &chaos->slot[i];
        if (!s->pid)
            continue;
        for (int k = 0; k < OP_COUNT; k++)
            ops[k] += s->ops[k];
        mism += s->mismatches;
        if (i < O.nclients) {
            rmin = s->remounts < rmin ? s->remounts : rmin;
            rmax = s->remounts > rmax ? s->remounts : rmax;
        }
    }
    len = (size_t)snprintf(line, sizeof line, "stat: %s ops", O.name);
    for (int k = 0; k < OP_COUNT; k++) {
        total += ops[k];
        if (ops[k] && len < sizeof line)
            len += (size_t)snprintf(line + len, sizeof line - len, " %s=%llu",
                                    chaos_op_names[k], (unsigned long long)ops[k]);
    }
    printf("%s total=%llu\n", line, (unsigned long long)total);
    for (int kind = 0; kind < 2; kind++) {
        len = (size_t)snprintf(line, sizeof line, "stat: %s errors %s", O.name,
                               kind ? "unexpected" : "expected");
        for (int k = 0; k < OP_COUNT; k++)
            for (int e = 0; e < CHAOS_MAX_ERRNO; e++) {
                uint64_t n = 0;
                for (int i = 0; i <= CHAOS_MAX_CLIENTS; i++)
                    n += kind ? chaos->slot[i].unexpected[k][e]
                              : chaos->slot[i].expected[k][e];
                if (n && len < sizeof line)
                    len += (size_t)snprintf(line + len, sizeof line - len,
                                            " %s/%s=%llu", chaos_op_names[k],
                                            e ? strerrorname_np(e) : "other",
                                            (unsigned long long)n);
            }
        puts(line);
    }
    struct chaos_slot *r = &chaos->slot[CHAOS_MAX_CLIENTS];
    printf("stat: %s events kills=%u aborts=%u (memfs exit status not 0: %u) "
           "terms=%u memfs_restarts=%u "
           "client_remounts_min=%llu client_remounts_max=%llu\n",
           O.name, O.kills, O.aborts, O.abort_exit_nonzero, O.terms, O.restarts,
           (unsigned long long)(rmin == ~0ULL ? 0 : rmin),
           (unsigned long long)rmax);
    printf("stat: %s reader reads=%llu eintr=%llu short=%llu signals_sent=%u "
           "killed_mid_run=%u\n", O.name, (unsigned long long)r->ops[OP_BIGREAD],
           (unsigned long long)r->interrupted, (unsigned long long)r->short_reads,
           O.signals_sent, O.reader_kills);
    printf("stat: %s clients=%d seconds=%d elapsed_ms=%lld mismatches=%llu "
           "client_signals=%u\n", O.name, O.nclients, O.seconds,
           (long long)elapsed_ms, (unsigned long long)mism, O.client_signals);
}

/* Gather what the processes recorded into the properties. */
static void judge(void)
{
    uint64_t rmin = ~0ULL;

    for (int i = 0; i <= CHAOS_MAX_CLIENTS; i++) {
        struct chaos_slot *s = &chaos->slot[i];
        uint64_t unexpected = 0;
        if (!s->pid)
            continue;
        for (int k = 0; k < OP_COUNT; k++)
            for (int e = 0; e < CHAOS_MAX_ERRNO; e++)
                unexpected += s->unexpected[k][e];
        if (unexpected)
            failp(P_NO_UNEXPECTED_ERRORS, "%llu errors; first: %s",
                  (unsigned long long)unexpected, s->first_problem);
        else if (s->mismatches)
            failp(P_NO_CORRUPTION, "%llu mismatches; first: %s",
                  (unsigned long long)s->mismatches, s->first_problem);
        if (i < O.nclients && s->remounts < rmin)
            rmin = s->remounts;
    }
    if (O.restarts && rmin == 0)
        failp(P_CLIENTS_MOVED, "a client never moved to a restarted mount");
    if (!O.aborts) {
        O.skip[P_ABORT] = 1;
        snprintf(O.skip_why[P_ABORT], sizeof O.skip_why[P_ABORT],
                 "run too short for an abort event");
    }
    if (!O.terms) {
        O.skip[P_TERM] = 1;
        snprintf(O.skip_why[P_TERM], sizeof O.skip_why[P_TERM],
                 "run too short for a SIGTERM event");
    }
    struct chaos_slot *r = &chaos->slot[CHAOS_MAX_CLIENTS];
    /* Only synchronous read requests can be interrupted (see reader.c):
     * on a direct-I/O mount, and memfs must be slow for a signal to land
     * while one waits there. */
    if (O.memfs.slowio && O.memfs.nocache) {
        /* A signal every few ms against reads of hundreds of slow
         * requests: most reads must end early.  (The kernel itself cuts
         * one short now and then, dropping a request not yet sent; a
         * quarter is far above that.) */
        uint64_t cut = r->interrupted + r->short_reads;
        uint64_t all = r->ops[OP_BIGREAD] + r->interrupted;
        if (cut * 4 < all || all == 0)
            failp(P_INTERRUPT, "only %llu of %llu reads were cut short by "
                  "%u signals", (unsigned long long)cut,
                  (unsigned long long)all, O.signals_sent);
    } else if (r->interrupted + r->short_reads == 0) {
        O.skip[P_INTERRUPT] = 1;
        snprintf(O.skip_why[P_INTERRUPT], sizeof O.skip_why[P_INTERRUPT],
                 "no read was cut short: the kernel waits for cached and "
                 "O_DIRECT reads uninterruptibly (asserted with -S -C)");
    }
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: fsp-chaos [-b BUILDDIR] [-t SECONDS] [-c CLIENTS] "
        "[-o MOUNT_OPTIONS] [-S] [-C] [-n NAME] [-l LOGFILE] [-H HANG_MS] MOUNTPOINT\n";
    const char *log = "/dev/null";
    int c, failed = 0;

    O.build = "build";
    O.name = "default";
    O.nclients = 8;
    O.seconds = 8;
    O.memfs.opts = "";
    while ((c = getopt(argc, argv, "b:t:c:o:SCn:l:H:")) != -1) {
        switch (c) {
        case 'b': O.build = optarg; break;
        case 't': O.seconds = atoi(optarg); break;
        case 'c': O.nclients = atoi(optarg); break;
        case 'o': O.memfs.opts = optarg; break;
        case 'S': O.memfs.slowio = 1; break;
        case 'C': O.memfs.nocache = 1; break;
        case 'n': O.name = optarg; break;
        case 'l': log = optarg; break;
        case 'H': HANG_MS = atoi(optarg); break;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind + 1 != argc || O.seconds < 1 || O.nclients < 1 ||
        O.nclients > CHAOS_MAX_CLIENTS) {
        fputs(usage, stderr);
        return 2;
    }
    O.mnt = argv[optind];
    O.memfs.build = O.build;
    O.memfs.mnt = O.mnt;
    O.memfs.logpath = log;
    O.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
    printf("stat: %s seed=%llu memfs_options='%s%s%s'\n", O.name,
           (unsigned long long)O.seed, O.memfs.slowio ? "-S " : "",
           O.memfs.nocache ? "-C " : "", O.memfs.opts);

    chaos = mmap(NULL, sizeof *chaos, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (chaos == MAP_FAILED) {
        perror("fsp-chaos: mmap");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    /* Inherited by the reader until it installs its handler: a signal
     * sent before then must not kill it. */
    signal(SIGUSR1, SIG_IGN);
    int r = chaos_memfs_start(&O.memfs, 15000);
    if (r < 0) {
        printf("FAIL: chaos_%s_start: memfs did not mount: %s (log %s)\n",
               O.name, strerror(-r), log);
        return 1;
    }

    int64_t t0 = chaos_now_ms(), end = t0 + (int64_t)O.seconds * 1000;
    int nevents = O.seconds / 4 < 3 ? 3 : O.seconds / 4, done_events = 0;
    int64_t last_reader_kill = t0, last_signal = 0;

    start_reader();
    for (int i = 0; i < O.nclients; i++) {
        O.clients[i] = spawn(i);
        chaos->slot[i].pid = O.clients[i];
    }
    for (;;) {
        int64_t now = chaos_now_ms();
        if (now >= end && done_events == nevents)
            break;  /* (slow events push the end out: all of them run) */
        if (done_events < nevents &&
            now >= t0 + (int64_t)O.seconds * 1000 * (done_events + 1) / (nevents + 1)) {
            switch (done_events++ % 3) {
            case 0: event_kill(); break;
            case 1: event_abort(); break;
            default: event_term(); break;
            }
            continue;
        }
        check_memfs_alive();
        if (now - last_signal >= SIGNAL_EVERY_MS) {
            monitor();
            last_signal = now;
        }
        if (now - last_reader_kill >= READER_KILL_MS) {
            kill_reader();
            last_reader_kill = now;
        }
        usleep(1000);
    }
    /* let a reader killed just now be reaped before the stop */
    for (int i = 0; i < 2000 && O.reader_killed_ms; i++) {
        monitor();
        usleep(1000);
    }
    finish();
    int64_t elapsed = chaos_now_ms() - t0;
    judge();
    print_stats(elapsed);
    for (int p = 0; p < P_COUNT; p++) {
        if (O.why[p][0]) {
            printf("FAIL: chaos_%s_%s: %s\n", O.name, prop_names[p], O.why[p]);
            failed = 1;
        } else if (O.skip[p]) {
            printf("SKIP: chaos_%s_%s: %s\n", O.name, prop_names[p], O.skip_why[p]);
        } else {
            printf("PASS: chaos_%s_%s\n", O.name, prop_names[p]);
        }
    }
    return failed;
}
