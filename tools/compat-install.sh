#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Put fsp's libfuse3.so.3, libfuse3.so.4 and libfuse.so.2 in front of Debian's for every
# program on this machine, and take them away again.  The build never
# does this; it is this explicit, reversible step (issue 4).
#
#   tools/compat-install.sh install [BUILDDIR]   (default build)
#   tools/compat-install.sh uninstall
#   tools/compat-install.sh status
#
# install copies the libraries into /usr/local/lib/fsp-libfuse and
# names that directory in /etc/ld.so.conf.d/00-fsp-libfuse.conf, so the
# dynamic loader's cache (ldconfig) lists it before Debian's directories.
# Debian's packages are left untouched: uninstall removes the directory
# and the file and runs ldconfig, and everything is as before.
# LD_LIBRARY_PATH and a program's own RUNPATH still win over both.
set -eu

DIR=/usr/local/lib/fsp-libfuse
CONF=/etc/ld.so.conf.d/00-fsp-libfuse.conf
LIBS="libfuse3.so.3 libfuse3.so.4 libfuse.so.2"

die() { echo "compat-install.sh: $*" >&2; exit 1; }

# The path the loader's cache gives for soname $1.
resolved() {
    ldconfig -p | awk -v lib="$1" '$1 == lib && /x86-64/ { print $NF; exit }'
}

status() {
    local lib
    for lib in $LIBS; do
        echo "$lib -> $(resolved "$lib")"
    done
    [ -f "$CONF" ] && echo "installed: $CONF names $DIR" || echo "not installed"
}

install_libs() {
    local build=${1:-build} lib
    for lib in $LIBS; do
        [ -f "$build/compat/$lib" ] || die "$build/compat/$lib missing: run make first"
    done
    mkdir -p "$DIR"
    for lib in $LIBS; do
        # A fresh file, not an overwrite in place: programs already
        # running keep the copy they mapped.
        install -m 0755 "$build/compat/$lib" "$DIR/$lib.new"
        mv -f "$DIR/$lib.new" "$DIR/$lib"
    done
    printf '# fsp libfuse compatibility libraries (tools/compat-install.sh)\n%s\n' \
        "$DIR" > "$CONF"
    ldconfig
    for lib in $LIBS; do
        [ "$(resolved "$lib")" = "$DIR/$lib" ] ||
            die "the loader still picks $(resolved "$lib") for $lib"
    done
    status
}

uninstall_libs() {
    rm -f "$CONF"
    rm -rf "$DIR"
    ldconfig
    status
}

[ "$(id -u)" = 0 ] || die "run as root (writes /etc/ld.so.conf.d and /usr/local/lib)"
case "${1:-}" in
    install) install_libs "${2:-build}" ;;
    uninstall) uninstall_libs ;;
    status) status ;;
    *) die "usage: $0 install [BUILDDIR] | uninstall | status" ;;
esac
