#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The language bindings' overhead (issue 14): tmpfs, C memfs and every
# bindings/LANG/memfs that builds here (python, java, rust, go), mounted
# side by side with the same options and benchmarked interleaved by
# fsp-bench in one run; unmounted again, always.
#
#   bench/bindings.sh [fsp-bench options]     e.g. bench/bindings.sh -r 3 -t file_
#
# The report also goes to $BUILD/bench/bindings.txt.  Run as root.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

die() { echo "bench/bindings.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mounts tmpfs and FUSE file systems)"
make -s -j2 "$BUILD/fsp-bench" "$BUILD/memfs" "$BUILD/libfsp.so.1" >&2 ||
    die "build failed"
mkdir -p "$BUILD/bench"

WORK=$(mktemp -d /tmp/fsp-bench-bindings.XXXXXX) || die "mktemp"
PIDS=() MOUNTS=() BENCH_PID=
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$BENCH_PID" ]; then
        kill -TERM "$BENCH_PID" 2>/dev/null
        wait "$BENCH_PID" 2>/dev/null
    fi
    for d in "${MOUNTS[@]}"; do
        mountpoint -q "$d" 2>/dev/null && umount -l "$d"
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        wait "$pid" 2>/dev/null
    done
    for d in "${MOUNTS[@]}"; do rmdir "$d" 2>/dev/null; done
    rmdir "$WORK" 2>/dev/null
    grep -q "$WORK" /proc/mounts && echo "bench/bindings.sh: WARNING: mount left under $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# shellcheck source=bench/common.sh
. bench/common.sh

mkdir "$WORK/tmpfs" && MOUNTS+=("$WORK/tmpfs")
mount -t tmpfs -o size=8g fsp-bench-tmpfs "$WORK/tmpfs" || die "tmpfs mount failed"
targets=(tmpfs="$WORK/tmpfs")
# start NAME COMMAND...: COMMAND -f DIR in the background, wait for DIR.
start() {
    local name=$1 dir=$WORK/$1
    shift
    mkdir "$dir" && MOUNTS+=("$dir")
    "$@" -f "$dir" & PIDS+=($!)
    wait_mount "$dir" fuse
    targets+=("$name=$dir")
}
start memfs "$BUILD/memfs"
for b in bindings/*/; do
    lang=$(basename "$b")
    if [ ! -x "$b/memfs" ] || [ ! -x "$b/build.sh" ]; then continue; fi
    out=$("$b/build.sh" "$BUILD" 2>&1) || { echo "bench/bindings.sh: $lang does not build: skipped" >&2; continue; }
    case $out in *skipped*) echo "$out" >&2; continue ;; esac
    FSP_BUILD=$PWD/$BUILD FSP_LIBRARY=$PWD/$BUILD/libfsp.so.1 start "memfs_$lang" "$b/memfs"
done

REPORT=$BUILD/bench/bindings.txt
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs"
    echo "# bench/bindings.sh $*"
} | tee "$REPORT"
"$BUILD/fsp-bench" "$@" "${targets[@]}" > >(tee -a "$REPORT") & BENCH_PID=$!
wait $BENCH_PID
status=$?
BENCH_PID=
sleep 0.2
exit $status
