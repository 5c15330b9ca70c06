#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian packages, built and installed as a user would (issue 16):
#
#   tests/packages.sh          (root; `make test-packages`)
#
# 1. copies the tree to a temporary directory and builds the packages
#    there with `dpkg-buildpackage -us -uc -b`, so the work tree is left
#    as it was; runs lintian on them (the complaints left are overridden
#    with reasons in debian/);
# 2. makes a clean Debian 12 root with `debootstrap --variant=minbase
#    bookworm` from the mirror named in /etc/apt/sources.list(.d), once:
#    it is cached in FSP_BOOKWORM_ROOT (default
#    /var/cache/fsp-test/bookworm-root) and each run works on an overlay
#    of it, so the cache stays clean;
# 3. in a chroot of that overlay (/proc and /dev bound in), installs the
#    four packages with dpkg -i and their dependencies with apt-get
#    install -f from the same mirror, mounts memfs, writes and reads a
#    file, unmounts it with fsptool, and checks that fsp-libfuse-compat
#    puts its libraries before Debian's libfuse3-3 while installed, and
#    that removal gives Debian's back and purge leaves nothing.
#
# Every mount is undone on any exit.  Takes about 2-4 minutes with the
# cached root (mostly the package build); creating the root adds 2-3.
set -u
ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FSP_BOOKWORM_ROOT:-/var/cache/fsp-test/bookworm-root}
PKGS="libfsp1 libfsp-dev fsp-tools fsp-libfuse-compat"

pass() { echo "PASS: packages_$1"; }
fail() { echo "FAIL: packages_$1: $2"; }
skip() { echo "SKIP: packages_$1: $2"; }
now() { date +%s; }
took() { echo "  ($1: $(($(now) - $2)) s)"; }

if [ "$(id -u)" -ne 0 ]; then skip all "needs root (debootstrap, chroot, mount)"; exit 0; fi
for cmd in dpkg-buildpackage debootstrap lintian dh; do
    command -v $cmd >/dev/null || { skip all "$cmd missing (tests/deps.sh installs it)"; exit 0; }
done

work=$(mktemp -d /tmp/fsp-packages.XXXXXX) || exit 1
R=$work/root
# shellcheck source=tests/lib/debian.sh
. "$ROOT_DIR/tests/lib/debian.sh"
cleanup() {
    [ -n "${memfs_pid:-}" ] && kill "$memfs_pid" 2>/dev/null
    deb_overlay_undo "$R"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

MIRROR=$(deb_mirror | head -1)

# 1. Build from a copy of the tree.
t0=$(now)
if deb_build "$work" -us -uc -b -j2; then
    pass build
else
    fail build "dpkg-buildpackage failed: $(tail -5 "$work/build.log" | tr '\n' ' ')"
    exit 1
fi
took build "$t0"
debs=""
for p in $PKGS; do
    deb=$(ls "$work"/src/${p}_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { fail build "no $p package"; exit 1; }
    debs="$debs $deb"
done
deb_tree_untouched

t0=$(now)
deb_lintian "$work"
took lintian "$t0"

# 2. The cached clean root, made once (under a lock: two runs at once
# must not both build it).
make_root() { debootstrap --variant=minbase bookworm "$1" "$MIRROR"; }
t0=$(now)
if ! deb_cached_root "$CACHE" "$work" make_root; then
    fail root "debootstrap failed: $(tail -3 "$work/debootstrap.log" | tr '\n' ' ')"
    exit 1
fi
took root "$t0"

# 3. Install and use the packages in an overlay of the cached root.
t0=$(now)
if ! deb_overlay "$R" "$CACHE" "$work"; then
    fail root "cannot mount an overlay of $CACHE with /proc and /dev"
    exit 1
fi
mkdir -p "$R/tmp/debs"
# shellcheck disable=SC2086
cp $debs "$R/tmp/debs/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

in_root sh -c 'dpkg -i /tmp/debs/*.deb' >"$work/dpkg.log" 2>&1
# Debian's libfuse3-3 too: fsp-libfuse-compat must win over it while
# installed and give it back when removed.
if in_root apt-get install -f -y -qq --no-install-recommends >>"$work/dpkg.log" 2>&1 &&
   in_root apt-get install -y -qq --no-install-recommends libfuse3-3 >>"$work/dpkg.log" 2>&1; then
    bad=""
    for p in $PKGS; do
        in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            bad="$bad $p"
    done
    if [ -z "$bad" ]; then pass install; else fail install "not installed:$bad"; fi
else
    fail install "apt-get install -f: $(tail -5 "$work/dpkg.log" | tr '\n' ' ')"
fi
took install "$t0"

ma=$(in_root dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
resolved() { in_root ldconfig -p | awk -v lib="$1" '$1 == lib { print $NF; exit }'; }
r=$(resolved libfsp.so.1)
if [ "$r" = "/usr/lib/$ma/libfsp.so.1" ] || [ "$r" = "/lib/$ma/libfsp.so.1" ]; then
    pass libfsp_in_cache
else
    fail libfsp_in_cache "libfsp.so.1 -> '$r'"
fi
ok=1
for lib in libfuse3.so.3 libfuse.so.2; do
    [ "$(resolved $lib)" = "/usr/lib/$ma/fsp-libfuse/$lib" ] || ok=0
done
if [ $ok = 1 ]; then pass compat_takes_effect; else
    fail compat_takes_effect "libfuse3.so.3 -> '$(resolved libfuse3.so.3)', libfuse.so.2 -> '$(resolved libfuse.so.2)'"; fi

# memfs from the package, on a directory inside the root.
mkdir -p "$R/mnt/fsp"
# In the foreground, so its pid is ours (chroot and env exec it).
in_root memfs -f -s 64M /mnt/fsp 2>"$work/memfs.err" &
memfs_pid=$!
for _ in $(seq 100); do
    grep -q " $R/mnt/fsp " /proc/mounts && break
    kill -0 "$memfs_pid" 2>/dev/null || break
    sleep 0.1
done
if grep -q " $R/mnt/fsp " /proc/mounts; then
    in_root sh -c 'echo "hello from the chroot" > /mnt/fsp/hello'
    got=$(in_root cat /mnt/fsp/hello 2>&1)
    fstype=$(awk -v m="$R/mnt/fsp" '$2 == m { print $3 }' /proc/mounts)
    if [ "$got" = "hello from the chroot" ] && [ "$fstype" = fuse.memfs ]; then
        pass memfs_mount_write_read
    else
        fail memfs_mount_write_read "read '$got', type '$fstype'"
    fi
    in_root fsptool unmount /mnt/fsp
    for _ in $(seq 50); do kill -0 "$memfs_pid" 2>/dev/null || break; sleep 0.1; done
    if grep -q " $R/mnt/fsp " /proc/mounts || kill -0 "$memfs_pid" 2>/dev/null; then
        fail memfs_unmount "still mounted or memfs still running"
    else
        pass memfs_unmount
        memfs_pid=
    fi
else
    fail memfs_mount_write_read "memfs did not mount: $(cat "$work/memfs.err")"
fi

in_root dpkg -r fsp-libfuse-compat >>"$work/dpkg.log" 2>&1
r3=$(resolved libfuse3.so.3)
case "$r3" in
    /lib/"$ma"/libfuse3.so.3 | /usr/lib/"$ma"/libfuse3.so.3) pass "compat_removed (libfuse3.so.3 -> $r3, Debian's)" ;;
    *) fail compat_removed "libfuse3.so.3 -> '$r3', not Debian's" ;;
esac
in_root dpkg -P fsp-libfuse-compat >>"$work/dpkg.log" 2>&1
if [ ! -e "$R/etc/ld.so.conf.d/00-fsp-libfuse-compat.conf" ] && [ ! -e "$R/usr/lib/$ma/fsp-libfuse" ] &&
   ! in_root ldconfig 2>&1 | grep -q .; then
    pass compat_purged
else
    fail compat_purged "leftovers: $(ls "$R/etc/ld.so.conf.d/" "$R/usr/lib/$ma/fsp-libfuse" 2>&1 | tr '\n' ' ')"
fi
