#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Exercisers nobody here wrote, from Debian, on memfs: fio writing and
# reading back random blocks with checksums (verify=crc32c), and stress-ng
# hammering the namespace, xattrs, locks, fallocate and mmap with its own
# verification.  Each prints one PASS/FAIL line.
#
#   tests/independent.sh BUILDDIR
set -u
build=${1:-build}
tmp=$(mktemp -d /tmp/fsp-indep.XXXXXX)
mnt=$tmp/mnt
mkdir "$mnt"
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$mnt" && umount -l "$mnt"
    rm -rf "$tmp"
}
trap cleanup EXIT

"$build/memfs" -f "$mnt" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt" || { echo "FAIL: independent_mount: $(cat "$tmp/err")"; exit 0; }

if ! command -v fio >/dev/null; then
    echo "FAIL: independent_fio_verify: fio missing (tests/deps.sh installs it)"
elif (cd "$tmp" && timeout -k 5 300 fio --name=verify --directory="$mnt" --rw=randrw --bs=4k \
        --size=32M --numjobs=2 --verify=crc32c --verify_fatal=1 --do_verify=1 \
        --verify_state_save=0) \
        >"$tmp/fio" 2>&1 && grep -q "err= 0" "$tmp/fio" && ! grep -q "err= [1-9]" "$tmp/fio"; then
    echo "PASS: independent_fio_verify"
else
    echo "FAIL: independent_fio_verify: $(grep -E 'verify|err=' "$tmp/fio" | head -3)"
fi

if ! command -v stress-ng >/dev/null; then
    echo "FAIL: independent_stress_ng: stress-ng missing (tests/deps.sh installs it)"
elif timeout -k 5 300 stress-ng --temp-path "$mnt" --verify --timeout 5s \
        --hdd 1 --hdd-opts wr-rnd,rd-rnd --dir 1 --rename 1 --link 1 \
        --symlink 1 --xattr 1 --fallocate 1 --lockf 1 --flock 1 --mmap 1 \
        >"$tmp/sng" 2>&1 && grep -q "successful run completed" "$tmp/sng"; then
    echo "PASS: independent_stress_ng"
else
    echo "FAIL: independent_stress_ng: $(grep -iE 'fail|error' "$tmp/sng" | head -3)"
fi

# After all that, memfs must still stop cleanly.
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] && echo "PASS: independent_memfs_survives" || echo "FAIL: independent_memfs_survives: exit $st"
exit 0
