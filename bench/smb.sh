#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SMB throughput through fsp beside the same smbd over tmpfs, one run:
# one smbd (tests/lib/samba.sh) in a network namespace, smbclient in
# another, sharing in turn a tmpfs, a memfs mount and a passthrough mount
# of a tmpfs.  Per share: a 100 MB file put and got back in one stream,
# and 8 concurrent sessions each putting 50 files of 64 KiB (then getting
# them back).  MB/s, and the ratio to tmpfs.  docs/serving.md, "SMB".
#
#   bench/smb.sh [ROUNDS]     best of ROUNDS (default 3) per figure; the
#                             shares take turns within each round
#   PT_OPTS=-W bench/smb.sh     passthrough with its own options
#   MEMFS_OPTS="-o writeback_cache" bench/smb.sh    memfs with its own
#
# Run as root; needs smbd and smbclient (Debian: samba, smbclient).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
ROUNDS=${1:-3}
die() { echo "bench/smb.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
{ command -v smbd >/dev/null && command -v smbclient >/dev/null; } ||
    die "smbd and smbclient are needed (apt-get install samba smbclient)"
make -s -j2 "$BUILD/memfs" "$BUILD/passthrough" >&2 || die "build failed"
# shellcheck source=tests/lib/samba.sh
. tests/lib/samba.sh

W=$(mktemp -d /tmp/fsp-bench-smb.XXXXXX) || die mktemp
chmod 0755 "$W"
S=$W/share B=$W/backing L=$W/local
mkdir "$S" "$B" "$L"
pid=
cleanup() {
    samba_stop
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$S" && umount -l "$S"
    mountpoint -q "$B" && umount -l "$B"
    mountpoint -q "$L" && umount -l "$L"
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The client's files live on a tmpfs of their own, so that its disk is
# never what is measured.
mount -t tmpfs -o size=1g fsp-bench-smb-local "$L" || die "tmpfs"
head -c 100000000 /dev/urandom >"$L/big"
for c in $(seq 8); do
    mkdir "$L/c$c" "$L/back$c"
    for f in $(seq 50); do head -c 65536 /dev/urandom >"$L/c$c/f$f"; done
done

mount_kind() {
    # shellcheck disable=SC2086  # the options, split into words
    case $1 in
    tmpfs) mount -t tmpfs -o size=1g fsp-bench-smb "$S" ;;
    memfs) "$BUILD/memfs" -f ${MEMFS_OPTS:-} -o allow_other "$S" & pid=$! ;;
    passthrough)
        mount -t tmpfs -o size=1g fsp-bench-smb-backing "$B" &&
        { "$BUILD/passthrough" -f ${PT_OPTS:-} -o allow_other "$B" "$S" & pid=$!; } ;;
    esac
    for _ in $(seq 100); do mountpoint -q "$S" && return 0; sleep 0.1; done
    die "$1 did not mount"
}
umount_kind() {
    if [ -n "$pid" ]; then kill -TERM "$pid"; wait "$pid"; pid=; else umount "$S"; fi
    mountpoint -q "$B" && umount "$B"
    return 0
}
now() { date +%s%N; }
mbps() { echo "$1 $2" | awk '{ printf "%.1f", $1 / ($2 / 1e9) / 1e6 }'; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }

# keep KEY MBPS: R[KEY] becomes the best figure so far
declare -A R
keep() { R[$1]=$(best "${R[$1]:-0}" "$2"); }
# The kinds take turns within each round (smbd restarted for each), so
# that the machine's drift between minutes meets them all.
for _ in $(seq "$ROUNDS"); do
    for kind in tmpfs memfs passthrough; do
        mount_kind "$kind"
        samba_start bsmb "$S" >"$W/samba.log" 2>&1 || die "smbd: $(tail -3 "$W/samba.log")"
        chown "$SAMBA_USER" "$S"
        t0=$(now); samba_client -c "put $L/big big" >/dev/null 2>&1 || die "put"; t1=$(now)
        keep "$kind,put" "$(mbps 100000000 $((t1 - t0)))"
        t0=$(now); samba_client -c "get big $L/big.back" >/dev/null 2>&1 || die "get"; t1=$(now)
        keep "$kind,get" "$(mbps 100000000 $((t1 - t0)))"
        cmp -s "$L/big" "$L/big.back" || die "$kind: the 100 MB file came back different"
        rm -f "$L/big.back"
        samba_client -c "del big" >/dev/null 2>&1
        for phase in put get; do
            t0=$(now)
            for c in $(seq 8); do
                if [ "$phase" = put ]; then
                    samba_client -c "mkdir c$c; lcd $L/c$c; cd c$c; prompt off; mput f*" >/dev/null 2>&1 &
                else
                    samba_client -c "lcd $L/back$c; cd c$c; prompt off; mget f*" >/dev/null 2>&1 &
                fi
            done
            # shellcheck disable=SC2046  # one pid per word
            wait $(jobs -p | grep -vx "$SAMBA_PID" | grep -vx "${pid:-0}")
            t1=$(now)
            if [ "$phase" = put ]; then
                keep "$kind,mput" "$(mbps $((8 * 50 * 65536)) $((t1 - t0)))"
            else
                keep "$kind,mget" "$(mbps $((8 * 50 * 65536)) $((t1 - t0)))"
            fi
        done
        for c in $(seq 8); do
            diff -r "$L/c$c" "$L/back$c" >/dev/null || die "$kind: client $c's files came back different"
            rm -f "$L/back$c"/*
        done
        samba_client -c "deltree c*" >/dev/null 2>&1 || rm -rf "${S:?}"/c*
        samba_stop
        umount_kind
    done
done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, $(smbd --version), best of $ROUNDS"
printf '%-34s %8s %8s %6s %11s %6s\n' "MB/s" tmpfs memfs ratio passthrough ratio
for k in put:"100 MB put, one stream" get:"100 MB get, one stream" \
         mput:"8 clients x 50 x 64 KiB put" mget:"8 clients x 50 x 64 KiB get"; do
    key=${k%%:*} name=${k#*:}
    t=${R[tmpfs,$key]} m=${R[memfs,$key]} p=${R[passthrough,$key]}
    printf '%-34s %8s %8s %6s %11s %6s\n' "$name" "$t" "$m" \
        "$(echo "$m $t" | awk '{ printf "%.2f", $1 / $2 }')" "$p" \
        "$(echo "$p $t" | awk '{ printf "%.2f", $1 / $2 }')"
done
