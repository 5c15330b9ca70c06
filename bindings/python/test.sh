#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bindings/python/test.sh [BUILDDIR]: the binding's pytest suite, then
# fsp-tests against bindings/python/memfs.  PASS:/FAIL:/SKIP: lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
export FSP_LIBRARY=$build/libfsp.so.1
py=/usr/bin/python3
if [ ! -x $py ]; then
    echo "SKIP: python_binding: no $py"
    exit 0
fi

# pytest: one line per test case, as the suite counts them.
if $py -c 'import pytest' 2>/dev/null; then
    out=$(cd "$here" && timeout -k 5 120 $py -m pytest -q -rA -p no:cacheprovider tests 2>&1)
    # the short summary: "PASSED tests/FILE.py::CASE[PARAM] - why"
    printf '%s\n' "$out" | sed -n -E \
        -e 's/^PASSED [^ ]*::([^ ]*).*/PASS: python_pytest_\1/p' \
        -e 's/^(FAILED|ERROR) [^ ]*::([^ ]*)( - )?(.*)/FAIL: python_pytest_\2: \1 \4/p'
    printf '%s\n' "$out" | grep -q '^PASSED' ||
        { echo "FAIL: python_pytest: no test passed"; printf '%s\n' "$out" | tail -20 | sed 's/^/  | /'; }
else
    echo "SKIP: python_pytest: no pytest (apt-get install python3-pytest)"
fi

# fsp-tests against the Python memfs.  Declared for the main (cached)
# mount, and checked on side mounts instead, as tests/conformance.sh does
# for C memfs: atime (the kernel keeps none for reads it serves from its
# cache; memfs -C) and POSIX ACLs (memfs -A).  The data cases run once
# more on memfs -S, whose reads and writes complete later on workers.
"$root/tests/lib/binding_conformance.sh" python "$build" "$here/memfs" \
    --side -C time_atime_relatime --side -A acl_ \
    --side -S "file_ mmap_ space_" \
    -x time_atime_relatime="atime of cached reads: the kernel keeps none for FUSE; checked on memfs -C" \
    -x acl_="POSIX ACLs only with memfs -A; checked there"
