#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Rust binding's tests (tests/bindings.sh runs every bindings/*/test.sh):
#
#   bindings/rust/test.sh [BUILDDIR]
#
# `cargo test --offline` (layouts against C, the safe crate through a real
# mount: contexts, errors, panics, pending reads, identity, notifications),
# one PASS/FAIL line per Rust test; then fsp-tests (BUILDDIR/fsp-tests)
# against the Rust memfs: as shipped, with -S (reads and writes completed
# later on another thread), -A (POSIX ACLs, for the acl_ cases) and -C (no
# kernel caching, for atime, as tests/conformance.sh does for C memfs), and
# -W (streams, reparse points, the read-only attribute and security
# descriptors all on: POSIX semantics must hold as without them).
# Declared unsupported (-x) on the cached mounts: time_atime_relatime (the
# kernel keeps no atime for a cached FUSE mount; checked on -C) and acl_
# (ACLs are opt-in; checked on -A), also on -W.  Then the data exerciser (with mmap)
# and the concurrency check, as tests/conformance.sh runs them on C memfs.
# Run as root.  About 60 s once built.  Exits 0.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac

CARGO=${CARGO:-$(command -v /usr/bin/cargo || command -v cargo)}
if [ -z "$CARGO" ]; then
    echo "SKIP: rust_binding: no cargo (apt-get install cargo rustc)"
    exit 0
fi
export RUSTC=${RUSTC:-$(command -v /usr/bin/rustc || command -v rustc)}
export RUSTDOC=${RUSTDOC:-$(command -v /usr/bin/rustdoc || command -v rustdoc)}
export FSP_LIB_DIR=${FSP_LIB_DIR:-$root/build}
if ! "$here/build.sh" >/tmp/fsp-rust-build.$$ 2>&1; then
    echo "FAIL: rust_build: bindings/rust/build.sh failed"
    tail -n 20 /tmp/fsp-rust-build.$$ | sed 's/^/  | /'
    rm -f /tmp/fsp-rust-build.$$
    exit 0
fi
rm -f /tmp/fsp-rust-build.$$

# ---- cargo test -------------------------------------------------------------
out=$(cd "$here" && "$CARGO" test --offline --release --workspace 2>&1)
rc=$?
printf '%s\n' "$out" | sed -n -e 's/^test \(.*\) \.\.\. ok$/PASS: rust_cargo_\1/p' \
    -e 's/^test \(.*\) \.\.\. FAILED$/FAIL: rust_cargo_\1: see cargo test output/p' |
    sed -e 's/ - /_/g' -e 's/[ :()/.]\+/_/g' -e 's/^\(PASS\|FAIL\)_/\1: /'
if [ $rc -ne 0 ]; then
    echo "FAIL: rust_cargo_test: cargo test exit status $rc"
    printf '%s\n' "$out" | grep -v '^test .* ok$' | tail -n 30 | sed 's/^/  | /'
fi

# ---- fsp-tests against the Rust memfs ------------------------------------------
if [ ! -x "$build/fsp-tests" ]; then
    echo "FAIL: rust_memfs_setup: $build/fsp-tests not found"
    exit 0
fi
# shellcheck source=tests/lib/binding_memfs.sh
. "$root/tests/lib/binding_memfs.sh"
bm_init rust_memfs "$build/fsp-tests"
bm_all "$here/memfs"
exit 0
