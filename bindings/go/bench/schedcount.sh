#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Scheduler work of a memfs process per operation (issue #14: what Go's
# runtime adds over C memfs), counted by the kernel rather than timed,
# so a loaded machine disturbs it little:
#
#   bindings/go/bench/schedcount.sh [N] MEMFS_CMD...
#
# Mounts MEMFS_CMD with -C (stat then costs a LOOKUP each time) and
# counts, with `perf stat` on the memfs process (all its threads), the
# futex and nanosleep system calls and the context switches per
#   stat    stat() of one file, N times (default 40000)
#   create  open(O_CREAT) + close() of N/4 new files in one directory
# C memfs makes no futex or nanosleep calls for either; Go's scheduler
# makes them when it moves processors between threads
# (docs/bindings-go.md, "The scheduler").  Run as root.
set -u
n=40000
case ${1:-} in [0-9]*) n=$1; shift ;; esac
[ $# -gt 0 ] || { echo "usage: $0 [N] MEMFS_CMD..." >&2; exit 2; }
command -v perf >/dev/null || { echo "$0: needs perf (Debian: linux-perf)" >&2; exit 2; }
mp=$(mktemp -d /tmp/fsp-schedcount.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    fusermount3 -u "$mp" 2>/dev/null
    rmdir "$mp"
}
trap cleanup EXIT
"$@" -f -C -o allow_other,default_permissions "$mp" &
pid=$!
for _ in $(seq 100); do
    mountpoint -q "$mp" && break
    sleep 0.05
done
mountpoint -q "$mp" || { echo "$0: $* did not mount" >&2; exit 1; }

count() { # count NAME OPS PYTHON_CODE
    perf stat -x, -e syscalls:sys_enter_futex,syscalls:sys_enter_nanosleep,context-switches \
        -p "$pid" -- python3 -c "$3" "$mp" "$n" 2>&1 >/dev/null |
        awk -F, -v name="$1" -v ops="$2" '
            $3 ~ /futex/ { f = $1 } $3 ~ /nanosleep/ { s = $1 } $3 ~ /context/ { c = $1 }
            END { printf "%-7s futex %5.2f  nanosleep %5.2f  context switches %5.2f per op\n",
                         name, f / ops, s / ops, c / ops }'
}
count stat "$n" '
import os, sys
p = os.path.join(sys.argv[1], "f"); open(p, "w").close()
for _ in range(int(sys.argv[2])): os.stat(p)'
count create $((n / 4)) '
import os, sys
d = os.path.join(sys.argv[1], "c"); os.mkdir(d)
for i in range(int(sys.argv[2]) // 4):
    os.close(os.open(os.path.join(d, str(i)), os.O_CREAT | os.O_WRONLY, 0o644))'
