#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Unprivileged mounts: memfs run by an ordinary user mounts through
# Debian's fusermount3, serves that user, keeps other users (root
# included) out without allow_other, unmounts on SIGTERM, and is
# unmounted by its watchdog when killed.
#
#   tests/usermount.sh BUILDDIR
#
# Needs root to set up: it creates the user fsptest if missing (and
# removes it again), and makes /dev/fuse usable by others for the run
# (Debian ships it 0666; some machines have 0600), restoring its mode.
set -u
build=${1:-build}
user=fsptest
created_user=0
fuse_mode=$(stat -c %a /dev/fuse)
tmp=$(mktemp -d /tmp/fsp-user.XXXXXX)
pid=

pass() { echo "PASS: usermount_$1"; }
fail() { echo "FAIL: usermount_$1: $2"; }
mounted() { awk -v m="$tmp/mnt" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
wait_mounted() { for _ in $(seq 100); do mounted && return 0; sleep 0.1; done; return 1; }
wait_gone() { for _ in $(seq 100); do mounted || return 0; sleep 0.1; done; return 1; }
as_user() { setpriv --reuid "$user" --regid "$user" --clear-groups "$@"; }

cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    mounted && umount -l "$tmp/mnt"
    chmod "$fuse_mode" /dev/fuse
    rm -rf "$tmp"
    [ $created_user = 1 ] && userdel -r "$user" 2>/dev/null
}
trap cleanup EXIT

if ! id "$user" >/dev/null 2>&1; then
    useradd -m -s /bin/sh "$user" || { fail setup "useradd failed"; exit 1; }
    created_user=1
fi
if ! command -v fusermount3 >/dev/null; then
    fail setup "fusermount3 missing (tests/deps.sh installs fuse3)"
    exit 1
fi
chmod 0666 /dev/fuse
uid=$(id -u "$user")
# The build tree may sit under a directory the user cannot enter.
install -m 0755 "$build/memfs" "$tmp/memfs"
mkdir "$tmp/mnt"
chown "$user:" "$tmp/mnt"
chmod 0755 "$tmp"

# --- mount, use, unmount on SIGTERM -------------------------------------
setpriv --reuid "$user" --regid "$user" --clear-groups "$tmp/memfs" -f "$tmp/mnt" 2>"$tmp/err" &
pid=$!
if wait_mounted; then
    line=$(awk -v m="$tmp/mnt" '$5 == m' /proc/self/mountinfo)
    case "$line" in
        *" fuse.memfs memfs "*"user_id=$uid"*) pass mount ;;
        *) fail mount "unexpected mountinfo: $line" ;;
    esac
else
    fail mount "no mount within 10 s: $(cat "$tmp/err")"
fi

if as_user sh -c "echo hello > '$tmp/mnt/f' && mkdir '$tmp/mnt/d' && cat '$tmp/mnt/f'" \
        2>"$tmp/use.err" | grep -qx hello &&
   [ "$(as_user stat -c %u "$tmp/mnt/f")" = "$uid" ]; then
    pass use
else
    fail use "$(cat "$tmp/use.err")"
fi

# Without allow_other the kernel refuses everyone but the mounting user.
if stat "$tmp/mnt/f" >/dev/null 2>&1; then
    fail others_kept_out "root could stat a file on a user mount without allow_other"
else
    pass others_kept_out
fi

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ $status -eq 0 ] && wait_gone; then
    pass sigterm_unmounts
else
    fail sigterm_unmounts "exit status $status, mounted: $(mounted && echo yes || echo no)"
fi

# --- killed: the watchdog unmounts through fusermount3 -------------------
setpriv --reuid "$user" --regid "$user" --clear-groups "$tmp/memfs" -f "$tmp/mnt" 2>"$tmp/err" &
pid=$!
if wait_mounted; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    pid=
    if wait_gone; then
        pass sigkill_auto_unmount
    else
        fail sigkill_auto_unmount "the dead mount is still there after 10 s"
    fi
else
    fail sigkill_auto_unmount "no mount within 10 s: $(cat "$tmp/err")"
fi
exit 0
