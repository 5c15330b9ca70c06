#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Memory per file: mount memfs, create FILES empty files spread over DIRS
# directories (1,000,000 in 1,000 by default; -d 1 puts them all in one),
# and print memfs's resident memory before and after, per file, and how
# long the creates took.  Unmounts again, always.
#
#   bench/million.sh [-n FILES] [-d DIRS]
#
# Run as root; needs /dev/fuse and python3.  Takes a minute or two.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
FILES=1000000 DIRS=1000

die() { echo "bench/million.sh: $*" >&2; exit 1; }
# shellcheck source=bench/common.sh
. bench/common.sh

while getopts n:d: o; do
    case $o in
        n) FILES=$OPTARG ;;
        d) DIRS=$OPTARG ;;
        *) die "usage: bench/million.sh [-n FILES] [-d DIRS]" ;;
    esac
done
[ "$DIRS" -ge 1 ] && [ "$FILES" -ge "$DIRS" ] || die "need FILES >= DIRS >= 1"
make -s -j2 "$BUILD/memfs" >&2 || die "build failed"

MNT=$(mktemp -d /tmp/fsp-million.XXXXXX) || die "mktemp"
PID=
cleanup() {
    mountpoint -q "$MNT" && umount -l "$MNT"
    [ -n "$PID" ] && wait "$PID" 2>/dev/null
    rmdir "$MNT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$BUILD/memfs" -f "$MNT" &
PID=$!
wait_mount "$MNT" fuse

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$PID/status"; }
before=$(rss)
start=$(date +%s.%N)
python3 - "$MNT" "$FILES" "$DIRS" <<'EOF' || die "creating the files failed"
import os, sys
root, files, dirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = files // dirs
for d in range(dirs):
    path = os.path.join(root, "d%04d" % d)
    os.mkdir(path)
    for f in range(per if d < dirs - 1 else files - per * (dirs - 1)):
        os.close(os.open(os.path.join(path, "file%07d" % f),
                         os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
EOF
end=$(date +%s.%N)
after=$(rss)
count=$(find "$MNT" -type f | wc -l)
[ "$count" = "$FILES" ] || die "found $count files, created $FILES"
awk -v b="$before" -v a="$after" -v n="$FILES" -v d="$DIRS" \
    -v t0="$start" -v t1="$end" 'BEGIN {
    printf "%d empty files in %d directories: memfs RSS %d KiB -> %d KiB, %.0f bytes per file; created in %.1f s (%.1f us per file)\n",
        n, d, b, a, (a - b) * 1024 / n, t1 - t0, (t1 - t0) * 1e6 / n }'
