#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make install / make uninstall into a staging directory (issue 16):
#
#   tests/install.sh BUILDDIR
#
# Installs with DESTDIR and PREFIX=/usr, checks the file list, the
# soname and links, that libfsp.so exports exactly the functions of the
# installed headers, builds a small program against the staged headers
# through the staged fsp.pc (shared and static) and runs it, checks
# LIBDIR and the default PREFIX, then `make uninstall` must leave no
# file behind.  A few seconds (the programs are built already).
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }

tmp=$(mktemp -d /tmp/fsp-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage

if ! make -s BUILD="$build" install DESTDIR="$stage" PREFIX=/usr >"$tmp/log" 2>&1; then
    fail make_install "$(tail -5 "$tmp/log")"
    exit 1
fi
pass make_install

# The file list: programs, library, headers, pc, then the man pages with
# a link for every other name a page's NAME section gives.
{
    for p in memfs passthrough fsp-tests fsp-bench $(for f in tools/*.c; do basename "$f" .c; done); do
        echo "usr/bin/$p"
    done
    printf '%s\n' usr/lib/libfsp.so.1 usr/lib/libfsp.so usr/lib/libfsp.a \
        usr/lib/pkgconfig/fsp.pc usr/include/fsp/fsp.h usr/include/fsp/names.h usr/include/fsp/security.h
    # the launcher, mount.fsp, the program directory, systemd units
    printf '%s\n' usr/include/fsp/service.h usr/bin/fsp-launchctl usr/sbin/fsp-launcher \
        sbin/mount.fsp usr/libexec/fsp/memfs usr/libexec/fsp/passthrough \
        usr/lib/systemd/system/fsp-launcher.service usr/lib/systemd/system/fsp-launcher.socket \
        usr/lib/systemd/system/fsp@.service
    for page in man/*.[1-8]; do
        sec=${page##*.}
        echo "usr/share/man/man$sec/${page#man/}"
        sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm \([^ ,]*\).*/\1/p' "$page" |
            sed "s|.*|usr/share/man/man$sec/&.$sec|"
    done
} | sort -u >"$tmp/expected"
(cd "$stage" && find . ! -type d | sed 's|^\./||' | sort) >"$tmp/got"
if diff -u "$tmp/expected" "$tmp/got" >"$tmp/diff"; then
    pass "file_list ($(wc -l <"$tmp/got") files)"
else
    fail file_list "$(grep '^[-+][^-+]' "$tmp/diff" | tr '\n' ' ')"
fi

# Man aliases resolve to a page that names them.
bad=""
for l in $(find "$stage/usr/share/man" -type l); do
    target=$(readlink -f "$l")
    name=$(basename "$l"); name=${name%.*}
    grep -q "^\.Nm $name\b" "$target" 2>/dev/null || bad="$bad $l"
done
if [ -z "$bad" ]; then pass man_aliases; else fail man_aliases "dangling or wrong:$bad"; fi

lib=$stage/usr/lib
soname=$(objdump -p "$lib/libfsp.so.1" | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" = libfsp.so.1 ] && [ "$(readlink "$lib/libfsp.so")" = libfsp.so.1 ] &&
   [ ! -L "$lib/libfsp.so.1" ]; then
    pass soname_and_links
else
    fail soname_and_links "soname '$soname', libfsp.so -> '$(readlink "$lib/libfsp.so")'"
fi

# The ABI is what the headers declare: no internal fsp_* leaks out, no
# public function is missing.
nm -D --defined-only "$lib/libfsp.so.1" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
    sort -u >"$tmp/exported"
grep -ho '\bfsp_[a-z0-9_]*(' "$stage"/usr/include/fsp/*.h | tr -d '(' | sort -u >"$tmp/declared"
if diff -q "$tmp/exported" "$tmp/declared" >/dev/null; then
    pass "exports_are_public_api ($(wc -l <"$tmp/exported") functions)"
else
    fail exports_are_public_api "exported only: $(comm -23 "$tmp/exported" "$tmp/declared" | wc -l) (e.g. $(comm -23 "$tmp/exported" "$tmp/declared" | head -3 | tr '\n' ' ')), declared only: $(comm -13 "$tmp/exported" "$tmp/declared" | tr '\n' ' ')"
fi
if nm -D "$lib/libfsp.so.1" | grep -q ' T fsp_fs_new@@FSP_1.0$'; then
    pass symbol_versions
else
    fail symbol_versions "fsp_fs_new is not fsp_fs_new@@FSP_1.0"
fi

# A program built only from what was installed.
cat >"$tmp/prog.c" <<'PROG'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fsp/fsp.h>
#include <fsp/names.h>

int main(void)
{
    char out[16];
    fsp_fs *fs = NULL;
    struct fsp_volume_params vp;
    struct fsp_fs_interface iface;
    memset(&vp, 0, sizeof vp);
    memset(&iface, 0, sizeof iface);
    /* size 0 describes no members: fsp must refuse it */
    int r = fsp_fs_new(&vp, &iface, NULL, &fs);
    int n = fsp_name_casefold("ABC", out, sizeof out);
    printf("%d %d %s\n", r, n, n > 0 ? out : "");
    return !(r == -EINVAL && n == 3 && strcmp(out, "abc") == 0);
}
PROG
# The staged fsp.pc first, the system's (liburing.pc) after it.
PKG_CONFIG_LIBDIR=$lib/pkgconfig:$(pkg-config --variable pc_path pkg-config)
export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR
cflags=$(pkg-config --cflags fsp 2>"$tmp/pcerr" | sed 's/ *$//')
libs=$(pkg-config --libs fsp 2>>"$tmp/pcerr" | sed 's/ *$//')
if [ "$cflags" = "-I$stage/usr/include" ] && [ "$libs" = "-L$lib -lfsp" ]; then
    pass pkg_config
else
    fail pkg_config "cflags '$cflags' libs '$libs' $(cat "$tmp/pcerr")"
fi
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror $cflags -o "$tmp/prog" "$tmp/prog.c" $libs 2>"$tmp/cc" &&
   out=$(LD_LIBRARY_PATH=$lib "$tmp/prog") &&
   LD_LIBRARY_PATH=$lib ldd "$tmp/prog" | grep -q "$lib/libfsp.so.1"; then
    pass "build_shared ($out)"
else
    fail build_shared "$(head -5 "$tmp/cc") ${out:-}"
fi
# Static: libfsp.a with what Libs.private / Requires.private add.
static_libs=$(pkg-config --static --libs fsp | sed 's/ -lfsp\b//')
# shellcheck disable=SC2086
if cc -std=c11 $cflags -o "$tmp/prog_static" "$tmp/prog.c" "$lib/libfsp.a" $static_libs 2>"$tmp/cc" &&
   out=$("$tmp/prog_static") && ! ldd "$tmp/prog_static" | grep -q libfsp; then
    pass "build_static ($out)"
else
    fail build_static "$(head -5 "$tmp/cc") ${out:-}"
fi
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# LIBDIR (multiarch) and the default PREFIX.
stage2=$tmp/stage2
if make -s BUILD="$build" install DESTDIR="$stage2" LIBDIR=/usr/local/lib/x86_64-linux-gnu >"$tmp/log" 2>&1 &&
   [ -x "$stage2/usr/local/bin/memfs" ] &&
   [ -f "$stage2/usr/local/lib/x86_64-linux-gnu/libfsp.so.1" ] &&
   grep -qx 'libdir=/usr/local/lib/x86_64-linux-gnu' "$stage2/usr/local/lib/x86_64-linux-gnu/pkgconfig/fsp.pc" &&
   grep -qx 'includedir=/usr/local/include' "$stage2/usr/local/lib/x86_64-linux-gnu/pkgconfig/fsp.pc"; then
    pass prefix_default_and_libdir
else
    fail prefix_default_and_libdir "$(tail -3 "$tmp/log") $(cd "$stage2" 2>/dev/null && find . ! -type d | head -5 | tr '\n' ' ')"
fi

for s in "$stage:PREFIX=/usr" "$stage2:LIBDIR=/usr/local/lib/x86_64-linux-gnu"; do
    dir=${s%%:*}
    if ! make -s BUILD="$build" uninstall DESTDIR="$dir" "${s#*:}" >"$tmp/log" 2>&1; then
        fail "make_uninstall_${dir##*/}" "$(tail -3 "$tmp/log")"
        continue
    fi
    left=$(cd "$dir" && find . ! -type d | head -5 | tr '\n' ' ')
    if [ -z "$left" ]; then
        pass "make_uninstall_${dir##*/}"
    else
        fail "make_uninstall_${dir##*/}" "left behind: $left"
    fi
done
