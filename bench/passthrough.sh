#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# passthrough against the file system it mirrors, side by side: a fresh
# tmpfs as the backing directory and build/passthrough over it (FUSE
# passthrough as root: the kernel does reads, writes and mmap against
# the backing file), benchmarked interleaved by fsp-bench's data tests
# and unmounted again, always.  Issue 5's bar: >= 0.95 of the backing
# file system on reads and writes.
#
#   bench/passthrough.sh [fsp-bench options]     e.g. -r 9, or -t file_
#   PT_OPTS=-W bench/passthrough.sh ...          passthrough's own options
#
# Run as root; needs /dev/fuse.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

die() { echo "bench/passthrough.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mounts tmpfs and a FUSE file system)"
make -s -j2 "$BUILD/fsp-bench" "$BUILD/passthrough" >&2 || die "build failed"

WORK=$(mktemp -d /tmp/fsp-bench-pt.XXXXXX) || die "mktemp"
B=$WORK/backing P=$WORK/passthrough
mkdir "$B" "$P"
PT_PID= BENCH_PID=

cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$BENCH_PID" ]; then
        kill -TERM "$BENCH_PID" 2>/dev/null
        wait "$BENCH_PID" 2>/dev/null
    fi
    mountpoint -q "$P" 2>/dev/null && umount -l "$P"
    if [ -n "$PT_PID" ]; then
        for _ in $(seq 50); do kill -0 "$PT_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$PT_PID" 2>/dev/null && kill -KILL "$PT_PID"
        wait "$PT_PID" 2>/dev/null
    fi
    mountpoint -q "$B" 2>/dev/null && umount -l "$B"
    rmdir "$B" "$P" "$WORK" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount -t tmpfs -o size=8g fsp-bench-backing "$B" || die "tmpfs mount failed"
# shellcheck disable=SC2086
"$BUILD/passthrough" -f ${PT_OPTS:-} "$B" "$P" & PT_PID=$!
# shellcheck source=bench/common.sh
. bench/common.sh
wait_mount "$P" fuse

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs"
# The data tests unless the caller names others (a later -t wins).
"$BUILD/fsp-bench" -t rdwr_,mmap "$@" backing="$B" passthrough="$P" & BENCH_PID=$!
wait $BENCH_PID
status=$?
BENCH_PID=
exit $status
