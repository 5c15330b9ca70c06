#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Windows-semantics and export tests in every mount configuration a
# user can start memfs in, not only the default one:
#
#   tests/windows_matrix.sh [BUILDDIR [quick]]     (default: build)
#
# The whole matrix takes 1-3 minutes (most of it Samba in the first two
# scripts): `make test-windows-matrix`.  With "quick" (what tests/run.sh
# runs, 10-30 s) the matrix is cut to the default configuration, io_uring
# without the Samba scripts, and windows_meta.sh under writeback caching
# (where the read-only attribute needs OPEN: docs/windows.md).
#
# Scripts: windows_meta.sh (streams, reparse data, DOS attributes, the
# read-only attribute, Samba), windows_security.sh (descriptors, Samba),
# export.sh (file handles), windows_readonly.sh (read-only mounts: every
# read works, every write EROFS) and windows_owner.sh (other users with
# and without allow_other, the owner/CAP_FOWNER/CAP_CHOWN rules).
#
# Configurations (each script's FSP_WIN_OPTS, its cases prefixed):
#   (none)      the default: /dev/fuse, kernel caching, stateless opens
#               (memfs without -C answers OPEN with ENOSYS) -- only the
#               two scripts tests/run.sh does not run on their own
#   uring_      -o io_uring (FUSE over io_uring; passthrough too)
#   writeback_  -o writeback_cache (passthrough too)
#   nocache_    -C: no kernel caching, direct I/O, stateful opens (memfs
#               then has OPEN and RELEASE); passthrough with -P
#
# The io_uring switch (/sys/module/fuse/parameters/enable_uring) is global:
# if it is off, this script turns it on for the io_uring configuration and
# puts it back (also on failure or interruption); tests/run.sh runs the
# groups one after another, so no other test mounts meanwhile.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
quick=${2:-}
param=/sys/module/fuse/parameters/enable_uring
saved=''
child=''
restore() {
    if [ -n "$saved" ]; then
        echo "$saved" >"$param"
        saved=''
    fi
}
# shellcheck disable=SC2317  # invoked by the trap
# Interrupted: the running script gets the signal too (through its
# timeout) and cleans up before the switch is put back.
stop() {
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child"
    fi
    exit 1
}
trap restore EXIT
trap stop INT TERM HUP

all=(windows_meta windows_security export windows_readonly windows_owner)
# run LABEL MEMFS_OPTS PASSTHROUGH_OPTS SCRIPTS...
run() {
    local lab=$1 opts=$2 pt=$3 s start
    shift 3
    for s in "$@"; do
        start=$SECONDS
        echo "--- ${lab:-default}: tests/$s.sh with memfs ${opts:-(no options)}"
        # In the background, so a signal reaches stop() at once; and no
        # pipe, whose reader's death would kill the script (SIGPIPE) before
        # its cleanup.
        FSP_WIN_LABEL=$lab FSP_WIN_OPTS=$opts FSP_WIN_PT_OPTS=$pt \
            timeout -k 5 300 "tests/$s.sh" "$build" 2>&1 &
        child=$!
        wait "$child"
        child=''
        echo "--- ${lab:-default}: tests/$s.sh done in $((SECONDS - start)) s"
    done
}

run "" "" "" windows_readonly windows_owner

if [ ! -w "$param" ]; then
    echo "SKIP: uring_all: $param is not there (kernel without FUSE over io_uring)"
else
    if [ "$(cat "$param")" != Y ]; then
        saved=$(cat "$param")
        echo Y >"$param"
    fi
    # The configuration is real only if requests go through the rings.
    tmp=$(mktemp -d /tmp/fsp-winmatrix.XXXXXX)
    if "$build/memfs" -W -o io_uring "$tmp" 2>"$tmp.err"; then
        touch "$tmp/f" && getfattr -n system.ntfs_attrib "$tmp/f" >/dev/null 2>&1
        n=$("$build/fsptool" stats "$tmp" | awk '$1 == "transport" && $2 == "io_uring" { print $6 }')
        if [ "${n:-0}" -ge 3 ]; then echo "PASS: uring_requests_use_rings"
        else echo "FAIL: uring_requests_use_rings: ${n:-no} requests through rings"; fi
        fusermount3 -u "$tmp" || umount -l "$tmp"
    else
        echo "FAIL: uring_requests_use_rings: memfs did not mount: $(tail -1 "$tmp.err")"
    fi
    rm -rf "$tmp" "$tmp.err"
    if [ "$quick" = quick ]; then
        run uring_ "-o io_uring" "-o io_uring" export windows_readonly windows_owner
    else
        run uring_ "-o io_uring" "-o io_uring" "${all[@]}"
    fi
    restore
fi
if [ "$quick" = quick ]; then
    run writeback_ "-o writeback_cache" "-o writeback_cache" windows_meta
    exit 0
fi
run writeback_ "-o writeback_cache" "-o writeback_cache" "${all[@]}"
run nocache_ "-C" "-P" "${all[@]}"
exit 0
