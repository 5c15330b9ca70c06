#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memfs against tmpfs, side by side:
#
#   tests/conformance.sh BUILDDIR
#
# Mounts a fresh tmpfs and a fresh memfs (BUILDDIR/memfs -f, with
# allow_other,default_permissions so that the unprivileged cases can reach
# it and the kernel checks permissions, the mode where tmpfs is the bar),
# runs BUILDDIR/fsp-tests against both and prints a table.  For each case:
#
#   PASS: conformance_<case>                       memfs matches tmpfs
#   FAIL: conformance_<case>: tmpfs PASS, memfs X: why
#   SKIP: conformance_<case>: tmpfs X              tmpfs is no bar here
#
# Then the data exerciser (BUILDDIR/fsp-exerciser, with mmap; once more
# with the caches dropped between phases) and the concurrency check on
# both.  The acl_ cases are compared against a memfs -A mount (POSIX
# ACLs), which also runs the perm_ and xattr_ cases (conformance_A_*);
# plain memfs must SKIP the acl_ cases.  FSP_SOAK=1 runs far more
# operations; FSP_SEED sets the seed (default 1, or random with FSP_SOAK).  Always exits 0: tests/run.sh
# counts the PASS/FAIL lines.  Never leaves a mount behind.
set -u
build=${1:-build}
build=${build%/}
soak=${FSP_SOAK:-0}
if [ "$soak" = 1 ]; then
    seed=${FSP_SEED:-$RANDOM$RANDOM}
    ex_ops=500000 ex_drop_ops=100000 ex_drop_every=10000 conc_secs=60
else
    seed=${FSP_SEED:-1}
    ex_ops=20000 ex_drop_ops=4000 ex_drop_every=1000 conc_secs=5
fi

tmp=$(mktemp -d /tmp/fsp-conformance.XXXXXX)
tmp=$(realpath "$tmp")
chmod 755 "$tmp"
tmnt=$tmp/tmpfs
mmnt=$tmp/memfs
mkdir "$tmnt" "$mmnt"
pid=

mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    cd /
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    [ -n "${side_pid:-}" ] && kill -TERM "$side_pid" 2>/dev/null
    for _ in $(seq 30); do mounted "$mmnt" || break; sleep 0.1; done
    for m in "$tmp/memfs-nc" "$tmp/memfs-acl"; do
        while mounted "$m"; do umount -l "$m" || break; done
    done
    while mounted "$mmnt"; do umount -l "$mmnt" || break; done
    while mounted "$tmnt"; do umount -l "$tmnt" || break; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for b in fsp-tests fsp-exerciser memfs; do
    if [ ! -x "$build/$b" ]; then
        echo "FAIL: conformance_setup: $build/$b not found"
        exit 0
    fi
done
if ! mount -t tmpfs -o mode=755 fsp-conformance "$tmnt"; then
    echo "FAIL: conformance_setup: cannot mount tmpfs on $tmnt"
    exit 0
fi
"$build/memfs" -f -o allow_other,default_permissions "$mmnt" \
    2>"$tmp/memfs.err" &
pid=$!
for _ in $(seq 1000); do
    mounted "$mmnt" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
done
if ! mounted "$mmnt"; then
    echo "FAIL: conformance_setup: memfs did not mount $mmnt"
    sed 's/^/  | /' "$tmp/memfs.err"
    exit 0
fi

# ---- fsp-tests on both, side by side ----------------------------------------
timeout -k 5 300 "$build/fsp-tests" "$tmnt" >"$tmp/tmpfs.out" 2>&1
timeout -k 5 300 "$build/fsp-tests" "$mmnt" >"$tmp/memfs.out" 2>&1
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "FAIL: conformance_memfs_run: fsp-tests timed out on memfs"
fi

# Cases whose tmpfs behaviour a cached FUSE mount cannot show: the kernel
# keeps no atime for FUSE, and cached reads never reach the file system.
# They are checked against memfs -C (no kernel caching), the mode fsp
# documents for file systems that keep atime.
uncached_cases="time_atime_relatime"

# side_run NAME MEMFS_FLAG SECONDS FILTERS...: fsp-tests FILTERS against
# a memfs started with MEMFS_FLAG on $tmp/NAME, output in $tmp/NAME.out.
side_run() {
    local name=$1 flag=$2 secs=$3 dir=$tmp/$1
    shift 3
    mkdir -p "$dir"
    "$build/memfs" -f "$flag" -o allow_other,default_permissions "$dir" \
        2>"$tmp/$name.err" &
    side_pid=$!  # global: cleanup stops it if we are interrupted
    for _ in $(seq 1000); do mounted "$dir" && break; sleep 0.01; done
    timeout -k 5 "$secs" "$build/fsp-tests" "$dir" "$@" >"$tmp/$name.out" 2>&1
    kill -TERM "$side_pid" 2>/dev/null
    wait "$side_pid" 2>/dev/null
    side_pid=
    mounted "$dir" && umount -l "$dir"
}
# shellcheck disable=SC2086  # a list of case names
side_run memfs-nc -C 120 $uncached_cases

# POSIX ACLs are opt-in on memfs (-A), so the acl_ cases take memfs's
# verdict from a memfs -A mount.  With -A fsp applies the umask and the
# kernel checks permissions against ACLs, so the permission and attribute
# cases run there too and are compared with tmpfs as conformance_A_*.
acl_groups="acl_ perm_ xattr_"
# shellcheck disable=SC2086  # a list of filters
side_run memfs-acl -A 300 $acl_groups

# memfs_verdict CASE: memfs's verdict, from the uncached run or the -A
# run where it applies.
memfs_verdict() {
    case " $uncached_cases " in
        *" $1 "*) verdict "$tmp/memfs-nc.out" "$1"; return ;;
    esac
    case $1 in
        acl_*) verdict "$tmp/memfs-acl.out" "$1" ;;
        *) verdict "$tmp/memfs.out" "$1" ;;
    esac
}

# verdict FILE CASE: "PASS", "FAIL: why", "SKIP: why" or "MISSING"
verdict() {
    awk -v c="$2" '
        $1 ~ /^(PASS|FAIL|SKIP):$/ {
            name = $2; sub(/:$/, "", name)
            if (name == c) {
                v = substr($1, 1, 4); rest = $0
                sub(/^[A-Z]+: [^ :]+:? ?/, "", rest)
                print (rest == "" ? v : v ": " rest); found = 1; exit
            }
        }
        END { if (!found) print "MISSING" }' "$1"
}

cases=$("$build/fsp-tests" -l)
printf '\n%-34s %-6s %-6s\n' case tmpfs memfs
printf '%-34s %-6s %-6s\n' ---- ----- -----
for c in $cases; do
    t=$(verdict "$tmp/tmpfs.out" "$c")
    m=$(memfs_verdict "$c")
    printf '%-34s %-6s %-6s\n' "$c" "${t%%:*}" "${m%%:*}"
done
echo
# judge NAME TMPFS_VERDICT MEMFS_VERDICT MEMFS_LABEL: a case counts only
# where tmpfs passes it; then memfs must pass too.
judge() {
    if [ "$2" != PASS ]; then
        echo "SKIP: $1: tmpfs $2"
    elif [ "$3" = PASS ]; then
        echo "PASS: $1"
    else
        echo "FAIL: $1: tmpfs PASS, $4 $3"
    fi
}

for c in $cases; do
    judge "conformance_$c" "$(verdict "$tmp/tmpfs.out" "$c")" \
          "$(memfs_verdict "$c")" memfs
done

# The rest of the -A run: the permission and attribute cases again.
for c in $cases; do
    case $c in perm_* | xattr_*) ;; *) continue ;; esac
    judge "conformance_A_$c" "$(verdict "$tmp/tmpfs.out" "$c")" \
          "$(verdict "$tmp/memfs-acl.out" "$c")" "memfs -A"
done
# Without -A memfs has no ACLs: the acl_ cases must say so (SKIP with
# EOPNOTSUPP), not fail and not pass.
noacl=$(for c in $cases; do
    case $c in acl_*) verdict "$tmp/memfs.out" "$c" ;; esac
done | grep -cv '^SKIP: .*EOPNOTSUPP')
if [ "$noacl" -eq 0 ]; then
    echo "PASS: conformance_acl_skipped_without_A"
else
    echo "FAIL: conformance_acl_skipped_without_A: $noacl acl_ case(s) did" \
        "not SKIP on memfs without -A"
fi

# ---- the data exerciser ------------------------------------------------------
# ex LABEL ARGS...: run fsp-exerciser, prefixing its verdict with LABEL.
ex() {
    local label=$1 out rc
    shift
    out=$(timeout -k 5 600 "$build/fsp-exerciser" "$@" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed -e "s/^PASS: /PASS: ${label}_/" \
        -e "s/^FAIL: /FAIL: ${label}_/" -e 's/^note: /  note: /' \
        -e '/^\(PASS\|FAIL\|  note\)/!s/^/  | /'
    if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL: '; then
        echo "FAIL: ${label}: fsp-exerciser exit status $rc"
    fi
}

echo
for fs in tmpfs memfs; do
    dir=$tmp/$fs
    ex "$fs" -n "$ex_ops" -S "$seed" -m "$dir/exerciser"
    ex "${fs}_dropcaches" -n "$ex_drop_ops" -S "$((seed + 1))" -m \
        -d "$ex_drop_every" "$dir/exerciser-drop"
    rm -f "$dir/exerciser" "$dir/exerciser-drop"
done

# ---- concurrency ---------------------------------------------------------------
for fs in tmpfs memfs; do
    mkdir "$tmp/$fs/concurrency"
    ex "$fs" -C "$conc_secs" -P 4 -S "$seed" "$tmp/$fs/concurrency"
done

if [ -s "$tmp/memfs.err" ]; then
    echo "memfs stderr (tail):"
    tail -n 20 "$tmp/memfs.err" | sed 's/^/  | /'
fi
exit 0
