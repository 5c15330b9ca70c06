#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What libfuse's own programs and utilities rely on (issue 13), each on
# fsp's libfuse3.so.3 (fsp3), fsp's libfuse3.so.4 (fsp4) and Debian's
# libfuse 3.14 (deb), with the same program and the same checks:
#
#   regfile    a file system mounted on a regular file (tests/compat/
#              onefile_hl.c; libfuse's null example does this)
#   seekdir    seekdir back to telldir offsets after reading to the end,
#              in a high-level file system that pages by offsets
#              (examples/passthrough_hl.c; tests/compat/seekdir.c)
#   debug      -d prints libfuse's trace: "unique: N, opcode: NAME (N),
#              nodeid: N, insize: N, pid: N" (3.18: "dev unique: ...")
#              and "   unique: N, success|error: -N (text), outsize: N"
#   mount.fuse3 -o drop_privileges (fsp3, deb: Debian 12's mount.fuse3
#              links libfuse3.so.3): fuse_open_channel mounts, the program
#              serves /dev/fd/N without capabilities
#   mount -t fuse.PROGRAM, with drop_privileges and with setuid=USER
#              (user fsp13u), the program linked to the library by rpath
#
# Usage: tests/compat/gaps.sh [BUILDDIR]    (as root)
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" 2>/dev/null && pwd) || BUILD=${1:-$ROOT/build}
MA=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
DEBLIB=/lib/$MA/libfuse3.so.3
USER13=fsp13u
LINK=/usr/local/sbin/fsp13pt

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-}"; }
skip() { echo "SKIP: $1: $2"; }

if [ "$(id -u)" -ne 0 ]; then skip gaps "needs root (mount.fuse3, a test user)"; exit 0; fi
fuse_mode=$(stat -c %a /dev/fuse)
T=$(mktemp -d /tmp/fsp13gaps.XXXXXX)
chmod 755 "$T"
PIDS=""
made_user=0
cleanup() {
    local m p
    for m in $(awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$m" 2>/dev/null
    done
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    [ -L "$LINK" ] && rm -f "$LINK"
    [ $made_user = 1 ] && userdel "$USER13" 2>/dev/null
    chmod "$fuse_mode" /dev/fuse
    rm -rf "$T"
}
trap cleanup EXIT

SANFLAGS=""
if ldd "$BUILD/compat/libfuse3.so.3" 2>/dev/null | grep -q libasan; then
    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
    export ASAN_OPTIONS=detect_leaks=0
fi
# cflags VARIANT: how to build against it
cflags() {
    case $1 in
        fsp3) PKG_CONFIG_PATH=$BUILD/pkgconfig pkg-config --cflags --libs fuse3-314
              echo "$SANFLAGS -Wl,-rpath,$BUILD/compat" ;;
        fsp4) PKG_CONFIG_PATH=$BUILD/pkgconfig pkg-config --cflags --libs fuse3
              echo "$SANFLAGS -Wl,-rpath,$BUILD/compat" ;;
        deb)  echo "-I/usr/include/fuse3 -lfuse3" ;;
    esac
}
libof() {
    case $1 in
        fsp3) echo "$BUILD/compat/libfuse3.so.3" ;;
        fsp4) echo "$BUILD/compat/libfuse3.so.4" ;;
        deb)  echo "$DEBLIB" ;;
    esac
}
VARIANTS="fsp3 fsp4"
if [ -f /usr/include/fuse3/fuse.h ] && [ -f "$DEBLIB" ] && [ -z "$SANFLAGS" ]; then
    VARIANTS="$VARIANTS deb"
else
    skip "gaps on Debian's libfuse3" "libfuse3-dev missing or a sanitizer build"
fi
build() { # VARIANT NAME SOURCE
    # shellcheck disable=SC2046
    cc -Wall -Wextra -o "$T/$2_$1" "$3" $(cflags "$1") 2>"$T/cc.err" ||
        { fail "$2 builds for $1" "$(head -2 "$T/cc.err" | tr '\n' ' ')"; return 1; }
}
wait_mounted() { # by /proc/mounts: root may not stat a user's mount
    local i
    for i in $(seq 1 100); do
        awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts && return 0
        sleep 0.1
    done
    return 1
}
wait_gone() {
    local i
    for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}
maps_is() { grep -q "$(readlink -f "$2")" "/proc/$1/maps" 2>/dev/null; }
pid_of() { pgrep -n -f "$1"; }

cc -Wall -Wextra -o "$T/seekdir" "$ROOT/tests/compat/seekdir.c" || { fail "seekdir.c builds"; exit 1; }
SRC=$T/src
mkdir -p "$SRC"
for i in $(seq 1 40); do echo "$i" > "$SRC/file_$i"; done
mkdir -p "$SRC/sub"

for v in $VARIANTS; do
    lib=$(libof "$v")
    # ---- regfile ----
    if build "$v" onefile "$ROOT/tests/compat/onefile_hl.c"; then
        F=$T/file_$v; echo "underneath" > "$F"
        "$T/onefile_$v" -f "$F" 2>"$T/onefile_$v.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$F" && [ "$(cat "$F")" = "one file, mounted on a file" ] &&
           [ "$(stat -c %F "$F")" = "regular file" ] && maps_is "$P" "$lib"; then
            pass "regfile ($v): mounted on a regular file, reads its text"
        else
            fail "regfile ($v)" "$(head -2 "$T/onefile_$v.err" | tr '\n' ' ')"
        fi
        umount "$F" 2>/dev/null; wait_gone "$P"
    fi
    # ---- seekdir, and -d (both with passthrough_hl) ----
    build "$v" pt "$ROOT/examples/passthrough_hl.c" || continue
    M=$T/m_$v; mkdir -p "$M"
    "$T/pt_$v" -f "$SRC" "$M" 2>"$T/pt_$v.err" &
    P=$!; PIDS="$PIDS $P"
    if wait_mounted "$M"; then
        if out=$("$T/seekdir" "$M" 2>&1); then pass "seekdir ($v): $out"
        else fail "seekdir ($v)" "$out"; fi
        umount "$M"; wait_gone "$P"
    else
        fail "seekdir ($v): mounts" "$(head -2 "$T/pt_$v.err" | tr '\n' ' ')"
    fi
    "$T/pt_$v" -d "$SRC" "$M" 2>"$T/debug_$v.log" &
    P=$!; PIDS="$PIDS $P"
    if wait_mounted "$M"; then
        ls "$M" >/dev/null; cat "$M/file_1" >/dev/null; cat "$M/nonexistent" 2>/dev/null
        umount "$M"; wait_gone "$P"
        # every request line and every reply line in libfuse's format
        req='^(dev |cqe )?unique: [0-9]+, opcode: [A-Z0-9_?]+ \([0-9]+\), nodeid: [0-9]+, insize: [0-9]+, pid: [0-9]+$'
        ok='^   unique: [0-9]+, success, outsize: [0-9]+$'
        err='^   unique: [0-9]+, error: -[0-9]+ \([^)]*\), outsize: 16$'
        nreq=$(grep -Ec "$req" "$T/debug_$v.log")
        nok=$(grep -Ec "$ok" "$T/debug_$v.log")
        nerr=$(grep -Ec "$err" "$T/debug_$v.log")
        bad=$(grep -E 'unique' "$T/debug_$v.log" | grep -Ev "$req|$ok|$err" | head -2)
        enoent=$(grep -Ec '^   unique: [0-9]+, error: -2 \(No such file or directory\), outsize: 16$' "$T/debug_$v.log")
        lookup=$(grep -Ec 'opcode: LOOKUP \(1\), nodeid: 1,' "$T/debug_$v.log")
        if [ -z "$bad" ] && [ "$nreq" -ge 5 ] && [ "$nok" -ge 4 ] && [ "$enoent" -ge 1 ] &&
           [ "$lookup" -ge 1 ] && ! grep -q '^fsp: [-<]' "$T/debug_$v.log"; then
            pass "debug ($v): -d prints libfuse's trace ($nreq requests, $nok successes, $nerr errors)"
        else
            fail "debug ($v)" "req $nreq ok $nok err $nerr enoent $enoent lookup $lookup; $bad"
        fi
    else
        fail "debug ($v): mounts" "$(head -2 "$T/debug_$v.log" | tr '\n' ' ')"
    fi
done

# ---- mount.fuse3 and mount -t fuse.PROGRAM ---------------------------------------
if ! command -v mount.fuse3 >/dev/null; then
    skip "mount.fuse3" "not installed (fuse3)"
    exit 0
fi
caps_zero() { grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$1/status"; }
mounted_pt() { # VARIANT MOUNTPOINT NAME [PROCESS]: the program serving it, checked
    local v=$1 m=$2 name=$3 p
    if ! wait_mounted "$m"; then fail "$name ($v): mounts" "$(tail -2 "$T/mf.err" | tr '\n' ' ')"; return 1; fi
    p=$(pid_of "${4:-$T/pt_$v}")
    if [ -z "$p" ]; then fail "$name ($v): serves" "no process; $(tail -2 "$T/mf.err" | tr '\n' ' ')"; umount -l "$m"; return 1; fi
    PIDS="$PIDS $p"
    P=$p
    # a user's mount without allow_other is the user's alone
    [ "$("${AS[@]}" ls "$m" | wc -l)" = 41 ] &&
        [ "$("${AS[@]}" cat "$m/file_7")" = 7 ] && maps_is "$p" "$(libof "$v")"
}
AS=(env)
for v in $VARIANTS; do
    [ "$v" = fsp4 ] && continue   # Debian 12's mount.fuse3 links libfuse3.so.3
    [ -x "$T/pt_$v" ] || continue
    M=$T/mf_$v; mkdir -p "$M"
    # mount.fuse3 itself on this variant's library too (fuse_open_channel)
    if [ "$v" = fsp3 ]; then pre=(env LD_LIBRARY_PATH="$BUILD/compat"); else pre=(env); fi
    # Debian's mount.fuse3 on a sanitizer build of the library needs the runtime first
    [ -n "$SANFLAGS" ] && [ "$v" = fsp3 ] && pre+=(LD_PRELOAD="$(cc -print-file-name=libasan.so)")
    "${pre[@]}" mount.fuse3 "$T/pt_$v#$SRC" "$M" -o drop_privileges >"$T/mf.err" 2>&1
    if mounted_pt "$v" "$M" "mount.fuse3 drop_privileges"; then
        if caps_zero "$P" && grep -q " $M fuse\." /proc/mounts; then
            pass "mount.fuse3 -o drop_privileges ($v): the program serves /dev/fd/N without capabilities"
        else
            fail "mount.fuse3 -o drop_privileges ($v)" "$(grep '^Cap' "/proc/$P/status" | tr '\n' ' ')"
        fi
        umount "$M"; wait_gone "$P" || fail "mount.fuse3 ($v): exits after umount" "still running"
    fi
done

ln -sf /nonexistent "$LINK" && rm -f "$LINK"
if ! id "$USER13" >/dev/null 2>&1; then
    useradd -M -d /nonexistent -s /bin/sh "$USER13" && made_user=1
fi
# Users mount through fusermount3, which opens /dev/fuse as the user:
# Debian's mode (0666) for the run, as tests/usermount.sh does.
chmod 0666 /dev/fuse
for v in $VARIANTS; do
    [ -x "$T/pt_$v" ] || continue
    ln -sf "$T/pt_$v" "$LINK"
    M=$T/mt_$v; mkdir -p "$M"
    mount -t fuse.fsp13pt "$SRC" "$M" -o drop_privileges >"$T/mf.err" 2>&1
    if mounted_pt "$v" "$M" "mount -t fuse.PROGRAM -o drop_privileges" fsp13pt; then
        if caps_zero "$P"; then
            pass "mount -t fuse.PROGRAM -o drop_privileges ($v)"
        else
            fail "mount -t fuse.PROGRAM -o drop_privileges ($v)" "capabilities kept"
        fi
        umount "$M"; wait_gone "$P"
    fi
    if [ $made_user = 1 ] || id "$USER13" >/dev/null 2>&1; then
        M=$T/mu_$v; mkdir -p "$M"; chown "$USER13" "$M"
        mount -t fuse.fsp13pt "$SRC" "$M" -o setuid=$USER13 >"$T/mf.err" 2>&1
        AS=(setpriv --reuid "$USER13" --regid "$USER13" --clear-groups)
        if mounted_pt "$v" "$M" "mount -t fuse.PROGRAM -o setuid=USER" fsp13pt; then
            if [ "$(stat -c %U "/proc/$P")" = "$USER13" ]; then
                pass "mount -t fuse.PROGRAM -o setuid=$USER13 ($v): runs as $USER13, mounted through fusermount3"
            else
                fail "mount -t fuse.PROGRAM -o setuid ($v)" "runs as $(stat -c %U "/proc/$P")"
            fi
            umount "$M"; wait_gone "$P"
        fi
        AS=(env)
    fi
done
exit 0
