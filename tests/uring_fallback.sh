#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# FUSE over io_uring asked for (-o io_uring) and offered by the kernel,
# but the rings cannot be set up (a seccomp'd container, the sysctl
# kernel.io_uring_disabled, an emulator): memfs must fall back to
# /dev/fuse and serve, not crash answering INIT and leave a dead mount.
# The failure comes from an LD_PRELOAD shim (tests/shims/uring_fail.c)
# that fails the Nth ring's setup: the first, or a later one after some
# rings were made already.
#
#   tests/uring_fallback.sh BUILDDIR
#
# The kernel's switch (/sys/module/fuse/parameters/enable_uring) is read
# when the mount's INIT is sent, so it is turned on only while memfs
# mounts, and put back right after (and on any exit).
set -u
build=${1:-build}
param=/sys/module/fuse/parameters/enable_uring
shim=$(realpath "$build/tests/uring_fail.so" 2>/dev/null)
if [ "$(id -u)" != 0 ] || [ ! -w "$param" ]; then
    echo "SKIP: uring_fallback: needs root and $param (FUSE over io_uring)"
    exit 0
fi
if [ ! -f "$shim" ]; then
    echo "FAIL: uring_fallback: $build/tests/uring_fail.so missing"
    exit 1
fi
saved=$(cat "$param")
tmp=$(mktemp -d /tmp/fsp-urfb.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    mounted && umount -l "$tmp/mnt"
    [ "$(cat "$param")" = "$saved" ] || echo "$saved" > "$param"
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/mnt"

# From the mount table, not by stat: a dead mount would hang the stat.
mounted() { grep -q " $tmp/mnt " /proc/self/mounts; }

# start_memfs FAIL_AT ERRNO: memfs -f -o io_uring with the shim, the
# kernel's switch on while it mounts; waits for the mount.
start_memfs() {
    echo Y > "$param"
    ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$shim" \
        FSP_URING_FAIL_AT="$1" FSP_URING_FAIL_ERRNO="$2" \
        "$build/memfs" -f -o io_uring "$tmp/mnt" 2>"$tmp/err" &
    pid=$!
    local up=1
    for _ in $(seq 100); do
        mounted && { up=0; break; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$saved" > "$param"
    return $up
}

# The file operations a mount must serve: what goes in comes out.
exercise() {
    local m=$tmp/mnt
    echo hello > "$m/f" && [ "$(cat "$m/f")" = hello ] &&
        mkdir "$m/d" && head -c 1048576 /dev/urandom > "$tmp/big" &&
        cp "$tmp/big" "$m/d/big" && cmp -s "$tmp/big" "$m/d/big" &&
        [ "$(ls "$m/d")" = big ] && mv "$m/d/big" "$m/big2" &&
        rm "$m/big2" "$m/f" && rmdir "$m/d"
}

# fallback_case NAME FAIL_AT ERRNO [MESSAGE [TRANSPORT]]: MESSAGE is what
# memfs must say (a grep pattern), TRANSPORT how fsptool stats' transport
# line must start.
fallback_case() {
    local name=$1
    local msg=${4:-rings could not be set up; serving over /dev/fuse}
    local want=${5:-transport /dev/fuse}
    if ! start_memfs "$2" "$3"; then
        echo "FAIL: $name: memfs did not mount: $(tr '\n' ' ' < "$tmp/err")"
        [ -n "$pid" ] && { kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
        mounted && umount -l "$tmp/mnt"
        return
    fi
    local why=
    # A dead mount hangs its clients: that is a failure, not a hang here.
    timeout -s KILL 30 bash -c "tmp=$tmp; $(declare -f exercise); exercise" ||
        why="file operations failed"
    local transport
    transport=$(timeout -s KILL 10 "$build/fsptool" stats "$tmp/mnt" 2>&1 | grep '^transport')
    case "$transport" in
    $want*) ;;
    *) why="${why:+$why; }fsptool stats says '$transport'" ;;
    esac
    kill -0 "$pid" 2>/dev/null || why="${why:+$why; }memfs died"
    grep -q "$msg" "$tmp/err" ||
        why="${why:+$why; }no fallback message"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid"
    local st=$?
    pid=
    [ $st = 0 ] || why="${why:+$why; }memfs exit status $st"
    if mounted; then
        why="${why:+$why; }still mounted"
        umount -l "$tmp/mnt"
    fi
    grep -q "AddressSanitizer\|runtime error" "$tmp/err" &&
        why="${why:+$why; }sanitizer report"
    if [ -z "$why" ]; then
        echo "PASS: $name"
    else
        echo "FAIL: $name: $why; stderr: $(tr '\n' ' ' < "$tmp/err" | head -c 600)"
    fi
}

fallback_case uring_fallback_setup_enomem 1 ENOMEM
fallback_case uring_fallback_setup_eperm 1 EPERM
fallback_case uring_fallback_second_ring 2 ENOMEM
# io_uring_setup works but io_uring_enter does not: found out before INIT
fallback_case uring_fallback_submit submit ENOMEM
# The kernel refuses the queues' registration, after INIT: it falls back
# to /dev/fuse by itself, and the counters say so.
fallback_case uring_fallback_register_refused register EINVAL \
    "io_uring queue [0-9]*: Invalid argument; serving over /dev/fuse" \
    "transport io_uring queues [0-9]* requests 0 (refused by the kernel)"

# --- a ring that fails after INIT: too late to fall back --------------
# The kernel was told io_uring and holds requests for queues that never
# register, so memfs must end the session (and unmount) with an error
# rather than leave a mount whose clients hang.  The probes before INIT
# (one submit per ring) work; every submit after them fails.
queues=$(getconf _NPROCESSORS_CONF)
echo Y > "$param"
ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$shim" \
    FSP_URING_FAIL_AT="submit-after:$queues" \
    "$build/memfs" -f -o io_uring "$tmp/mnt" 2>"$tmp/err" &
pid=$!
sleep 0.5
echo "$saved" > "$param"
why=
# A client now gets an answer (an error), not a wait without end.
timeout -s KILL 10 stat "$tmp/mnt/x" >/dev/null 2>&1
[ $? = 137 ] && why="a client hung"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    why="${why:+$why; }memfs still running"
    kill -KILL "$pid"
fi
wait "$pid"
st=$?
pid=
[ $st != 0 ] || why="${why:+$why; }memfs exit status 0"
grep -q "ending the session" "$tmp/err" || why="${why:+$why; }no message"
if mounted; then
    why="${why:+$why; }still mounted"
    umount -l "$tmp/mnt"
fi
grep -q "AddressSanitizer\|runtime error" "$tmp/err" &&
    why="${why:+$why; }sanitizer report"
if [ -z "$why" ]; then
    echo "PASS: uring_queue_fails_after_init"
else
    echo "FAIL: uring_queue_fails_after_init: $why; stderr: $(tr '\n' ' ' < "$tmp/err" | head -c 600)"
fi
