/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The high-level library's own -o options (struct fuse_config).  They
 * are taken out of the arguments here; what remains goes to
 * fuse_session_new, which knows the mount and session options and
 * rejects anything else, so an unknown option fails as in libfuse.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/fuse3/hl.h"

#define CFG(t, m, v) { t, offsetof(struct fuse_config, m), v }

static const struct fuse_opt lib_opts[] = {
    CFG("debug", debug, 1),
    CFG("-d", debug, 1),
    /* debug is the session's option too: keep it in the arguments. */
    FUSE_OPT_KEY("debug", FUSE_OPT_KEY_KEEP),
    FUSE_OPT_KEY("-d", FUSE_OPT_KEY_KEEP),
    CFG("-h", show_help, 1),
    CFG("--help", show_help, 1),
    CFG("kernel_cache", kernel_cache, 1),
    CFG("auto_cache", auto_cache, 1),
    CFG("noauto_cache", auto_cache, 0),
    CFG("no_rofd_flush", no_rofd_flush, 1),
    CFG("umask=", set_mode, 1),
    CFG("umask=%o", umask, 0),
#if FSP_FUSE_ABI >= 318
    /* 3.17: separate masks for files and directories, and parallel
     * direct writes for files opened with direct_io */
    CFG("fmask=", set_mode, 1),
    CFG("fmask=%o", fmask, 0),
    CFG("dmask=", set_mode, 1),
    CFG("dmask=%o", dmask, 0),
    CFG("parallel_direct_write=%d", parallel_direct_writes, 0),
#endif
    CFG("uid=", set_uid, 1),
    CFG("uid=%u", uid, 0),
    CFG("gid=", set_gid, 1),
    CFG("gid=%u", gid, 0),
    CFG("entry_timeout=%lf", entry_timeout, 0),
    CFG("attr_timeout=%lf", attr_timeout, 0),
    CFG("ac_attr_timeout=%lf", ac_attr_timeout, 0),
    CFG("ac_attr_timeout=", ac_attr_timeout_set, 1),
    CFG("negative_timeout=%lf", negative_timeout, 0),
    CFG("noforget", remember, -1),
    CFG("remember=%u", remember, 0),
    CFG("modules=%s", modules, 0),
    CFG("use_ino", use_ino, 1),
    CFG("readdir_ino", readdir_ino, 1),
    CFG("direct_io", direct_io, 1),
    CFG("hard_remove", hard_remove, 1),
    CFG("nullpath_ok", nullpath_ok, 1),
    CFG("intr", intr, 1),
    CFG("intr_signal=%d", intr_signal, 0),
    FUSE_OPT_END
};

int hl_parse_opts(struct fuse *f, struct fuse_args *args)
{
    struct fuse_config *c = &f->conf;
    memset(c, 0, sizeof *c);
    /* libfuse's defaults. */
    c->entry_timeout = 1.0;
    c->attr_timeout = 1.0;
    c->intr_signal = SIGUSR1;
    if (fuse_opt_parse(args, c, lib_opts, NULL) == -1)
        return -1;
    if (c->modules) {
        /* Stacked modules (subdir, iconv) are loaded by name from
         * libfuse's module directory; fsp has none to load. */
        fuse_log(FUSE_LOG_ERR, "fuse: modules are not supported by fsp "
                 "(-o modules=%s)\n", c->modules);
        free(c->modules);
        c->modules = NULL;
        return -1;
    }
    if (!c->ac_attr_timeout_set)
        c->ac_attr_timeout = c->attr_timeout;
    if (c->intr_signal <= 0 || c->intr_signal >= NSIG) {
        fuse_log(FUSE_LOG_ERR, "fuse: invalid intr_signal %d\n",
                 c->intr_signal);
        return -1;
    }
    return 0;
}

void fuse_lib_help(struct fuse_args *args)
{
    (void)args;
    printf("    -o hard_remove         remove open files at once instead "
           "of hiding them\n"
           "    -o use_ino             use the file system's inode "
           "numbers\n"
           "    -o readdir_ino         readdir reports known inode "
           "numbers\n"
           "    -o direct_io           bypass the page cache\n"
           "    -o kernel_cache        keep cached data across opens\n"
           "    -o [no]auto_cache      keep it while mtime and size stay "
           "the same\n"
           "    -o no_rofd_flush       no flush for read-only opens\n"
           "    -o umask=M             permissions 0777 & ~M for every "
           "file\n"
#if FSP_FUSE_ABI >= 318
           "    -o fmask=M             the same for files only\n"
           "    -o dmask=M             the same for directories only\n"
           "    -o parallel_direct_write=1  allow parallel direct writes\n"
#endif
           "    -o uid=N               owner of every file\n"
           "    -o gid=N               group of every file\n"
           "    -o entry_timeout=T     cache names T seconds (1)\n"
           "    -o negative_timeout=T  cache missing names T seconds (0)\n"
           "    -o attr_timeout=T      cache attributes T seconds (1)\n"
           "    -o ac_attr_timeout=T   auto_cache's attribute age "
           "(attr_timeout)\n"
           "    -o noforget            never forget inode numbers\n"
           "    -o remember=T          remember them T seconds (0)\n"
           "    -o nullpath_ok         open files may be served without "
           "a path\n"
           "    -o intr                let interrupted requests be "
           "interrupted\n"
           "    -o intr_signal=N       signal for that (%d)\n"
           "    -o modules=M           not supported by fsp\n", SIGUSR1);
    fuse_lowlevel_help();
}
