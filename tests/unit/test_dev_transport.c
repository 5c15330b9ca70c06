/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The /dev/fuse transport's per-thread state outlives a transport.
 *
 * A thread that waited in one transport's receive keeps an epoll set
 * made for it (dev_transport.c).  When that transport is destroyed from
 * another thread (a program's own loop thread, a session deleted by
 * whoever owns it) and a new transport then lands at the same address,
 * the thread must not take the old set for the new transport: that set
 * watches descriptors that are closed now, so its receive would wait
 * forever.  The transport runs over a pipe here: receive only reads
 * and waits for readability, which a pipe has too.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session/session.h"
#include "../check.h"

CHECK_DEFINE_GLOBALS;

struct recv_job {
    struct ses_transport *t;
    ssize_t got;
};

/* Let the receiving thread reach its wait, then write one byte. */
static void feed_later(int fd)
{
    struct timespec d = { 0, 100 * 1000000 };
    nanosleep(&d, NULL);
    ssize_t w = write(fd, "x", 1);
    (void)w;
}

/* The same thread receives on each transport in turn, as a program's
 * loop thread would on a session it made again. */
static struct ses_transport *next_t;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn, done;
static ssize_t got[2];

static void *receiver(void *arg)
{
    (void)arg;
    char buf[64];
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&lock);
        while (turn != i + 1)
            pthread_cond_wait(&cond, &lock);
        struct ses_transport *t = next_t;
        pthread_mutex_unlock(&lock);
        got[i] = t->receive(t, buf, sizeof buf);
        pthread_mutex_lock(&lock);
        done = i + 1;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

/* Hand t to the receiver as round `round`, feed it, wait up to 3 s. */
static int serve_round(struct ses_transport *t, int wfd, int round)
{
    pthread_mutex_lock(&lock);
    next_t = t;
    turn = round;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    feed_later(wfd);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 3;
    pthread_mutex_lock(&lock);
    int r = 0;
    while (done != round && r == 0)
        r = pthread_cond_timedwait(&cond, &lock, &until);
    pthread_mutex_unlock(&lock);
    return done == round;
}

static void thread_set_survives_transport(void)
{
    int p1[2], p2[2];
    REQUIRE(pipe(p1) == 0 && pipe(p2) == 0);
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, receiver, NULL) == 0);

    struct ses_transport *a = ses_dev_transport_new(p1[0]);
    REQUIRE(a);
    ses_dev_transport_busy_poll(a, 0); /* wait in epoll, not in a poll */
    CHECK(serve_round(a, p1[1], 1));
    CHECK_EQ(got[0], 1);
    /* Destroyed from this thread, not the one that waited in it.  glibc's
     * calloc skips the per-thread cache that free fills first: fill it,
     * so that a's memory is what the next calloc of its size returns,
     * as it would be sooner or later in a long-running program. */
    size_t sz = malloc_usable_size(a);
    void *fill[7];
    for (int i = 0; i < 7; i++)
        fill[i] = malloc(sz);
    for (int i = 0; i < 7; i++)
        free(fill[i]);
    a->destroy(a);

    struct ses_transport *b = ses_dev_transport_new(p2[0]);
    REQUIRE(b);
    ses_dev_transport_busy_poll(b, 0);
    if (b != a)
        printf("  (the new transport is elsewhere: the case is weaker)\n");
    int ok = serve_round(b, p2[1], 2);
    CHECK(ok);
    if (ok) {
        CHECK_EQ(got[1], 1);
        pthread_join(th, NULL);
        b->destroy(b);
    } else {
        /* Stuck in a set that watches nothing: leave it (and b). */
        pthread_detach(th);
    }
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
}

int main(void)
{
    RUN(thread_set_survives_transport);
    return check_failed;
}
