#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the whole test suite against one or more build directories:
#
#   tests/run.sh BUILDDIR [BUILDDIR...]
#
# For each build dir: every BUILDDIR/tests/test_* unit binary, then the
# integration suite BUILDDIR/tests/fsp-itest, each under timeout.  The
# real-program checks (tests/programs.sh) run for the FIRST build dir only,
# to keep CI time down: they exercise memfs through cp, tar, git, python3
# and sqlite3, and a sanitizer build adds little there for a lot of time.
#
# Output of every binary is shown as it runs; PASS/FAIL/SKIP lines are
# counted, and each group ends with a "--- NAME: counts in T s" line.  A
# binary that exits non-zero or times out counts as one more FAIL.  The
# last line is always "N passed, N failed, N skipped"; exit status 1 if
# any failed.
#
# Environment: FSP_UNIT_TIMEOUT (s, default 300), FSP_ITEST_TIMEOUT (s,
# default 1800), FSP_PROGRAMS_TIMEOUT (s, default 1800), FSP_SOAK=1
# (repeat the integration suite FSP_SOAK_ROUNDS times, default 10).
set -u
cd "$(dirname "$0")/.." || exit 1

if [ $# -eq 0 ]; then
    echo "usage: tests/run.sh BUILDDIR [BUILDDIR...]" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
[ "$(id -u)" -eq 0 ] || echo "note: not root: mounting tests will fail"

passed=0
failed=0
skipped=0
suite_start=$SECONDS
log=$(mktemp /tmp/fsp-run.XXXXXX)
# Each run's output, for tests/arm64.sh to set the emulated counts beside.
export FSP_NATIVE_LOGS
FSP_NATIVE_LOGS=$(mktemp -d /tmp/fsp-run-logs.XXXXXX)
trap 'rm -rf "$log" "$FSP_NATIVE_LOGS"' EXIT

# run NAME SECONDS COMMAND...: show output, count its PASS/FAIL/SKIP lines,
# and close the group with its counts and time.
run() {
    local name=$1 secs=$2 rc p f k start=$SECONDS
    shift 2
    echo "=== $name"
    timeout -k 10 "$secs" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    k=$(grep -c '^SKIP: ' "$log")
    cp "$log" "$FSP_NATIVE_LOGS/$(printf '%s' "$*" | tr -c 'A-Za-z0-9_.-' '_')"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + k))
    echo "--- $name: $p passed, $f failed, $k skipped in $((SECONDS - start)) s" \
         "(suite so far: $passed passed, $failed failed, $((SECONDS - suite_start)) s)"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "FAIL: $name (timed out after $secs s)"
        failed=$((failed + 1))
    elif [ "$rc" -ne 0 ]; then
        echo "FAIL: $name (exit status $rc)"
        failed=$((failed + 1))
    fi
}

first=1
for build in "$@"; do
    build=${build%/}
    echo "##### $build"
    if [ ! -d "$build" ]; then
        echo "FAIL: $build (no such build directory)"
        failed=$((failed + 1))
        continue
    fi
    for t in "$build"/tests/test_*; do
        if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
        case "$t" in *.o | *.d) continue ;; esac
        run "$t" "${FSP_UNIT_TIMEOUT:-300}" "$t"
    done
    if [ -x "$build/tests/fsp-itest" ]; then
        rounds=1
        [ "${FSP_SOAK:-0}" = 1 ] && rounds=${FSP_SOAK_ROUNDS:-10}
        for ((i = 1; i <= rounds; i++)); do
            run "$build/tests/fsp-itest" "${FSP_ITEST_TIMEOUT:-1800}" \
                "$build/tests/fsp-itest"
        done
    else
        echo "FAIL: $build/tests/fsp-itest (missing)"
        failed=$((failed + 1))
    fi
    if [ $first = 1 ]; then
        run "tests/programs.sh $build" "${FSP_PROGRAMS_TIMEOUT:-1800}" \
            tests/programs.sh "$build"
        run "tests/usermount.sh $build" 300 tests/usermount.sh "$build"
        run "tests/firstrun.sh $build" 300 tests/firstrun.sh "$build"
        run "tests/headers.sh" 120 tests/headers.sh
        run "tests/layers.sh $build" 60 tests/layers.sh "$build"
        run "tests/ipc.sh $build" 120 tests/ipc.sh "$build"
        run "tests/memfs_memory.sh $build" 120 tests/memfs_memory.sh "$build"
        run "tests/conformance.sh $build" 600 tests/conformance.sh "$build"
        run "tests/conformance_user.sh $build" 600 tests/conformance_user.sh "$build"
        run "tests/bindings.sh $build" 600 tests/bindings.sh "$build"
        run "tests/access.sh $build" 600 tests/access.sh "$build"
        run "tests/independent.sh $build" 900 tests/independent.sh "$build"
        run "tests/cpython_suite.sh $build" 1500 tests/cpython_suite.sh "$build"
        run "tests/passthrough.sh $build" 600 tests/passthrough.sh "$build"
        run "tests/passthrough_escape.sh $build" 120 tests/passthrough_escape.sh "$build"
        run "tests/launcher.sh $build" 120 tests/launcher.sh "$build"
        run "tests/coherence.sh $build" 120 tests/coherence.sh "$build"
        run "tests/smb.sh $build" 300 tests/smb.sh "$build"
        run "tests/export.sh $build" 120 tests/export.sh "$build"
        run "tests/nfs.sh $build" 300 tests/nfs.sh "$build"
        run "tests/readonly_native.sh $build" 60 tests/readonly_native.sh "$build"
        run "tests/windows_meta.sh $build" 120 tests/windows_meta.sh "$build"
        run "tests/windows_security.sh $build" 120 tests/windows_security.sh "$build"
        run "tests/windows_matrix.sh $build quick" 300 tests/windows_matrix.sh "$build" quick
        run "tests/compat/run.sh $build" 600 tests/compat/run.sh "$build"
        run "tests/compat/readonly.sh $build" 180 tests/compat/readonly.sh "$build"
        run "tests/compat/squashfuse_hl.sh $build" 300 tests/compat/squashfuse_hl.sh "$build"
        run "tests/compat/system_install.sh $build" 120 tests/compat/system_install.sh "$build"
        run "tests/compat/upstream_bindfs.sh $build" 900 tests/compat/upstream_bindfs.sh "$build"
        run "tests/compat/abi318.sh $build" 180 tests/compat/abi318.sh "$build"
        run "tests/compat/trixie.sh $build" 900 tests/compat/trixie.sh "$build"
        run "tests/compat/gaps.sh $build" 180 tests/compat/gaps.sh "$build"
        run "tests/chaos.sh $build" 600 tests/chaos.sh "$build"
        run "tests/uring.sh $build" 1800 tests/uring.sh "$build"
        run "tests/uring_fallback.sh $build" 120 tests/uring_fallback.sh "$build"
        run "tests/install.sh $build" 120 tests/install.sh "$build"
        run "tests/manpages.sh $build" 60 tests/manpages.sh "$build"
        run "tests/spdx_tool.sh" 60 tests/spdx_tool.sh
        run "tools/spdx.sh --check" 60 sh -c 'tools/spdx.sh --check && echo "PASS: spdx_every_file_tagged"'
        run "tests/packages.sh" 900 tests/packages.sh
        run "tests/fuzz.sh" 900 tests/fuzz.sh
        run "tests/arm64.sh $build" 900 tests/arm64.sh "$build"
        run "tests/packages_arm64.sh" 600 tests/packages_arm64.sh
    else
        echo "(the groups from programs.sh on run for the first build dir only)"
    fi
    first=0
done

echo "suite took $((SECONDS - suite_start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
