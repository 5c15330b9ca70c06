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
 * info as FI_LONGS longs in the scratch array) into fsp's structs.  A Java
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
#include "fsp/security.h"

#define NS 1000000000LL
#define OUT_LEN 32            /* longs in the per-thread result array */
#define FI_LONGS 14           /* a FileInfo packed by Dispatcher */

static JavaVM *jvm;
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* One Dispatcher method per callback, looked up once (JNI_OnLoad). */
static struct {
    jmethodID get_volume_info, set_volume_label, lookup, forget,
        get_file_info, create, open, overwrite, cleanup, close, read, write,
        flush, set_basic_info, set_file_size, can_delete, set_delete, rename,
        read_directory, get_reparse_point, get_ea, set_ea, list_ea, remove_ea,
        link, allocate, seek, lookup_index, lookup_stream, create_stream,
        delete_stream, get_stream_info, get_reparse_data, set_reparse_data,
        delete_reparse_data, get_security, set_security, sid_to_id,
        id_to_sid;
} m;

/* The fsp_fs context: the Dispatcher that serves this mount. */
struct jfs {
    jobject dispatcher;       /* global reference */
    jobject mapper;           /* the SidMapper, global reference, or NULL */
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

static int call_begin_jfs(struct call *c, const struct jfs *j)
{
    if (!(c->t = jthread_get(&c->tmp)))
        return -ENOMEM;
    c->env = c->t->env;
    c->d = j->dispatcher;
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

static int call_begin(struct call *c, fsp_fs *fs)
{
    return call_begin_jfs(c, fsp_fs_context(fs));
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

/* Dispatcher packs a FileInfo as FI_LONGS longs (validated there). */
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
    fi->generation = (uint64_t)v[13];
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
        read_out(c, v, at + FI_LONGS);
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
        jlong v[1 + FI_LONGS];
        read_out(&c, v, 1 + FI_LONGS);
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
                  jname(c.env, cp->link_target),
                  cp->security ? jbytes(c.env, cp->security,
                                        (size_t)cp->security_size) : NULL,
                  c.t->out);
    if (rc == 0 && !(*c.env)->ExceptionCheck(c.env)) {
        jlong v[2 + FI_LONGS];
        read_out(&c, v, 2 + FI_LONGS);
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
        jlong v[1 + FI_LONGS];
        read_out(&c, v, 1 + FI_LONGS);
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
        return v[0] < 0 ? (int)v[0] : -EIO;
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

/* lookup_index, lookup_stream, create_stream: a node handle in out[0] and
 * the file info after it. */
static int node_result(struct call *c, int rc, void **node,
                       struct fsp_file_info *fi)
{
    if (rc == 0 && !(*c->env)->ExceptionCheck(c->env)) {
        jlong v[1 + FI_LONGS];
        read_out(c, v, 1 + FI_LONGS);
        if ((*c->env)->ExceptionCheck(c->env))
            return -EIO;
        *node = (void *)(intptr_t)v[0];
        unpack_fi(v + 1, fi);
    }
    return rc;
}

static int j_lookup_index(fsp_request *req, uint64_t index, void **node,
                          struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    rc = CALL_INT(&c, lookup_index, REQ(req), (jlong)index, c.t->out);
    return call_end(&c, node_result(&c, rc, node, fi));
}

/* lookup_stream and create_stream differ only in the method. */
static int stream_node(fsp_request *req, jmethodID mid, void *node,
                       const char *name, void **stream,
                       struct fsp_file_info *fi)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jbyteArray n = jname(c.env, name);
    if (!n)
        return call_end(&c, -ENOMEM);
    rc = (*c.env)->CallIntMethod(c.env, c.d, mid, REQ(req), H(node), n,
                                 c.t->out);
    return call_end(&c, node_result(&c, rc, stream, fi));
}

static int j_lookup_stream(fsp_request *req, void *node, const char *name,
                           void **stream, struct fsp_file_info *fi)
{
    return stream_node(req, m.lookup_stream, node, name, stream, fi);
}

static int j_create_stream(fsp_request *req, void *node, const char *name,
                           void **stream, struct fsp_file_info *fi)
{
    return stream_node(req, m.create_stream, node, name, stream, fi);
}

static int j_delete_stream(fsp_request *req, void *node, const char *name)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jbyteArray n = jname(c.env, name);
    if (!n)
        return call_end(&c, -ENOMEM);
    return call_end(&c, CALL_INT(&c, delete_stream, REQ(req), H(node), n));
}

/* Java adds the entries itself (Native.streamAdd) during the call. */
static int j_get_stream_info(fsp_request *req, void *node,
                             struct fsp_stream_buffer *sb)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, get_stream_info, REQ(req), H(node),
                                 H(sb)));
}

/* get_reparse_data and get_security: Java returns the whole buffer (or
 * null and the errno in out[0]); the size probe and ERANGE are ours. */
static int get_blob(fsp_request *req, jmethodID mid, void *node, void *buf,
                    size_t size, size_t *needed)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    jobject v = (*c.env)->CallObjectMethod(c.env, c.d, mid, REQ(req),
                                           H(node), c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    rc = give_bytes(&c, v, buf, size, needed);
    return call_end(&c, rc);
}

static int j_get_reparse_data(fsp_request *req, void *node, void *buf,
                              size_t size, size_t *needed)
{
    return get_blob(req, m.get_reparse_data, node, buf, size, needed);
}

static int j_get_security(fsp_request *req, void *node, void *buf,
                          size_t size, size_t *needed)
{
    return get_blob(req, m.get_security, node, buf, size, needed);
}

static int set_blob(fsp_request *req, jmethodID mid, void *node,
                    const void *data, size_t size)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    if (size > INT32_MAX)
        return call_end(&c, -EINVAL);
    jbyteArray v = jbytes(c.env, data, size);
    if (!v)
        return call_end(&c, -ENOMEM);
    return call_end(&c, (*c.env)->CallIntMethod(c.env, c.d, mid, REQ(req),
                                                H(node), v));
}

static int j_set_reparse_data(fsp_request *req, void *node, const void *buf,
                              size_t size)
{
    return set_blob(req, m.set_reparse_data, node, buf, size);
}

static int j_set_security(fsp_request *req, void *node, const void *sd,
                          size_t size)
{
    return set_blob(req, m.set_security, node, sd, size);
}

static int j_delete_reparse_data(fsp_request *req, void *node)
{
    struct call c;
    int rc = begin_req(&c, req);
    if (rc)
        return rc;
    return call_end(&c, CALL_INT(&c, delete_reparse_data, REQ(req), H(node)));
}

/* ---- org.fsp.Native: the Java side's calls into fsp -------------------- */

#define JFN(name) Java_org_fsp_Native_##name

/* Bit i of the mask: the file system overrides callback i (the order of
 * struct fsp_fs_interface); the others stay NULL and get fsp's default. */
/* ---- the SID mapper ---------------------------------------------------- */

/* fsp calls these on whichever thread needs a mapping (a dispatcher
 * thread, or a Java thread completing a pended request): call_begin_jfs
 * attaches as for any callback.  SIDs cross as their S-... text.
 * Dispatcher answers -ENOENT for "fall back to the default mapping" and
 * -EIO for anything else the mapper threw (and logs it). */
static int j_sid_to_id(void *ctx, const struct fsp_sid *sid, uint32_t *id,
                       int *is_group)
{
    const struct jfs *j = ctx;
    char text[200];
    int n = fsp_sid_print(sid, text, sizeof text);
    if (n < 0)
        return n;
    struct call c;
    int rc = call_begin_jfs(&c, j);
    if (rc)
        return rc;
    jbyteArray s = jbytes(c.env, text, (size_t)n);
    if (!s)
        return call_end(&c, -ENOMEM);
    rc = (*c.env)->CallIntMethod(c.env, c.d, m.sid_to_id, j->mapper, s,
                                 c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    if (rc == 0) {
        jlong v[2];
        read_out(&c, v, 2);
        if ((*c.env)->ExceptionCheck(c.env))
            return call_end(&c, -EIO);
        *id = (uint32_t)v[0];
        *is_group = v[1] != 0;
    }
    return call_end(&c, rc < 0 ? rc : rc ? -EIO : 0);
}

static int j_id_to_sid(void *ctx, uint32_t id, int is_group,
                       struct fsp_sid *sid)
{
    const struct jfs *j = ctx;
    struct call c;
    int rc = call_begin_jfs(&c, j);
    if (rc)
        return rc;
    jbyteArray a = (*c.env)->CallObjectMethod(
        c.env, c.d, m.id_to_sid, j->mapper, (jint)id,
        is_group ? JNI_TRUE : JNI_FALSE, c.t->out);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    if (!a) {
        jlong v;
        read_out(&c, &v, 1);
        if ((*c.env)->ExceptionCheck(c.env))
            return call_end(&c, -EIO);
        return call_end(&c, v < 0 && v >= -4095 ? (int)v : -EIO);
    }
    char text[200];
    jsize n = (*c.env)->GetArrayLength(c.env, a);
    if (n <= 0 || (size_t)n >= sizeof text) {
        fprintf(stderr, "fsp: SidMapper.idToSid(%u) returned no SID\n", id);
        return call_end(&c, -EIO);
    }
    (*c.env)->GetByteArrayRegion(c.env, a, 0, n, (jbyte *)text);
    if ((*c.env)->ExceptionCheck(c.env))
        return call_end(&c, -EIO);
    text[n] = 0;
    rc = fsp_sid_parse(text, sid);
    if (rc < 0)
        fprintf(stderr, "fsp: SidMapper.idToSid(%u) returned \"%s\", "
                "no SID\n", id, text);
    return call_end(&c, rc < 0 ? -EIO : 0);
}

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
    SET(27, lookup_index, j_lookup_index);
    SET(28, lookup_stream, j_lookup_stream);
    SET(29, create_stream, j_create_stream);
    SET(30, delete_stream, j_delete_stream);
    SET(31, get_stream_info, j_get_stream_info);
    SET(32, get_reparse_data, j_get_reparse_data);
    SET(33, set_reparse_data, j_set_reparse_data);
    SET(34, delete_reparse_data, j_delete_reparse_data);
    SET(35, get_security, j_get_security);
    SET(36, set_security, j_set_security);
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

/* Before mount.  The mapper is held by a global reference until delete;
 * fsp copies the struct, whose ctx is the jfs. */
JNIEXPORT jint JNICALL JFN(setSidMapper)(JNIEnv *env, jclass cls, jlong fs,
                                         jobject mapper)
{
    struct jfs *j = fsp_fs_context(FS(fs));
    jobject g = NULL;
    if (mapper && !(g = (*env)->NewGlobalRef(env, mapper)))
        return -ENOMEM;
    struct fsp_sid_mapper sm = { .sid_to_id = j_sid_to_id,
                                 .id_to_sid = j_id_to_sid, .ctx = j };
    fsp_fs_set_sid_mapper(FS(fs), g ? &sm : NULL);
    if (j->mapper)
        (*env)->DeleteGlobalRef(env, j->mapper);
    j->mapper = g;
    return 0;
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
    if (j->mapper)
        (*env)->DeleteGlobalRef(env, j->mapper);
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

JNIEXPORT jint JNICALL JFN(notifyExpire)(JNIEnv *env, jclass cls, jlong fs,
                                         jlong parent, jbyteArray name)
{
    char buf[4096];
    if ((size_t)(*env)->GetArrayLength(env, name) >= sizeof buf)
        return -ENAMETOOLONG;
    copy_str(env, name, buf, sizeof buf);
    if ((*env)->ExceptionCheck(env))
        return -EINVAL;
    return fsp_fs_notify_expire(FS(fs), (uint64_t)parent, buf);
}

JNIEXPORT jint JNICALL JFN(notifyDelete)(JNIEnv *env, jclass cls, jlong fs,
                                         jlong parent, jlong child,
                                         jbyteArray name)
{
    char buf[4096];
    if ((size_t)(*env)->GetArrayLength(env, name) >= sizeof buf)
        return -ENAMETOOLONG;
    copy_str(env, name, buf, sizeof buf);
    if ((*env)->ExceptionCheck(env))
        return -EINVAL;
    return fsp_fs_notify_delete(FS(fs), (uint64_t)parent, (uint64_t)child,
                                buf);
}

/* data[from, from + len) into the kernel's cache; Mount checked the range.
 * The array is pinned (or copied) only for the call. */
JNIEXPORT jint JNICALL JFN(notifyStore)(JNIEnv *env, jclass cls, jlong fs,
                                        jlong index, jlong off,
                                        jbyteArray data, jint from, jint len)
{
    jbyte *p = (*env)->GetByteArrayElements(env, data, NULL);
    if (!p)
        return -ENOMEM;  /* OutOfMemoryError pending: Java sees it */
    int rc = fsp_fs_notify_store(FS(fs), (uint64_t)index, (uint64_t)off,
                                 p + from, (size_t)len);
    (*env)->ReleaseByteArrayElements(env, data, p, JNI_ABORT);
    return rc;
}

/* Into buf (its whole length); the count read, or a negative errno.
 * Blocks in fsp without touching the JVM: the answer arrives on a
 * dispatcher thread. */
JNIEXPORT jint JNICALL JFN(notifyRetrieve)(JNIEnv *env, jclass cls, jlong fs,
                                           jlong index, jlong off,
                                           jbyteArray buf, jint timeout_ms)
{
    jsize n = (*env)->GetArrayLength(env, buf);
    void *tmp = malloc(n ? (size_t)n : 1);
    if (!tmp)
        return -ENOMEM;
    size_t got = 0;
    int rc = fsp_fs_notify_retrieve(FS(fs), (uint64_t)index, (uint64_t)off,
                                    tmp, (size_t)n, timeout_ms, &got);
    if (rc == 0 && got > (size_t)n)
        rc = -EIO;
    if (rc == 0) {
        (*env)->SetByteArrayRegion(env, buf, 0, (jsize)got, tmp);
        if ((*env)->ExceptionCheck(env))
            rc = -EIO;  /* the exception stays pending for Java */
    }
    free(tmp);
    return rc == 0 ? (jint)got : rc;
}

/* During get_stream_info (Dispatcher checked the name). */
JNIEXPORT jboolean JNICALL JFN(streamAdd)(JNIEnv *env, jclass cls, jlong sb,
                                          jbyteArray name, jlong size)
{
    char buf[1024];
    jsize n = (*env)->GetArrayLength(env, name);
    if (n <= 0 || (size_t)n >= sizeof buf || size < 0)
        return JNI_FALSE;
    copy_str(env, name, buf, sizeof buf);
    if ((*env)->ExceptionCheck(env) || strlen(buf) != (size_t)n)
        return JNI_FALSE;
    return fsp_stream_buffer_add((struct fsp_stream_buffer *)(intptr_t)sb,
                                 buf, (uint64_t)size) ? JNI_TRUE : JNI_FALSE;
}

/* ---- org.fsp.Security: include/fsp/security.h ------------------------- */

/* A Java byte[] as a NUL-terminated C string (malloc'ed), or NULL. */
static char *cstr(JNIEnv *env, jbyteArray a)
{
    jsize n = (*env)->GetArrayLength(env, a);
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    (*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)s);
    if ((*env)->ExceptionCheck(env)) {
        free(s);
        return NULL;
    }
    s[n] = '\0';
    if (strlen(s) != (size_t)n) {  /* an embedded NUL: not one string */
        free(s);
        return NULL;
    }
    return s;
}

/* A malloc'ed C buffer as a new byte[]; err[0] the errno on failure. */
static jbyteArray give_array(JNIEnv *env, const void *p, size_t n,
                             jintArray err)
{
    jbyteArray a = n <= INT32_MAX ? jbytes(env, p, n) : NULL;
    if (!a || (*env)->ExceptionCheck(env)) {
        if ((*env)->ExceptionCheck(env))
            (*env)->ExceptionClear(env);
        jint e = ENOMEM;
        (*env)->SetIntArrayRegion(env, err, 0, 1, &e);
        return NULL;
    }
    return a;
}

/* err[0] = -rc; with an exception pending (out of memory) the exception
 * is the answer and JNI may not be called. */
static jbyteArray fail_array(JNIEnv *env, jintArray err, int rc)
{
    jint e = -rc;
    if (!(*env)->ExceptionCheck(env))
        (*env)->SetIntArrayRegion(env, err, 0, 1, &e);
    return NULL;
}

/* SDDL text -> self-relative descriptor. */
JNIEXPORT jbyteArray JNICALL JFN(sddlToSd)(JNIEnv *env, jclass cls,
                                            jbyteArray text, jintArray err)
{
    char *t = cstr(env, text);
    if (!t)
        return fail_array(env, err, (*env)->ExceptionCheck(env) ? -ENOMEM
                                                               : -EINVAL);
    struct fsp_sd sd = { 0 };
    void *buf = NULL;
    size_t size = 0;
    int rc = fsp_sddl_parse(t, &sd);
    if (!rc)
        rc = fsp_sd_build(&sd, &buf, &size);
    fsp_sd_clear(&sd);
    free(t);
    jbyteArray a = rc ? fail_array(env, err, rc)
                      : give_array(env, buf, size, err);
    free(buf);
    return a;
}

/* Self-relative descriptor -> SDDL text (UTF-8 bytes). */
JNIEXPORT jbyteArray JNICALL JFN(sdToSddl)(JNIEnv *env, jclass cls,
                                            jbyteArray bytes, jintArray err)
{
    jsize n = (*env)->GetArrayLength(env, bytes);
    jbyte *p = (*env)->GetByteArrayElements(env, bytes, NULL);
    if (!p)
        return fail_array(env, err, -ENOMEM);
    struct fsp_sd sd = { 0 };
    char *text = NULL;
    int rc = fsp_sd_parse(p, (size_t)n, &sd);
    (*env)->ReleaseByteArrayElements(env, bytes, p, JNI_ABORT);
    if (!rc)
        rc = fsp_sddl_print(&sd, &text);
    fsp_sd_clear(&sd);
    jbyteArray a = rc ? fail_array(env, err, rc)
                      : give_array(env, text, strlen(text), err);
    free(text);
    return a;
}

/* 0 or -EINVAL. */
JNIEXPORT jint JNICALL JFN(sdCheck)(JNIEnv *env, jclass cls, jbyteArray bytes)
{
    jsize n = (*env)->GetArrayLength(env, bytes);
    jbyte *p = (*env)->GetByteArrayElements(env, bytes, NULL);
    if (!p)
        return -ENOMEM;
    int rc = fsp_sd_check(p, (size_t)n);
    (*env)->ReleaseByteArrayElements(env, bytes, p, JNI_ABORT);
    return rc;
}

/* What a new file or directory inherits from `parent` (a descriptor),
 * owner and group given as SID text ("S-1-22-1-1000" or an alias). */
JNIEXPORT jbyteArray JNICALL JFN(sdInherit)(JNIEnv *env, jclass cls,
                                             jbyteArray parent,
                                             jbyteArray owner,
                                             jbyteArray group, jboolean dir,
                                             jintArray err)
{
    struct fsp_sd psd = { 0 }, out = { 0 };
    struct fsp_sid o, g;
    void *buf = NULL;
    size_t size = 0;
    char *os = cstr(env, owner), *gs = os ? cstr(env, group) : NULL;
    jsize n = gs ? (*env)->GetArrayLength(env, parent) : 0;
    jbyte *p = gs ? (*env)->GetByteArrayElements(env, parent, NULL) : NULL;
    int rc = !gs ? ((*env)->ExceptionCheck(env) ? -ENOMEM : -EINVAL)
           : !p  ? -ENOMEM
                 : 0;
    if (!rc)
        rc = fsp_sd_parse(p, (size_t)n, &psd);
    if (p)
        (*env)->ReleaseByteArrayElements(env, parent, p, JNI_ABORT);
    if (!rc)
        rc = fsp_sid_parse(os, &o);
    if (!rc)
        rc = fsp_sid_parse(gs, &g);
    if (!rc)
        rc = fsp_sd_inherit(&psd, &o, &g, dir, &out);
    if (!rc)
        rc = fsp_sd_build(&out, &buf, &size);
    fsp_sd_clear(&psd);
    fsp_sd_clear(&out);
    free(os);
    free(gs);
    jbyteArray a = rc ? fail_array(env, err, rc)
                      : give_array(env, buf, size, err);
    free(buf);
    return a;
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

/* fi: FI_LONGS longs or null. */
JNIEXPORT void JNICALL JFN(complete)(JNIEnv *env, jclass cls, jlong r,
                                     jint result, jint bytes, jlongArray fi)
{
    struct fsp_file_info info;
    if (fi) {
        jlong v[FI_LONGS];
        (*env)->GetLongArrayRegion(env, fi, 0, FI_LONGS, v);
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
    jlong v[FI_LONGS];
    (*env)->GetLongArrayRegion(env, fi, 0, FI_LONGS, v);
    if ((*env)->ExceptionCheck(env))
        return JNI_FALSE;
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
        { &m.create, "create", "(JJ[BIIIIII[B[B[J)I" },
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
        { &m.lookup_index, "lookupIndex", "(JJ[J)I" },
        { &m.lookup_stream, "lookupStream", "(JJ[B[J)I" },
        { &m.create_stream, "createStream", "(JJ[B[J)I" },
        { &m.delete_stream, "deleteStream", "(JJ[B)I" },
        { &m.get_stream_info, "getStreamInfo", "(JJJ)I" },
        { &m.get_reparse_data, "getReparseData", "(JJ[J)[B" },
        { &m.set_reparse_data, "setReparseData", "(JJ[B)I" },
        { &m.delete_reparse_data, "deleteReparseData", "(JJ)I" },
        { &m.get_security, "getSecurity", "(JJ[J)[B" },
        { &m.set_security, "setSecurity", "(JJ[B)I" },
        { &m.sid_to_id, "sidToId", "(Lorg/fsp/SidMapper;[B[J)I" },
        { &m.id_to_sid, "idToSid", "(Lorg/fsp/SidMapper;IZ[J)[B" },
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
