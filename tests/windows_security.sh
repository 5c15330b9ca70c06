#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Security descriptors on a real mount: tests/windows_security.sh BUILDDIR
#
# memfs --security, driven the way people drive it: getfattr/setfattr of
# system.ntfs_acl as ntfs-3g users script them, chmod/chown/setfacl
# reflected in the descriptor and a descriptor in ls -l/getfacl, NTFS
# inheritance at create, bad descriptors refused with nothing changed,
# a volume without descriptors refusing them; then a real smbd sharing
# the mount (tests/lib/samba.sh): a DACL set with smbcacls reads back
# identical after smbd restarts, fsptool shows it as the same SDDL, and
# ls -l shows the mode it maps to.
#
# Needs root.  Prints PASS/FAIL/SKIP lines; leaves nothing behind.
# FSP_WIN_OPTS: more memfs arguments for every mount (a configuration,
# e.g. "-o io_uring" or "-C"), FSP_WIN_LABEL: a prefix for every case
# name; tests/windows_matrix.sh runs this script per configuration.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
T=$(mktemp -d /tmp/fsp-winsec.XXXXXX)
chmod 755 "$T"   # smbd serves the share as the test user
M=$T/mnt
MEMFS_PID=""
FSPTOOL=$BUILD/fsptool
# shellcheck source=tests/lib/samba.sh
. "$ROOT/tests/lib/samba.sh"

label=${FSP_WIN_LABEL:-}
read -ra config <<<"${FSP_WIN_OPTS:-}"
pass() { echo "PASS: $label$1"; }
fail() { echo "FAIL: $label$1${2:+: $2}"; }
skip() { echo "SKIP: $label$1${2:+: $2}"; }
check() { # check NAME GOT WANT
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

cleanup() {
    samba_stop
    if grep -q " $M " /proc/self/mountinfo; then
        fusermount3 -u "$M" 2>/dev/null || umount -l "$M"
    fi
    [ -n "$MEMFS_PID" ] && kill "$MEMFS_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
    skip "windows security" "needs root"
    exit 0
fi

mount_memfs() { # mount_memfs ARGS...: memfs in the foreground on $M
    mkdir -p "$M"
    "$BUILD/memfs" -f "${config[@]}" "$@" "$M" 2>"$T/memfs.err" &
    MEMFS_PID=$!
    local i
    for i in $(seq 1 100); do
        grep -q " $M " /proc/self/mountinfo && return 0
        sleep 0.05
    done
    fail "memfs $* mounts" "$(head -2 "$T/memfs.err")"
    exit 0
}

unmount_memfs() { # and judge what memfs said (a sanitizer build reports here)
    fusermount3 -u "$M"
    wait "$MEMFS_PID" 2>/dev/null
    MEMFS_PID=""
    if grep -q "Sanitizer\|runtime error" "$T/memfs.err"; then
        fail "memfs $1: no sanitizer report" "$(grep -m3 "Sanitizer\|runtime error" "$T/memfs.err")"
    else pass "memfs $1: no sanitizer report"; fi
}

sddl() { "$FSPTOOL" sd get "$1" 2>&1; }
ntfs_acl() { getfattr -h -e hex -n system.ntfs_acl "$1" 2>/dev/null |
                 sed -n 's/^system.ntfs_acl=//p'; }

# --- a volume without descriptors -------------------------------------
mount_memfs
touch "$M/f"
err=$(getfattr -h -n system.ntfs_acl "$M/f" 2>&1)
case $err in *"Operation not supported"*) pass "no --security: getfattr system.ntfs_acl is EOPNOTSUPP" ;;
    *) fail "no --security: getfattr system.ntfs_acl is EOPNOTSUPP" "$err" ;; esac
if "$FSPTOOL" sd set "$M/f" 'D:(A;;FA;;;WD)' 2>/dev/null; then
    fail "no --security: fsptool sd set fails"
else pass "no --security: fsptool sd set fails"; fi
unmount_memfs "without --security"

# --- memfs --security -A (POSIX ACLs as views of the descriptor) ----------
mount_memfs --security -A -o allow_other
U=S-1-22-1-0 G=S-1-22-2-0
touch "$M/f"
chmod 640 "$M/f"
check "new file: descriptor from the mode" "$(sddl "$M/f")" \
    "O:${U}G:${G}D:P(A;;0x1f019f;;;$U)(A;;FR;;;$G)(A;;0x120088;;;WD)"

hex=$(ntfs_acl "$M/f")
case $hex in 0x01000490*) pass "getfattr -e hex system.ntfs_acl: a self-relative descriptor" ;;
    *) fail "getfattr -e hex system.ntfs_acl: a self-relative descriptor" "$hex" ;; esac

# setfattr of a descriptor copied from another file, as ntfs-3g users
# copy ACLs between files.
touch "$M/g"
"$FSPTOOL" sd set "$M/g" "O:S-1-22-1-1234G:S-1-22-2-99D:P(A;;FA;;;S-1-22-1-1234)(A;;0x1200a9;;;S-1-22-2-99)(A;;FR;;;WD)"
setfattr -h -n system.ntfs_acl -v "$(ntfs_acl "$M/g")" "$M/f"
check "setfattr system.ntfs_acl: same descriptor" "$(ntfs_acl "$M/f")" "$(ntfs_acl "$M/g")"
check "descriptor decides ls -l" "$(stat -c '%A %u %g' "$M/f")" "-rwxr-xr-- 1234 99"
check "descriptor decides getfacl" "$(getfacl -cn "$M/f" 2>/dev/null | grep . | tr '\n' ' ')" \
    "user::rwx group::r-x other::r-- "

# chmod, chown and setfacl edit the descriptor.
chmod 604 "$M/f"
check "chmod 604 edits the descriptor" "$(sddl "$M/f")" \
    "O:S-1-22-1-1234G:S-1-22-2-99D:P(A;;0x1f019f;;;S-1-22-1-1234)(A;;0x120088;;;S-1-22-2-99)(D;;0x1;;;S-1-22-2-99)(A;;FR;;;WD)"
check "chmod 604: ls -l" "$(stat -c %A "$M/f")" "-rw----r--"
chown 42:43 "$M/f"
check "chown 42:43 edits the descriptor" "$(sddl "$M/f" | cut -c1-28)" "O:S-1-22-1-42G:S-1-22-2-43D:"
setfacl -m u::rwx,g::r-x,o::--- "$M/f"
check "setfacl u::rwx,g::r-x,o::--- edits the descriptor" "$(sddl "$M/f")" \
    "O:S-1-22-1-42G:S-1-22-2-43D:P(A;;0x1f01bf;;;S-1-22-1-42)(A;;0x1200a9;;;S-1-22-2-43)(A;;0x120088;;;WD)"
check "setfacl: ls -l" "$(stat -c %A "$M/f")" "-rwxr-x---"
setfacl -m u:1234:rw,g:77:r "$M/f"
case $(sddl "$M/f") in *"(A;;0x12018f;;;S-1-22-1-1234)"*"(A;;FR;;;S-1-22-2-77)"*)
    pass "setfacl -m u:1234:rw,g:77:r: ACEs in the descriptor" ;;
    *) fail "setfacl -m u:1234:rw,g:77:r: ACEs in the descriptor" "$(sddl "$M/f")" ;; esac
check "setfacl named entries: getfacl" "$(getfacl -cn "$M/f" 2>/dev/null | grep . | tr '\n' ' ')" \
    "user::rwx user:1234:rw- group::r-x group:77:r-- mask::rwx other::--- "
"$FSPTOOL" sd set "$M/f" "O:S-1-22-1-42G:S-1-22-2-43D:P(A;;FA;;;S-1-22-1-42)(A;;FR;;;S-1-22-1-555)(A;;0x1200a9;;;S-1-22-2-43)"
check "a descriptor's extra ACE: getfacl" "$(getfacl -cn "$M/f" 2>/dev/null | grep . | tr '\n' ' ')" \
    "user::rwx user:555:r-- group::r-x mask::r-x other::--- "
setfacl -b "$M/f"
check "setfacl -b drops the extra ACE" "$(sddl "$M/f")" \
    "O:S-1-22-1-42G:S-1-22-2-43D:P(A;;0x1f01bf;;;S-1-22-1-42)(A;;0x1200a9;;;S-1-22-2-43)(A;;0x120088;;;WD)"

# A descriptor that takes rights away from the owner: the kernel, which
# checks the derived mode, refuses an ordinary user (nobody owns it).
touch "$M/nobody"
chmod 666 "$M/nobody"
"$FSPTOOL" sd set "$M/nobody" "O:S-1-22-1-65534G:S-1-22-2-65534D:P(A;;FR;;;S-1-22-1-65534)(A;;FR;;;WD)"
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo x >> '$M/nobody'" 2>/dev/null; then
    fail "the kernel checks the derived mode" "nobody could write"
else pass "the kernel checks the derived mode"; fi

# NTFS inheritance.
mkdir "$M/d"
"$FSPTOOL" sd set "$M/d" "D:P(A;OICIIO;GA;;;CO)(A;OICI;FR;;;WD)(A;;FA;;;$U)"
touch "$M/d/x"
mkdir "$M/d/y"
check "create inherits OI (file)" "$(sddl "$M/d/x")" \
    "O:${U}G:${G}D:AI(A;ID;FA;;;$U)(A;ID;FR;;;WD)"
check "create inherits OI|CI (directory), CREATOR OWNER split" "$(sddl "$M/d/y")" \
    "O:${U}G:${G}D:AI(A;ID;FA;;;$U)(A;OICIIOID;GA;;;CO)(A;OICIID;FR;;;WD)"
check "inherited descriptor decides the mode" "$(stat -c %A "$M/d/x")" "-rwxr--r--"
mkdir "$M/dd"
setfacl -d -m u:1234:rx "$M/dd"
touch "$M/dd/x"
case $(sddl "$M/dd/x") in *"(A;ID;0x1200a9;;;S-1-22-1-1234)"*)
    pass "setfacl -d: a default ACL is inherited as NTFS ACEs" ;;
    *) fail "setfacl -d: a default ACL is inherited as NTFS ACEs" "$(sddl "$M/dd/x")" ;; esac

# Bad input changes nothing.
before=$(ntfs_acl "$M/f")
for bad in 0x02000480140000000000000000000000 0x0100 \
    0x010004801400000000000000000000001400000002000c000100000000001800ffffffff \
    0x01000480140000000000000000000000ff000000; do
    setfattr -h -n system.ntfs_acl -v "$bad" "$M/f" 2>"$T/err"
    grep -q "Invalid argument" "$T/err" || { fail "bad descriptor $bad: EINVAL" "$(cat "$T/err")"; continue; }
    check "bad descriptor $bad: EINVAL, unchanged" "$(ntfs_acl "$M/f")" "$before"
done
if "$FSPTOOL" sd set "$M/f" "D:(A;;FA;;;WD" 2>/dev/null; then
    fail "malformed SDDL refused"
else check "malformed SDDL refused, unchanged" "$(ntfs_acl "$M/f")" "$before"; fi
if setfattr -h -x system.ntfs_acl "$M/f" 2>/dev/null; then
    fail "removing the descriptor is refused"
else pass "removing the descriptor is refused"; fi
# Only the owner (or CAP_FOWNER) changes a descriptor.
chmod 777 "$M/f"
if setpriv --reuid=65534 --regid=65534 --clear-groups \
    setfattr -h -n system.ntfs_acl -v "$(ntfs_acl "$M/g")" "$M/f" 2>/dev/null; then
    fail "a stranger cannot set the descriptor"
else pass "a stranger cannot set the descriptor"; fi

# --- Samba -----------------------------------------------------------------
if ! command -v smbd >/dev/null || ! command -v smbcacls >/dev/null; then
    skip "samba" "smbd or smbcacls not installed (apt-get install samba smbclient)"
    exit 0
fi
mkdir "$M/share"
chmod 777 "$M/share"
if ! samba_start 11 "$M/share" "vfs objects = acl_xattr"; then
    fail "samba starts on the memfs mount"
    exit 0
fi
pass "samba starts on the memfs mount"
echo hello >"$T/hello"
samba_client -c "put $T/hello f.txt" >"$T/put.out" 2>&1 ||
    cat "$T/put.out"
uid=$(id -u "$SAMBA_USER")
gid=$(id -g "$SAMBA_USER")
check "smbclient put: owned by the user" "$(stat -c %u "$M/share/f.txt" 2>&1)" "$uid"
cacls() { ip netns exec "$SAMBA_CLIENT_NS" smbcacls "//$SAMBA_ADDR/fsp" f.txt \
              -U "$SAMBA_USER%$SAMBA_PASS" --numeric "$@" 2>&1; }
UO=S-1-22-1-$uid GO=S-1-22-2-$gid
out=$(cacls --set "OWNER:$UO,GROUP:$GO,ACL:$UO:ALLOWED/0x0/FULL,ACL:S-1-1-0:ALLOWED/0x0/READ")
if [ -n "$out" ]; then fail "smbcacls --set" "$out"; else pass "smbcacls --set"; fi
first=$(cacls)
# --numeric: type 0 is allowed; FULL is 0x1f01ff, READ 0x1200a9.
case $first in *"ACL:S-1-1-0:0/0x0/0x001200a9"*"ACL:$UO:0/0x0/0x001f01ff"*)
    pass "smbcacls reads the DACL back" ;;
    *) fail "smbcacls reads the DACL back" "$first" ;; esac
if samba_restart; then
    check "smbcacls after smbd restarts: identical" "$(cacls)" "$first"
else
    fail "smbd restarts"
fi
check "fsptool shows the descriptor smbcacls set" "$(sddl "$M/share/f.txt")" \
    "O:${UO}G:${GO}D:(A;;0x1200a9;;;WD)(A;;FA;;;$UO)"
check "ls -l shows the mapped mode and owner" "$(stat -c '%A %u %g' "$M/share/f.txt")" \
    "-rwxr-xr-x $uid $gid"
check "getfacl shows the mapped ACL" "$(getfacl -cn "$M/share/f.txt" 2>/dev/null | grep . | tr '\n' ' ')" \
    "user::rwx group::r-x other::r-x "
# And back: chmod on Linux is what the Windows side sees (others lose
# read data and execute: 0x1200a9 -> 0x120088).
chmod 750 "$M/share/f.txt"
case $(cacls) in *"ACL:S-1-1-0:0/0x0/0x00120088"*) pass "chmod 750 seen over SMB" ;;
    *) fail "chmod 750 seen over SMB" "$(cacls)" ;; esac
exit 0
