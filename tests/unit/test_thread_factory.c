/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp_fs_set_thread_factory (needs root and /dev/fuse): a file system
 * whose program makes fsp's threads, as the Go binding does with
 * goroutines.  Over /dev/fuse and, when the kernel's switch is on
 * (/sys/module/fuse/parameters/enable_uring, only read here), over FUSE
 * over io_uring, whose queue threads process requests inline:
 *
 *   - every callback of a kernel request runs on a thread the factory
 *     made, with asynchronous signals blocked and fault signals not;
 *   - spawn is called from fsp_fs_run's thread or a factory thread;
 *   - the pool grows through the factory (slow lookups in parallel);
 *   - fsp_fs_run returns after stop, not before a callback in progress
 *     has finished, and every factory thread's run has returned, with
 *     the thread's own signal mask put back;
 *   - spawn failing: the first one fails fsp_fs_run cleanly (unmounted,
 *     no thread left); a later one leaves the pool with what it has,
 *     which keeps serving, and fsp stops asking.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "fsp/fsp.h"
#include "../check.h"

CHECK_DEFINE_GLOBALS;

#define FUSE_MAGIC 0x65735546
#define MAX_MADE 256

/* ---- the factory: detached pthreads that say who they are ---------------- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t made[MAX_MADE];
static int nmade;
static pthread_t run_thread;          /* the one calling fsp_fs_run */
static atomic_int spawn_calls;        /* every call, refused ones too */
static atomic_int spawn_allow;        /* calls that succeed; then -EAGAIN */
static atomic_int returned;           /* runs that returned */
static atomic_int bad_spawner;        /* spawn called from a foreign thread */
static atomic_int mask_not_restored;

static int is_made(pthread_t t)
{
    int found = 0;
    pthread_mutex_lock(&reg_lock);
    for (int i = 0; i < nmade && !found; i++)
        found = pthread_equal(made[i], t);
    pthread_mutex_unlock(&reg_lock);
    return found;
}

struct job {
    void (*run)(void *arg);
    void *arg;
};

static void *factory_thread(void *p)
{
    struct job j = *(struct job *)p;
    free(p);
    /* A runtime's thread comes with its own mask: here, nothing blocked
     * (whatever the spawning thread had). */
    sigset_t none, cur;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    pthread_mutex_lock(&reg_lock);
    if (nmade < MAX_MADE)
        made[nmade++] = pthread_self();
    pthread_mutex_unlock(&reg_lock);
    j.run(j.arg);
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    if (sigismember(&cur, SIGINT))
        atomic_store(&mask_not_restored, 1);
    atomic_fetch_add(&returned, 1);
    return NULL;
}

static int spawn(void *ctx, void (*run)(void *arg), void *arg)
{
    (void)ctx;
    pthread_t self = pthread_self();
    if (!pthread_equal(self, run_thread) && !is_made(self))
        atomic_store(&bad_spawner, 1);
    if (atomic_fetch_add(&spawn_calls, 1) >= atomic_load(&spawn_allow))
        return -EAGAIN;
    struct job *j = malloc(sizeof *j);
    if (!j)
        return -ENOMEM;
    *j = (struct job){ run, arg };
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&t, &a, factory_thread, j);
    pthread_attr_destroy(&a);
    if (r)
        free(j);
    return -r;
}

/* ---- the file system: a root and any name, "slow*" names slowly --------- */

static atomic_int served;             /* kernel requests seen */
static atomic_int foreign;            /* ... on a thread not the factory's */
static atomic_int bad_mask;           /* ... with the wrong signal mask */
static atomic_int in_slow;            /* slow lookups in progress */
static char root_node, file_node;

static void note_thread(void)
{
    atomic_fetch_add(&served, 1);
    if (!is_made(pthread_self()))
        atomic_store(&foreign, 1);
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    if (!sigismember(&cur, SIGINT) || !sigismember(&cur, SIGTERM) ||
        sigismember(&cur, SIGSEGV) || sigismember(&cur, SIGBUS))
        atomic_store(&bad_mask, 1);
}

static void info(void *node, struct fsp_file_info *fi)
{
    memset(fi, 0, sizeof *fi);
    int root = node == &root_node;
    fi->index = root ? 1 : 2;
    fi->mode = root ? (S_IFDIR | 0755) : (S_IFREG | 0644);
    fi->nlink = root ? 2 : 1;
}

static int t_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (!parent) {              /* the root, on fsp_fs_mount's thread */
        *node = &root_node;
        info(*node, fi);
        return 0;
    }
    note_thread();
    if (strncmp(name, "slow", 4) == 0) {
        atomic_fetch_add(&in_slow, 1);
        usleep(300000);
        atomic_fetch_sub(&in_slow, 1);
    }
    if (strcmp(name, "nothing") == 0)
        return -ENOENT;
    *node = &file_node;
    info(*node, fi);
    return 0;
}

static void t_forget(fsp_fs *fs, void *node)
{
    (void)fs; (void)node;
}

static int t_get_file_info(fsp_request *req, void *node, void *file,
                           struct fsp_file_info *fi)
{
    (void)req; (void)file;
    note_thread();
    info(node, fi);
    return 0;
}

/* ---- the cases ----------------------------------------------------------- */

struct runner {
    fsp_fs *fs;
    int rc;
    atomic_int done;
    int slow_at_return;         /* slow lookups still running then */
};

static void *run_main(void *p)
{
    struct runner *rn = p;
    run_thread = pthread_self();
    rn->rc = fsp_fs_run(rn->fs);
    rn->slow_at_return = atomic_load(&in_slow);
    atomic_store(&rn->done, 1);
    return NULL;
}

static int wait_flag(atomic_int *f, int want, int ms)
{
    for (int i = 0; i < ms && atomic_load(f) != want; i++)
        usleep(1000);
    return atomic_load(f) == want;
}

static void *stat_slow(void *p)
{
    struct stat st;
    stat(p, &st);
    return NULL;
}

static void reset(int allow)
{
    pthread_mutex_lock(&reg_lock);
    nmade = 0;
    pthread_mutex_unlock(&reg_lock);
    atomic_store(&spawn_calls, 0);
    atomic_store(&spawn_allow, allow);
    atomic_store(&returned, 0);
    atomic_store(&bad_spawner, 0);
    atomic_store(&mask_not_restored, 0);
    atomic_store(&served, 0);
    atomic_store(&foreign, 0);
    atomic_store(&bad_mask, 0);
}

static int is_fuse(const char *mnt)
{
    struct statfs sf;
    return statfs(mnt, &sf) == 0 && sf.f_type == FUSE_MAGIC;
}

/* Mount with threads/max_threads and the factory allowing `allow` spawns,
 * run, and (when it serves) stat names, some slow ones in parallel; stop.
 * Returns fsp_fs_run's result. */
static int serve_case(const char *options, unsigned threads, unsigned max,
                      int allow, int expect_serving, const char *transport)
{
    char mnt[] = "/tmp/fsp-tfac.XXXXXX";
    if (!mkdtemp(mnt)) {
        CHECK(0);
        return -errno;
    }
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = t_lookup,
        .forget = t_forget,
        .get_file_info = t_get_file_info,
    };
    /* No caching: every stat is a request. */
    struct fsp_volume_params vp = { .size = sizeof vp };
    fsp_fs *fs = NULL;
    char err[256] = "";
    reset(allow);
    int rc = -EIO;
    if (fsp_fs_new(&vp, &iface, NULL, &fs) != 0) {
        CHECK(0);
        rmdir(mnt);
        return rc;
    }
    fsp_fs_set_threads(fs, threads, max);
    CHECK_EQ(fsp_fs_set_thread_factory(fs, spawn, NULL), 0);
    if (fsp_fs_mount(fs, mnt, options, err, sizeof err) != 0) {
        printf("  mount: %s\n", err);
        check_failed = 1;
        fsp_fs_delete(fs);
        rmdir(mnt);
        return rc;
    }
    /* Too late once mounted. */
    CHECK_EQ(fsp_fs_set_thread_factory(fs, NULL, NULL), -EBUSY);

    static struct runner rn;
    rn = (struct runner){ .fs = fs };
    pthread_t runner;
    if (pthread_create(&runner, NULL, run_main, &rn) != 0) {
        CHECK(0);
        fsp_fs_delete(fs);
        rmdir(mnt);
        return rc;
    }
    if (expect_serving) {
        char path[PATH_MAX];
        struct stat st;
        for (int i = 0; i < 50; i++) {
            snprintf(path, sizeof path, "%s/f%d", mnt, i);
            CHECK(stat(path, &st) == 0);
        }
        snprintf(path, sizeof path, "%s/nothing", mnt);
        CHECK(stat(path, &st) < 0 && errno == ENOENT);
        if (transport) {
            char stats[8192];
            ssize_t n = getxattr(mnt, "user.fsp.stats", stats,
                                 sizeof stats - 1);
            CHECK(n > 0);
            stats[n > 0 ? n : 0] = 0;
            if (!strstr(stats, transport)) {
                printf("  counters do not show \"%s\":\n%s", transport,
                       stats);
                check_failed = 1;
            }
        }
        /* Four slow lookups at once: the pool grows (when allowed). */
        static char slow[4][PATH_MAX];
        pthread_t s[4];
        for (int i = 0; i < 4; i++) {
            snprintf(slow[i], sizeof slow[i], "%s/slow%d", mnt, i);
            CHECK(pthread_create(&s[i], NULL, stat_slow, slow[i]) == 0);
        }
        for (int i = 0; i < 4; i++)
            pthread_join(s[i], NULL);
        /* One more, and stop while it is in the file system. */
        CHECK(pthread_create(&s[0], NULL, stat_slow, slow[0]) == 0);
        CHECK(wait_flag(&in_slow, 1, 5000));
        fsp_fs_stop(fs);
        if (!wait_flag(&rn.done, 1, 20000)) {
            printf("  fsp_fs_run did not return after stop\n");
            check_failed = 1;
            /* Let the stat go, so nothing hangs on the mount. */
            char e[256];
            fsp_abort_connection(mnt, e, sizeof e);
            wait_flag(&rn.done, 1, 20000);
        }
        pthread_join(s[0], NULL);
        CHECK_EQ(rn.slow_at_return, 0);
        CHECK(atomic_load(&served) >= 51);
        CHECK_EQ(atomic_load(&foreign), 0);
        CHECK_EQ(atomic_load(&bad_mask), 0);
    } else if (!wait_flag(&rn.done, 1, 20000)) {
        printf("  fsp_fs_run did not return\n");
        check_failed = 1;
        fsp_fs_stop(fs);
        wait_flag(&rn.done, 1, 20000);
    }
    if (atomic_load(&rn.done)) {
        pthread_join(runner, NULL);
        rc = rn.rc;
    }
    /* Every run returned; the threads end right after. */
    int made_n;
    pthread_mutex_lock(&reg_lock);
    made_n = nmade;
    pthread_mutex_unlock(&reg_lock);
    CHECK(wait_flag(&returned, made_n, 5000));
    CHECK_EQ(atomic_load(&bad_spawner), 0);
    CHECK_EQ(atomic_load(&mask_not_restored), 0);
    CHECK(!is_fuse(mnt));
    fsp_fs_delete(fs);
    rmdir(mnt);
    return rc;
}

static const char *uring_opts;   /* "io_uring" when this run covers it */

static void factory_serves(const char *options, const char *transport)
{
    /* One thread to start and room to grow: the slow lookups make the
     * pool spawn from a dispatcher thread. */
    int rc = serve_case(options, 1, 4, 1000, 1, transport);
    CHECK_EQ(rc, 0);
    int base = options ? get_nprocs_conf() : 0;  /* io_uring queues */
    if (atomic_load(&spawn_calls) < 2 + base) {
        printf("  %d spawns: the pool did not grow through the factory\n",
               atomic_load(&spawn_calls));
        check_failed = 1;
    }
}

static void factory_dev_fuse(void)
{
    factory_serves(NULL, NULL);
}

static void factory_io_uring(void)
{
    factory_serves(uring_opts, "transport io_uring");
}

static void factory_first_spawn_fails(void)
{
    int rc = serve_case(NULL, 2, 4, 0, 0, NULL);
    CHECK_EQ(rc, -EAGAIN);
    CHECK_EQ(atomic_load(&spawn_calls), 1);
    CHECK_EQ(nmade, 0);
}

static void factory_later_spawn_fails(void)
{
    /* Two threads asked for, the second refused: the pool serves with
     * one, slow lookups queue behind each other, and fsp does not ask
     * again (every busy request would). */
    int rc = serve_case(NULL, 2, 8, 1, 1, NULL);
    CHECK_EQ(rc, 0);
    CHECK_EQ(atomic_load(&spawn_calls), 2);
    CHECK_EQ(nmade, 1);
}

static void factory_queue_spawn_fails(void)
{
    /* One dispatcher, then the io_uring queues are refused: the session
     * ends (the kernel would hold their requests forever) and
     * fsp_fs_run says why. */
    int rc = serve_case(uring_opts, 1, 1, 1, 0, NULL);
    CHECK_EQ(rc, -EAGAIN);
    CHECK_EQ(atomic_load(&spawn_calls), 2);
}

#define URING_SWITCH "/sys/module/fuse/parameters/enable_uring"

/* Why the io_uring cases cannot run here, or NULL. */
static const char *no_uring(void)
{
    struct io_uring ring;
    if (io_uring_queue_init(4, &ring, 0) < 0)
        return "io_uring_setup fails here (e.g. qemu-user)";
    io_uring_queue_exit(&ring);
    char on = 0;
    int fd = open(URING_SWITCH, O_RDONLY);
    if (fd < 0 || read(fd, &on, 1) != 1)
        on = 0;
    if (fd >= 0)
        close(fd);
    return on == 'Y' ? NULL : URING_SWITCH " is off (left as it is)";
}

/* With an argument, only the cases whose name contains it. */
int main(int argc, char **argv)
{
    int failed = 0;
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: test_thread_factory (needs root and /dev/fuse)\n");
        return 0;
    }
#define CASE(name)                                                   \
    if (argc < 2 || strstr(#name, argv[1])) {                        \
        RUN(name);                                                   \
        failed |= check_failed;                                      \
    }
    CASE(factory_dev_fuse);
    CASE(factory_first_spawn_fails);
    CASE(factory_later_spawn_fails);
    const char *why = no_uring();
    uring_opts = "io_uring";
    if (why) {
        if (argc < 2 || strstr("factory_io_uring", argv[1]))
            printf("SKIP: factory_io_uring: %s\n", why);
        if (argc < 2 || strstr("factory_queue_spawn_fails", argv[1]))
            printf("SKIP: factory_queue_spawn_fails: %s\n", why);
    } else {
        CASE(factory_io_uring);
        CASE(factory_queue_spawn_fails);
    }
    return failed;
}
