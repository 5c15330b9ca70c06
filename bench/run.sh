#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The standard comparison: tmpfs, memfs on fsp (as shipped, and tuned:
# FUSE over io_uring plus writeback caching), and an in-memory file
# system on Debian's libfuse 3 (bench/peer/memfs_ll_libfuse.c; also built
# against fsp's libfuse3), mounted here, benchmarked interleaved by
# fsp-bench, and unmounted again, always (on success, failure or Ctrl-C).
# io_uring needs the kernel's global switch: it is turned on for the run
# and put back as it was.
#
#   bench/run.sh [fsp-bench options]     e.g. bench/run.sh -r 3 -t file_
#
# The report also goes to $BUILD/bench/report.txt, and its chart (every
# configuration's ratio to tmpfs per test) to $BUILD/bench/chart.svg.
#
# Run as root from anywhere; needs /dev/fuse.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}

die() { echo "bench/run.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mounts tmpfs and FUSE file systems)"

# The libfuse peer's build dependencies and the chart's gnuplot, once.
if ! pkg-config --exists fuse3 2>/dev/null; then
    apt-get install -y libfuse3-dev fuse3 pkg-config >/dev/null || die "cannot install libfuse3-dev"
fi
command -v gnuplot >/dev/null ||
    apt-get install -y gnuplot-nox >/dev/null || echo "bench/run.sh: no gnuplot: no chart" >&2

# Only what this script runs: other targets of `make all` are not needed.
# A tree in the middle of someone's edit may not build: then measure the
# binaries already built, and say so.
if ! make -s -j2 "$BUILD/fsp-bench" "$BUILD/memfs" "$BUILD/fsptool" >&2; then
    for b in fsp-bench memfs fsptool; do
        [ -x "$BUILD/$b" ] || die "build failed and no $BUILD/$b"
    done
    echo "bench/run.sh: WARNING: build failed; using the existing binaries in $BUILD" >&2
fi
mkdir -p "$BUILD/bench"
PEER=$BUILD/bench/memfs_ll_libfuse
cc -std=c11 -O2 -g -Wall -Wextra -o "$PEER" bench/peer/memfs_ll_libfuse.c \
    $(pkg-config --cflags --libs fuse3) || die "peer build failed"
# The same program built against fsp's libfuse3 (issue 5: isolates the
# framework's own overhead from the file system's).
PEER_FSP=
if make -s -j2 "$BUILD/compat/libfuse3.so.3" "$BUILD/pkgconfig/fuse3.pc" >&2; then
    PEER_FSP=$BUILD/bench/memfs_ll_on_fsp
    # shellcheck disable=SC2046  # pkg-config prints several words
    cc -std=c11 -O2 -g -Wall -Wextra -o "$PEER_FSP" bench/peer/memfs_ll_libfuse.c \
        $(PKG_CONFIG_PATH=$BUILD/pkgconfig pkg-config --cflags --libs fuse3) \
        -Wl,-rpath,"$ROOT/$BUILD/compat" || PEER_FSP=
fi

WORK=$(mktemp -d /tmp/fsp-bench-run.XXXXXX) || die "mktemp"
T=$WORK/tmpfs M=$WORK/memfs U=$WORK/memfs_tuned L=$WORK/libfuse F=$WORK/libfuse_on_fsp
P=$WORK/libfuse_dp
mkdir "$T" "$M" "$U" "$L" "$F" "$P"
MEMFS_PID= TUNED_PID= PEER_PID= PEER_FSP_PID= PEER_DP_PID= BENCH_PID=
URING_SWITCH=/sys/module/fuse/parameters/enable_uring
URING_WAS=$(cat "$URING_SWITCH" 2>/dev/null)

cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$BENCH_PID" ]; then
        kill -TERM "$BENCH_PID" 2>/dev/null   # it removes its directory and exits
        wait "$BENCH_PID" 2>/dev/null
    fi
    for d in "$M" "$U" "$L" "$F" "$P" "$T"; do
        # Lazy unmount cannot hang on a stuck daemon; the daemon then
        # sees its device closed and exits.
        mountpoint -q "$d" 2>/dev/null && umount -l "$d"
    done
    for pid in $MEMFS_PID $TUNED_PID $PEER_PID $PEER_FSP_PID $PEER_DP_PID; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        wait "$pid" 2>/dev/null
    done
    rmdir "$T" "$M" "$U" "$L" "$F" "$P" 2>/dev/null
    [ -n "$URING_WAS" ] && echo "$URING_WAS" > "$URING_SWITCH" 2>/dev/null
    rmdir "$WORK" 2>/dev/null
    grep -q "$WORK" /proc/mounts && echo "bench/run.sh: WARNING: mount left under $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# shellcheck source=bench/common.sh
. bench/common.sh

mount -t tmpfs -o size=8g fsp-bench-tmpfs "$T" || die "tmpfs mount failed"
"$BUILD/memfs" -f "$M" & MEMFS_PID=$!
[ -n "$URING_WAS" ] && echo Y > "$URING_SWITCH"
"$BUILD/memfs" -f -o io_uring,writeback_cache "$U" & TUNED_PID=$!
"$PEER" "$L" & PEER_PID=$!
wait_mount "$M" fuse
wait_mount "$U" fuse
wait_mount "$L" fuse
# The peer again with default_permissions: fsp volumes always have the
# kernel check permissions (docs/access.md), which costs a GETATTR of the
# directory after each change in it; this column pays the same.
"$PEER" -P "$P" & PEER_DP_PID=$!
wait_mount "$P" fuse
targets=(tmpfs="$T" memfs="$M" memfs_tuned="$U" libfuse="$L" libfuse_dp="$P")
if [ -n "$PEER_FSP" ]; then
    "$PEER_FSP" "$F" & PEER_FSP_PID=$!
    wait_mount "$F" fuse
    grep -q "$ROOT/$BUILD/compat/libfuse3.so.3" "/proc/$PEER_FSP_PID/maps" ||
        die "the peer built for fsp did not load fsp's libfuse3"
    targets+=(libfuse_on_fsp="$F")
fi

# Contents must survive the kernel dropping its caches (the bug of
# libfuse's own in-memory example): check both FUSE file systems.
for d in "$M" "$U" "$L"; do
    mkdir "$d/dc" && seq 100000 > "$d/dc/f" && sum1=$(md5sum < "$d/dc/f")
    sync; echo 3 > /proc/sys/vm/drop_caches
    sum2=$(md5sum < "$d/dc/f") || die "$d lost a file after drop_caches"
    [ "$sum1" = "$sum2" ] || die "$d changed a file after drop_caches"
    rm -r "$d/dc"
done

REPORT=$BUILD/bench/report.txt CHART=$BUILD/bench/chart.svg
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs" | tee "$REPORT"
# In the background and waited for: bash runs a trap only between
# commands, and `wait` is the one it interrupts; cleanup stops the bench.
# Progress goes to stderr, the report to stdout and $REPORT.
"$BUILD/fsp-bench" "$@" "${targets[@]}" > >(tee -a "$REPORT") & BENCH_PID=$!
wait $BENCH_PID
status=$?
BENCH_PID=
[ $status -ge 128 ] && exit $status
sleep 0.2   # let tee finish the report
command -v gnuplot >/dev/null &&
    bench/chart.sh "$REPORT" "$CHART" "fsp-bench $(date -u '+%Y-%m-%d'): ratio to tmpfs, best of repeats (higher is better)" >&2

echo
echo "# fsp counters of memfs for the whole run (build/fsptool stats):"
"$BUILD/fsptool" stats "$M"
echo
echo "# fsp counters of memfs_tuned for the whole run:"
"$BUILD/fsptool" stats "$U"
exit $status
