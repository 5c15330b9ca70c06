/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memfs's own -o options, for mount(8) and fstab, where everything is
 * an option: `mount -t fsp.memfs memfs /mnt -o size=1G,label=Data`.
 * They are taken out of the option string; the rest goes to fsp.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mount_args.h"

static const char *const keys[MEMFS_OPT_COUNT] = {
    [MEMFS_OPT_SIZE] = "size",
    [MEMFS_OPT_LABEL] = "label",
    [MEMFS_OPT_FILES] = "nr_files",
    [MEMFS_OPT_FILE_SIZE] = "max_file_size",
};

int memfs_take_options(char *options, char values[MEMFS_OPT_COUNT][256])
{
    char out[4096] = "";
    size_t olen = 0;
    char *save = NULL;
    if (strlen(options) >= sizeof out)
        return -E2BIG;
    for (char *opt = strtok_r(options, ",", &save); opt;
         opt = strtok_r(NULL, ",", &save)) {
        int which = -1;
        for (int i = 0; i < MEMFS_OPT_COUNT; i++) {
            size_t k = strlen(keys[i]);
            if (!strncmp(opt, keys[i], k) && opt[k] == '=')
                which = i;
        }
        if (which >= 0) {
            const char *v = strchr(opt, '=') + 1;
            if (strlen(v) >= 256)
                return -ENAMETOOLONG;
            strcpy(values[which], v);
            continue;
        }
        /* mount(8)'s rw is the default: not worth passing on */
        if (!strcmp(opt, "rw"))
            continue;
        olen += (size_t)snprintf(out + olen, sizeof out - olen, "%s%s",
                                 olen ? "," : "", opt);
    }
    strcpy(options, out);
    return 0;
}
