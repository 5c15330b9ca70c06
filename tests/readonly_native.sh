#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Read-only native volumes: tests/readonly_native.sh BUILDDIR
#
# passthrough -o ro over a source holding a file, and memfs -o ro, over
# /dev/fuse and over io_uring (when the kernel has it on): the mount is
# ro, every change fails with EROFS (tests/compat/ro_probe.c), and still
# does after root remounts it rw behind the file system's back (the
# handlers refuse changes themselves).  The source never changes.
#
# Needs root.  Prints PASS/FAIL/SKIP lines; leaves no mount behind.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=$(mktemp -d /tmp/fsp-ronative.XXXXXX)
PID=""

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }
skip() { echo "SKIP: $1${2:+ ($2)}"; }

cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    grep " $T/" /proc/self/mountinfo | awk '{print $5}' | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
    skip "read-only native volumes" "needs root"
    exit 0
fi
cc -Wall -Wextra -Werror -o "$T/ro_probe" "$ROOT/tests/compat/ro_probe.c" ||
    { fail "ro_probe builds"; exit 0; }

mounted() {
    awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# run NAME MNT CMD...: start CMD (which mounts MNT in the foreground),
# judge the mount as it is and after a remount rw.
run() {
    name=$1 mnt=$2; shift 2
    mkdir -p "$mnt"
    "$@" 2>"$T/err" &
    PID=$!
    i=0
    while [ $i -lt 100 ] && ! mounted "$mnt" && kill -0 "$PID" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    if ! mounted "$mnt"; then
        fail "$name: mounts" "$(head -2 "$T/err")"
        PID=""
        return
    fi
    v=$("$T/ro_probe" "$mnt")
    if [ "$v" = ro ]; then pass "$name: ro, every change EROFS"; else
        fail "$name: ro, every change EROFS" "$v"; fi
    # -i: no mount.fuse helper; the kernel takes MS_REMOUNT without
    # MS_RDONLY and the mount is writable as far as it is concerned
    if mount -i -o remount,rw "$mnt" 2>"$T/remount.err" &&
       awk -v m="$mnt" '$5 == m && $6 ~ /^rw/ { f = 1 } END { exit !f }' \
           /proc/self/mountinfo; then
        v=$("$T/ro_probe" -a "$mnt")
        if [ "$v" = erofs ]; then
            pass "$name: remounted rw by root, every change still EROFS"
        else
            fail "$name: remounted rw by root, every change still EROFS" "$v"
        fi
    else
        skip "$name: remounted rw by root" "remount failed: $(head -1 "$T/remount.err")"
    fi
    kill -TERM "$PID"
    i=0
    while [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    wait "$PID" 2>/dev/null
    PID=""
    mounted "$mnt" && umount -l "$mnt"
}

S=$T/src
mkdir -p "$S"
echo data > "$S/f"
chmod 0666 "$S/f"
ls -lA --time-style=full-iso "$S" > "$T/src.before"

URING=0
[ "$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null)" = Y ] && URING=1
for t in dev uring; do
    opts=ro
    if [ $t = uring ]; then
        if [ $URING = 0 ]; then
            skip "read-only over io_uring" "enable_uring is off"
            continue
        fi
        opts=ro,io_uring
    fi
    run "passthrough -o $opts" "$T/pt-$t" \
        "$BUILD/passthrough" -f -o "$opts" "$S" "$T/pt-$t"
    ls -lA --time-style=full-iso "$S" > "$T/src.after"
    if cmp -s "$T/src.before" "$T/src.after" && [ "$(cat "$S/f")" = data ]; then
        pass "passthrough -o $opts: the source is unchanged"
    else
        fail "passthrough -o $opts: the source is unchanged" \
            "$(diff "$T/src.before" "$T/src.after" | head -3 | tr '\n' ' ')"
    fi
    # memfs starts empty: "f" is missing, so only creations and changes
    # to the root can be judged; the probe's other answers are ENOENT
    mkdir -p "$T/mem-$t"
    "$BUILD/memfs" -f -o "$opts" "$T/mem-$t" 2>"$T/err" &
    PID=$!
    i=0
    while [ $i -lt 100 ] && ! mounted "$T/mem-$t"; do sleep 0.05; i=$((i + 1)); done
    if mounted "$T/mem-$t" && mount -i -o remount,rw "$T/mem-$t"; then
        m=$T/mem-$t
        bad=""
        touch "$m/x" 2>/dev/null && bad="$bad create"
        mkdir "$m/d" 2>/dev/null && bad="$bad mkdir"
        ln -s x "$m/l" 2>/dev/null && bad="$bad symlink"
        mkfifo "$m/p" 2>/dev/null && bad="$bad mknod"
        chmod 0700 "$m" 2>/dev/null && bad="$bad chmod"
        touch "$m" 2>/dev/null && bad="$bad utimens"
        if [ -z "$bad" ] && [ -z "$(ls -A "$m")" ]; then
            pass "memfs -o $opts: remounted rw by root, nothing can be created or changed"
        else
            fail "memfs -o $opts: remounted rw by root, nothing can be created or changed" \
                "succeeded:$bad; contents: $(ls -A "$m" | tr '\n' ' ')"
        fi
    else
        fail "memfs -o $opts: mounts and remounts rw" "$(head -2 "$T/err")"
    fi
    kill -TERM "$PID"; wait "$PID" 2>/dev/null; PID=""
    mounted "$T/mem-$t" && umount -l "$T/mem-$t"
done
exit 0
