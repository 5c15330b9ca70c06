#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Who may change Windows metadata (docs/windows.md "Who may change what",
# docs/security.md): the kernel passes system.* names through unchecked,
# so fsp allows changing system.ntfs_attrib, _crtime, _reparse_data and
# system.ntfs_acl (and user.DOSATTRIB, which sets the same attributes)
# only to the file's owner or a caller with CAP_FOWNER; a descriptor that
# gives the file away needs CAP_CHOWN.  Checked with other users on a
# memfs -W -o allow_other mount (file mode 0666, so the kernel's own
# write check lets everyone through and only fsp's rule decides), and on
# a mount without allow_other, where the kernel refuses other users
# everything (EACCES) before fsp sees them.
#
#   tests/windows_owner.sh [BUILDDIR]     (default: build)
#
# FSP_WIN_OPTS: more memfs arguments (a configuration: over io_uring the
# caller's uid, gid and pid arrive through the ring, not /dev/fuse),
# FSP_WIN_LABEL: a prefix for every case name (tests/windows_matrix.sh).
# Needs root (setpriv to other uids; no users are created: setpriv takes
# numeric ids).  One PASS/FAIL/SKIP line per case; leaves nothing behind.
# shellcheck disable=SC2016,SC2317  # "$DATA" is literal; helpers run through expect/erofs and the trap
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
memfs=$(realpath "$build/memfs")
T=$(realpath "$build/fsptool")
label=${FSP_WIN_LABEL:-}
read -ra config <<<"${FSP_WIN_OPTS:-}"
pass() { echo "PASS: ${label}owner_$1"; }
fail() { echo "FAIL: ${label}owner_$1: $2"; }
skip() { echo "SKIP: ${label}owner_$1: $2"; }

if [ "$(id -u)" -ne 0 ]; then
    skip all "needs root (setpriv to other users)"
    exit 0
fi
for c in getfattr setfattr setpriv; do
    command -v $c >/dev/null || { skip all "$c not installed"; exit 0; }
done
work=$(mktemp -d /tmp/fsp-winown.XXXXXX)
chmod 755 "$work"   # other users walk to the mount below it
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

owner=64101 stranger=64102
# as UID CAPS CMD...: CMD as UID (its own group, no others), with the
# capabilities CAPS ("-" for none, e.g. "+fowner,+chown") kept ambient.
as() {
    local uid=$1 caps=$2
    shift 2
    if [ "$caps" = - ]; then
        setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"
    else
        setpriv --reuid "$uid" --regid "$uid" --clear-groups \
            --inh-caps "$caps" --ambient-caps "$caps" "$@"
    fi
}
# expect NAME WANT CMD...: WANT is ok, EPERM or EACCES.
expect() {
    local name=$1 want=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    case $want in
    ok) [ $rc -eq 0 ] && { pass "$name"; return; } ;;
    EPERM) [ $rc -ne 0 ] && grep -q 'Operation not permitted' <<<"$out" &&
        { pass "$name"; return; } ;;
    EACCES) [ $rc -ne 0 ] && grep -q 'Permission denied' <<<"$out" &&
        { pass "$name"; return; } ;;
    esac
    fail "$name" "want $want, got status $rc: $(tail -1 <<<"$out")"
}
xhex() { getfattr -h --only-values -n "$1" "$2" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'; }
sid() { echo "S-1-22-1-$1"; }
gsid() { echo "S-1-22-2-$1"; }
# A descriptor (SDDL) owned by uid $1, group $1, the owner full, others read.
sd_of() { echo "O:$(sid "$1")G:$(gsid "$1")D:P(A;;FA;;;$(sid "$1"))(A;;FR;;;WD)"; }
dosattrib=0x3078360004000400000011000000060000000000000000000000000000000000000000
reparse=0x170000800400000001020304

# ---- allow_other: other users reach the mount, fsp's rule decides ----
A=$work/a
mkdir "$A"
if ! "$memfs" "${config[@]}" -W -o allow_other,streams_interface=windows "$A" 2>"$work/err"; then
    fail mount "memfs -W -o allow_other,streams_interface=windows ${config[*]}: $(tail -1 "$work/err")"
    exit 0
fi
chmod 777 "$A"
# f: root's, g: the owner's; both writable by everyone.
for x in f g; do
    echo data >"$A/$x" && chmod 666 "$A/$x"
    setfattr -n system.ntfs_reparse_data -v "$reparse" "$A/$x"
done
chown "$owner:$owner" "$A/g"
chmod 666 "$A/g"   # chown cleared nothing, but keep the mode explicit
f=$A/f g=$A/g
attrib_f=$(xhex system.ntfs_attrib "$f")
crtime_f=$(xhex system.ntfs_crtime "$f")
sd_f=$("$T" sd get "$f")

# A stranger with write access: may read everything, change no system.* name.
expect stranger_reads_attrib ok as $stranger - getfattr -n system.ntfs_attrib "$f"
expect stranger_reads_descriptor ok as $stranger - getfattr -n system.ntfs_acl "$f"
expect stranger_reads_reparse ok as $stranger - getfattr -n system.ntfs_reparse_data "$f"
expect stranger_attrib EPERM as $stranger - setfattr -n system.ntfs_attrib -v 0x02000000 "$f"
expect stranger_crtime EPERM as $stranger - setfattr -n system.ntfs_crtime -v 0x0000000000000001 "$f"
expect stranger_dosattrib EPERM as $stranger - setfattr -n user.DOSATTRIB -v "$dosattrib" "$f"
expect stranger_reparse_set EPERM as $stranger - setfattr -n system.ntfs_reparse_data -v "$reparse" "$f"
expect stranger_reparse_remove EPERM as $stranger - setfattr -x system.ntfs_reparse_data "$f"
expect stranger_descriptor EPERM as $stranger - "$T" sd set "$f" "$sd_f"
expect stranger_fsptool_attrib EPERM as $stranger - "$T" attrib "$f" +h
if [ "$(xhex system.ntfs_attrib "$f")" = "$attrib_f" ] &&
   [ "$(xhex system.ntfs_crtime "$f")" = "$crtime_f" ] &&
   [ "0x$(xhex system.ntfs_reparse_data "$f")" = "$reparse" ] &&
   [ "$("$T" sd get "$f")" = "$sd_f" ]; then
    pass stranger_changed_nothing
else
    fail stranger_changed_nothing "attrib $(xhex system.ntfs_attrib "$f"), sd $("$T" sd get "$f")"
fi
# Streams are data: write access to the file is enough (the kernel checks).
expect stranger_stream_xattr ok as $stranger - setfattr -n 'user.DosStream.s:$DATA' -v x "$f"
expect stranger_stream_path_write ok as $stranger - sh -c "echo y >>'$f:s'"
expect stranger_stream_xattr_remove ok as $stranger - setfattr -x 'user.DosStream.s:$DATA' "$f"
# FILE:NAME create and unlink are a create and an unlink in the directory
# to the kernel, which checks write access to the directory (may_create,
# may_delete) before fsp sees them; NTFS asks for write access to the
# file.  The root-owned directory here is not writable by the stranger.
chmod 755 "$A"
kernel_dir_rule() { # NAME CMD...: ok, or the kernel's EACCES (declared)
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then pass "$name"
    elif grep -q 'Permission denied' <<<"$out"; then
        skip "$name" "the kernel checks write access to the directory for FILE:NAME create/unlink (may_create/may_delete) before FUSE sees it; NTFS needs only write access to the file; user.DosStream.NAME:\$DATA is the way for such callers"
    else fail "$name" "$(tail -1 <<<"$out")"; fi
}
echo s >"$f:s2"
kernel_dir_rule stranger_stream_path_create as $stranger - sh -c "echo y >'$f:new'"
kernel_dir_rule stranger_stream_path_unlink as $stranger - rm "$f:s2"
chmod 777 "$A"
chmod 644 "$f"
expect stranger_stream_xattr_no_write EACCES as $stranger - setfattr -n 'user.DosStream.t:$DATA' -v x "$f"
chmod 666 "$f"

# The owner (no capabilities) may change its own file's names.
expect owner_attrib ok as $owner - setfattr -n system.ntfs_attrib -v 0x02000000 "$g"
expect owner_crtime ok as $owner - setfattr -n system.ntfs_crtime -v 0x0000000000000001 "$g"
expect owner_dosattrib ok as $owner - setfattr -n user.DOSATTRIB -v "$dosattrib" "$g"
expect owner_reparse_remove ok as $owner - setfattr -x system.ntfs_reparse_data "$g"
expect owner_reparse_set ok as $owner - setfattr -n system.ntfs_reparse_data -v "$reparse" "$g"
expect owner_descriptor ok as $owner - "$T" sd set "$g" "$(sd_of $owner)"
# ... but giving it away is chown's business (CAP_CHOWN).
expect owner_descriptor_give_away EPERM as $owner - "$T" sd set "$g" "$(sd_of $stranger)"
if [ "$(stat -c %u "$g")" = $owner ]; then pass owner_still_owns
else fail owner_still_owns "uid $(stat -c %u "$g")"; fi

# CAP_FOWNER stands in for the owner; CAP_CHOWN is still needed to give away.
expect fowner_attrib ok as $stranger +fowner setfattr -n system.ntfs_attrib -v 0x04000000 "$f"
expect fowner_reparse_remove ok as $stranger +fowner setfattr -x system.ntfs_reparse_data "$f"
expect fowner_descriptor ok as $stranger +fowner "$T" sd set "$f" "$(sd_of 0)"
expect fowner_descriptor_give_away EPERM as $stranger +fowner "$T" sd set "$f" "$(sd_of $stranger)"
expect fowner_chown_descriptor_give_away ok as $stranger +fowner,+chown "$T" sd set "$f" "$(sd_of $stranger)"
if [ "$(stat -c %u "$f")" = $stranger ]; then pass fowner_chown_gave_away
else fail fowner_chown_gave_away "uid $(stat -c %u "$f")"; fi
fusermount3 -u "$A" 2>/dev/null || umount -l "$A"

# ---- without allow_other: the kernel refuses other users outright ----
B=$work/b
mkdir "$B"
if ! "$memfs" "${config[@]}" -W "$B" 2>"$work/err"; then
    fail mount_private "memfs -W ${config[*]}: $(tail -1 "$work/err")"
    exit 0
fi
chmod 777 "$B"
echo data >"$B/g" && chown "$owner:$owner" "$B/g" && chmod 666 "$B/g"
expect private_owner_reads EACCES as $owner - getfattr -n system.ntfs_attrib "$B/g"
expect private_owner_attrib EACCES as $owner - setfattr -n system.ntfs_attrib -v 0x02000000 "$B/g"
expect private_fowner_attrib EACCES as $stranger +fowner setfattr -n system.ntfs_attrib -v 0x02000000 "$B/g"
expect private_owner_descriptor EACCES as $owner - "$T" sd set "$B/g" "$(sd_of $owner)"
if [ "$(xhex system.ntfs_attrib "$B/g")" = 20000000 ]; then pass private_unchanged
else fail private_unchanged "attrib $(xhex system.ntfs_attrib "$B/g")"; fi
expect private_root_attrib ok setfattr -n system.ntfs_attrib -v 0x02000000 "$B/g"
fusermount3 -u "$B" 2>/dev/null || umount -l "$B"
exit 0
