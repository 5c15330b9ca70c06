/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control protocol's parser and builder (proto.h, docs/launcher.md).
 * The parser reads what any local user sends: it trusts no length, and
 * tests/fuzz/fuzz_launcher_proto.c drives it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

int lproto_split(char *buf, size_t len, const char *fields[LPROTO_MAX_FIELDS])
{
    if (len == 0 || buf[len - 1] != '\0')
        return -EPROTO;
    if (len > LPROTO_MAX_MSG)
        return -EMSGSIZE;
    int n = 0;
    size_t off = 0;
    while (off < len) {
        size_t flen = strlen(buf + off);   /* stops at the final NUL at worst */
        if (flen > LPROTO_MAX_FIELD)
            return -EMSGSIZE;
        if (n == LPROTO_MAX_FIELDS)
            return -EMSGSIZE;
        fields[n++] = buf + off;
        off += flen + 1;
    }
    if (strcmp(fields[0], LPROTO_TAG) != 0)
        return -EPROTO;
    return n;
}

int lproto_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LPROTO_MAX_NAME || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static const struct {
    const char *name;
    enum lproto_verb verb;
    int min, max;     /* fields after the verb */
} verbs[] = {
    { "start", LPROTO_START, 2, 2 + LPROTO_MAX_ARGS },
    { "start-with-secret", LPROTO_START_SECRET, 3, 3 + LPROTO_MAX_ARGS },
    { "stop", LPROTO_STOP, 2, 2 },
    { "list", LPROTO_LIST, 0, 0 },
    { "info", LPROTO_INFO, 2, 2 },
};

int lproto_parse_request(char *buf, size_t len, struct lproto_request *req)
{
    const char *f[LPROTO_MAX_FIELDS];
    int n = lproto_split(buf, len, f);
    if (n < 0)
        return n;
    if (n < 2)
        return -EPROTO;
    memset(req, 0, sizeof *req);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(f[1], verbs[i].name) != 0)
            continue;
        int extra = n - 2;
        if (extra < verbs[i].min || extra > verbs[i].max)
            return -EINVAL;
        req->verb = verbs[i].verb;
        if (verbs[i].min == 0)
            return 0;
        req->cls = f[2];
        req->instance = f[3];
        if (!lproto_valid_name(req->cls) || !lproto_valid_name(req->instance))
            return -EINVAL;
        int a = 4;
        if (req->verb == LPROTO_START_SECRET)
            req->secret = f[a++];
        for (; a < n; a++)
            req->args[req->nargs++] = f[a];
        return 0;
    }
    return -EOPNOTSUPP;
}

void lproto_init(struct lproto_buf *b)
{
    b->len = 0;
    b->fields = 0;
    b->overflow = 0;
}

void lproto_add(struct lproto_buf *b, const char *field)
{
    size_t flen = strnlen(field, LPROTO_MAX_FIELD);
    if (b->overflow || b->fields == LPROTO_MAX_FIELDS ||
        flen + 1 > sizeof b->data - b->len) {
        b->overflow = 1;
        return;
    }
    memcpy(b->data + b->len, field, flen);
    b->data[b->len + flen] = '\0';
    b->len += flen + 1;
    b->fields++;
}

static void vaddf(struct lproto_buf *b, const char *fmt, va_list ap)
{
    char field[LPROTO_MAX_FIELD + 1];
    vsnprintf(field, sizeof field, fmt, ap);
    lproto_add(b, field);
}

void lproto_addf(struct lproto_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vaddf(b, fmt, ap);
    va_end(ap);
}

void lproto_reply(struct lproto_buf *b, int status, const char *fmt, ...)
{
    va_list ap;
    lproto_init(b);
    lproto_add(b, LPROTO_TAG);
    lproto_addf(b, "%d", status);
    va_start(ap, fmt);
    vaddf(b, fmt, ap);
    va_end(ap);
}
