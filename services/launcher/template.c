/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CommandLine templates (template.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

#define WORD_MAX 4096

static int check_percent(const char *w, int *max_arg, char *err, size_t errlen)
{
    for (const char *p = w; (p = strchr(p, '%')); p += 2) {
        char c = p[1];
        if (c >= '1' && c <= '9') {
            if (c - '0' > *max_arg)
                *max_arg = c - '0';
        } else if (c != 'U' && c != 'u' && c != '%') {
            snprintf(err, errlen, "unknown %%%c in '%s' (%%1..%%9, %%U, %%u, %%%%)",
                     c ? c : ' ', w);
            return -EINVAL;
        }
    }
    return 0;
}

int ltemplate_split(const char *text, char **words, int max, int *max_arg,
                    char *err, size_t errlen)
{
    char word[WORD_MAX];
    int n = 0, r = 0;
    const char *p = text;
    *max_arg = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t len = 0;
        int quoted = 0;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            char c = *p++;
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (quoted && c == '\\' && (*p == '"' || *p == '\\'))
                c = *p++;
            if (len + 1 >= sizeof word) {
                snprintf(err, errlen, "a word longer than %d bytes", WORD_MAX - 1);
                r = -EINVAL;
                goto out;
            }
            word[len++] = c;
        }
        word[len] = '\0';
        if (quoted) {
            snprintf(err, errlen, "unterminated \" quote");
            r = -EINVAL;
            goto out;
        }
        if ((r = check_percent(word, max_arg, err, errlen)))
            goto out;
        if (n == max) {
            snprintf(err, errlen, "more than %d words", max);
            r = -EINVAL;
            goto out;
        }
        if (!(words[n] = strdup(word))) {
            snprintf(err, errlen, "out of memory");
            r = -ENOMEM;
            goto out;
        }
        n++;
    }
out:
    if (r) {
        while (n > 0)
            free(words[--n]);
        return r;
    }
    return n;
}

/* Append s to buf (of WORD_MAX) at *len; -1 if it does not fit. */
static int append(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= WORD_MAX)
        return -1;
    memcpy(buf + *len, s, n + 1);
    *len += n;
    return 0;
}

static int expand_word(const char *w, const char *const *args, int nargs,
                       const char *user, uid_t uid, char *out, char *err,
                       size_t errlen)
{
    size_t len = 0;
    char one[2] = "", num[24];
    out[0] = '\0';
    for (const char *p = w; *p; p++) {
        const char *piece = one;
        if (*p != '%') {
            one[0] = *p;
        } else {
            char c = *++p;   /* split checked that a valid letter follows */
            if (!c)
                break;
            if (c >= '1' && c <= '9') {
                if (c - '0' > nargs) {
                    snprintf(err, errlen, "the command line needs argument %c", c);
                    return -EINVAL;
                }
                piece = args[c - '1'];
            } else if (c == 'U') {
                piece = user;
            } else if (c == 'u') {
                snprintf(num, sizeof num, "%u", (unsigned)uid);
                piece = num;
            } else {
                one[0] = '%';
            }
        }
        if (append(out, &len, piece)) {
            snprintf(err, errlen, "an argument longer than %d bytes", WORD_MAX - 1);
            return -EINVAL;
        }
    }
    return 0;
}

int ltemplate_expand(char *const *words, int nwords, const char *exe,
                     const char *const *args, int nargs, const char *user,
                     uid_t uid, char ***argvp, char *err, size_t errlen)
{
    char **argv = calloc((size_t)nwords + 2, sizeof *argv);
    char word[WORD_MAX];
    int r = 0;
    if (!argv || !(argv[0] = strdup(exe)))
        goto nomem;
    for (int i = 0; i < nwords; i++) {
        if ((r = expand_word(words[i], args, nargs, user, uid, word, err, errlen)))
            goto fail;
        if (!(argv[i + 1] = strdup(word)))
            goto nomem;
    }
    *argvp = argv;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    r = -ENOMEM;
fail:
    ltemplate_free(argv);
    return r;
}

void ltemplate_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

int ltemplate_uses_args(const char *word)
{
    for (const char *p = word; (p = strchr(p, '%')) && p[1]; p += 2)
        if (p[1] >= '1' && p[1] <= '9')
            return 1;
    return 0;
}
