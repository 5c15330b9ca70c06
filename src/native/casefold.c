/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unicode simple case folding for names on case-insensitive volumes.
 * The table is generated (tools/gen-casefold.py) so that a new Unicode
 * version is a regeneration, not an edit.
 */
#include <errno.h>

#include "fsp/names.h"

struct fold_run {
    uint32_t first;   /* first code point of the run */
    uint16_t count;   /* code points in the run */
    uint8_t stride;   /* distance between them: 1, or 2 for interleaved */
    int32_t delta;    /* folded = code point + delta */
};

#include "native/casefold_table.h"

#define NRUNS (sizeof fold_runs / sizeof fold_runs[0])

/* Marks a byte that is not valid UTF-8, to be copied through as is. */
#define RAW_BYTE 0x80000000u

uint32_t fsp_casefold_char(uint32_t cp)
{
    if (cp < 0x80)  /* names are mostly ASCII: skip the search */
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;

    size_t lo = 0, hi = NRUNS;  /* find the last run starting <= cp */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fold_runs[mid].first <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return cp;
    const struct fold_run *r = &fold_runs[lo - 1];
    uint32_t off = cp - r->first;
    if (off % r->stride == 0 && off / r->stride < r->count)
        return (uint32_t)((int32_t)cp + r->delta);
    return cp;
}

/* Decode one code point at *p and advance; invalid bytes come back one
 * at a time as RAW_BYTE | byte. */
static uint32_t decode(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t cp, min;
    int need;

    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if (s[0] >= 0xC2 && s[0] < 0xE0)
        need = 1, cp = s[0] & 0x1F, min = 0x80;
    else if (s[0] >= 0xE0 && s[0] < 0xF0)
        need = 2, cp = s[0] & 0x0F, min = 0x800;
    else if (s[0] >= 0xF0 && s[0] < 0xF5)
        need = 3, cp = s[0] & 0x07, min = 0x10000;
    else
        goto raw;
    for (int i = 1; i <= need; i++) {  /* stops at the NUL too */
        if ((s[i] & 0xC0) != 0x80)
            goto raw;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        goto raw;
    *p = s + need + 1;
    return cp;
raw:
    *p = s + 1;
    return RAW_BYTE | s[0];
}

static int encode(uint32_t cp, unsigned char *out)
{
    if (cp & RAW_BYTE) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The folded UTF-8 of the next character at *p into out[4]. */
static int fold_next(const unsigned char **p, unsigned char *out)
{
    uint32_t cp = decode(p);
    return encode(cp & RAW_BYTE ? cp : fsp_casefold_char(cp), out);
}

int fsp_name_casefold(const char *name, char *out, size_t outsize)
{
    if (!name || !out)
        return -EINVAL;
    const unsigned char *p = (const unsigned char *)name;
    size_t len = 0;
    while (*p) {
        unsigned char buf[4];
        int n = fold_next(&p, buf);
        if (len + (size_t)n >= outsize || len + (size_t)n > INT32_MAX)
            return -ENAMETOOLONG;
        for (int i = 0; i < n; i++)
            out[len++] = (char)buf[i];
    }
    if (outsize == 0)
        return -ENAMETOOLONG;
    out[len] = '\0';
    return (int)len;
}

/* The folded bytes of a name, one at a time, without a buffer for all. */
struct fold_stream {
    const unsigned char *p;
    unsigned char buf[4];
    int len, pos;
};

static int stream_byte(struct fold_stream *s)
{
    if (s->pos == s->len) {
        if (!*s->p)
            return -1;  /* the end sorts first, as in strcmp */
        s->len = fold_next(&s->p, s->buf);
        s->pos = 0;
    }
    return s->buf[s->pos++];
}

int fsp_name_compare_nocase(const char *a, const char *b)
{
    struct fold_stream sa = { .p = (const unsigned char *)a };
    struct fold_stream sb = { .p = (const unsigned char *)b };
    for (;;) {
        int x = stream_byte(&sa), y = stream_byte(&sb);
        if (x != y)
            return x < y ? -1 : 1;
        if (x < 0)
            return 0;
    }
}
