/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: fsp-launcher's class file parser and CommandLine
 * templates (services/launcher/conf.c, template.c).  Class files are
 * the administrator's, but a mistake in one must be reported, never
 * crash the launcher.  Checked by ASan, LSan and UBSan, and: a class
 * that parses has a command line of at most LCONF_MAX_WORDS words whose
 * expansion with nine arguments is an argument vector of exactly those
 * words plus the executable.
 *
 * Input: the text of one class file (a NUL ends it).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/launcher/conf.h"
#include "../../services/launcher/template.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    static struct lclass c;
    char err[512];
    int r = lconf_parse("fuzz", text, &c, err, sizeof err);
    CHECK(r == 0 || r == -EINVAL);
    if (r == 0) {
        CHECK(c.nwords >= 0 && c.nwords <= LCONF_MAX_WORDS);
        CHECK(c.max_arg >= 0 && c.max_arg <= 9);
        CHECK(c.executable[0] == '/');
        static const char *const args[9] = { "a1", "a 2", "%1", "", "--", "a6",
                                             "a7", "a8", "a9" };
        char **argv = NULL;
        int e = ltemplate_expand(c.words, c.nwords, c.executable, args, 9, "user",
                                 1000, &argv, err, sizeof err);
        CHECK(e == 0 || e == -EINVAL);
        if (e == 0) {
            int n = 0;
            while (argv[n])
                n++;
            CHECK(n == c.nwords + 1);
            CHECK(strcmp(argv[0], c.executable) == 0);
            ltemplate_free(argv);
        }
        lconf_free(&c);
    } else {
        CHECK(err[0] != '\0');
    }
    free(text);
    return 0;
}
