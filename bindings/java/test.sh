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
    timeout -k 5 180 java -Dfsp.jni="$out/libfspjni.so" -Dfsp.build="$build" \
        -cp "$out/fsp.jar:$out/examples.jar:$out/tests:$junit:/usr/share/java/hamcrest-core.jar" \
        Runner BindingTest WindowsTest 2>"$out/junit.err" | grep -E '^(PASS|FAIL|SKIP): '
    grep -q . "$out/junit.err" &&
        grep -E 'FATAL|SIGSEGV|hs_err' "$out/junit.err" | sed 's/^/  | /' | head -5
else
    echo "SKIP: java_junit: no $junit (apt-get install junit4)"
fi

# fsp-tests against the Java memfs (tests/lib/binding_memfs.sh), with the
# configurations and declarations of the Python one (see
# bindings/python/test.sh).
export FSP_BUILD=$build
# shellcheck source=tests/lib/binding_memfs.sh
. "$root/tests/lib/binding_memfs.sh"
bm_init java_memfs "$build/fsp-tests"
memfs=$here/memfs
atime="time_atime_relatime=atime of cached reads: the kernel keeps none for FUSE; checked on memfs -C"
acl="acl_=POSIX ACLs only with memfs -A; checked there"
bm_run plain 600 "$memfs" -- -x "$atime" -x "$acl" {}
bm_run C 120 "$memfs" -C -- {} time_atime_relatime
bm_run A 300 "$memfs" -A -- {} acl_
bm_run S 300 "$memfs" -S -- {} file_ mmap_ space_
bm_run W 600 "$memfs" -W -- -x "$atime" -x "$acl" {}
BM_EXERCISE_OPS=5000 bm_exercise data "$build/fsp-exerciser" "$memfs"
