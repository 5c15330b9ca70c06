/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * INIT negotiation.
 *
 * We ask for every capability that saves a round trip or a copy and that
 * is correct for any file system, then let the layer above (ll init)
 * take away what its file system cannot honour (POSIX locks without lock
 * callbacks, export support without lookup-by-index, ...).  The kernel
 * grants the intersection of what it offered and what we ask for, and we
 * remember that in conn for everybody else to read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "session/session_int.h"

/* Capabilities every fsp file system gets unless its layer removes them. */
#define FSP_DEFAULT_WANT                                                   \
    ((uint64_t)WIRE_ASYNC_READ | WIRE_ATOMIC_O_TRUNC | WIRE_BIG_WRITES |       \
     WIRE_DO_READDIRPLUS | WIRE_READDIRPLUS_AUTO | WIRE_PARALLEL_DIROPS |      \
     WIRE_HANDLE_KILLPRIV_V2 | WIRE_MAX_PAGES | WIRE_CACHE_SYMLINKS |          \
     WIRE_AUTO_INVAL_DATA | WIRE_ASYNC_DIO | WIRE_INIT_EXT |                  \
     WIRE_EXPORT_SUPPORT | WIRE_DIRECT_IO_ALLOW_MMAP)

void ses_do_init(struct ses_request *req)
{
    struct ses_session *se = req->se;
    const struct wire_init_in *in = ses_req_arg(req, 16);
    if (!in) {
        ses_reply_err(req, -EINVAL);
        return;
    }
    struct ses_conn *c = &se->conn;
    c->proto_major = in->major;
    c->proto_minor = in->minor;
    if (in->major < 7) {
        fprintf(stderr, "fsp: kernel FUSE protocol %u.%u is too old\n",
                in->major, in->minor);
        ses_reply_err(req, -EPROTO);
        ses_exit(se);
        return;
    }
    if (in->major > 7) {
        /* The kernel offers a newer major: answer with ours and it
         * sends INIT again at 7.x. */
        struct wire_init_out o = { .major = WIRE_KERNEL_VERSION,
                                  .minor = WIRE_KERNEL_MINOR_VERSION };
        ses_reply_buf(req, &o, sizeof o);
        return;
    }
    uint64_t kflags = in->flags;
    if (req->arglen >= sizeof *in && (kflags & WIRE_INIT_EXT))
        kflags |= (uint64_t)in->flags2 << 32;
    c->kernel_flags = kflags;
    c->max_readahead = in->max_readahead;
    c->max_write = 1u << 20;
    c->max_pages = 256;
    c->time_gran = 1;
    c->max_background = 64;
    c->congestion_threshold = 48;
    c->want_flags = FSP_DEFAULT_WANT;
    if (se->p.request_timeout) {
        c->want_flags |= WIRE_REQUEST_TIMEOUT;
        c->request_timeout = se->p.request_timeout;
    }

    if (se->ops.init)
        se->ops.init(se->userdata, c);

    c->want_flags &= kflags;
    /* io_uring only if asked for, offered (the kernel's enable_uring)
     * and the transport could set up its rings. */
    if (se->p.io_uring && (kflags & WIRE_OVER_IO_URING) && se->t->prepare &&
        se->t->prepare(se->t, c) == 0)
        c->want_flags |= WIRE_OVER_IO_URING;
    else if (se->p.io_uring)
        fprintf(stderr, "fsp: io_uring %s; serving over /dev/fuse\n",
                (kflags & WIRE_OVER_IO_URING)
                    ? "rings could not be set up"
                    : "not offered by the kernel (enable_uring is off)");
    if (!(c->want_flags & WIRE_REQUEST_TIMEOUT))
        c->request_timeout = 0;
    if (!(c->want_flags & WIRE_MAX_PAGES))
        c->max_write = 32u * 4096; /* the kernel's limit without max_pages */

    struct wire_init_out o = {
        .major = WIRE_KERNEL_VERSION,
        .minor = WIRE_KERNEL_MINOR_VERSION,
        .max_readahead = c->max_readahead,
        .flags = (uint32_t)c->want_flags,
        .flags2 = (uint32_t)(c->want_flags >> 32),
        .max_background = c->max_background,
        .congestion_threshold = c->congestion_threshold,
        .max_write = c->max_write,
        .time_gran = c->time_gran,
        .max_pages = c->max_pages,
        .request_timeout = c->request_timeout,
        .max_stack_depth = (c->want_flags & WIRE_PASSTHROUGH)
                               ? c->max_stack_depth : 0,
    };
    /* Old kernels (before 7.23) read a shorter reply. */
    size_t len = in->minor < 23 ? 24 : sizeof o;
    atomic_store(&se->initialized, 1);
    ses_reply_buf(req, &o, len);
    /* The kernel holds every new request until each queue registered. */
    if ((c->want_flags & WIRE_OVER_IO_URING)) {
        int r = se->t->start(se->t, se);
        /* Too late to fall back: the kernel, told io_uring, holds every
         * request until each queue registered, so a mount left like this
         * only hangs its clients.  End it instead. */
        if (r < 0) {
            fprintf(stderr, "fsp: cannot start io_uring queues: %s; "
                    "ending the session\n", strerror(-r));
            ses_fail(se, r);
        }
    }
    /* (A layer with a trace of its own prints its own INIT lines.) */
    if (se->p.debug && !se->p.trace)
        fprintf(stderr,
                "fsp: INIT kernel %u.%u, flags 0x%llx of 0x%llx, "
                "max_write %u, request_timeout %u\n",
                c->proto_major, c->proto_minor,
                (unsigned long long)c->want_flags,
                (unsigned long long)kflags, c->max_write,
                c->request_timeout);
}
