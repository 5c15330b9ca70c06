#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the Go binding with Debian's go, offline, no external modules:
#
#   bindings/go/build.sh        (make bindings runs it)
#
# Vets the fsp module and builds the Go memfs (bindings/go/memfs runs it)
# and the hello example into bindings/go/bin, linking the tree's
# build/libfsp.a (made here if missing; cgo finds it through ${SRCDIR}).
# Without go it says so and exits 0.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
GO=${GO:-$(command -v /usr/bin/go || command -v go)}
if [ -z "$GO" ]; then
    echo "bindings/go: not built: no go (apt-get install golang-go)"
    exit 0
fi
make -s -C "$root" build/libfsp.a || { echo "bindings/go: libfsp.a did not build" >&2; exit 1; }
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
# go needs a build cache; without HOME (some CI shells) keep it in /tmp
[ -n "${HOME:-}" ] || export GOCACHE=${GOCACHE:-/tmp/fsp-go-cache}
cd "$here" || exit 1
"$GO" vet ./... &&
    "$GO" build -o bin/memfs ./cmd/memfs &&
    "$GO" build -o bin/hello ./examples/hello
