/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_opt: libfuse's command-line option parser, behaviour for
 * behaviour (programs depend on its quirks: which arguments are kept,
 * where the collected "-o" group lands, how "--" is handled).
 *
 * Arguments are walked left to right.  "-o a,b" groups are split on
 * unescaped commas and each option matched on its own; kept options are
 * re-collected into one "-o" group inserted right after argv[0].
 * Everything not starting with '-' (and everything after "--") is a
 * non-option.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/compat.h"

struct opt_ctx {
    void *data;
    const struct fuse_opt *opt;
    fuse_opt_proc_t proc;
    int argctr;
    int argc;
    char **argv;
    struct fuse_args outargs;
    char *opts;                 /* kept options of -o groups */
    int nonopt;                 /* outargs index after "--", 0 if none */
};

static int alloc_failed(void)
{
    fuse_log(FUSE_LOG_ERR, "fuse: memory allocation failed\n");
    return -1;
}

void fuse_opt_free_args(struct fuse_args *args)
{
    if (!args)
        return;
    if (args->argv && args->allocated) {
        for (int i = 0; i < args->argc; i++)
            free(args->argv[i]);
        free(args->argv);
    }
    args->argc = 0;
    args->argv = NULL;
    args->allocated = 0;
}

/* libfuse asserts when asked to grow a vector it does not own; we copy
 * it instead, which gives the same result without aborting. */
static int own_args(struct fuse_args *args)
{
    if (!args->argv || args->allocated)
        return 0;
    char **v = calloc((size_t)args->argc + 1, sizeof *v);
    if (!v)
        return alloc_failed();
    for (int i = 0; i < args->argc; i++)
        if (!(v[i] = strdup(args->argv[i]))) {
            while (i--)
                free(v[i]);
            free(v);
            return alloc_failed();
        }
    args->argv = v;
    args->allocated = 1;
    return 0;
}

int fuse_opt_add_arg(struct fuse_args *args, const char *arg)
{
    if (own_args(args))
        return -1;
    char *copy = strdup(arg);
    if (!copy)
        return alloc_failed();
    char **v = realloc(args->argv, ((size_t)args->argc + 2) * sizeof *v);
    if (!v) {
        free(copy);
        return alloc_failed();
    }
    args->argv = v;
    args->allocated = 1;
    v[args->argc++] = copy;
    v[args->argc] = NULL;
    return 0;
}

int fuse_opt_insert_arg(struct fuse_args *args, int pos, const char *arg)
{
    if (pos < 0 || pos > args->argc)
        return -1;
    if (fuse_opt_add_arg(args, arg) == -1)
        return -1;
    if (pos != args->argc - 1) {
        char *moved = args->argv[args->argc - 1];
        memmove(&args->argv[pos + 1], &args->argv[pos],
                sizeof(char *) * (size_t)(args->argc - pos - 1));
        args->argv[pos] = moved;
    }
    return 0;
}

static int add_opt_common(char **opts, const char *opt, int esc)
{
    size_t oldlen = *opts ? strlen(*opts) : 0;
    /* Worst case every character is escaped, plus comma and NUL. */
    char *d = realloc(*opts, oldlen + 1 + strlen(opt) * 2 + 1);
    if (!d)
        return alloc_failed();
    *opts = d;
    if (oldlen) {
        d += oldlen;
        *d++ = ',';
    }
    for (; *opt; opt++) {
        if (esc && (*opt == ',' || *opt == '\\'))
            *d++ = '\\';
        *d++ = *opt;
    }
    *d = '\0';
    return 0;
}

int fuse_opt_add_opt(char **opts, const char *opt)
{
    return add_opt_common(opts, opt, 0);
}

int fuse_opt_add_opt_escaped(char **opts, const char *opt)
{
    return add_opt_common(opts, opt, 1);
}

/*
 * Does template t match arg?  "name=" and "name=%fmt" match any arg that
 * starts with "name="; "-n %fmt" / "-n " match "-n" followed by anything
 * (the value may also be the next argument); other templates match
 * exactly.  *sepp gets the separator's offset in t, or 0.
 */
static int match_template(const char *t, const char *arg, unsigned *sepp)
{
    size_t arglen = strlen(arg);
    const char *sep = strchr(t, '=');
    if (!sep)
        sep = strchr(t, ' ');
    if (sep && (!sep[1] || sep[1] == '%')) {
        size_t tlen = (size_t)(sep - t);
        if (sep[0] == '=')
            tlen++;
        if (arglen >= tlen && strncmp(arg, t, tlen) == 0) {
            *sepp = (unsigned)(sep - t);
            return 1;
        }
    }
    if (strcmp(t, arg) == 0) {
        *sepp = 0;
        return 1;
    }
    return 0;
}

static const struct fuse_opt *find_opt(const struct fuse_opt *opt,
                                       const char *arg, unsigned *sepp)
{
    for (; opt && opt->templ; opt++)
        if (match_template(opt->templ, arg, sepp))
            return opt;
    return NULL;
}

int fuse_opt_match(const struct fuse_opt *opts, const char *opt)
{
    unsigned dummy;
    return find_opt(opts, opt, &dummy) ? 1 : 0;
}

static int add_arg(struct opt_ctx *ctx, const char *arg)
{
    return fuse_opt_add_arg(&ctx->outargs, arg);
}

static int add_opt(struct opt_ctx *ctx, const char *opt)
{
    return fuse_opt_add_opt_escaped(&ctx->opts, opt);
}

/* Hand arg to the program's function unless the key decides already;
 * keep it (as an option if it came from a -o group) when asked to. */
static int call_proc(struct opt_ctx *ctx, const char *arg, int key, int iso)
{
    if (key == FUSE_OPT_KEY_DISCARD)
        return 0;
    if (key != FUSE_OPT_KEY_KEEP && ctx->proc) {
        int res = ctx->proc(ctx->data, arg, key, &ctx->outargs);
        if (res == -1 || !res)
            return res;
    }
    return iso ? add_opt(ctx, arg) : add_arg(ctx, arg);
}

static int next_arg(struct opt_ctx *ctx, const char *opt)
{
    if (ctx->argctr + 1 >= ctx->argc) {
        fuse_log(FUSE_LOG_ERR, "fuse: missing argument after `%s'\n", opt);
        return -1;
    }
    ctx->argctr++;
    return 0;
}

/* Store param into var according to the template's format. */
static int process_opt_param(void *var, const char *format,
                             const char *param, const char *arg)
{
    assert(format[0] == '%');
    if (format[1] == 's') {
        char **s = var;
        char *copy = strdup(param);
        if (!copy)
            return alloc_failed();
        free(*s);
        *s = copy;
    } else if (sscanf(param, format, var) != 1) {
        fuse_log(FUSE_LOG_ERR, "fuse: invalid parameter in option `%s'\n",
                 arg);
        return -1;
    }
    return 0;
}

static int process_opt(struct opt_ctx *ctx, const struct fuse_opt *opt,
                       unsigned sep, const char *arg, int iso)
{
    if (opt->offset == -1U)
        return call_proc(ctx, arg, opt->value, iso) == -1 ? -1 : 0;
    void *var = (char *)ctx->data + opt->offset;
    if (sep && opt->templ[sep + 1]) {
        const char *param = arg + sep;
        if (opt->templ[sep] == '=')
            param++;
        return process_opt_param(var, opt->templ + sep + 1, param, arg);
    }
    *(int *)var = opt->value;
    return 0;
}

/* "-n %u" given as "-n" "5": glue the next argument on, then match. */
static int process_opt_sep_arg(struct opt_ctx *ctx, const struct fuse_opt *opt,
                               unsigned sep, const char *arg, int iso)
{
    if (next_arg(ctx, arg) == -1)
        return -1;
    const char *param = ctx->argv[ctx->argctr];
    char *newarg = malloc(sep + strlen(param) + 1);
    if (!newarg)
        return alloc_failed();
    memcpy(newarg, arg, sep);
    strcpy(newarg + sep, param);
    int res = process_opt(ctx, opt, sep, newarg, iso);
    free(newarg);
    return res;
}

/* One option: every matching template acts on it, in table order. */
static int process_gopt(struct opt_ctx *ctx, const char *arg, int iso)
{
    unsigned sep;
    const struct fuse_opt *opt = find_opt(ctx->opt, arg, &sep);
    if (!opt)
        return call_proc(ctx, arg, FUSE_OPT_KEY_OPT, iso);
    for (; opt; opt = find_opt(opt + 1, arg, &sep)) {
        int res;
        if (sep && opt->templ[sep] == ' ' && !arg[sep])
            res = process_opt_sep_arg(ctx, opt, sep, arg, iso);
        else
            res = process_opt(ctx, opt, sep, arg, iso);
        if (res == -1)
            return -1;
    }
    return 0;
}

/* Split a -o group in place: commas separate, a backslash escapes the
 * next character, and \ooo (octal) stands for one byte. */
static int process_real_option_group(struct opt_ctx *ctx, char *opts)
{
    char *s = opts, *d = opts;
    for (int end = 0; !end; s++) {
        if (*s == '\0')
            end = 1;
        if (*s == ',' || end) {
            *d = '\0';
            if (process_gopt(ctx, opts, 1) == -1)
                return -1;
            opts = d = s + 1;
            continue;
        }
        if (s[0] == '\\' && s[1] != '\0') {
            s++;
            if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
                s[2] >= '0' && s[2] <= '7') {
                *d++ = (char)((s[0] - '0') * 0100 + (s[1] - '0') * 010 +
                              (s[2] - '0'));
                s += 2;
            } else {
                *d++ = *s;
            }
        } else {
            *d++ = *s;
        }
    }
    return 0;
}

static int process_option_group(struct opt_ctx *ctx, const char *opts)
{
    char *copy = strdup(opts);
    if (!copy)
        return alloc_failed();
    int res = process_real_option_group(ctx, copy);
    free(copy);
    return res;
}

static int process_one(struct opt_ctx *ctx, const char *arg)
{
    if (ctx->nonopt || arg[0] != '-')
        return call_proc(ctx, arg, FUSE_OPT_KEY_NONOPT, 0);
    if (arg[1] == 'o') {
        if (arg[2])
            return process_option_group(ctx, arg + 2);
        if (next_arg(ctx, arg) == -1)
            return -1;
        return process_option_group(ctx, ctx->argv[ctx->argctr]);
    }
    if (arg[1] == '-' && !arg[2]) {
        if (add_arg(ctx, arg) == -1)
            return -1;
        ctx->nonopt = ctx->outargs.argc;
        return 0;
    }
    return process_gopt(ctx, arg, 0);
}

static int opt_parse(struct opt_ctx *ctx)
{
    if (ctx->argc) {
        if (add_arg(ctx, ctx->argv[0]) == -1)
            return -1;
    }
    for (ctx->argctr = 1; ctx->argctr < ctx->argc; ctx->argctr++)
        if (process_one(ctx, ctx->argv[ctx->argctr]) == -1)
            return -1;
    if (ctx->opts) {
        if (fuse_opt_insert_arg(&ctx->outargs, 1, "-o") == -1 ||
            fuse_opt_insert_arg(&ctx->outargs, 2, ctx->opts) == -1)
            return -1;
    }
    /* A "--" with nothing after it is dropped. */
    if (ctx->nonopt && ctx->nonopt == ctx->outargs.argc &&
        strcmp(ctx->outargs.argv[ctx->outargs.argc - 1], "--") == 0) {
        free(ctx->outargs.argv[ctx->outargs.argc - 1]);
        ctx->outargs.argv[--ctx->outargs.argc] = NULL;
    }
    return 0;
}

int fuse_opt_parse(struct fuse_args *args, void *data,
                   const struct fuse_opt opts[], fuse_opt_proc_t proc)
{
    if (!args || !args->argv || !args->argc)
        return 0;
    struct opt_ctx ctx = {
        .data = data,
        .opt = opts,
        .proc = proc,
        .argc = args->argc,
        .argv = args->argv,
    };
    int res = opt_parse(&ctx);
    if (res != -1) {
        struct fuse_args tmp = *args;
        *args = ctx.outargs;
        ctx.outargs = tmp;
    }
    free(ctx.opts);
    fuse_opt_free_args(&ctx.outargs);
    return res;
}
