#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian packages for arm64, cross-built and installed into an arm64
# Debian 12 root under emulation (issue 18, docs/arm64.md):
#
#   tests/packages_arm64.sh          (root; `make test-packages-arm64`)
#
# 1. copies the tree to a temporary directory and cross-builds the four
#    packages there with `dpkg-buildpackage -a arm64 -us -uc -b` and
#    Debian's aarch64 toolchain, so the work tree is left as it was;
#    checks that each says Architecture: arm64, that every ELF file in
#    them is aarch64 (`file`), and that the libraries are in the arm64
#    multiarch directory /usr/lib/aarch64-linux-gnu; runs lintian;
# 2. makes aarch64 programs run (binfmt_misc and qemu-user-static, as
#    tests/arm64.sh does: only if they do not run yet, put back on exit);
# 3. makes a clean arm64 Debian 12 root with `debootstrap --foreign
#    --arch=arm64 --variant=minbase bookworm` and its second stage run
#    emulated in a chroot, once: it is cached in FSP_BOOKWORM_ARM64_ROOT
#    (default /var/cache/fsp-test/bookworm-arm64-root) and each run works
#    on an overlay of it;
# 4. in a chroot of that overlay (/proc and /dev bound in), where every
#    program is aarch64 code under qemu-user: installs the packages with
#    dpkg -i and their dependencies with apt-get install -f, mounts the
#    package's memfs on a directory inside the root (through the real
#    kernel), writes and reads a file, unmounts it with fsptool, and
#    checks that fsp-libfuse-compat's ld.so.conf.d file puts its
#    libraries first in the arm64 loader's cache.
#
# Every mount is undone on any exit.  Lines "PASS|FAIL|SKIP:
# packages_arm64_<case>".  Times: docs/arm64.md.
set -u
ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FSP_BOOKWORM_ARM64_ROOT:-/var/cache/fsp-test/bookworm-arm64-root}
PKGS="libfsp1 libfsp-dev fsp-tools fsp-libfuse-compat"
MA=aarch64-linux-gnu

pass() { echo "PASS: packages_arm64_$1"; }
fail() { echo "FAIL: packages_arm64_$1: $2"; }
skip() { echo "SKIP: packages_arm64_$1: $2"; }
now() { date +%s; }
took() { echo "  ($1: $(($(now) - $2)) s)"; }

if [ "$(id -u)" -ne 0 ]; then skip all "needs root (binfmt_misc, debootstrap, chroot, mount)"; exit 0; fi
missing=""
for cmd in dpkg-buildpackage debootstrap dh aarch64-linux-gnu-gcc aarch64-linux-gnu-objcopy \
           qemu-aarch64-static file; do
    command -v $cmd >/dev/null || missing="$missing $cmd"
done
[ -e /usr/lib/$MA/liburing.so ] || missing="$missing liburing-dev:arm64"
if [ -n "$missing" ]; then skip all "missing:$missing (tests/deps.sh installs them)"; exit 0; fi

work=$(mktemp -d /tmp/fsp-packages-arm64.XXXXXX) || exit 1
R=$work/root
# shellcheck source=tests/lib/debian.sh
. "$ROOT_DIR/tests/lib/debian.sh"
cleanup() {
    [ -n "${memfs_pid:-}" ] && kill "$memfs_pid" 2>/dev/null
    deb_overlay_undo "$R"
    binfmt_undo
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

MIRROR=$(deb_mirror | head -1)

# ---- 1. cross-build from a copy of the tree --------------------------------
t0=$(now)
if deb_build "$work" -a arm64 -us -uc -b -j2; then
    pass build
else
    fail build "dpkg-buildpackage -a arm64 failed: $(tail -5 "$work/build.log" | tr '\n' ' ')"
    exit 1
fi
took build "$t0"
debs=""
for p in $PKGS; do
    deb=$(ls "$work"/src/${p}_*_arm64.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { fail build "no $p arm64 package"; exit 1; }
    debs="$debs $deb"
done
deb_tree_untouched

# What the packages hold: arm64, aarch64 code, multiarch paths.
bad=""
stage=$work/stage
mkdir -p "$stage"
for deb in $debs; do
    a=$(dpkg-deb -f "$deb" Architecture)
    [ "$a" = arm64 ] || bad="$bad ${deb##*/}:Architecture=$a"
    dpkg-deb -x "$deb" "$stage"
done
if [ -z "$bad" ]; then pass architecture_arm64; else fail architecture_arm64 "$bad"; fi
find "$stage" -type f -print0 | xargs -0 file -N -F ' ::' | grep ' :: ELF' >"$work/elf.txt"
n=$(wc -l <"$work/elf.txt")
wrong=$(grep -v 'ARM aarch64' "$work/elf.txt" | sed "s|$stage||")
if [ "$n" -ge 9 ] && [ -z "$wrong" ]; then
    pass "elf_all_aarch64 ($n ELF files: $(grep -c executable "$work/elf.txt") programs, $(grep -c 'shared object' "$work/elf.txt") libraries)"
else
    fail elf_all_aarch64 "$n ELF files; not aarch64: ${wrong:-none}"
fi
bad=""
for f in usr/lib/$MA/libfsp.so.1 usr/lib/$MA/libfsp.so usr/lib/$MA/libfsp.a \
         usr/lib/$MA/pkgconfig/fsp.pc usr/lib/$MA/fsp-libfuse/libfuse3.so.3 \
         usr/lib/$MA/fsp-libfuse/libfuse.so.2; do
    [ -e "$stage/$f" ] || bad="$bad $f"
done
grep -qx "/usr/lib/$MA/fsp-libfuse" "$stage/etc/ld.so.conf.d/00-fsp-libfuse-compat.conf" ||
    bad="$bad ld.so.conf.d-file"
grep -q "^libdir=/usr/lib/$MA\$" "$stage/usr/lib/$MA/pkgconfig/fsp.pc" || bad="$bad fsp.pc-libdir"
other=$(cd "$stage" && find . -path '*x86_64*' | head -3)
if [ -z "$bad" ] && [ -z "$other" ]; then
    pass "multiarch_paths (/usr/lib/$MA)"
else
    fail multiarch_paths "missing:$bad; x86_64 paths: ${other:-none}"
fi

# lintian as for amd64 (it also knows an ELF file of the wrong machine
# for the package's architecture); the overrides in debian/ are the same.
if command -v lintian >/dev/null; then
    t0=$(now)
    deb_lintian "$work"
    took lintian "$t0"
else
    skip lintian "lintian missing (tests/deps.sh installs it)"
fi

# ---- 2. binfmt_misc: aarch64 ELF files run through qemu-user ----------------
# As tests/arm64.sh: Debian's qemu-user-static entry when there, else one
# like it for this run.  The F flag opens the interpreter now, so it also
# serves programs inside the chroot, where there is no qemu.
runs_aarch64() { "$stage/usr/bin/fsptool" >/dev/null 2>&1; [ $? -ne 126 ]; }
if ! binfmt_aarch64 runs_aarch64; then
    fail binfmt "aarch64 programs do not run here (binfmt_misc: $(cat "$BINFMT/status" 2>&1))"
    exit 1
fi
pass "binfmt (qemu-aarch64 $(qemu-aarch64-static --version | head -1 | awk '{print $3}'))"

# ---- 3. the cached arm64 root, made once (under a lock) ---------------------
# The first stage unpacks on the host; the second runs the packages'
# scripts, aarch64 programs, in the new root through binfmt_misc.
make_root() {
    debootstrap --foreign --arch=arm64 --variant=minbase bookworm "$1" "$MIRROR" &&
        chroot "$1" /debootstrap/debootstrap --second-stage
}
t0=$(now)
if ! deb_cached_root "$CACHE" "$work" make_root; then
    fail root "debootstrap failed: $(tail -3 "$work/debootstrap.log" | tr '\n' ' ')"
    exit 1
fi
took root "$t0"

# ---- 4. install and use the packages in an overlay of the cached root ------
t0=$(now)
if ! deb_overlay "$R" "$CACHE" "$work"; then
    fail root "cannot mount an overlay of $CACHE with /proc and /dev"
    exit 1
fi
mkdir -p "$R/tmp/debs"
# shellcheck disable=SC2086
cp $debs "$R/tmp/debs/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

arch=$(in_root dpkg --print-architecture 2>&1)
mach=$(in_root uname -m 2>&1)
if [ "$arch" = arm64 ] && [ "$mach" = aarch64 ]; then
    pass "root_is_arm64 (dpkg: $arch, uname -m: $mach)"
else
    fail root_is_arm64 "dpkg --print-architecture: '$arch', uname -m: '$mach'"
    exit 1
fi

in_root sh -c 'dpkg -i /tmp/debs/*.deb' >"$work/dpkg.log" 2>&1
if in_root apt-get install -f -y -qq --no-install-recommends >>"$work/dpkg.log" 2>&1; then
    bad=""
    for p in $PKGS; do
        in_root dpkg-query -W -f='${Status} ${Architecture}' "$p" 2>/dev/null |
            grep -q 'install ok installed arm64' || bad="$bad $p"
    done
    if [ -z "$bad" ]; then pass install; else fail install "not installed:$bad"; fi
else
    fail install "apt-get install -f: $(tail -5 "$work/dpkg.log" | tr '\n' ' ')"
fi
took install "$t0"

resolved() { in_root ldconfig -p | awk -v lib="$1" '$1 == lib { print $NF; exit }'; }
r=$(resolved libfsp.so.1)
case "$r" in
    "/usr/lib/$MA/libfsp.so.1" | "/lib/$MA/libfsp.so.1") pass "libfsp_in_cache ($r)" ;;
    *) fail libfsp_in_cache "libfsp.so.1 -> '$r'" ;;
esac
ok=1
for lib in libfuse3.so.3 libfuse.so.2; do
    [ "$(resolved $lib)" = "/usr/lib/$MA/fsp-libfuse/$lib" ] || ok=0
done
if [ $ok = 1 ]; then pass compat_takes_effect; else
    fail compat_takes_effect "libfuse3.so.3 -> '$(resolved libfuse3.so.3)', libfuse.so.2 -> '$(resolved libfuse.so.2)'"; fi

# memfs from the package, aarch64 code under qemu-user, on a directory
# inside the root, through the real kernel's /dev/fuse.
t0=$(now)
mkdir -p "$R/mnt/fsp"
# In the foreground and not through in_root (a function: its pid would
# be a subshell's), so the pid is memfs's own: chroot and env exec it.
chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin memfs -f -s 64M /mnt/fsp 2>"$work/memfs.err" &
memfs_pid=$!
# emulated, on a shared machine: up to 60 s to mount
for _ in $(seq 600); do
    grep -q " $R/mnt/fsp " /proc/mounts && break
    kill -0 "$memfs_pid" 2>/dev/null || break
    sleep 0.1
done
if grep -q " $R/mnt/fsp " /proc/mounts; then
    in_root sh -c 'echo "hello from arm64" > /mnt/fsp/hello'
    got=$(in_root cat /mnt/fsp/hello 2>&1)
    fstype=$(awk -v m="$R/mnt/fsp" '$2 == m { print $3 }' /proc/mounts)
    # The process serving it is the emulator running the aarch64 memfs
    # (binfmt_misc makes qemu its executable), not a host program.
    exe=$(readlink "/proc/$memfs_pid/exe")
    if [ "$got" = "hello from arm64" ] && [ "$fstype" = fuse.memfs ]; then
        pass memfs_mount_write_read
    else
        fail memfs_mount_write_read "read '$got', type '$fstype'"
    fi
    case "$exe" in
        *qemu*) pass "memfs_emulated (served by $exe)" ;;
        *) fail memfs_emulated "the serving process runs '$exe', not qemu" ;;
    esac
    in_root fsptool unmount /mnt/fsp
    for _ in $(seq 100); do kill -0 "$memfs_pid" 2>/dev/null || break; sleep 0.1; done
    if grep -q " $R/mnt/fsp " /proc/mounts || kill -0 "$memfs_pid" 2>/dev/null; then
        fail memfs_unmount "still mounted or memfs still running"
    else
        pass memfs_unmount
        memfs_pid=
    fi
else
    fail memfs_mount_write_read "memfs did not mount: $(cat "$work/memfs.err")"
fi
took memfs "$t0"

in_root dpkg -P fsp-libfuse-compat >>"$work/dpkg.log" 2>&1
if [ ! -e "$R/etc/ld.so.conf.d/00-fsp-libfuse-compat.conf" ] && [ ! -e "$R/usr/lib/$MA/fsp-libfuse" ] &&
   [ -z "$(resolved libfuse3.so.3)" ]; then
    pass compat_purged
else
    fail compat_purged "leftovers: $(ls "$R/etc/ld.so.conf.d/" "$R/usr/lib/$MA/fsp-libfuse" 2>&1 | tr '\n' ' ')"
fi
exit 0
