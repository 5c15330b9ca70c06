#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp as aarch64 code on an x86_64 machine (issue 18, docs/arm64.md):
#
#   tests/arm64.sh [NATIVE_BUILDDIR]        (default build)
#
# 1. cross-builds everything (`make arm64`: library, memfs, passthrough,
#    tools, libfuse3/libfuse2 compat libraries, test programs) with
#    Debian's aarch64 toolchain into $FSP_ARM64_BUILD (build-arm64),
#    warning-free, and checks that every ELF file in it is aarch64;
# 2. compares the libfuse 3 and 2 struct layouts of fsp's headers with
#    Debian's, both compiled for aarch64 and run emulated;
# 3. runs the suite's portable part as aarch64 code under qemu-user
#    through binfmt_misc, mounting through the real kernel: the unit
#    tests, fsp-itest, conformance.sh, programs.sh and passthrough.sh;
# 4. prints each suite's counts beside the native ones and fails a suite
#    if a case that passes natively does not pass emulated (or SKIP with
#    an emulator's reason: what qemu-user cannot carry, docs/arm64.md).
#
# Native results come from tests/run.sh's logs ($FSP_NATIVE_LOGS) when
# run from there; otherwise the native suites run here too.  Lines:
# "PASS|FAIL|SKIP: arm64_<case>".  Needs root (mounts, binfmt_misc) and
# tests/deps.sh's cross packages; binfmt_misc is mounted, enabled and an
# aarch64 entry registered only if missing, and put back on exit.
# Always exits 0: tests/run.sh counts the lines.
#
# FSP_ARM64_SAN=asan: an ASan+UBSan aarch64 build (build-arm64-asan),
# only the unit tests and fsp-itest, with ASAN_OPTIONS=detect_leaks=0
# (LeakSanitizer needs ptrace, which qemu-user does not give it); the
# native build compared with may be any (make test-arm64-asan: build/).
set -u
cd "$(dirname "$0")/.." || exit 1
native=${1:-build}
native=${native%/}
san=${FSP_ARM64_SAN:-}
a64=${FSP_ARM64_BUILD:-build-arm64${san:+-$san}}
a64=${a64%/}
step_timeout=${FSP_ARM64_STEP_TIMEOUT:-$([ -n "${FSP_ARM64_SAN:-}" ] && echo 1800 || echo 900)}
. tests/emulated.sh

# shellcheck source=tests/lib/debian.sh
. tests/lib/debian.sh
tmp=$(mktemp -d /tmp/fsp-arm64.XXXXXX)

pass() { echo "PASS: arm64_$1"; }
fail() { echo "FAIL: arm64_$1: $2"; }
skip() { echo "SKIP: arm64_$1: $2"; }

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    binfmt_undo
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- what it needs ------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    skip all "needs root (binfmt_misc, mounts)"
    exit 0
fi
missing=""
for c in aarch64-linux-gnu-gcc aarch64-linux-gnu-ar aarch64-linux-gnu-objcopy \
         qemu-aarch64-static file; do
    command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
[ -e /usr/lib/aarch64-linux-gnu/liburing.so ] || missing="$missing liburing-dev:arm64"
[ -e /lib/ld-linux-aarch64.so.1 ] || missing="$missing libc6:arm64"
if [ -n "$missing" ]; then
    fail toolchain "missing:$missing (tests/deps.sh installs them)"
    exit 0
fi

# ---- 1. the cross build ---------------------------------------------------
t0=$(date +%s)
# A make above us (make test) must not lend its jobserver or variables.
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 WERROR=1 \
        ${san:+SAN=$san} ARM64_BUILD="$a64" arm64 >"$tmp/build.log" 2>&1; then
    pass "build${san:+_$san} ($(( $(date +%s) - t0 )) s, warning-free with -Werror)"
else
    fail build "make arm64 failed:"
    tail -n 30 "$tmp/build.log" | sed 's/^/  | /'
    exit 0
fi

# Every ELF file the build made must be aarch64 (`file`, as a user would).
find "$a64" -type f ! -name '*.d' ! -name '*.pc' -print0 |
    xargs -0 file -N -F ' ::' > "$tmp/file.txt"
elf=$(grep -c ' :: ELF' "$tmp/file.txt")
wrong=$(grep ' :: ELF' "$tmp/file.txt" | grep -v 'ARM aarch64')
exe=$(grep ' :: ELF' "$tmp/file.txt" | grep -c 'executable')
so=$(grep ' :: ELF' "$tmp/file.txt" | grep -c 'shared object')
if [ "$elf" -gt 0 ] && [ -z "$wrong" ]; then
    pass "elf_all_aarch64 ($elf ELF files: $exe executables, $so shared libraries, the rest objects)"
    grep ' :: ELF' "$tmp/file.txt" | grep -v 'relocatable' |
        sed "s|^$a64/||; s| :: |: |; s|, BuildID[^,]*||; s|, with debug_info, not stripped||" |
        sed 's/^/  /'
else
    fail elf_all_aarch64 "not aarch64: ${wrong:-no ELF files at all}"
fi

# ---- binfmt_misc: aarch64 ELF files run through qemu-user -----------------
# Debian's qemu-user-static entry is used when there; otherwise one like
# it is made for this run.
runs_aarch64() { "$a64/fsptool" >/dev/null 2>&1; [ $? -ne 126 ]; }
if ! binfmt_aarch64 runs_aarch64; then
    fail binfmt "aarch64 programs do not run here (binfmt_misc: $(cat "$BINFMT/status" 2>&1))"
    exit 0
fi
pass "binfmt ($(fsp_emulated "$a64/memfs" && echo "$FSP_EMULATOR"), $(qemu-aarch64-static --version | head -1 | awk '{print $3}'))"

# ---- 2. libfuse ABI layouts for aarch64 ----------------------------------
# tests/compat/abi_layout.c and abi2_layout.c print every size, offset
# and bit; fsp's headers must give Debian's numbers on aarch64 as well.
abi() { # abi NAME SOURCE FSP_INCLUDE DEBIAN_INCLUDE
    local out=$tmp/abi_$1
    if [ ! -d "$4" ]; then
        skip "abi_$1" "$4 not installed"
        return
    fi
    if aarch64-linux-gnu-gcc -std=c11 -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror \
            -I"$3" -o "$out.fsp" "$2" 2>"$out.err" &&
       aarch64-linux-gnu-gcc -std=gnu11 -D_FILE_OFFSET_BITS=64 \
            -I"$4" -o "$out.deb" "$2" 2>>"$out.err" &&
       "$out.fsp" >"$out.fsp.txt" && "$out.deb" >"$out.deb.txt" &&
       cmp -s "$out.fsp.txt" "$out.deb.txt"; then
        pass "abi_$1 (aarch64: $(wc -l <"$out.fsp.txt") sizes, offsets and bits equal Debian's)"
    else
        fail "abi_$1" "aarch64 layouts differ from Debian's: $(diff "$out.fsp.txt" "$out.deb.txt" 2>&1 | head -5 | tr '\n' ' ') $(head -3 "$out.err")"
    fi
}
abi fuse3_layout tests/compat/abi_layout.c include/fuse3 /usr/include/fuse3
abi fuse2_layout tests/compat/abi2_layout.c include/fuse /usr/include/fuse

# ---- 3. the portable suites, emulated and native --------------------------
# key NAME: tests/run.sh's file name for the log of the run called NAME.
key() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '_'; }

# suite LABEL NATIVE_CMD... -- EMULATED_CMD...: runs both (the native one
# only if tests/run.sh has no log of it) and compares them case by case.
rows=""
suite() {
    local label=$1 ncmd=() ecmd=() t1 t2 nlog elog
    shift
    while [ "$1" != -- ]; do ncmd+=("$1"); shift; done
    shift
    ecmd=("$@")
    nlog=${FSP_NATIVE_LOGS:-/nonexistent}/$(key "${ncmd[*]}")
    if [ ! -f "$nlog" ]; then
        nlog=$tmp/native.$(key "$label")
        timeout -k 10 "$step_timeout" "${ncmd[@]}" >"$nlog" 2>&1
    fi
    elog=$tmp/emulated.$(key "$label")
    t1=$(date +%s)
    "${emu_env[@]}" timeout -k 10 "$step_timeout" "${ecmd[@]}" >"$elog" 2>&1
    local rc=$?
    t2=$(date +%s)
    # The emulated run's output, its lines renamed to count as this group's.
    sed 's/^\(PASS\|FAIL\|SKIP\): /\1: arm64_/' "$elog"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        fail "$label" "timed out after $step_timeout s"
    elif [ $rc -ne 0 ]; then
        fail "$label" "exit status $rc"
    fi
    # Every case that passes natively passes emulated, or SKIPs for the
    # emulator's sake (its reason names qemu).
    local bad
    bad=$(awk '
        FNR == NR { if (match($0, /^PASS: [^ :]+/)) np[substr($0, 7, RLENGTH - 6)] = 1; next }
        match($0, /^(PASS|FAIL|SKIP): [^ :]+/) {
            n = substr($0, 7, RLENGTH - 6); st[n] = substr($0, 1, 4)
            if (st[n] == "SKIP" && $0 !~ /qemu/) st[n] = "SKIP (not the emulator)"
        }
        END {
            for (n in np)
                if (!(n in st)) print n ": missing"
                else if (st[n] != "PASS" && st[n] != "SKIP") print n ": " st[n]
        }' "$nlog" "$elog" | sort | head -10)
    if [ -z "$bad" ]; then
        pass "${label}_matches_native"
    else
        fail "${label}_matches_native" "passed natively, not emulated: $(echo "$bad" | tr '\n' ';')"
    fi
    rows="$rows$(printf '%-22s %5s %5s %5s   %5s %5s %5s   %4s s' "$label" \
        "$(grep -c '^PASS: ' "$nlog")" "$(grep -c '^FAIL: ' "$nlog")" "$(grep -c '^SKIP: ' "$nlog")" \
        "$(grep -c '^PASS: ' "$elog")" "$(grep -c '^FAIL: ' "$elog")" "$(grep -c '^SKIP: ' "$elog")" \
        "$((t2 - t1))")
"
}

# An emulated memfs starts slower than fsp-itest's 10 s allow under load
# (an ASan one maps its shadow memory through qemu): a minute then.
emu_env=(env FSP_ITEST_MOUNT_S="${FSP_ITEST_MOUNT_S:-60}")
if [ -n "$san" ]; then
    emu_env+=("ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}")
    skip "${san}_suites" "with $san only the unit tests and fsp-itest run emulated (time)"
fi
t_suites=$(date +%s)
for t in "$a64"/tests/test_*; do
    if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
    n=${t##*/}
    if [ ! -x "$native/tests/$n" ]; then
        fail "$n" "$native/tests/$n is not built (make all first)"
        continue
    fi
    suite "$n" "$native/tests/$n" -- "$t"
done
suite fsp-itest "$native/tests/fsp-itest" -- "$a64/tests/fsp-itest"
if [ -z "$san" ]; then
    suite conformance.sh tests/conformance.sh "$native" -- tests/conformance.sh "$a64"
    suite programs.sh tests/programs.sh "$native" -- tests/programs.sh "$a64"
    suite passthrough.sh tests/passthrough.sh "$native" -- tests/passthrough.sh "$a64"
fi

echo "--- native ($native, $(uname -m)) beside emulated ($a64, aarch64 under qemu-user${san:+, $san})"
printf '%-22s %5s %5s %5s   %5s %5s %5s   %6s\n' suite pass fail skip pass fail skip emulated
printf '%s' "$rows"
echo "(emulated suites: $(( $(date +%s) - t_suites )) s; not run emulated, and why: docs/arm64.md)"
exit 0
