/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session's insides, shared by the files of src/session only. */
#ifndef FSP_SESSION_INT_H
#define FSP_SESSION_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "session/session.h"

#define SES_OPCODE_SLOTS 64   /* counters for opcodes 0..63; CUSE_INIT aside */

struct ses_session {
    struct ses_transport *t;
    struct ses_ll_ops ops;
    void *userdata;
    struct ses_params p;
    struct ses_conn conn;
    atomic_int initialized;
    atomic_int exited;
    /* Lifetime (see ses_delete): the owner holds one reference
     * and every detached request one more; the last one frees.  Once
     * `closed`, the connection is gone and late answers are dropped;
     * `late_busy` counts threads between ses_enter and _leave,
     * which the closer waits out. */
    atomic_uint refs;
    atomic_int closed;
    atomic_int late_busy;
    atomic_int ndetached;            /* requests answered later, still out */
    atomic_uint_fast64_t detached_total;   /* and how many ever were */
    atomic_uint_fast64_t spliced_total;    /* READs answered by splice */
    int exit_pipe[2];                /* wakes ses_loop, signal-safe */
    int error;                       /* why the loop ended, -errno or 0 */
    size_t bufsize;

    /* Requests being served, for INTERRUPT. */
    pthread_mutex_t inflight_lock;
    struct ses_request *inflight;

    /* Dispatcher pool. */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
    atomic_uint nthreads, nbusy;     /* nthreads changes under pool_lock */
    atomic_uint max_threads;         /* p.max_threads, lowered when a
                                        thread cannot be started */
    unsigned nexited;
    struct ses_worker *workers;

    struct ses_op_stats stats[SES_OPCODE_SLOTS];
    pthread_mutex_t trace_lock;
};

/* INIT negotiation (init.c). */
void ses_do_init(struct ses_request *req);
/* Debug trace (trace.c). */
void ses_trace_request(struct ses_session *se, const struct ses_request *req);
void ses_trace_reply(struct ses_session *se, const struct ses_request *req,
                     int error, size_t outlen);
/* Drop one reference; the last one frees the session (session.c). */
void ses_put(struct ses_session *se);
/* Interrupt table (dispatch.c). */
void ses_inflight_remove(struct ses_request *req);

#endif
