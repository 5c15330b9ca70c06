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
    # pytest's temporary directories in one of ours, not /tmp/pytest-of-*
    ptmp=$(mktemp -d /tmp/fsp-pytest.XXXXXX)
    out=$(cd "$here" && timeout -k 5 120 $py -m pytest -q -rA -p no:cacheprovider \
              --basetemp="$ptmp/t" tests 2>&1)
    rm -rf --one-file-system "$ptmp"
    # the short summary: "PASSED tests/FILE.py::CASE[PARAM] - why"
    printf '%s\n' "$out" | sed -n -E \
        -e 's/^PASSED [^ ]*::([^ ]*).*/PASS: python_pytest_\1/p' \
        -e 's/^(FAILED|ERROR) [^ ]*::([^ ]*)( - )?(.*)/FAIL: python_pytest_\2: \1 \4/p'
    printf '%s\n' "$out" | grep -q '^PASSED' ||
        { echo "FAIL: python_pytest: no test passed"; printf '%s\n' "$out" | tail -20 | sed 's/^/  | /'; }
else
    echo "SKIP: python_pytest: no pytest (apt-get install python3-pytest)"
fi

# fsp-tests against the Python memfs in every configuration bm_all runs
# (tests/lib/binding_memfs.sh, as for every binding): atime and ACLs
# declared on the cached mounts and checked on memfs -C and -A, as
# tests/conformance.sh does for C memfs; slow I/O (-S); the Windows set
# (-W), which must not change POSIX behaviour.
# shellcheck source=tests/lib/binding_memfs.sh
. "$root/tests/lib/binding_memfs.sh"
bm_init python_memfs "$build/fsp-tests"
# Interpreted, slower per operation: a shorter exerciser run.
BM_EXERCISE_OPS=5000 bm_all "$here/memfs"

# Issue #14: pip installs the package offline into a plain venv (the
# package's own build backend needs nothing from PyPI), and the installed
# fsp imports from anywhere with the bundled libfsp.so.1.  In bm_init's
# directory, which its trap removes.
venv=$BM_TMP/venv
if ! $py -m venv "$venv" 2>/dev/null; then
    echo "SKIP: python_pip_install_offline: no venv (apt-get install python3-venv)"
elif out=$(cd "$root" && timeout -k 5 120 "$venv"/bin/pip install \
               --no-index --disable-pip-version-check ./bindings/python 2>&1) &&
     got=$(cd / && env -u FSP_LIBRARY "$venv"/bin/python -c \
               'import fsp, fsp.security; print(fsp._n.lib._name)' 2>&1) &&
     [ "$got" = "$(ls -d "$venv"/lib/python3*/site-packages)/fsp/libfsp.so.1" ]; then
    echo "PASS: python_pip_install_offline"
else
    echo "FAIL: python_pip_install_offline: ${got:-$(printf '%s' "$out" | tail -3)}"
fi
rm -rf "$venv"
