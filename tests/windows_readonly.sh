#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Windows metadata on read-only mounts (docs/windows.md, docs/security.md):
# every read path still works, every write path fails with EROFS.
#
#   tests/windows_readonly.sh [BUILDDIR]     (default: build)
#
# 1. memfs -W with streams, reparse data, attributes, a creation time and
#    a descriptor, then remounted read-only (mount -o remount,ro): every
#    name reads back as before, every change (setting or removing a
#    stream, reparse data, attributes, creation time, user.DOSATTRIB, a
#    descriptor, the label; creating, writing, truncating or deleting
#    FILE:NAME) is EROFS, and afterwards nothing changed; file handles
#    taken before still open files and directories (export.sh's reads).
# 2. memfs -W -o ro (empty: the root is all there is): the root's names
#    read, then root remounts it rw behind memfs's back and the same
#    changes still fail with EROFS, now from fsp's own refusal.
#
# FSP_WIN_OPTS: more memfs arguments (a configuration, e.g. "-o io_uring"),
# FSP_WIN_LABEL: a prefix for every case name (tests/windows_matrix.sh).
# Needs root.  One PASS/FAIL/SKIP line per case; leaves nothing behind.
# shellcheck disable=SC2016,SC2317  # "$DATA" is literal; helpers run through expect/erofs and the trap
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
memfs=$(realpath "$build/memfs")
T=$(realpath "$build/fsptool")
H=$(realpath "$build/tests/fsp-handle")
label=${FSP_WIN_LABEL:-}
read -ra config <<<"${FSP_WIN_OPTS:-}"
pass() { echo "PASS: ${label}ro_$1"; }
fail() { echo "FAIL: ${label}ro_$1: $2"; }
skip() { echo "SKIP: ${label}ro_$1: $2"; }

if [ "$(id -u)" -ne 0 ]; then
    skip all "needs root (mount -o remount)"
    exit 0
fi
if ! command -v getfattr >/dev/null || ! command -v setfattr >/dev/null; then
    skip all "getfattr/setfattr (Debian's attr) not installed"
    exit 0
fi
work=$(mktemp -d /tmp/fsp-winro.XXXXXX)
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
cleanup() {
    cd /
    local m
    for m in "$work/a" "$work/b"; do
        while mounted "$m"; do umount -l "$m" || break; done
    done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# mount_memfs DIR ARGS...: memfs (a daemon: it ends with its unmount).
mount_memfs() {
    local dir=$1
    shift
    mkdir -p "$dir"
    "$memfs" "${config[@]}" "$@" "$dir" 2>"$work/memfs.err"
}
xhex() { getfattr -h --only-values -n "$1" "$2" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'; }
# erofs NAME CMD...: CMD must fail with "Read-only file system".
erofs() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        fail "$name" "succeeded"
    elif grep -q 'Read-only file system' <<<"$out"; then
        pass "$name"
    else
        fail "$name" "not EROFS: $(tail -1 <<<"$out")"
    fi
}
# writes PREFIX FILE DIR [nopaths]: every way to change Windows metadata,
# each EROFS (with nopaths, FILE:NAME paths are left out: FILE is the root).
writes() {
    local p=$1 f=$2 d=$3 acl ntacl
    acl=0x$(xhex system.ntfs_acl "$f")
    ntacl=0x$(xhex security.NTACL "$f")
    erofs "${p}_stream_xattr_new" setfattr -n 'user.DosStream.new:$DATA' -v x "$f"
    erofs "${p}_stream_xattr_replace" setfattr -n 'user.DosStream.s:$DATA' -v y "$f"
    erofs "${p}_stream_xattr_remove" setfattr -x 'user.DosStream.s:$DATA' "$f"
    if [ -z "${4:-}" ]; then
        erofs "${p}_stream_path_create" sh -c "echo x >'$f:new'"
        erofs "${p}_stream_path_mknod" python3 -c \
            "import os, stat; os.mknod('$f:mk', stat.S_IFREG | 0o644)"
        erofs "${p}_stream_path_write" sh -c "echo x >>'$f:s'"
        erofs "${p}_stream_path_truncate" truncate -s 0 "$f:s"
        erofs "${p}_stream_path_unlink" rm "$f:s"
        erofs "${p}_dir_stream_create" sh -c "echo x >'$d:new'"
    fi
    erofs "${p}_fsptool_streams_write" sh -c "echo x | '$T' streams write '$f' w"
    erofs "${p}_fsptool_streams_delete" "$T" streams delete "$f" s
    erofs "${p}_reparse_set" setfattr -n system.ntfs_reparse_data -v 0x170000800400000001020304 "$f"
    erofs "${p}_reparse_remove" setfattr -x system.ntfs_reparse_data "$f"
    erofs "${p}_fsptool_reparse_set" "$T" reparse "$d" set 0x80000017 0102
    erofs "${p}_attrib" setfattr -n system.ntfs_attrib -v 0x01000000 "$f"
    erofs "${p}_fsptool_attrib" "$T" attrib "$f" +r
    erofs "${p}_crtime" setfattr -n system.ntfs_crtime -v 0x0000000000000001 "$f"
    erofs "${p}_fsptool_crtime" "$T" crtime "$f" 981173106
    erofs "${p}_dosattrib" setfattr -n user.DOSATTRIB \
        -v 0x3078360004000400000011000000060000000000000000000000000000000000000000 "$f"
    erofs "${p}_ntfs_acl" setfattr -n system.ntfs_acl -v "$acl" "$f"
    erofs "${p}_ntacl" setfattr -n security.NTACL -v "$ntacl" "$f"
    erofs "${p}_fsptool_sd_set" "$T" sd set "$f" 'D:P(A;;FA;;;WD)'
    erofs "${p}_chmod" chmod 600 "$f"
}

# ---- 1. a populated volume remounted read-only ----
A=$work/a
if ! mount_memfs "$A" -W -o streams_interface=windows; then
    fail mount "memfs -W ${config[*]}: $(tail -1 "$work/memfs.err")"
    exit 0
fi
cd "$A" || exit 1
echo data >f
echo stream >f:s
head -c 100000 /dev/urandom >f:big
setfattr -n system.ntfs_attrib -v 0x02000000 f
setfattr -n system.ntfs_crtime -v 0x00e0d7c0da91c001 f
setfattr -n system.ntfs_reparse_data -v 0x170000800400000001020304 f
"$T" sd set f 'O:S-1-22-1-0G:S-1-22-2-0D:P(A;;FA;;;S-1-22-1-0)(A;;FR;;;WD)'
mkdir d
echo dirstream >d:s
ln -s some/target sl
mkfifo fifo
# One line per read path: NAME VALUE.
reads_() {
    local n
    for n in system.ntfs_attrib system.ntfs_crtime user.DOSATTRIB \
             system.ntfs_reparse_data 'user.DosStream.s:$DATA' \
             user.fsp.streams system.ntfs_acl security.NTACL; do
        echo "xattr_$n $(xhex "$n" f)"
    done
    echo "xattr_dir_attrib $(xhex system.ntfs_attrib d)"
    echo "xattr_root_attrib $(xhex system.ntfs_attrib .)"
    echo "xattr_symlink_reparse $(xhex system.ntfs_reparse_data sl)"
    echo "xattr_fifo_reparse $(xhex system.ntfs_reparse_data fifo)"
    echo "xattr_volume_serial $(xhex user.fsp.volume_serial .)"
    echo "listxattr $(getfattr -d -m - f 2>&1 | tr '\n' ' ')"
    echo "stream_path $(cat f:s 2>&1)"
    echo "stream_path_big $(md5sum <f:big 2>&1)"
    echo "stream_path_stat $(stat -c '%s %F' f:big 2>&1)"
    echo "dir_stream_path $(cat d:s 2>&1)"
    echo "birth_time $(stat -c %W f 2>&1)"
    echo "fsptool_streams_list $("$T" streams list f 2>&1 | sort | tr '\n' ' ')"
    echo "fsptool_streams_cat $("$T" streams cat f s 2>&1)"
    echo "fsptool_attrib $("$T" attrib f 2>&1)"
    echo "fsptool_crtime $("$T" crtime f 2>&1)"
    echo "fsptool_reparse $("$T" reparse f 2>&1 | tr '\n' ' ')"
    echo "fsptool_sd_get $("$T" sd get f 2>&1)"
    echo "fsptool_volume $("$T" volume . 2>&1 | tr '\n' ' ')"
    echo "ls $(ls -A 2>&1 | tr '\n' ' ')"
}
# (without trailing blanks, which read would drop)
reads() { reads_ | sed 's/ *$//'; }
# File handles (export, docs/export.md) taken now, used read-only below.
"$H" save f "$work/hf" && "$H" save d "$work/hd" ||
    fail setup "name_to_handle_at failed"
reads >"$work/before"
if grep -q 'No such\|not supported\|Permission denied\|rror' "$work/before"; then
    fail setup "a read failed before the remount: $(grep -m1 'No such\|not supported\|Permission denied\|rror' "$work/before")"
fi
cd / || exit 1
if ! mount -i -o remount,ro "$A" 2>"$work/remount.err"; then
    skip remount_ro "mount -o remount,ro failed: $(head -1 "$work/remount.err")"
else
    cd "$A" || exit 1
    reads >"$work/after"
    while read -r name value; do
        got=$(awk -v n="$name" '$1 == n { sub(/^[^ ]* ?/, ""); print; exit }' "$work/after")
        if [ "$got" = "$value" ]; then pass "remounted_read_$name"
        else fail "remounted_read_$name" "was '$value', now '$got'"; fi
    done <"$work/before"
    writes remounted f d
    # open_by_handle_at once the kernel forgot the inodes
    sync; echo 2 >/proc/sys/vm/drop_caches
    r=$("$H" cat "$A" "$work/hf" 2>&1)
    if [ "$r" = data ]; then pass remounted_export_file_handle
    else fail remounted_export_file_handle "got '$r'"; fi
    sync; echo 2 >/proc/sys/vm/drop_caches
    r=$("$H" stat "$A" "$work/hd" 2>&1)
    if [ "$r" = "$(stat -c %i d)" ]; then pass remounted_export_dir_handle
    else fail remounted_export_dir_handle "got '$r', want $(stat -c %i d)"; fi
    erofs remounted_volume_label setfattr -n user.fsp.volume_label -v new .
    reads >"$work/after"
    if cmp -s "$work/before" "$work/after"; then pass remounted_nothing_changed
    else fail remounted_nothing_changed "$(diff "$work/before" "$work/after" | head -4 | tr '\n' ' ')"; fi
    cd / || exit 1
fi
fusermount3 -u "$A" 2>/dev/null || umount -l "$A"

# ---- 2. memfs -o ro, then remounted rw behind its back ----
B=$work/b
if ! mount_memfs "$B" -W -o ro,streams_interface=windows; then
    fail mount_ro "memfs -W -o ro ${config[*]}: $(tail -1 "$work/memfs.err")"
    exit 0
fi
r=$(xhex system.ntfs_attrib "$B")
if [ "$r" = 10000000 ]; then pass ro_read_root_attrib; else fail ro_read_root_attrib "got '$r'"; fi
r=$(getfattr --only-values -n user.DOSATTRIB "$B" 2>/dev/null | head -c 4)
if [ "$r" = 0x10 ]; then pass ro_read_root_dosattrib; else fail ro_read_root_dosattrib "got '$r'"; fi
r=$("$T" sd get "$B" 2>&1)
case $r in O:S-1-22-1-0G:S-1-22-2-0D:*) pass ro_read_root_sd ;; *) fail ro_read_root_sd "got '$r'" ;; esac
r=$(getfattr --only-values -n user.fsp.streams "$B" 2>&1 | grep -v 'Removing leading')
if [ -z "$r" ]; then pass ro_read_root_streams; else fail ro_read_root_streams "got '$r'"; fi
r=$("$T" volume "$B" 2>&1)
if grep -q '^serial  [0-9a-f]\{16\}$' <<<"$r"; then pass ro_read_volume; else fail ro_read_volume "got '$r'"; fi
r=$(xhex system.ntfs_reparse_data "$B")
if [ -z "$r" ]; then pass ro_read_root_no_reparse; else fail ro_read_root_no_reparse "got '$r'"; fi
# The kernel refuses first while the mount is ro; after root's remount
# rw only fsp stands between the changes and memfs.
erofs ro_kernel_attrib setfattr -n system.ntfs_attrib -v 0x02000000 "$B"
if mount -i -o remount,rw "$B" 2>"$work/remount.err" &&
        awk -v m="$B" '$5 == m && $6 ~ /^rw/ { f = 1 } END { exit !f }' /proc/self/mountinfo; then
    writes rw_behind_back "$B" "$B" nopaths
    erofs rw_behind_back_create_in_root sh -c "echo x >'$B/f'"
    erofs rw_behind_back_stream_path_of_missing_file sh -c "echo x >'$B/f:s'"
    erofs rw_behind_back_stream_path_mknod_of_missing_file python3 -c \
        "import os, stat; os.mknod('$B/f:mk', stat.S_IFREG | 0o644)"
    erofs rw_behind_back_volume_label setfattr -n user.fsp.volume_label -v new "$B"
    r=$(ls -A "$B"; getfattr --only-values -n user.fsp.streams "$B" 2>/dev/null; xhex system.ntfs_attrib "$B")
    if [ "$r" = 10000000 ]; then pass rw_behind_back_nothing_changed
    else fail rw_behind_back_nothing_changed "$(echo "$r" | tr '\n' ' ')"; fi
else
    skip rw_behind_back "remount rw failed: $(head -1 "$work/remount.err")"
fi
fusermount3 -u "$B" 2>/dev/null || umount -l "$B"
exit 0
