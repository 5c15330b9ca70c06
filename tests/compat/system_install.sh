#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The explicit, reversible system-wide step (tools/compat-install.sh):
# after `install`, unmodified Debian programs started with no
# LD_LIBRARY_PATH load fsp's libfuse3.so.3 and libfuse.so.2; after
# `uninstall`, Debian's again, and the machine is as before.
#
#   tests/compat/system_install.sh BUILDDIR
#
# Prints PASS/FAIL lines, exits 0.  Uninstalls on any exit.  Runs alone:
# while installed, every FUSE program on the machine uses fsp's
# libraries (tests/run.sh runs its scripts one after another).
set -u
build=${1:-build}
build=${build%/}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=$ROOT/tools/compat-install.sh
DIR=/usr/local/lib/fsp-libfuse
# Debian's libraries live under the machine's multiarch triplet
# (x86_64-linux-gnu, aarch64-linux-gnu, ...), not one written in here.
MULTIARCH=${MULTIARCH:-$(gcc -print-multiarch 2>/dev/null)}
MULTIARCH=${MULTIARCH:-$(uname -m)-linux-gnu}
T=$(mktemp -d /tmp/fsp-sysinst.XXXXXX)
P=
pass() { echo "PASS: system_install: $1"; }
fail() { echo "FAIL: system_install: $1${2:+: $2}"; }

cleanup() {
    [ -n "$P" ] && kill "$P" 2>/dev/null
    grep -q " $T/" /proc/mounts && for m in "$T"/m*; do umount -l "$m" 2>/dev/null; done
    [ -f /etc/ld.so.conf.d/00-fsp-libfuse.conf ] && bash "$TOOL" uninstall >/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

case "$build" in *asan* | *tsan*)
    # Debian's programs cannot load a sanitizer-built library without its
    # runtime; the libraries themselves are the same code as build/'s.
    echo "SKIP: system_install: not with sanitizer builds"
    trap - EXIT; rm -rf "$T"; exit 0 ;;
esac
if [ -f /etc/ld.so.conf.d/00-fsp-libfuse.conf ]; then
    fail "already installed before the test" "left as it is"
    trap - EXIT
    rm -rf "$T"
    exit 0
fi
for c in squashfuse_ll mksquashfs bindfs; do
    command -v "$c" >/dev/null || { fail "$c missing (tests/deps.sh installs it)"; exit 0; }
done

mkdir -p "$T/src/d" "$T/m3" "$T/m2"
echo "from the image" > "$T/src/d/f"
mksquashfs "$T/src" "$T/img" -quiet -noappend >/dev/null 2>&1

# mount_maps WHO NAME MNT WANT OTHER PROG ARGS...: start PROG with a
# clean environment, mounting MNT; it must serve d/f and map WANT, not
# OTHER.
mount_maps() {
    local who=$1 name=$2 mnt=$3 want=$4 other=$5 ok=0
    shift 5
    env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@" -f "$mnt" 2>"$T/$name.err" &
    P=$!
    for _ in $(seq 100); do grep -q " $mnt " /proc/mounts && break; sleep 0.05; done
    [ "$(cat "$mnt/d/f" 2>/dev/null)" = "from the image" ] &&
        grep -q "$want" "/proc/$P/maps" && ! grep -q "$other" "/proc/$P/maps" && ok=1
    if [ $ok = 1 ]; then pass "$who: $name maps $want"; else
        fail "$who: $name" "$(grep libfuse "/proc/$P/maps" 2>/dev/null | awk '{print $6}' | sort -u | tr '\n' ' ')$(cat "$T/$name.err")"; fi
    umount "$mnt" 2>/dev/null; wait "$P" 2>/dev/null; P=
}

# run_both WHO: squashfuse_ll (libfuse 3) and bindfs (libfuse 2) must map
# the libraries of WHO (fsp: $DIR; debian: /lib or /usr/lib).
run_both() {
    local who=$1 lib=/lib/$MULTIARCH other=$DIR
    if [ "$who" = fsp ]; then
        lib=$DIR other="$MULTIARCH/libfuse"
    fi
    mount_maps "$who" squashfuse_ll "$T/m3" "$lib/libfuse3.so.3" "$other" \
        squashfuse_ll "$T/img"
    mount_maps "$who" bindfs "$T/m2" "$lib/libfuse.so.2" "$other" \
        bindfs "$T/src"
}

if bash "$TOOL" install "$build" >"$T/inst.out" 2>&1; then
    pass "install puts fsp's libraries first in the loader's cache"
    run_both fsp
else
    fail "install" "$(tail -2 "$T/inst.out")"
fi
if bash "$TOOL" uninstall >"$T/uninst.out" 2>&1 &&
   [ ! -e "$DIR" ] && [ ! -e /etc/ld.so.conf.d/00-fsp-libfuse.conf ]; then
    pass "uninstall removes the directory and the loader entry"
else
    fail "uninstall" "$(tail -2 "$T/uninst.out")"
fi
run_both debian
exit 0
