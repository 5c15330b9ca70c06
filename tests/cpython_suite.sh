#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An established test suite nobody here wrote: CPython's own regression
# tests for files, directories, paths, mmap, locks and archives (Debian's
# libpython3.11-testsuite), run by Python's test runner with its working
# directory (TMPDIR) on a fresh tmpfs and on a fresh memfs, as root and as
# the unprivileged user fsptest.  The bar is tmpfs: every test module that
# passes there must pass on memfs.
#
#   tests/cpython_suite.sh BUILDDIR
#
# One line per module and run:
#   PASS: cpython_<run>_<module>          passes on memfs (and on tmpfs)
#   FAIL: cpython_<run>_<module>: ...     passes on tmpfs, not on memfs
#   SKIP: cpython_<run>_<module>: ...     does not pass on tmpfs either
# Always exits 0; never leaves a mount behind.
set -u
build=${1:-build}
build=${build%/}
py=/usr/bin/python3
modules_user="test_os test_posix test_shutil test_tempfile test_pathlib
    test_mmap test_fileio test_glob test_stat test_fcntl test_genericpath
    test_posixpath test_file test_filecmp test_fileinput test_tarfile
    test_zipfile test_dbm_dumb"
# test_io is left out: half a minute per run, and it tests the io module
# far more than the file system under it.
modules_root=$modules_user

if ! "$py" -c 'import test.test_os' 2>/dev/null; then
    echo "FAIL: cpython_suite: CPython's tests missing (tests/deps.sh installs libpython3.11-testsuite)"
    exit 0
fi

tmp=$(mktemp -d /tmp/fsp-cpython.XXXXXX)
chmod 755 "$tmp"
tmnt=$tmp/tmpfs mmnt=$tmp/memfs
mkdir "$tmnt" "$mmnt"
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$mmnt" && umount -l "$mmnt"
    mountpoint -q "$tmnt" && umount -l "$tmnt"
    rm -rf "$tmp"
    [ "$made_user" = 1 ] && userdel fsptest 2>/dev/null
}
made_user=0
trap cleanup EXIT

mount -t tmpfs -o size=2g,mode=0755 fsp-cpython "$tmnt" || { echo "FAIL: cpython_suite: tmpfs mount"; exit 0; }
# allow_other for the unprivileged run; default_permissions so the kernel
# checks modes as it does on tmpfs.
"$build/memfs" -f -o allow_other,default_permissions "$mmnt" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mmnt" && break; sleep 0.1; done
mountpoint -q "$mmnt" || { echo "FAIL: cpython_suite: memfs mount: $(cat "$tmp/err")"; exit 0; }

user=
if id fsptest >/dev/null 2>&1; then
    user=fsptest
elif useradd -M -U -s /usr/sbin/nologin fsptest 2>/dev/null; then
    user=fsptest made_user=1   # removed again by cleanup
fi

# suite DIR LOG AS_USER MODULES...: run the modules with TMPDIR=DIR; the
# log gets the runner's per-module verdicts ("test_os passed").
suite() {
    local dir=$1 log=$2 as=$3 user=()
    shift 3
    [ -n "$as" ] && user=(setpriv --reuid "$as" --regid "$as" --clear-groups
                          env HOME="$dir")
    # From DIR: the user may not be able to enter the checkout's
    # directory (a clone under a 0700 mktemp directory, say).
    (cd "$dir" && "${user[@]}" env TMPDIR="$dir" timeout -k 10 600 \
        "$py" -m test -j2 "$@") >"$log" 2>&1
}

# verdict LOG MODULE: the runner's word for the module ("passed", ...).
verdict() {
    grep -oE "\] $2 [a-z]+( [a-z]+)?" "$1" | tail -1 | awk '{ print $3 }'
}

# compare RUN TLOG MLOG MODULES...
compare() {
    local run=$1 tlog=$2 mlog=$3 m t v
    shift 3
    for m in "$@"; do
        t=$(verdict "$tlog" "$m")
        v=$(verdict "$mlog" "$m")
        if [ "$t" != passed ]; then
            echo "SKIP: cpython_${run}_$m: tmpfs ${t:-no verdict}"
        elif [ "$v" = passed ]; then
            echo "PASS: cpython_${run}_$m"
        else
            echo "FAIL: cpython_${run}_$m: tmpfs passed, memfs ${v:-no verdict}: $(grep -E "^(FAIL|ERROR):" "$mlog" | head -3 | tr '\n' ' ')"
        fi
    done
}

# shellcheck disable=SC2086  # module lists are word lists
{
    suite "$tmnt" "$tmp/t_root.log" "" $modules_root
    suite "$mmnt" "$tmp/m_root.log" "" $modules_root
    compare root "$tmp/t_root.log" "$tmp/m_root.log" $modules_root
    if [ -n "$user" ]; then
        mkdir "$tmnt/u" "$mmnt/u"
        chown "$user:$user" "$tmnt/u" "$mmnt/u"
        suite "$tmnt/u" "$tmp/t_user.log" "$user" $modules_user
        suite "$mmnt/u" "$tmp/m_user.log" "$user" $modules_user
        compare user "$tmp/t_user.log" "$tmp/m_user.log" $modules_user
    else
        echo "SKIP: cpython_user: no user fsptest and useradd failed"
    fi
}

kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] && echo "PASS: cpython_memfs_survives" || echo "FAIL: cpython_memfs_survives: exit $st"
exit 0
