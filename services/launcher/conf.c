/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Class files: parse and validate (conf.h).  Their text is trusted
 * only as far as lconf_check_trusted says; the parser still checks every
 * length (tests/fuzz/fuzz_launcher_conf.c). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "proto.h"
#include "template.h"

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(err, errlen, "line %d: %s", line, msg);
    else
        snprintf(err, errlen, "%s", msg);
    return -EINVAL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int copy(char *dst, size_t size, const char *src)
{
    if (strlen(src) >= size)
        return -1;
    strcpy(dst, src);
    return 0;
}

static int parse_allow(struct lclass *c, char *value, char *err, size_t errlen,
                       int line)
{
    char *save = NULL;
    for (char *w = strtok_r(value, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        if (w[0] == '@') {
            struct group *g = getgrnam(w + 1);
            if (!g)
                return fail(err, errlen, line, "Allow: no group '%s'", w + 1);
            if (c->n_allow_gid == LCONF_MAX_ALLOW)
                return fail(err, errlen, line, "Allow: too many groups");
            c->allow_gid[c->n_allow_gid++] = g->gr_gid;
        } else {
            struct passwd *p = getpwnam(w);
            if (!p)
                return fail(err, errlen, line, "Allow: no user '%s'", w);
            if (c->n_allow_uid == LCONF_MAX_ALLOW)
                return fail(err, errlen, line, "Allow: too many users");
            c->allow_uid[c->n_allow_uid++] = p->pw_uid;
        }
    }
    return 0;
}

static int parse_key(struct lclass *c, const char *key, char *value,
                     char *err, size_t errlen, int line)
{
    if (!strcmp(key, "Executable")) {
        if (value[0] != '/')
            return fail(err, errlen, line, "Executable must be an absolute path");
        if (copy(c->executable, sizeof c->executable, value))
            return fail(err, errlen, line, "Executable too long");
    } else if (!strcmp(key, "CommandLine")) {
        char msg[256];
        lconf_free(c);   /* a repeated key: the last wins */
        int n = ltemplate_split(value, c->words, LCONF_MAX_WORDS, &c->max_arg,
                                msg, sizeof msg);
        if (n < 0)
            return fail(err, errlen, line, "CommandLine: %s", msg);
        c->nwords = n;
    } else if (!strcmp(key, "WorkDirectory")) {
        if (value[0] != '/')
            return fail(err, errlen, line, "WorkDirectory must be an absolute path");
        if (copy(c->workdir, sizeof c->workdir, value))
            return fail(err, errlen, line, "WorkDirectory too long");
    } else if (!strcmp(key, "RunAs")) {
        c->run_as_set = 1;
        c->run_as_caller = !strcmp(value, ".");
        if (!c->run_as_caller) {
            struct passwd *p = getpwnam(value);
            if (!p)
                return fail(err, errlen, line, "RunAs: no user '%s'", value);
            c->run_uid = p->pw_uid;
            c->run_gid = p->pw_gid;
            if (copy(c->run_user, sizeof c->run_user, value))
                return fail(err, errlen, line, "RunAs: name too long");
        }
    } else if (!strcmp(key, "Allow")) {
        return parse_allow(c, value, err, errlen, line);
    } else if (!strcmp(key, "Stderr")) {
        c->stderr_journal = !strcmp(value, "journal");
        c->stderr_path[0] = '\0';
        if (!c->stderr_journal) {
            if (value[0] != '/')
                return fail(err, errlen, line, "Stderr must be 'journal' or an absolute path");
            if (copy(c->stderr_path, sizeof c->stderr_path, value))
                return fail(err, errlen, line, "Stderr too long");
        }
    } else if (!strcmp(key, "Restart") || !strcmp(key, "Credentials")) {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        int max = key[0] == 'R' ? 100 : 1;
        if (errno || end == value || *end || v < 0 || v > max)
            return fail(err, errlen, line, "%s: not a number from 0 to %d: '%s'",
                        key, max, value);
        if (key[0] == 'R')
            c->restart = (int)v;
        else
            c->credentials = (int)v;
    } else {
        return fail(err, errlen, line, "unknown key '%s'", key);
    }
    return 0;
}

int lconf_parse(const char *name, const char *text, struct lclass *c,
                char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (!lproto_valid_name(name))
        return fail(err, errlen, 0, "bad class name '%s'", name);
    strcpy(c->name, name);
    char *copy_text = strdup(text);
    if (!copy_text)
        return fail(err, errlen, 0, "out of memory");
    int r = 0, line = 0, have_exec = 0;
    char *save = NULL;
    /* strtok_r would merge empty lines and miscount: split by hand */
    char *p = copy_text;
    (void)save;
    while (p && !r) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *s = trim(p);
        p = nl ? nl + 1 : NULL;
        if (!*s || *s == '#' || *s == ';')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            r = fail(err, errlen, line, "not a 'key = value' line");
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (!strcmp(key, "Executable"))
            have_exec = 1;
        r = parse_key(c, key, value, err, errlen, line);
    }
    free(copy_text);
    if (!r && !have_exec)
        r = fail(err, errlen, 0, "no Executable");
    if (r) {
        lconf_free(c);
        return r;
    }
    return 0;
}

void lconf_free(struct lclass *c)
{
    for (int i = 0; i < c->nwords; i++)
        free(c->words[i]);
    c->nwords = 0;
    c->max_arg = 0;
}

/* Whoever may rename entries of a directory above could swap ours for
 * theirs: every parent must be root's or ours, and writable by others
 * only with the sticky bit (/tmp), where they cannot rename ours. */
static int check_parents(const char *path, char *err, size_t errlen)
{
    char buf[PATH_MAX];
    if (!realpath(path, buf)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -errno;
    }
    for (char *slash = strrchr(buf, '/'); slash; slash = strrchr(buf, '/')) {
        if (slash == buf)
            slash[1] = '\0';   /* the root itself, last */
        else
            *slash = '\0';
        struct stat st;
        if (stat(buf, &st) < 0) {
            snprintf(err, errlen, "%s: %s", buf, strerror(errno));
            return -errno;
        }
        if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
            ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
            snprintf(err, errlen, "%s: a parent directory others may change (%s)",
                     path, buf);
            return -EPERM;
        }
        if (slash == buf)
            break;
    }
    return 0;
}

int lconf_check_trusted(const char *path, int is_dir, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -errno;
    }
    if (is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a %s", path, is_dir ? "directory" : "regular file");
        return -EPERM;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s: owned by uid %u, not by root or us", path,
                 (unsigned)st.st_uid);
        return -EPERM;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(err, errlen, "%s: writable by %s (mode %04o)", path,
                 st.st_mode & S_IWOTH ? "others" : "its group",
                 (unsigned)(st.st_mode & 07777));
        return -EPERM;
    }
    return check_parents(path, err, errlen);
}

static int check_executable(const struct lclass *c, char *err, size_t errlen)
{
    struct stat st;
    if (stat(c->executable, &st) < 0)
        return fail(err, errlen, 0, "Executable %s: %s", c->executable, strerror(errno));
    if (!S_ISREG(st.st_mode) || access(c->executable, X_OK) < 0)
        return fail(err, errlen, 0, "Executable %s: not an executable file", c->executable);
    if (st.st_mode & S_IWOTH)
        return fail(err, errlen, 0, "Executable %s: writable by others", c->executable);
    if (c->workdir[0] && (stat(c->workdir, &st) < 0 || !S_ISDIR(st.st_mode)))
        return fail(err, errlen, 0, "WorkDirectory %s: not a directory", c->workdir);
    return 0;
}

static int load_one(int dfd, const char *dir, const char *file, struct lclass *c,
                    char *err, size_t errlen)
{
    char path[PATH_MAX], name[256], text[65536];
    size_t flen = strlen(file);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    snprintf(name, sizeof name, "%.*s", (int)(flen - 5), file);
    int r = lconf_check_trusted(path, 0, err, errlen);
    if (r)
        return r;
    int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail(err, errlen, 0, "%s", strerror(errno));
    ssize_t n = read(fd, text, sizeof text);
    close(fd);
    if (n < 0)
        return fail(err, errlen, 0, "%s", strerror(errno));
    if ((size_t)n == sizeof text)
        return fail(err, errlen, 0, "larger than %zu bytes", sizeof text - 1);
    if (memchr(text, '\0', (size_t)n))
        return fail(err, errlen, 0, "a NUL byte: not a text file");
    text[n] = '\0';
    if ((r = lconf_parse(name, text, c, err, errlen)))
        return r;
    if ((r = check_executable(c, err, errlen)))
        lconf_free(c);
    return r;
}

int lconf_load_dir(const char *dir, struct lclass **out,
                   void (*report)(const char *msg), char *err, size_t errlen)
{
    int r = lconf_check_trusted(dir, 1, err, errlen);
    if (r)
        return r;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -errno;
    }
    struct lclass *classes = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") != 0)
            continue;
        struct lclass *grown = realloc(classes, (size_t)(n + 1) * sizeof *classes);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            lconf_free_all(classes, n);
            closedir(d);
            return -ENOMEM;
        }
        classes = grown;
        char why[768], msg[1024];
        if (load_one(dirfd(d), dir, e->d_name, &classes[n], why, sizeof why)) {
            snprintf(msg, sizeof msg, "class file %s/%s: %s (class not loaded)",
                     dir, e->d_name, why);
            report(msg);
            continue;
        }
        n++;
    }
    closedir(d);
    *out = classes;
    return n;
}

void lconf_free_all(struct lclass *c, int n)
{
    for (int i = 0; i < n; i++)
        lconf_free(&c[i]);
    free(c);
}
