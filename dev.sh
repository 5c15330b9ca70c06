#!/usr/bin/env bash
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
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "dev.sh: missing ${need[*]}; run as root to install them" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

case "${1:-}" in
    run)  shift; exec make -j"$(nproc)" run "$@" ;;
    test) shift; exec make test "$@" ;;
    "")   echo "usage: ./dev.sh run | test | <make target>" >&2; exit 2 ;;
    *)    exec make "$@" ;;
esac
