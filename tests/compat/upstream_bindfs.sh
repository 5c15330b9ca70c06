#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A FUSE program built from source against fsp's headers, checked by its
# own upstream test suite: Debian 12's bindfs source package, configured
# with PKG_CONFIG_PATH pointing at fsp's fuse.pc (so it compiles against
# include/fuse and links build/compat/libfuse.so.2), then bindfs's
# tests/test_bindfs.rb run once on fsp's libfuse.so.2 and once, same
# binary, on Debian's.  The bar is Debian's: every test case that passes
# there must pass on fsp.
#
#   tests/compat/upstream_bindfs.sh BUILDDIR
#
# The source comes from Debian's archive through apt (a private deb-src
# list, nothing changed in /etc/apt).  PASS/FAIL/SKIP lines; exits 0.
set -u
build=${1:-build}
build=${build%/}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/$build
# Debian's libraries live under the machine's multiarch triplet
# (x86_64-linux-gnu, aarch64-linux-gnu, ...), not one written in here.
MULTIARCH=${MULTIARCH:-$(gcc -print-multiarch 2>/dev/null)}
MULTIARCH=${MULTIARCH:-$(uname -m)-linux-gnu}
T=$(mktemp -d /tmp/fsp-bindfs-src.XXXXXX)
pass() { echo "PASS: upstream_bindfs: $1"; }
fail() { echo "FAIL: upstream_bindfs: $1${2:+: $2}"; }
skip() { echo "SKIP: upstream_bindfs: $1"; }
cleanup() {
    grep " $T/" /proc/mounts | awk '{ print $2 }' | while read -r m; do umount -l "$m"; done
    rm -rf "$T"
}
trap cleanup EXIT

case "$build" in *asan* | *tsan*)
    # The suite starts bindfs itself; a sanitizer library would need its
    # runtime preloaded into every one of them.
    skip "not with sanitizer builds"; exit 0 ;;
esac
for c in ruby sudo cc make; do
    command -v "$c" >/dev/null || { fail "$c missing (tests/deps.sh installs it)"; exit 0; }
done

# Debian's source, without touching the system's apt configuration.
mkdir -p "$T/apt/etc" "$T/apt/lists/partial"
cat > "$T/apt/etc/src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_o=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$T/apt/etc"
       -o "Dir::State::Lists=$T/apt/lists")
# Only the upstream tarball is needed; the mirror may lack Debian's own
# patch file (seen: a 404 for the .diff.gz), which apt reports as failure.
(cd "$T" && apt-get "${apt_o[@]}" update -qq &&
    apt-get "${apt_o[@]}" source --download-only -qq bindfs) >"$T/fetch.log" 2>&1
if ! ls "$T"/bindfs_*.orig.tar.gz >/dev/null 2>&1; then
    fail "fetching Debian's bindfs source" "$(tail -2 "$T/fetch.log" | tr '\n' ' ')"
    exit 0
fi
tar -xzf "$T"/bindfs_*.orig.tar.gz -C "$T" || { fail "unpacking the source"; exit 0; }
src=$(echo "$T"/bindfs-*/)
src=${src%/}

if (cd "$src" && PKG_CONFIG_PATH=$BUILD/pkgconfig ./configure -q &&
    make -s -j2) >"$T/build.log" 2>&1 &&
   grep -q -- "-I$ROOT/include/fuse" "$src/src/Makefile"; then
    pass "bindfs $(basename "$src" | cut -d- -f2) builds from source against fsp's include/fuse (pkg-config fuse)"
else
    fail "building from source against fsp's headers" "$(tail -3 "$T/build.log" | tr '\n' ' ')"
    exit 0
fi

# The binary runs on fsp's library when it comes first in the path.
mkdir -p "$T/s" "$T/m"
echo data > "$T/s/f"
LD_LIBRARY_PATH=$BUILD/compat "$src/src/bindfs" -f "$T/s" "$T/m" 2>"$T/run.err" &
pid=$!
for _ in $(seq 100); do grep -q " $T/m " /proc/mounts && break; sleep 0.05; done
if [ "$(cat "$T/m/f" 2>/dev/null)" = data ] &&
   grep -q "$BUILD/compat/libfuse.so.2" "/proc/$pid/maps" &&
   ! grep -q "$MULTIARCH/libfuse" "/proc/$pid/maps"; then
    pass "the built bindfs maps fsp's libfuse.so.2, not Debian's"
else
    fail "the built bindfs on fsp's library" "$(cat "$T/run.err")"
fi
umount "$T/m" 2>/dev/null
wait "$pid" 2>/dev/null

# suite LOG [LD_LIBRARY_PATH]: bindfs's own tests; they need root, sudo
# (to act as nobody) and ruby.
suite() {
    (cd "$src/tests" && env ${2:+LD_LIBRARY_PATH=$2} timeout -k 10 600 \
        ruby test_bindfs.rb) >"$1" 2>&1
}
suite "$T/deb.log" ""
suite "$T/fsp.log" "$BUILD/compat"
deb_ok=$(grep -c '^OK$' "$T/deb.log")
fsp_ok=$(grep -c '^OK$' "$T/fsp.log")
# Test case titles that failed: on Debian's library they are no bar.
failed_on() { grep -o "testcase \`[^']*' failed" "$1" | sort -u; }
new_fail=$(comm -13 <(failed_on "$T/deb.log") <(failed_on "$T/fsp.log"))
if [ "$deb_ok" -gt 50 ] && [ "$fsp_ok" -ge "$deb_ok" ] && [ -z "$new_fail" ]; then
    pass "bindfs's own test suite: $fsp_ok test cases OK on fsp's libfuse.so.2, $deb_ok on Debian's"
else
    fail "bindfs's own test suite" "$fsp_ok OK on fsp, $deb_ok on Debian; failing only on fsp: $new_fail"
fi
exit 0
