/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: fuse_opt_parse (src/compat/fuse3/opt.c) with an option
 * table like real programs' (sshfs, squashfuse, bindfs): flags, values of
 * every conversion they use, keys handed to a processing function that
 * keeps, drops, rewrites or adds arguments, and "-o" lists.  Then the
 * other fuse_opt functions on what came out.  ASan and LSan do the
 * checking; also checked: the parsed argv is NULL-terminated and argc
 * matches it.
 *
 * Input: split at NUL bytes into argv[1..].
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "compat/fuse3/compat.h"
#include "check.h"

struct conf {
    int flag, neg, verbose;
    char *host, *name, *port_s;
    unsigned uval;
    int ival;
    long lval;
    unsigned long long ullval;
    double dval;
    int oct;
    char *rest;
};

enum { KEY_HELP, KEY_VERSION, KEY_REWRITE, KEY_ADD, KEY_DROP, KEY_FAIL };

#define C(t, p, v) { t, offsetof(struct conf, p), v }
static const struct fuse_opt spec[] = {
    C("-f", flag, 1),
    C("--flag", flag, 1),
    C("noflag", flag, 0),
    C("neg", neg, -1),
    C("-v", verbose, 1),
    C("verbose", verbose, 1),
    C("host=%s", host, 0),
    C("-n %s", name, 0),
    C("--name=%s", name, 0),
    C("port=%s", port_s, 0),
    C("uval=%u", uval, 0),
    C("ival=%d", ival, 0),
    C("ival2=%i", ival, 0),
    C("lval=%ld", lval, 0),
    C("big=%llu", ullval, 0),
    C("dval=%lf", dval, 0),
    C("oct=%o", oct, 0),
    C("-p %u", uval, 0),
    C("rest=", rest, 0),
    FUSE_OPT_KEY("-h", KEY_HELP),
    FUSE_OPT_KEY("--help", KEY_HELP),
    FUSE_OPT_KEY("-V", KEY_VERSION),
    FUSE_OPT_KEY("rewrite=", KEY_REWRITE),
    FUSE_OPT_KEY("add", KEY_ADD),
    FUSE_OPT_KEY("drop", KEY_DROP),
    FUSE_OPT_KEY("fail", KEY_FAIL),
    FUSE_OPT_KEY("keep", FUSE_OPT_KEY_KEEP),
    FUSE_OPT_KEY("discard", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_END
};

static int nonopts;

static int proc(void *data, const char *arg, int key, struct fuse_args *out)
{
    struct conf *c = data;
    switch (key) {
    case KEY_HELP:
        c->verbose = 2;
        return fuse_opt_add_arg(out, "-ho");
    case KEY_VERSION:
        return 1;
    case KEY_REWRITE: {
        /* what sshfs does with its own options: rewrite to another */
        char buf[64];
        snprintf(buf, sizeof buf, "-ofsname=%.40s", arg + 8);
        return fuse_opt_add_arg(out, buf) ? -1 : 0;
    }
    case KEY_ADD:
        return fuse_opt_insert_arg(out, 1, "-oinserted") ? -1 : 1;
    case KEY_DROP:
        return 0;
    case KEY_FAIL:
        return -1;
    case FUSE_OPT_KEY_NONOPT:
        /* the first non-option is kept (a mount point), others go */
        return nonopts++ == 0;
    default:
        return 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *argv[FZ_MAX_ARGS + 2], *store;
    int argc = fz_argv(data, size, argv, &store);
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct conf c;
    memset(&c, 0, sizeof c);
    nonopts = 0;
    int r = fuse_opt_parse(&args, &c, spec, proc);
    CHECK(r == 0 || r == -1);
    if (args.argv) {
        CHECK(args.argc >= 0 && args.argv[args.argc] == NULL);
        for (int i = 0; i < args.argc; i++)
            CHECK(args.argv[i] != NULL);
    }
    /* What programs then do with the rest: add an -o option, escaped. */
    char *opts = NULL;
    if (r == 0 && fuse_opt_add_opt_escaped(&opts, c.host ? c.host : "a,b\\c")
                  == 0)
        fuse_opt_add_opt(&opts, "x=1");
    if (r == 0 && args.argc > 1)
        fuse_opt_match(spec, args.argv[args.argc - 1]);
    free(opts);
    free(c.host);
    free(c.name);
    free(c.port_s);
    free(c.rest);
    fuse_opt_free_args(&args);
    free(store);
    return 0;
}
