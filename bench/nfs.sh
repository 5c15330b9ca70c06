#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# NFS throughput through NFS-Ganesha (VFS back end) exporting tmpfs, an
# fsp memfs mount and an fsp passthrough mount over tmpfs, one after the
# other on the same machine, read and written by libnfs from another
# network namespace over a veth pair: NFSv3 reads and writes, NFSv4
# reads (libnfs 4.0.0 cannot write NFSv4 above 2 KiB).  Not part of the
# test suite (needs root, ganesha, libnfs-dev).
#
#   bench/nfs.sh [BUILDDIR] [MIB] [ROUNDS]   (default build, 512 MiB, 3)
#
# The exports take turns within each round, so that the machine's drift
# (tmpfs's own figures move by 1.5x between minutes here) meets them all,
# and the best of the rounds is compared.
set -u
build=${1:-build}
build=${build%/}
mib=${2:-512}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/fsp-nfsbench.XXXXXX)
NFS_TAG=fspnfsb NFS_NET=78 NFS_DIR=$tmp/nfs
# shellcheck source=tests/nfs/lib.sh
. "$here/../tests/nfs/lib.sh"
fspid=''
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
fs_stop() {
    [ -n "$fspid" ] && kill -TERM "$fspid" 2>/dev/null && wait "$fspid" 2>/dev/null
    fspid=''
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
}
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    nfs_down
    fs_stop
    for d in "$tmp/src" "$tmp/local"; do mounted "$d" && umount -l "$d"; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cc -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/nfsclient" "$here/../tests/nfs/nfsclient.c" -lnfs || exit 1
mkdir -p "$tmp/m" "$tmp/src" "$tmp/local"
# the client's side of the data lives in memory too
mount -t tmpfs -o size=$((mib * 2 + 64))M fspnfsblocal "$tmp/local"
head -c $((mib << 20)) /dev/urandom > "$tmp/local/data"
nfs_net_up || { echo "bench/nfs.sh: network namespaces" >&2; exit 1; }

now() { date +%s.%N; }
rate() { awk -v a="$1" -v b="$2" -v m="$mib" 'BEGIN { printf "%.0f", m / (b - a) }'; }
client() { printf '%s\nquit\n' "$1" | nfs_in_client "$tmp/nfsclient" "$NFS_SERVER" /fsp 3; }

measure() { # measure NAME: the export is at $tmp/m
    local t0 t1 w r3 r4
    if ! { nfs_server_up && ganesha_start "$tmp/m"; }; then
        echo "$1: ganesha did not start" >&2
        nfs_server_down
        return
    fi
    t0=$(now); client "put $tmp/local/data /data" | grep -q '^OK' || echo "$1: write failed" >&2; t1=$(now)
    w=$(rate "$t0" "$t1")
    sync; echo 3 > /proc/sys/vm/drop_caches
    t0=$(now); client "get /data $tmp/local/back" | grep -q '^OK' || echo "$1: v3 read failed" >&2; t1=$(now)
    r3=$(rate "$t0" "$t1")
    cmp -s "$tmp/local/data" "$tmp/local/back" || echo "$1: v3 read back differs" >&2
    rm -f "$tmp/local/back"
    sync; echo 3 > /proc/sys/vm/drop_caches
    t0=$(now); nfs_in_client nfs-cp "nfs://$NFS_SERVER/fsp/data?version=4" "$tmp/local/back" >/dev/null || echo "$1: v4 read failed" >&2; t1=$(now)
    r4=$(rate "$t0" "$t1")
    cmp -s "$tmp/local/data" "$tmp/local/back" || echo "$1: v4 read back differs" >&2
    rm -f "$tmp/local/back"
    nfs_server_down
    printf '%-28s %10s %10s %10s\n' "$1" "$r3" "$r4" "$w"
    results="$results$1|$r3|$r4|$w
"
}

# serve KIND: mount the export KIND at $tmp/m (a fresh tmpfs under it
# where it has a source); unserve undoes it
kinds=(tmpfs memfs memfs_wb passthrough passthrough_P_wb)
serve() {
    case $1 in
    tmpfs) mount -t tmpfs -o size=$((mib + 64))M fspnfsbtmp "$tmp/m"; return ;;
    memfs) "$build/memfs" -f "$tmp/m" 2>"$tmp/fs.err" & ;;
    # With the kernel's writeback cache ganesha's 64 KiB writes land in
    # the page cache, and memfs gets 1 MiB WRITEs without the GETATTR and
    # the security.capability GETXATTR each synchronous write costs.
    memfs_wb) "$build/memfs" -f -o writeback_cache "$tmp/m" 2>"$tmp/fs.err" & ;;
    passthrough)
        mount -t tmpfs -o size=$((mib + 64))M fspnfsbsrc "$tmp/src"
        "$build/passthrough" -f "$tmp/src" "$tmp/m" 2>"$tmp/fs.err" & ;;
    # Kernel passthrough and writeback caching exclude each other;
    # without the former (-P) passthrough takes the latter.
    passthrough_P_wb)
        mount -t tmpfs -o size=$((mib + 64))M fspnfsbsrc "$tmp/src"
        "$build/passthrough" -f -P -o writeback_cache "$tmp/src" "$tmp/m" 2>"$tmp/fs.err" & ;;
    esac
    fspid=$!
    for _ in $(seq 100); do mounted "$tmp/m" && return; sleep 0.05; done
}
unserve() {
    fs_stop
    while mounted "$tmp/m"; do umount "$tmp/m" || break; done
    while mounted "$tmp/src"; do umount "$tmp/src" || break; done
}

results=''
printf 'NFS-Ganesha %s, %d MiB file, MiB/s; %d rounds, the exports in turn\n' \
    "$(ganesha.nfsd -v 2>&1 | sed -n 's/.*Release = //p')" "$mib" "$rounds"
printf '%-28s %10s %10s %10s\n' export "v3 read" "v4 read" "v3 write"
for round in $(seq "$rounds"); do
    for k in "${kinds[@]}"; do
        serve "$k"
        measure "$k"
        unserve
    done
    [ "$round" -lt "$rounds" ] && echo
done
# best of the rounds per export and column, and the ratio to tmpfs's best
awk -F'|' -v order="${kinds[*]}" '
    NF == 4 { for (i = 2; i <= 4; i++) if ($i > best[$1, i]) best[$1, i] = $i }
    END {
        n = split(order, k, " ")
        printf "best of the rounds, and ratio to tmpfs:\n"
        printf "%-28s %10s %10s %10s\n", "export", "v3 read", "v4 read", "v3 write"
        for (j = 1; j <= n; j++) {
            printf "%-28s", k[j]
            for (i = 2; i <= 4; i++) printf " %5d %4.2f", best[k[j], i], best[k[j], i] / best["tmpfs", i]
            printf "\n"
        }
    }' <<<"$results"
