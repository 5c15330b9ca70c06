/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CommandLine templates: words separated by blanks ("double quotes"
 * keep blanks in a word, \" and \\ inside them), with %1..%9 (the
 * arguments of start), %U (the caller's user name), %u (its uid) and %%.
 * Expansion makes an argument vector: an argument is never split or
 * interpreted, there is no shell.
 */
#ifndef LAUNCHER_TEMPLATE_H
#define LAUNCHER_TEMPLATE_H

#include <sys/types.h>

/* Split a template into at most max words (malloc'ed, into words[]) and
 * check every %: returns the number of words and the highest %N used in
 * *max_arg, or -EINVAL with the reason in err. */
int ltemplate_split(const char *text, char **words, int max, int *max_arg,
                    char *err, size_t errlen);

/* Expand the words for one start: argv[0] = exe, then each word with its
 * % replaced; argv is NULL-terminated, malloc'ed (free with
 * ltemplate_free).  -EINVAL (reason in err) when a %N has no argument
 * or a word gets too long. */
int ltemplate_expand(char *const *words, int nwords, const char *exe,
                     const char *const *args, int nargs, const char *user,
                     uid_t uid, char ***argv, char *err, size_t errlen);
void ltemplate_free(char **argv);

/* Does a template word hold a %1..%9? */
int ltemplate_uses_args(const char *word);

#endif
