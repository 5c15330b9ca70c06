#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# libfuse's own example programs and its test_syscalls, from Debian's
# source packages of libfuse 3.17 (trixie) and 3.18 (sid), built against
# fsp's headers (fuse3.pc) and run on fsp's libfuse3.so.4, and those of
# libfuse 3.14 (bookworm) with fuse3-314.pc on libfuse3.so.3 (issue 13).
# `make test-libfuse318`; not in the default suite (fetches and builds).
#
# Usage: tests/compat/libfuse_src.sh [BUILDDIR]    (as root)
#
# The source packages and libfuse3-dev 3.18's headers are fetched once
# with apt from the mirror, through a private sources list, into
# /var/cache/fsp-test/libfuse-src and /var/cache/fsp-test/libfuse-3.18
# (the headers are what tests/compat/abi318.sh compares layouts with).
# Nothing of libfuse enters the tree.  Each example is built with the
# HAVE_* settings of libfuse's own build (a fuse_config.h written here)
# and run with its documented options:
#   hello, hello_ll     cat the file
#   null                mounted on a regular file, reads zeros
#   printcap            prints the capabilities and unmounts itself
#   ioctl + ioctl_client, poll + poll_client
#   passthrough, passthrough_fh, passthrough_ll   libfuse's test_syscalls
#                       (test/test_syscalls.c of the same version) on them
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" 2>/dev/null && pwd) || BUILD=${1:-$ROOT/build}
CACHE=${FSP_LIBFUSE_SRC:-/var/cache/fsp-test/libfuse-src}
HDR=${FSP_LIBFUSE318:-/var/cache/fsp-test/libfuse-3.18}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-}"; }
skip() { echo "SKIP: $1: $2"; }
# shellcheck source=tests/lib/debian.sh
. "$ROOT/tests/lib/debian.sh"

if [ "$(id -u)" -ne 0 ]; then skip libfuse_src "needs root"; exit 0; fi
[ -f "$BUILD/compat/libfuse3.so.4" ] || { fail "libfuse3.so.4 built" "missing"; exit 1; }
MIRROR=$(deb_mirror | head -1)
T=$(mktemp -d /tmp/fsp13src.XXXXXX)
PIDS=""
cleanup() {
    local m p
    for m in $(awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$m" 2>/dev/null
    done
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# apt with a private list of SUITE's sources and packages
apt_private() { # DIR SUITE apt-args...
    local dir=$1 suite=$2
    shift 2
    mkdir -p "$dir/lists/partial"
    printf 'deb %s %s main\ndeb-src %s %s main\n' "$MIRROR" "$suite" "$MIRROR" "$suite" >"$dir/sources.list"
    "$@" -o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
}
fetch() { # SUITE: the fuse3 source of SUITE under $CACHE/SUITE
    local suite=$1 d=$CACHE/$1
    ls -d "$d"/fuse3-*/ >/dev/null 2>&1 && return 0
    mkdir -p "$d" && chmod 755 "$d"
    apt_private "$d" "$suite" apt-get -qq update >"$T/apt.log" 2>&1 &&
        (cd "$d" && apt_private "$d" "$suite" apt-get -qq source fuse3) >>"$T/apt.log" 2>&1
}
if [ ! -f "$HDR/usr/include/fuse3/fuse_lowlevel.h" ]; then
    mkdir -p "$HDR" "$CACHE/sid-dev"
    if apt_private "$CACHE/sid-dev" sid apt-get -qq update >"$T/apt.log" 2>&1 &&
       (cd "$T" && apt_private "$CACHE/sid-dev" sid apt-get -qq download libfuse3-dev) >>"$T/apt.log" 2>&1; then
        dpkg-deb -x "$T"/libfuse3-dev_*.deb "$HDR"
    fi
fi

cat >"$T/fuse_config.h" <<'EOC'
/* The HAVE_* settings libfuse's build gives its examples on Linux. */
#define HAVE_SETXATTR 1
#define HAVE_POSIX_FALLOCATE 1
#define HAVE_FALLOCATE 1
#define HAVE_UTIMENSAT 1
#define HAVE_COPY_FILE_RANGE 1
#define HAVE_FSTATAT 1
#define HAVE_STATX 1
#define HAVE_PIPE2 1
#define HAVE_SPLICE 1
#define HAVE_VMSPLICE 1
#define HAVE_CLOSEFROM 1
EOC
export PKG_CONFIG_PATH=$BUILD/pkgconfig

wait_mounted() {
    local i
    for i in $(seq 1 100); do mountpoint -q "$1" && return 0; sleep 0.1; done
    return 1
}
wait_gone() {
    local i
    for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}

for suite in bookworm trixie sid; do
    # bookworm's 3.14 examples: the 3.14 ABI, on libfuse3.so.3
    if [ $suite = bookworm ]; then PC=fuse3-314 LIB=$BUILD/compat/libfuse3.so.3
    else PC=fuse3 LIB=$BUILD/compat/libfuse3.so.4; fi
    if ! fetch "$suite"; then
        skip "libfuse examples ($suite)" "apt-get source fuse3 failed: $(tail -2 "$T/apt.log" | tr '\n' ' ')"
        continue
    fi
    S=$(ls -d "$CACHE/$suite"/fuse3-*/ | head -1)
    ver=$(basename "$S" | sed 's/^fuse3-//')
    B=$T/$ver; mkdir -p "$B"
    for ex in hello hello_ll null printcap ioctl ioctl_client poll poll_client \
              passthrough passthrough_fh passthrough_ll; do
        [ -f "$S/example/$ex.c" ] || continue
        # shellcheck disable=SC2046
        if cc -D_GNU_SOURCE -DHAVE_LIBFUSE_PRIVATE_CONFIG_H -I"$T" -I"$S/example" \
               -w -o "$B/$ex" "$S/example/$ex.c" $(pkg-config --cflags --libs $PC) \
               -lpthread 2>"$B/$ex.cc"; then :
        else
            fail "$ver example $ex builds against fsp's headers" "$(grep -m2 error "$B/$ex.cc" | tr '\n' ' ')"
        fi
    done
    cc -D_GNU_SOURCE -I"$T" -w -o "$B/test_syscalls" "$S/test/test_syscalls.c" 2>"$B/ts.cc" ||
        fail "$ver test_syscalls builds" "$(head -2 "$B/ts.cc")"
    RUN=(env LD_LIBRARY_PATH="$BUILD/compat")   # exec: $! is the program
    M=$T/m_$ver; mkdir -p "$M"
    # hello, hello_ll
    for ex in hello hello_ll; do
        [ -x "$B/$ex" ] || continue
        "${RUN[@]}" "$B/$ex" -f "$M" 2>"$B/$ex.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" && [ "$(cat "$M/hello")" = "Hello World!" ] &&
           grep -q "$LIB" "/proc/$P/maps"; then
            pass "$ver $ex: reads Hello World! through fsp's $(basename "$LIB")"
        else
            fail "$ver $ex" "$(head -2 "$B/$ex.err" | tr '\n' ' ')"
        fi
        umount "$M" 2>/dev/null; wait_gone "$P"
    done
    # null: a regular file as the mount point
    if [ -x "$B/null" ]; then
        F=$T/null_$ver; : >"$F"
        "${RUN[@]}" "$B/null" -f "$F" 2>"$B/null.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$F" && [ "$(head -c 4 "$F" | od -An -tx1 | tr -d ' ')" = 00000000 ]; then
            pass "$ver null: mounted on a regular file"
        else
            fail "$ver null" "$(head -2 "$B/null.err" | tr '\n' ' ')"
        fi
        umount "$F" 2>/dev/null; wait_gone "$P"
    fi
    # printcap mounts, prints and unmounts by itself
    if [ -x "$B/printcap" ]; then
        if timeout 20 env LD_LIBRARY_PATH="$BUILD/compat" "$B/printcap" >"$B/printcap.out" 2>&1 &&
           grep -q "Capabilities:" "$B/printcap.out" && grep -qi "FUSE_CAP_ASYNC_READ" "$B/printcap.out"; then
            pass "$ver printcap: $(grep -c 'FUSE_CAP' "$B/printcap.out") capabilities listed"
        else
            fail "$ver printcap" "$(head -3 "$B/printcap.out" | tr '\n' ' ')"
        fi
    fi
    # ioctl + ioctl_client
    if [ -x "$B/ioctl" ] && [ -x "$B/ioctl_client" ]; then
        "${RUN[@]}" "$B/ioctl" -f "$M" 2>"$B/ioctl.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" && "$B/ioctl_client" "$M/fioc" 64 >/dev/null 2>&1 &&
           [ "$("$B/ioctl_client" "$M/fioc" 2>/dev/null | tr -dc 0-9)" = 64 ]; then
            pass "$ver ioctl: ioctl_client sets and reads the size (64)"
        else
            fail "$ver ioctl" "$("$B/ioctl_client" "$M/fioc" 2>&1 | head -2 | tr '\n' ' ') $(head -2 "$B/ioctl.err")"
        fi
        umount "$M" 2>/dev/null; wait_gone "$P"
    fi
    # poll + poll_client
    if [ -x "$B/poll" ] && [ -x "$B/poll_client" ]; then
        "${RUN[@]}" "$B/poll" -f "$M" >"$B/poll.log" 2>"$B/poll.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" && (cd "$M" && timeout 10 "$B/poll_client" >"$B/poll.out" 2>&1) &&
           [ -s "$B/poll.out" ]; then
            pass "$ver poll: poll_client saw $(wc -c <"$B/poll.out") bytes of events"
        else
            fail "$ver poll" "$(head -2 "$B/poll.out" | tr '\n' ' ')"
        fi
        umount "$M" 2>/dev/null; wait_gone "$P"
    fi
    # the passthrough file systems under libfuse's test_syscalls
    [ -x "$B/test_syscalls" ] || continue
    for ex in passthrough passthrough_fh passthrough_ll; do
        [ -x "$B/$ex" ] || continue
        SRCD=$T/src_${ex}_$ver; mkdir -p "$SRCD"
        if [ $ex = passthrough_ll ]; then
            "${RUN[@]}" "$B/$ex" -f -o source="$SRCD" "$M" 2>"$B/$ex.err" &
            tdir=$M; real=$SRCD
        else
            "${RUN[@]}" "$B/$ex" -f -o allow_other "$M" 2>"$B/$ex.err" &
            tdir=$M$SRCD; real=$SRCD
        fi
        P=$!; PIDS="$PIDS $P"
        if ! wait_mounted "$M"; then
            fail "$ver $ex: mounts" "$(head -2 "$B/$ex.err" | tr '\n' ' ')"
            continue
        fi
        timeout 300 "$B/test_syscalls" "$tdir" ":$real" >"$B/ts_$ex.out" 2>&1
        rc=$?
        nok=$(grep -c ' OK$' "$B/ts_$ex.out")
        if [ $rc = 0 ]; then
            pass "$ver $ex: test_syscalls passes ($nok OK)"
        else
            fail "$ver $ex: test_syscalls" "rc $rc, $nok OK; $(grep -v 'START$\| OK$' "$B/ts_$ex.out" | head -3 | tr '\n' ' ')"
        fi
        umount "$M" 2>/dev/null; wait_gone "$P"
    done
done
exit 0
