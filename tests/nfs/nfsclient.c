/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nfsclient: an NFS client for tests/nfs.sh and bench/nfs.sh, on libnfs,
 * driven one command a line on stdin, answering one line each ("OK ..."
 * or "ERR ...") so that a test keeps it running and reuses what it holds:
 * the mount's root file handle, through which every path is looked up
 * again, and open files' handles ("hold"), across the server evicting
 * its caches and restarting.
 *
 *   nfsclient SERVER EXPORT VERSION        (VERSION 3 or 4)
 *   put LOCAL REMOTE | get REMOTE LOCAL | ls DIR | mv A B | rm P |
 *   mkdir P | rmdir P | hold SLOT REMOTE | readheld SLOT LOCAL |
 *   writeheld SLOT LOCAL | putack LOCAL REMOTE CHUNK | quit
 *
 * putack writes CHUNK bytes at a time, each made stable (COMMIT) before
 * it prints "ACK bytes-so-far": what a server acknowledged that way must
 * survive the server dying.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h> /* libnfs.h needs struct timeval */
#include <nfsc/libnfs.h>

#define SLOTS 16
#define IO (64 * 1024)

static struct nfs_context *nfs;
static struct nfsfh *held[SLOTS];

static int err(const char *what)
{
    printf("ERR %s: %s\n", what, nfs_get_error(nfs));
    return 0;
}

static int put(const char *local, const char *remote, size_t chunk, int ack)
{
    FILE *in = fopen(local, "rb");
    if (!in) {
        printf("ERR open %s\n", local);
        return 0;
    }
    struct nfsfh *fh;
    if (nfs_create(nfs, remote, O_WRONLY | O_CREAT | O_TRUNC, 0644, &fh)) {
        fclose(in);
        return err("create");
    }
    char *buf = malloc(chunk);
    uint64_t off = 0;
    size_t n;
    int ok = buf != NULL;
    while (ok && (n = fread(buf, 1, chunk, in)) > 0) {
        for (size_t done = 0; ok && done < n;) {
            int w = nfs_pwrite(nfs, fh, off + done, n - done, buf + done);
            if (w <= 0)
                ok = 0;
            else
                done += (size_t)w;
        }
        off += n;
        if (ok && ack) {
            if (nfs_fsync(nfs, fh))
                ok = 0;
            else {
                printf("ACK %" PRIu64 "\n", off);
                fflush(stdout);
            }
        }
    }
    free(buf);
    fclose(in);
    if (!ok) {
        err("write");
        nfs_close(nfs, fh);
        return 0;
    }
    if (nfs_fsync(nfs, fh))
        return err("fsync");
    if (nfs_close(nfs, fh))
        return err("close");
    printf("OK %" PRIu64 "\n", off);
    return 0;
}

static int read_all(struct nfsfh *fh, const char *local)
{
    FILE *out = fopen(local, "wb");
    if (!out) {
        printf("ERR open %s\n", local);
        return 0;
    }
    static char buf[IO];
    uint64_t off = 0;
    int r;
    while ((r = nfs_pread(nfs, fh, off, sizeof buf, buf)) > 0) {
        fwrite(buf, 1, (size_t)r, out);
        off += (uint64_t)r;
    }
    fclose(out);
    if (r < 0)
        return err("read");
    printf("OK %" PRIu64 "\n", off);
    return 0;
}

static int write_all(struct nfsfh *fh, const char *local)
{
    FILE *in = fopen(local, "rb");
    if (!in) {
        printf("ERR open %s\n", local);
        return 0;
    }
    static char buf[IO];
    uint64_t off = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (nfs_pwrite(nfs, fh, off, n, buf) != (int)n) {
            fclose(in);
            return err("write");
        }
        off += n;
    }
    fclose(in);
    if (nfs_fsync(nfs, fh))
        return err("fsync");
    printf("OK %" PRIu64 "\n", off);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ls(const char *dir)
{
    struct nfsdir *d;
    if (nfs_opendir(nfs, dir, &d))
        return err("opendir");
    char *names[4096];
    size_t n = 0;
    struct nfsdirent *e;
    while ((e = nfs_readdir(nfs, d)) != NULL && n < 4096)
        if (strcmp(e->name, ".") && strcmp(e->name, ".."))
            names[n++] = strdup(e->name);
    nfs_closedir(nfs, d);
    qsort(names, n, sizeof *names, cmp);
    printf("OK");
    for (size_t i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
    return 0;
}

static int slot_of(const char *s)
{
    int i = atoi(s);
    return i >= 0 && i < SLOTS ? i : -1;
}

static int run(char *line)
{
    char *a[5] = { 0 };
    int n = 0;
    for (char *t = strtok(line, " \n"); t && n < 5; t = strtok(NULL, " \n"))
        a[n++] = t;
    if (n == 0)
        return 0;
    const char *c = a[0];
    int s = n > 1 ? slot_of(a[1]) : -1;
    if (strcmp(c, "quit") == 0)
        return 1;
    if (strcmp(c, "put") == 0 && n == 3)
        return put(a[1], a[2], IO, 0);
    if (strcmp(c, "putack") == 0 && n == 4)
        return put(a[1], a[2], (size_t)atol(a[3]), 1);
    if (strcmp(c, "get") == 0 && n == 3) {
        struct nfsfh *fh;
        if (nfs_open(nfs, a[1], O_RDONLY, &fh))
            return err("open");
        read_all(fh, a[2]);
        nfs_close(nfs, fh);
        return 0;
    }
    if (strcmp(c, "ls") == 0 && n == 2)
        return ls(a[1]);
    if (strcmp(c, "mv") == 0 && n == 3)
        return nfs_rename(nfs, a[1], a[2]) ? err("rename") : !printf("OK\n");
    if (strcmp(c, "rm") == 0 && n == 2)
        return nfs_unlink(nfs, a[1]) ? err("unlink") : !printf("OK\n");
    if (strcmp(c, "mkdir") == 0 && n == 2)
        return nfs_mkdir(nfs, a[1]) ? err("mkdir") : !printf("OK\n");
    if (strcmp(c, "rmdir") == 0 && n == 2)
        return nfs_rmdir(nfs, a[1]) ? err("rmdir") : !printf("OK\n");
    if (strcmp(c, "hold") == 0 && n == 3 && s >= 0) {
        if (held[s])
            nfs_close(nfs, held[s]);
        held[s] = NULL;
        return nfs_open(nfs, a[2], O_RDWR, &held[s]) ? err("open")
                                                      : !printf("OK\n");
    }
    if (strcmp(c, "readheld") == 0 && n == 3 && s >= 0 && held[s])
        return read_all(held[s], a[2]);
    if (strcmp(c, "writeheld") == 0 && n == 3 && s >= 0 && held[s])
        return write_all(held[s], a[2]);
    printf("ERR bad command %s\n", c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: nfsclient SERVER EXPORT 3|4\n");
        return 2;
    }
    nfs = nfs_init_context();
    if (!nfs)
        return 1;
    nfs_set_version(nfs, atoi(argv[3]));
    nfs_set_timeout(nfs, 20000);
    if (nfs_mount(nfs, argv[1], argv[2])) {
        printf("ERR mount: %s\n", nfs_get_error(nfs));
        return 1;
    }
    printf("OK mounted\n");
    fflush(stdout);
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        int quit = run(line);
        fflush(stdout);
        if (quit)
            break;
    }
    for (int i = 0; i < SLOTS; i++)
        if (held[i])
            nfs_close(nfs, held[i]);
    nfs_umount(nfs);
    nfs_destroy_context(nfs);
    return 0;
}
