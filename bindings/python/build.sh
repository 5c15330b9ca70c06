#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bindings/python/build.sh [BUILDDIR]: the Python binding is pure Python
# (ctypes), so "building" is checking that Debian's python3 can import it
# against BUILDDIR/libfsp.so.1 and byte-compiling it.  Exit 0 with a
# reason when the toolchain is missing.
set -u
build=$(realpath -m "${1:-$(dirname "$0")/../../build}")
cd "$(dirname "$0")" || exit 1
py=/usr/bin/python3
if [ ! -x $py ]; then
    echo "bindings/python: skipped: no $py (apt-get install python3)"
    exit 0
fi
if [ ! -e "$build/libfsp.so.1" ]; then
    echo "bindings/python: no $build/libfsp.so.1 (run make first)" >&2
    exit 1
fi
FSP_LIBRARY=$build/libfsp.so.1 $py -c 'import fsp' || exit 1
$py -m compileall -q fsp examples >/dev/null || exit 1
echo "bindings/python: ok (import fsp; bindings/python/memfs ready)"
