#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# NFS through NFS-Ganesha (VFS back end) exporting an fsp mount, memfs
# and passthrough over tmpfs, driven from another network namespace by
# libnfs: a tree copied in (NFSv3) and out (NFSv3 and NFSv4) with
# checksums, listed, renamed, deleted; then the same after the kernel
# dropped its caches, with the client's handles from before (its mount's
# root handle and open files' handles); then after ganesha restarted
# (its own caches gone too); and ganesha killed mid-transfer, which must
# lose nothing it acknowledged (COMMIT) and leave the mount serving.
# Last, passthrough -P with writeback caching, as an export should run.
# NFSv4 only reads: libnfs 4.0.0 fails NFSv4 writes above 2 KiB itself.
#
#   tests/nfs.sh BUILDDIR
# shellcheck disable=SC2015,SC2317  # A && B || C on purpose; cases run through case_
set -u
build=${1:-build}
build=${build%/}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/fsp-nfs.XXXXXX)
NFS_TAG=fspnfsx NFS_NET=77 NFS_DIR=$tmp/nfs
# shellcheck source=tests/nfs/lib.sh
. "$here/nfs/lib.sh"
fspid='' cpid=''
fs_name=''
pass() { echo "PASS: nfs_${fs_name}_$1"; }
fail() { echo "FAIL: nfs_${fs_name}_$1: $2"; }
skip() { echo "SKIP: nfs_$1: $2"; }
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
fs_stop() {
    [ -n "$fspid" ] && kill -TERM "$fspid" 2>/dev/null && wait "$fspid" 2>/dev/null
    fspid=''
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
}
client_stop() {
    [ -n "$cpid" ] || return 0
    echo quit 1>&"${CL[1]}" 2>/dev/null
    kill -TERM "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
    cpid=''
}
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    client_stop
    nfs_down
    fs_stop
    mounted "$tmp/src" && umount -l "$tmp/src"
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$(id -u)" = 0 ] || { skip all "needs root"; exit 0; }
for c in ganesha.nfsd rpcbind nfs-cp; do
    command -v "$c" >/dev/null || { skip all "$c is not installed (tests/deps.sh)"; exit 0; }
done
if ! cc -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/nfsclient" "$here/nfs/nfsclient.c" -lnfs 2>"$tmp/cc.err"; then
    skip all "libnfs-dev: $(head -1 "$tmp/cc.err")"; exit 0
fi
mkdir -p "$tmp/m" "$tmp/src" "$tmp/tree/sub" "$tmp/back"
# The tree: sizes around page, RPC and chunk boundaries.
head -c 1 /dev/urandom > "$tmp/tree/one"
head -c 3000 /dev/urandom > "$tmp/tree/small"
head -c 200000 /dev/urandom > "$tmp/tree/sub/mid"
head -c 3000000 /dev/urandom > "$tmp/tree/sub/big"
head -c 8000000 /dev/urandom > "$tmp/stream"
files="one small sub/mid sub/big"
sum() { sha256sum < "$1" | cut -d' ' -f1; }

nfs_net_up || { echo "FAIL: nfs_setup: network namespaces"; exit 0; }

# One line to the client, its answer back in $reply.
ask() {
    echo "$*" >&"${CL[1]}"
    reply=''
    IFS= read -r -t 60 reply <&"${CL[0]}" || reply="ERR no answer"
}
# ask, and the answer must start with OK.
ok() { ask "$@"; case $reply in OK*) return 0;; *) echo "$* -> $reply" >> "$tmp/why"; return 1;; esac; }
client_start() {
    coproc CL { exec ip netns exec "${NFS_TAG}c" "$tmp/nfsclient" "$NFS_SERVER" /fsp 3 2>&1; }
    cpid=$CL_PID
    IFS= read -r -t 30 reply <&"${CL[0]}"
    [ "$reply" = "OK mounted" ]
}
case_() { # case_ NAME CMD...: PASS when CMD succeeds, else FAIL with $tmp/why
    local name=$1; shift
    : > "$tmp/why"
    if "$@"; then pass "$name"; else fail "$name" "$(tail -2 "$tmp/why" | tr '\n' ' ')"; fi
}
same() { # same A B: equal contents
    [ "$(sum "$1")" = "$(sum "$2")" ] || { echo "$1 differs from $2" >> "$tmp/why"; return 1; }
}

# Copy the tree in under DIR, read it back, check it on the mount too.
round() { # round DIR
    local d=$1 f
    ok mkdir "/$d" && ok mkdir "/$d/sub" || return 1
    for f in $files; do ok put "$tmp/tree/$f" "/$d/$f" || return 1; done
    for f in $files; do
        rm -f "$tmp/back/x"
        ok get "/$d/$f" "$tmp/back/x" && same "$tmp/tree/$f" "$tmp/back/x" &&
            same "$tmp/tree/$f" "$tmp/m/$d/$f" || return 1
    done
}
listing() { # listing DIR WANT
    ask ls "/$1"
    [ "$reply" = "OK $2" ] || { echo "ls /$1: $reply, want OK $2" >> "$tmp/why"; return 1; }
}
rename_delete() { # rename_delete DIR
    local d=$1
    ok mv "/$d/small" "/$d/small2" && ok mv "/$d/sub" "/$d/sub2" &&
        listing "$d" "one small2 sub2" && [ -f "$tmp/m/$d/sub2/big" ] &&
        ok rm "/$d/one" && ok rm "/$d/sub2/mid" && listing "$d/sub2" "big" &&
        [ ! -e "$tmp/m/$d/one" ] && rm -f "$tmp/back/x" &&
        ok get "/$d/sub2/big" "$tmp/back/x" && same "$tmp/tree/sub/big" "$tmp/back/x"
}
v4_reads() { # v4_reads DIR: NFSv4 reads of what v3 wrote
    rm -f "$tmp/back/v4"
    nfs_in_client nfs-cp "nfs://$NFS_SERVER/fsp/$1/sub/big?version=4" "$tmp/back/v4" \
        >>"$tmp/why" 2>&1 && same "$tmp/tree/sub/big" "$tmp/back/v4" &&
        [ "$(nfs_in_client nfs-cat "nfs://$NFS_SERVER/fsp/$1/small?version=4" | sha256sum | cut -d' ' -f1)" = "$(sum "$tmp/tree/small")" ] ||
        { echo "NFSv4 read of /$1 differs" >> "$tmp/why"; return 1; }
}
held_read() { # held_read SLOT FILE: read through a handle from before
    rm -f "$tmp/back/h"
    ok readheld "$1" "$tmp/back/h" && same "$2" "$tmp/back/h"
}
evict() { sync; echo 2 > /proc/sys/vm/drop_caches; }

run_fs() { # run_fs NAME: the fsp mount is up at $tmp/m
    fs_name=$1
    if ! nfs_server_up; then
        fail rpcbind "$(tail -3 "$NFS_DIR/rpcbind.log")"; nfs_server_down; return
    fi
    if ! ganesha_start "$tmp/m"; then
        fail ganesha_start "$(tail -3 "$NFS_DIR/ganesha.log" "$NFS_DIR/ganesha.out")"
        nfs_server_down; return
    fi
    if ! client_start; then
        fail client_mount "$reply"; client_stop; nfs_server_down; return
    fi
    case_ copy_in_out round r1
    case_ v4_read v4_reads r1
    case_ rename_delete rename_delete r1
    # handles the client keeps: two open files
    : > "$tmp/why"
    if ok hold 0 /r1/sub2/big && ok hold 1 /r1/small2; then pass hold; else fail hold "$reply"; fi
    evict
    case_ held_after_drop_caches held_read 0 "$tmp/tree/sub/big"
    head -c 5000 /dev/urandom > "$tmp/new"
    case_ held_write_after_drop_caches eval 'evict; ok writeheld 1 "$tmp/new" && same "$tmp/new" "$tmp/m/r1/small2"'
    evict
    case_ copy_in_out_after_drop_caches round r2
    evict
    case_ v4_read_after_drop_caches v4_reads r2
    evict
    case_ rename_delete_after_drop_caches rename_delete r2

    # ganesha restarts: its caches and open descriptors are gone, and
    # the client's handles must be decoded by the kernel afresh
    ganesha_stop TERM
    evict
    if ganesha_start "$tmp/m"; then
        case_ held_after_ganesha_restart held_read 0 "$tmp/tree/sub/big"
        case_ list_after_ganesha_restart listing r1 "small2 sub2"
        evict
        case_ copy_in_out_after_ganesha_restart round r3
        case_ v4_read_after_ganesha_restart v4_reads r3
        case_ rename_delete_after_ganesha_restart rename_delete r3
    else
        fail ganesha_restart "$(tail -3 "$NFS_DIR/ganesha.log")"
    fi

    # killed mid-transfer: what was acknowledged stays
    ip netns exec "${NFS_TAG}c" "$tmp/nfsclient" "$NFS_SERVER" /fsp 3 \
        <<<"putack $tmp/stream /stream 65536" > "$tmp/acks" 2>&1 &
    local writer=$! acked=0
    for _ in $(seq 300); do
        acked=$(grep -c '^ACK' "$tmp/acks")
        [ "$acked" -ge 16 ] && break
        sleep 0.02
    done
    ganesha_stop KILL
    kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
    acked=$(awk '/^ACK/ { n = $2 } END { print n + 0 }' "$tmp/acks")
    if [ "$acked" -gt 0 ] && cmp -s -n "$acked" "$tmp/stream" "$tmp/m/stream"; then
        pass "killed_mid_transfer_keeps_acked"
    else
        fail killed_mid_transfer_keeps_acked "acked $acked, on the mount $(stat -c %s "$tmp/m/stream" 2>&1)"
    fi
    if mounted "$tmp/m" && same "$tmp/tree/sub/big" "$tmp/m/r3/sub2/big" 2>/dev/null &&
            ls "$tmp/m/r1" >/dev/null; then
        pass mount_serving_after_kill
    else
        fail mount_serving_after_kill "mount gone or wrong"
    fi
    if ganesha_start "$tmp/m"; then
        evict
        case_ held_after_ganesha_killed held_read 0 "$tmp/tree/sub/big"
        case_ copy_after_ganesha_killed round r4
    else
        fail ganesha_restart_after_kill "$(tail -3 "$NFS_DIR/ganesha.log")"
    fi
    client_stop
    nfs_server_down
}

"$build/memfs" -f "$tmp/m" >/dev/null 2>"$tmp/fs.err" &
fspid=$!
for _ in $(seq 100); do mounted "$tmp/m" && break; sleep 0.05; done
if mounted "$tmp/m"; then run_fs memfs; else fs_name=memfs fail mount "$(cat "$tmp/fs.err")"; fi
fs_stop

mount -t tmpfs fspnfssrc "$tmp/src"
"$build/passthrough" -f "$tmp/src" "$tmp/m" >/dev/null 2>"$tmp/fs.err" &
fspid=$!
for _ in $(seq 100); do mounted "$tmp/m" && break; sleep 0.05; done
if mounted "$tmp/m"; then run_fs passthrough; else fs_name=passthrough fail mount "$(cat "$tmp/fs.err")"; fi
fs_stop

# The configuration docs/export.md recommends for exports: writeback
# caching (passthrough without kernel passthrough, which excludes it).
# What a COMMIT acknowledged must still be on the mount after the kill.
rm -rf "${tmp:?}/src/"*
"$build/passthrough" -f -P -o writeback_cache "$tmp/src" "$tmp/m" >/dev/null 2>"$tmp/fs.err" &
fspid=$!
for _ in $(seq 100); do mounted "$tmp/m" && break; sleep 0.05; done
if mounted "$tmp/m"; then run_fs passthrough_wb; else fs_name=passthrough_wb fail mount "$(cat "$tmp/fs.err")"; fi
fs_stop
exit 0
