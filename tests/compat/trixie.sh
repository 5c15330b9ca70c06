#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian 13 (trixie) programs, unmodified, on fsp's libfuse3.so.4 (issue 13).
#
# Usage: tests/compat/trixie.sh [BUILDDIR]    (as root)
#
# Debian 13 links its FUSE programs against libfuse 3.17's libfuse3.so.4.
# A Debian 13 root made once with `debootstrap trixie` from the mirror
# (cached in /var/cache/fsp-test/trixie-root, or $FSP_TRIXIE_ROOT; the
# first run takes a few minutes) is mounted as an overlay, and fsp's
# libfuse3.so.4 is installed in it the way `make install-compat` installs
# it on a host: /usr/local/lib/fsp-libfuse named first in ld.so.conf.d,
# then ldconfig.  Each program then runs in a chroot, unmodified, must
# map fsp's library (/proc/PID/maps) and not Debian's, and does real
# work checked from outside the mount.  Afterwards the same checks run
# with Debian's own libfuse3.so.4 (the conf file removed), so a
# difference is fsp's.  Also: every name Debian 13's libfuse3.so.4
# exports is exported by fsp's with the same version.
#
# Programs: squashfuse_ll and squashfuse (low- and high-level), sshfs
# against an sshd in a network namespace of its own (fsp13t), fuse-overlayfs,
# fuse2fs (libfuse 3 in Debian 13), python3-pyfuse3 (tests/compat/
# pyfuse3_memfs.py).  (Debian 13's bindfs still links libfuse.so.2.)
set -u

ROOT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT_DIR/build}" 2>/dev/null && pwd) || BUILD=${1:-$ROOT_DIR/build}
LIB=$BUILD/compat/libfuse3.so.4
CACHE=${FSP_TRIXIE_ROOT:-/var/cache/fsp-test/trixie-root}
MA=x86_64-linux-gnu
FSPDIR=/usr/local/lib/fsp-libfuse
NS=fsp13t

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-}"; }
skip() { echo "SKIP: $1: $2"; }
# shellcheck source=tests/lib/debian.sh
. "$ROOT_DIR/tests/lib/debian.sh"

if [ "$(id -u)" -ne 0 ]; then skip trixie "needs root (debootstrap, chroot, mount)"; exit 0; fi
if [ "$(uname -m)" != x86_64 ]; then skip trixie "x86_64 only (the root is amd64)"; exit 0; fi
for cmd in debootstrap chroot nsenter ip; do
    command -v "$cmd" >/dev/null || { skip trixie "$cmd missing (tests/deps.sh)"; exit 0; }
done
if [ ! -f "$LIB" ]; then fail "libfuse3.so.4 built" "$LIB missing"; exit 1; fi
if ldd "$LIB" | grep -Eq 'libasan|libtsan'; then
    skip trixie "sanitizer build: Debian 13's programs would need its runtime preloaded in the root"
    exit 0
fi
MIRROR=$(deb_mirror | head -1)

work=$(mktemp -d /tmp/fsp13trixie.XXXXXX)
R=$work/root
SSHD_PID=""
cleanup() {
    local m
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    for m in $(awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
        case $m in "$R/proc" | "$R/dev") ;; *) umount -l "$m" 2>/dev/null ;; esac
    done
    deb_overlay_undo "$R"
    ip netns del "$NS" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the cached root, made once -------------------------------------------
make_root() {
    debootstrap --variant=minbase \
        --include=fuse3,sshfs,bindfs,squashfuse,fuse-overlayfs,fuse2fs,python3-pyfuse3,openssh-server,openssh-client,squashfs-tools,e2fsprogs,procps,util-linux \
        trixie "$1" "$MIRROR"
}
if [ ! -x "$CACHE/usr/bin/apt-get" ] &&
   ! timeout 20 bash -c "exec 3<>/dev/tcp/$(echo "$MIRROR" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')/80" 2>/dev/null; then
    skip trixie "no cached Debian 13 root and the mirror ($MIRROR) cannot be reached"
    exit 0
fi
t0=$(date +%s)
if ! deb_cached_root "$CACHE" "$work" make_root; then
    fail trixie_root "debootstrap trixie failed: $(tail -3 "$work/debootstrap.log" | tr '\n' ' ')"
    exit 1
fi
[ $(( $(date +%s) - t0 )) -gt 5 ] && echo "  (Debian 13 root made in $(( $(date +%s) - t0 )) s)"
if ! deb_overlay "$R" "$CACHE" "$work"; then
    fail trixie_root "cannot mount an overlay of $CACHE"
    exit 1
fi
mount -t tmpfs tmpfs "$R/run" && mkdir -p "$R/run/sshd"
mount -t tmpfs tmpfs "$R/tmp"
mkdir -p "$R/mnt/t"

ENV=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
in_root() { chroot "$R" "${ENV[@]}" "$@"; }
DEBLIB=$(readlink -f "$R/usr/lib/$MA/libfuse3.so.4")
DEBLIB=${DEBLIB#"$R"}

# ---- the ABI: Debian 13's exports are fsp's --------------------------------
ours=$(nm -D --defined-only --with-symbol-versions "$LIB" | awk '{print $3}' | sort)
theirs=$(nm -D --defined-only --with-symbol-versions "$R$DEBLIB" | awk '{print $3}' | sort)
missing=$(comm -13 <(echo "$ours") <(echo "$theirs"))
if [ -z "$missing" ]; then
    pass "abi: every name and version of Debian 13's libfuse3.so.4 ($(basename "$DEBLIB"), $(echo "$theirs" | wc -l)) is in fsp's"
else
    fail "abi: Debian 13's libfuse3.so.4 exports what fsp's does not" "$(echo "$missing" | head -5 | tr '\n' ' ')"
fi

# ---- installing and removing fsp's library in the root ---------------------
use_fsp() {
    mkdir -p "$R$FSPDIR"
    cp "$LIB" "$R$FSPDIR/libfuse3.so.4"
    # fsp's library needs liburing (Debian 13's libfuse does not).
    local u
    u=$(ldd "$LIB" | awk '/liburing/ { print $3 }')
    [ -n "$u" ] && [ ! -e "$R/usr/lib/$MA/liburing.so.2" ] && cp -L "$u" "$R$FSPDIR/liburing.so.2"
    echo "$FSPDIR" > "$R/etc/ld.so.conf.d/00-fsp-libfuse.conf"
    in_root ldconfig
}
use_debian() {
    rm -f "$R/etc/ld.so.conf.d/00-fsp-libfuse.conf"
    in_root ldconfig
}
LIBNOW=""
maps_ok() { # PID: the library of this round mapped, the other not
    local p=$1
    if [ "$LIBNOW" = fsp ]; then
        grep -q "$FSPDIR/libfuse3.so.4" "/proc/$p/maps" &&
            ! grep -q "$DEBLIB" "/proc/$p/maps"
    else
        grep -q "$DEBLIB" "/proc/$p/maps" &&
            ! grep -q "$FSPDIR" "/proc/$p/maps"
    fi
}
wait_mounted() { # DIR [SECONDS]
    local i
    for i in $(seq 1 $(( ${2:-10} * 10 ))); do
        mountpoint -q "$1" && return 0
        sleep 0.1
    done
    return 1
}
wait_gone() {
    local i
    for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}
P=""
PRE=()   # what start runs the chroot under (nsenter for sshfs)
start() { # NAME MOUNTPOINT CMD...: run CMD in the root, in the background
    local name=$1 m=$2
    shift 2
    # exec all the way down, so that $! is the program itself
    "${PRE[@]}" chroot "$R" "${ENV[@]}" "$@" >"$work/$name.out" 2>&1 &
    P=$!
    if ! wait_mounted "$R$m"; then
        fail "$name ($LIBNOW): mounts" "$(head -3 "$work/$name.out" | tr '\n' ' ')"
        kill "$P" 2>/dev/null
        return 1
    fi
    if maps_ok "$P"; then
        pass "$name ($LIBNOW): maps $( [ "$LIBNOW" = fsp ] && echo "fsp's $FSPDIR/libfuse3.so.4" || echo "Debian's $DEBLIB"), not the other"
    else
        fail "$name ($LIBNOW): library" "$(grep -o '/[^ ]*libfuse3[^ ]*' "/proc/$P/maps" | sort -u | tr '\n' ' ')"
    fi
}
stop() { # NAME MOUNTPOINT
    umount "$R$2" 2>/dev/null || umount -l "$R$2"
    if wait_gone "$P"; then
        pass "$1 ($LIBNOW): exits after umount"
    else
        fail "$1 ($LIBNOW): exits after umount" "still running"
        kill -9 "$P" 2>/dev/null
    fi
}
check() { # NAME CMD...
    local name=$1
    shift
    if "$@" >"$work/check.err" 2>&1; then pass "$name ($LIBNOW)"
    else fail "$name ($LIBNOW)" "$(tail -2 "$work/check.err" | tr '\n' ' ')"; fi
}

# ---- the inputs, made with each format's own tools in the root ------------
tree=$R/srv/tree
mkdir -p "$tree/sub/deeper" "$R/srv/remote"
echo "hello from Debian 13" > "$tree/hello"
head -c 300000 /dev/urandom > "$tree/sub/random"
ln -s hello "$tree/link"
echo deep > "$tree/sub/deeper/file"
in_root mksquashfs /srv/tree /srv/tree.sqfs -quiet -noappend >/dev/null 2>&1 ||
    fail "mksquashfs in the root" "failed"

# sshd in a network namespace of its own, on its loopback
K=$R/root/.ssh
mkdir -p "$K" && chmod 700 "$K"
ip netns add "$NS" && ip netns exec "$NS" ip link set lo up
in_root ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/fsp13_host >/dev/null &&
    in_root ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 >/dev/null &&
    cp "$K/id_ed25519.pub" "$K/authorized_keys"
cat > "$R/etc/ssh/fsp13_sshd_config" <<EOC
Port 2222
ListenAddress 127.0.0.1
HostKey /etc/ssh/fsp13_host
PermitRootLogin prohibit-password
PasswordAuthentication no
Subsystem sftp internal-sftp
EOC
nsenter --net=/run/netns/$NS chroot "$R" /usr/sbin/sshd -D -e -f /etc/ssh/fsp13_sshd_config \
    2>"$work/sshd.log" &
SSHD_PID=$!

run_programs() {
    local m=/mnt/t
    # squashfuse_ll: low-level
    if start squashfuse_ll $m squashfuse_ll -f /srv/tree.sqfs $m; then
        check "squashfuse_ll: diff -r against the tree in the image" diff -r "$tree" "$R$m"
        stop squashfuse_ll $m
    fi
    # squashfuse: high-level
    if start squashfuse $m squashfuse -f /srv/tree.sqfs $m; then
        check "squashfuse: diff -r against the tree in the image" diff -r "$tree" "$R$m"
        stop squashfuse $m
    fi
    # sshfs: high-level, against the sshd in the namespace
    rm -rf "$R/srv/remote" && mkdir -p "$R/srv/remote"
    PRE=(nsenter --net=/run/netns/$NS)
    if start sshfs $m sshfs -f \
            -o StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,port=2222 \
            root@127.0.0.1:/srv/remote $m; then
        # hello first: cp -a sets a symlink's owner through sshfs, whose
        # SFTP setstat follows the link, so a link copied before its
        # target (readdir order decides) fails with ENOENT on any libfuse.
        sshfs_ops() {
            cp -a "$tree/hello" "$R$m/" &&
                cp -a "$tree/." "$R$m/" && diff -r "$tree" "$R$m" &&
                diff -r "$tree" "$R/srv/remote" &&
                mv "$R$m/hello" "$R$m/hello2" && [ -f "$R/srv/remote/hello2" ] &&
                ln -s hello2 "$R$m/l2" && [ "$(readlink "$R/srv/remote/l2")" = hello2 ] &&
                echo more >> "$R$m/hello2" &&
                [ "$(tail -1 "$R/srv/remote/hello2")" = more ]
        }
        check "sshfs: cp -a in, diff -r both sides, rename, symlink, append" sshfs_ops
        stop sshfs $m
    fi
    PRE=()
    # fuse-overlayfs: low-level
    local o=/srv/ovl
    rm -rf "$R$o" && mkdir -p "$R$o/lower" "$R$o/upper" "$R$o/work"
    cp -a "$tree/." "$R$o/lower/"
    if start fuse-overlayfs $m fuse-overlayfs -f \
            -o lowerdir=$o/lower,upperdir=$o/upper,workdir=$o/work $m; then
        ovl_ops() {
            diff -r "$tree" "$R$m" || return 1
            echo appended >> "$R$m/hello" || return 1
            [ "$(cat "$R$o/lower/hello")" = "hello from Debian 13" ] || { echo "lower changed"; return 1; }
            [ "$(tail -1 "$R$o/upper/hello")" = appended ] || { echo "no copy-up: $(ls -l "$R$o/upper")"; return 1; }
            rm "$R$m/sub/random" && [ -f "$R$o/lower/sub/random" ] || { echo "rm"; return 1; }
            [ -c "$R$o/upper/sub/random" ] || [ -e "$R$o/upper/sub/.wh.random" ] ||
                { echo "no whiteout: $(ls -la "$R$o/upper/sub")"; return 1; }
            [ ! -e "$R$m/sub/random" ] || { echo "still visible"; return 1; }
            echo new > "$R$m/new" && [ -f "$R$o/upper/new" ] || { echo "create"; return 1; }
        }
        check "fuse-overlayfs: diff -r, copy-up on append, whiteout on rm, create" ovl_ops
        stop fuse-overlayfs $m
    fi
    # fuse2fs: high-level on an ext4 image made by mkfs.ext4 -d
    rm -f "$R/srv/e2.img"
    if in_root mkfs.ext4 -q -O ^has_journal -d /srv/tree /srv/e2.img 16M >/dev/null 2>&1 &&
       start fuse2fs $m fuse2fs -f /srv/e2.img $m; then
        e2_ops() {
            diff -r -x lost+found "$tree" "$R$m" && mkdir "$R$m/newdir" &&
                echo "written through fuse2fs" > "$R$m/newdir/note" &&
                mv "$R$m/hello" "$R$m/newdir/hello"
        }
        check "fuse2fs: diff -r, mkdir, write, rename" e2_ops
        stop fuse2fs $m
        e2_after() {
            in_root e2fsck -fn /srv/e2.img &&
                [ "$(in_root debugfs -R 'cat /newdir/note' /srv/e2.img 2>/dev/null)" = "written through fuse2fs" ]
        }
        check "fuse2fs: after the unmount e2fsck -fn is clean and debugfs reads the note" e2_after
    fi
    # python3-pyfuse3: its own loop on fuse_session_receive_buf/process_buf
    cp "$ROOT_DIR/tests/compat/pyfuse3_memfs.py" "$R/srv/"
    if start pyfuse3 $m python3 /srv/pyfuse3_memfs.py $m; then
        py_ops() { # the example keeps no symlinks
            cp -a "$tree/hello" "$tree/sub" "$R$m/" &&
                diff -r -x link "$tree" "$R$m" &&
                mv "$R$m/sub" "$R$m/sub2" && truncate -s 10 "$R$m/sub2/random" &&
                [ "$(stat -c %s "$R$m/sub2/random")" = 10 ] && rm -r "$R$m/sub2" &&
                [ ! -e "$R$m/sub2" ]
        }
        check "pyfuse3: cp -a, diff -r, rename, truncate, rm -r" py_ops
        stop pyfuse3 $m
    fi
}

LIBNOW=fsp
use_fsp
run_programs
LIBNOW=debian
use_debian
run_programs
exit 0
