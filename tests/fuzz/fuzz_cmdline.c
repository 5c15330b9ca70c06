/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: what a libfuse 3 program does with its argv before
 * mounting: fuse_parse_cmdline (src/compat/fuse3/cmdline.c), then
 * fuse_session_new with what is left, which parses the session's and the
 * mount's options (session.c, and through it src/kernel/mount_opts.c).
 * Nothing is mounted.  Checked by ASan and LSan, and: the results are 0
 * or -1, the left argv is NULL-terminated.
 *
 * Input: split at NUL bytes into argv[1..].
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "compat/fuse3/compat.h"
#include "check.h"

static void quiet_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
    (void)level; (void)fmt; (void)ap;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuse_set_log_func(quiet_log);
    char *argv[FZ_MAX_ARGS + 2], *store;
    int argc = fz_argv(data, size, argv, &store);
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts o;
    memset(&o, 0, sizeof o);
    int r = fuse_parse_cmdline(&args, &o);
    CHECK(r == 0 || r == -1);
    if (args.argv)
        CHECK(args.argv[args.argc] == NULL);
    if (r == 0 && !o.show_help && !o.show_version) {
        struct fuse_lowlevel_ops ops;
        memset(&ops, 0, sizeof ops);
        struct fuse_session *se =
            fuse_session_new(&args, &ops, sizeof ops, NULL);
        if (se)
            fuse_session_destroy(se);
    }
    free(o.mountpoint);
    fuse_opt_free_args(&args);
    free(store);
    return 0;
}
