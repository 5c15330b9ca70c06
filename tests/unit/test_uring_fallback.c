/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FUSE over io_uring asked for, offered by the kernel, but the rings
 * cannot be made (needs root and /dev/fuse): the session must fall back
 * to /dev/fuse and serve.  Rings fail for real where io_uring_setup is
 * not there for the process: a container's seccomp profile, the
 * kernel.io_uring_disabled sysctl, or qemu user-mode emulation (which
 * has no io_uring at all, tests/arm64.sh).  Here a seccomp filter in a
 * child process makes io_uring_setup fail with ENOSYS, so nothing
 * outside that child changes (under qemu-user, which refuses seccomp,
 * the emulator's missing io_uring_setup does the same).  The kernel only offers io_uring when its
 * switch (/sys/module/fuse/parameters/enable_uring) is on; this test
 * leaves the switch alone and SKIPs if it is off.
 */
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <liburing.h>

#include "fsp/fsp.h"
#if defined(__x86_64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static char root_node;

static int s_lookup(fsp_request *req, void *parent, const char *name,
                    void **node, struct fsp_file_info *fi)
{
    (void)req;
    if (parent || strcmp(name, "/") != 0)
        return -ENOENT;
    *node = &root_node;
    memset(fi, 0, sizeof *fi);
    fi->index = 1;
    fi->mode = S_IFDIR | 0755;
    fi->nlink = 2;
    return 0;
}

static void s_forget(fsp_fs *fs, void *node)
{
    (void)fs; (void)node;
}

static int s_get_file_info(fsp_request *req, void *node, void *file,
                           struct fsp_file_info *fi)
{
    (void)file;
    return s_lookup(req, NULL, "/", &node, fi);
}

/* io_uring_setup fails with ENOSYS in this process from now on; 0 or
 * -errno (EINVAL under emulators without seccomp). */
static int deny_io_uring_setup(void)
{
#ifdef THIS_AUDIT_ARCH
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        return -errno;
    return 0;
#else
    return -ENOTSUP;
#endif
}

static void *run_main(void *fs)
{
    fsp_fs_run(fs);
    return NULL;
}

/* The child: mount with io_uring, stat the root (INIT and GETATTR must
 * be answered), unmount.  Exit 0 if served, 1 if not, 77 if io_uring
 * is there and could not be taken away. */
static int child(const char *mnt)
{
    alarm(60); /* a hang ends as SIGALRM, not as a stuck test run */
    /* Where no ring can be made anyway (qemu-user has no io_uring_setup
     * and no seccomp) the case runs as it is: the rings fail for real. */
    struct io_uring ring;
    if (deny_io_uring_setup() != 0) {
        if (io_uring_queue_init(4, &ring, 0) == 0) {
            io_uring_queue_exit(&ring);
            return 77;
        }
    }
    static const struct fsp_fs_interface iface = {
        .size = sizeof iface,
        .lookup = s_lookup,
        .forget = s_forget,
        .get_file_info = s_get_file_info,
    };
    struct fsp_volume_params vp = { .size = sizeof vp };
    fsp_fs *fs = NULL;
    char err[256] = "";
    pthread_t runner;
    if (fsp_fs_new(&vp, &iface, NULL, &fs) != 0)
        return 1;
    if (fsp_fs_mount(fs, mnt, "io_uring", err, sizeof err) != 0) {
        printf("  mount: %s\n", err);
        fsp_fs_delete(fs);
        return 1;
    }
    if (pthread_create(&runner, NULL, run_main, fs) != 0)
        return 1;
    struct stat st;
    int rc = stat(mnt, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : 1;
    fsp_fs_stop(fs);
    pthread_join(runner, NULL);
    fsp_fs_delete(fs);
    return rc;
}

/* Prints the case's one line; returns 1 if it failed. */
static int uring_fallback_when_rings_fail(void)
{
    const char *name = "uring_fallback_when_rings_fail";
    char mnt[] = "/tmp/fsp-urfb.XXXXXX";
    if (!mkdtemp(mnt)) {
        printf("FAIL: %s: mkdtemp: %s\n", name, strerror(errno));
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child(mnt));
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    /* A crashed server leaves its mount behind: take it away. */
    umount2(mnt, MNT_DETACH);
    rmdir(mnt);
    if (w != pid) {
        printf("FAIL: %s: waitpid: %s\n", name, strerror(errno));
        return 1;
    }
    if (WIFSIGNALED(st)) {
        printf("FAIL: %s: the server died of signal %d\n", name, WTERMSIG(st));
        return 1;
    }
    if (WEXITSTATUS(st) == 77) {
        printf("SKIP: %s: io_uring_setup cannot be denied here (no seccomp)\n",
               name);
        return 0;
    }
    if (WEXITSTATUS(st) != 0) {
        printf("FAIL: %s: the mount was not served\n", name);
        return 1;
    }
    printf("PASS: %s\n", name);
    return 0;
}

int main(void)
{
    char on = 0;
    FILE *f = fopen("/sys/module/fuse/parameters/enable_uring", "r");
    if (f) {
        on = (char)fgetc(f);
        fclose(f);
    }
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0) {
        printf("SKIP: uring_fallback_when_rings_fail: needs root and /dev/fuse\n");
        return 0;
    }
    if (on != 'Y') {
        printf("SKIP: uring_fallback_when_rings_fail: the kernel does not "
               "offer io_uring (enable_uring is off or missing)\n");
        return 0;
    }
    return uring_fallback_when_rings_fail();
}
