#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memfs gives memory back: fill it with 512 MiB of files, delete them,
# and its resident size must fall back near where it started (freed file
# pages are returned to the system, not kept in malloc's heap).
#
#   tests/memfs_memory.sh BUILDDIR
#
# PASS: memfs_memory_returned: RSS MB empty / full / after rm -rf
set -u
build=${1:-build}
build=${build%/}
tmp=$(mktemp -d /tmp/fsp-memory.XXXXXX)
pid=''
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
rss_mb() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status"; }

mkdir "$tmp/m"
"$build/memfs" -f "$tmp/m" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mounted "$tmp/m" && break; sleep 0.05; done
mounted "$tmp/m" || { echo "FAIL: memfs_memory_setup: $(cat "$tmp/err")"; exit 0; }

empty=$(rss_mb)
mkdir "$tmp/m/d"
for i in $(seq 128); do
    head -c 4M /dev/zero > "$tmp/m/d/f$i" || break
done
full=$(rss_mb)
rm -rf "$tmp/m/d"
# the kernel forgets deleted inodes (and memfs frees their pages) a
# moment later
after=$full
for _ in $(seq 50); do
    after=$(rss_mb)
    [ "$after" -lt $((empty + 64)) ] && break
    sleep 0.1
done
if [ "$full" -lt $((empty + 400)) ]; then
    echo "FAIL: memfs_memory_returned: filling 512 MiB took only $((full - empty)) MB: the check measures nothing"
elif [ "$after" -lt $((empty + 64)) ]; then
    echo "PASS: memfs_memory_returned: RSS $empty MB empty, $full MB with 512 MiB of files, $after MB after rm -rf"
else
    echo "FAIL: memfs_memory_returned: RSS $empty MB empty, $full MB full, still $after MB after rm -rf"
fi
exit 0
