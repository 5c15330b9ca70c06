/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfspjni: the native half of the Java binding (org.fsp).
 *
 * fsp's callbacks arrive on its dispatcher threads (pthreads the JVM has
 * never seen).  Each such thread is attached to the JVM once, as a daemon
 * (so it never keeps the JVM alive), the first time it calls into Java;
 * its JNIEnv and a scratch long[] for results are kept in thread-specific
 * data, and the thread detaches when it exits.
 *
 * Everything about Java objects stays in Java: the per-node and per-open
 * contexts are small integer handles that org.fsp.Dispatcher maps to the
 * file system's objects, and Dispatcher turns exceptions into negative
 * errno values in one place.  This file only moves numbers and bytes: it
 * calls one Dispatcher method per callback and copies its results (file
 * info as 13 longs in the scratch array) into fsp's structs.  A Java
 * exception that escapes anyway (an Error thrown while handling another)
 * is cleared here and answered EIO.
 */
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsp/fsp.h"

#define NS 1000000000LL
#define OUT_LEN 32            /* longs in the per-thread result array */

static JavaVM *jvm;
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* One Dispatcher method per callback, looked up once (JNI_OnLoad). */
static struct {
    jmethodID get_volume_info, set_volume_label, lookup, forget,
        get_file_info, create, open, overwrite, cleanup, close, read, write,
        flush, set_basic_info, set_file_size, can_delete, set_delete, rename,
        read_directory, get_reparse_point, get_ea, set_ea, list_ea, remove_ea,
        link, allocate, seek;
} m;

/* The fsp_fs context: the Dispatcher that serves this mount. */
struct jfs {
    jobject dispatcher;       /* global reference */
};

/* Per dispatcher thread. */
struct jthread {
    JNIEnv *env;
    jlongArray out;           /* global reference, OUT_LEN longs */
    int attached;             /* we attached it: detach at thread exit */
};

/* Only threads we attached are kept: give them back to the JVM.  The
 * order of thread-exit destructors is unspecified, so the JVM may have let
 * go of this thread already (its env is then stale): ask it again. */
static void thread_exit(void *p)
{
    struct jthread *t = p;
    void *env = NULL;
    if ((*jvm)->GetEnv(jvm, &env, JNI_VERSION_1_8) == JNI_OK) {
        JNIEnv *e = env;
        (*e)->DeleteGlobalRef(e, t->out);
        (*jvm)->DetachCurrentThread(jvm);
    }
    free(t);
}

static void make_key(void)
{
    if (pthread_key_create(&thread_key, thread_exit) != 0)
        abort();  /* no key, no binding: nothing sensible to answer */
}

/* This thread's JNIEnv, attaching the thread once.  A thread that is
 * already a Java thread (one completing a pended write, on which fsp may
 * call get_file_info) is the JVM's: nothing is kept for it, its result
 * array is a local reference of the call (*tmp), since our thread-exit
 * hook would run after the JVM let go of it.  NULL: out of memory or the
 * JVM refused (the callback then answers ENOMEM). */
static struct jthread *jthread_get(struct jthread *tmp)
{
    pthread_once(&key_once, make_key);
    struct jthread *t = pthread_getspecific(thread_key);
    if (t)
        return t;
    void *env = NULL;
    if ((*jvm)->GetEnv(jvm, &env, JNI_VERSION_1_8) == JNI_OK) {
        *tmp = (struct jthread){ .env = env };
        return tmp;
    }
    t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    JavaVMAttachArgs args = { JNI_VERSION_1_8, "fsp-dispatcher", NULL };
    if ((*jvm)->AttachCurrentThreadAsDaemon(jvm, &env, &args) != JNI_OK) {
        free(t);
        return NULL;
    }
    t->attached = 1;
    t->env = env;
    jlongArray local = (*t->env)->NewLongArray(t->env, OUT_LEN);
    if (local) {
        t->out = (*t->env)->NewGlobalRef(t->env, local);
        (*t->env)->DeleteLocalRef(t->env, local);
    }
    if (!t->out || pthread_setspecific(thread_key, t) != 0) {
        if ((*t->env)->ExceptionCheck(t->env))
            (*t->env)->ExceptionClear(t->env);
        if (t->out)
            (*t->env)->DeleteGlobalRef(t->env, t->out);
        (*jvm)->DetachCurrentThread(jvm);
        free(t);
        return NULL;
    }
    return t;
}

/* The call frame of one callback: the thread, its env, the dispatcher,
 * and a local reference frame popped at the end (an attached native
 * thread never returns to Java, so its local references would pile up). */
struct call {
    struct jthread *t, tmp;
    JNIEnv *env;
    jobject d;
};

static int call_begin(struct call *c, fsp_fs *fs)
{
    if (!(c->t = jthread_get(&c->tmp)))
        return -ENOMEM;
    c->env = c->t->env;
    c->d = ((struct jfs *)fsp_fs_context(fs))->dispatcher;
    if ((*c->env)->PushLocalFrame(c->env, 8) != 0) {
        (*c->env)->ExceptionClear(c->env);
        return -ENOMEM;
    }
    /* a Java thread's result array lives in the frame */
    if (!c->t->out && !(c->t->out = (*c->env)->NewLongArray(c->env, OUT_LEN))) {
        (*c->env)->ExceptionClear(c->env);
        (*c->env)->PopLocalFrame(c->env, NULL);
        return -ENOMEM;
    }
    return 0;
}

/* Ends the frame; turns an escaped exception into -EIO. */
static int call_end(struct call *c, int rc)
{
    JNIEnv *env = c->env;
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);  /* prints and clears */
        rc = -EIO;
    }
    (*env)->PopLocalFrame(env, NULL);
    return rc;
}

static int begin_req(struct call *c, fsp_request *req)
{
    return call_begin(c, fsp_request_fs(req));
}

/* A name as a Java byte[] (Dispatcher decodes UTF-8 strictly). */
static jbyteArray jbytes(JNIEnv *env, const void *p, size_t len)
{
    if (!p)
        return NULL;
    jbyteArray a = (*env)->NewByteArray(env, (jsize)len);
    if (a)
        (*env)->SetByteArrayRegion(env, a, 0, (jsize)len, p);
    return a;
}

static jbyteArray jname(JNIEnv *env, const char *s)
{
    return s ? jbytes(env, s, strlen(s)) : NULL;
}

/* ns since the epoch, also before 1970: tv_nsec stays in [0, 1e9). */
static struct timespec ts(jlong ns)
{
    jlong sec = ns / NS, rem = ns % NS;
    if (rem < 0) {
        rem += NS;
        sec--;
    }
    return (struct timespec){ .tv_sec = sec, .tv_nsec = rem };
}

/* Dispatcher packs a FileInfo as 13 longs (validated there). */
static void unpack_fi(const jlong *v, struct fsp_file_info *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->index = (uint64_t)v[0];
    fi->mode = (uint32_t)v[1];
    fi->attributes = (uint32_t)v[2];
    fi->nlink = (uint32_t)v[3];
    fi->uid = (uint32_t)v[4];
    fi->gid = (uint32_t)v[5];
    fi->rdev = (uint32_t)v[6];
    fi->size = (uint64_t)v[7];
    fi->alloc_size = (uint64_t)v[8];
    fi->creation_time = ts(v[9]);
    fi->access_time = ts(v[10]);
    fi->write_time = ts(v[11]);
    fi->change_time = ts(v[12]);
}

static void read_out(struct call *c, jlong *v, jsize n)
{
    (*c->env)->GetLongArrayRegion(c->env, c->t->out, 0, n, v);
}

/* rc from Java: 0 or -errno; on 0 copy `fi` from out[at]. */
static int result_fi(struct call *c, int rc, int at, struct fsp_file_info *fi)
{
    if (rc == 0 && !(*c->env)->ExceptionCheck(c->env)) {
        jlong v[OUT_LEN];
        read_out(c, v, at + 13);
        unpack_fi(v + at, fi);
    }
    return rc;
}

#define CALL_INT(c, mid, ...) \
    (*(c)->env)->CallIntMethod((c)->env, (c)->d, m.mid, __VA_ARGS__)
#define CALL_OBJ(c, mid, ...) \
    (*(c)->env)->CallObjectMethod((c)->env, (c)->d, m.mid, __VA_ARGS__)
#define REQ(r) ((jlong)(intptr_t)(r))
#define H(p) ((jlong)(intptr_t)(p))

/* Volume info: numbers in out[0..3], the label returned as byte[]. */
static int volume_result(struct call *c, jbyteArray label,
                         struct fsp_volume_info *vi)
{
    JNIEnv *env = c->env;
    jlong v[4];
    if (!label) {
        read_out(c, v, 1);
        return (int)v[0];
    }
    jsize n = (*env)->GetArrayLength(env, label);
    if (n >= (jsize)sizeof vi->label)
        return -EIO;  /* Dispatcher checks; never trust it blindly */
    read_out(c, v, 4);
    memset(vi, 0, sizeof *vi);
    vi->total_size = (uint64_t)v[0];
    vi->free_size = (uint64_t)v[1];
    vi->total_files = (uint64_t)v[2];
    vi->free_files = (uint64_t)v[3];
    (*env)->GetByteArrayRegion(env, label, 0, n, (jbyte *)vi->label);
    return 0;
}

static int j_get_volume_info(fsp_request *req, struct fsp_volume_info *vi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject label = CALL_OBJ(&c, get_volume_info, REQ(req), c.t->out);
    if (!(*c.env)->ExceptionCheck(c.env))
        rc = volume_result(&c, label, vi);
    return call_end(&c, rc);
}

static int j_set_volume_label(fsp_request *req, const char *label,
                              struct fsp_volume_info *vi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject l = CALL_OBJ(&c, set_volume_label, REQ(req), jname(c.env, label),
                         c.t->out);
    if (!(*c.env)->ExceptionCheck(c.env))
        rc = volume_result(&c, l, vi);
    return call_end(&c, rc);
}

static int j_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, lookup, REQ(req), H(parent), jname(c.env, name),
                  c.t->out);
    if (rc == 0 && !(*c.env)->ExceptionCheck(c.env)) {
        jlong v[14];
        read_out(&c, v, 14);
        *node = (void *)(intptr_t)v[0];
        unpack_fi(v + 1, fi);
    }
    return call_end(&c, rc);
}

static void j_forget(fsp_fs *fs, void *node)
{
    struct call c;
    if (call_begin(&c, fs))
        return;  /* the handle stays: a leak, not a crash */
    (*c.env)->CallVoidMethod(c.env, c.d, m.forget, H(node));
    call_end(&c, 0);
}

static int j_get_file_info(fsp_request *req, void *node, void *file,
                           struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, get_file_info, REQ(req), H(node), H(file), c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_create(fsp_request *req, void *parent, const char *name,
                    const struct fsp_create_params *cp, void **node,
                    void **file, struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, create, REQ(req), H(parent), jname(c.env, name),
                  (jint)cp->mode, (jint)cp->attributes, (jint)cp->flags,
                  (jint)cp->uid, (jint)cp->gid, (jint)cp->rdev,
                  jname(c.env, cp->link_target), c.t->out);
    if (rc == 0 && !(*c.env)->ExceptionCheck(c.env)) {
        jlong v[15];
        read_out(&c, v, 15);
        *node = (void *)(intptr_t)v[0];
        *file = (void *)(intptr_t)v[1];
        unpack_fi(v + 2, fi);
    }
    return call_end(&c, rc);
}

static int j_open(fsp_request *req, void *node, uint32_t flags, void **file,
                  struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, open, REQ(req), H(node), (jint)flags, c.t->out);
    if (rc == 0 && !(*c.env)->ExceptionCheck(c.env)) {
        jlong v[14];
        read_out(&c, v, 14);
        *file = (void *)(intptr_t)v[0];
        unpack_fi(v + 1, fi);
    }
    return call_end(&c, rc);
}

static int j_overwrite(fsp_request *req, void *node, void *file,
                       struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, overwrite, REQ(req), H(node), H(file), c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_cleanup(fsp_request *req, void *node, void *file)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, cleanup, REQ(req), H(node), H(file)));
}

static void j_close(fsp_fs *fs, void *node, void *file)
{
    struct call c;
    if (call_begin(&c, fs))
        return;
    (*c.env)->CallVoidMethod(c.env, c.d, m.close, H(node), H(file));
    call_end(&c, 0);
}

static int j_read(fsp_request *req, void *node, void *file, void *buf,
                  uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    /* The buffer itself, no copy: fsp keeps it alive until the answer,
     * also after FSP_PENDING. */
    jobject bb = (*c.env)->NewDirectByteBuffer(c.env, buf, (jlong)length);
    if (!bb)
        return call_end(&c, -ENOMEM);
    rc = CALL_INT(&c, read, REQ(req), H(node), H(file), bb, (jlong)offset);
    if (rc >= 0) {
        if ((uint32_t)rc > length)
            rc = -EIO;  /* Dispatcher checks too */
        else {
            *bytes_read = (uint32_t)rc;
            rc = 0;
        }
    }
    return call_end(&c, rc);
}

static int j_write(fsp_request *req, void *node, void *file, const void *buf,
                   uint64_t offset, uint32_t length, uint32_t *bytes_written,
                   struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    /* Dispatcher hands the file system a read-only view of it. */
    jobject bb = (*c.env)->NewDirectByteBuffer(c.env, (void *)buf,
                                               (jlong)length);
    if (!bb)
        return call_end(&c, -ENOMEM);
    rc = CALL_INT(&c, write, REQ(req), H(node), H(file), bb, (jlong)offset,
                  c.t->out);
    if (rc >= 0) {
        if ((uint32_t)rc > length) {
            rc = -EIO;
        } else {
            *bytes_written = (uint32_t)rc;
            rc = result_fi(&c, 0, 0, fi);
        }
    }
    return call_end(&c, rc);
}

static int j_flush(fsp_request *req, void *node, void *file, int datasync)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, flush, REQ(req), H(node), H(file),
                                 (jboolean)(datasync != 0)));
}

static jlong ns_of(struct timespec t)
{
    return (jlong)t.tv_sec * NS + t.tv_nsec;
}

static int j_set_basic_info(fsp_request *req, void *node, void *file,
                            const struct fsp_basic_info *bi,
                            struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, set_basic_info, REQ(req), H(node), H(file),
                  (jint)bi->valid, (jint)bi->mode, (jint)bi->uid,
                  (jint)bi->gid, (jint)bi->attributes, ns_of(bi->access_time),
                  ns_of(bi->write_time), ns_of(bi->change_time),
                  ns_of(bi->creation_time), c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_set_file_size(fsp_request *req, void *node, void *file,
                           uint64_t size, struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, set_file_size, REQ(req), H(node), H(file), (jlong)size,
                  c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_can_delete(fsp_request *req, void *parent, const char *name,
                        void *node)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, can_delete, REQ(req), H(parent),
                                 jname(c.env, name), H(node)));
}

static int j_set_delete(fsp_request *req, void *parent, const char *name,
                        void *node)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, set_delete, REQ(req), H(parent),
                                 jname(c.env, name), H(node)));
}

static int j_rename(fsp_request *req, void *old_parent, const char *old_name,
                    void *new_parent, const char *new_name, void *node,
                    uint32_t flags)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, rename, REQ(req), H(old_parent),
                                 jname(c.env, old_name), H(new_parent),
                                 jname(c.env, new_name), H(node),
                                 (jint)flags));
}

static int j_read_directory(fsp_request *req, void *node, void *file,
                            const char *marker, struct fsp_dir_buffer *db)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, read_directory, REQ(req), H(node),
                                 H(file), H(db)));
}

/* get/list answers: *needed always; the bytes when they fit. */
static int give_bytes(struct call *c, jbyteArray data, void *buf,
                      size_t size, size_t *needed)
{
    jlong v[1];
    if (!data) {
        read_out(c, v, 1);
        return (int)v[0];
    }
    size_t n = (size_t)(*c->env)->GetArrayLength(c->env, data);
    *needed = n;
    if (size == 0)
        return 0;
    if (n > size)
        return -ERANGE;
    (*c->env)->GetByteArrayRegion(c->env, data, 0, (jsize)n, buf);
    return 0;
}

static int j_get_reparse_point(fsp_request *req, void *node, char *buf,
                               size_t size)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject t = CALL_OBJ(&c, get_reparse_point, REQ(req), H(node), c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    if (!t) {
        jlong v[1];
        read_out(&c, v, 1);
        return call_end(&c, (int)v[0]);
    }
    size_t n = (size_t)(*c.env)->GetArrayLength(c.env, t);
    if (n + 1 > size)
        return call_end(&c, -ENAMETOOLONG);
    (*c.env)->GetByteArrayRegion(c.env, t, 0, (jsize)n, (jbyte *)buf);
    buf[n] = '\0';
    return call_end(&c, 0);
}

static int j_get_ea(fsp_request *req, void *node, const char *name,
                    void *value, size_t size, size_t *needed)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject v = CALL_OBJ(&c, get_ea, REQ(req), H(node), jname(c.env, name),
                         c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    return call_end(&c, give_bytes(&c, v, value, size, needed));
}

static int j_set_ea(fsp_request *req, void *node, const char *name,
                    const void *value, size_t size, int flags)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jbyteArray v = jbytes(c.env, value ? value : "", size);
    if (!v)
        return call_end(&c, -ENOMEM);
    return call_end(&c, CALL_INT(&c, set_ea, REQ(req), H(node),
                                 jname(c.env, name), v, (jint)flags));
}

static int j_list_ea(fsp_request *req, void *node, char *list, size_t size,
                     size_t *needed)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject v = CALL_OBJ(&c, list_ea, REQ(req), H(node), c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    return call_end(&c, give_bytes(&c, v, list, size, needed));
}

static int j_remove_ea(fsp_request *req, void *node, const char *name)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, remove_ea, REQ(req), H(node),
                                 jname(c.env, name)));
}

static int j_link(fsp_request *req, void *node, void *new_parent,
                  const char *new_name, struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, link, REQ(req), H(node), H(new_parent),
                  jname(c.env, new_name), c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_allocate(fsp_request *req, void *node, void *file,
                      uint64_t offset, uint64_t length, uint32_t mode,
                      struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, allocate, REQ(req), H(node), H(file), (jlong)offset,
                  (jlong)length, (jint)mode, c.t->out);
    return call_end(&c, result_fi(&c, rc, 0, fi));
}

static int j_seek(fsp_request *req, void *node, void *file, uint64_t offset,
                  int whence, uint64_t *result)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, seek, REQ(req), H(node), H(file), (jlong)offset,
                  (jint)whence, c.t->out);
    if (rc == 0 && !(*c.env)->ExceptionCheck(c.env)) {
        jlong v[1];
        read_out(&c, v, 1);
        *result = (uint64_t)v[0];
    }
    return call_end(&c, rc);
}

/* ---- org.fsp.Native: the Java side's calls into fsp -------------------- */

#define JFN(name) Java_org_fsp_Native_##name

/* Bit i of the mask: the file system overrides callback i (the order of
 * struct fsp_fs_interface); the others stay NULL and get fsp's default. */
static void fill_iface(struct fsp_fs_interface *in, jlong mask)
{
#define SET(i, f, fn) if (mask & (1LL << (i))) in->f = fn
    SET(0, get_volume_info, j_get_volume_info);
    SET(1, set_volume_label, j_set_volume_label);
    in->lookup = j_lookup;
    in->forget = j_forget;     /* frees the handle even if not overridden */
    SET(4, get_file_info, j_get_file_info);
    SET(5, create, j_create);
    SET(6, open, j_open);
    SET(7, overwrite, j_overwrite);
    SET(8, cleanup, j_cleanup);
    in->close = j_close;
    SET(10, read, j_read);
    SET(11, write, j_write);
    SET(12, flush, j_flush);
    SET(13, set_basic_info, j_set_basic_info);
    SET(14, set_file_size, j_set_file_size);
    SET(15, can_delete, j_can_delete);
    SET(16, set_delete, j_set_delete);
    SET(17, rename, j_rename);
    SET(18, read_directory, j_read_directory);
    SET(19, get_reparse_point, j_get_reparse_point);
    SET(20, get_ea, j_get_ea);
    SET(21, set_ea, j_set_ea);
    SET(22, list_ea, j_list_ea);
    SET(23, remove_ea, j_remove_ea);
    SET(24, link, j_link);
    SET(25, allocate, j_allocate);
    SET(26, seek, j_seek);
#undef SET
}

static void copy_str(JNIEnv *env, jbyteArray a, char *dst, size_t cap)
{
    memset(dst, 0, cap);
    if (!a)
        return;
    jsize n = (*env)->GetArrayLength(env, a);
    if ((size_t)n >= cap)
        n = (jsize)(cap - 1);
    (*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)dst);
}

/* Returns the fsp_fs as a jlong, or a negative errno. */
JNIEXPORT jlong JNICALL JFN(create)(JNIEnv *env, jclass cls, jobject disp,
                                    jlongArray vparams, jbyteArray fsname,
                                    jbyteArray subtype, jint iface_flags,
                                    jlong mask)
{
    jlong v[8];
    (*env)->GetLongArrayRegion(env, vparams, 0, 8, v);
    if ((*env)->ExceptionCheck(env))
        return -EINVAL;
    struct fsp_volume_params vp = {
        .size = sizeof vp,
        .flags = (uint32_t)v[0],
        .sector_size = (uint32_t)v[1],
        .max_name_length = (uint32_t)v[2],
        .file_info_timeout_ms = (uint32_t)v[3],
        .volume_serial = (uint64_t)v[4],
        .volume_creation_time = ts(v[5]),
        .max_file_size = (uint64_t)v[6],
    };
    copy_str(env, fsname, vp.fsname, sizeof vp.fsname);
    copy_str(env, subtype, vp.subtype, sizeof vp.subtype);
    struct fsp_fs_interface in = { .size = sizeof in,
                                   .flags = (uint32_t)iface_flags };
    fill_iface(&in, mask);
    struct jfs *j = calloc(1, sizeof *j);
    if (!j)
        return -ENOMEM;
    if (!(j->dispatcher = (*env)->NewGlobalRef(env, disp))) {
        free(j);
        return -ENOMEM;
    }
    fsp_fs *fs;
    int rc = fsp_fs_new(&vp, &in, j, &fs);
    if (rc) {
        (*env)->DeleteGlobalRef(env, j->dispatcher);
        free(j);
        return rc;
    }
    return (jlong)(intptr_t)fs;
}

#define FS(h) ((fsp_fs *)(intptr_t)(h))

JNIEXPORT void JNICALL JFN(setDebug)(JNIEnv *env, jclass cls, jlong fs,
                                     jboolean on)
{
    fsp_fs_set_debug(FS(fs), on);
}

JNIEXPORT void JNICALL JFN(setThreads)(JNIEnv *env, jclass cls, jlong fs,
                                       jint threads, jint max)
{
    fsp_fs_set_threads(FS(fs), (unsigned)threads, (unsigned)max);
}

JNIEXPORT jint JNICALL JFN(mount)(JNIEnv *env, jclass cls, jlong fs,
                                  jbyteArray mountpoint, jbyteArray options,
                                  jbyteArray err)
{
    char mp[4096], opts[4096], msg[512] = "";
    jsize n = (*env)->GetArrayLength(env, mountpoint);
    jsize o = (*env)->GetArrayLength(env, options);
    if ((size_t)n >= sizeof mp || (size_t)o >= sizeof opts)
        return -ENAMETOOLONG;
    copy_str(env, mountpoint, mp, sizeof mp);
    copy_str(env, options, opts, sizeof opts);
    int rc = fsp_fs_mount(FS(fs), mp, opts, msg, sizeof msg);
    jsize len = (jsize)strnlen(msg, (size_t)(*env)->GetArrayLength(env, err));
    (*env)->SetByteArrayRegion(env, err, 0, len, (const jbyte *)msg);
    return rc;
}

/* Blocks in fsp with no Java lock held: other Java threads run freely. */
JNIEXPORT jint JNICALL JFN(run)(JNIEnv *env, jclass cls, jlong fs)
{
    return fsp_fs_run(FS(fs));
}

JNIEXPORT void JNICALL JFN(stop)(JNIEnv *env, jclass cls, jlong fs)
{
    fsp_fs_stop(FS(fs));
}

JNIEXPORT jint JNICALL JFN(setSignalHandlers)(JNIEnv *env, jclass cls,
                                              jlong fs)
{
    return fsp_fs_set_signal_handlers(FS(fs));
}

JNIEXPORT void JNICALL JFN(delete)(JNIEnv *env, jclass cls, jlong fs)
{
    struct jfs *j = fsp_fs_context(FS(fs));
    fsp_fs_delete(FS(fs));
    (*env)->DeleteGlobalRef(env, j->dispatcher);
    free(j);
}

JNIEXPORT jint JNICALL JFN(notifyInode)(JNIEnv *env, jclass cls, jlong fs,
                                        jlong index, jlong off, jlong len)
{
    return fsp_fs_notify_inode(FS(fs), (uint64_t)index, off, len);
}

JNIEXPORT jint JNICALL JFN(notifyEntry)(JNIEnv *env, jclass cls, jlong fs,
                                        jlong parent, jbyteArray name)
{
    char buf[4096];
    if ((size_t)(*env)->GetArrayLength(env, name) >= sizeof buf)
        return -ENAMETOOLONG;
    copy_str(env, name, buf, sizeof buf);
    return fsp_fs_notify_entry(FS(fs), (uint64_t)parent, buf);
}

#define RQ(h) ((fsp_request *)(intptr_t)(h))

JNIEXPORT jint JNICALL JFN(uid)(JNIEnv *env, jclass cls, jlong r)
{
    return (jint)fsp_request_uid(RQ(r));
}

JNIEXPORT jint JNICALL JFN(gid)(JNIEnv *env, jclass cls, jlong r)
{
    return (jint)fsp_request_gid(RQ(r));
}

JNIEXPORT jint JNICALL JFN(pid)(JNIEnv *env, jclass cls, jlong r)
{
    return (jint)fsp_request_pid(RQ(r));
}

JNIEXPORT jint JNICALL JFN(umask)(JNIEnv *env, jclass cls, jlong r)
{
    return (jint)fsp_request_umask(RQ(r));
}

JNIEXPORT jboolean JNICALL JFN(interrupted)(JNIEnv *env, jclass cls, jlong r)
{
    return fsp_request_interrupted(RQ(r)) != 0;
}

JNIEXPORT jbyteArray JNICALL JFN(path)(JNIEnv *env, jclass cls, jlong r)
{
    return jname(env, fsp_request_path(RQ(r)));
}

JNIEXPORT jlong JNICALL JFN(pend)(JNIEnv *env, jclass cls, jlong r)
{
    return (jlong)(intptr_t)fsp_request_pend(RQ(r));
}

JNIEXPORT jint JNICALL JFN(passthrough)(JNIEnv *env, jclass cls, jlong r,
                                        jint fd)
{
    return fsp_request_passthrough(RQ(r), fd);
}

JNIEXPORT jint JNICALL JFN(readFd)(JNIEnv *env, jclass cls, jlong r, jint fd,
                                   jlong off, jint len)
{
    return fsp_request_read_fd(RQ(r), fd, (uint64_t)off, (uint32_t)len);
}

/* fi: 13 longs or null. */
JNIEXPORT void JNICALL JFN(complete)(JNIEnv *env, jclass cls, jlong r,
                                     jint result, jint bytes, jlongArray fi)
{
    struct fsp_file_info info;
    if (fi) {
        jlong v[13];
        (*env)->GetLongArrayRegion(env, fi, 0, 13, v);
        if ((*env)->ExceptionCheck(env))
            return;  /* Java sees the exception; the request stays */
        unpack_fi(v, &info);
    }
    fsp_request_complete(RQ(r), result, (uint32_t)bytes, fi ? &info : NULL);
}

JNIEXPORT jboolean JNICALL JFN(dirAdd)(JNIEnv *env, jclass cls, jlong db,
                                       jbyteArray name, jlongArray fi)
{
    char buf[1024];
    jsize n = (*env)->GetArrayLength(env, name);
    if (n <= 0 || (size_t)n >= sizeof buf)
        return JNI_FALSE;  /* Dispatcher refuses such names before */
    copy_str(env, name, buf, sizeof buf);
    if (memchr(buf, '/', (size_t)n) || strlen(buf) != (size_t)n)
        return JNI_FALSE;
    jlong v[13];
    (*env)->GetLongArrayRegion(env, fi, 0, 13, v);
    struct fsp_file_info info;
    unpack_fi(v, &info);
    return fsp_dir_buffer_add((struct fsp_dir_buffer *)(intptr_t)db, buf,
                              &info) ? JNI_TRUE : JNI_FALSE;
}

/* ---- loading ------------------------------------------------------------ */

static int find_methods(JNIEnv *env)
{
    jclass d = (*env)->FindClass(env, "org/fsp/Dispatcher");
    if (!d)
        return -1;
    static const struct { jmethodID *id; const char *name, *sig; } t[] = {
        { &m.get_volume_info, "getVolumeInfo", "(J[J)[B" },
        { &m.set_volume_label, "setVolumeLabel", "(J[B[J)[B" },
        { &m.lookup, "lookup", "(JJ[B[J)I" },
        { &m.forget, "forget", "(J)V" },
        { &m.get_file_info, "getFileInfo", "(JJJ[J)I" },
        { &m.create, "create", "(JJ[BIIIIII[B[J)I" },
        { &m.open, "open", "(JJI[J)I" },
        { &m.overwrite, "overwrite", "(JJJ[J)I" },
        { &m.cleanup, "cleanup", "(JJJ)I" },
        { &m.close, "close", "(JJ)V" },
        { &m.read, "read", "(JJJLjava/nio/ByteBuffer;J)I" },
        { &m.write, "write", "(JJJLjava/nio/ByteBuffer;J[J)I" },
        { &m.flush, "flush", "(JJJZ)I" },
        { &m.set_basic_info, "setBasicInfo", "(JJJIIIIIJJJJ[J)I" },
        { &m.set_file_size, "setFileSize", "(JJJJ[J)I" },
        { &m.can_delete, "canDelete", "(JJ[BJ)I" },
        { &m.set_delete, "setDelete", "(JJ[BJ)I" },
        { &m.rename, "rename", "(JJ[BJ[BJI)I" },
        { &m.read_directory, "readDirectory", "(JJJJ)I" },
        { &m.get_reparse_point, "getReparsePoint", "(JJ[J)[B" },
        { &m.get_ea, "getEa", "(JJ[B[J)[B" },
        { &m.set_ea, "setEa", "(JJ[B[BI)I" },
        { &m.list_ea, "listEa", "(JJ[J)[B" },
        { &m.remove_ea, "removeEa", "(JJ[B)I" },
        { &m.link, "link", "(JJJ[B[J)I" },
        { &m.allocate, "allocate", "(JJJJJI[J)I" },
        { &m.seek, "seek", "(JJJJI[J)I" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!(*t[i].id = (*env)->GetMethodID(env, d, t[i].name, t[i].sig)))
            return -1;
    (*env)->DeleteLocalRef(env, d);
    return 0;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    void *env;
    jvm = vm;
    if ((*vm)->GetEnv(vm, &env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    if (find_methods(env) != 0)
        return JNI_ERR;  /* the pending NoSuchMethodError says which */
    return JNI_VERSION_1_8;
}
