/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-exerciser: random-operation data-integrity exerciser (like fsx).
 *
 *   fsp-exerciser [-n OPS] [-S SEED] [-l MAXLEN] [-m] [-c N] [-d N] [-v] FILE
 *
 * Does random reads, writes, truncates up and down, fallocate (plain and
 * KEEP_SIZE), hole punches and, with -m, mmap reads and writes on FILE,
 * keeping an in-memory model of what the file must contain.  Every read
 * is compared with the model, the size after every step, the whole file
 * every -c N ops (default 100).  -d N closes the file every N ops, syncs,
 * drops the kernel caches (root) and reopens it before a full compare.
 * fallocate modes the file system refuses with EOPNOTSUPP are noted once
 * and skipped.  On a mismatch: the tail of the op log, the offset and
 * the bytes, exit 1.  On success: "PASS: exerciser N ops seed S".
 *
 *   fsp-exerciser -C SECONDS [-P PROCS] [-S SEED] DIR
 *
 * Concurrency check: PROCS processes (default 4) create, rename, link
 * and unlink files in DIR/d0 and DIR/d1 for SECONDS, each in its own
 * namespace of names and recording what it believes exists; afterwards
 * the two directories must hold exactly the union of the beliefs, with
 * the right content and link counts.  Prints "PASS: concurrency ..." or
 * "FAIL: concurrency: why"; a file system that refuses link() with EPERM
 * or ENOSYS is reported and the run goes on without links.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <getopt.h>
#include <unistd.h>

/* ---- random numbers (xorshift64*) ---------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the data exerciser -------------------------------------------------- */

enum op { OP_READ, OP_WRITE, OP_TRUNC, OP_MAPREAD, OP_MAPWRITE, OP_FALLOC,
          OP_KEEPSIZE, OP_PUNCH, OP_REOPEN, OP_NUM };
static const char *const op_names[] = { "read", "write", "truncate",
    "mapread", "mapwrite", "fallocate", "falloc-keep", "punch", "reopen" };

struct logent {
    long n;
    enum op op;
    long long off, len, size_after;
};

#define LOGN 64
static struct logent oplog[LOGN];
static long nops;

static const char *path;
static int fd = -1;
static unsigned char *model;    /* maxlen bytes, zero beyond size */
static unsigned char *scratch;
static long long size, maxlen;
static int use_mmap, verbose;
static int no_falloc, no_keep, no_punch;
static long pagesz;
static uint64_t seed;

static void log_op(enum op op, long long off, long long len)
{
    struct logent *e = &oplog[nops % LOGN];
    e->n = nops;
    e->op = op;
    e->off = off;
    e->len = len;
    e->size_after = size;
    if (verbose)
        printf("%ld %s %lld %lld size %lld\n", nops, op_names[op], off, len,
               size);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    printf("FAIL: exerciser seed %" PRIu64 " op %ld: ", seed, nops);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nlast operations (newest last):\n");
    long first = nops - LOGN + 1 < 0 ? 0 : nops - LOGN + 1;
    for (long i = first; i <= nops; i++) {
        struct logent *e = &oplog[i % LOGN];
        if (e->n != i)
            continue;
        printf("  %6ld %-11s off %8lld len %7lld -> size %lld\n", e->n,
               op_names[e->op], e->off, e->len, e->size_after);
    }
    fflush(stdout);
    exit(1);
}

/* got[0..len) must equal model[off..off+len). */
static void compare(const unsigned char *got, long long off, long long len,
                    const char *what)
{
    for (long long i = 0; i < len; i++) {
        if (got[i] != model[off + i]) {
            long long bad = off + i;
            printf("%s: mismatch at offset %lld (0x%llx): got 0x%02x, "
                   "expected 0x%02x\n", what, bad, bad, got[i],
                   model[bad]);
            long long s = bad - 8 < off ? off : bad - 8;
            long long e = bad + 8 > off + len ? off + len : bad + 8;
            printf("  offset    got expected\n");
            for (long long k = s; k < e; k++)
                printf("  %-9lld %02x  %02x%s\n", k, got[k - off], model[k],
                       k == bad ? "  <--" : "");
            die("%s: data mismatch at offset %lld", what, bad);
        }
    }
}

static void check_size(const char *what)
{
    struct stat sb;
    if (fstat(fd, &sb) == -1)
        die("fstat after %s: %s", what, strerror(errno));
    if (sb.st_size != size)
        die("size after %s is %lld, expected %lld", what,
            (long long)sb.st_size, size);
}

static void full_compare(const char *what)
{
    check_size(what);
    long long off = 0;
    while (off < size) {
        long long n = size - off < maxlen ? size - off : maxlen;
        ssize_t r = pread(fd, scratch, (size_t)n, off);
        if (r < 0)
            die("pread in full compare: %s", strerror(errno));
        if (r == 0)
            die("short read at %lld in full compare (size %lld)", off, size);
        compare(scratch, off, r, what);
        off += r;
    }
    /* nothing past the end */
    if (pread(fd, scratch, 1, size) != 0)
        die("read past EOF %lld returned data", size);
}

static void do_read(void)
{
    long long off = (long long)rnd_below((uint64_t)maxlen);
    long long len = 1 + (long long)rnd_below((uint64_t)(maxlen - off));
    log_op(OP_READ, off, len);
    ssize_t r = pread(fd, scratch, (size_t)len, off);
    if (r < 0)
        die("pread(%lld, %lld): %s", off, len, strerror(errno));
    long long want = off >= size ? 0 : (size - off < len ? size - off : len);
    if (r != want)
        die("pread(%lld, %lld) returned %zd, expected %lld", off, len, r,
            want);
    compare(scratch, off, r, "read");
}

static void do_write(void)
{
    long long off = (long long)rnd_below((uint64_t)maxlen);
    long long len = 1 + (long long)rnd_below((uint64_t)(maxlen - off));
    if (len > maxlen / 4 + 1)
        len = maxlen / 4 + 1;
    if (off + len > maxlen)
        len = maxlen - off;
    for (long long i = 0; i < len; i++)
        scratch[i] = (unsigned char)(rnd() >> 56);
    log_op(OP_WRITE, off, len);
    ssize_t w = pwrite(fd, scratch, (size_t)len, off);
    if (w != len)
        die("pwrite(%lld, %lld) returned %zd: %s", off, len, w,
            strerror(errno));
    memcpy(model + off, scratch, (size_t)len);
    if (off + len > size)
        size = off + len;
    oplog[nops % LOGN].size_after = size;
    check_size("write");
}

static void set_size(long long ns)
{
    if (ns < size)
        memset(model + ns, 0, (size_t)(size - ns));
    size = ns;
}

static void do_trunc(void)
{
    long long ns = (long long)rnd_below((uint64_t)maxlen + 1);
    if (rnd() % 4 == 0)
        ns = size / 2;        /* more shrinking toward odd sizes */
    set_size(ns);
    log_op(OP_TRUNC, 0, ns);
    if (ftruncate(fd, ns) == -1)
        die("ftruncate(%lld): %s", ns, strerror(errno));
    check_size("truncate");
}

static void do_mapread(void)
{
    if (size == 0)
        return;
    long long off = (long long)rnd_below((uint64_t)size);
    long long len = 1 + (long long)rnd_below((uint64_t)(size - off));
    log_op(OP_MAPREAD, off, len);
    long long pgoff = off & ~(long long)(pagesz - 1);
    size_t mlen = (size_t)(off + len - pgoff);
    unsigned char *m = mmap(NULL, mlen, PROT_READ, MAP_SHARED, fd, pgoff);
    if (m == MAP_FAILED)
        die("mmap read (%lld, %zu): %s", pgoff, mlen, strerror(errno));
    compare(m + (off - pgoff), off, len, "mapread");
    munmap(m, mlen);
}

static void do_mapwrite(void)
{
    long long off = (long long)rnd_below((uint64_t)maxlen);
    long long len = 1 + (long long)rnd_below((uint64_t)(maxlen - off));
    if (len > maxlen / 4 + 1)
        len = maxlen / 4 + 1;
    if (off + len > maxlen)
        len = maxlen - off;
    log_op(OP_MAPWRITE, off, len);
    if (off + len > size) {           /* grow first, as fsx does */
        if (ftruncate(fd, off + len) == -1)
            die("ftruncate before mapwrite: %s", strerror(errno));
        size = off + len;
        oplog[nops % LOGN].size_after = size;
    }
    long long pgoff = off & ~(long long)(pagesz - 1);
    size_t mlen = (size_t)(off + len - pgoff);
    unsigned char *m = mmap(NULL, mlen, PROT_READ | PROT_WRITE, MAP_SHARED,
                            fd, pgoff);
    if (m == MAP_FAILED)
        die("mmap write (%lld, %zu): %s", pgoff, mlen, strerror(errno));
    for (long long i = 0; i < len; i++) {
        unsigned char c = (unsigned char)(rnd() >> 56);
        m[off - pgoff + i] = c;
        model[off + i] = c;
    }
    if (msync(m, mlen, MS_SYNC) == -1)
        die("msync: %s", strerror(errno));
    munmap(m, mlen);
    check_size("mapwrite");
}

static void do_falloc(int mode, enum op op, int *disabled)
{
    long long off = (long long)rnd_below((uint64_t)maxlen);
    long long len = 1 + (long long)rnd_below((uint64_t)(maxlen - off));
    log_op(op, off, len);
    if (fallocate(fd, mode, off, len) == -1) {
        if (errno == EOPNOTSUPP) {
            printf("note: %s: EOPNOTSUPP, not exercised\n", op_names[op]);
            *disabled = 1;
            return;
        }
        die("fallocate(%s, %lld, %lld): %s", op_names[op], off, len,
            strerror(errno));
    }
    if (mode & FALLOC_FL_PUNCH_HOLE) {
        long long end = off + len < size ? off + len : size;
        if (end > off)
            memset(model + off, 0, (size_t)(end - off));
    } else if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > size) {
        size = off + len;
        oplog[nops % LOGN].size_after = size;
    }
    check_size(op_names[op]);
}

static void drop_caches(void)
{
    sync();
    int f = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (f >= 0) {
        if (write(f, "3", 1) != 1) {
            /* not root, or a container: the reopen still counts */
        }
        close(f);
    }
}

static void reopen(int drop)
{
    log_op(OP_REOPEN, 0, 0);
    if (close(fd) == -1)
        die("close: %s", strerror(errno));
    if (drop)
        drop_caches();
    fd = open(path, O_RDWR);
    if (fd < 0)
        die("reopen %s: %s", path, strerror(errno));
    full_compare("reopen");
}

static int exerciser(long n, long cmp_every, long drop_every)
{
    pagesz = sysconf(_SC_PAGESIZE);
    model = calloc(1, (size_t)maxlen);
    scratch = malloc((size_t)maxlen + 1);
    if (!model || !scratch) {
        fprintf(stderr, "fsp-exerciser: out of memory\n");
        return 2;
    }
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "fsp-exerciser: %s: %s\n", path, strerror(errno));
        return 2;
    }
    for (nops = 0; nops < n; nops++) {
        enum op op = (enum op)rnd_below(OP_REOPEN);
        switch (op) {
        case OP_READ: do_read(); break;
        case OP_WRITE: do_write(); break;
        case OP_TRUNC:
            if (rnd() % 3 == 0)     /* truncates a bit rarer */
                do_trunc();
            else
                do_write();
            break;
        case OP_MAPREAD:
            if (use_mmap)
                do_mapread();
            else
                do_read();
            break;
        case OP_MAPWRITE:
            if (use_mmap)
                do_mapwrite();
            else
                do_write();
            break;
        case OP_FALLOC:
            if (!no_falloc)
                do_falloc(0, OP_FALLOC, &no_falloc);
            break;
        case OP_KEEPSIZE:
            if (!no_keep)
                do_falloc(FALLOC_FL_KEEP_SIZE, OP_KEEPSIZE, &no_keep);
            break;
        case OP_PUNCH:
            if (!no_punch)
                do_falloc(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                          OP_PUNCH, &no_punch);
            break;
        default: break;
        }
        if (drop_every && nops % drop_every == drop_every - 1)
            reopen(1);
        else if (cmp_every && nops % cmp_every == cmp_every - 1)
            full_compare("periodic compare");
    }
    full_compare("final compare");
    reopen(drop_every != 0);
    close(fd);
    free(model);
    free(scratch);
    printf("PASS: exerciser %ld ops seed %" PRIu64 "\n", n, seed);
    return 0;
}

/* ---- the concurrency check ------------------------------------------------ */

struct belief {
    char name[48];      /* "d0/p1_123" */
    long id;            /* identity of the file (proc * 1e6 + serial) */
};

static const char *cdir;

static void cname(char *out, size_t cap, int proc, long serial)
{
    snprintf(out, cap, "%s/d%d/p%d_%ld", cdir, (int)(rnd() % 2), proc,
             serial);
}

/* One worker: random namespace operations on its own names. */
static int worker(int proc, int secs, int out)
{
    struct belief *b = NULL;
    size_t nb = 0, cap = 0;
    long serial = 0, ops = 0, links_refused = 0;
    int can_link = 1;
    char path2[4200], content[64];
    long long end = now_ms() + secs * 1000LL;
    while (now_ms() < end) {
        if (nb + 1 > cap) {
            cap = cap ? cap * 2 : 256;
            b = realloc(b, cap * sizeof *b);
            if (!b)
                return 2;
        }
        int r = (int)rnd_below(100);
        if (nb >= 400)
            r = 99;                                    /* keep it bounded */
        if (nb == 0 || r < 25) {                       /* create */
            long id = proc * 1000000L + serial;
            cname(path2, sizeof path2, proc, serial++);
            int f = open(path2, O_CREAT | O_EXCL | O_WRONLY, 0644);
            if (f < 0) {
                dprintf(1, "FAIL: concurrency: create %s: %s\n", path2,
                        strerror(errno));
                return 1;
            }
            int len = snprintf(content, sizeof content, "%ld\n", id);
            if (write(f, content, (size_t)len) != len || close(f) == -1) {
                dprintf(1, "FAIL: concurrency: write %s\n", path2);
                return 1;
            }
            snprintf(b[nb].name, sizeof b[nb].name, "%s",
                     path2 + strlen(cdir) + 1);
            b[nb++].id = id;
        } else if (r < 50) {                           /* rename */
            size_t i = rnd_below(nb);
            char from[4200];
            snprintf(from, sizeof from, "%s/%s", cdir, b[i].name);
            if (nb > 1 && rnd() % 5 == 0) {            /* onto an own name */
                size_t j = rnd_below(nb);
                if (j == i)
                    continue;
                snprintf(path2, sizeof path2, "%s/%s", cdir, b[j].name);
                if (rename(from, path2) == -1) {
                    dprintf(1, "FAIL: concurrency: rename %s %s: %s\n",
                            from, path2, strerror(errno));
                    return 1;
                }
                /* a rename between two links of one file is a no-op */
                if (b[i].id != b[j].id) {
                    b[j].id = b[i].id;
                    b[i] = b[--nb];
                }
            } else {
                cname(path2, sizeof path2, proc, serial++);
                if (rename(from, path2) == -1) {
                    dprintf(1, "FAIL: concurrency: rename %s %s: %s\n",
                            from, path2, strerror(errno));
                    return 1;
                }
                snprintf(b[i].name, sizeof b[i].name, "%s",
                         path2 + strlen(cdir) + 1);
            }
        } else if (r < 65 && can_link) {               /* link */
            size_t i = rnd_below(nb);
            char from[4200];
            snprintf(from, sizeof from, "%s/%s", cdir, b[i].name);
            cname(path2, sizeof path2, proc, serial++);
            if (link(from, path2) == -1) {
                if (errno == EPERM || errno == ENOSYS) {
                    can_link = 0;
                    links_refused = errno;
                    continue;
                }
                dprintf(1, "FAIL: concurrency: link %s %s: %s\n", from,
                        path2, strerror(errno));
                return 1;
            }
            snprintf(b[nb].name, sizeof b[nb].name, "%s",
                     path2 + strlen(cdir) + 1);
            b[nb++].id = b[i].id;
        } else {                                       /* unlink */
            size_t i = rnd_below(nb);
            snprintf(path2, sizeof path2, "%s/%s", cdir, b[i].name);
            if (unlink(path2) == -1) {
                dprintf(1, "FAIL: concurrency: unlink %s: %s\n", path2,
                        strerror(errno));
                return 1;
            }
            b[i] = b[--nb];
        }
        ops++;
    }
    if (links_refused)
        dprintf(1, "note: concurrency: link refused with %s; run without "
                   "links\n", strerrorname_np((int)links_refused));
    dprintf(out, "# proc %d ops %ld\n", proc, ops);
    for (size_t i = 0; i < nb; i++)
        dprintf(out, "%s %ld\n", b[i].name, b[i].id);
    free(b);
    return 0;
}

static int cmp_belief(const void *a, const void *b)
{
    return strcmp(((const struct belief *)a)->name,
                  ((const struct belief *)b)->name);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static int concurrency(int secs, int nproc)
{
    char d[4200];
    for (int i = 0; i < 2; i++) {
        snprintf(d, sizeof d, "%s/d%d", cdir, i);
        if (mkdir(d, 0755) == -1 && errno != EEXIST) {
            printf("FAIL: concurrency: mkdir %s: %s\n", d, strerror(errno));
            return 1;
        }
    }
    int fds[64];
    pid_t pids[64];
    for (int p = 0; p < nproc; p++) {
        fds[p] = memfd_create("beliefs", 0);
        if (fds[p] < 0) {
            perror("memfd_create");
            return 2;
        }
        fflush(stdout);
        pids[p] = fork();
        if (pids[p] == 0) {
            rng_state = seed * 7919 + (uint64_t)p * 104729 + 1;
            alarm((unsigned)secs + 60);
            _exit(worker(p, secs, fds[p]));
        }
    }
    int bad = 0;
    for (int p = 0; p < nproc; p++) {
        int st;
        waitpid(pids[p], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("FAIL: concurrency: worker %d ended with status %#x\n", p,
                   st);
            bad = 1;
        }
    }
    if (bad)
        return 1;
    /* the union of the beliefs */
    struct belief *all = NULL;
    size_t n = 0, cap = 0;
    long totalops = 0;
    for (int p = 0; p < nproc; p++) {
        lseek(fds[p], 0, SEEK_SET);
        FILE *fp = fdopen(fds[p], "r");
        char line[256];
        while (fp && fgets(line, sizeof line, fp)) {
            long ops;
            if (sscanf(line, "# proc %*d ops %ld", &ops) == 1) {
                totalops += ops;
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                all = realloc(all, cap * sizeof *all);
                if (!all)
                    return 2;
            }
            if (sscanf(line, "%47s %ld", all[n].name, &all[n].id) == 2)
                n++;
        }
        if (fp)
            fclose(fp);
    }
    qsort(all, n, sizeof *all, cmp_belief);
    long *ids = malloc((n + 1) * sizeof *ids);
    if (!ids)
        return 2;
    for (size_t k = 0; k < n; k++)
        ids[k] = all[k].id;
    qsort(ids, n, sizeof *ids, cmp_long);
    /* every entry on disk is believed in, with the right content and
     * link count */
    size_t found = 0;
    char p2[4400], buf[64];
    for (int i = 0; i < 2 && !bad; i++) {
        snprintf(d, sizeof d, "%s/d%d", cdir, i);
        DIR *dir = opendir(d);
        if (!dir) {
            printf("FAIL: concurrency: opendir %s: %s\n", d, strerror(errno));
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            struct belief key;
            snprintf(key.name, sizeof key.name, "d%d/%.40s", i, e->d_name);
            struct belief *hit = bsearch(&key, all, n, sizeof *all,
                                         cmp_belief);
            if (!hit) {
                printf("FAIL: concurrency: %s exists, nobody created it "
                       "(or it was removed)\n", key.name);
                bad = 1;
                break;
            }
            found++;
            snprintf(p2, sizeof p2, "%s/%s", cdir, key.name);
            int f = open(p2, O_RDONLY);
            ssize_t r = f >= 0 ? read(f, buf, sizeof buf - 1) : -1;
            struct stat sb;
            int st = f >= 0 ? fstat(f, &sb) : -1;
            if (f >= 0)
                close(f);
            if (r <= 0 || st == -1) {
                printf("FAIL: concurrency: cannot read %s\n", key.name);
                bad = 1;
                break;
            }
            buf[r] = 0;
            if (atol(buf) != hit->id) {
                printf("FAIL: concurrency: %s holds file %ld, expected %ld\n",
                       key.name, atol(buf), hit->id);
                bad = 1;
                break;
            }
            nlink_t want = 0;
            long *idp = bsearch(&hit->id, ids, n, sizeof *ids, cmp_long);
            while (idp && idp > ids && idp[-1] == hit->id)
                idp--;
            while (idp && idp < ids + n && *idp == hit->id) {
                want++;
                idp++;
            }
            if (sb.st_nlink != want) {
                printf("FAIL: concurrency: %s has %lu links, expected %lu\n",
                       key.name, (unsigned long)sb.st_nlink,
                       (unsigned long)want);
                bad = 1;
                break;
            }
        }
        closedir(dir);
    }
    if (!bad && found != n) {
        for (size_t k = 0; k < n; k++) {
            snprintf(p2, sizeof p2, "%s/%s", cdir, all[k].name);
            if (access(p2, F_OK) == -1) {
                printf("FAIL: concurrency: %s lost (%zu of %zu names "
                       "found)\n", all[k].name, found, n);
                break;
            }
        }
        bad = 1;
    }
    free(all);
    free(ids);
    if (!bad)
        printf("PASS: concurrency %d procs %d s, %ld ops, %zu names\n", nproc,
               secs, totalops, n);
    return bad;
}

static const char usage_text[] =
    "usage: fsp-exerciser [-n OPS] [-S SEED] [-l MAXLEN] [-m] [-c N] [-d N]\n"
    "                     [-v] FILE\n"
    "       fsp-exerciser -C SECONDS [-P PROCS] [-S SEED] DIR\n"
    "\n"
    "Check a file system's data and names against a model, with random operations.\n"
    "\n"
    "  -n OPS         random operations on FILE (default 10000)\n"
    "  -S SEED        random seed (default: the time), printed to repeat a run\n"
    "  -l MAXLEN      largest file size in bytes (default 262144)\n"
    "  -m             also read and write through mmap\n"
    "  -c N           compare the whole file every N operations (default 100)\n"
    "  -d N           every N operations close, sync, drop caches and reopen\n"
    "  -v             log every operation\n"
    "  -C SECONDS     concurrency check in DIR instead, for SECONDS\n"
    "  -P PROCS       processes of the concurrency check (default 4)\n"
    "  -h, --help     show this help\n";

static void usage(void)
{
    fputs(usage_text, stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    long n = 10000, cmp_every = 100, drop_every = 0;
    int conc_secs = 0, nproc = 4, opt;
    seed = (uint64_t)time(NULL);
    maxlen = 256 * 1024;
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    while ((opt = getopt_long(argc, argv, "n:S:l:mc:d:vC:P:h", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(usage_text, stdout); return 0;
        case 'n': n = atol(optarg); break;
        case 'S': seed = strtoull(optarg, NULL, 0); break;
        case 'l': maxlen = atoll(optarg); break;
        case 'm': use_mmap = 1; break;
        case 'c': cmp_every = atol(optarg); break;
        case 'd': drop_every = atol(optarg); break;
        case 'v': verbose = 1; break;
        case 'C': conc_secs = atoi(optarg); break;
        case 'P': nproc = atoi(optarg); break;
        default: usage();
        }
    }
    if (optind != argc - 1 || maxlen < 16 || n < 0 || nproc < 1 ||
        nproc > 64)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    rng_state = seed * 2654435761ULL + 0x9e3779b97f4a7c15ULL;
    if (conc_secs > 0) {
        cdir = argv[optind];
        return concurrency(conc_secs, nproc);
    }
    path = argv[optind];
    return exerciser(n, cmp_every, drop_every);
}
