/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing of -o mount options into struct kmount_opts.
 *
 * The accepted set is deliberately small: only options that change what
 * kmount_mount() does.  Anything else is an error rather than silently
 * ignored, because a typo in "allow_other" should not produce a mount
 * that quietly behaves differently from what the user asked for.
 */
#include "kernel/mount.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

void kmount_opts_init(struct kmount_opts *o)
{
    memset(o, 0, sizeof(*o));
    /* A dead file system left mounted hangs or fails every client, so
     * cleaning up after a crash is the default. */
    o->auto_unmount = 1;
    o->busy_poll_us = -1;
    /* What every FUSE mount gets unless root asks otherwise. */
    o->ms_flags = MS_NOSUID | MS_NODEV;
}

/* The generic mount flags, as mount(8) and libfuse name them: the word
 * sets (set = 1) or clears (set = 0) its MS_* bit. */
static const struct {
    const char *name;
    unsigned long flag;
    int set;
} ms_opts[] = {
    { "suid", MS_NOSUID, 0 },        { "nosuid", MS_NOSUID, 1 },
    { "dev", MS_NODEV, 0 },          { "nodev", MS_NODEV, 1 },
    { "exec", MS_NOEXEC, 0 },        { "noexec", MS_NOEXEC, 1 },
    { "async", MS_SYNCHRONOUS, 0 },  { "sync", MS_SYNCHRONOUS, 1 },
    { "atime", MS_NOATIME, 0 },      { "noatime", MS_NOATIME, 1 },
    { "diratime", MS_NODIRATIME, 0 }, { "nodiratime", MS_NODIRATIME, 1 },
    { "dirsync", MS_DIRSYNC, 1 },
};

/* Apply `item` if it is one of ms_opts; 1 if it was, else 0. */
static int apply_ms_flag(struct kmount_opts *o, const char *item)
{
    for (size_t i = 0; i < sizeof(ms_opts) / sizeof(ms_opts[0]); i++) {
        if (strcmp(item, ms_opts[i].name) != 0)
            continue;
        if (ms_opts[i].set)
            o->ms_flags |= ms_opts[i].flag;
        else
            o->ms_flags &= ~ms_opts[i].flag;
        return 1;
    }
    return 0;
}

static void opt_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void opt_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Plain decimal only: no sign, no spaces, no hex, nothing after. */
static int parse_uint(const char *s, unsigned long max, uint32_t *out)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Options without a value, and the field each one sets. */
enum flag_opt {
    F_ALLOW_OTHER, F_DEFAULT_PERMISSIONS, F_RO, F_RW, F_NONEMPTY,
    F_AUTO_UNMOUNT, F_NOAUTO_UNMOUNT, F_IO_URING,
    F_WRITEBACK_CACHE,
};

static const struct {
    const char *name;
    enum flag_opt what;
} flag_opts[] = {
    { "allow_other", F_ALLOW_OTHER },
    { "default_permissions", F_DEFAULT_PERMISSIONS },
    { "ro", F_RO },
    { "rw", F_RW },
    { "nonempty", F_NONEMPTY },
    { "auto_unmount", F_AUTO_UNMOUNT },
    { "noauto_unmount", F_NOAUTO_UNMOUNT },
    /* Not a kernel option: which transport the session asks for. */
    { "io_uring", F_IO_URING },
    { "writeback_cache", F_WRITEBACK_CACHE },
};

static void set_flag(struct kmount_opts *o, enum flag_opt what)
{
    switch (what) {
    case F_ALLOW_OTHER: o->allow_other = 1; break;
    case F_DEFAULT_PERMISSIONS: o->default_permissions = 1; break;
    case F_RO: o->read_only = 1; break;
    case F_RW: o->read_only = 0; break;
    case F_NONEMPTY: o->nonempty = 1; break;
    case F_AUTO_UNMOUNT: o->auto_unmount = 1; break;
    case F_NOAUTO_UNMOUNT: o->auto_unmount = 0; break;
    case F_IO_URING: o->io_uring = 1; break;
    case F_WRITEBACK_CACHE: o->writeback_cache = 1; break;
    }
}

/* Apply one unescaped option ("key" or "key=value") to *o. */
static int apply_one(struct kmount_opts *o, char *item, char *err,
                     size_t errlen)
{
    char *eq = strchr(item, '=');
    const char *val = eq ? eq + 1 : NULL;
    size_t i;

    if (eq)
        *eq = '\0';

    for (i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++) {
        if (strcmp(item, flag_opts[i].name) != 0)
            continue;
        if (val) {
            opt_err(err, errlen, "option '%s' takes no value", item);
            return -EINVAL;
        }
        set_flag(o, flag_opts[i].what);
        return 0;
    }

    if (!val && apply_ms_flag(o, item))
        return 0;

    if (strcmp(item, "max_read") == 0 || strcmp(item, "request_timeout") == 0
        || strcmp(item, "busy_poll") == 0
        || strcmp(item, "fsname") == 0 || strcmp(item, "subtype") == 0) {
        if (!val) {
            opt_err(err, errlen, "option '%s' needs a value", item);
            return -EINVAL;
        }
    } else {
        if (eq)
            *eq = '=';  /* report the option as the user wrote it */
        opt_err(err, errlen, "unknown option '%s'", item);
        return -EINVAL;
    }

    if (strcmp(item, "max_read") == 0) {
        if (parse_uint(val, UINT32_MAX, &o->max_read) < 0)
            goto bad_value;
    } else if (strcmp(item, "request_timeout") == 0) {
        /* The kernel keeps the timeout in a 16-bit INIT reply field. */
        if (parse_uint(val, 65535, &o->request_timeout) < 0)
            goto bad_value;
    } else if (strcmp(item, "busy_poll") == 0) {
        /* Not a kernel option: a dispatcher setting (dev_transport.c).
         * Past a millisecond it only burns CPU. */
        uint32_t us;
        if (parse_uint(val, 1000, &us) < 0)
            goto bad_value;
        o->busy_poll_us = (int)us;
    } else if (strcmp(item, "fsname") == 0) {
        if (strlen(val) >= sizeof(o->fsname)) {
            opt_err(err, errlen, "value too long for fsname (at most %zu "
                    "bytes)", sizeof(o->fsname) - 1);
            return -EINVAL;
        }
        memcpy(o->fsname, val, strlen(val) + 1);
    } else {
        /* The subtype becomes part of the file system type name
         * ("fuse.SUBTYPE"); keep it to one visible word. */
        const char *c;
        if (strlen(val) >= sizeof(o->subtype)) {
            opt_err(err, errlen, "value too long for subtype (at most %zu "
                    "bytes)", sizeof(o->subtype) - 1);
            return -EINVAL;
        }
        for (c = val; *c; c++)
            if ((unsigned char)*c <= ' ' || *c == ',' || *c == '/'
                || *c == 0x7f)
                goto bad_value;
        memcpy(o->subtype, val, strlen(val) + 1);
    }
    return 0;

bad_value:
    opt_err(err, errlen, "bad value for %s: '%s'", item, val);
    return -EINVAL;
}

int kmount_opts_parse(struct kmount_opts *o, const char *arg,
                         char *err, size_t errlen)
{
    struct kmount_opts tmp;
    const char *p = arg;
    char *item = NULL;
    int rc = 0;

    if (err && errlen)
        err[0] = '\0';
    if (!o)
        return -EINVAL;
    if (!arg)
        return 0;

    /* Work on a copy so that a bad option leaves *o as it was. */
    tmp = *o;
    item = malloc(strlen(arg) + 1);
    if (!item) {
        opt_err(err, errlen, "out of memory");
        rc = -ENOMEM;
        goto out;
    }

    for (;;) {
        size_t n = 0;

        /* Collect one item up to an unescaped comma, dropping the
         * backslashes that escape the following character. */
        while (*p && *p != ',') {
            if (*p == '\\' && p[1])
                p++;
            item[n++] = *p++;
        }
        item[n] = '\0';

        if (n > 0) {  /* "a,,b" and a trailing comma are harmless */
            rc = apply_one(&tmp, item, err, errlen);
            if (rc < 0)
                goto out;
        }
        if (*p == '\0')
            break;
        p++;  /* the comma */
    }
    *o = tmp;

out:
    free(item);
    return rc;
}
