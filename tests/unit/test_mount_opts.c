/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for kmount_opts_parse: defaults, every option, escapes,
 * accumulation, and the exact error texts users see.
 */
#include "kernel/mount.h"
#include "../check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

CHECK_DEFINE_GLOBALS;

static struct kmount_opts o;
static char err[256];

/* Parse into fresh defaults. */
static int parse(const char *arg)
{
    kmount_opts_init(&o);
    memset(err, 'x', sizeof(err));
    err[sizeof(err) - 1] = '\0';
    return kmount_opts_parse(&o, arg, err, sizeof(err));
}

static void test_defaults(void)
{
    kmount_opts_init(&o);
    CHECK_EQ(o.allow_other, 0);
    CHECK_EQ(o.default_permissions, 0);
    CHECK_EQ(o.read_only, 0);
    CHECK_EQ(o.nonempty, 0);
    CHECK_EQ(o.auto_unmount, 1);
    CHECK_EQ(o.max_read, 0);
    CHECK_EQ(o.request_timeout, 0);
    CHECK_EQ(o.busy_poll_us, -1);
    CHECK(o.fsname[0] == '\0');
    CHECK(o.subtype[0] == '\0');
}

static void test_empty_and_null(void)
{
    CHECK_EQ(parse(""), 0);
    CHECK(err[0] == '\0');
    CHECK_EQ(o.auto_unmount, 1);
    CHECK_EQ(parse(",,"), 0);
    CHECK_EQ(parse(NULL), 0);
}

static void test_flags(void)
{
    CHECK_EQ(parse("allow_other"), 0);
    CHECK_EQ(o.allow_other, 1);
    CHECK_EQ(parse("default_permissions"), 0);
    CHECK_EQ(o.default_permissions, 1);
    CHECK_EQ(parse("ro"), 0);
    CHECK_EQ(o.read_only, 1);
    CHECK_EQ(parse("ro,rw"), 0);
    CHECK_EQ(o.read_only, 0);
    CHECK_EQ(parse("nonempty"), 0);
    CHECK_EQ(o.nonempty, 1);
    CHECK_EQ(parse("noauto_unmount"), 0);
    CHECK_EQ(o.auto_unmount, 0);
    CHECK_EQ(parse("noauto_unmount,auto_unmount"), 0);
    CHECK_EQ(o.auto_unmount, 1);
    CHECK_EQ(parse("nosuid,nodev"), 0);
}

/* The generic mount flags: nosuid,nodev unless root asks otherwise. */
static void test_ms_flags(void)
{
    kmount_opts_init(&o);
    CHECK_EQ(o.ms_flags, MS_NOSUID | MS_NODEV);
    CHECK_EQ(parse("dev"), 0);
    CHECK_EQ(o.ms_flags, MS_NOSUID);
    CHECK_EQ(parse("suid,nodev"), 0);
    CHECK_EQ(o.ms_flags, MS_NODEV);
    CHECK_EQ(parse("nosuid,noexec,noatime,nodiratime,sync,dirsync"), 0);
    CHECK_EQ(o.ms_flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                             MS_NODIRATIME | MS_SYNCHRONOUS | MS_DIRSYNC);
    CHECK_EQ(parse("noexec,noatime,sync,exec,atime,async"), 0);
    CHECK_EQ(o.ms_flags, MS_NOSUID | MS_NODEV);
}

static void test_combined(void)
{
    CHECK_EQ(parse("ro,allow_other,fsname=x,max_read=131072,"
                   "request_timeout=30,subtype=memfs,default_permissions"),
             0);
    CHECK_EQ(o.read_only, 1);
    CHECK_EQ(o.allow_other, 1);
    CHECK_EQ(o.default_permissions, 1);
    CHECK_EQ(o.max_read, 131072);
    CHECK_EQ(o.request_timeout, 30);
    CHECK(strcmp(o.fsname, "x") == 0);
    CHECK(strcmp(o.subtype, "memfs") == 0);
    CHECK_EQ(o.auto_unmount, 1);
}

static void test_numbers(void)
{
    CHECK_EQ(parse("max_read=0"), 0);
    CHECK_EQ(o.max_read, 0);
    CHECK_EQ(parse("max_read=4294967295"), 0);
    CHECK_EQ(o.max_read, 4294967295u);
    CHECK_EQ(parse("request_timeout=0"), 0);
    CHECK_EQ(parse("request_timeout=65535"), 0);
    CHECK_EQ(o.request_timeout, 65535);
    CHECK_EQ(parse("busy_poll=0"), 0);
    CHECK_EQ(o.busy_poll_us, 0);
    CHECK_EQ(parse("busy_poll=1000"), 0);
    CHECK_EQ(o.busy_poll_us, 1000);
}

static void test_bad_numbers(void)
{
    CHECK_EQ(parse("max_read=abc"), -EINVAL);
    CHECK(strcmp(err, "bad value for max_read: 'abc'") == 0);
    CHECK_EQ(parse("max_read="), -EINVAL);
    CHECK(strcmp(err, "bad value for max_read: ''") == 0);
    CHECK_EQ(parse("max_read=-1"), -EINVAL);
    CHECK_EQ(parse("max_read=12k"), -EINVAL);
    CHECK(strcmp(err, "bad value for max_read: '12k'") == 0);
    CHECK_EQ(parse("max_read= 1"), -EINVAL);
    CHECK_EQ(parse("max_read=4294967296"), -EINVAL);
    CHECK_EQ(parse("max_read=0x10"), -EINVAL);
    CHECK_EQ(parse("request_timeout=65536"), -EINVAL);
    CHECK(strcmp(err, "bad value for request_timeout: '65536'") == 0);
    CHECK_EQ(parse("request_timeout=99999999999999999999"), -EINVAL);
    CHECK_EQ(parse("max_read"), -EINVAL);
    CHECK(strcmp(err, "option 'max_read' needs a value") == 0);
    CHECK_EQ(parse("busy_poll=1001"), -EINVAL);
    CHECK(strcmp(err, "bad value for busy_poll: '1001'") == 0);
    CHECK_EQ(parse("busy_poll"), -EINVAL);
    CHECK(strcmp(err, "option 'busy_poll' needs a value") == 0);
}

static void test_names(void)
{
    CHECK_EQ(parse("fsname=my fs"), 0);
    CHECK(strcmp(o.fsname, "my fs") == 0);
    CHECK_EQ(parse("fsname=a=b"), 0);
    CHECK(strcmp(o.fsname, "a=b") == 0);
    CHECK_EQ(parse("fsname=x,fsname="), 0);  /* back to the default */
    CHECK(o.fsname[0] == '\0');
    CHECK_EQ(parse("subtype=memfs"), 0);
    CHECK(strcmp(o.subtype, "memfs") == 0);
    CHECK_EQ(parse("subtype=a b"), -EINVAL);
    CHECK(strcmp(err, "bad value for subtype: 'a b'") == 0);
    CHECK_EQ(parse("subtype=a/b"), -EINVAL);
}

static void test_too_long(void)
{
    char arg[400];

    snprintf(arg, sizeof(arg), "fsname=%0255d", 0);  /* 255 chars: fits */
    CHECK_EQ(parse(arg), 0);
    CHECK_EQ(strlen(o.fsname), 255);
    snprintf(arg, sizeof(arg), "fsname=%0256d", 0);
    CHECK_EQ(parse(arg), -EINVAL);
    CHECK(strncmp(err, "value too long for fsname", 25) == 0);
    snprintf(arg, sizeof(arg), "subtype=%064d", 0);
    CHECK_EQ(parse(arg), -EINVAL);
}

static void test_escapes(void)
{
    CHECK_EQ(parse("fsname=a\\,b,ro"), 0);
    CHECK(strcmp(o.fsname, "a,b") == 0);
    CHECK_EQ(o.read_only, 1);
    CHECK_EQ(parse("fsname=a\\\\b"), 0);  /* escaped backslash */
    CHECK(strcmp(o.fsname, "a\\b") == 0);
    CHECK_EQ(parse("fsname=a\\\\,ro"), 0);  /* backslash, then a real comma */
    CHECK(strcmp(o.fsname, "a\\") == 0);
    CHECK_EQ(o.read_only, 1);
    CHECK_EQ(parse("fsname=end\\"), 0);  /* lone trailing backslash kept */
    CHECK(strcmp(o.fsname, "end\\") == 0);
    CHECK_EQ(parse("fsname=\\,\\,"), 0);
    CHECK(strcmp(o.fsname, ",,") == 0);
}

static void test_unknown(void)
{
    CHECK_EQ(parse("foo"), -EINVAL);
    CHECK(strcmp(err, "unknown option 'foo'") == 0);
    CHECK_EQ(parse("ro,bar=1,allow_other"), -EINVAL);
    CHECK(strcmp(err, "unknown option 'bar=1'") == 0);
    CHECK_EQ(parse("allow_others"), -EINVAL);
    CHECK(strcmp(err, "unknown option 'allow_others'") == 0);
    CHECK_EQ(parse("allow_other=1"), -EINVAL);
    CHECK(strcmp(err, "option 'allow_other' takes no value") == 0);
    CHECK_EQ(parse("suid=1"), -EINVAL);
    CHECK(strcmp(err, "unknown option 'suid=1'") == 0);
    CHECK_EQ(parse("x\\,y"), -EINVAL);
    CHECK(strcmp(err, "unknown option 'x,y'") == 0);
}

/* A failing call leaves earlier results alone; calls accumulate. */
static void test_accumulate_and_atomic(void)
{
    kmount_opts_init(&o);
    CHECK_EQ(kmount_opts_parse(&o, "ro,fsname=one", err, sizeof(err)), 0);
    CHECK_EQ(kmount_opts_parse(&o, "allow_other", err, sizeof(err)), 0);
    CHECK_EQ(o.read_only, 1);
    CHECK_EQ(o.allow_other, 1);
    CHECK(strcmp(o.fsname, "one") == 0);
    CHECK_EQ(kmount_opts_parse(&o, "rw,fsname=two,bogus", err,
                                  sizeof(err)), -EINVAL);
    CHECK_EQ(o.read_only, 1);
    CHECK(strcmp(o.fsname, "one") == 0);
    /* err may be NULL */
    CHECK_EQ(kmount_opts_parse(&o, "bogus", NULL, 0), -EINVAL);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_empty_and_null);
    RUN(test_ms_flags);
    RUN(test_flags);
    RUN(test_combined);
    RUN(test_numbers);
    RUN(test_bad_numbers);
    RUN(test_names);
    RUN(test_too_long);
    RUN(test_escapes);
    RUN(test_unknown);
    RUN(test_accumulate_and_atomic);
    return 0;
}
