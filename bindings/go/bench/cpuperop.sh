#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# CPU time of a memfs process per operation, which a loaded machine
# disturbs far less than wall time (issue #14: Go memfs vs C memfs):
#
#   bindings/go/bench/cpuperop.sh [N] MEMFS_CMD...
#
# Mounts MEMFS_CMD (given -f, -o allow_other,default_permissions and a
# mount point, as bindings/go/test.sh mounts memfs) and prints the user
# and system CPU time (from /proc/PID/stat, in ms) the memfs process
# spends per 10,000 operations of each workload, N operations each
# (default 100000), and its context switches (voluntary + involuntary,
# all threads) per operation, an exact count that the load disturbs
# less, and with perf (Debian: linux-perf) its futex and nanosleep calls
# per operation, which are Go's scheduler moving processors between
# threads (docs/bindings-go.md, "The scheduler"):
#   stat    stat() of one file on a -C mount (add -C yourself): LOOKUP each
#   create  open(O_CREAT) + close() of new files in one directory
#   unlink  unlink() of those files
# The mount has busy_poll=0 unless POLL=US says otherwise: fsp's busy
# polling of /dev/fuse (50 us by default) spends CPU waiting for the next
# request, which is not work per operation and varies with the load.
# Run as root.
set -u
n=100000
case ${1:-} in [0-9]*) n=$1; shift ;; esac
[ $# -gt 0 ] || { echo "usage: $0 [N] MEMFS_CMD..." >&2; exit 2; }
mp=$(mktemp -d /tmp/fsp-cpuperop.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    fusermount3 -u "$mp" 2>/dev/null
    rmdir "$mp"
    rm -f "$mp.perf"
}
trap cleanup EXIT
"$@" -f -o "allow_other,default_permissions,busy_poll=${POLL:-0}" "$mp" &
pid=$!
for _ in $(seq 100); do
    awk -v m="$mp" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo && break
    sleep 0.05
done
# utime + stime of the process, all threads, in clock ticks
ticks() { awk '{ print $14 " " $15 }' "/proc/$pid/stat"; }
# context switches of all its threads
switches() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
hz=$(getconf CLK_TCK)
# run PYTHON_CODE: the workload, under `perf stat` counting the memfs
# process's futex and nanosleep calls (Go's scheduler; C memfs makes
# none) into $mp.perf when perf is there
run() {
    if command -v perf >/dev/null; then
        perf stat -x, -o "$mp.perf" -e syscalls:sys_enter_futex,syscalls:sys_enter_nanosleep \
            -p "$pid" -- python3 -c "$1" "$mp" "$n"
    else
        python3 -c "$1" "$mp" "$n"
    fi
}
measure() { # measure NAME PYTHON_CODE
    local u0 s0 u1 s1 c0 c1 sched=''
    read -r u0 s0 < <(ticks)
    c0=$(switches)
    run "$2" || { echo "$1: workload failed" >&2; return 1; }
    read -r u1 s1 < <(ticks)
    c1=$(switches)
    if [ -s "$mp.perf" ]; then
        sched=$(awk -F, -v n="$n" '$3 ~ /futex/ { f = $1 } $3 ~ /nanosleep/ { s = $1 }
                                    END { printf "  futex %5.2f  nanosleep %5.2f /op", f / n, s / n }' "$mp.perf")
        rm -f "$mp.perf"
    fi
    awk -v name="$1" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v hz="$hz" -v n="$n" \
        -v sched="$sched" \
        'BEGIN { k = 1000 / hz * 10000 / n;
                 printf "%-7s user %7.1f  sys %7.1f  total %7.1f ms per 10k ops  %5.2f switches/op%s\n",
                        name, u * k, s * k, (u + s) * k, c / n, sched }'
}
measure stat '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
p = os.path.join(d, "f"); open(p, "w").close()
for _ in range(n): os.stat(p)'
measure create '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.mkdir(os.path.join(d, "c"))
for i in range(n): os.close(os.open(os.path.join(d, "c", str(i)), os.O_CREAT | os.O_WRONLY, 0o644))'
measure unlink '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n): os.unlink(os.path.join(d, "c", str(i)))'
