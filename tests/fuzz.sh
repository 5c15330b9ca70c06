#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The libFuzzer targets of tests/fuzz/, as tests:
#
#   tests/fuzz.sh [BUILDDIR]      (default build-fuzz; built if missing)
#
# For each target: first its corpus (tests/fuzz/corpus/TARGET/: seeds and
# the inputs that once crashed it) as a regression test, then
# fuzzing from that corpus: in the suite a fixed amount with a fixed seed
# (FUZZ_RUNS, default 200000 inputs, seed FUZZ_SEED or 1), so a commit
# that passed once passes again; with FUZZ_SECONDS set (make fuzz), for
# that long from a random seed, to find what is new.  New inputs go to
# a temporary directory, never into the tree; a crash is kept as
# /tmp/fsp-fuzz-TARGET-crash-* and named in the FAIL line (add it to the
# corpus as regress-NAME once fixed).  One PASS/FAIL line per step.
#
# Environment: FUZZ_SECONDS, FUZZ_RUNS, FUZZ_SEED, FUZZ_TARGETS
# (space-separated subset).
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build-fuzz}
if [ -n "${FUZZ_SECONDS:-}" ]; then
    how=(-max_total_time="$FUZZ_SECONDS") what="${FUZZ_SECONDS}s"
else
    runs=${FUZZ_RUNS:-200000} seed=${FUZZ_SEED:-1}
    how=(-runs="$runs" -seed="$seed" -max_total_time=300) what="$runs inputs, seed $seed"
fi

if ! command -v clang >/dev/null 2>&1; then
    echo "SKIP: fuzz: clang is not installed"
    exit 0
fi
# Always (re)build: make does nothing when the targets are current.
if ! make -s fuzz-build >/tmp/fsp-fuzz-build.$$ 2>&1; then
    tail -20 /tmp/fsp-fuzz-build.$$
    rm -f /tmp/fsp-fuzz-build.$$
    echo "FAIL: fuzz build: make fuzz-build failed (is libclang-rt-14-dev installed?)"
    exit 1
fi
rm -f /tmp/fsp-fuzz-build.$$

work=$(mktemp -d /tmp/fsp-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')}
for t in $targets; do
    bin=$build/fuzz/$t
    corpus=tests/fuzz/corpus/$t
    if [ ! -x "$bin" ]; then
        echo "FAIL: fuzz $t: $bin missing"
        continue
    fi
    # Regression: every corpus file once; -close_fd_mask=1 silences the
    # help texts the option parsers print on stdout.
    if "$bin" -close_fd_mask=1 $(ls -d "$corpus"/* 2>/dev/null) \
            >"$work/$t.regress" 2>&1; then
        echo "PASS: fuzz $t corpus ($(ls "$corpus" | wc -l) inputs)"
    else
        grep -m3 -E 'ERROR|fuzz check failed|Running: ' "$work/$t.regress"
        echo "FAIL: fuzz $t corpus: an input crashes (see above)"
    fi
    mkdir -p "$work/$t"
    if "$bin" -close_fd_mask=1 "${how[@]}" -timeout=10 \
            -rss_limit_mb=2048 -artifact_prefix="/tmp/fsp-fuzz-$t-" \
            "$work/$t" "$corpus" >"$work/$t.log" 2>&1; then
        done_runs=$(grep -oE '^Done [0-9]+ runs' "$work/$t.log" | grep -oE '[0-9]+')
        echo "PASS: fuzz $t $what (${done_runs:-?} runs, no crash)"
    else
        grep -m5 -E 'ERROR|fuzz check failed|SUMMARY' "$work/$t.log"
        crash=$(grep -oE "Test unit written to \S+" "$work/$t.log" | awk '{print $5}')
        echo "FAIL: fuzz $t: crash, input kept in ${crash:-?}"
    fi
done
exit 0
