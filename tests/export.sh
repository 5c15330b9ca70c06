#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Export support: file handles (name_to_handle_at / open_by_handle_at on
# the mount, what NFS-Ganesha's VFS back end uses) after the kernel
# forgot the inodes (drop_caches), after a restart of the file system,
# for deleted files whose index was reused, and corrupted handles.
# memfs and passthrough (over tmpfs, and over ext4, which reuses inode
# numbers at once).  Needs root (open_by_handle_at).
#
#   tests/export.sh BUILDDIR
#
# FSP_WIN_OPTS: more memfs arguments, FSP_WIN_PT_OPTS: more passthrough
# arguments (a configuration, e.g. "-o io_uring"), FSP_WIN_LABEL: a prefix
# for every case name; tests/windows_matrix.sh runs this per configuration.
# shellcheck disable=SC2015,SC2317  # A && B || C on purpose; cases run through case_
set -u
build=${1:-build}
build=${build%/}
H=$build/tests/fsp-handle
tmp=$(mktemp -d /tmp/fsp-export.XXXXXX)
pid=''
label=${FSP_WIN_LABEL:-}
read -ra config <<<"${FSP_WIN_OPTS:-}"
read -ra pt_config <<<"${FSP_WIN_PT_OPTS:-}"
pass() { echo "PASS: ${label}export_$1"; }
fail() { echo "FAIL: ${label}export_$1: $2"; }
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    stop
    for m in "$tmp/m" "$tmp/src" "$tmp/ext4"; do
        while mounted "$m"; do umount -l "$m" || break; done
    done
    rm -rf --one-file-system "$tmp"
}
stop() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    pid=''
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: ${label}export_all: needs root (open_by_handle_at)"
    exit 0
fi
mkdir "$tmp/m" "$tmp/src" "$tmp/ext4"

start() { # start memfs | passthrough SOURCE
    if [ "$1" = memfs ]; then
        "$build/memfs" -f "${config[@]}" "$tmp/m" 2>>"$tmp/err" &
    else
        "$build/passthrough" -f "${pt_config[@]}" "$2" "$tmp/m" 2>>"$tmp/err" &
    fi
    pid=$!
    for _ in $(seq 100); do mounted "$tmp/m" && return 0; sleep 0.05; done
    return 1
}
evict() { sync; echo 2 > /proc/sys/vm/drop_caches; }
expect() { # expect NAME WANT CMD...: CMD's stdout must be WANT
    local name=$1 want=$2 got; shift 2
    got=$("$@" 2>&1)
    if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "want '$want', got '$got'"; fi
}
# Every single-bit corruption of a handle is refused, never another file.
flips() { # flips NAME HANDLE
    local bad
    bad=$("$H" flip "$tmp/m" "$2" | grep -cv '^\(ESTALE\|EINVAL\)$')
    if [ "$bad" = 0 ]; then pass "$1"; else
        fail "$1" "$bad corruptions not refused: $("$H" flip "$tmp/m" "$2" | sort | uniq -c | tr '\n' ' ')"; fi
}

# One file system: handles of a file and a nested directory, taken with
# the inodes cached, used after eviction.
common() { # common FS
    local fs=$1
    mkdir -p "$tmp/m/a/b/c" && echo "payload $fs" > "$tmp/m/a/b/c/f" &&
        "$H" save "$tmp/m/a/b/c/f" "$tmp/hf" && "$H" save "$tmp/m/a/b/c" "$tmp/hd" ||
        { fail "${fs}_setup" "$(tail -3 "$tmp/err")"; return 1; }
    expect "${fs}_cached" "payload $fs" "$H" cat "$tmp/m" "$tmp/hf"
    evict
    expect "${fs}_file_after_drop_caches" "payload $fs" "$H" cat "$tmp/m" "$tmp/hf"
    evict
    # a directory handle makes the kernel reconnect it up to the root
    # (LOOKUP of ".." by node id)
    expect "${fs}_dir_after_drop_caches" "$(stat -c %i "$tmp/m/a/b/c")" "$H" stat "$tmp/m" "$tmp/hd"
    evict
    flips "${fs}_corrupted_handles" "$tmp/hf"
    mounted "$tmp/m" && [ "$(cat "$tmp/m/a/b/c/f")" = "payload $fs" ] &&
        pass "${fs}_serving_after_bad_handles" || fail "${fs}_serving_after_bad_handles" "mount gone"
}

# A deleted file's handle is stale, even once its index belongs to a new
# file (memfs and ext4 hand the number out again at once).
deleted() { # deleted NAME
    local ino new
    echo old > "$tmp/m/victim" && "$H" save "$tmp/m/victim" "$tmp/hv" || return
    ino=$(stat -c %i "$tmp/m/victim")
    rm "$tmp/m/victim"
    evict
    for i in $(seq 20); do
        echo "new $i" > "$tmp/m/new$i"
        [ "$(stat -c %i "$tmp/m/new$i")" = "$ino" ] && { new=$i; break; }
    done
    if [ -z "${new:-}" ]; then
        echo "SKIP: ${label}export_$1_deleted_index_reused: index $ino not reused"
    else
        evict
        expect "$1_deleted_index_reused" "ERR ESTALE" "$H" cat "$tmp/m" "$tmp/hv"
    fi
    expect "$1_deleted" "ERR ESTALE" "$H" cat "$tmp/m" "$tmp/hv"
}

# memfs: handles live while the file does; a restart loses the files,
# so old handles are stale, even where the new files get the old indexes.
if start memfs; then
    common memfs
    deleted memfs
    stop
    start memfs && mkdir -p "$tmp/m/a/b/c" && echo other > "$tmp/m/a/b/c/f"
    expect memfs_restart_stale "ERR ESTALE" "$H" cat "$tmp/m" "$tmp/hf"
    expect memfs_restart_stale_dir "ERR ESTALE" "$H" stat "$tmp/m" "$tmp/hd"
    stop
else
    fail memfs_mount "$(tail -3 "$tmp/err")"
fi

# passthrough over tmpfs: handles survive restarts (storage persists).
mount -t tmpfs fspexport "$tmp/src"
if start passthrough "$tmp/src"; then
    common pt_tmpfs
    stop
    start passthrough "$tmp/src"
    expect pt_tmpfs_restart_file "payload pt_tmpfs" "$H" cat "$tmp/m" "$tmp/hf"
    expect pt_tmpfs_restart_dir "$(stat -c %i "$tmp/m/a/b/c")" "$H" stat "$tmp/m" "$tmp/hd"
    deleted pt_tmpfs
    stop
else
    fail pt_tmpfs_mount "$(tail -3 "$tmp/err")"
fi
umount "$tmp/src"

# passthrough over ext4, which reuses inode numbers.
if truncate -s 32M "$tmp/img" && mkfs.ext4 -q -F "$tmp/img" &&
        mount -o loop "$tmp/img" "$tmp/ext4" && mkdir "$tmp/ext4/t" &&
        start passthrough "$tmp/ext4/t"; then
    deleted pt_ext4
    stop
else
    echo "SKIP: ${label}export_pt_ext4: no loop device or mkfs.ext4"
fi
mounted "$tmp/ext4" && umount "$tmp/ext4"
exit 0
