#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Windows semantics and export through each language binding's memfs,
# judged against C memfs: the same Linux-side session (named streams as
# attributes and as FILE:NAME paths, reparse data, DOS attributes and
# creation time, security descriptors and the owner and mode they give,
# the read-only attribute, the volume label, a file handle after the
# kernel forgot the inode) runs on `build/memfs -W` and on every
# `bindings/LANG/memfs -W`, and each step's exit status and output must
# be C memfs's, errno messages included.  A binding that behaves
# differently from the C API it wraps fails here, whatever its own tests
# say.
#
#   tests/binding_windows.sh [BUILDDIR]     (run by tests/bindings.sh,
#                                            after the bindings are built)
#
# Needs root (allow_other, the other user's view, open_by_handle_at).
# shellcheck disable=SC2015,SC2016,SC2317  # A && B || C on purpose; $DATA is a literal name; functions run through step
set -u
cd "$(dirname "$0")/.." || exit 1
build=$(realpath -m "${1:-build}")
fsptool=$build/fsptool handle=$build/tests/fsp-handle
tmp=$(mktemp -d /tmp/fsp-bwin.XXXXXX)
chmod 755 "$tmp"
pid=''
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
stop() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=''
    fi
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
}
# shellcheck disable=SC2317  # invoked by the trap
cleanup() { cd /; stop; rm -rf --one-file-system "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: binding_windows: needs root"
    exit 0
fi
for t in "$build/memfs" "$fsptool" "$handle"; do
    [ -x "$t" ] || { echo "FAIL: binding_windows_setup: $t not built"; exit 0; }
done
mkdir "$tmp/m"

# step NAME CMD...: one transcript line: NAME, the exit status and the
# output on one line (stdout and stderr, in the mount, so no paths differ).
step() {
    local name=$1 out rc
    shift
    out=$(cd "$tmp/m" && "$@" 2>&1)
    rc=$?
    printf '%s\t%d\t%s\n' "$name" "$rc" "$(printf '%s' "$out" | tr '\n' '|')"
}
as_nobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }
evict() { sync; echo 2 > /proc/sys/vm/drop_caches; }

session() {
    local sd='O:S-1-22-1-1234G:S-1-22-2-5678D:P(A;;FA;;;S-1-22-1-1234)(A;;0x1200a9;;;WD)'
    step create           sh -c 'echo main > f && mkdir d && echo g > g && chmod 666 f g'
    # named streams, Samba's way and the Windows way
    step xattr_set        setfattr -n 'user.DosStream.s1:$DATA' -v hello f
    step xattr_get        getfattr -e hex -n 'user.DosStream.s1:$DATA' f
    step path_write       sh -c 'printf data > f:s2'
    step path_read        cat f:s2
    step stream_list      sh -c "'$fsptool' streams list f | sort"
    step names            sh -c "getfattr -m - f | sort"
    step main_intact      cat f
    step path_unlink      rm f:s2
    step stream_delete    "$fsptool" streams delete f s1
    step stream_gone      getfattr -n 'user.DosStream.s1:$DATA' f
    step list_empty       "$fsptool" streams list f
    step dir_stream       sh -c "printf x > d:ds && '$fsptool' streams list d"
    step bad_stream_name  sh -c 'printf x > "f:a:b"'
    step other_user_read  as_nobody cat f
    # reparse data
    step reparse_set      "$fsptool" reparse f set 0x80000017 0102030405
    step reparse_get      "$fsptool" reparse f
    step reparse_attrib   "$fsptool" attrib f
    step reparse_other    "$fsptool" reparse f set 0x9000001c 00
    step reparse_delete   "$fsptool" reparse f delete
    step reparse_none     "$fsptool" reparse f
    step reparse_bad      setfattr -n system.ntfs_reparse_data -v 0x0100 f
    # DOS attributes and creation time
    step attrib_hidden    "$fsptool" attrib f +h +s
    step attrib_show      "$fsptool" attrib f
    step crtime_set       "$fsptool" crtime f 1000000000
    step crtime_get       "$fsptool" crtime f
    step attrib_nobody    as_nobody "$fsptool" attrib f -h
    # security descriptors: the descriptor decides owner, group and mode
    step sd_set           "$fsptool" sd set f "$sd"
    step sd_get           "$fsptool" sd get f
    step sd_owner_mode    stat -c '%u %g %a' f
    step sd_bad           setfattr -n system.ntfs_acl -v 0x0100 f
    step sd_still         stat -c '%u %g %a' f
    step sd_nobody        as_nobody "$fsptool" sd set g 'D:P(A;;FA;;;WD)'
    step chmod_sd         sh -c "chmod 640 g && '$fsptool' sd get g"
    # the read-only attribute, as NTFS enforces it
    step ro_set           "$fsptool" attrib g +r
    step ro_write         bash -c 'echo x >> g'
    step ro_truncate      truncate -s 0 g
    step ro_stream        bash -c 'printf x > g:s'
    step ro_stream_none   "$fsptool" streams list g
    step ro_unlink        rm g
    step ro_rename        sh -c 'mv g g2 && mv g2 g'
    step ro_clear         "$fsptool" attrib g -r
    step ro_unlink_after  rm g
    # the volume
    step label_set        "$fsptool" volume . label WinVol
    step label_get        sh -c "'$fsptool' volume . | grep -i label"
    # export: a handle taken while cached works after the kernel forgot
    step handle_save      "$handle" save f "$tmp/h"
    evict
    step handle_cat       "$handle" cat . "$tmp/h"
    step handle_victim    sh -c "echo v > d/x && '$handle' save d/x '$tmp/h2' && rm d/x"
    evict
    step handle_stale     "$handle" cat . "$tmp/h2"
}

# run LABEL CMD...: mount CMD -f -W -o allow_other,streams_interface=windows
# on $tmp/m and write the session's transcript to $tmp/LABEL.out.
run() {
    local label=$1
    shift
    "$@" -f -W -o allow_other,streams_interface=windows "$tmp/m" \
        >"$tmp/$label.err" 2>&1 &
    pid=$!
    for _ in $(seq 300); do
        mounted "$tmp/m" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! mounted "$tmp/m"; then
        stop
        return 1
    fi
    session > "$tmp/$label.out"
    mounted "$tmp/m" || echo "mount_alive	1	gone" >> "$tmp/$label.out"
    stop
    return 0
}

if ! run c "$build/memfs" || [ ! -s "$tmp/c.out" ]; then
    echo "FAIL: binding_windows_c_memfs: did not mount: $(head -3 "$tmp/c.err")"
    exit 0
fi
# The reference must itself be right where it matters, or every binding
# would pass by copying a bug.
grep -q "^sd_owner_mode	0	1234 5678 755$" "$tmp/c.out" &&
    grep -q "^ro_unlink	1	" "$tmp/c.out" &&
    grep -q "^ro_stream	1	.*Permission denied$" "$tmp/c.out" &&
    grep -q "^ro_stream_none	0	$" "$tmp/c.out" &&
    grep -q "^handle_cat	0	main$" "$tmp/c.out" &&
    grep -q "^path_read	0	data$" "$tmp/c.out" &&
    echo "PASS: binding_windows_c_reference" ||
    { echo "FAIL: binding_windows_c_reference: C memfs's own session is wrong:"; sed 's/^/  | /' "$tmp/c.out"; }

for dir in bindings/*/; do
    lang=$(basename "$dir")
    [ -x "$dir/memfs" ] || continue
    if ! run "$lang" "$dir/memfs"; then
        # A toolchain the machine lacks leaves the binding unbuilt: its
        # test.sh already said SKIP for that.
        if grep -qi "not built\|no such file\|not found" "$tmp/$lang.err"; then
            echo "SKIP: binding_windows_$lang: not built ($(head -1 "$tmp/$lang.err"))"
        else
            echo "FAIL: binding_windows_$lang: -W did not mount: $(head -3 "$tmp/$lang.err" | tr '\n' ' ')"
        fi
        continue
    fi
    while IFS=$'\t' read -r name rc out; do
        got=$(awk -F'\t' -v n="$name" '$1 == n { print $2 "\t" $3 }' "$tmp/$lang.out")
        if [ "$got" = "$rc	$out" ]; then
            echo "PASS: binding_windows_${lang}_$name"
        else
            echo "FAIL: binding_windows_${lang}_$name: C memfs [$rc] $out; $lang [${got%%	*}] ${got#*	}"
        fi
    done < "$tmp/c.out"
    if grep -q "^mount_alive" "$tmp/$lang.out"; then
        echo "FAIL: binding_windows_${lang}_mount_alive: the mount died during the session"
    fi
done
exit 0
