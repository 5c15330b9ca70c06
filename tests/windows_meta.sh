#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Windows metadata on real memfs mounts (docs/windows.md): DOS attributes,
# creation time, reparse data and named streams through the attribute
# names ntfs-3g and Samba use, driven by getfattr/setfattr as ntfs-3g's
# users script them, and through a real Samba server (tests/lib/samba.sh)
# and smbclient.  One PASS/FAIL/SKIP line per case.
#
#   tests/windows_meta.sh [BUILDDIR]     (default: build)
#
# FSP_WIN_OPTS: more memfs arguments for every mount (a configuration,
# e.g. "-o io_uring" or "-C"), FSP_WIN_LABEL: a prefix for every case
# name; tests/windows_matrix.sh runs this script per configuration.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
memfs=$(realpath "$build/memfs")
T=$(realpath "$build/fsptool")
. tests/lib/samba.sh

label=${FSP_WIN_LABEL:-}
read -ra config <<<"${FSP_WIN_OPTS:-}"
pass() { echo "PASS: $label$1"; }
fail() { echo "FAIL: $label$1: $2"; }
skip() { echo "SKIP: $label$1: $2"; }
check() { # check NAME WHY COMMAND...
    local name=$1 why=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

if [ "$(id -u)" -ne 0 ]; then
    skip windows_meta "needs root (mounts, namespaces, a Samba user)"
    exit 0
fi
if ! command -v getfattr >/dev/null || ! command -v setfattr >/dev/null; then
    skip windows_meta "getfattr/setfattr (Debian's attr) not installed"
    exit 0
fi

work=$(mktemp -d /tmp/fsp-winmeta.XXXXXX)
chmod 755 "$work"   # the Samba user walks to its share below it
mounts=()
cleanup() {
    samba_stop
    local m
    for m in "${mounts[@]}"; do
        fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

mount_memfs() { # mount_memfs DIR ARGS...: memfs ARGS on DIR
    local dir=$1
    shift
    mkdir -p "$dir"
    "$memfs" "${config[@]}" "$@" "$dir" || return 1
    mounts+=("$dir")
}

# The value of attribute NAME of FILE in hex, without the 0x.
xhex() { getfattr -h --only-values -n "$1" "$2" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'; }
# The error message of setfattr/getfattr (its last line).
err_of() { "$@" 2>&1 >/dev/null | tail -1; }

M=$work/w
mount_memfs "$M" -W -o streams_interface=windows || { fail mount "memfs -W"; exit 1; }
cd "$M" || exit 1

# ---- DOS attributes and creation time ----
echo data >f
check attrib_new_file_archive "a new file should read 0x20 (archive)" \
    test "$(xhex system.ntfs_attrib f)" = 20000000
setfattr -n system.ntfs_attrib -v 0x02000000 f
check attrib_set_hidden "system.ntfs_attrib should read back 0x02" \
    test "$(xhex system.ntfs_attrib f)" = 02000000
echo more >>f
check attrib_archive_on_write "a write should set the archive bit again" \
    test "$(xhex system.ntfs_attrib f)" = 22000000
check attrib_bad_size "a 3-byte value should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n system.ntfs_attrib -v 0x010000 f)"
check attrib_bad_size_unchanged "a refused value should change nothing" \
    test "$(xhex system.ntfs_attrib f)" = 22000000
mkdir d
check attrib_directory "a directory should read 0x10" \
    test "$(xhex system.ntfs_attrib d)" = 10000000
# 2001-02-03 04:05:06 UTC as NT time, little-endian.
nt=$(( (981173106 + 11644473600) * 10000000 ))
le=$(printf '%016x' "$nt" | sed 's/../& /g' | awk '{for(i=NF;i>0;i--) printf "%s", $i}')
setfattr -n system.ntfs_crtime -v "0x$le" f
check crtime_roundtrip "system.ntfs_crtime should read back what was set" \
    test "$(xhex system.ntfs_crtime f)" = "$le"
check crtime_statx "stat %W (birth time) should be the creation time" \
    test "$(stat -c %W f)" = 981173106
dosattrib=$(xhex user.DOSATTRIB f)
check dosattrib_encoded "user.DOSATTRIB should start with \"0x22\\0\" and version 5" \
    grep -q '^30783232000005000500000011000000220000' <<<"$dosattrib"
check dosattrib_crtime "user.DOSATTRIB should carry the creation time" \
    grep -q "$le\$" <<<"$dosattrib"
# Samba's version 4 (valid: attrib + create time), attrib 0x6, the time above.
v4="0x30783600040004000000110000000600000000000000000000000000$le"
setfattr -n user.DOSATTRIB -v "$v4" f
check dosattrib_set "user.DOSATTRIB 0x6 should show in system.ntfs_attrib" \
    test "$(xhex system.ntfs_attrib f)" = 06000000
check dosattrib_bad "a truncated user.DOSATTRIB should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n user.DOSATTRIB -v 0x3078360004000400 f)"
check dosattrib_not_stored "user.DOSATTRIB should not be a stored attribute" \
    test -z "$(getfattr -d -m '^user\.DOSATTRIB' f 2>/dev/null)"
check attrib_owner_only "another user should be refused setting system.ntfs_attrib" \
    grep -qE 'not permitted|Permission denied' <<<"$(chmod 666 f; err_of setpriv --reuid 65534 --regid 65534 --clear-groups setfattr -n system.ntfs_attrib -v 0x00000000 f)"
check attrib_owner_only_unchanged "a refused change should change nothing" \
    test "$(xhex system.ntfs_attrib f)" = 06000000

# ---- read-only attribute (FSP_VOL_READONLY_ATTR) ----
echo x >ro
setfattr -n system.ntfs_attrib -v 0x01000000 ro
check readonly_write "appending to a read-only file should fail (EACCES)" \
    grep -q 'Permission denied' <<<"$( (echo y >>ro) 2>&1)"
check readonly_truncate "truncating a read-only file should fail (EACCES)" \
    grep -q 'Permission denied' <<<"$(truncate -s 0 ro 2>&1)"
check readonly_unlink "deleting a read-only file should fail (EPERM)" \
    grep -q 'not permitted' <<<"$(rm -f ro 2>&1)"
setfattr -n system.ntfs_attrib -v 0x20000000 ro
echo s >ro:s
setfattr -n system.ntfs_attrib -v 0x01000000 ro
check readonly_stream_write "a read-only file's stream should refuse writes (EACCES)" \
    grep -q 'Permission denied' <<<"$( (echo y >>ro:s) 2>&1)"
check readonly_stream_delete "a read-only file's stream should not be deleted (EPERM)" \
    grep -q 'not permitted' <<<"$(err_of setfattr -x 'user.DosStream.s:$DATA' ro)"
# An open made before the bit was set keeps writing, as on NTFS, in every
# configuration (stateless volumes answer OPEN to know it was checked).
echo a >early
exec 3>>early
setfattr -n system.ntfs_attrib -v 0x01000000 early
check readonly_open_before_keeps_writing "an open from before the bit should keep writing" \
    sh -c 'echo b >&3'
exec 3>&-
check readonly_open_before_content "what it wrote should be in the file" \
    test "$(cat early | tr '\n' ' ')" = "a b "
setfattr -n system.ntfs_attrib -v 0x20000000 early
rm early
echo z >victim
check readonly_rename_ok "renaming a read-only file should work" mv ro ro2
check readonly_content "the read-only file should be unchanged" test "$(cat ro2)" = x
setfattr -n system.ntfs_attrib -v 0x20000000 ro2
check readonly_cleared "clearing the bit should allow deletion" rm ro2

# ---- reparse points ----
ln -s some/target sl
check reparse_symlink "a symlink should show IO_REPARSE_TAG_SYMLINK, relative, UTF-16" \
    grep -q '^0c0000a0' <<<"$(xhex system.ntfs_reparse_data sl)"
mkfifo fifo
check reparse_fifo "a FIFO should show IO_REPARSE_TAG_NFS with NFS_SPECFILE_FIFO" \
    test "$(xhex system.ntfs_reparse_data fifo)" = 14000080080000004649464f00000000
check reparse_none "a plain file should have no reparse data (ENODATA)" \
    grep -q 'No such attribute' <<<"$(err_of getfattr -n system.ntfs_reparse_data f)"
buf=0x170000800400000001020304       # a Microsoft tag, 4 bytes of data
setfattr -n system.ntfs_reparse_data -v "$buf" f
check reparse_set "reparse data should read back as set" \
    test "0x$(xhex system.ntfs_reparse_data f)" = "$buf"
check reparse_attribute "the file should show FSP_ATTR_REPARSE_POINT (0x400)" \
    test "$(xhex system.ntfs_attrib f)" = 06040000
check reparse_truncated "a truncated buffer should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n system.ntfs_reparse_data -v 0x17000080040000000102 f)"
check reparse_oversized "a length past the data should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n system.ntfs_reparse_data -v 0x17000080ff00000001020304 f)"
check reparse_unchanged "refused buffers should change nothing" \
    test "0x$(xhex system.ntfs_reparse_data f)" = "$buf"
setfattr -x system.ntfs_reparse_data f
check reparse_delete "removing reparse data should clear the attribute bit" \
    test "$(xhex system.ntfs_attrib f)" = 06000000

# ---- named streams ----
setfattr -n 'user.DosStream.s1:$DATA' -v 'hello' f
check stream_xattr_to_path "a stream set as an attribute should read as f:s1" \
    test "$(cat f:s1)" = hello
check stream_nul "the attribute value should be the bytes and one NUL (Samba's form)" \
    test "$(xhex 'user.DosStream.s1:$DATA' f)" = 68656c6c6f00
printf 'via path' >f:s2
check stream_path_to_xattr "a stream written as f:s2 should be an attribute" \
    test "$(getfattr --only-values -n 'user.DosStream.s2:$DATA' f | tr -d '\0')" = 'via path'
head -c 200000 /dev/urandom >"$work/big"
cp "$work/big" f:big
check stream_big "a 200 KB stream should read back whole through f:big" cmp -s "$work/big" f:big
check stream_big_not_listed "a stream past 64 KiB should not be listed as an attribute" \
    test "$(getfattr -d -m '^user\.DosStream\.' f 2>/dev/null | grep -c DosStream)" = 2
check stream_big_e2big "reading a big stream as an attribute should be E2BIG" \
    grep -q 'Argument list too long' <<<"$(err_of getfattr -n 'user.DosStream.big:$DATA' f)"
check stream_list "user.fsp.streams should list all three with sizes" \
    grep -q '^200000 big$' <<<"$(getfattr --only-values -n user.fsp.streams f)"
truncate -s 3 f:s2
check stream_truncate "truncating f:s2 should shorten the stream" test "$(cat f:s2)" = via
mv f g
check stream_rename "streams should follow their file through rename" test "$(cat g:s1)" = hello
rm g:s2
check stream_delete_path "rm g:s2 should delete only that stream" \
    test ! -e g:s2 -a "$(cat g:s1)" = hello
setfattr -x 'user.DosStream.s1:$DATA' g
check stream_delete_xattr "removing the attribute should delete the stream" test ! -e g:s1
check stream_bad_name "a stream name with ':' should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n 'user.DosStream.a:b:$DATA' -v x g)"
check stream_bad_path "g:a/b cannot name a stream" test ! -e 'g:a/b'
echo s >g:last
rm g
echo new >g
check stream_delete_with_file "a new file of the same name should have no streams" \
    test -z "$(getfattr --only-values -n user.fsp.streams g)"
check stream_dir "a directory should take streams too" \
    sh -c 'echo dirstream >d:s && test "$(cat d:s)" = dirstream'
check volume_serial "the root should show user.fsp.volume_serial (16 hex digits)" \
    grep -qE '^[0-9a-f]{16}$' <<<"$(getfattr --only-values -n user.fsp.volume_serial .)"
check volume_crtime "the root should show an 8-byte user.fsp.volume_crtime" \
    test "$(xhex user.fsp.volume_crtime . | wc -c)" = 16
# ---- fsptool ----
echo t >t
echo hi | "$T" streams write t s1
head -c 100000 /dev/zero | "$T" streams write t big
check fsptool_streams_list "fsptool streams list should show both with sizes" \
    test "$("$T" streams list t | sort | tr '\n' ' ')" = "100000 big 3 s1 "
check fsptool_streams_cat "fsptool streams cat should give the bytes back" \
    test "$("$T" streams cat t s1)" = hi
"$T" streams delete t s1
check fsptool_streams_delete "fsptool streams delete should remove it" test ! -e t:s1
"$T" attrib t +h +r -a
check fsptool_attrib "fsptool attrib +h +r -a should give RH" \
    test "$("$T" attrib t)" = "0x00000003 RH"
"$T" crtime t 981173106
check fsptool_crtime "fsptool crtime should set and show the creation time" \
    grep -q '^2001-02-03 04:05:06' <<<"$("$T" crtime t)"
"$T" reparse d set 0x80000017 0102
check fsptool_reparse "fsptool reparse should set and show tag and data" \
    test "$("$T" reparse d | tr '\n' ' ')" = "tag 0x80000017 data 0102 "
check fsptool_volume "fsptool volume should show label, serial and creation time" \
    grep -q '^serial  [0-9a-f]\{16\}$' <<<"$("$T" volume .)"
cd / || exit 1

# ---- a volume without the Windows set ----
P=$work/p
mount_memfs "$P"
echo x >"$P/f"
check off_reparse "reparse data on a volume without -P should be EOPNOTSUPP" \
    grep -q 'not supported' <<<"$(err_of setfattr -n system.ntfs_reparse_data -v "$buf" "$P/f")"
check off_streams "user.fsp.streams on a volume without -N should be EOPNOTSUPP" \
    grep -q 'not supported' <<<"$(err_of getfattr -n user.fsp.streams "$P/f")"
check off_stream_paths "streams_interface=windows should refuse a volume without streams" \
    sh -c "! '$memfs' -o streams_interface=windows '$work/q' 2>/dev/null" 
check off_attrib "system.ntfs_attrib works on every volume" \
    test "$(xhex system.ntfs_attrib "$P/f")" = 20000000
echo y >"$P/r"; setfattr -n system.ntfs_attrib -v 0x01000000 "$P/r"
check off_readonly "the read-only bit is not enforced without -R" sh -c "echo z >>'$P/r'"

# ---- through Samba ----
if ! command -v smbd >/dev/null || ! command -v smbclient >/dev/null; then
    skip samba "Debian's samba and smbclient are not installed"
    exit 0
fi
S=$work/s
mount_memfs "$S" -W -i -o streams_interface=windows,allow_other
# A case-only rename: rename(2) cannot (docs/windows.md), user.fsp.case_name can.
touch "$S/Foo"
setfattr -n user.fsp.case_name -v FOO "$S/foo"
check case_name_rename "user.fsp.case_name should change only the case" \
    test "$(ls "$S")" = FOO
check case_name_other_name "user.fsp.case_name with another name should be EINVAL" \
    grep -q 'Invalid argument' <<<"$(err_of setfattr -n user.fsp.case_name -v bar "$S/FOO")"
rm "$S/FOO"
# Not in $(...): samba_start exports what samba_client and samba_stop use.
if ! samba_start wm "$S" "vfs objects = streams_xattr" \
        "ea support = yes" "store dos attributes = yes" \
        "case sensitive = no" >"$work/samba_start.log" 2>&1; then
    fail samba_start "$(tail -1 "$work/samba_start.log")"
    exit 1
fi
chown "$SAMBA_USER" "$S"
echo fromsmb >"$work/l1"
samba_client -c "put $work/l1 a.txt; put $work/l1 a.txt:smbs" >/dev/null 2>&1
check smb_stream_to_native "a stream put over SMB should be a native stream" \
    test "$(cat "$S/a.txt:smbs")" = fromsmb
printf native >"$S/a.txt:nat"
rm -f "$work/l2"
samba_client -c "get a.txt:nat $work/l2" >/dev/null 2>&1
check smb_native_to_stream "a native stream should be readable over SMB" \
    test "$(cat "$work/l2" 2>/dev/null)" = native
info=$(samba_client -c "allinfo a.txt" 2>/dev/null)
check smb_stream_list "allinfo should list both streams" \
    grep -q ':nat:\$DATA' <<<"$info"
samba_client -c "setmode a.txt +h" >/dev/null 2>&1
check smb_setmode_hidden "setmode +h should be FSP_ATTR_HIDDEN in system.ntfs_attrib" \
    test "$(( 0x$(xhex system.ntfs_attrib "$S/a.txt" | cut -c1-2) & 2 ))" = 2
setfattr -n system.ntfs_crtime -v "0x$le" "$S/a.txt"
check smb_crtime "allinfo should show the native creation time (2001-02-03)" \
    grep -q 'create_time:.*Feb  3 04:05:06 2001' <<<"$(samba_client -c 'allinfo a.txt' 2>/dev/null)"
samba_client -c "utimes a.txt 99:02:03-04:05:06 -1 -1 -1" >/dev/null 2>&1
check smb_crtime_set "a creation time set over SMB should be the native one" \
    grep -q '^1999-02-03 04:05:06' <<<"$("$T" crtime "$S/a.txt")"
echo mixed >"$S/MixedCase.TXT"
rm -f "$work/l3"
samba_client -c "get mixedcase.txt $work/l3" >/dev/null 2>&1
check smb_case_insensitive "a case-insensitive share should find MixedCase.TXT as mixedcase.txt" \
    test "$(cat "$work/l3" 2>/dev/null)" = mixed
samba_restart >/dev/null 2>&1
check smb_after_restart "attributes should survive a Samba restart (they are native)" \
    grep -q 'attributes: HA' <<<"$(samba_client -c 'allinfo a.txt' 2>/dev/null)"
