#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Access control in every configuration a memfs mount can be started in,
# with tmpfs as the oracle (docs/access.md):
#
#   tests/access.sh BUILDDIR
#
# Makes two users and a group (A in the group as a supplementary group),
# mounts a tmpfs and memfs in each configuration below, and runs fsp-tests'
# permission and attribute cases (perm_, xattr_, acl_) on each, as root
# switching to those users.  A case counts where tmpfs passes it; then
# memfs must pass it too:
#
#   PASS: access_<config>_<case>
#   FAIL: access_<config>_<case>: tmpfs PASS, memfs ...
#
# Then issue 10's shell reproduction (a user reading, appending to and
# searching what modes forbid) on memfs -o allow_other, and the libfuse
# layer without default_permissions, where the file system decides:
# fsp's libfuse3 must let the same operations through as Debian's.
# Leaves no user, group, mount or file behind, also when interrupted.
set -u
build=${1:-build}
build=${build%/}
ua=fspacca ub=fspaccb grp=fspaccg
made_users=""
tmp=$(mktemp -d /tmp/fsp-access.XXXXXX)
chmod 0755 "$tmp"
pid=''

mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
stop_fs() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        pid=''
    fi
    while mounted "$1"; do umount -l "$1" || break; done
}
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    cd /
    stop_fs "$tmp/m"
    while mounted "$tmp/t"; do umount -l "$tmp/t" || break; done
    for u in $made_users; do userdel "$u" 2>/dev/null; done
    case " $made_users " in *" $grp "*) groupdel "$grp" 2>/dev/null ;; esac
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for b in memfs fsp-tests; do
    [ -x "$build/$b" ] || { echo "FAIL: access_setup: $build/$b not built"; exit 0; }
done
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: access: needs root to make users and mount"
    exit 0
fi

# ---- users -------------------------------------------------------------------
if ! getent group "$grp" >/dev/null; then
    groupadd "$grp" || { echo "FAIL: access_setup: groupadd"; exit 0; }
    made_users="$grp"
fi
for u in $ua $ub; do
    if ! id "$u" >/dev/null 2>&1; then
        useradd -M -U "$u" || { echo "FAIL: access_setup: useradd $u"; exit 0; }
        made_users="$made_users $u"
    fi
done
usermod -a -G "$grp" "$ua"
FSP_TESTS_USER_A="$(id -u $ua):$(id -g $ua):$(getent group $grp | cut -d: -f3)"
FSP_TESTS_USER_B="$(id -u $ub):$(id -g $ub)"
export FSP_TESTS_USER_A FSP_TESTS_USER_B

mkdir "$tmp/t" "$tmp/m"
cases="perm_ xattr_ acl_"

# ---- the oracle ----------------------------------------------------------------
mount -t tmpfs -o mode=755 fsp-access "$tmp/t" ||
    { echo "FAIL: access_setup: tmpfs"; exit 0; }
# shellcheck disable=SC2086  # a list of filters
timeout -k 5 300 "$build/fsp-tests" "$tmp/t" $cases > "$tmp/tmpfs.out" 2>&1
umount "$tmp/t"

verdict() { # FILE CASE -> "PASS", "FAIL: why", "SKIP: why" or "MISSING"
    awk -v c="$2" '$1 ~ /^(PASS|FAIL|SKIP):$/ { n = $2; sub(/:$/, "", n)
        if (n == c) { v = substr($1, 1, 4); r = $0; sub(/^[A-Z]+: [^ :]+:? ?/, "", r)
            print (r == "" ? v : v ": " r); f = 1; exit } }
        END { if (!f) print "MISSING" }' "$1"
}
# judge CONFIG CASE WHAT: a case counts where tmpfs passes it; then the
# mount must pass it too, or SKIP it as declared with fsp-tests -x.
judge() {
    local t m
    t=$(verdict "$tmp/tmpfs.out" "$2")
    m=$(verdict "$tmp/$1.out" "$2")
    if [ "$t" != PASS ]; then
        echo "SKIP: access_$1_$2: tmpfs $t"
    elif [ "$m" = PASS ]; then
        echo "PASS: access_$1_$2"
    elif case $m in "SKIP: declared not offered"*) true ;; *) false ;; esac; then
        echo "SKIP: access_$1_$2: ${m#SKIP: }"
    else
        echo "FAIL: access_$1_$2: tmpfs PASS, $3 $m"
        grep "^  differs: " "$tmp/$1.out" | head -5
    fi
}
start_memfs() { # ARGS...: memfs -f ARGS on $tmp/m, waits for the mount
    "$build/memfs" -f "$@" "$tmp/m" 2>"$tmp/memfs.err" &
    pid=$!
    for _ in $(seq 200); do mounted "$tmp/m" && return 0; sleep 0.05; done
    return 1
}

# ---- memfs in every configuration ------------------------------------------
# name|memfs arguments.  acl_ cases count only where memfs has ACLs (-A).
configs="allow_other|-o allow_other
default_permissions|-o allow_other,default_permissions
uncached_stateful|-C -o allow_other
acl|-A -o allow_other
writeback|-o allow_other,writeback_cache
async|-S -o allow_other
nocase|-i -o allow_other
single_thread|-t 1 -o allow_other"
while IFS='|' read -r name args; do
    # shellcheck disable=SC2086  # memfs arguments
    if ! start_memfs $args; then
        echo "FAIL: access_${name}_mount: $(head -3 "$tmp/memfs.err")"
        stop_fs "$tmp/m"
        continue
    fi
    # shellcheck disable=SC2086  # a list of filters
    timeout -k 5 300 "$build/fsp-tests" "$tmp/m" $cases > "$tmp/$name.out" 2>&1
    stop_fs "$tmp/m"
    for c in $("$build/fsp-tests" -l); do
        case $c in
            acl_*) [ "$name" = acl ] || continue ;;
            perm_* | xattr_*) ;;
            *) continue ;;
        esac
        judge "$name" "$c" memfs
    done
done <<< "$configs"

# ---- passthrough, mirroring a tmpfs with ACLs ------------------------------------
# The kernel checks the source's modes and ACLs.  With kernel passthrough
# (root) writes go to the backing file without a WRITE; the kernel then
# asks fsp to clear set-ID bits with an empty SETATTR, and fsp applies
# the same rule as for WRITE's kill flag (with -P).  Writeback caching
# needs -P (the kernel takes one or the other), and the kernel then reads
# through write-only opens to fill the pages a write covers in part.
for pt in "kernel_passthrough|" "passthrough_P|-P" "passthrough_P_writeback|-P -o writeback_cache"; do
    name=${pt%%|*} flag=${pt#*|}
    mount -t tmpfs -o mode=755 fsp-access-ptsrc "$tmp/t"
    # shellcheck disable=SC2086  # the flag, or nothing
    "$build/passthrough" -f $flag -o allow_other "$tmp/t" "$tmp/m" 2>"$tmp/pt.err" &
    pid=$!
    for _ in $(seq 200); do mounted "$tmp/m" && break; sleep 0.05; done
    # shellcheck disable=SC2086  # a list of filters
    timeout -k 5 300 "$build/fsp-tests" "$tmp/m" $cases > "$tmp/$name.out" 2>&1
    stop_fs "$tmp/m"
    umount -l "$tmp/t"
    for c in $("$build/fsp-tests" -l); do
        case $c in perm_* | xattr_* | acl_*) ;; *) continue ;; esac
        judge "$name" "$c" passthrough
    done
done

# ---- issue 10's reproduction, word for word ----------------------------------
if start_memfs -o allow_other; then
    (
        cd "$tmp" || exit 1
        echo secret > m/f; chmod 600 m/f
        mkdir m/d; chmod 700 m/d; echo s2 > m/d/g
    )
    out=$(cd "$tmp" && setpriv --reuid "$ub" --regid "$ub" --init-groups \
          sh -c 'cat m/f; echo more >> m/f; cat m/d/g' 2>&1)
    if [ "$(cat "$tmp/m/f")" = secret ] && ! printf '%s' "$out" | grep -q 'secret\|s2'; then
        echo "PASS: access_issue10_reproduction"
    else
        echo "FAIL: access_issue10_reproduction: another user got in: $out / f is now: $(cat "$tmp/m/f")"
    fi
    stop_fs "$tmp/m"
else
    echo "FAIL: access_issue10_reproduction: memfs did not mount"
fi

# ---- the libfuse layers, with and without default_permissions ---------------
# Without default_permissions the program decides (libfuse's contract):
# examples/passthrough_hl, run as root, lets everyone do what root may;
# bindfs checks the POSIX rules itself.  fsp's libraries must behave as Debian's: the same
# rows of the permission matrix differ from POSIX's rules on both, and
# with default_permissions none does.  Each program mirrors a tmpfs.
mkdir -p "$tmp/src"
# matrix_rows NAME LIB OPTIONS CMD...: run CMD -f -o OPTIONS SRC MNT (on
# fsp's libraries when LIB is fsp), the differing rows into rows_NAME_LIB_OPTIONS
matrix_rows() {
    local name=$1 lib=$2 opts=$3 out=$tmp/rows_$1_$2_$3
    shift 3
    mount -t tmpfs -o mode=755 fsp-access-src "$tmp/src"
    if [ "$lib" = fsp ]; then
        LD_LIBRARY_PATH=$build/compat "$@" -f -o "$opts" "$tmp/src" "$tmp/m" 2>"$tmp/lib.err" &
    else
        env -u LD_LIBRARY_PATH "$@" -f -o "$opts" "$tmp/src" "$tmp/m" 2>"$tmp/lib.err" &
    fi
    pid=$!
    for _ in $(seq 200); do mounted "$tmp/m" && break; sleep 0.05; done
    if ! mounted "$tmp/m"; then
        echo "mount failed: $(head -2 "$tmp/lib.err")" > "$out"
    elif [ "$lib" = fsp ] && ! grep -q "$(realpath "$build")/compat/libfuse" "/proc/$pid/maps"; then
        echo "not on fsp's library" > "$out"
    else
        timeout -k 5 300 "$build/fsp-tests" -v "$tmp/m" perm_matrix_ > "$out.raw" 2>&1
        sed -n 's/^  differs: //p' "$out.raw" | sort > "$out"
        # a run that judged nothing must not look like "no row differs"
        grep -q '^\(PASS\|FAIL\): perm_matrix_dirs' "$out.raw" ||
            echo "fsp-tests did not run: $(tail -1 "$out.raw")" >> "$out"
    fi
    stop_fs "$tmp/m"
    umount -l "$tmp/src"
}
# compare NAME CMD...: the program on both libraries, both option sets
compare() {
    local name=$1 o nf nd
    shift
    for o in allow_other allow_other,default_permissions; do
        matrix_rows "$name" fsp "$o" "$@"
        matrix_rows "$name" debian "$o" "$@"
        nf=$(wc -l < "$tmp/rows_${name}_fsp_$o") nd=$(wc -l < "$tmp/rows_${name}_debian_$o")
        if ! cmp -s "$tmp/rows_${name}_fsp_$o" "$tmp/rows_${name}_debian_$o"; then
            echo "FAIL: access_${name}_$o: on fsp's library $nf rows differ from POSIX, on Debian's $nd:"
            diff "$tmp/rows_${name}_debian_$o" "$tmp/rows_${name}_fsp_$o" | head -5
        elif [ "$o" != allow_other ] && [ "$nf" -ne 0 ]; then
            echo "FAIL: access_${name}_$o: $nf rows differ from POSIX on both libraries:"
            head -5 "$tmp/rows_${name}_fsp_$o"
        else
            echo "PASS: access_${name}_$o: fsp's library and Debian's alike ($nf rows the program lets through)"
        fi
    done
}
deblib=$(ls /usr/lib/*-linux-gnu/libfuse3.so.3 2>/dev/null | head -1)
if [ ! -f /usr/include/fuse3/fuse.h ] || [ -z "$deblib" ] ||
   [ ! -f "$build/pkgconfig/fuse3.pc" ]; then
    echo "SKIP: access_libfuse3: libfuse3-dev or fsp's libfuse3 missing"
elif ! cc -o "$tmp/pt_hl" examples/passthrough_hl.c \
          $(PKG_CONFIG_PATH=$build/pkgconfig pkg-config --cflags --libs fuse3-314); then
    echo "FAIL: access_libfuse3: examples/passthrough_hl.c does not build"
else
    # one binary: fsp's libfuse3.so.3 or Debian's, by LD_LIBRARY_PATH
    compare libfuse3_passthrough_hl "$tmp/pt_hl"
fi
if command -v bindfs >/dev/null && [ -e "$build/compat/libfuse.so.2" ]; then
    compare libfuse2_bindfs bindfs
else
    echo "SKIP: access_libfuse2_bindfs: bindfs or fsp's libfuse.so.2 missing"
fi
exit 0
