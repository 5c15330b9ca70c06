/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The smallest test vocabulary that serves both unit and integration
 * tests.  Every test binary prints one line per case, "PASS: name" or
 * "FAIL: name: why", and tests/run.sh counts those lines into the
 * closing "N passed, N failed" that CI reads.
 */
#ifndef FSP_TESTS_CHECK_H
#define FSP_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern int check_failed;  /* set by CHECK in the current case */

/* Inside a case: record a failure with location and keep going. */
#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("  %s:%d: check failed: %s (errno %d %s)\n", __FILE__,  \
                   __LINE__, #cond, errno, strerror(errno));               \
            check_failed = 1;                                              \
        }                                                                  \
    } while (0)

/* Like CHECK but leaves the case at once (use where going on would crash). */
#define REQUIRE(cond)                                                      \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("  %s:%d: required: %s (errno %d %s)\n", __FILE__,      \
                   __LINE__, #cond, errno, strerror(errno));               \
            check_failed = 1;                                              \
            return;                                                        \
        }                                                                  \
    } while (0)

/* Compare two integers, printing both on mismatch. */
#define CHECK_EQ(a, b)                                                     \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);               \
        if (a_ != b_) {                                                    \
            printf("  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
                   __LINE__, #a, a_, #b, b_);                              \
            check_failed = 1;                                              \
        }                                                                  \
    } while (0)

/* A call that must fail with a given errno. */
#define CHECK_ERRNO(call, err)                                             \
    do {                                                                   \
        errno = 0;                                                         \
        long r_ = (long)(call);                                            \
        if (r_ != -1 || errno != (err)) {                                  \
            printf("  %s:%d: %s returned %ld errno %d (%s), expected "     \
                   "errno %d (%s)\n", __FILE__, __LINE__, #call, r_,       \
                   errno, strerror(errno), err, strerror(err));            \
            check_failed = 1;                                              \
        }                                                                  \
    } while (0)

/* Run one case function and print its verdict. */
#define RUN(fn)                                                            \
    do {                                                                   \
        check_failed = 0;                                                  \
        fn();                                                              \
        printf("%s: %s\n", check_failed ? "FAIL" : "PASS", #fn);           \
        fflush(stdout);                                                    \
    } while (0)

#define CHECK_DEFINE_GLOBALS int check_failed

#endif
