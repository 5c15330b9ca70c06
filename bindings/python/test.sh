#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bindings/python/test.sh [BUILDDIR]: the binding's pytest suite, then
# fsp-tests against bindings/python/memfs.  PASS:/FAIL:/SKIP: lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
export FSP_LIBRARY=$build/libfsp.so.1 FSP_BUILD=$build  # FSP_BUILD: fsptool
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

# fsp-tests once more on memfs -W, the whole Windows set (named streams,
# reparse data, read-only attribute, security descriptors): none of it
# may change POSIX behaviour.  atime as above.
tmpw=$(mktemp -d /tmp/fsp-python-W.XXXXXX)
wpid=
cleanup_w() {
    [ -n "$wpid" ] && kill -TERM "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
    mountpoint -q "$tmpw/m" 2>/dev/null && umount -l "$tmpw/m"
    rm -rf --one-file-system "$tmpw" /tmp/pyvenv-py
}
trap cleanup_w EXIT
mkdir "$tmpw/m"
"$here/memfs" -f -W -o allow_other,default_permissions "$tmpw/m" 2>"$tmpw/err" &
wpid=$!
for _ in $(seq 500); do mountpoint -q "$tmpw/m" && break; sleep 0.02; done
if mountpoint -q "$tmpw/m"; then
    timeout -k 5 300 "$build/fsp-tests" \
        -x time_atime_relatime="atime of cached reads: the kernel keeps none for FUSE; checked on memfs -C" \
        "$tmpw/m" 2>&1 | sed -n -e 's/^\(PASS\|FAIL\|SKIP\): /\1: python_memfs_W_/p'
else
    echo "FAIL: python_memfs_W_mount: memfs -W did not mount: $(tail -1 "$tmpw/err")"
fi
kill -TERM "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; wpid=

# Issue #14: pip installs the package offline into a plain venv (the
# package's own build backend needs nothing from PyPI), and the installed
# fsp imports from anywhere with the bundled libfsp.so.1.
rm -rf /tmp/pyvenv-py
if ! $py -m venv /tmp/pyvenv-py 2>/dev/null; then
    echo "SKIP: python_pip_install_offline: no venv (apt-get install python3-venv)"
elif out=$(cd "$root" && timeout -k 5 120 /tmp/pyvenv-py/bin/pip install \
               --no-index --disable-pip-version-check ./bindings/python 2>&1) &&
     got=$(cd / && env -u FSP_LIBRARY /tmp/pyvenv-py/bin/python -c \
               'import fsp, fsp.security; print(fsp._n.lib._name)' 2>&1) &&
     [ "$got" = "$(ls -d /tmp/pyvenv-py/lib/python3*/site-packages)/fsp/libfsp.so.1" ]; then
    echo "PASS: python_pip_install_offline"
else
    echo "FAIL: python_pip_install_offline: ${got:-$(printf '%s' "$out" | tail -3)}"
fi
rm -rf /tmp/pyvenv-py
