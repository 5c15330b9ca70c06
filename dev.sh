#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The one entry point a newcomer needs on a fresh Debian 12 machine:
#   ./dev.sh run    build, then mount memfs on ./mnt in the foreground
#   ./dev.sh test   build (gcc, clang, ASan+UBSan) and run the whole suite
# Anything else is passed to make (./dev.sh soak, ./dev.sh test-tsan, ...).
# It installs the build tools it needs with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v clang >/dev/null || need+=(clang)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/liburing.h ] || need+=(liburing-dev)
# fusermount3 mounts for ordinary users (root mounts with mount(2))
if [ "${1:-}" = run ]; then command -v fusermount3 >/dev/null || need+=(fuse3); fi
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "dev.sh: missing ${need[*]}; run as root to install them" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# An ordinary user mounts through fusermount3, which needs /dev/fuse open
# to that user: say what to do before building, not after.
user_can_mount() {
    [ "$(id -u)" -eq 0 ] && return 0
    if [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
        echo "dev.sh: /dev/fuse is mode $(stat -c %a /dev/fuse) here, so only root may mount." >&2
        echo "dev.sh: as root, 'chmod 0666 /dev/fuse' lets every user mount FUSE file systems" >&2
        echo "dev.sh: (Debian's default), or run ./dev.sh run as root." >&2
        return 1
    fi
}

case "${1:-}" in
    run)  shift; user_can_mount || exit 1
          exec make -j"$(nproc)" run "$@" ;;
    test) shift; exec make test "$@" ;;
    "")   echo "usage: ./dev.sh run | test | <make target>" >&2; exit 2 ;;
    *)    exec make "$@" ;;
esac
