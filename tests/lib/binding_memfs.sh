# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# fsp-tests against a language binding's memfs (sourced by every
# bindings/LANG/test.sh, not run):
#
#   bm_init LABEL FSP_TESTS         a temp dir, and a cleanup trap that
#                                   stops every memfs and unmounts
#   bm_run NAME TIMEOUT MEMFS_CMD... -- FSP_TESTS_ARGS...
#                                   mount MEMFS_CMD (given -f, -o
#                                   allow_other,default_permissions and the
#                                   mount point) and run fsp-tests with
#                                   FSP_TESTS_ARGS, where {} stands for the
#                                   mount point, printing its verdicts as
#                                   LABEL_NAME_case; FAIL if it does not
#                                   mount, dies or times out; then
#                                   LABEL_NAME_clean_exit: SIGTERM unmounts
#                                   and the memfs exits 0
#   bm_exercise NAME EXERCISER MEMFS_CMD...
#                                   the data exerciser (with mmap;
#                                   $BM_EXERCISE_OPS operations, default
#                                   20000) and the concurrency check of
#                                   tests/conformance.sh on one MEMFS_CMD
#                                   mount, as LABEL_NAME_...
#   bm_all MEMFS_CMD...              every configuration a binding's memfs
#                                   runs, as tests/conformance.sh runs C
#                                   memfs: plain and -S (slow I/O) with atime
#                                   and ACLs declared, -C for atime, -A for
#                                   ACLs (with the permission and attribute
#                                   cases they change), -W (the Windows set
#                                   must not change POSIX behaviour), -o
#                                   io_uring (the requests must go through
#                                   the rings), -o writeback_cache,
#                                   bm_readonly, then bm_exercise
#   bm_readonly NAME MEMFS_CMD...   -o ro: reads work, changes get EROFS
#
# allow_other,default_permissions as tests/conformance.sh mounts C memfs,
# so that the unprivileged cases reach it.  Run as root.

bm_mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

bm_init() {
    BM_LABEL=$1 BM_TESTS=$2 BM_PID=
    BM_TMP=$(mktemp -d "/tmp/fsp-$1.XXXXXX")
    chmod 755 "$BM_TMP"
    trap bm_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

# shellcheck disable=SC2317  # invoked by the trap
bm_stop() {
    if [ -n "$BM_PID" ] && kill -0 "$BM_PID" 2>/dev/null; then
        kill -TERM "$BM_PID"
        for _ in $(seq 100); do kill -0 "$BM_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$BM_PID" 2>/dev/null
    fi
    [ -n "$BM_PID" ] && wait "$BM_PID" 2>/dev/null
    BM_PID=
}

# shellcheck disable=SC2317  # invoked by the trap
bm_cleanup() {
    cd / || return
    bm_stop
    local m
    for m in "$BM_TMP"/mnt-*; do
        [ -d "$m" ] || continue
        while bm_mounted "$m"; do umount -l "$m" || break; done
    done
    rm -rf --one-file-system "$BM_TMP"
}

# bm_mount NAME MEMFS_CMD...: mount on $BM_TMP/mnt-NAME (BM_MNT); 1 if not
bm_mount() {
    local name=$1
    shift
    BM_MNT=$BM_TMP/mnt-$name
    mkdir -p "$BM_MNT"
    "$@" -f -o allow_other,default_permissions "$BM_MNT" 2>"$BM_TMP/$name.err" &
    BM_PID=$!
    for _ in $(seq 1000); do
        bm_mounted "$BM_MNT" && return 0
        kill -0 "$BM_PID" 2>/dev/null || break
        sleep 0.01
    done
    echo "FAIL: ${BM_LABEL}_${name}_mount: $* did not mount"
    sed 's/^/  | /' "$BM_TMP/$name.err" | tail -n 20
    bm_stop
    return 1
}

# bm_unmount NAME: check the memfs lived through the run, stop it with
# SIGTERM, which must unmount and exit 0 (no crash on the way out), and
# show its stderr
bm_unmount() {
    local name=$1 status=timeout
    if ! kill -0 "$BM_PID" 2>/dev/null; then
        echo "FAIL: ${BM_LABEL}_${name}_alive: the memfs died during the run"
    else
        kill -TERM "$BM_PID"
        for _ in $(seq 150); do
            kill -0 "$BM_PID" 2>/dev/null || break
            sleep 0.1
        done
        if ! kill -0 "$BM_PID" 2>/dev/null; then
            wait "$BM_PID"
            status=$?
            BM_PID=
        fi
        if [ "$status" = 0 ] && ! bm_mounted "$BM_MNT"; then
            echo "PASS: ${BM_LABEL}_${name}_clean_exit"
        else
            echo "FAIL: ${BM_LABEL}_${name}_clean_exit: exit status $status after SIGTERM$(bm_mounted "$BM_MNT" && echo ', still mounted')"
        fi
    fi
    bm_stop
    if bm_mounted "$BM_MNT"; then
        umount -l "$BM_MNT"
    fi
    if [ -s "$BM_TMP/$name.err" ]; then
        echo "  $name stderr (tail):"
        tail -n 10 "$BM_TMP/$name.err" | sed 's/^/  | /'
    fi
}

bm_exercise() {
    local name=$1 ex=$2 out
    shift 2
    bm_mount "$name" "$@" || return
    mkdir "$BM_MNT/concurrency"
    out=$({ timeout -k 5 300 "$ex" -n "${BM_EXERCISE_OPS:-20000}" -S 1 -m "$BM_MNT/exerciser"
            timeout -k 5 120 "$ex" -C 5 -P 4 -S 1 "$BM_MNT/concurrency"; } 2>&1)
    printf '%s\n' "$out" | sed -n -e "s/^\(PASS\|FAIL\): /\1: ${BM_LABEL}_${name}_/p"
    printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\): exerciser' ||
        echo "FAIL: ${BM_LABEL}_${name}_exerciser: no verdict"
    printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\): concurrency' ||
        echo "FAIL: ${BM_LABEL}_${name}_concurrency: no verdict"
    bm_unmount "$name"
}

bm_run() {
    local name=$1 secs=$2 cmd=() args=() rc a
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
    shift
    bm_mount "$name" "${cmd[@]}" || return
    for a in "$@"; do
        if [ "$a" = "{}" ]; then args+=("$BM_MNT"); else args+=("$a"); fi
    done
    timeout -k 5 "$secs" "$BM_TESTS" "${args[@]}" >"$BM_TMP/$name.out" 2>&1
    rc=$?
    sed -n -e "s/^\(PASS\|FAIL\|SKIP\): /\1: ${BM_LABEL}_${name}_/p" "$BM_TMP/$name.out"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "FAIL: ${BM_LABEL}_${name}_run: fsp-tests timed out"
    fi
    # -o io_uring falls back to /dev/fuse where the rings are refused:
    # the run counts only if its requests really went through them.
    if [ -n "${BM_EXPECT_URING:-}" ]; then
        if "$(dirname "$BM_TESTS")/fsptool" stats "$BM_MNT" 2>/dev/null |
                grep -q '^transport io_uring'; then
            echo "PASS: ${BM_LABEL}_${name}_uses_rings"
        else
            echo "FAIL: ${BM_LABEL}_${name}_uses_rings: requests did not go through io_uring"
        fi
    fi
    bm_unmount "$name"
}

bm_all() {
    local atime="time_atime_relatime=atime of cached reads: the kernel keeps none for FUSE; checked on memfs -C"
    local acl="acl_=POSIX ACLs only with memfs -A; checked there"
    bm_run plain 600 "$@" -- -x "$atime" -x "$acl" {}
    bm_run S 600 "$@" -S -- -x "$atime" -x "$acl" {}
    bm_run C 120 "$@" -C -- {} time_
    bm_run A 300 "$@" -A -- {} acl_ perm_ xattr_
    bm_run W 600 "$@" -W -- -x "$atime" -x "$acl" {}
    # FUSE over io_uring: another transport, and other threads calling
    # the binding (a test that flips the switch puts it back; this one
    # only reads it)
    if [ "$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null)" = Y ]; then
        BM_EXPECT_URING=1 bm_run U 600 "$@" -o io_uring -- -x "$atime" -x "$acl" {}
    else
        echo "SKIP: ${BM_LABEL}_U: FUSE over io_uring is off (/sys/module/fuse/parameters/enable_uring)"
    fi
    # writeback caching: the kernel keeps written data until it writes it
    # back, so st_blocks lag, and fsp reports no holes (the kernel asks
    # for them without writing back first: ops_space.c); C memfs fails the
    # same space_ cases so mounted
    bm_run WB 600 "$@" -o writeback_cache -- -x "$atime" -x "$acl" \
        -x "space_=writeback caching: st_blocks lag the page cache and no holes are reported, on C memfs too" {}
    bm_readonly R "$@"
    if [ -x "$(dirname "$BM_TESTS")/fsp-exerciser" ]; then
        bm_exercise data "$(dirname "$BM_TESTS")/fsp-exerciser" "$@"
    fi
}

# bm_readonly NAME MEMFS_CMD...: mounted -o ro, the (empty) root reads,
# the volume says it is read-only, and every kind of change gets EROFS
bm_readonly() {
    local name=$1 bad='' op out
    shift
    bm_mount "$name" "$@" -o ro || return
    ls -la "$BM_MNT" >/dev/null 2>&1 || bad="$bad; ls of the root failed"
    python3 -c 'import os, sys; sys.exit(not os.statvfs(sys.argv[1]).f_flag & os.ST_RDONLY)' \
        "$BM_MNT" || bad="$bad; statvfs has no ST_RDONLY"
    for op in "touch f" "mkdir d" "ln -s x l" "mkfifo p" "chmod 700 ." \
              "setfattr -n user.x -v 1 ." "touch -d 2000-01-01 ."; do
        # shellcheck disable=SC2086  # the operation's words
        if out=$(cd "$BM_MNT" && $op 2>&1); then
            bad="$bad; '$op' succeeded"
        elif [[ $out != *"Read-only file system"* ]]; then
            bad="$bad; '$op': $out"
        fi
    done
    if [ -z "$bad" ]; then
        echo "PASS: ${BM_LABEL}_${name}_erofs"
    else
        echo "FAIL: ${BM_LABEL}_${name}_erofs: ${bad#; }"
    fi
    bm_unmount "$name"
}
