#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Interrupt functions (fuse_req_interrupt_func): tests/compat/intr.sh BUILDDIR
#
# Builds tests/compat/intr_ll.c four times -- against fsp's libfuse3.so.3
# and libfuse.so.2 and, when their -dev packages are installed, against
# Debian's libfuse 3.14 and 2.9 -- and runs each on a mount of its own;
# every variant must pass the same checks; then tests/compat/intr_hl.c
# (fuse_interrupted() in a high-level file system) on fsp's and Debian's
# libfuse 3.  With a sanitizer build of fsp
# (make SAN=asan / SAN=tsan) fsp's variants are built with the same
# sanitizer and any report fails them.  Prints PASS/FAIL/SKIP lines and
# exits 0 (run.sh's convention) unless -e is given first, then 1 on any
# FAIL.  Needs root (mount); leaves no mount behind.
set -u
STRICT=0
[ "${1:-}" = -e ] && { STRICT=1; shift; }
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=$(mktemp -d /tmp/fsp-intr.XXXXXX)
NFAIL=0

cleanup() {
    grep " $T/" /proc/mounts | awk '{print $2}' | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

LIB3=$BUILD/compat/libfuse3.so.3
SAN=""
SANFLAGS=""
if [ -f "$LIB3" ] && ldd "$LIB3" | grep -q libasan; then
    SAN=asan
    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
elif [ -f "$LIB3" ] && ldd "$LIB3" | grep -q libtsan; then
    SAN=tsan
    SANFLAGS="-fsanitize=thread -fno-omit-frame-pointer"
fi

# run NAME EXE [fsp]: run one build on its own mount, relay its lines.
# fsp's builds find fsp's libraries by LD_LIBRARY_PATH, Debian's must not.
run() {
    n=$1 exe=$2
    M=$T/m-$n; mkdir -p "$M"
    if [ "${3:-}" = fsp ]; then
        lp=$BUILD/compat want=$BUILD/compat/
    else
        lp="" want=/lib/
    fi
    if ! LD_LIBRARY_PATH=$lp ldd "$exe" | grep 'libfuse' | grep -q "$want"; then
        echo "FAIL: intr_ll [$n] loads its libfuse from $want ($(LD_LIBRARY_PATH=$lp ldd "$exe" | grep libfuse | tr -s ' \t' ' '))"
        NFAIL=$((NFAIL + 1))
        return
    fi
    if [ -n "$lp" ]; then
        LD_LIBRARY_PATH=$lp timeout 300 "$exe" "$M" > "$T/$n.out" 2> "$T/$n.err"
    else
        env -u LD_LIBRARY_PATH timeout 300 "$exe" "$M" > "$T/$n.out" 2> "$T/$n.err"
    fi
    rc=$?
    sed "s/^\\(PASS\\|FAIL\\): /\\1: intr_ll [$n]: /" "$T/$n.out"
    if [ $rc -ne 0 ] || grep -q '^FAIL' "$T/$n.out" || [ ! -s "$T/$n.out" ]; then
        echo "FAIL: intr_ll [$n] exits 0 (status $rc; $(tail -3 "$T/$n.err" | tr '\n' ' '))"
        NFAIL=$((NFAIL + 1))
    fi
    if grep -q 'Sanitizer\|runtime error' "$T/$n.err"; then
        echo "FAIL: intr_ll [$n]: sanitizer report"
        sed -n '1,40p' "$T/$n.err"
        NFAIL=$((NFAIL + 1))
    elif [ -n "$SAN" ] && [ "${3:-}" = fsp ]; then
        echo "PASS: intr_ll [$n]: no $SAN report"
    fi
    if grep -q " $M " /proc/mounts; then
        echo "FAIL: intr_ll [$n]: left its mount behind"
        NFAIL=$((NFAIL + 1))
    fi
}

# The process $1 exists and is not a zombie.
alive() {
    s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
    [ -n "$s" ] && [ "$s" != Z ]
}

# hl_start EXE WHO LOG [VAR=VALUE...]: mount intr_hl on $M with the
# environment given, on fsp's library (WHO = fsp) or Debian's; $P is it.
hl_start() {
    exe=$1 who=$2 log=$3
    shift 3
    if [ "$who" = fsp ]; then
        env "$@" LD_LIBRARY_PATH="$BUILD/compat" "$exe" -f "$M" 2>"$log" &
    else
        env -u LD_LIBRARY_PATH "$@" "$exe" -f "$M" 2>"$log" &
    fi
    P=$!
    for _ in $(seq 100); do
        grep -q " $M fuse" /proc/mounts && break
        sleep 0.05
    done
}

# kill_reader FILE: read FILE in the background, SIGKILL the reader
# after 0.5 s; gone=yes if it was gone within 5 s more.
kill_reader() {
    cat "$1" > /dev/null 2>&1 &
    R=$!
    sleep 0.5
    kill -KILL "$R"
    for _ in $(seq 100); do alive "$R" || break; sleep 0.05; done
    if alive "$R"; then gone=no; else gone=yes; fi
    wait "$R" 2>/dev/null
}

# hl_stop LOG WHAT: SIGTERM the file system, and fail on a sanitizer
# report in its LOG.
hl_stop() {
    kill -TERM "$P"
    for _ in $(seq 100); do alive "$P" || break; sleep 0.05; done
    wait "$P" 2>/dev/null
    if grep -q 'Sanitizer\|runtime error' "$1"; then
        echo "FAIL: intr_hl [$n]: $2sanitizer report"
        sed -n '1,40p' "$1"
        NFAIL=$((NFAIL + 1))
    fi
}

# hl NAME EXE [fsp]: intr_hl.c -- a reader of "wait" killed while the
# file system polls fuse_interrupted() must be gone promptly.
hl() {
    n=$1
    M=$T/m-$n; mkdir -p "$M"
    hl_start "$2" "${3:-}" "$T/$n.err"
    kill_reader "$M/wait"
    count=$(cat "$M/count" 2>&1)
    hello=$(cat "$M/hello" 2>&1)
    if [ $gone = yes ] && [ "$count" = 1 ] && [ "$hello" = hello ]; then
        echo "PASS: intr_hl [$n]: fuse_interrupted() sees SIGKILL's INTERRUPT, the reader is gone promptly, the file system still serves"
    else
        echo "FAIL: intr_hl [$n]: fuse_interrupted() (reader gone within 5 s: $gone, interrupts seen: $count, hello: $hello)"
        NFAIL=$((NFAIL + 1))
    fi
    hl_stop "$T/$n.err" ""

    # fuse_config.intr (set in init): the callback blocked in nanosleep
    # gets intr_signal.  fsp only: libfuse 3.14 takes no -o intr and
    # installs the signal's handler in fuse_new, before init can set
    # intr, so its program dies of the signal (seen here).
    [ "${3:-}" = fsp ] || return 0
    hl_start "$2" fsp "$T/$n-intr.err" INTR_HL_INTR=1
    kill_reader "$M/block"
    signals=$(cat "$M/signals" 2>&1)
    if [ $gone = yes ] && [ "$signals" = 1 ]; then
        echo "PASS: intr_hl [$n]: intr: the interrupted callback gets intr_signal (EINTR from nanosleep), the reader is gone promptly"
    else
        echo "FAIL: intr_hl [$n]: intr (reader gone within 5 s: $gone, signals seen: $signals)"
        NFAIL=$((NFAIL + 1))
    fi
    hl_stop "$T/$n-intr.err" "intr: "
}

# build NAME PKGCONFIG_DIR PACKAGE [FLAGS...]; $SRC is the source.
SRC=intr_ll.c
build() {
    n=$1 pcdir=$2 pkg=$3; shift 3
    # shellcheck disable=SC2046
    if cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror "$@" -o "$T/$n" \
           "$ROOT/tests/compat/$SRC" \
           $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs "$pkg") \
           2> "$T/$n.cc"; then
        return 0
    fi
    echo "FAIL: intr_ll [$n] builds ($(head -3 "$T/$n.cc" | tr '\n' ' '))"
    NFAIL=$((NFAIL + 1))
    return 1
}

# shellcheck disable=SC2086
if [ ! -f "$LIB3" ]; then
    echo "FAIL: intr_ll [fsp3] ($LIB3 missing)"; NFAIL=$((NFAIL + 1))
elif build fsp3 "$BUILD/pkgconfig" fuse3-314 $SANFLAGS; then
    run fsp3 "$T/fsp3" fsp
fi
# shellcheck disable=SC2086
if [ ! -f "$BUILD/compat/libfuse.so.2" ]; then
    echo "SKIP: intr_ll [fsp2] (libfuse.so.2 not built)"
elif build fsp2 "$BUILD/pkgconfig" fuse -DFUSE_USE_VERSION=26 $SANFLAGS; then
    run fsp2 "$T/fsp2" fsp
fi
# Debian's libraries: the reference behaviour, same source, same checks.
if [ -f /usr/include/fuse3/fuse_lowlevel.h ]; then
    build deb3 "" fuse3 && run deb3 "$T/deb3"
else
    echo "SKIP: intr_ll [deb3] (libfuse3-dev missing)"
fi
if [ -f /usr/include/fuse/fuse_lowlevel.h ]; then
    build deb2 "" fuse -DFUSE_USE_VERSION=26 && run deb2 "$T/deb2"
else
    echo "SKIP: intr_ll [deb2] (libfuse-dev missing)"
fi
# The high-level path: fuse_interrupted() on fsp's and Debian's libfuse 3.
SRC=intr_hl.c
# shellcheck disable=SC2086
if [ -f "$LIB3" ] && build fsp3-hl "$BUILD/pkgconfig" fuse3-314 $SANFLAGS; then
    hl fsp3-hl "$T/fsp3-hl" fsp
fi
if [ -f /usr/include/fuse3/fuse.h ]; then
    build deb3-hl "" fuse3 && hl deb3-hl "$T/deb3-hl"
fi
[ $STRICT = 1 ] && [ $NFAIL -gt 0 ] && exit 1
exit 0
