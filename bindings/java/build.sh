#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bindings/java/build.sh [BUILDDIR]: the Java binding into BUILDDIR/bindings/java:
#   libfspjni.so    the JNI library (C; built by the Makefile's rule)
#   fsp.jar         the org.fsp classes (javac + jar, nothing downloaded)
#   examples.jar    Hello and MemFs (bindings/java/memfs runs MemFs)
#   tests/          the test classes (bindings/java/test.sh)
# Exit 0 with a reason when no JDK 17+ is installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
javac=$(command -v javac)
if [ -z "$javac" ]; then
    echo "bindings/java: skipped: no javac (apt-get install openjdk-17-jdk-headless)"
    exit 0
fi
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(realpath "$javac")")")}
if [ ! -f "$jdk/include/jni.h" ]; then
    echo "bindings/java: skipped: no jni.h under $jdk"
    exit 0
fi
out=$build/bindings/java
mkdir -p "$out"
rel=${build#"$root"/}
make -s -C "$root" BUILD="$rel" JDK="$jdk" "$rel/bindings/java/libfspjni.so" || exit 1
rm -rf "$out/classes" "$out/examples" "$out/tests"
mkdir -p "$out/classes" "$out/examples" "$out/tests"
"$jdk/bin/javac" -J-XX:-UsePerfData --release 17 -Xlint:all -Werror -d "$out/classes" \
    "$here"/src/org/fsp/*.java || exit 1
"$jdk/bin/jar" -J-XX:-UsePerfData --create --file "$out/fsp.jar" -C "$out/classes" . || exit 1
"$jdk/bin/javac" -J-XX:-UsePerfData --release 17 -Xlint:all -Werror -cp "$out/fsp.jar" \
    -d "$out/examples" "$here"/examples/*.java || exit 1
"$jdk/bin/jar" -J-XX:-UsePerfData --create --file "$out/examples.jar" -C "$out/examples" . || exit 1
junit=/usr/share/java/junit4.jar
if [ -f $junit ]; then
    "$jdk/bin/javac" -J-XX:-UsePerfData --release 17 -Xlint:all -Werror \
        -cp "$out/fsp.jar:$out/examples.jar:$junit" -d "$out/tests" \
        "$here"/tests/*.java || exit 1
fi
echo "bindings/java: ok ($out/fsp.jar, libfspjni.so; bindings/java/memfs ready)"
