# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# fsp-tests against the FUSE examples on fsp's libfuse3 (issue 4: the
# examples "pass fsp-tests").  Sourced by tests/compat/run.sh, whose
# helpers (build_example, start_hl, wait_mounted, wait_gone, pass, fail,
# skip) and variables (BUILD, T, PIDS, SANFLAGS, PRELOAD) it uses.
#
# Each example runs with the mount options a user of it would give
# (default_permissions: permissions are the kernel's; allow_other: the
# cases that switch users reach it) and declares, with fsp-tests -x, what
# it leaves out and why.  Those cases print SKIP with the reason; every
# other case must PASS.  Then the same builds against Debian's libfuse3
# must pass the same way (the examples are portable, and what fsp and
# libfuse do alike is checked on both).  Per example and library:
#
#   PASS: fsp-tests <example>: N passed, M skipped (K declared)
#   FAIL: fsp-tests <example> <case>: why      (one line per failed case)

FSPTESTS=$BUILD/fsp-tests

# What the libfuse 3.14 API cannot give, whichever example.
NO_BTIME="time_statx_btime=libfuse 3.14 has no statx: no birth time"
NO_ACL="acl_=no FUSE_CAP_POSIX_ACL asked for: the kernel does not enforce ACLs, the example stores them as plain attributes"
NO_SGID_DROP="perm_matrix_setid=without handle_killpriv the kernel's FUSE drops set-group-ID after a write only where the group may execute, also for a writer outside the group (fs/fuse/dir.c), on every libfuse"
HL_TRUSTED="xattr_trusted_needs_cap=the example lists what the library gives it: libfuse passes no caller capabilities to filter trusted.* by"
HL_RMDIR="dir_nlink=the high-level API reaches a directory by path only: fstat of an open removed one fails (ESTALE, as libfuse 3.14)"

# fsptests NAME MOUNTPOINT [-x DECL]...: run fsp-tests, report.
fsptests() {
    name=$1 mnt=$2
    shift 2
    out=$T/fsptests-$name.out
    timeout -k 5 600 "$FSPTESTS" "$@" "$mnt" > "$out" 2>&1
    rc=$?
    nfail=$(grep -c '^FAIL: ' "$out")
    grep '^FAIL: ' "$out" | sed "s/^FAIL: /FAIL: fsp-tests $name /"
    summary=$(tail -n 1 "$out")
    declared=$(grep -c '^SKIP: .*declared not offered' "$out")
    case $summary in
        "fsp-tests $mnt: "*) ;;
        *) fail "fsp-tests $name" "no summary (exit $rc): $(tail -n 3 "$out" | tr '\n' ' ')"
           return ;;
    esac
    if [ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ]; then
        pass "fsp-tests $name: ${summary#*: } ($declared declared)"
    else
        fail "fsp-tests $name" "${summary#*: }"
    fi
}

# stop_example BIN PID MOUNTPOINT: SIGTERM, make sure nothing is left;
# under ASan, that the example reported nothing.
stop_example() {
    kill -TERM "$2" 2>/dev/null
    wait_gone "$2" || kill -KILL "$2" 2>/dev/null
    wait "$2" 2>/dev/null
    grep -q " $3 " /proc/mounts && umount -l "$3"
    if [ -n "$SANFLAGS" ]; then
        check "fsp-tests $1: no sanitizer report" sh -c \
            "! grep -q 'ERROR: \\(Address\\|Leak\\)Sanitizer\\|runtime error' '$T/$1.err'"
    fi
}

# What each example leaves out: decls_EXAMPLE LABEL MOUNTPOINT runs
# fsp-tests with those declared.
decls_memfs_ll() {
    fsptests "$1" "$2" -x "$NO_BTIME" -x "$NO_SGID_DROP" \
        -x "xattr=the example has no extended attributes" \
        -x "space_fallocate=the example has no fallocate" \
        -x "space_punch_hole=the example has no fallocate" \
        -x "space_sparse_blocks=file contents are one buffer: no holes" \
        -x "space_seek_data_hole=file contents are one buffer: no holes" \
        -x "time_atime_relatime=the example keeps no access time on reads"
}
decls_memfs_hl() {
    fsptests "$1" "$2" -x "$NO_BTIME" -x "$NO_ACL" -x "$HL_RMDIR" -x "$NO_SGID_DROP" -x "$HL_TRUSTED" \
        -x "space_punch_hole=file contents are one buffer: no holes" \
        -x "space_sparse_blocks=file contents are one buffer: no holes" \
        -x "space_seek_data_hole=file contents are one buffer: no holes" \
        -x "time_atime_relatime=the example keeps no access time on reads"
}
decls_passthrough_hl() {
    fsptests "$1" "$2" -x "$NO_BTIME" -x "$NO_ACL" -x "$HL_RMDIR" -x "$NO_SGID_DROP" -x "$HL_TRUSTED" \
        -x "lock_setlkw_eintr=a flock blocked in the source is not interrupted: fsp's high-level layer sends no intr_signal (docs/compat.md)"
}

# start_example BIN LIB ARGS...: start $T/BIN on fsp's libfuse3 (LIB fsp)
# or on the system's (LIB debian); sets P.
start_example() {
    bin=$1 lib=$2
    shift 2
    if [ "$lib" = fsp ]; then
        LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat "$T/$bin" "$@" \
            2>"$T/$bin.err" &
    else
        env -u LD_LIBRARY_PATH -u LD_PRELOAD "$T/$bin" "$@" 2>"$T/$bin.err" &
    fi
    P=$!
    PIDS="$PIDS $P"
}

# The library the process maps is the one asked for.
lib_ok() { # LIB PID
    if [ "$1" = fsp ]; then
        maps_ok "$2"
    else
        grep -q "$DEBLIB\|/usr/lib/$MULTIARCH/libfuse3.so.3" "/proc/$2/maps" &&
            ! grep -q "$LIB" "/proc/$2/maps"
    fi
}

# run_example EXAMPLE LIB: fsp-tests with its declarations, then for
# memfs_hl link_hard with the default attr_timeout.
run_example() {
    ex=$1 lib=$2
    bin=ft_${lib}_$ex label=$ex
    [ "$lib" = debian ] && label="$ex on Debian's libfuse3"
    # memfs_hl: attr_timeout=0, because the high-level API gives each
    # path its own inode, so with cached attributes one hard link does not
    # see a write through another (checked at the end)
    case $ex in
        memfs_hl) opts=allow_other,default_permissions,attr_timeout=0 ;;
        *) opts=allow_other,default_permissions ;;
    esac
    M=$T/ft-$lib-$ex S=
    mkdir -p "$M"
    if [ "$ex" = passthrough_hl ]; then
        # over a tmpfs: the source decides readdir offsets and O_DIRECT,
        # and tmpfs is fsp-tests' reference
        S=$T/ft-$lib-src
        mkdir -p "$S"
        mount -t tmpfs -o mode=755 fsp-ft-src "$S" ||
            { fail "fsp-tests $label" "cannot mount a tmpfs source"; return; }
    fi
    # shellcheck disable=SC2086  # $S: the source, or nothing
    start_example "$bin" "$lib" -f -o "$opts" $S "$M"
    if wait_mounted "$M" "$P"; then
        if lib_ok "$lib" "$P"; then
            "decls_$ex" "$label" "$M"
        else
            fail "fsp-tests $label" "not running on the library asked for"
        fi
        stop_example "$bin" "$P" "$M"
    else
        fail "fsp-tests $label: mounts" "$(head -3 "$T/$bin.err")"
    fi
    [ -n "$S" ] && umount -l "$S"
    [ "$ex" = memfs_hl ] || return
    # With the default attr_timeout (1 s) link_hard fails where libfuse
    # 3.14 fails it, reading a size cached under the other name
    # (docs/compat.md).  Passing would mean the model changed.
    M=$T/ft-$lib-hl1
    mkdir -p "$M"
    start_example "$bin" "$lib" -f -o allow_other,default_permissions "$M"
    if wait_mounted "$M" "$P"; then
        timeout -k 5 60 "$FSPTESTS" "$M" link_hard > "$T/$bin-hl1.out" 2>&1
        if grep -q '^FAIL: link_hard: .*links.c:[0-9]*: ct_read_file("a", buf, sizeof buf) is 6, expected 11' \
               "$T/$bin-hl1.out"; then
            pass "fsp-tests $label, attr_timeout=1: link_hard sees a stale size through the other name, as on libfuse 3.14"
        else
            fail "fsp-tests $label, attr_timeout=1: link_hard" \
                "not libfuse's stale size: $(grep '^[A-Z]*: link_hard' "$T/$bin-hl1.out")"
        fi
        stop_example "$bin" "$P" "$M"
    else
        fail "fsp-tests $label (attr_timeout=1): mounts" "$(head -3 "$T/$bin.err")"
    fi
}

EXAMPLES="memfs_ll memfs_hl passthrough_hl"
if [ ! -x "$FSPTESTS" ]; then
    fail "fsp-tests against the examples" "$FSPTESTS not built"
else
    for ex in $EXAMPLES; do
        if build_example "$ex" "ft_fsp_$ex"; then
            run_example "$ex" fsp
        else
            fail "fsp-tests $ex: builds"
        fi
    done
    # The same examples on Debian's libfuse3, the same declarations: what
    # passes on fsp must pass there (a portable example), and the
    # attr_timeout=1 check shows the hard-link behaviour is libfuse's.
    if [ -n "$SANFLAGS" ]; then
        skip "fsp-tests on Debian's libfuse3" "sanitizer build"
    elif [ ! -f /usr/include/fuse3/fuse.h ] || [ ! -f "$DEBLIB" ]; then
        skip "fsp-tests on Debian's libfuse3" "libfuse3-dev missing"
    else
        for ex in $EXAMPLES; do
            if cc -Wall -Wextra -Werror -o "$T/ft_debian_$ex" \
                   "$ROOT/examples/$ex.c" -I/usr/include/fuse3 "$DEBLIB" \
                   -lpthread; then
                run_example "$ex" debian
            else
                fail "fsp-tests $ex: builds against Debian's libfuse3"
            fi
        done
    fi
fi
