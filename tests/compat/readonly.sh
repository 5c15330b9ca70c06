#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Read-only means read-only: tests/compat/readonly.sh BUILDDIR
#
# One small program (ro_fs.c), built against Debian's libfuse 3 and
# libfuse 2 headers, asks for a read-only mount in every way libfuse
# accepts (-o ro, -oro, -o rw,ro, -r, options added or inserted with
# fuse_opt_*, given only to fuse_mount or only to fuse_new, before or
# after the mount point) through fuse_main, the high level by hand and the
# low level.  Each run happens twice, on Debian's library and with
# LD_LIBRARY_PATH on fsp's, and ro_probe.c judges the mount: "ro" (the
# mount is ro in mountinfo and every change fails with EROFS), "rw", or
# "none" (no mount).  fsp must give Debian's verdict in every case, and
# the plain ways of asking must give "ro".  bindfs -r runs on both too.
#
# Needs root.  Prints PASS/FAIL/SKIP lines; leaves no mount behind.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=$(mktemp -d /tmp/fsp-readonly.XXXXXX)
PID=""

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }
skip() { echo "SKIP: $1${2:+ ($2)}"; }

cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    grep " $T/" /proc/self/mountinfo | awk '{print $5}' | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
    skip "read-only mounts" "needs root"
    exit 0
fi
# A sanitizer build's library cannot be loaded by a plain program.
if ldd "$BUILD/compat/libfuse3.so.3" | grep -Eq 'libasan|libtsan'; then
    skip "read-only mounts" "sanitizer build: Debian-built programs cannot load it"
    exit 0
fi

cc -Wall -Wextra -Werror -o "$T/ro_probe" "$ROOT/tests/compat/ro_probe.c" ||
    { fail "ro_probe builds"; exit 0; }
HAVE3=0; HAVE2=0
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$T/ro_fs3" "$ROOT/tests/compat/ro_fs.c" \
    $(pkg-config --cflags --libs fuse3-314) 2>"$T/cc3.err" && HAVE3=1
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -DRO_FUSE2 -o "$T/ro_fs2" \
    "$ROOT/tests/compat/ro_fs.c" $(pkg-config --cflags --libs fuse) \
    2>"$T/cc2.err" && HAVE2=1
[ $HAVE3 = 1 ] || skip "libfuse 3 cases" "ro_fs.c does not build against Debian's fuse3: $(head -1 "$T/cc3.err")"
[ $HAVE2 = 1 ] || skip "libfuse 2 cases" "ro_fs.c does not build against Debian's fuse: $(head -1 "$T/cc2.err")"

# verdict MNT LIBDIR PROGRAM ARGS...: run PROGRAM (on the library in
# LIBDIR, or Debian's if empty) until it mounts MNT or exits, judge the
# mount, stop the program; prints the verdict.
verdict() {
    mnt=$1; libdir=$2; shift 2
    mkdir -p "$mnt"
    if [ -n "$libdir" ]; then
        LD_LIBRARY_PATH=$libdir "$@" >"$T/prog.out" 2>&1 &
    else
        "$@" >"$T/prog.out" 2>&1 &
    fi
    PID=$!
    i=0
    while [ $i -lt 100 ]; do
        awk -v m="$mnt" '$5 == m { found = 1 } END { exit !found }' \
            /proc/self/mountinfo && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05; i=$((i + 1))
    done
    v=$("$T/ro_probe" "$mnt")
    # A program whose fuse_new refuses an option ("unknown option") has
    # mounted already (fuse_mount comes first) and unmounts as it exits:
    # a probe that caught that short-lived mount is no verdict.
    sleep 0.05
    if grep -q "unknown option" "$T/prog.out" || ! kill -0 "$PID" 2>/dev/null; then
        v=none
    fi
    echo "$v"
    kill -TERM "$PID" 2>/dev/null
    i=0
    while [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    kill -KILL "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=""
    if awk -v m="$mnt" '$5 == m { found = 1 } END { exit !found }' \
           /proc/self/mountinfo; then
        umount -l "$mnt"
    fi
}

# run_one MNT LIBDIR PROG MODE ARGS...: verdict of PROG MODE -f ARGS
# with each "MNT" in ARGS replaced by the mount point.
run_one() {
    m=$1; lib=$2; prog=$3; mode=$4; shift 4
    for a; do
        shift
        [ "$a" = MNT ] && a=$m
        set -- "$@" "$a"
    done
    verdict "$m" "$lib" "$T/$prog" "$mode" -f "$@"
}

N=0
# case EXPECT PROG MODE ARGS... (MNT in ARGS stands for the mount point):
# EXPECT is "ro" where the answer must be read-only, "-" where only
# Debian's verdict counts.
case_() {
    expect=$1; prog=$2; mode=$3; shift 3
    N=$((N + 1))
    name="$prog $mode $*"
    deb=$(run_one "$T/m$N.deb" "" "$prog" "$mode" "$@")
    fsp=$(run_one "$T/m$N.fsp" "$BUILD/compat" "$prog" "$mode" "$@")
    if [ "$deb" != "$fsp" ]; then
        fail "$name: as Debian's libfuse" "Debian: $deb, fsp: $fsp"
    elif [ "$expect" = ro ] && [ "$fsp" != ro ]; then
        fail "$name: read-only" "both: $fsp"
    else
        pass "$name: $fsp, as Debian's libfuse"
    fi
}

for prog in ro_fs3 ro_fs2; do
    [ $prog = ro_fs3 ] && [ $HAVE3 = 0 ] && continue
    [ $prog = ro_fs2 ] && [ $HAVE2 = 0 ] && continue
    for mode in main new ll; do
        # main gets every spelling; the others the distinct paths
        if [ $mode = main ]; then
            case_ ro $prog $mode -o ro MNT
            case_ ro $prog $mode -oro MNT
            case_ ro $prog $mode -o rw,ro MNT
            case_ - $prog $mode -o ro,rw MNT
            case_ ro $prog $mode -o allow_other,ro,default_permissions MNT
            case_ ro $prog $mode MNT -o ro
            case_ ro $prog $mode -s -o ro MNT
            case_ - $prog $mode -o ro -o rw MNT
            case_ - $prog $mode -o rw -r MNT
        fi
        case_ ro $prog $mode -o ro MNT
        case_ ro $prog $mode -r MNT
        case_ ro $prog $mode --add=-oro MNT
        case_ ro $prog $mode --add=-r MNT
        case_ ro $prog $mode --insert=-oro MNT
        case_ ro $prog $mode --insert=-r MNT
        case_ ro $prog $mode -o default_permissions --add=-oro,allow_other MNT
        case_ - $prog $mode -- MNT -o ro
        if [ $mode != main ]; then
            case_ - $prog $mode --lib=-oro MNT
            case_ - $prog $mode --lib=-r MNT
            [ $prog = ro_fs2 ] && case_ - $prog $mode --mnt=-oro MNT
            [ $prog = ro_fs2 ] && case_ - $prog $mode --mnt=-r MNT
            [ $prog = ro_fs2 ] && case_ - $prog $mode --lib=-oallow_root MNT
        fi
    done
done

# bindfs -r: the option it passes straight on to fuse_main (issue #10).
if command -v bindfs >/dev/null; then
    S=$T/bsrc; mkdir -p "$S"; : > "$S/f"; chmod 666 "$S/f"
    for flag in -r "-o ro"; do
        # shellcheck disable=SC2086
        deb=$(verdict "$T/bdeb" "" bindfs -f $flag "$S" "$T/bdeb")
        [ -e "$S/ro_probe_new" ] && deb="$deb+created-in-source"
        rm -rf "$S/ro_probe_new" "$S/ro_probe_dir" "$S/ro_probe_link" "$S/g"
        : > "$S/f"; chmod 666 "$S/f"
        # shellcheck disable=SC2086
        fsp=$(verdict "$T/bfsp" "$BUILD/compat" bindfs -f $flag "$S" "$T/bfsp")
        [ -e "$S/ro_probe_new" ] && fsp="$fsp+created-in-source"
        rm -rf "$S/ro_probe_new" "$S/ro_probe_dir" "$S/ro_probe_link" "$S/g"
        : > "$S/f"; chmod 666 "$S/f"
        if [ "$deb" = ro ] && [ "$fsp" = ro ]; then
            pass "bindfs $flag: ro on Debian's libfuse and on fsp's"
        else
            fail "bindfs $flag: ro on both" "Debian: $deb, fsp: $fsp"
        fi
    done
else
    skip "bindfs -r" "bindfs not installed"
fi
