#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp-tests against one language binding's memfs, for bindings/*/test.sh:
#
#   tests/lib/binding_conformance.sh LANG BUILDDIR MEMFS [--side FLAG FILTER]...
#                              [-x CASE=REASON]...
#
# Mounts `MEMFS -f -o allow_other,default_permissions DIR` (as
# tests/conformance.sh mounts C memfs), runs BUILDDIR/fsp-tests on it with
# the given -x declarations (the cases that memfs does not support) and
# prints each case as PASS:/FAIL:/SKIP: LANG_memfs_CASE; then fsp-exerciser
# (data with mmap, and concurrency) on the same mount.  A declared case
# SKIPs; any other SKIP fsp-tests reports by itself (no ACLs on the mount,
# ...) stays a SKIP.  Each --side FLAG FILTER runs the cases FILTER on a
# second mount, `MEMFS -f FLAG` (printed as LANG_memfs_FLAG_CASE), the
# way tests/conformance.sh takes C memfs's atime verdict from memfs -C and
# its ACL verdicts from memfs -A: declare them with -x for the main run.
# Always unmounts and stops MEMFS, also on failure.
set -u
lang=$1 build=$2 memfs=$3
shift 3
sides=()
while [ "${1:-}" = --side ]; do
    sides+=("$2" "$3")
    shift 3
done
tmp=$(mktemp -d "/tmp/fsp-binding-$lang.XXXXXX")
chmod 755 "$tmp"
mnt=$tmp/mnt
mkdir "$mnt"
pid=

mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    cd /
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    [ -n "${side_pid:-}" ] && kill -TERM "$side_pid" 2>/dev/null
    for d in "$tmp"/side*; do
        [ -d "$d" ] || continue
        while mounted "$d"; do umount -l "$d" || break; done
    done
    while mounted "$mnt"; do umount -l "$mnt" || break; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

if [ ! -x "$build/fsp-tests" ]; then
    echo "FAIL: ${lang}_memfs_setup: $build/fsp-tests not found"
    exit 0
fi
"$memfs" -f -o allow_other,default_permissions "$mnt" 2>"$tmp/memfs.err" &
pid=$!
for _ in $(seq 1000); do
    mounted "$mnt" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
done
if ! mounted "$mnt"; then
    echo "FAIL: ${lang}_memfs_mount: $memfs did not mount"
    sed 's/^/  | /' "$tmp/memfs.err" | tail -20
    exit 0
fi
timeout -k 5 600 "$build/fsp-tests" "$@" "$mnt" >"$tmp/out" 2>&1
rc=$?
sed -n -e "s/^\(PASS\|FAIL\|SKIP\): /\1: ${lang}_memfs_/p" "$tmp/out"
case $rc in
    124 | 137) echo "FAIL: ${lang}_memfs_run: fsp-tests timed out" ;;
esac
# The side runs: cases only a memfs started with another flag can show.
for ((i = 0; i < ${#sides[@]}; i += 2)); do
    flag=${sides[i]} filter=${sides[i + 1]} dir=$tmp/side$i
    label=${flag#-}
    mkdir "$dir"
    "$memfs" -f "$flag" -o allow_other,default_permissions "$dir" 2>"$dir.err" &
    side_pid=$!
    for _ in $(seq 1000); do
        mounted "$dir" && break
        kill -0 "$side_pid" 2>/dev/null || break
        sleep 0.02
    done
    if mounted "$dir"; then
        # shellcheck disable=SC2086  # FILTER: space-separated filters
        timeout -k 5 300 "$build/fsp-tests" "$dir" $filter 2>&1 |
            sed -n -e "s/^\(PASS\|FAIL\|SKIP\): /\1: ${lang}_memfs_${label}_/p"
    else
        echo "FAIL: ${lang}_memfs_${label}_mount: $memfs $flag did not mount"
    fi
    kill -TERM "$side_pid" 2>/dev/null
    wait "$side_pid" 2>/dev/null
    side_pid=
    while mounted "$dir"; do umount -l "$dir" || break; done
done

# Data and names against fsp-exerciser's model (with mmap), then the
# concurrency check, as conformance.sh runs them on C memfs (shorter).
if [ -x "$build/fsp-exerciser" ]; then
    out=$(timeout -k 5 300 "$build/fsp-exerciser" -n 5000 -S 1 -m "$mnt/exerciser" 2>&1)
    printf '%s\n' "$out" | sed -n "s/^\(PASS\|FAIL\): /\1: ${lang}_memfs_/p"
    printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\): ' ||
        echo "FAIL: ${lang}_memfs_exerciser: no verdict: $(printf '%s' "$out" | tail -1)"
    mkdir "$mnt/concurrency"
    out=$(timeout -k 5 120 "$build/fsp-exerciser" -C 3 -P 4 -S 1 "$mnt/concurrency" 2>&1)
    printf '%s\n' "$out" | sed -n "s/^\(PASS\|FAIL\): /\1: ${lang}_memfs_/p"
    printf '%s\n' "$out" | grep -q '^\(PASS\|FAIL\): ' ||
        echo "FAIL: ${lang}_memfs_concurrency: no verdict: $(printf '%s' "$out" | tail -1)"
fi

# The memfs must have survived the whole run, and stop cleanly on SIGTERM
# (unmounting, exit status 0: no crash on the way out).
if ! kill -0 "$pid" 2>/dev/null || ! mounted "$mnt"; then
    echo "FAIL: ${lang}_memfs_alive: the memfs died during fsp-tests"
else
    echo "PASS: ${lang}_memfs_alive"
    kill -TERM "$pid"
    status=timeout
    for _ in $(seq 150); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            status=$?
            break
        fi
        sleep 0.1
    done
    pid_done=$pid
    pid=
    if [ "$status" = 0 ] && ! mounted "$mnt"; then
        echo "PASS: ${lang}_memfs_clean_exit"
    else
        echo "FAIL: ${lang}_memfs_clean_exit: exit status $status after SIGTERM" \
            "(pid $pid_done)$(mounted "$mnt" && echo ', still mounted')"
        [ -n "$pid_done" ] && kill -KILL "$pid_done" 2>/dev/null
    fi
fi
if [ -s "$tmp/memfs.err" ]; then
    echo "$lang memfs stderr (tail):"
    tail -n 20 "$tmp/memfs.err" | sed 's/^/  | /'
fi
exit 0
