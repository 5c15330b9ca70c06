#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the build and the tests need, if missing.  Idempotent and
# quiet: on a provisioned machine it checks and does nothing.
#   gcc, make, libc headers  build          clang       make test (clang build)
#   fuse3 (fusermount3)      non-root mount git, sqlite3, python3: programs.sh
#   tar, diffutils, coreutils (timeout): programs.sh and run.sh
#   acl (getfacl, setfacl): the posix_acl integration cases, fsp-tests acl_*
set -eu

missing=""
need_cmd() { # need_cmd COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_pkg() { # need_pkg PACKAGE (no command to look for)
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' ||
        missing="$missing $1"
}

need_cmd gcc gcc
need_cmd make make
need_pkg libc6-dev
need_pkg liburing-dev
need_cmd clang clang
need_cmd g++ g++                    # headers.sh: the public headers in C++17
need_pkg libclang-rt-14-dev   # libFuzzer's runtime: make fuzz-build, tests/fuzz.sh
need_cmd fusermount3 fuse3
need_cmd git git
need_cmd sqlite3 sqlite3
need_cmd python3 python3
need_cmd tar tar
need_cmd diff diffutils
need_cmd timeout coreutils
need_cmd squashfuse_ll squashfuse
need_cmd mksquashfs squashfs-tools
need_pkg libfuse3-dev   # only to compare layouts with Debian's libfuse
need_cmd objdump binutils
need_cmd setpriv util-linux
need_cmd getfattr attr          # volume labels of mounts (tests/launcher.sh)
need_cmd unshare util-linux     # private mount namespaces (tests/launcher.sh)
need_cmd fio fio
need_cmd stress-ng stress-ng
need_cmd inotifywait inotify-tools  # test_notify_mount: FUSE_NOTIFY_DELETE seen by inotify
need_cmd smbd samba                 # a real smbd (tests/lib/samba.sh): smb.sh, bench/smb.sh,
                                    # windows_meta.sh, windows_security.sh
need_cmd smbclient smbclient        # ... and its clients, smbcacls among them
need_cmd setfacl acl          # getfacl/setfacl: posix_acl, fsp-tests acl_*
need_cmd setfattr attr        # getfattr/setfattr: windows_meta.sh, windows_security.sh
need_pkg libfuse2             # libfuse.so.2's exports compared with Debian's
need_pkg libfuse-dev          # include/fuse layouts compared with Debian's
need_cmd bindfs bindfs        # libfuse 2 program run on fsp's libfuse.so.2
need_pkg python3-fusepy       # ctypes binding to libfuse.so.2
need_cmd httpfs2 httpfs2      # libfuse 2 low-level program (fuse2_ll.sh)
need_pkg python3-fuse         # fuse-python, a C extension on libfuse.so.2
need_pkg python3-llfuse       # llfuse: libfuse 2 low-level, a loop of its own
need_cmd zfs-fuse zfs-fuse    # libfuse 2 low-level, many mounts, fuse_chan_recv
need_cmd archivemount archivemount  # fuse_mount + fuse_chan_fd + fuse_new(ch)
need_cmd ganesha.nfsd nfs-ganesha   # tests/nfs.sh, bench/nfs.sh: NFS server
need_pkg nfs-ganesha-vfs            # its VFS back end (exports a local mount)
need_cmd rpcbind rpcbind            # ganesha registers with rpcbind
need_cmd nfs-cp libnfs-utils        # libnfs client tools (nfs-cp, nfs-ls, nfs-cat)
need_pkg libnfs-dev                 # tests/nfs/nfsclient.c (held handles, rename, delete)
need_pkg libpython3.11-testsuite    # CPython's own tests (cpython_suite.sh)
need_cmd ruby ruby                  # bindfs's own test suite (upstream_bindfs.sh)
need_cmd sudo sudo                  # ... which acts as nobody through sudo
# Debian's FUSE programs run on fsp's libraries (tests/compat/debian.sh),
# with the tools that make and check their images
need_cmd fuse2fs fuse2fs
need_cmd debugfs e2fsprogs    # mkfs.ext4 -d, e2fsck, debugfs
need_cmd fuse-zip fuse-zip
need_cmd unzip unzip
need_cmd unionfs unionfs-fuse
# Language bindings (bindings/*, tests/bindings.sh, make bindings)
need_pkg python3-pytest             # bindings/python's own tests
need_pkg python3-venv               # pip install ./bindings/python into a venv (test.sh)
need_pkg python3-pip
need_cmd javac openjdk-17-jdk-headless  # bindings/java: javac, jar, jni.h
need_pkg junit4                     # bindings/java's JUnit 4 tests
need_cmd fuse-overlayfs fuse-overlayfs
need_cmd encfs encfs
need_cmd securefs securefs
need_cmd mount.exfat-fuse exfat-fuse
need_cmd mkfs.exfat exfatprogs   # mkfs.exfat, fsck.exfat
need_cmd fuseiso fuseiso
need_cmd genisoimage genisoimage
need_cmd afuse afuse
need_cmd nbdfuse libnbd-bin
need_cmd nbdkit nbdkit
need_cmd rofiles-fuse ostree
need_pkg python3-pyfuse3      # Cython binding to libfuse3 (low-level)
# bindings/rust and bindings/go (make bindings, their test.sh): Debian's
# toolchains by package, since a rustup rustc may shadow Debian's in PATH
need_pkg rustc                  # Rust 1.63: the fsp-sys and fsp crates, Rust memfs
need_pkg cargo                  # cargo build/test --offline, no crates beyond std
need_pkg golang-go              # Go 1.19: the fsp Go module (cgo), Go memfs
need_cmd mandoc mandoc          # man pages checked with mandoc -T lint (tests/manpages.sh)
# tests/packages.sh: build the Debian packages, check them, install them
# into a debootstrapped Debian 12 root
need_cmd dh debhelper
need_cmd dpkg-buildpackage dpkg-dev
need_cmd lintian lintian
need_cmd debootstrap debootstrap
# aarch64: the cross build and the suites under qemu-user (tests/arm64.sh).
# liburing for arm64 comes through multiarch: arm64 is added to dpkg's
# architectures, so apt fetches arm64 package lists from then on.
need_cmd aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
need_pkg libc6-dev-arm64-cross
need_cmd qemu-aarch64-static qemu-user-static
need_cmd update-binfmts binfmt-support
need_pkg liburing-dev:arm64
need_cmd file file            # tests/arm64.sh checks every binary with it
need_pkg libasan8:arm64        # ASan+UBSan runtimes for make test-arm64-asan
need_pkg libubsan1:arm64

if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "deps.sh: need root to install:$missing" >&2
            exit 1
        fi
    fi
    echo "deps.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    case "$missing" in *:arm64*)
        dpkg --print-foreign-architectures | grep -qx arm64 ||
            $SUDO dpkg --add-architecture arm64 ;;
    esac
    $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
        --no-install-recommends $missing >/dev/null
fi

if [ ! -c /dev/fuse ]; then
    modprobe fuse 2>/dev/null || true
    [ -c /dev/fuse ] || echo "deps.sh: warning: /dev/fuse is missing" >&2
fi
exit 0
