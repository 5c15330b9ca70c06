/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Class files: CONFIG_DIR/CLASS.conf, "key = value" lines named after
 * WinFsp's launcher registry values (docs/launcher.md).  Everything is
 * checked when the file is loaded (executable, keys, template, users),
 * so that a broken class is reported at start, not at first use.
 */
#ifndef LAUNCHER_CONF_H
#define LAUNCHER_CONF_H

#include <limits.h>
#include <sys/types.h>

#define LCONF_MAX_WORDS 64
#define LCONF_MAX_ALLOW 32

struct lclass {
    char name[64];
    char executable[PATH_MAX];
    char *words[LCONF_MAX_WORDS];   /* CommandLine, split; owned */
    int nwords;
    int max_arg;                    /* highest %N the template uses */
    char workdir[PATH_MAX];         /* "" : the run-as user's home, or / */
    int run_as_caller;              /* RunAs = . */
    int run_as_set;                 /* RunAs given (else the launcher's user) */
    uid_t run_uid;
    gid_t run_gid;
    char run_user[64];
    uid_t allow_uid[LCONF_MAX_ALLOW];
    int n_allow_uid;
    gid_t allow_gid[LCONF_MAX_ALLOW];
    int n_allow_gid;
    char stderr_path[PATH_MAX];     /* "" : /dev/null */
    int stderr_journal;
    int restart;                    /* restarts after a crash */
    int credentials;                /* needs a secret on stdin */
};

/* Parse the text of one class file named `name` into c.  0, or -EINVAL
 * with a one-line reason in err (with the line number). */
int lconf_parse(const char *name, const char *text, struct lclass *c,
                char *err, size_t errlen);

/* Free what lconf_parse allocated in c. */
void lconf_free(struct lclass *c);

/* Check that a directory or file may be trusted as configuration: owned
 * by root or us, not writable by group or others (for a directory: nor
 * any directory above it, unless sticky like /tmp).  0, or -EPERM with
 * the reason in err. */
int lconf_check_trusted(const char *path, int is_dir, char *err, size_t errlen);

/* Load every *.conf of dir.  Broken classes are reported through
 * report(msg) and left out.  Returns the number of classes in *out
 * (malloc'ed; free with lconf_free_all), or a negative errno when the
 * directory itself cannot be used (reason in err). */
int lconf_load_dir(const char *dir, struct lclass **out,
                   void (*report)(const char *msg), char *err, size_t errlen);
void lconf_free_all(struct lclass *c, int n);

#endif
