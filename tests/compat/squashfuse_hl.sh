#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's squashfuse (the libfuse 3 HIGH-level program; squashfuse_ll,
# the low-level one, is in run.sh) unmodified on fsp's libfuse3.so.3:
# the image's tree compares equal and the process maps fsp's library.
#
#   tests/compat/squashfuse_hl.sh BUILDDIR
set -u
BUILD=${1:-build}
# Debian's libraries live under the machine's multiarch triplet
# (x86_64-linux-gnu, aarch64-linux-gnu, ...), not one written in here.
MULTIARCH=${MULTIARCH:-$(gcc -print-multiarch 2>/dev/null)}
MULTIARCH=${MULTIARCH:-$(uname -m)-linux-gnu}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=$(mktemp -d /tmp/fsp-sqhl.XXXXXX)
P=
cleanup() {
    [ -n "$P" ] && kill -TERM "$P" 2>/dev/null
    grep -q " $T/mnt " /proc/mounts && umount -l "$T/mnt"
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

if ! command -v squashfuse >/dev/null || ! command -v mksquashfs >/dev/null; then
    echo "FAIL: squashfuse (high-level): squashfuse or mksquashfs missing (tests/deps.sh installs them)"
    exit 0
fi
mkdir "$T/src" "$T/mnt"
cp -a /usr/share/doc/bash /usr/share/doc/coreutils "$T/src/"
ln -s bash/README "$T/src/link"
mksquashfs "$T/src" "$T/img" -quiet -noappend >/dev/null 2>&1 ||
    { echo "FAIL: squashfuse (high-level): mksquashfs"; exit 0; }

LD_LIBRARY_PATH=$BUILD/compat squashfuse -f "$T/img" "$T/mnt" 2>"$T/err" &
P=$!
i=0
while [ $i -lt 100 ] && ! grep -q " $T/mnt " /proc/mounts; do sleep 0.1; i=$((i + 1)); done
if ! grep -q " $T/mnt " /proc/mounts; then
    echo "FAIL: squashfuse (high-level): no mount: $(head -3 "$T/err")"
    exit 0
fi
if diff -r --no-dereference "$T/src" "$T/mnt" >/dev/null 2>&1 &&
   [ "$(readlink "$T/mnt/link")" = bash/README ]; then
    echo "PASS: squashfuse (high-level): diff -r against the source tree"
else
    echo "FAIL: squashfuse (high-level): the mounted image differs from the source"
fi
if grep -q "$BUILD/compat/libfuse3.so.3" "/proc/$P/maps" &&
   ! grep -q "/lib/$MULTIARCH/libfuse3" "/proc/$P/maps"; then
    echo "PASS: squashfuse (high-level): fsp's libfuse3 mapped, no Debian libfuse"
else
    echo "FAIL: squashfuse (high-level): maps: $(grep libfuse "/proc/$P/maps" | head -2)"
fi
umount "$T/mnt"
i=0
while [ $i -lt 50 ] && kill -0 "$P" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$P" 2>/dev/null; then
    echo "FAIL: squashfuse (high-level): still running after umount"
else
    echo "PASS: squashfuse (high-level): exits after umount"
    P=
fi
exit 0
