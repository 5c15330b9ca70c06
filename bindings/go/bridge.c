/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The C side of the Go binding: fsp calls these functions, which call the
 * Go functions exported in callbacks.go.  Contexts cross as uintptr_t
 * (runtime/cgo handles), never as Go pointers, and the casts between
 * void * and uintptr_t happen here, in C, where they are legal.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <fsp/security.h>

#include "bridge.h"
#include "_cgo_export.h"

#define H(p) ((uintptr_t)(p))
#define P(h) ((void *)(h))
/* Every callback starts with CTX(req): the file system's handle, found
 * here in C (from Go it would be a cgo call of its own in every
 * callback), and now and then a yield to Go's scheduler (enter). */
#define CTX(req) enter(req)

/*
 * Why a dispatcher yields every few milliseconds.  A dispatcher thread
 * spends its whole life in one cgo call (fsp's run), and Go only counts
 * a processor (P) as recently scheduled when a goroutine is started on
 * it.  Go's monitor (sysmon) takes the P of any thread in a cgo call
 * whose P has not scheduled for 10 ms, and checks every 20 us while it
 * finds such Ps: so without this, every request found its thread's P
 * taken, woke another thread to look for work (futex) and kept the
 * monitor polling (nanosleep), about two of each per request.  A
 * runtime.Gosched from the callback reschedules the goroutine on a P,
 * which then counts as fresh for another 10 ms.  It costs a hand-over
 * of the locked thread (a few futex calls), so at most once per
 * YIELD_NS per thread.
 */
#define YIELD_NS 5000000
static _Thread_local uint64_t next_yield_ns;

static uintptr_t enter(fsp_request *req)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (now >= next_yield_ns) {
        next_yield_ns = now + YIELD_NS;
        goYield();
    }
    return H(fsp_fs_context(fsp_request_fs(req)));
}

static int b_get_volume_info(fsp_request *req, struct fsp_volume_info *vi)
{
    return goGetVolumeInfo(req, CTX(req), vi);
}

static int b_set_volume_label(fsp_request *req, const char *label,
                              struct fsp_volume_info *vi)
{
    return goSetVolumeLabel(req, CTX(req), (char *)label, vi);
}

static int b_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    uintptr_t n = 0;
    int r = goLookup(req, CTX(req), H(parent), (char *)name, &n, fi);
    if (r == 0)
        *node = P(n);
    return r;
}

static void b_forget(fsp_fs *fs, void *node)
{
    goForget(fs, H(node));
}

static int b_get_file_info(fsp_request *req, void *node, void *file,
                           struct fsp_file_info *fi)
{
    return goGetFileInfo(req, CTX(req), H(node), H(file), fi);
}

static int b_create(fsp_request *req, void *parent, const char *name,
                    const struct fsp_create_params *cp, void **node,
                    void **file, struct fsp_file_info *fi)
{
    uintptr_t n = 0, f = 0;
    int r = goCreate(req, CTX(req), H(parent), (char *)name,
                     (struct fsp_create_params *)cp, &n, &f, fi);
    if (r == 0) {
        *node = P(n);
        *file = P(f);
    }
    return r;
}

static int b_open(fsp_request *req, void *node, uint32_t flags, void **file,
                  struct fsp_file_info *fi)
{
    uintptr_t f = 0;
    int r = goOpen(req, CTX(req), H(node), flags, &f, fi);
    if (r == 0)
        *file = P(f);
    return r;
}

static int b_overwrite(fsp_request *req, void *node, void *file,
                       struct fsp_file_info *fi)
{
    return goOverwrite(req, CTX(req), H(node), H(file), fi);
}

static int b_cleanup(fsp_request *req, void *node, void *file)
{
    return goCleanup(req, CTX(req), H(node), H(file));
}

static void b_close(fsp_fs *fs, void *node, void *file)
{
    goClose(fs, H(node), H(file));
}

static int b_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    return goRead(req, CTX(req), H(node), H(file), buf, offset, length, bytes_read);
}

static int b_write(fsp_request *req, void *node, void *file, const void *buf,
                   uint64_t offset, uint32_t length, uint32_t *bytes_written,
                   struct fsp_file_info *fi)
{
    return goWrite(req, CTX(req), H(node), H(file), (void *)buf, offset, length,
                   bytes_written, fi);
}

static int b_flush(fsp_request *req, void *node, void *file, int datasync)
{
    return goFlush(req, CTX(req), H(node), H(file), datasync);
}

static int b_set_basic_info(fsp_request *req, void *node, void *file,
                            const struct fsp_basic_info *bi,
                            struct fsp_file_info *fi)
{
    return goSetBasicInfo(req, CTX(req), H(node), H(file),
                          (struct fsp_basic_info *)bi, fi);
}

static int b_set_file_size(fsp_request *req, void *node, void *file,
                           uint64_t size, struct fsp_file_info *fi)
{
    return goSetFileSize(req, CTX(req), H(node), H(file), size, fi);
}

static int b_can_delete(fsp_request *req, void *parent, const char *name,
                        void *node)
{
    return goCanDelete(req, CTX(req), H(parent), (char *)name, H(node));
}

static int b_set_delete(fsp_request *req, void *parent, const char *name,
                        void *node)
{
    return goSetDelete(req, CTX(req), H(parent), (char *)name, H(node));
}

static int b_rename(fsp_request *req, void *old_parent, const char *old_name,
                    void *new_parent, const char *new_name, void *node,
                    uint32_t flags)
{
    return goRename(req, CTX(req), H(old_parent), (char *)old_name, H(new_parent),
                    (char *)new_name, H(node), flags);
}

static int b_read_directory(fsp_request *req, void *node, void *file,
                            const char *marker, struct fsp_dir_buffer *db)
{
    (void)marker;  /* NULL in version 1 */
    return goReadDirectory(req, CTX(req), H(node), H(file), db);
}

static int b_get_reparse_point(fsp_request *req, void *node, char *buf,
                               size_t size)
{
    return goGetReparsePoint(req, CTX(req), H(node), buf, size);
}

static int b_get_ea(fsp_request *req, void *node, const char *name,
                    void *value, size_t size, size_t *needed)
{
    return goGetEA(req, CTX(req), H(node), (char *)name, value, size, needed);
}

static int b_set_ea(fsp_request *req, void *node, const char *name,
                    const void *value, size_t size, int flags)
{
    return goSetEA(req, CTX(req), H(node), (char *)name, (void *)value, size, flags);
}

static int b_list_ea(fsp_request *req, void *node, char *list, size_t size,
                     size_t *needed)
{
    return goListEA(req, CTX(req), H(node), list, size, needed);
}

static int b_remove_ea(fsp_request *req, void *node, const char *name)
{
    return goRemoveEA(req, CTX(req), H(node), (char *)name);
}

static int b_link(fsp_request *req, void *node, void *new_parent,
                  const char *new_name, struct fsp_file_info *fi)
{
    return goLink(req, CTX(req), H(node), H(new_parent), (char *)new_name, fi);
}

static int b_allocate(fsp_request *req, void *node, void *file,
                      uint64_t offset, uint64_t length, uint32_t mode,
                      struct fsp_file_info *fi)
{
    return goAllocate(req, CTX(req), H(node), H(file), offset, length, mode, fi);
}

static int b_seek(fsp_request *req, void *node, void *file, uint64_t offset,
                  int whence, uint64_t *result)
{
    return goSeek(req, CTX(req), H(node), H(file), offset, whence, result);
}

static int b_lookup_index(fsp_request *req, uint64_t index, void **node,
                          struct fsp_file_info *fi)
{
    uintptr_t n = 0;
    int r = goLookupIndex(req, CTX(req), index, &n, fi);
    if (r == 0)
        *node = P(n);
    return r;
}

static int b_lookup_stream(fsp_request *req, void *node, const char *name,
                           void **stream, struct fsp_file_info *fi)
{
    uintptr_t s = 0;
    int r = goLookupStream(req, CTX(req), H(node), (char *)name, &s, fi, 0);
    if (r == 0)
        *stream = P(s);
    return r;
}

static int b_create_stream(fsp_request *req, void *node, const char *name,
                           void **stream, struct fsp_file_info *fi)
{
    uintptr_t s = 0;
    int r = goLookupStream(req, CTX(req), H(node), (char *)name, &s, fi, 1);
    if (r == 0)
        *stream = P(s);
    return r;
}

static int b_delete_stream(fsp_request *req, void *node, const char *name)
{
    return goDeleteStream(req, CTX(req), H(node), (char *)name);
}

static int b_get_stream_info(fsp_request *req, void *node,
                             struct fsp_stream_buffer *sb)
{
    return goGetStreamInfo(req, CTX(req), H(node), sb);
}

static int b_get_reparse_data(fsp_request *req, void *node, void *buf,
                              size_t size, size_t *needed)
{
    return goGetBytes(req, CTX(req), H(node), buf, size, needed, 0);
}

static int b_set_reparse_data(fsp_request *req, void *node, const void *buf,
                              size_t size)
{
    return goSetBytes(req, CTX(req), H(node), (void *)buf, size, 0);
}

static int b_delete_reparse_data(fsp_request *req, void *node)
{
    return goDeleteReparseData(req, CTX(req), H(node));
}

static int b_get_security(fsp_request *req, void *node, void *buf,
                          size_t size, size_t *needed)
{
    return goGetBytes(req, CTX(req), H(node), buf, size, needed, 1);
}

static int b_set_security(fsp_request *req, void *node, const void *sd,
                          size_t size)
{
    return goSetBytes(req, CTX(req), H(node), (void *)sd, size, 1);
}

/* fsp's thread factory: every thread that calls a callback is a
 * goroutine's (goSpawnThread), so a callback is Go -> C -> Go on a thread
 * the Go runtime owns, the cheap kind of cgo callback.  The pointers
 * cross as numbers: they are C's, and Go only hands them back. */
static int b_spawn(void *ctx, void (*run)(void *arg), void *arg)
{
    (void)ctx;
    return goSpawnThread(H(run), H(arg));
}

void fsp_go_thread_run(uintptr_t run, uintptr_t arg)
{
    ((void (*)(void *))run)(P(arg));
}

int fsp_go_new(const struct fsp_volume_params *vp, uint32_t flags,
               uint32_t optional, uintptr_t context, fsp_fs **out)
{
    struct fsp_fs_interface iface;

    memset(&iface, 0, sizeof iface);
    iface.size = sizeof iface;
    iface.flags = flags;
    iface.get_volume_info = b_get_volume_info;
    iface.set_volume_label = b_set_volume_label;
    iface.lookup = b_lookup;
    iface.forget = b_forget;
    iface.get_file_info = b_get_file_info;
    iface.create = b_create;
    iface.open = b_open;
    iface.overwrite = b_overwrite;
    iface.cleanup = b_cleanup;
    iface.close = b_close;
    iface.read = b_read;
    iface.write = b_write;
    iface.flush = b_flush;
    iface.set_basic_info = b_set_basic_info;
    iface.set_file_size = b_set_file_size;
    iface.can_delete = b_can_delete;
    iface.set_delete = b_set_delete;
    iface.rename = b_rename;
    iface.read_directory = b_read_directory;
    iface.get_reparse_point = b_get_reparse_point;
    iface.get_ea = b_get_ea;
    iface.set_ea = b_set_ea;
    iface.list_ea = b_list_ea;
    iface.remove_ea = b_remove_ea;
    iface.link = b_link;
    iface.allocate = b_allocate;
    iface.seek = b_seek;
    /* Only what the Go file system implements: a missing callback keeps
     * fsp's meaning (no export, no streams, ...). */
    if (optional & FSP_GO_INDEX)
        iface.lookup_index = b_lookup_index;
    if (optional & FSP_GO_STREAMS) {
        iface.lookup_stream = b_lookup_stream;
        iface.create_stream = b_create_stream;
        iface.delete_stream = b_delete_stream;
        iface.get_stream_info = b_get_stream_info;
    }
    if (optional & FSP_GO_REPARSE) {
        iface.get_reparse_data = b_get_reparse_data;
        iface.set_reparse_data = b_set_reparse_data;
        iface.delete_reparse_data = b_delete_reparse_data;
    }
    if (optional & FSP_GO_SECURITY) {
        iface.get_security = b_get_security;
        iface.set_security = b_set_security;
    }
    int r = fsp_fs_new(vp, &iface, P(context), out);
    if (r == 0)
        r = fsp_fs_set_thread_factory(*out, b_spawn, NULL);
    return r;
}

uintptr_t fsp_go_context(const fsp_fs *fs)
{
    return H(fsp_fs_context(fs));
}

uintptr_t fsp_go_request_context(const fsp_request *req)
{
    return H(fsp_fs_context(fsp_request_fs(req)));
}

int fsp_go_sddl_to_sd(const char *sddl, void **buf, size_t *size)
{
    struct fsp_sd sd;
    int r = fsp_sddl_parse(sddl, &sd);
    if (r == 0)
        r = fsp_sd_build(&sd, buf, size);
    fsp_sd_clear(&sd);
    return r;
}

int fsp_go_sd_to_sddl(const void *buf, size_t size, char **text)
{
    struct fsp_sd sd;
    int r = fsp_sd_check(buf, size);
    if (r == 0)
        r = fsp_sd_parse(buf, size, &sd);
    if (r == 0) {
        r = fsp_sddl_print(&sd, text);
        fsp_sd_clear(&sd);
    }
    return r;
}

int fsp_go_sd_inherit(const void *parent, size_t parent_size,
                      const char *owner, const char *group, int is_dir,
                      void **buf, size_t *size)
{
    struct fsp_sd p, sd;
    struct fsp_sid o, g;
    int r = fsp_sid_parse(owner, &o);
    if (r == 0)
        r = fsp_sid_parse(group, &g);
    if (r == 0)
        r = fsp_sd_check(parent, parent_size);
    if (r)
        return r;
    if ((r = fsp_sd_parse(parent, parent_size, &p)))
        return r;
    r = fsp_sd_inherit(&p, &o, &g, is_dir, &sd);
    if (r == 0) {
        r = fsp_sd_build(&sd, buf, size);
        fsp_sd_clear(&sd);
    }
    fsp_sd_clear(&p);
    return r;
}

/* SIDs cross as text (fsp_sid_print here, fsp_sid_parse in goIDToSID):
 * what the Go mapper sees and returns is the same "S-1-5-21-..." form the
 * other bindings use.  ctx is the host's handle, a number, so C keeps no
 * Go pointer.  fsp calls these from its dispatcher and io_uring threads,
 * which are goroutines' (b_spawn). */
static int b_sid_to_id(void *ctx, const struct fsp_sid *sid, uint32_t *id,
                       int *is_group)
{
    char text[200];
    if (fsp_sid_print(sid, text, sizeof text) < 0)
        return -ENOENT; /* cannot happen for a parsed SID: the default decides */
    return goSIDToID(H(ctx), text, id, is_group);
}

static int b_id_to_sid(void *ctx, uint32_t id, int is_group,
                       struct fsp_sid *sid)
{
    return goIDToSID(H(ctx), id, is_group, sid);
}

void fsp_go_set_sid_mapper(fsp_fs *fs, uintptr_t context, int on)
{
    struct fsp_sid_mapper m = { b_sid_to_id, b_id_to_sid, P(context) };
    fsp_fs_set_sid_mapper(fs, on ? &m : NULL);
}
