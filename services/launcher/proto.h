/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launcher's control protocol (docs/launcher.md): one request and
 * one reply per connection, each one SOCK_SEQPACKET message made of
 * NUL-terminated fields.  The first field is the version tag, the second
 * the verb (request) or status (reply).
 */
#ifndef LAUNCHER_PROTO_H
#define LAUNCHER_PROTO_H

#include <stddef.h>

#define LPROTO_TAG        "FSPL1"
#define LPROTO_MAX_MSG    16384   /* bytes in one message */
#define LPROTO_MAX_FIELDS 32
#define LPROTO_MAX_FIELD  4096    /* bytes in one field, NUL excluded */
#define LPROTO_MAX_ARGS   9       /* %1 .. %9 */
#define LPROTO_MAX_NAME   63      /* class and instance names */

enum lproto_verb {
    LPROTO_START, LPROTO_START_SECRET, LPROTO_STOP, LPROTO_LIST, LPROTO_INFO,
};

/* A parsed request; every pointer points into the buffer parsed. */
struct lproto_request {
    enum lproto_verb verb;
    const char *cls, *instance;    /* NULL for list */
    const char *secret;            /* start-with-secret only */
    const char *args[LPROTO_MAX_ARGS];
    int nargs;
};

/* Split buf (len bytes, modified in place: no copy) into fields.
 * Returns the number of fields, or -EPROTO (not NUL-terminated, empty,
 * a wrong tag), -EMSGSIZE (too long, too many fields, a field too
 * long). */
int lproto_split(char *buf, size_t len, const char *fields[LPROTO_MAX_FIELDS]);

/* Parse a request.  0, or -EPROTO (malformed), -EMSGSIZE, -EINVAL (a
 * verb's arguments wrong: count, names), -EOPNOTSUPP (unknown verb). */
int lproto_parse_request(char *buf, size_t len, struct lproto_request *req);

/* Is s a valid class or instance name: 1..63 of [A-Za-z0-9._-], not
 * starting with '.' or '-'. */
int lproto_valid_name(const char *s);

/* A message being built: fields appended in order. */
struct lproto_buf {
    char data[LPROTO_MAX_MSG];
    size_t len;
    int fields;
    int overflow;   /* something did not fit: the message is incomplete */
};

void lproto_init(struct lproto_buf *b);
/* Append one field (truncated to LPROTO_MAX_FIELD; a NUL inside ends
 * it).  Sets overflow when the message is full. */
void lproto_add(struct lproto_buf *b, const char *field);
void lproto_addf(struct lproto_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A reply's head: tag, status (0 or a positive errno), message. */
void lproto_reply(struct lproto_buf *b, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
