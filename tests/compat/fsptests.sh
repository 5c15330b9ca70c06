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
# other case must PASS.  Per example:
#
#   PASS: fsp-tests <example>: N passed, M skipped (K declared)
#   FAIL: fsp-tests <example> <case>: why      (one line per failed case)

FSPTESTS=$BUILD/fsp-tests

# What the libfuse 3.14 API cannot give, whichever example.
NO_BTIME="time_statx_btime=libfuse 3.14 has no statx: no birth time"
NO_ACL="acl_=no FUSE_CAP_POSIX_ACL asked for: the kernel does not enforce ACLs, the example stores them as plain attributes"
HL_RMDIR="dir_nlink=the high-level API reaches a directory by path only: fstat of an open removed one fails (ESTALE on libfuse 3.14, ENOENT on fsp)"

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

# stop_example NAME PID MOUNTPOINT: SIGTERM, make sure nothing is left;
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

if [ ! -x "$FSPTESTS" ]; then
    fail "fsp-tests against the examples" "$FSPTESTS not built"
elif ! build_example memfs_hl ft_memfs_hl || ! build_example memfs_ll ft_memfs_ll ||
     ! build_example passthrough_hl ft_passthrough_hl; then
    fail "fsp-tests against the examples" "an example did not build"
else
    OPTS=allow_other,default_permissions

    # memfs_ll: no xattrs, no fallocate, no atime on reads.
    M=$T/ft-ll; mkdir -p "$M"
    start_hl ft_memfs_ll -f -o "$OPTS" "$M"
    if wait_mounted "$M" "$P"; then
        fsptests memfs_ll "$M" -x "$NO_BTIME" \
            -x "xattr=the example has no extended attributes" \
            -x "space_fallocate=the example has no fallocate" \
            -x "space_punch_hole=the example has no fallocate" \
            -x "space_sparse_blocks=file contents are one buffer: no holes" \
            -x "space_seek_data_hole=file contents are one buffer: no holes" \
            -x "time_atime_relatime=the example keeps no access time on reads"
        stop_example ft_memfs_ll "$P" "$M"
    else
        fail "fsp-tests memfs_ll: mounts" "$(head -3 "$T/ft_memfs_ll.err")"
    fi

    # memfs_hl.  attr_timeout=0: the high-level API gives each path its own
    # inode, so with cached attributes one hard link does not see a write
    # through another (below); libfuse 3.14 behaves the same.
    M=$T/ft-hl; mkdir -p "$M"
    start_hl ft_memfs_hl -f -o "$OPTS,attr_timeout=0" "$M"
    if wait_mounted "$M" "$P"; then
        fsptests memfs_hl "$M" -x "$NO_BTIME" -x "$NO_ACL" -x "$HL_RMDIR" \
            -x "space_punch_hole=file contents are one buffer: no holes" \
            -x "space_sparse_blocks=file contents are one buffer: no holes" \
            -x "space_seek_data_hole=file contents are one buffer: no holes" \
            -x "time_atime_relatime=the example keeps no access time on reads"
        stop_example ft_memfs_hl "$P" "$M"
    else
        fail "fsp-tests memfs_hl: mounts" "$(head -3 "$T/ft_memfs_hl.err")"
    fi

    # The same with the default attr_timeout (1 s): link_hard must fail
    # where libfuse 3.14 fails it, reading a size cached under the other
    # name (docs/compat.md).  Passing would mean the model changed.
    M=$T/ft-hl1; mkdir -p "$M"
    start_hl ft_memfs_hl -f -o "$OPTS" "$M"
    if wait_mounted "$M" "$P"; then
        timeout -k 5 60 "$FSPTESTS" "$M" link_hard > "$T/ft-hl1.out" 2>&1
        if grep -q '^FAIL: link_hard: .*links.c:[0-9]*: ct_read_file("a", buf, sizeof buf) is 6, expected 11' \
               "$T/ft-hl1.out"; then
            pass "fsp-tests memfs_hl link_hard with attr_timeout=1: stale size through the other name, as libfuse 3.14"
        else
            fail "fsp-tests memfs_hl link_hard with attr_timeout=1" \
                "not libfuse's stale size: $(grep '^[A-Z]*: link_hard' "$T/ft-hl1.out")"
        fi
        stop_example ft_memfs_hl "$P" "$M"
    else
        fail "fsp-tests memfs_hl (attr_timeout=1): mounts" "$(head -3 "$T/ft_memfs_hl.err")"
    fi

    # passthrough_hl over a tmpfs: the source decides readdir offsets and
    # O_DIRECT, and tmpfs is the reference of fsp-tests.
    S=$T/ft-src; M=$T/ft-pt; mkdir -p "$S" "$M"
    if mount -t tmpfs -o mode=755 fsp-ft-src "$S"; then
        start_hl ft_passthrough_hl -f -o "$OPTS" "$S" "$M"
        if wait_mounted "$M" "$P"; then
            fsptests passthrough_hl "$M" -x "$NO_BTIME" -x "$NO_ACL" -x "$HL_RMDIR" \
                -x "lock_setlkw_eintr=a flock blocked in the source is not interrupted: fsp's high-level layer sends no intr_signal (docs/compat.md)"
            stop_example ft_passthrough_hl "$P" "$M"
        else
            fail "fsp-tests passthrough_hl: mounts" "$(head -3 "$T/ft_passthrough_hl.err")"
        fi
        umount -l "$S"
    else
        fail "fsp-tests passthrough_hl" "cannot mount a tmpfs source"
    fi
fi
