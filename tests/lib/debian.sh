# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# What the package and aarch64 tests share (sourced, not run):
#
#   deb_mirror                    the Debian mirror apt uses for bookworm
#   deb_build WORK ARGS...        dpkg-buildpackage ARGS on a copy of the
#                                 tree in WORK/src/fsp (log WORK/build.log)
#   deb_tree_untouched            PASS/FAIL: the build left the work tree alone
#   deb_lintian WORK              PASS/FAIL: lintian on WORK/src/*.changes
#   deb_cached_root CACHE WORK FN make the cached root CACHE once, under a
#                                 lock, with FN DIR (log WORK/debootstrap.log);
#                                 sets DEB_MAKING while it runs
#   deb_overlay ROOT CACHE WORK   mount an overlay of CACHE on ROOT with
#                                 /proc and /dev bound in
#   deb_overlay_undo ROOT         undo that (and a memfs mounted at
#                                 ROOT/mnt/fsp), for a cleanup trap
#   binfmt_aarch64 RUNS_FN        make aarch64 ELF files run through
#                                 qemu-user (Debian's entry, else one of
#                                 our own), remembering what to undo;
#                                 RUNS_FN says whether they run
#   binfmt_undo                   put binfmt_misc back as it was
#
# The caller defines pass, fail and now/took as its own reports need;
# ROOT_DIR is the tree.

deb_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
             { uri = ""; ok = 0
               for (i = 1; i <= NF; i++) {
                   if ($i ~ /^URIs:/) { split($i, a, " "); uri = a[2] }
                   if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1
               }
               if (ok && uri != "") { print uri; exit } }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i+1) == "bookworm") { print $i; exit } }'
    echo http://deb.debian.org/debian
}

deb_build() {
    local work=$1
    shift
    local src=$work/src/fsp
    mkdir -p "$src"
    (cd "$ROOT_DIR" && git ls-files -co --exclude-standard | grep -v '^build' |
        tar -cf - -T -) | tar -xf - -C "$src"
    # A make above us (make test-packages...) must not lend its jobserver.
    (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        dpkg-buildpackage "$@") >"$work/build.log" 2>&1
}

deb_tree_untouched() {
    local left
    left=$(cd "$ROOT_DIR" && ls -d debian/tmp debian/files debian/.debhelper \
        debian/libfsp1 debian/fsp-tools 2>/dev/null)
    if [ -z "$left" ]; then pass tree_untouched; else fail tree_untouched "$left"; fi
}

deb_lintian() {
    local work=$1 complaints
    # lintian leaves mldbm-elf-* and magick-* files in $TMPDIR: keep them
    # in the work directory, which the caller removes.
    mkdir -p "$work/lintian-tmp"
    TMPDIR=$work/lintian-tmp lintian --pedantic "$work"/src/*.changes \
        >"$work/lintian" 2>&1
    complaints=$(grep -E '^[EWIP]: ' "$work/lintian")
    if [ -z "$complaints" ]; then
        pass lintian
    else
        fail lintian "$(echo "$complaints" | head -5 | tr '\n' ' ')"
    fi
}

deb_cached_root() {
    local cache=$1 work=$2 fn=$3 rc=0
    mkdir -p "$(dirname "$cache")"
    exec 9>"$cache.lock"
    flock 9
    if [ ! -x "$cache/usr/bin/apt-get" ]; then
        echo "  (making $cache: a few minutes, once)"
        DEB_MAKING=$cache.tmp
        rm -rf "$DEB_MAKING"
        if "$fn" "$DEB_MAKING" >"$work/debootstrap.log" 2>&1; then
            # apt's lists once, so each run only fetches the dependencies
            cp /etc/resolv.conf "$DEB_MAKING/etc/resolv.conf"
            chroot "$DEB_MAKING" apt-get update -qq >>"$work/debootstrap.log" 2>&1
            mv "$DEB_MAKING" "$cache" && DEB_MAKING=
        else
            rc=1
        fi
    fi
    flock -u 9
    exec 9>&-
    return $rc
}

deb_overlay() {
    local root=$1 cache=$2 work=$3
    mkdir -p "$root" "$work/upper" "$work/ovl"
    mount -t overlay overlay \
        -o "lowerdir=$cache,upperdir=$work/upper,workdir=$work/ovl" "$root" &&
        mount --bind /proc "$root/proc" && mount --bind /dev "$root/dev" &&
        cp /etc/resolv.conf "$root/etc/resolv.conf"
}

deb_overlay_undo() {
    local root=$1 m
    [ -d "$root" ] || return 0
    # memfs first (it may still be serving), then what we bound in
    grep -q " $root/mnt/fsp " /proc/mounts && umount -l "$root/mnt/fsp"
    for m in dev proc; do
        mountpoint -q "$root/$m" && umount -l "$root/$m"
    done
    mountpoint -q "$root" && umount -l "$root"
    # a cached root being made when we were stopped is not kept
    if [ -n "${DEB_MAKING:-}" ]; then
        for m in dev proc; do
            mountpoint -q "$DEB_MAKING/$m" && umount -l "$DEB_MAKING/$m"
        done
        rm -rf "$DEB_MAKING"
    fi
    return 0
}

BINFMT=/proc/sys/fs/binfmt_misc
BINFMT_ENTRY=fsp-aarch64      # our entry, if we have to make one
binfmt_undo_mount=0 binfmt_undo_status=0 binfmt_undo_entry=0

binfmt_aarch64() {
    local runs=$1 interp flags magic mask
    if [ ! -e "$BINFMT/status" ]; then
        mount -t binfmt_misc binfmt_misc "$BINFMT" && binfmt_undo_mount=1
    fi
    if [ -e "$BINFMT/status" ] && [ "$(cat "$BINFMT/status")" = disabled ]; then
        echo 1 > "$BINFMT/status" && binfmt_undo_status=1
    fi
    if ! "$runs" && [ -w "$BINFMT/register" ] && [ ! -e "$BINFMT/$BINFMT_ENTRY" ]; then
        # The F flag opens the interpreter now, so it also serves programs
        # in a chroot, where there is no qemu.
        interp=/usr/libexec/qemu-binfmt/aarch64-binfmt-P flags=FP
        [ -e "$interp" ] || interp=$(command -v qemu-aarch64-static) flags=F
        magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
        mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
        echo ":$BINFMT_ENTRY:M::$magic:$mask:$interp:$flags" > "$BINFMT/register" &&
            binfmt_undo_entry=1
    fi
    "$runs"
}

binfmt_undo() {
    [ "$binfmt_undo_entry" = 1 ] && echo -1 > "$BINFMT/$BINFMT_ENTRY"
    [ "$binfmt_undo_status" = 1 ] && echo 0 > "$BINFMT/status"
    [ "$binfmt_undo_mount" = 1 ] && umount "$BINFMT"
    binfmt_undo_entry=0 binfmt_undo_status=0 binfmt_undo_mount=0
    return 0
}
