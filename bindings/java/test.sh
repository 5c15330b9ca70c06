#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bindings/java/test.sh [BUILDDIR]: the binding's JUnit 4 tests (one
# PASS:/FAIL: line each, through tests/Runner.java), then fsp-tests against
# bindings/java/memfs.  Needs bindings/java/build.sh to have run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
out=$build/bindings/java
if ! command -v java >/dev/null || [ ! -f "$out/fsp.jar" ]; then
    echo "SKIP: java_binding: not built (no JDK, or run make bindings)"
    exit 0
fi
junit=/usr/share/java/junit4.jar
if [ -f $junit ] && [ -f "$out/tests/Runner.class" ]; then
    timeout -k 5 180 java -XX:-UsePerfData -Dfsp.jni="$out/libfspjni.so" -Dfsp.build="$build" \
        -cp "$out/fsp.jar:$out/examples.jar:$out/tests:$junit:/usr/share/java/hamcrest-core.jar" \
        Runner BindingTest WindowsTest SidMapperTest 2>"$out/junit.err" | grep -E '^(PASS|FAIL|SKIP): '
    grep -q . "$out/junit.err" &&
        grep -E 'FATAL|SIGSEGV|hs_err' "$out/junit.err" | sed 's/^/  | /' | head -5
else
    echo "SKIP: java_junit: no $junit (apt-get install junit4)"
fi

# fsp-tests against the Java memfs in every configuration bm_all runs
# (tests/lib/binding_memfs.sh), as for every binding.
export FSP_BUILD=$build
# shellcheck source=tests/lib/binding_memfs.sh
. "$root/tests/lib/binding_memfs.sh"
bm_init java_memfs "$build/fsp-tests"
# A shorter exerciser run, as for Python.
BM_EXERCISE_OPS=5000 bm_all "$here/memfs"
