#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the Rust binding with Debian's cargo and rustc, offline:
#
#   bindings/rust/build.sh        (make bindings runs it)
#
# Builds fsp-sys, fsp, the Rust memfs (bindings/rust/memfs runs it) and the
# hello example into bindings/rust/target/release, linking libfsp.a from
# $FSP_LIB_DIR or the tree's build/ (made here if missing).  Without cargo
# it says so and exits 0.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# Debian's toolchain (1.63) by default: a rustup one earlier in PATH would
# hide what Debian users get.
CARGO=${CARGO:-$(command -v /usr/bin/cargo || command -v cargo)}
RUSTC=${RUSTC:-$(command -v /usr/bin/rustc || command -v rustc)}
if [ -z "$CARGO" ] || [ -z "$RUSTC" ]; then
    echo "bindings/rust: not built: no cargo/rustc (apt-get install cargo rustc)"
    exit 0
fi
export RUSTC
export RUSTDOC=${RUSTDOC:-$(command -v /usr/bin/rustdoc || command -v rustdoc)}
if [ -z "${FSP_LIB_DIR:-}" ]; then
    make -s -C "$root" build/libfsp.a || { echo "bindings/rust: libfsp.a did not build" >&2; exit 1; }
    export FSP_LIB_DIR=$root/build
fi
cd "$here" || exit 1
"$CARGO" build --offline --release --workspace --bins --examples
