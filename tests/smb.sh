#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp volumes served by a real smbd (tests/lib/samba.sh) to many clients:
# 8 concurrent smbclient sessions from another network namespace each
# write, read back and delete files of their own in two shared
# directories while 4 more sessions list those directories over and
# over; nothing may be lost or corrupted (checksums on the server side,
# through the share's directory, and on read-back).  The same on a tmpfs
# share for comparison, then on memfs and on passthrough mounts.  Then:
# a change made in passthrough's source beside the mount reaches an SMB
# client at once; and smbd killed in the middle of a transfer loses
# nothing it acknowledged, while the fsp mount keeps serving.
#
#   tests/smb.sh BUILDDIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v smbd >/dev/null || ! command -v smbclient >/dev/null; then
    echo "SKIP: smb: smbd or smbclient is not installed (Debian: samba, smbclient)"
    exit 0
fi
# shellcheck source=tests/lib/samba.sh
. "$here/lib/samba.sh"

CLIENTS=8 LISTERS=4 FILES=8
tmp=$(mktemp -d /tmp/fsp-smb.XXXXXX)
pid=
pass() { echo "PASS: smb_$1"; }
fail() { echo "FAIL: smb_$1: $2"; }
cleanup() {
    samba_stop
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$tmp/share" && umount -l "$tmp/share"
    rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"   # smbd serves as the test's user, who must get in
mkdir "$tmp/share" "$tmp/src" "$tmp/local"

# The clients' files: distinct names, sizes from 1 byte to 300 KiB.
for c in $(seq "$CLIENTS"); do
    for f in $(seq "$FILES"); do
        head -c $(( (c * 7919 + f * 104729) % 307200 + 1 )) /dev/urandom \
            >"$tmp/local/c${c}_f$f"
    done
done
(cd "$tmp/local" && sha256sum c* >"$tmp/sums")

mount_kind() { # mount_kind tmpfs|memfs|passthrough
    case $1 in
    tmpfs) mount -t tmpfs -o size=256m fsp-smb "$tmp/share" ;;
    memfs) "$build/memfs" -f -o allow_other "$tmp/share" 2>"$tmp/fs.err" & pid=$! ;;
    passthrough)
        rm -rf "$tmp/src" && mkdir "$tmp/src"
        "$build/passthrough" -f -o allow_other "$tmp/src" "$tmp/share" 2>"$tmp/fs.err" & pid=$! ;;
    esac
    for _ in $(seq 100); do mountpoint -q "$tmp/share" && return 0; sleep 0.1; done
    return 1
}
umount_kind() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid"; wait "$pid"; pid=
    else
        umount "$tmp/share"
    fi
}

# client C PHASE: one smbclient session doing PHASE for client C's files
# (in directory d$((C % 2))): put, get (into $tmp/back/C), del.  Samba
# 4.17's smbd sometimes panics under this load ("Could not unlock share
# mode", on tmpfs as much as on fsp): the client then sees
# NT_STATUS_CONNECTION_DISCONNECTED and does its phase again, up to 3
# times (a repeated del may find a file gone already); the disconnects
# are counted and reported.
client() {
    local c=$1 phase=$2 d=d$(( $1 % 2 )) cmds="" f try out=$tmp/client.$1.$2
    for f in $(seq "$FILES"); do
        case $phase in
        put) cmds="$cmds put $tmp/local/c${c}_f$f $d/c${c}_f$f;" ;;
        get) cmds="$cmds get $d/c${c}_f$f $tmp/back/c${c}_f$f;" ;;
        del) cmds="$cmds del $d/c${c}_f$f;" ;;
        esac
    done
    for try in 1 2 3; do
        samba_client -E -c "$cmds" >"$out" 2>&1
        grep -q NT_STATUS_CONNECTION_DISCONNECTED "$out" || break
        echo "$c $phase" >>"$tmp/disconnects"
    done
    if [ "$phase" = del ] && [ "$try" -gt 1 ]; then
        ! grep NT_STATUS_ "$out" | grep -vq 'NT_STATUS_NO_SUCH_FILE\|NT_STATUS_OBJECT_NAME_NOT_FOUND'
    else
        ! grep -q NT_STATUS_ "$out"
    fi
}

# Listers: sessions listing both directories until $tmp/stop appears.
lister() {
    local n=0 bad=0
    while [ ! -e "$tmp/stop" ]; do
        if samba_client -c "ls d0; ls d1" >"$tmp/lister.$1.out" 2>&1; then
            n=$((n + 1))
        elif grep -q NT_STATUS_CONNECTION_DISCONNECTED "$tmp/lister.$1.out"; then
            echo "lister $1" >>"$tmp/disconnects"   # smbd's panic, see client
        else
            bad=$((bad + 1))
            cp "$tmp/lister.$1.out" "$tmp/lister.$1.bad"
        fi
    done
    echo "$n $bad" >"$tmp/lister.$1"
}

many_clients() { # many_clients KIND
    local kind=$1 phase c bad=0 lists=0 lbad=0 l
    rm -rf "$tmp/back" "$tmp/stop" "$tmp"/lister.* "$tmp/disconnects"; mkdir "$tmp/back"
    samba_client -c "mkdir d0; mkdir d1" >/dev/null 2>&1
    local lpids=()
    for l in $(seq "$LISTERS"); do lister "$l" & lpids+=($!); done
    for phase in put get del; do
        local pids=()
        for c in $(seq "$CLIENTS"); do client "$c" "$phase" & pids+=($!); done
        for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
        if [ "$phase" = put ]; then
            # Server side: what landed in the share, through its directory.
            (cd "$tmp/share" && for f in d0/* d1/*; do
                 echo "$(sha256sum <"$f" | cut -d' ' -f1)  ${f#d?/}"; done) |
                sort -k2 >"$tmp/server.sums"
            if sort -k2 "$tmp/sums" | cmp -s - "$tmp/server.sums"; then
                pass "${kind}_server_checksums"
            else
                fail "${kind}_server_checksums" "$(sort -k2 "$tmp/sums" | diff - "$tmp/server.sums" | head -3)"
            fi
        fi
    done
    touch "$tmp/stop"
    wait "${lpids[@]}"   # (not all jobs: smbd is one)
    for l in $(seq "$LISTERS"); do
        read -r n b <"$tmp/lister.$l" || { n=0; b=1; }
        lists=$((lists + n)) lbad=$((lbad + b))
    done
    local dis
    dis=$(cat "$tmp/disconnects" 2>/dev/null | wc -l)
    if [ "$bad" = 0 ]; then
        pass "${kind}_${CLIENTS}_clients_put_get_del ($dis sessions cut by smbd panics and redone)"
    else
        fail "${kind}_${CLIENTS}_clients_put_get_del" "$bad client sessions failed: $(cat "$tmp"/client.* | grep -m3 NT_STATUS)"
    fi
    if (cd "$tmp/back" && sha256sum -c --quiet "$tmp/sums") >"$tmp/back.log" 2>&1; then
        pass "${kind}_read_back_checksums"
    else
        fail "${kind}_read_back_checksums" "$(head -3 "$tmp/back.log")"
    fi
    local left
    left=$(find "$tmp/share/d0" "$tmp/share/d1" -type f | wc -l)
    if [ "$lbad" = 0 ] && [ "$lists" -gt 0 ] && [ "$left" = 0 ]; then
        pass "${kind}_listers ($lists listings)"
    else
        fail "${kind}_listers" "$lbad of $((lists + lbad)) listings failed, $left files left after delete: $(cat "$tmp"/lister.*.bad 2>/dev/null | grep -v '^ ' | head -3)"
    fi
}

# smbd killed in the middle of a 64 MB put: the files it acknowledged
# before are intact, the partial one holds a prefix of what was sent, and
# the fsp mount keeps serving, to smbd again after a restart.
kill_mid_transfer() { # kill_mid_transfer KIND
    local kind=$1
    head -c 64M /dev/urandom >"$tmp/big"
    samba_client -c "put $tmp/local/c1_f1 acked" >/dev/null 2>&1 ||
        { fail "${kind}_kill_smbd" "the first put failed"; return; }
    samba_client -c "put $tmp/big big" >/dev/null 2>&1 &
    local cpid=$! size=0
    for _ in $(seq 100); do
        size=$(stat -c %s "$tmp/share/big" 2>/dev/null || echo 0)
        [ "$size" -gt 1048576 ] && break
        sleep 0.05
    done
    samba_smbd_kill
    wait "$cpid"
    size=$(stat -c %s "$tmp/share/big" 2>/dev/null || echo 0)
    local why=""
    cmp -s "$tmp/local/c1_f1" "$tmp/share/acked" || why="acknowledged file changed"
    [ "$size" -gt 0 ] && ! cmp -s -n "$size" "$tmp/big" "$tmp/share/big" &&
        why="$why; the partial file is not a prefix of what was sent"
    echo fresh >"$tmp/share/after" && [ "$(cat "$tmp/share/after")" = fresh ] &&
        ls "$tmp/share" >/dev/null || why="$why; the mount stopped serving"
    if samba_restart && samba_client -c "get after $tmp/after.back" >/dev/null 2>&1 &&
        [ "$(cat "$tmp/after.back")" = fresh ]; then :; else
        why="$why; smbd did not serve again after a restart"
    fi
    if [ -z "$why" ]; then
        pass "${kind}_kill_smbd_mid_transfer (killed at $size of 67108864 bytes)"
    else
        fail "${kind}_kill_smbd_mid_transfer" "${why#; }"
    fi
    rm -f "$tmp/big" "$tmp/share/big" "$tmp/share/acked" "$tmp/share/after"
}

# A change made in passthrough's source, not through the mount, seen by
# an SMB client at once (passthrough's watcher; the kernel caches 60 s):
# one session reads the file and looks for a name not there yet (the
# kernel caches both), the source changes, a second session looks again.
# Before the watcher (1 s cache) the second session got "v2-": the size
# the kernel had cached, 3 bytes, cut what smbd read.
source_change() {
    echo v1 >"$tmp/src/coh.txt"
    chown "$SAMBA_USER" "$tmp/src/coh.txt"
    samba_client -c "get coh.txt $tmp/coh.1; ls appeared" >"$tmp/coh.log" 2>&1
    echo v2-longer-than-before >"$tmp/src/coh.txt"
    touch "$tmp/src/appeared"
    samba_client -c "get coh.txt $tmp/coh.2; ls appeared" >>"$tmp/coh.log" 2>&1
    if [ "$(cat "$tmp/coh.1" 2>/dev/null)" = v1 ] &&
        [ "$(cat "$tmp/coh.2" 2>/dev/null)" = v2-longer-than-before ] &&
        [ "$(grep -c ' appeared ' "$tmp/coh.log")" = 1 ]; then
        pass passthrough_source_change_seen_by_client
    else
        fail passthrough_source_change_seen_by_client \
            "got \"$(cat "$tmp/coh.1" 2>/dev/null)\" then \"$(cat "$tmp/coh.2" 2>/dev/null)\"; $(grep -c ' appeared ' "$tmp/coh.log") listings of the new name, expected 1"
    fi
}

for kind in ${SMB_KINDS:-tmpfs memfs passthrough}; do
    if ! mount_kind "$kind"; then
        fail "${kind}_mount" "$(cat "$tmp/fs.err" 2>/dev/null)"
        continue
    fi
    if ! samba_start smb "$tmp/share" >"$tmp/samba.log" 2>&1; then
        fail "${kind}_smbd" "$(tail -3 "$tmp/samba.log")"
        samba_stop; umount_kind; continue
    fi
    chown "$SAMBA_USER" "$tmp/share"
    many_clients "$kind"
    [ "$kind" = passthrough ] && source_change
    [ "$kind" != tmpfs ] && kill_mid_transfer "$kind"
    samba_stop
    umount_kind
done
