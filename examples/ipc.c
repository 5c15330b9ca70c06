/* SPDX-License-Identifier: 0BSD */
/*
 * ipc: a file system as an IPC mechanism, the pattern WinFsp documents
 * for its file systems.  The volume has one file, "calc".  A client opens
 * it, writes a request and reads the answer on the same open file; each
 * open has its own context (fsp's per-open `file`), so any number of
 * clients talk at once without seeing each other's answers, and the
 * server learns who asks (fsp_request_uid/pid) with each request.
 *
 * The protocol is a line of text: "add A B", "mul A B", or "who".  Each
 * write is one request; the answer is the text line the following reads
 * return, from its start: reads ignore the file offset and continue
 * where the last read of the answer stopped (the volume is DIRECT_IO, so
 * every read and write reaches the server and the file size means
 * nothing).  Closing the file ends the conversation.
 *
 *   cc -o ipc examples/ipc.c $(PKG_CONFIG_PATH=build/pkgconfig \
 *      pkg-config --cflags --libs fsp)
 *   ./ipc MOUNTPOINT &
 *   exec 3<>MOUNTPOINT/calc; echo "add 2 40" >&3; cat <&3   # 42
 *
 * examples/ipc_client.c is a client in C; docs/ipc.md explains the
 * pattern.
 */
#define _GNU_SOURCE
#include <fsp/fsp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The two nodes never go away: their contexts are these markers. */
static char root_node, calc_node;
static struct timespec started;   /* every time stamp: the server's start */

/* One conversation: the answer to the last request, and how much of it
 * the client has read. */
struct conversation {
    char answer[128];
    size_t len, pos;
};

static void file_info(void *node, struct fsp_file_info *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->index = node == &root_node ? 1 : 2;
    fi->mode = node == &root_node ? S_IFDIR | 0755 : S_IFREG | 0666;
    fi->nlink = node == &root_node ? 2 : 1;
    fi->uid = getuid();
    fi->gid = getgid();
    fi->creation_time = fi->access_time = started;
    fi->write_time = fi->change_time = started;
}

static int ipc_lookup(fsp_request *req, void *parent, const char *name,
                      void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (!parent && strcmp(name, "/") == 0)
        *node = &root_node;
    else if (parent == &root_node && strcmp(name, "calc") == 0)
        *node = &calc_node;
    else
        return -ENOENT;
    file_info(*node, fi);
    return 0;
}

static void ipc_forget(fsp_fs *fs, void *node) { (void)fs; (void)node; }

static int ipc_get_file_info(fsp_request *req, void *node, void *file,
                             struct fsp_file_info *fi)
{
    (void)req;
    (void)file;
    file_info(node, fi);
    return 0;
}

static int ipc_open(fsp_request *req, void *node, uint32_t flags,
                    void **file, struct fsp_file_info *fi)
{
    (void)req;
    (void)flags;
    if (node == &calc_node) {
        *file = calloc(1, sizeof(struct conversation));
        if (!*file)
            return -ENOMEM;
    }
    file_info(node, fi);
    return 0;
}

static void ipc_close(fsp_fs *fs, void *node, void *file)
{
    (void)fs;
    (void)node;
    free(file);
}

/* Answer one request line into c->answer. */
static void answer(fsp_request *req, struct conversation *c, const char *line)
{
    long long a, b;
    char op[8];
    if (sscanf(line, "%7s %lld %lld", op, &a, &b) == 3 &&
        (strcmp(op, "add") == 0 || strcmp(op, "mul") == 0))
        snprintf(c->answer, sizeof c->answer, "%lld\n",
                 op[0] == 'a' ? a + b : a * b);
    else if (strncmp(line, "who", 3) == 0)
        snprintf(c->answer, sizeof c->answer, "uid %u pid %d\n",
                 (unsigned)fsp_request_uid(req), (int)fsp_request_pid(req));
    else
        snprintf(c->answer, sizeof c->answer, "error: say add A B, mul A B or who\n");
    c->len = strlen(c->answer);
    c->pos = 0;
}

static int ipc_write(fsp_request *req, void *node, void *file,
                     const void *buf, uint64_t offset, uint32_t length,
                     uint32_t *bytes_written, struct fsp_file_info *fi)
{
    (void)offset;
    struct conversation *c = file;
    if (!c)
        return -EBADF;
    char line[128];
    size_t n = length < sizeof line - 1 ? length : sizeof line - 1;
    memcpy(line, buf, n);
    line[n] = '\0';
    answer(req, c, line);
    *bytes_written = length;
    file_info(node, fi);
    return 0;
}

static int ipc_read(fsp_request *req, void *node, void *file, void *buf,
                    uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    (void)req;
    (void)node;
    (void)offset;
    struct conversation *c = file;
    if (!c)
        return -EBADF;
    size_t n = c->len - c->pos < length ? c->len - c->pos : length;
    memcpy(buf, c->answer + c->pos, n);
    c->pos += n;
    *bytes_read = (uint32_t)n;
    return 0;
}

static int ipc_read_directory(fsp_request *req, void *node, void *file,
                              const char *marker, struct fsp_dir_buffer *db)
{
    (void)req;
    (void)node;
    (void)file;
    struct fsp_file_info fi;
    file_info(&calc_node, &fi);
    if (!marker)
        fsp_dir_buffer_add(db, "calc", &fi);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]);
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &started);
    struct fsp_volume_params vp = {
        .size = sizeof vp,
        /* every read and write reaches us: nothing is cached */
        .flags = FSP_VOL_DIRECT_IO,
        .fsname = "ipc",
        .subtype = "ipc",
    };
    struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = ipc_lookup,
        .forget = ipc_forget,
        .get_file_info = ipc_get_file_info,
        .open = ipc_open,
        .close = ipc_close,
        .read = ipc_read,
        .write = ipc_write,
        .read_directory = ipc_read_directory,
    };
    fsp_fs *fs = NULL;
    char err[256] = "";
    int r = fsp_fs_new(&vp, &iface, NULL, &fs);
    /* other users' clients too, where we may allow it */
    if (!r)
        r = fsp_fs_mount(fs, argv[1], geteuid() == 0 ? "allow_other" : "",
                         err, sizeof err);
    if (!r)
        r = fsp_fs_set_signal_handlers(fs);
    if (!r)
        r = fsp_fs_run(fs);
    if (r)
        fprintf(stderr, "ipc: %s\n", err[0] ? err : strerror(-r));
    if (fs)
        fsp_fs_delete(fs);
    return r ? 1 : 0;
}
