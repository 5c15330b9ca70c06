#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load and chaos: build/fsp-chaos (tests/chaos/) against memfs in each
# configuration, SECONDS each:
#
#   tests/chaos.sh [BUILDDIR [SECONDS [CLIENTS]]]     (defaults: build 6 8)
#
# Per configuration fsp-chaos runs CLIENTS client processes and a slow
# reader on a memfs mount, kills memfs with SIGKILL and cuts the mount
# with `fsptool abort` (restarting memfs on the same mount point each
# time), signals and kills the reader in its reads, and prints the
# numbers ("stat: ...") and a PASS/FAIL line per property.  Afterwards
# this script checks the machine is clean: nothing mounted below its
# temporary directory and no process left that uses it.
#
# Configurations: memfs as is (/dev/fuse), -o io_uring (only when
# /sys/module/fuse/parameters/enable_uring is already Y: this script does
# not change it), -o writeback_cache, -S (slow I/O) and -S -C (slow I/O
# on a direct-I/O mount, where reads can be interrupted).
#
# `make chaos CHAOS_SECONDS=N` is the long run.
set -u
build=${1:-build}
secs=${2:-6}
clients=${3:-8}
param=/sys/module/fuse/parameters/enable_uring
tmp=$(mktemp -d /tmp/fsp-chaos.XXXXXX)
failed=0

# Anything a failed run left: detach mounts below $tmp, end processes
# that still have it in their command line (only ours can).
leftovers() {
    local p found=0
    while read -r _ _ _ _ point _; do
        case "$point" in "$tmp"/*) echo "$point"; found=1 ;; esac
    done < /proc/self/mountinfo
    for p in /proc/[0-9]*; do
        if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF "$tmp/"; then
            echo "pid ${p#/proc/}"
            found=1
        fi
    done
    return $((1 - found))
}
cleanup() {
    local point p
    while read -r _ _ _ _ point _; do
        case "$point" in "$tmp"/*) umount -l "$point" ;; esac
    done < /proc/self/mountinfo
    for p in /proc/[0-9]*; do
        if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF "$tmp/"; then
            kill -KILL "${p#/proc/}" 2>/dev/null
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

if [ ! -x "$build/fsp-chaos" ] || [ ! -x "$build/memfs" ]; then
    echo "FAIL: chaos: $build/fsp-chaos or $build/memfs missing (make first)"
    exit 1
fi

# run NAME ARGS...: one configuration.
run() {
    local name=$1 rc
    shift
    mkdir "$tmp/$name"
    echo "--- chaos $name: memfs $* for $secs s, $clients clients"
    # fsp-chaos has its own deadlines; this one catches fsp-chaos itself
    timeout -k 5 $((secs + 150)) "$build/fsp-chaos" -b "$build" -t "$secs" \
        -c "$clients" -n "$name" -l "$tmp/$name.log" "$@" "$tmp/$name"
    rc=$?
    [ "$rc" -eq 0 ] || failed=1
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "FAIL: chaos_${name}_driver: fsp-chaos itself hung (killed after $((secs + 150)) s)"
    fi
    # a sanitizer build's memfs reports there, and may exit 1 after an
    # abort without anyone asking for its status
    if grep -qE "AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error" "$tmp/$name.log"; then
        echo "FAIL: chaos_${name}_sanitizer: $(grep -m1 -E "Sanitizer|runtime error" "$tmp/$name.log")"
        rc=1
        failed=1
    elif [[ $build == *san* ]]; then
        echo "PASS: chaos_${name}_sanitizer"
    fi
    if [ "$rc" -ne 0 ]; then
        echo "memfs log (last 20 lines):"
        tail -n 20 "$tmp/$name.log"
    fi
    if left=$(leftovers); then
        echo "FAIL: chaos_${name}_machine_clean: left behind: $(echo $left)"
        failed=1
        cleanup
        mkdir -p "$tmp"
    else
        echo "PASS: chaos_${name}_machine_clean"
    fi
}

run default
if [ "$(cat "$param" 2>/dev/null)" = Y ]; then
    run io_uring -o io_uring
else
    echo "SKIP: chaos_io_uring: $param is $(cat "$param" 2>/dev/null || echo absent), not Y (not switched on by this test)"
fi
run writeback -o writeback_cache
run slowio -S
run slowio_direct -S -C
exit $failed
