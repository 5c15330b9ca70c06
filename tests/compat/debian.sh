# SPDX-License-Identifier: LGPL-2.1-or-later
# Unmodified Debian 12 FUSE programs on fsp's libraries, sourced by
# tests/compat/run.sh after fuse2.sh: uses its BUILD, ROOT, T, PIDS,
# PRELOAD, pass/fail/skip/check, maps_ok, maps2_ok, wait_mounted,
# wait_gone, apt_install.  Every mount is under $T, which run.sh's trap
# unmounts; tests/deps.sh installs the programs and the tools that make
# and check their images.
#
# Each program gets input it did not make (an image, archive or tree
# built here by the format's own tools), runs with fsp's build/compat
# first in LD_LIBRARY_PATH, must have fsp's library mapped and Debian's
# not, and does real work whose result is checked from outside the
# mount: by the format's own tool after the unmount (e2fsck, debugfs,
# unzip, fsck.exfat), in the backing directories, or by mounting again.
#
#   program          libfuse  API         writes
#   fuse2fs          2        high-level  yes (ext4 image)
#   fuse-zip         2        high-level  yes (zip), fuse_setup/fuse_loop
#   unionfs-fuse     2        high-level  yes (copy-on-write union)
#   encfs            2        high-level  yes (encrypted dir, C++)
#   securefs         2        high-level  yes (encrypted dir, C++)
#   exfat-fuse       2        high-level  yes (exFAT, fuseblk on a loop device)
#   fuseiso          2 (2.2)  high-level  no  (ISO 9660; the 2.2 API)
#   afuse            2 (2.5)  high-level  no  (automounter; the 2.5 API)
#   archivemount     2        high-level  yes (tar; fuse_mount, fuse_chan_fd,
#                                         fuse_new on the channel)
#   fuse-overlayfs   3        low-level   yes (overlay with whiteouts)
#   nbdfuse          3        high-level  yes (NBD export as a file;
#                                         fuse_new, fuse_mount, fuse_loop_mt)
#   rofiles-fuse     3        high-level  yes (ostree's; write_buf)
#   python3-pyfuse3  3        low-level   yes (tests/compat/pyfuse3_memfs.py;
#                                         receive_buf/process_buf loop)

for c in fuse2fs debugfs fuse-zip unzip unionfs fuse-overlayfs encfs securefs \
         mount.exfat-fuse mkfs.exfat fuseiso genisoimage afuse archivemount \
         nbdfuse nbdkit rofiles-fuse; do
    command -v $c >/dev/null 2>&1 && continue
    apt_install fuse2fs e2fsprogs fuse-zip unzip unionfs-fuse fuse-overlayfs \
        encfs securefs exfat-fuse exfatprogs fuseiso genisoimage afuse \
        archivemount libnbd-bin nbdkit ostree
    break
done
/usr/bin/python3 -c 'import pyfuse3' 2>/dev/null || apt_install python3-pyfuse3

DEB_SRC=$T/deb-src     # the tree every program gets: text, binary, depth
mkdir -p "$DEB_SRC"
cp -a "$ROOT/src/compat" "$DEB_SRC/compat"
head -c 1500000 /dev/urandom > "$DEB_SRC/random.bin"
mkdir -p "$DEB_SRC/empty" "$DEB_SRC/a/b/c"
echo deep > "$DEB_SRC/a/b/c/leaf"

# deb_start NAME MOUNTPOINT COMMAND...: run the program in the
# background on fsp's libraries (output in $T/NAME.out, .err), wait for
# the mount; sets P.  1 if it did not mount (FAIL printed).
deb_start() {
    n=$1; M=$2; shift 2
    mkdir -p "$M"
    LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat "$@" \
        >"$T/$n.out" 2>"$T/$n.err" &
    P=$!; PIDS="$PIDS $P"
    if ! wait_mounted "$M" "$P"; then
        fail "$n: mounts" "$(head -3 "$T/$n.err" | tr '\n' ' ')"
        return 1
    fi
}

# deb_ops NAME FUNCTION: run the shell function in a subshell; 1 and a
# FAIL line carrying the last lines of its stderr if it failed.  Every
# step of those functions ends in "|| return 1": set -e would not do,
# since a shell ignores it inside a function called from an if or an
# && list, subshells included.
deb_ops() {
    n=$1; shift
    if ( "$@" ) 2>"$T/ops.err"; then
        return 0
    fi
    fail "$n" "$(tail -3 "$T/ops.err" | tr '\n' ' ')"
    return 1
}

# deb_stop NAME MOUNTPOINT: umount, the program must exit.
deb_stop() {
    umount "$2"
    check "$1: exits after umount" wait_gone "$P"
}

deb_drop_caches() {
    sync
    echo 3 > /proc/sys/vm/drop_caches
}

# ---- fuse2fs: ext4 image, libfuse 2 high-level ---------------------------

fuse2fs_test() {
    img=$T/ext4.img; M=$T/e2m
    truncate -s 48M "$img"
    # no journal: fuse2fs does not write one (it warns at every mount)
    if ! mkfs.ext4 -q -O ^has_journal -d "$DEB_SRC" "$img" 2>"$T/mkfs.err"; then
        fail "fuse2fs: mkfs.ext4 -d" "$(head -2 "$T/mkfs.err")"
        return
    fi
    deb_start fuse2fs "$M" fuse2fs -f "$img" "$M" || return
    check "fuse2fs: diff -r against the tree mkfs.ext4 -d put in" \
        diff -r -x lost+found "$DEB_SRC" "$M"
    check "fuse2fs: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    e2_ops() {
        head -c 2000000 /dev/urandom > "$T/e2big" || return 1
        cp "$T/e2big" "$M/big" || return 1
        cp -a "$ROOT/src/compat/fuse3" "$M/tree" || return 1
        mkdir -m 750 "$M/newdir" || return 1
        echo "written through fuse2fs" > "$M/newdir/note" || return 1
        mv "$M/compat/fuse2" "$M/newdir/moved" || return 1
        ln -s newdir/note "$M/symlink" || return 1
        ln "$M/newdir/note" "$M/hardlink" || return 1
        [ "$(stat -c %h "$M/newdir/note")" = 2 ] || return 1
        rm "$M/random.bin" || return 1
        rmdir "$M/empty" || return 1
        truncate -s 7 "$M/a/b/c/leaf" || return 1
        printf 'DEEP' | dd of="$M/a/b/c/leaf" conv=notrunc status=none || return 1
        deb_drop_caches || return 1
        cmp "$T/e2big" "$M/big" || return 1
        diff -r "$ROOT/src/compat/fuse3" "$M/tree" || return 1
        diff -r "$ROOT/src/compat/fuse2" "$M/newdir/moved" || return 1
        [ "$(cat "$M/symlink")" = "written through fuse2fs" ] || return 1
        [ "$(stat -c %a "$M/newdir")" = 750 ] || return 1
    }
    deb_ops "fuse2fs: write, cp -a, mkdir, rename, symlink, link, rm, truncate" e2_ops &&
        pass "fuse2fs: write, cp -a, mkdir, rename, symlink, link, rm, truncate, drop_caches"
    deb_stop fuse2fs "$M"
    # the image as e2fsprogs sees it
    check "fuse2fs: e2fsck -fn finds the image clean" \
        sh -c "e2fsck -fn '$img' >'$T/e2fsck.out' 2>&1"
    e2_check() {
        debugfs -R "dump /big $T/e2big.out" "$img" 2>/dev/null || return 1
        cmp "$T/e2big" "$T/e2big.out" || return 1
        [ "$(debugfs -R 'cat /newdir/note' "$img" 2>/dev/null)" = "written through fuse2fs" ] || return 1
        [ "$(debugfs -R 'cat /a/b/c/leaf' "$img" 2>/dev/null | od -An -c | tr -d ' \n')" = 'DEEP\n\0\0' ] || return 1
        debugfs -R 'stat /symlink' "$img" 2>/dev/null | grep -q 'Type: symlink' || return 1
        debugfs -R 'stat /hardlink' "$img" 2>/dev/null | grep -q 'Links: 2' || return 1
        debugfs -R 'ls -l /newdir/moved' "$img" 2>/dev/null | grep -q 'fuse2_main.c' || return 1
        ! debugfs -R 'stat /random.bin' "$img" 2>&1 | grep -q 'Type:' || return 1
        ! debugfs -R 'ls /compat' "$img" 2>/dev/null | grep -q fuse2 || return 1
    }
    deb_ops "fuse2fs: debugfs reads back what was written" e2_check &&
        pass "fuse2fs: debugfs reads back the data, link count, symlink, rename and unlinks"
}

# ---- fuse-zip: zip archive, libfuse 2 (fuse_setup, fuse_loop) -------------

fuse_zip_test() {
    zipf=$T/a.zip; M=$T/zipm
    (cd "$DEB_SRC" && python3 -m zipfile -c "$zipf" compat random.bin a) ||
        { fail "fuse-zip: python3 -m zipfile -c"; return; }
    deb_start fuse-zip "$M" fuse-zip -f "$zipf" "$M" || return
    zip_read() {
        diff -r "$DEB_SRC/compat" "$M/compat" || return 1
        diff -r "$DEB_SRC/a" "$M/a" || return 1
        cmp "$DEB_SRC/random.bin" "$M/random.bin" || return 1
    }
    deb_ops "fuse-zip: contents equal the tree zipped" zip_read &&
        pass "fuse-zip: contents equal the tree zipped (diff -r, cmp)"
    check "fuse-zip: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    zip_write() {
        echo "new in the zip" > "$M/new.txt" || return 1
        mkdir "$M/newdir" || return 1
        cp "$ROOT/README.md" "$M/newdir/readme" || return 1
        mv "$M/new.txt" "$M/newdir/renamed.txt" || return 1
        rm "$M/random.bin" || return 1
        rm -r "$M/compat/fuse2" || return 1
        [ "$(cat "$M/newdir/renamed.txt")" = "new in the zip" ] || return 1
        [ ! -e "$M/random.bin" ] || return 1
    }
    deb_ops "fuse-zip: create, mkdir, rename, rm" zip_write &&
        pass "fuse-zip: create, mkdir, rename, rm -r"
    # fuse-zip writes the archive when it is unmounted
    deb_stop fuse-zip "$M"
    zip_check() {
        unzip -tq "$zipf" >/dev/null || return 1
        unzip -l "$zipf" > "$T/zip.list" || return 1
        grep -q ' newdir/renamed.txt$' "$T/zip.list" || return 1
        ! grep -q ' new.txt$' "$T/zip.list" || return 1
        ! grep -q 'random.bin$' "$T/zip.list" || return 1
        ! grep -q 'compat/fuse2/' "$T/zip.list" || return 1
        [ "$(unzip -p "$zipf" newdir/renamed.txt)" = "new in the zip" ] || return 1
        unzip -p "$zipf" newdir/readme | cmp - "$ROOT/README.md" || return 1
        unzip -p "$zipf" compat/fuse3/hl.h | cmp - "$ROOT/src/compat/fuse3/hl.h" || return 1
    }
    deb_ops "fuse-zip: unzip sees the changes" zip_check &&
        pass "fuse-zip: after umount, unzip -t clean, -l and -p show the changes"
}

# ---- unionfs-fuse: copy-on-write union, libfuse 2 high-level --------------

unionfs_test() {
    lo=$T/u-lower; up=$T/u-upper; M=$T/um
    mkdir -p "$lo" "$up"
    cp -a "$DEB_SRC/." "$lo/"
    deb_start unionfs "$M" unionfs -f -o cow "$up=RW:$lo=RO" "$M" || return
    check "unionfs-fuse: diff -r against the read-only branch" diff -r "$lo" "$M"
    check "unionfs-fuse: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    un_ops() {
        echo appended >> "$M/a/b/c/leaf" || return 1
        rm "$M/random.bin" || return 1
        mkdir "$M/newdir" || return 1
        echo new > "$M/newdir/f" || return 1
        mv "$M/newdir/f" "$M/newdir/g" || return 1
        cp -a "$ROOT/src/compat/fuse3" "$M/copied" || return 1
        deb_drop_caches || return 1
        # the union
        [ "$(cat "$M/a/b/c/leaf")" = "$(printf 'deep\nappended')" ] || return 1
        [ ! -e "$M/random.bin" ] || return 1
        diff -r "$ROOT/src/compat/fuse3" "$M/copied" || return 1
        # copy-up: the lower branch is untouched, the upper has the change
        [ "$(cat "$lo/a/b/c/leaf")" = deep ] || return 1
        [ "$(cat "$up/a/b/c/leaf")" = "$(printf 'deep\nappended')" ] || return 1
        cmp "$DEB_SRC/random.bin" "$lo/random.bin" || return 1
        [ "$(cat "$up/newdir/g")" = new ] && [ ! -e "$up/newdir/f" ] || return 1
        diff -r "$ROOT/src/compat/fuse3" "$up/copied" || return 1
    }
    deb_ops "unionfs-fuse: copy-on-write" un_ops &&
        pass "unionfs-fuse: append copies up, rm hides a lower file, mkdir/create/rename/cp -a land in the upper branch"
    deb_stop unionfs-fuse "$M"
}

# ---- fuse-overlayfs: overlay, libfuse 3 low-level --------------------------

overlayfs_test() {
    lo=$T/o-lower; up=$T/o-upper; wk=$T/o-work; M=$T/om
    mkdir -p "$lo" "$up" "$wk"
    cp -a "$DEB_SRC/." "$lo/"
    deb_start fuse-overlayfs "$M" fuse-overlayfs -f \
        -o "lowerdir=$lo,upperdir=$up,workdir=$wk" "$M" || return
    check "fuse-overlayfs: diff -r against the lower directory" diff -r "$lo" "$M"
    check "fuse-overlayfs: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
    ov_ops() {
        echo appended >> "$M/a/b/c/leaf" || return 1
        rm "$M/random.bin" || return 1
        mv "$M/compat/fuse2" "$M/moved" || return 1
        mkdir "$M/newdir" || return 1
        head -c 1000000 /dev/urandom > "$T/ovbig" || return 1
        cp "$T/ovbig" "$M/newdir/big" || return 1
        ln -s newdir/big "$M/link" || return 1
        deb_drop_caches || return 1
        [ "$(cat "$M/a/b/c/leaf")" = "$(printf 'deep\nappended')" ] || return 1
        [ ! -e "$M/random.bin" ] && [ ! -e "$M/compat/fuse2" ] || return 1
        diff -r "$lo/compat/fuse2" "$M/moved" || return 1
        cmp "$T/ovbig" "$M/link" || return 1
        # lower untouched; upper has the copy-up and the whiteouts
        [ "$(cat "$lo/a/b/c/leaf")" = deep ] || return 1
        cmp "$DEB_SRC/random.bin" "$lo/random.bin" || return 1
        [ "$(cat "$up/a/b/c/leaf")" = "$(printf 'deep\nappended')" ] || return 1
        [ "$(stat -c '%F %t:%T' "$up/random.bin")" = "character special file 0:0" ] || return 1
        cmp "$T/ovbig" "$up/newdir/big" || return 1
    }
    deb_ops "fuse-overlayfs: copy-up and whiteouts" ov_ops &&
        pass "fuse-overlayfs: append copies up, rm leaves a whiteout, rename of a lower dir, create, symlink"
    deb_stop fuse-overlayfs "$M"
}

# ---- nbdfuse: an NBD export as one file, libfuse 3 high-level -------------

nbdfuse_test() {
    M=$T/nbdm
    # nbdkit's memory plugin as the server, on nbdfuse's own socket
    deb_start nbdfuse "$M" nbdfuse "$M" --command nbdkit -s memory 16M || return
    check "nbdfuse: the export is a 16 MiB file" \
        sh -c "[ \"\$(stat -c %s '$M/nbd')\" = 16777216 ]"
    check "nbdfuse: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
    nbd_ops() {
        head -c 3000000 /dev/urandom > "$T/nbdrand" || return 1
        dd if="$T/nbdrand" of="$M/nbd" bs=65536 seek=16 conv=notrunc \
            status=none || return 1
        deb_drop_caches || return 1
        cmp -i 0:1048576 -n 3000000 "$T/nbdrand" "$M/nbd" || return 1
        # a file system in the export, written and checked through it
        mkfs.ext4 -q -F -d "$DEB_SRC" "$M/nbd" || return 1
        deb_drop_caches || return 1
        e2fsck -fn "$M/nbd" >/dev/null || return 1
        debugfs -R 'cat /compat/fuse3/hl.h' "$M/nbd" 2>/dev/null |
            cmp - "$DEB_SRC/compat/fuse3/hl.h" || return 1
    }
    deb_ops "nbdfuse: write, read back, mkfs.ext4 and e2fsck on the export" nbd_ops &&
        pass "nbdfuse: dd in, cmp after drop_caches, mkfs.ext4 -d, e2fsck -fn and debugfs through the export"
    deb_stop nbdfuse "$M"
}

# ---- rofiles-fuse (ostree): hardlinks read-only, libfuse 3 high-level ---

rofiles_test() {
    src=$T/ro-src; M=$T/rom
    mkdir -p "$src"
    cp -a "$DEB_SRC/." "$src/"
    echo shared > "$src/linked"
    ln "$src/linked" "$src/linked2"
    deb_start rofiles-fuse "$M" rofiles-fuse -f "$src" "$M" || return
    check "rofiles-fuse: diff -r against the source" diff -r "$src" "$M"
    check "rofiles-fuse: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
    ro_ops() {
        # a file with other links must not change (EROFS) ...
        ! sh -c "echo x >> '$M/linked'" 2>/dev/null || return 1
        [ "$(cat "$src/linked")" = shared ] || return 1
        # ... everything else may (write_buf through fuse_buf_copy)
        head -c 1000000 /dev/urandom > "$T/rorand" || return 1
        cp "$T/rorand" "$M/new.bin" || return 1
        echo more >> "$M/a/b/c/leaf" || return 1
        mv "$M/compat" "$M/renamed" || return 1
        rm "$M/linked2" || return 1
        deb_drop_caches || return 1
        cmp "$T/rorand" "$src/new.bin" || return 1
        [ "$(cat "$src/a/b/c/leaf")" = "$(printf 'deep\nmore')" ] || return 1
        diff -r "$DEB_SRC/compat" "$src/renamed" || return 1
        [ "$(stat -c %h "$src/linked")" = 1 ] || return 1
        # now the only link: writable
        echo x >> "$M/linked" || return 1
        [ "$(cat "$src/linked")" = "$(printf 'shared\nx')" ] || return 1
    }
    deb_ops "rofiles-fuse: EROFS on hardlinked files, writes elsewhere" ro_ops &&
        pass "rofiles-fuse: a hardlinked file refuses writes (EROFS), others take write, append, rename, unlink"
    deb_stop rofiles-fuse "$M"
}

# ---- python3-pyfuse3: its own loop on fuse_session_receive_buf ----------

pyfuse3_test() {
    M=$T/py3m
    # Debian's python (pyfuse3 is installed for it), not another on PATH
    deb_start pyfuse3 "$M" /usr/bin/python3 \
        "$ROOT/tests/compat/pyfuse3_memfs.py" "$M" || return
    check "pyfuse3: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
    py3_ops() {
        cp -a "$DEB_SRC/." "$M/" || return 1
        diff -r "$DEB_SRC" "$M" || return 1
        mv "$M/compat" "$M/renamed" || return 1
        deb_drop_caches || return 1
        diff -r "$DEB_SRC/compat" "$M/renamed" || return 1
        cmp "$DEB_SRC/random.bin" "$M/random.bin" || return 1
        truncate -s 2 "$M/a/b/c/leaf" || return 1
        [ "$(cat "$M/a/b/c/leaf")" = de ] || return 1
        rm -r "$M/renamed" "$M/a" "$M/random.bin" "$M/empty" || return 1
        [ -z "$(ls -A "$M")" ] || return 1
        [ "$(stat -f -c %S "$M")" = 4096 ] || return 1
    }
    deb_ops "pyfuse3 memfs: cp -a, diff -r, rename, truncate, rm -r" py3_ops &&
        pass "pyfuse3 memfs: cp -a, diff -r, rename, drop_caches, truncate, rm -r, statfs"
    deb_stop pyfuse3 "$M"
}

# ---- encfs: encrypted directory, libfuse 2 high-level, C++ ----------------

encfs_test() {
    raw=enc-raw; M=enc-mnt
    # relative paths on purpose: encfs -f resolves its root against the
    # working directory on every request, which libfuse 2 leaves alone
    # in the foreground (libfuse 3 would move to "/").
    mkdir -p "$T/$raw" "$T/$M"
    echo "fsp test password" > "$T/encfs.pw"
    (cd "$T" && LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
        exec encfs --standard --stdinpass -f "$raw" "$M" \
        <"$T/encfs.pw" >"$T/encfs.out" 2>"$T/encfs.err") &
    P=$!; PIDS="$PIDS $P"
    M=$T/$M
    if ! wait_mounted "$M" "$P"; then
        fail "encfs: mounts" "$(tail -3 "$T/encfs.err" | tr '\n' ' ')"
        return
    fi
    check "encfs: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    enc_ops() {
        cp -a "$DEB_SRC/." "$M/" || return 1
        diff -r "$DEB_SRC" "$M" || return 1
        mv "$M/compat" "$M/renamed" || return 1
        echo "secret text" > "$M/secret" || return 1
        rm "$M/a/b/c/leaf" || return 1
        deb_drop_caches || return 1
        diff -r "$DEB_SRC/compat" "$M/renamed" || return 1
        # names and contents are encrypted in the raw directory
        ! ls -R "$T/$raw" | grep -Eq 'renamed|secret|random' || return 1
        ! grep -rq "secret text" "$T/$raw" || return 1
        [ "$(ls -A "$T/$raw" | wc -l)" -ge 5 ] || return 1
    }
    deb_ops "encfs: cp -a, diff -r, rename, rm; raw side encrypted" enc_ops &&
        pass "encfs: cp -a, diff -r, rename, create, rm; names and data encrypted underneath"
    deb_stop encfs "$M"
    # mounted again (absolute paths, daemonized) with the password
    LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
        encfs --stdinpass "$T/$raw" "$M" <"$T/encfs.pw" 2>"$T/encfs2.err"
    if wait_mounted "$M"; then
        enc_again() {
            diff -r "$DEB_SRC/compat" "$M/renamed"
            cmp "$DEB_SRC/random.bin" "$M/random.bin"
            [ "$(cat "$M/secret")" = "secret text" ]
            [ ! -e "$M/a/b/c/leaf" ]
        }
        deb_ops "encfs (daemon): remount shows what was written" enc_again &&
            pass "encfs (daemon): mounted again, the data decrypts to what was written"
        umount "$M"
        check "encfs (daemon): unmounted" sh -c "! grep -q ' $M ' /proc/mounts"
    else
        fail "encfs (daemon): mounts again" "$(tail -2 "$T/encfs2.err" | tr '\n' ' ')"
    fi
}

# ---- securefs: encrypted directory, libfuse 2 high-level, C++ -------------

securefs_test() {
    raw=$T/sec-raw; M=$T/secm
    mkdir -p "$raw"
    if ! securefs create --pass fsp-test "$raw" >"$T/sec-create.out" 2>&1; then
        fail "securefs: create" "$(tail -2 "$T/sec-create.out" | tr '\n' ' ')"
        return
    fi
    deb_start securefs "$M" securefs mount --pass fsp-test "$raw" "$M" || return
    check "securefs: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    sec_ops() {
        cp -a "$DEB_SRC/." "$M/" || return 1
        diff -r "$DEB_SRC" "$M" || return 1
        mv "$M/compat" "$M/renamed" || return 1
        ln -s renamed/fuse3 "$M/link" || return 1
        rm "$M/random.bin" || return 1
        deb_drop_caches || return 1
        diff -r "$DEB_SRC/compat/fuse3" "$M/link" || return 1
        ! ls -R "$raw" | grep -Eq 'renamed|fuse3|random' || return 1
    }
    deb_ops "securefs: cp -a, diff -r, rename, symlink, rm" sec_ops &&
        pass "securefs: cp -a, diff -r, rename, symlink, rm; names encrypted underneath"
    deb_stop securefs "$M"
    deb_start securefs-again "$M" securefs mount --pass fsp-test "$raw" "$M" || return
    check "securefs: mounted again, the tree decrypts to what was written" \
        sh -c "diff -r '$DEB_SRC/compat' '$M/renamed' && [ ! -e '$M/random.bin' ]"
    deb_stop securefs "$M"
}

# ---- exfat-fuse: exFAT on a loop device, a fuseblk mount -------------------

# The pid of the program $1 (a path) that holds /dev/fuse: the daemon,
# not the watchdog fsp forks before it (same program, no descriptor).
fuse_pid() {
    for d in /proc/[0-9]*; do
        [ "$(readlink "$d/exe" 2>/dev/null)" = "$1" ] &&
            ls -l "$d/fd" 2>/dev/null | grep -q ' /dev/fuse$' &&
            { echo "${d#/proc/}"; return 0; }
    done
    return 1
}

exfat_test() {
    img=$T/exfat.img; M=$T/exm
    truncate -s 64M "$img"
    mkfs.exfat "$img" >/dev/null 2>&1 || { fail "exfat-fuse: mkfs.exfat"; return; }
    # As root, exfat-fuse always asks for a fuseblk mount (-o blkdev),
    # which the kernel gives only on a block device.
    if ! LO=$(losetup -f --show "$img" 2>"$T/losetup.err"); then
        skip "exfat-fuse" "no loop device: $(head -1 "$T/losetup.err")"
        return
    fi
    LOOPS="$LOOPS $LO"
    mkdir -p "$M"
    # no foreground mode but -d (debug): it daemonizes, as it is used
    if ! LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
            mount.exfat-fuse "$LO" "$M" >"$T/exfat.out" 2>&1 ||
       ! wait_mounted "$M"; then
        fail "exfat-fuse: mounts" "$(tail -2 "$T/exfat.out" | tr '\n' ' ')"
        return
    fi
    EXFAT=$(command -v mount.exfat-fuse)
    if ! P=$(fuse_pid "$EXFAT"); then
        fail "exfat-fuse: its daemon holds /dev/fuse"
        umount "$M"
        return
    fi
    PIDS="$PIDS $P"
    check "exfat-fuse: a fuseblk mount of $LO" \
        grep -q "^$LO $M fuseblk " /proc/mounts
    check "exfat-fuse: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    ex_ops() {
        cp -r "$DEB_SRC/." "$M/" || return 1
        diff -r "$DEB_SRC" "$M" || return 1
        mv "$M/compat" "$M/renamed" || return 1
        mkdir "$M/newdir" || return 1
        echo "on exfat" > "$M/newdir/f" || return 1
        rm "$M/random.bin" || return 1
        truncate -s 3 "$M/a/b/c/leaf" || return 1
        deb_drop_caches || return 1
        diff -r "$DEB_SRC/compat" "$M/renamed" || return 1
        [ "$(cat "$M/a/b/c/leaf")" = dee ] || return 1
    }
    deb_ops "exfat-fuse: cp -r, diff -r, rename, mkdir, rm, truncate" ex_ops &&
        pass "exfat-fuse: cp -r, diff -r, rename, mkdir, create, rm, truncate, drop_caches"
    # The unmount of a fuseblk mount waits for the answer to DESTROY,
    # which comes after the program's destroy: exfat-fuse has closed
    # the device by the time umount returns (as on Debian's libfuse).
    umount "$M"
    check "exfat-fuse: destroy ran before umount returned (device closed)" \
        sh -c "! ls -l /proc/$P/fd 2>/dev/null | grep -q ' $LO\$'"
    check "exfat-fuse: exits after umount" wait_gone "$P"
    check "exfat-fuse: fsck.exfat finds the volume clean" \
        sh -c "fsck.exfat -n '$LO' >'$T/fsck.exfat.out' 2>&1"
    if LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
           mount.exfat-fuse -o ro "$LO" "$M" >"$T/exfat2.out" 2>&1 &&
       wait_mounted "$M"; then
        check "exfat-fuse: mounted again read-only, the changes are there" sh -c \
            "diff -r '$DEB_SRC/compat' '$M/renamed' && [ \"\$(cat '$M/newdir/f')\" = 'on exfat' ] &&
             [ ! -e '$M/random.bin' ] && ! touch '$M/x' 2>/dev/null"
        # SIGTERM: the program unmounts itself after its loop ended, and
        # the kernel's DESTROY for a fuseblk unmount must still be answered
        P=$(fuse_pid "$EXFAT") && kill -TERM "$P"
        if wait_gone "$P" && ! grep -q " $M " /proc/mounts; then
            pass "exfat-fuse: SIGTERM unmounts (fuseblk DESTROY answered) and exits"
        else
            fail "exfat-fuse: SIGTERM unmounts and exits"
            # unstick a process waiting in the kernel for DESTROY's answer
            # (a fuseblk connection is named by the device: major << 20 | minor)
            c=/sys/fs/fuse/connections/$(( (0x$(stat -c %t "$LO") << 20) | 0x$(stat -c %T "$LO") ))
            [ -w "$c/abort" ] && echo 1 > "$c/abort"
        fi
    else
        fail "exfat-fuse: mounts again" "$(tail -2 "$T/exfat2.out" | tr '\n' ' ')"
    fi
    losetup -d "$LO"
}

# ---- fuseiso: ISO 9660 image, libfuse 2.2 API (fuse_main_real_compat22) --

fuseiso_test() {
    iso=$T/a.iso; M=$T/isom
    genisoimage -quiet -R -J -o "$iso" "$DEB_SRC" 2>"$T/geniso.err" ||
        { fail "fuseiso: genisoimage" "$(head -2 "$T/geniso.err")"; return; }
    # -n: no ~/.mtab.fuseiso; FUSE's options come after the mount point
    deb_start fuseiso "$M" fuseiso -n "$iso" "$M" -f || return
    check "fuseiso: diff -r against the tree genisoimage put in" \
        diff -r "$DEB_SRC" "$M"
    # statfs reaches the 2.2 callback (struct statfs) and back
    check "fuseiso: statfs: 2048-byte blocks, names up to 254 (2.2 statfs)" \
        sh -c "[ \"\$(stat -f -c '%S %l' '$M')\" = '2048 254' ]"
    check "fuseiso: read-only" sh -c "! touch '$M/new' 2>/dev/null"
    check "fuseiso: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    deb_stop fuseiso "$M"
}

# ---- afuse: automounter, libfuse 2.5 API (fuse_main_real_compat25) -------

afuse_test() {
    src=$T/af-src; M=$T/afm
    mkdir -p "$src/one" "$src/two"
    cp -a "$ROOT/src/compat/fuse2" "$src/one/"
    echo two > "$src/two/f"
    # afuse mounts a directory at the first access below it, by running
    # the template; here a bind mount of $src/NAME
    # Under ASan (the runtime preloaded), afuse's own getattr reads past
    # a string it allocated (the same on Debian's libfuse): let it go on.
    asan_was=${ASAN_OPTIONS-}
    [ -n "$SANFLAGS" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:halt_on_error=0"
    deb_start afuse "$M" afuse -f \
        -o "mount_template=mount --bind $src/%r %m" \
        -o "unmount_template=umount %m" "$M"
    st=$?
    [ -n "$SANFLAGS" ] && export ASAN_OPTIONS="$asan_was"
    [ $st -eq 0 ] || return
    check "afuse: access mounts on demand (diff -r, cat)" sh -c \
        "diff -r '$src/one/fuse2' '$M/one/fuse2' && [ \"\$(cat '$M/two/f')\" = two ]"
    check "afuse: it ran the mount template" \
        grep -q '^Mounting: one' "$T/afuse.err"
    check "afuse: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    deb_stop afuse "$M"
    # afuse may leave a root mounted in its private directory when it
    # exits (on Debian's libfuse too): clean up after it
    for d in $(sed -n 's|^Path out: \(/tmp/afuse-[^/]*\)/.*|\1|p' "$T/afuse.err" | sort -u); do
        grep " $d/" /proc/mounts | awk '{print $2}' | while read -r m; do
            umount -l "$m"; rmdir "$m"
        done
        rmdir "$d" 2>/dev/null
    done
}

# ---- archivemount: tar archive, libfuse 2 (fuse_mount, fuse_new) ---------

archivemount_test() {
    # fuse2_ll.sh mounts it read-only; here it writes the archive
    tarf=$T/a.tar; M=$T/arm
    tar -C "$DEB_SRC" -cf "$tarf" . || { fail "archivemount: tar -c"; return; }
    deb_start archivemount "$M" archivemount -f "$tarf" "$M" -o nobackup || return
    check "archivemount: diff -r against the tree archived" diff -r "$DEB_SRC" "$M"
    check "archivemount: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
    # (a file created in this mount and then renamed is saved under its
    # first name, on Debian's libfuse too: archivemount's own bug, so
    # the rename here is of an archived file)
    ar_ops() {
        mkdir "$M/newdir" || return 1
        echo "new in the tar" > "$M/newdir/created.txt" || return 1
        mv "$M/compat/fuse3/hl.h" "$M/moved-hl.h" || return 1
        rm "$M/random.bin" || return 1
        [ "$(cat "$M/newdir/created.txt")" = "new in the tar" ] || return 1
        cmp "$M/moved-hl.h" "$ROOT/src/compat/fuse3/hl.h" || return 1
    }
    deb_ops "archivemount: create, mkdir, rename, rm" ar_ops &&
        pass "archivemount: create, mkdir, rename, rm"
    # archivemount writes the archive at unmount
    deb_stop archivemount "$M"
    ar_check() {
        tar -tf "$tarf" > "$T/tar.list" || return 1
        grep -q 'newdir/created.txt$' "$T/tar.list" || return 1
        ! grep -q 'random.bin$' "$T/tar.list" || return 1
        ! grep -q 'fuse3/hl.h$' "$T/tar.list" || return 1
        [ "$(tar -xOf "$tarf" newdir/created.txt)" = "new in the tar" ] || return 1
        tar -xOf "$tarf" moved-hl.h | cmp - "$ROOT/src/compat/fuse3/hl.h" || return 1
        tar -xOf "$tarf" ./compat/fuse3/hl_io.c |
            cmp - "$ROOT/src/compat/fuse3/hl_io.c" || return 1
    }
    deb_ops "archivemount: tar sees the changes" ar_check &&
        pass "archivemount: after umount, tar -t and -xO show the changes"
}

deb_need() { # deb_need NAME COMMAND...: SKIP unless every command exists
    n=$1; shift
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 && continue
        skip "$n" "$c missing (tests/deps.sh installs it)"
        return 1
    done
}

deb_need fuse2fs fuse2fs mkfs.ext4 e2fsck debugfs && fuse2fs_test
deb_need fuse-zip fuse-zip unzip && fuse_zip_test
deb_need unionfs-fuse unionfs && unionfs_test
deb_need fuse-overlayfs fuse-overlayfs && overlayfs_test
deb_need nbdfuse nbdfuse nbdkit && nbdfuse_test
deb_need rofiles-fuse rofiles-fuse && rofiles_test
if /usr/bin/python3 -c 'import pyfuse3, trio' 2>/dev/null; then
    pyfuse3_test
else
    skip "pyfuse3" "python3-pyfuse3 missing (tests/deps.sh installs it)"
fi
deb_need encfs encfs && encfs_test
deb_need securefs securefs && securefs_test
deb_need fuseiso fuseiso genisoimage && fuseiso_test
deb_need afuse afuse && afuse_test
deb_need archivemount archivemount && archivemount_test
deb_need exfat-fuse mount.exfat-fuse mkfs.exfat fsck.exfat losetup && exfat_test
