#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The language bindings (issue 14), each built once and tested:
#
#   tests/bindings.sh [BUILDDIR]
#
# For every bindings/LANG: LANG/build.sh BUILDDIR (which says why and exits
# 0 when its toolchain is missing; then LANG's test.sh reports SKIP), then
# LANG/test.sh BUILDDIR, which prints PASS:/FAIL:/SKIP: lines for the
# binding's own tests (pytest, JUnit, cargo test, go test) and for
# fsp-tests against bindings/LANG/memfs; then tests/binding_windows.sh.
# Always exits 0: tests/run.sh counts the lines.
set -u
cd "$(dirname "$0")/.." || exit 1
build=$(realpath -m "${1:-build}")
for dir in bindings/*/; do
    lang=$(basename "$dir")
    if [ ! -x "$dir/build.sh" ] || [ ! -x "$dir/test.sh" ]; then continue; fi
    start=$SECONDS
    if ! out=$("$dir/build.sh" "$build" 2>&1); then
        echo "FAIL: ${lang}_build: $dir/build.sh failed"
        printf '%s\n' "$out" | tail -20 | sed 's/^/  | /'
        continue
    fi
    printf '%s\n' "$out" | tail -1 | sed 's/^/  /'
    "$dir/test.sh" "$build"
    echo "  ($lang: $((SECONDS - start)) s)"
done
# Windows semantics and export through every built binding, judged
# against C memfs's answers to the same session.
start=$SECONDS
tests/binding_windows.sh "$build"
echo "  (binding_windows: $((SECONDS - start)) s)"
exit 0
