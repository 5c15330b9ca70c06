/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp-itest: the integration suite.  Runs every case against memfs (found
 * next to this binary's directory: build/tests/fsp-itest -> build/memfs,
 * or $FSP_MEMFS; fsptool likewise or $FSP_TOOL).  With FSP_ITEST_TMPFS=1
 * the cases run against tmpfs instead and memfs-only cases are skipped.
 *
 *   fsp-itest [FILTER]     run only the cases whose name contains FILTER
 *
 * Environment: FSP_ITEST_CASE_TIMEOUT (seconds per case, default 180),
 * FSP_ITEST_VERBOSE=1 (print memfs output of failed cases),
 * FSP_ITEST_TIMES=1 (print each case's duration).
 */
#include "harness.h"

#include <libgen.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

CHECK_DEFINE_GLOBALS;

extern const char *itest_filter;
extern int itest_nfailed;

static void locate(char *out, const char *env, const char *name)
{
    const char *e = getenv(env);
    if (e && *e) {
        snprintf(out, PATH_MAX, "%s", e);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(out, PATH_MAX, "build/%s", name);
        return;
    }
    self[n] = 0;
    char *d = dirname(self);     /* build/tests */
    char *parent = dirname(d);   /* build */
    snprintf(out, PATH_MAX, "%s/%s", parent, name);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    if (argc > 1)
        itest_filter = argv[1];
    const char *t = getenv("FSP_ITEST_TMPFS");
    itest_tmpfs = t && *t && strcmp(t, "0") != 0;
    locate(itest_memfs, "FSP_MEMFS", "memfs");
    locate(itest_tool, "FSP_TOOL", "fsptool");

    if (geteuid() != 0)
        printf("note: not root; mounting, drop_caches and the failure cases "
               "need root\n");
    if (itest_tmpfs)
        printf("note: FSP_ITEST_TMPFS set: running against tmpfs\n");
    else if (access(itest_memfs, X_OK) != 0)
        printf("note: %s is not executable (%s); every case will fail\n",
               itest_memfs, strerror(errno));

    itest_user_setup();
    files_tests();
    dirs_tests();
    rename_tests();
    symlink_tests();
    xattr_tests();
    times_tests();
    limits_tests();
    caseins_tests();
    options_tests();
    failure_tests();
    tools_tests();
    posix_links_tests();
    posix_owner_tests();
    posix_times_tests();
    posix_space_tests();
    posix_tmpfile_tests();
    posix_locks_tests();
    posix_acl_tests();
    return itest_nfailed ? 1 : 0;
}
