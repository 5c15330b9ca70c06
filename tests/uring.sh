#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# FUSE over io_uring: the integration suite and the real programs again
# with memfs -o io_uring, plus direct checks that requests really went
# through the rings and that a kernel without io_uring falls back.
#
#   tests/uring.sh BUILDDIR
#
# The kernel's switch (/sys/module/fuse/parameters/enable_uring) is
# global: this script sets it for its run and puts it back, and nothing
# else may run mounts meanwhile (tests/run.sh runs it alone).
set -u
build=${1:-build}
param=/sys/module/fuse/parameters/enable_uring
if [ ! -w "$param" ]; then
    echo "SKIP: uring: $param is not there (kernel without FUSE over io_uring)"
    exit 0
fi
saved=$(cat "$param")
tmp=$(mktemp -d /tmp/fsp-uring.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$tmp/mnt" && umount -l "$tmp/mnt"
    echo "$saved" > "$param"
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/mnt"

# start_memfs ARGS...: memfs -f ARGS on $tmp/mnt; waits for the mount.
start_memfs() {
    "$build/memfs" -f "$@" "$tmp/mnt" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 100); do mountpoint -q "$tmp/mnt" && return 0; sleep 0.1; done
    return 1
}
stop_memfs() { kill -TERM "$pid"; wait "$pid"; local st=$?; pid=; return $st; }
ring_requests() {
    "$build/fsptool" stats "$tmp/mnt" | awk '$1 == "transport" && $2 == "io_uring" { print $6 }'
}

# --- fallback: io_uring asked for but switched off in the kernel ------
echo 0 > "$param"
if start_memfs -o io_uring && echo x > "$tmp/mnt/f" && [ "$(cat "$tmp/mnt/f")" = x ]; then
    stop_memfs
    if grep -q "serving over /dev/fuse" "$tmp/err"; then
        echo "PASS: uring_fallback_when_disabled"
    else
        echo "FAIL: uring_fallback_when_disabled: no fallback message: $(cat "$tmp/err")"
    fi
else
    echo "FAIL: uring_fallback_when_disabled: memfs did not serve: $(cat "$tmp/err")"
    [ -n "$pid" ] && stop_memfs
fi

# --- requests really travel through the rings --------------------------
# (with busy polling off: the ring threads then always sleep in the ring,
# the path the rest of this script, polling by default, does not take)
echo 1 > "$param"
# --- every notification through a real mount over the rings ------------
"$build/tests/test_notify_mount" | grep -v '_dev$'
if start_memfs -o io_uring,busy_poll=0; then
    for i in $(seq 50); do echo "$i" > "$tmp/mnt/f$i"; done
    cat "$tmp/mnt"/f* >/dev/null
    n=$(ring_requests)
    if [ "${n:-0}" -ge 100 ]; then
        echo "PASS: uring_requests_use_rings"
    else
        echo "FAIL: uring_requests_use_rings: ${n:-no} requests through rings after 100 operations"
    fi
    stop_memfs || echo "FAIL: uring_clean_exit: memfs exit status $?"
else
    echo "FAIL: uring_requests_use_rings: memfs did not mount: $(cat "$tmp/err")"
fi

# --- /dev/fuse is only a side channel then: forgets come in batches ----
# Deleting a file makes the kernel queue a FORGET on /dev/fuse from inside
# the unlink; with nobody sleeping on the device (dev_transport.c, "side
# channel") that costs no wakeup, and the forgets gather into BATCH_FORGETs.
if start_memfs -o io_uring; then
    mkdir "$tmp/mnt/d" && (cd "$tmp/mnt/d" && touch $(seq 500)) && rm -r "$tmp/mnt/d"
    stats=$("$build/fsptool" stats "$tmp/mnt")
    forget=$(echo "$stats" | awk '$1 == "FORGET" { print $2 }')
    batch=$(echo "$stats" | awk '$1 == "BATCH_FORGET" { print $2 }')
    if [ "${batch:-0}" -ge 1 ] && [ "${forget:-0}" -lt 250 ]; then
        echo "PASS: uring_forgets_batched"
    else
        echo "FAIL: uring_forgets_batched: 501 forgets came as ${forget:-0} FORGET and ${batch:-0} BATCH_FORGET"
    fi
    ls "$tmp/mnt" >/dev/null
    stop_memfs || echo "FAIL: uring_forgets_clean_exit: memfs exit status $?"
else
    echo "FAIL: uring_forgets_batched: memfs did not mount: $(cat "$tmp/err")"
fi

# --- access control over io_uring: the permission matrix and the attribute
# namespaces, as in tests/access.sh (docs/access.md), all of which tmpfs passes
chmod 755 "$tmp"
if start_memfs -o io_uring,allow_other; then
    timeout -k 5 300 "$build/fsp-tests" "$tmp/mnt" perm_ xattr_ |
        grep '^\(PASS\|FAIL\|SKIP\): ' | sed 's/^\(PASS\|FAIL\|SKIP\): /\1: uring_access_/'
    n=$(ring_requests)
    [ "${n:-0}" -ge 1000 ] || echo "FAIL: uring_access_through_rings: only ${n:-no} requests went through rings"
    stop_memfs || echo "FAIL: uring_access_clean_exit: memfs exit status $?"
else
    echo "FAIL: uring_access: memfs did not mount: $(cat "$tmp/err")"
fi

# --- the whole integration suite and the programs over io_uring --------
FSP_ITEST_MEMFS_OPTS="-o io_uring" "$build/tests/fsp-itest" | sed 's/^\(PASS\|FAIL\|SKIP\): /\1: uring_/'
FSP_ITEST_MEMFS_OPTS="-o io_uring" tests/programs.sh "$build" | sed 's/^\(PASS\|FAIL\|SKIP\): /\1: uring_/'
exit 0
