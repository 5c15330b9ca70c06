#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Go binding's tests (tests/bindings.sh runs every bindings/*/test.sh):
#
#   bindings/go/test.sh [BUILDDIR]
#
# `go test` with GODEBUG=cgocheck=2 (the strictest check of cgo's pointer
# rules; =1 is the default), one PASS/FAIL line per Go test: the binding
# through a real mount (contexts given back, errors mapped, panics
# answered EIO, pending reads completed from another goroutine, identity,
# notifications).  Then fsp-tests (BUILDDIR/fsp-tests) against the Go
# memfs, also under cgocheck=2: as shipped, with -S (reads and writes
# completed later on other goroutines), -A (POSIX ACLs, for the acl_
# cases), -C (no kernel caching, for atime) and -W (the Windows set).  Declared unsupported (-x)
# on the cached mounts (plain, -S, -W): time_atime_relatime (the kernel keeps no atime on a
# cached FUSE mount; checked on -C) and acl_ (opt-in; checked on -A).  Run
# as root.  Then the data exerciser (with mmap) and the concurrency check,
# as tests/conformance.sh runs them on C memfs.  About 70 s once built.
# Exits 0.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac

GO=${GO:-$(command -v /usr/bin/go || command -v go)}
if [ -z "$GO" ]; then
    echo "SKIP: go_binding: no go (apt-get install golang-go)"
    exit 0
fi
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
# go needs a build cache; without HOME (some CI shells) keep it in /tmp
[ -n "${HOME:-}" ] || export GOCACHE=${GOCACHE:-/tmp/fsp-go-cache}
if ! "$here/build.sh" >/tmp/fsp-go-build.$$ 2>&1; then
    echo "FAIL: go_build: bindings/go/build.sh failed"
    tail -n 20 /tmp/fsp-go-build.$$ | sed 's/^/  | /'
    rm -f /tmp/fsp-go-build.$$
    exit 0
fi
rm -f /tmp/fsp-go-build.$$

# ---- go test ------------------------------------------------------------------
out=$(cd "$here" && GODEBUG=cgocheck=2 "$GO" test -count=1 -v ./... 2>&1)
rc=$?
printf '%s\n' "$out" | sed -n -e 's/^--- PASS: \([^ ]*\).*/PASS: go_test_\1/p' \
    -e 's/^--- FAIL: \([^ ]*\).*/FAIL: go_test_\1: see go test output/p' \
    -e 's/^--- SKIP: \([^ ]*\).*/SKIP: go_test_\1: skipped by go test/p'
if [ $rc -ne 0 ]; then
    echo "FAIL: go_test: go test exit status $rc"
    printf '%s\n' "$out" | grep -v '^\(=== RUN\|--- PASS\)' | tail -n 30 | sed 's/^/  | /'
fi

# ---- fsp-tests against the Go memfs ----------------------------------------------
if [ ! -x "$build/fsp-tests" ]; then
    echo "FAIL: go_memfs_setup: $build/fsp-tests not found"
    exit 0
fi
# shellcheck source=tests/lib/binding_memfs.sh
. "$root/tests/lib/binding_memfs.sh"
bm_init go_memfs "$build/fsp-tests"
export GODEBUG=cgocheck=2
bm_all "$here/memfs"
exit 0
