#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# libfuse3.so.4 (libfuse 3.18's ABI, issue 13): symbols, versions, layouts,
# and programs built against fuse3.pc using what 3.17 and 3.18 added.
#
# Usage: tests/compat/abi318.sh [BUILDDIR]
#
# - The exported names and versions equal tests/compat/libfuse318.syms
#   (libfuse 3.18.3's, read off Debian's libfuse3-4 3.18.3-1), the version
#   nodes chain as in libfuse (FUSE_3.17.3 and FUSE_3.18 both after
#   FUSE_3.17), and libfuse3.so.3 still has 3.14's nodes only.
# - tests/compat/abi318_layout.c built against fsp's headers (-std=c11
#   -pedantic -Werror) prints abi318_layout.expected: libfuse 3.18.3's
#   sizes, offsets, bit positions and constants.  With libfuse 3.18's own
#   headers cached (make test-libfuse318 fetches them) it is also built
#   against those and compared.
# - tests/compat/ll318.c (fuse3.pc, FUSE_USE_VERSION 318) on fsp's
#   libfuse3.so.4: versioned fuse_session_new, want_ext folding of a
#   3.14-style want change, fuse_set/get_feature_flag, passthrough
#   (reads of the passthrough file never reach the program), statx
#   (birth time through stat), increment_epoch, -o io_uring
#   (fuse_req_is_uring when the kernel's enable_uring is on), and
#   fuse_set_fail_signal_handlers (SIGSEGV: "Got signal: 11", abort, the
#   mount cleaned up).
# - examples/hello.c and memfs_hl.c (high level: fuse_main and fuse_new
#   are 3.17's versioned calls now) built with fuse3.pc need
#   libfuse3.so.4 and serve through it.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" 2>/dev/null && pwd) || BUILD=${1:-$ROOT/build}
LIB4=$BUILD/compat/libfuse3.so.4
LIB3=$BUILD/compat/libfuse3.so.3
HDR318=${FSP_LIBFUSE318_HEADERS:-/var/cache/fsp-test/libfuse-3.18/usr/include/fuse3}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-}"; }
skip() { echo "SKIP: $1: $2"; }

T=$(mktemp -d /tmp/fsp13abi.XXXXXX)
PIDS=""
cleanup() {
    local m p
    for m in "$T"/m*; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

if [ ! -f "$LIB4" ]; then fail "libfuse3.so.4 built" "$LIB4 missing"; exit 1; fi

# ---- symbols and versions ----------------------------------------------------
soname=$(readelf -d "$LIB4" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = libfuse3.so.4 ]; then pass "soname libfuse3.so.4"
else fail "soname libfuse3.so.4" "$soname"; fi
nm -D --defined-only --with-symbol-versions "$LIB4" | awk '{print $3}' | sort >"$T/ours"
if diff "$ROOT/tests/compat/libfuse318.syms" "$T/ours" >"$T/symdiff"; then
    pass "symbols: all $(wc -l <"$T/ours") names and versions equal libfuse 3.18.3's"
else
    fail "symbols equal libfuse 3.18.3's" "$(grep '^[<>]' "$T/symdiff" | head -6 | tr '\n' ' ')"
fi
nodes() { # LIB: each version node and its parent ("-" for none), one a line
    objdump -p "$1" | awk '/^Version definitions/ { on = 1; next }
        on && /^$/ { exit }
        on && /^[0-9]/ && $2 == "0x00" { if (n != "") print n, p; n = $4; p = "-"; next }
        on && /^[0-9]/ { next }
        on && n != "" { p = $1 }
        END { if (n != "") print n, p }'
}
want_nodes="FUSE_3.0 -
FUSE_3.1 FUSE_3.0
FUSE_3.2 FUSE_3.1
FUSE_3.3 FUSE_3.2
FUSE_3.4 FUSE_3.3
FUSE_3.7 FUSE_3.4
FUSE_3.12 FUSE_3.4
FUSE_3.17 FUSE_3.12
FUSE_3.17.3 FUSE_3.17
FUSE_3.18 FUSE_3.17"
got=$(nodes "$LIB4")
if [ "$got" = "$want_nodes" ]; then pass "version nodes and parents are libfuse 3.18's"
else fail "version nodes and parents" "$(echo "$got" | tr '\n' ',')"; fi
if [ -f "$LIB3" ]; then
    n3=$(nodes "$LIB3" | tail -1)
    d3=$(nm -D --with-symbol-versions "$LIB3" | awk '$3 ~ /^fuse_new@/ { print $3 }' | sort | tr '\n' ' ')
    d4=$(awk '/^fuse_new@/' "$T/ours" | tr '\n' ' ')
    if [ "$n3" = "FUSE_3.12 FUSE_3.4" ] && [ "$d3" = "fuse_new@@FUSE_3.1 fuse_new@FUSE_3.0 " ] &&
       [ "$d4" = "fuse_new@FUSE_3.0 fuse_new@FUSE_3.1 " ]; then
        pass "libfuse3.so.3 keeps 3.14's nodes (fuse_new@@FUSE_3.1); libfuse3.so.4 has no default fuse_new, as 3.18"
    else
        fail "one source, two ABIs" "so.3 last node '$n3', so.3 '$d3', so.4 '$d4'"
    fi
fi

# ---- layouts -------------------------------------------------------------------
if cc -std=c11 -pedantic -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror \
        -I"$ROOT/include/fuse3" -o "$T/lay" "$ROOT/tests/compat/abi318_layout.c" \
        2>"$T/lay.err" && "$T/lay" >"$T/lay.txt"; then
    if diff "$ROOT/tests/compat/abi318_layout.expected" "$T/lay.txt" >"$T/lay.diff"; then
        pass "layouts: $(wc -l <"$T/lay.txt") sizes, offsets, bits and constants equal libfuse 3.18.3's"
    else
        fail "layouts equal libfuse 3.18.3's" "$(grep '^[<>]' "$T/lay.diff" | head -4 | tr '\n' ' ')"
    fi
else
    fail "abi318_layout.c builds against fsp's headers (c11, pedantic)" "$(head -3 "$T/lay.err" | tr '\n' ' ')"
fi
if [ -f "$HDR318/fuse_lowlevel.h" ]; then
    if cc -std=gnu11 -D_FILE_OFFSET_BITS=64 -I"$HDR318" -o "$T/lay318" \
            "$ROOT/tests/compat/abi318_layout.c" 2>"$T/lay318.err" &&
       "$T/lay318" >"$T/lay318.txt" && cmp -s "$T/lay318.txt" "$T/lay.txt"; then
        pass "layouts: the same program against libfuse 3.18's own headers prints the same"
    else
        fail "layouts against libfuse 3.18's headers" "$(head -2 "$T/lay318.err") $(diff "$T/lay318.txt" "$T/lay.txt" | head -3 | tr '\n' ' ')"
    fi
else
    skip "layouts against libfuse 3.18's own headers" "not cached ($HDR318; make test-libfuse318 fetches them)"
fi

# ---- a 3.18 program on fsp's libfuse3.so.4 --------------------------------------
export PKG_CONFIG_PATH=$BUILD/pkgconfig
SANFLAGS=""
if ldd "$LIB4" | grep -q libasan; then
    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
    export ASAN_OPTIONS=detect_leaks=0
fi
# shellcheck disable=SC2046,SC2086
if ! cc $SANFLAGS -Wall -Wextra -Werror -o "$T/ll318" "$ROOT/tests/compat/ll318.c" \
        $(pkg-config --cflags --libs fuse3) 2>"$T/cc.err"; then
    fail "ll318.c builds with pkg-config fuse3" "$(head -3 "$T/cc.err" | tr '\n' ' ')"
    exit 1
fi
if readelf -d "$T/ll318" | grep -q 'NEEDED.*\[libfuse3.so.4\]'; then
    pass "ll318 (pkg-config fuse3) needs libfuse3.so.4"
else
    fail "ll318 needs libfuse3.so.4" "$(readelf -d "$T/ll318" | grep NEEDED | tr '\n' ' ')"
fi

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
head -c 200000 /dev/urandom >"$T/backing"
P=""
start318() { # MOUNTPOINT [OPTIONS...]
    local m=$1
    shift
    mkdir -p "$m"
    LD_LIBRARY_PATH=$BUILD/compat "$T/ll318" "$m" "$T/backing" "$@" 2>"$m.err" &
    P=$!
    PIDS="$PIDS $P"
    wait_mounted "$m"
}
field() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"; }

M=$T/m1
if start318 "$M"; then
    if grep -q "$LIB4" "/proc/$P/maps"; then pass "ll318: maps fsp's libfuse3.so.4"
    else fail "ll318: maps fsp's libfuse3.so.4" "$(grep -o '/[^ ]*libfuse[^ ]*' "/proc/$P/maps" | sort -u)"; fi
    ok=1
    [ "$(cat "$M/f")" = "hello from libfuse 3.18's API" ] || ok=0
    cmp -s "$M/p" "$T/backing" || ok=0
    btime=$(stat -c %W "$M/f")
    cat "$M/stats" >"$T/stats1"
    [ $ok = 1 ] && pass "ll318: reads f and p" || fail "ll318: reads f and p" "content differs"
    if [ "$btime" = 1234567890 ] && [ "$(field "$T/stats1" statx)" -ge 1 ]; then
        pass "ll318: statx handler answers stat's birth time (1234567890)"
    else
        fail "ll318: statx" "btime '$btime', $(cat "$T/stats1")"
    fi
    we=$(field "$T/stats1" want_ext); w=$(field "$T/stats1" want)
    if [ $(( we & 1 )) = 0 ] && [ $(( we & 0xffffffff )) = $(( w )) ] && [ $(( we )) != 0 ]; then
        pass "ll318: conn->want cleared the 3.14 way is folded into want_ext ($we)"
    else
        fail "ll318: want/want_ext" "$(cat "$T/stats1")"
    fi
    if [ "$(field "$T/stats1" set_pt)" = 1 ]; then
        if [ "$(field "$T/stats1" reads_p)" = 0 ] && [ "$(field "$T/stats1" get_pt)" = 1 ]; then
            pass "ll318: fuse_passthrough_open: the kernel reads the backing file, no READ reached the program"
        else
            fail "ll318: passthrough" "$(cat "$T/stats1")"
        fi
    else
        skip "ll318: passthrough" "the kernel does not offer FUSE_PASSTHROUGH ($(cat "$T/stats1"))"
    fi
    ep=$(field "$T/stats1" epoch)
    if [ "$ep" = 0 ] || [ "$ep" = -38 ]; then
        pass "ll318: fuse_lowlevel_notify_increment_epoch returns $ep"
    else
        fail "ll318: increment_epoch" "$ep"
    fi
    # fuse_set_fail_signal_handlers: a crash logs and aborts; the mount goes
    # (a sanitizer's own SEGV handler comes first: then just end it)
    if [ -n "$SANFLAGS" ]; then
        skip "ll318: fail signal handlers" "sanitizer build (its SIGSEGV handler takes precedence)"
        kill "$P"; umount "$M" 2>/dev/null; wait_gone "$P"
    else
    kill -SEGV "$P"
    wait "$P" 2>/dev/null; rc=$?
    gone=1
    for _ in $(seq 1 50); do mountpoint -q "$M" || { gone=0; break; }; sleep 0.1; done
    if grep -q "Got signal: 11" "$M.err" && [ "$rc" = 134 ] && [ $gone = 0 ]; then
        pass "ll318: SIGSEGV with fuse_set_fail_signal_handlers: 'Got signal: 11', abort, mount cleaned up"
    else
        fail "ll318: fail signal handlers" "rc $rc, mounted $gone, $(tail -2 "$M.err" | tr '\n' ' ')"
        umount -l "$M" 2>/dev/null
    fi
    fi
else
    fail "ll318: mounts" "$(head -3 "$M.err" | tr '\n' ' ')"
fi

M=$T/m2
uring=$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null || echo N)
if start318 "$M" -o io_uring -o io_uring_q_depth=8; then
    cat "$M/f" >/dev/null
    cat "$M/stats" >"$T/stats2"
    u=$(field "$T/stats2" uring)
    if [ "$uring" = Y ] && [ "${u:-0}" -ge 1 ]; then
        pass "ll318 -o io_uring: requests come over fsp's io_uring transport (fuse_req_is_uring)"
    elif [ "$uring" != Y ] && [ "${u:-1}" = 0 ]; then
        pass "ll318 -o io_uring: enable_uring is off, served over /dev/fuse"
    else
        fail "ll318 -o io_uring" "enable_uring=$uring, $(cat "$T/stats2")"
    fi
    umount "$M"
    wait_gone "$P" || fail "ll318 -o io_uring: exits after umount" "still running"
else
    fail "ll318 -o io_uring: mounts" "$(head -3 "$M.err" | tr '\n' ' ')"
fi

M=$T/m3
mkdir -p "$M"
LL318_CUSTOM_IO=1 LD_LIBRARY_PATH=$BUILD/compat "$T/ll318" "$M" "$T/backing" 2>"$M.err" &
P=$!; PIDS="$PIDS $P"
if wait_mounted "$M"; then
    [ "$(cat "$M/f")" = "hello from libfuse 3.18's API" ] && cat "$M/stats" >"$T/stats3"
    r=$(field "$T/stats3" io_reads); w=$(field "$T/stats3" io_writes)
    if [ "${r:-0}" -ge 3 ] && [ "${w:-0}" -ge 3 ]; then
        pass "ll318: fuse_open_channel + fuse_session_custom_io (3.17, op_size): served through the program's read/writev ($r reads, $w writes)"
    else
        fail "ll318: custom_io" "$(cat "$T/stats3" 2>/dev/null) $(head -2 "$M.err")"
    fi
    umount "$M"
    wait_gone "$P" || fail "ll318 custom_io: exits after umount" "still running"
else
    fail "ll318: fuse_open_channel + custom_io mounts" "$(head -3 "$M.err" | tr '\n' ' ')"
fi

# ---- the high-level examples, built for 3.18 ------------------------------------
for ex in hello memfs_hl; do
    # shellcheck disable=SC2046,SC2086
    if ! cc $SANFLAGS -Wall -Wextra -Werror -o "$T/$ex" "$ROOT/examples/$ex.c" \
            $(pkg-config --cflags --libs fuse3) 2>"$T/$ex.cc"; then
        fail "$ex builds with pkg-config fuse3 (3.18)" "$(head -3 "$T/$ex.cc" | tr '\n' ' ')"
        continue
    fi
    M=$T/m_$ex; mkdir -p "$M"
    opts=()
    # 3.17's fmask/dmask: 0777 & ~mask for files, for directories
    [ $ex = memfs_hl ] && opts=(-o fmask=0133,dmask=0027)
    LD_LIBRARY_PATH=$BUILD/compat "$T/$ex" -f "${opts[@]}" "$M" 2>"$M.err" &
    P=$!; PIDS="$PIDS $P"
    if ! wait_mounted "$M"; then
        fail "$ex (3.18): mounts" "$(head -3 "$M.err" | tr '\n' ' ')"
        continue
    fi
    if [ $ex = hello ]; then
        ops() { [ "$(cat "$M/hello")" = "Hello World!" ]; }
    else
        ops() { echo data >"$M/a" && mkdir "$M/d" && mv "$M/a" "$M/d/b" &&
                [ "$(cat "$M/d/b")" = data ] &&
                [ "$(stat -c %a "$M/d/b")" = 644 ] && [ "$(stat -c %a "$M/d")" = 750 ] &&
                rm -r "$M/d"; }
    fi
    if ops 2>"$T/ops.err" && grep -q "$LIB4" "/proc/$P/maps" &&
       nm -D --with-symbol-versions "$T/$ex" | grep -Eq 'fuse_main_real_versioned@FUSE_3.17|_fuse_new_31@FUSE_3.17'; then
        pass "$ex (3.18 build: versioned fuse_main/fuse_new${opts[*]:+, ${opts[*]}}) serves through libfuse3.so.4"
    else
        fail "$ex (3.18)" "$(head -2 "$T/ops.err") $(ls -la "$M" "$M/d" 2>&1 | tr '\n' ' ')"
    fi
    umount "$M"
    wait_gone "$P" || fail "$ex (3.18): exits after umount" "still running"
done
exit 0
