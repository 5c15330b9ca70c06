/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Slow I/O (-S), like WinFsp memfs's slowio: reads and writes are not
 * answered by the callback but handed to completion threads that finish
 * them a little later, in shuffled order, with fsp_request_complete.  It
 * exercises fsp's asynchronous completion through a real mount; a file
 * system whose I/O goes to a network or a disk queue would do the same.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "memfs.h"

struct job {
    struct job *next;
    fsp_request *req;      /* the pended request, answered by the worker */
    void *node, *file;
    void *buf;             /* read: where the data goes */
    const void *data;      /* write: the data */
    uint64_t offset;
    uint32_t length;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct job *head;
    int stop;
    pthread_t threads[2];
    int nthreads;
} q = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void finish(struct job *j)
{
    uint32_t done = 0;
    int r;
    /* The caller got a signal while the job waited: give up, as a slow
     * file system should, rather than keep the caller waiting (the
     * kernel then returns EINTR or the part already done). */
    if (fsp_request_interrupted(j->req)) {
        fsp_request_complete(j->req, -EINTR, 0, NULL);
        free(j);
        return;
    }
    if (j->buf) {
        r = memfs_read(j->req, j->node, j->file, j->buf, j->offset,
                       j->length, &done);
        fsp_request_complete(j->req, r, done, NULL);
    } else {
        struct fsp_file_info fi;
        r = memfs_write(j->req, j->node, j->file, j->data, j->offset,
                        j->length, &done, &fi);
        fsp_request_complete(j->req, r, done, &fi);
    }
    free(j);
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    pthread_mutex_lock(&q.lock);
    for (;;) {
        while (!q.head && !q.stop)
            pthread_cond_wait(&q.cond, &q.lock);
        if (!q.head)
            break;
        /* Take the newest: completions come back out of order. */
        struct job *j = q.head;
        q.head = j->next;
        pthread_mutex_unlock(&q.lock);
        struct timespec d = { 0, (long)(rand_r(&seed) % 1000) * 1000 };
        nanosleep(&d, NULL);
        finish(j);
        pthread_mutex_lock(&q.lock);
    }
    pthread_mutex_unlock(&q.lock);
    return NULL;
}

int slowio_start(void)
{
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&q.threads[i], NULL, worker,
                           (void *)(uintptr_t)(i + 1)) != 0)
            return -EAGAIN;
        q.nthreads++;
    }
    return 0;
}

void slowio_stop(void)
{
    pthread_mutex_lock(&q.lock);
    q.stop = 1;
    pthread_cond_broadcast(&q.cond);
    pthread_mutex_unlock(&q.lock);
    for (int i = 0; i < q.nthreads; i++)
        pthread_join(q.threads[i], NULL);
    q.nthreads = 0;
}

/* Queue the request for later; returns FSP_PENDING, or -ENOMEM/-EAGAIN
 * when it cannot be kept (the caller then answers inline). */
static int enqueue(fsp_request *req, void *node, void *file, void *buf,
                   const void *data, uint64_t offset, uint32_t length)
{
    struct job *j = malloc(sizeof *j);
    if (!j)
        return -ENOMEM;
    fsp_request *held = fsp_request_pend(req);
    if (!held) {
        free(j);
        return -EAGAIN;
    }
    *j = (struct job){ .req = held, .node = node, .file = file, .buf = buf,
                       .data = data, .offset = offset, .length = length };
    pthread_mutex_lock(&q.lock);
    j->next = q.head;
    q.head = j;
    pthread_cond_signal(&q.cond);
    pthread_mutex_unlock(&q.lock);
    return FSP_PENDING;
}

int slowio_read(fsp_request *req, void *node, void *file, void *buf,
                uint64_t offset, uint32_t length, uint32_t *bytes_read)
{
    int r = enqueue(req, node, file, buf, NULL, offset, length);
    return r == FSP_PENDING ? r
                            : memfs_read(req, node, file, buf, offset, length,
                                         bytes_read);
}

int slowio_write(fsp_request *req, void *node, void *file, const void *buf,
                 uint64_t offset, uint32_t length, uint32_t *bytes_written,
                 struct fsp_file_info *fi)
{
    int r = enqueue(req, node, file, NULL, buf, offset, length);
    return r == FSP_PENDING ? r
                            : memfs_write(req, node, file, buf, offset, length,
                                          bytes_written, fi);
}
