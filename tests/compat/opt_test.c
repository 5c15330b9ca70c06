/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_opt and fuse_parse_cmdline, exercised case by case; every result
 * is printed.  run.sh builds this once against fsp's libfuse3.so.3 and,
 * when Debian's libfuse3 is installed, once against that, and requires
 * the two outputs to be identical: libfuse's behaviour is the spec.
 */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cfg {
    int flag;
    int other;
    unsigned num;
    char *str;
    int kept;
    int nonopt;
};

enum { KEY_KEEPME = 100, KEY_DROPME, KEY_ERR };

#define C(t, p, v) { t, offsetof(struct cfg, p), v }
static const struct fuse_opt spec[] = {
    C("-f", flag, 1),
    C("--flag", flag, 2),
    C("flag", flag, 3),
    C("num=%u", num, 0),
    C("-n %u", num, 0),
    C("str=%s", str, 0),
    C("-s %s", str, 0),
    C("both", flag, 7),
    C("both", other, 8),
    FUSE_OPT_KEY("keep", KEY_KEEPME),
    FUSE_OPT_KEY("drop", KEY_DROPME),
    FUSE_OPT_KEY("bad", KEY_ERR),
    FUSE_OPT_KEY("k=", FUSE_OPT_KEY_KEEP),
    FUSE_OPT_KEY("gone", FUSE_OPT_KEY_DISCARD),
    FUSE_OPT_END
};

static int proc(void *data, const char *arg, int key, struct fuse_args *out)
{
    struct cfg *c = data;
    (void)out;
    printf("  proc key=%d arg=[%s]\n", key, arg);
    switch (key) {
    case KEY_KEEPME: c->kept++; return 1;
    case KEY_DROPME: return 0;
    case KEY_ERR: return -1;
    case FUSE_OPT_KEY_NONOPT: c->nonopt++; return 1;
    default: return 1;
    }
}

static void run(const char *name, int argc, const char **argv)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, (char **)argv);
    struct cfg c;
    memset(&c, 0, sizeof c);
    printf("%s:\n", name);
    int r = fuse_opt_parse(&args, &c, spec, proc);
    printf("  ret=%d flag=%d other=%d num=%u str=%s kept=%d nonopt=%d\n", r,
           c.flag, c.other, c.num, c.str ? c.str : "(null)", c.kept,
           c.nonopt);
    printf("  argc=%d:", args.argc);
    for (int i = 0; i < args.argc; i++)
        printf(" [%s]", args.argv[i]);
    printf("\n");
    free(c.str);
    if (r == 0)
        fuse_opt_free_args(&args);
}

static void cmdline(const char *name, int argc, const char **argv)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, (char **)argv);
    struct fuse_cmdline_opts o;
    printf("%s:\n", name);
    int r = fuse_parse_cmdline(&args, &o);
    printf("  ret=%d", r);
    if (r == 0)
        printf(" fg=%d st=%d dbg=%d nodef=%d mp=%s ver=%d help=%d clone=%d "
               "idle=%u max=%u", o.foreground, o.singlethread, o.debug,
               o.nodefault_subtype, o.mountpoint ? o.mountpoint : "(null)",
               o.show_version, o.show_help, o.clone_fd, o.max_idle_threads,
               o.max_threads);
    printf("\n  argc=%d:", args.argc);
    for (int i = 0; i < args.argc; i++)
        printf(" [%s]", args.argv[i]);
    printf("\n");
    if (r == 0) {
        free(o.mountpoint);
        fuse_opt_free_args(&args);
    }
}

#define RUN(name, ...) do { const char *v[] = { "prog", __VA_ARGS__ }; \
    run(name, (int)(sizeof v / sizeof v[0]), v); } while (0)
#define CMD(name, ...) do { const char *v[] = { "/usr/bin/prog", __VA_ARGS__ }; \
    cmdline(name, (int)(sizeof v / sizeof v[0]), v); } while (0)

static void quiet(enum fuse_log_level l, const char *fmt, va_list ap)
{
    printf("  log(%d): ", (int)l);
    vprintf(fmt, ap);
}

int main(void)
{
    fuse_set_log_func(quiet);
    RUN("flags", "-f", "--flag");
    RUN("group", "-o", "flag,num=42,str=hello,keep,drop,gone,k=v,x");
    RUN("glued group", "-onum=7,str=a\\,b", "-ostr=c\\\\d");
    RUN("octal escape", "-ostr=a\\054b");
    RUN("separate value", "-n", "9", "-s", "word");
    RUN("glued value", "-n5", "-sxy");
    RUN("missing value", "-n");
    RUN("bad number", "-onum=abc");
    RUN("two templates", "-oboth");
    RUN("nonopts", "a", "-f", "b");
    RUN("double dash", "-f", "--", "-x", "y");
    RUN("trailing double dash", "x", "--");
    RUN("proc error", "-obad");
    RUN("unknown", "-z", "-o", "zz");
    RUN("missing -o arg", "-o");
    RUN("empty in group", "-oflag,,num=3");

    char *opts = NULL;
    fuse_opt_add_opt(&opts, "a,b");
    fuse_opt_add_opt_escaped(&opts, "c,d\\e");
    printf("add_opt: [%s]\n", opts);
    free(opts);

    struct fuse_args a = FUSE_ARGS_INIT(0, NULL);
    fuse_opt_add_arg(&a, "one");
    fuse_opt_add_arg(&a, "three");
    fuse_opt_insert_arg(&a, 1, "two");
    fuse_opt_insert_arg(&a, 0, "zero");
    printf("args:");
    for (int i = 0; i < a.argc; i++)
        printf(" [%s]", a.argv[i]);
    printf(" allocated=%d\n", a.allocated);
    fuse_opt_free_args(&a);
    printf("freed argc=%d argv=%p\n", a.argc, (void *)a.argv);

    printf("match: %d %d %d %d\n", fuse_opt_match(spec, "num=3"),
           fuse_opt_match(spec, "-n"), fuse_opt_match(spec, "nope"),
           fuse_opt_match(spec, "k=anything"));

    CMD("cmdline basic", "/tmp");
    CMD("cmdline debug", "-d", "-s", "/tmp", "-o", "max_threads=4,clone_fd");
    CMD("cmdline fsname", "-f", "-o", "fsname=x,ro", "/tmp");
    CMD("cmdline help", "-h");
    CMD("cmdline version", "--version");
    CMD("cmdline two mountpoints", "/tmp", "/");
    CMD("cmdline bad mountpoint", "/nonexistent/path");
    CMD("cmdline idle", "-o", "max_idle_threads=3", "/tmp");
    printf("version %d\n", fuse_version());
    return 0;
}
