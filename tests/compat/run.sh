#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libfuse compatibility tests: tests/compat/run.sh BUILDDIR
# (ABI, the examples, fsp-tests against them in fsptests.sh, Debian's
# sshfs and squashfuse_ll, libfuse 2 in fuse2.sh)
#
# Prints PASS/FAIL/SKIP lines and exits 0 (FAIL lines say what broke).
# Needs root for the mounts; installs squashfuse and squashfs-tools with
# apt-get when they are missing.  Never leaves a mount behind: every
# mount lives under one temporary directory that the exit trap unmounts.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
LIB=$BUILD/compat/libfuse3.so.3
T=$(mktemp -d /tmp/fsp-compat.XXXXXX)
PIDS=""
LOOPS=""   # loop devices to detach (debian.sh)

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }
skip() { echo "SKIP: $1${2:+ ($2)}"; }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.3
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
    grep " $T/" /proc/mounts | awk '{print $2}' | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

if [ ! -f "$LIB" ]; then
    fail "libfuse3.so.3 built" "$LIB missing"
    exit 0
fi

# A ThreadSanitizer build is for fsp's own dispatcher (fsp-itest and the
# programs cover it); foreign FUSE programs and the examples are not built
# for TSan, so there is nothing meaningful to run here.
if ldd "$LIB" | grep -q libtsan; then
    skip "libfuse compatibility under ThreadSanitizer" "programs are not TSan builds"
    # Except interrupt functions, whose races are fsp's: intr.sh builds
    # its program with TSan too.
    sh "$ROOT/tests/compat/intr.sh" "$BUILD"
    exit 0
fi

# An ASan-built library must come with ASan-built programs (the runtime
# must load first); a foreign binary gets the runtime preloaded.
SANFLAGS=""
PRELOAD=""
if ldd "$LIB" | grep -q libasan; then
    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
    PRELOAD=$(cc -print-file-name=libasan.so)
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
fi
export PKG_CONFIG_PATH=$BUILD/pkgconfig
# The 3.14 ABI (libfuse3.so.3): what this script and fsptests.sh check;
# abi318.sh builds against fuse3.pc (libfuse3.so.4).
FUSE_CFLAGS=$(pkg-config --cflags --libs fuse3-314 2>/dev/null)

# The process must have fsp's library mapped and no libfuse from /usr.
maps_ok() {
    grep -q "$LIB" "/proc/$1/maps" 2>/dev/null &&
        ! grep -E '/usr/lib.*/libfuse3?\.so|/lib/.*/libfuse3?\.so' \
            "/proc/$1/maps" >/dev/null
}

# Wait until $1 is a FUSE mount (or the process $2 died).
wait_mounted() {
    for _ in $(seq 100); do
        grep -q " $1 fuse" /proc/mounts && return 0
        [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
        sleep 0.05
    done
    return 1
}

wait_gone() {
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.05
    done
    return 1
}

# ---- (c) the exported ABI ------------------------------------------------

SYMS=$T/syms
objdump -T "$LIB" > "$SYMS"
check "objdump: fuse_session_loop_mt@FUSE_3.0" \
    grep -Eq '\(FUSE_3\.0\) +fuse_session_loop_mt$' "$SYMS"
check "objdump: fuse_session_loop_mt@FUSE_3.2" \
    grep -Eq '\(FUSE_3\.2\) +fuse_session_loop_mt$' "$SYMS"
check "objdump: fuse_session_loop_mt@@FUSE_3.12" \
    grep -Eq ' FUSE_3\.12 +fuse_session_loop_mt$' "$SYMS"
check "objdump: fuse_parse_cmdline@FUSE_3.0 and @@FUSE_3.12" sh -c \
    "grep -Eq '\\(FUSE_3\\.0\\) +fuse_parse_cmdline\$' '$SYMS' &&
     grep -Eq ' FUSE_3\\.12 +fuse_parse_cmdline\$' '$SYMS'"
check "objdump: no fsp_ symbols" sh -c "! grep -q ' fsp_' '$SYMS'"
check "objdump: only libfuse names exported" sh -c \
    "awk '/ g /{print \$NF}' '$SYMS' | grep -Ev '^(fuse_|cuse_|FUSE_)' |
     grep -q . && exit 1 || exit 0"
# Debian's libraries live under the machine's multiarch triplet
# (x86_64-linux-gnu, aarch64-linux-gnu, ...), not one written in here.
MULTIARCH=${MULTIARCH:-$(gcc -print-multiarch 2>/dev/null)}
MULTIARCH=${MULTIARCH:-$(uname -m)-linux-gnu}
DEBLIB=/lib/$MULTIARCH/libfuse3.so.3
if [ -f "$DEBLIB" ]; then
    # Every symbol we export must carry the version Debian's has.
    objdump -T "$DEBLIB" | awk '/ g /{print $(NF-1), $NF}' | sort -u > "$T/deb.v"
    awk '/ g /{print $(NF-1), $NF}' "$SYMS" | sort -u > "$T/ours.v"
    # Debian's entries for the names we define (version nodes excluded).
    awk 'NR == FNR { mine[$2] = 1; next } ($2 in mine) && $2 !~ /^FUSE_/' \
        "$T/ours.v" "$T/deb.v" | sort -u > "$T/deb.mine.v"
    if comm -23 "$T/deb.mine.v" "$T/ours.v" | grep -q . ||
       comm -13 "$T/deb.v" "$T/ours.v" | grep -q .; then
        fail "symbol versions match Debian's libfuse 3.14" \
            "$(comm -3 "$T/deb.mine.v" "$T/ours.v" | tr '\n' ' ')"
    else
        pass "symbol versions match Debian's libfuse 3.14"
    fi
else
    skip "symbol versions match Debian's libfuse 3.14" "libfuse3-3 missing"
fi

# ---- struct layouts against Debian's headers ---------------------------

cc -Wall -Wextra -I"$ROOT/include/fuse3" -DFSP_FUSE_ABI=314 -o "$T/abi_fsp" \
    "$ROOT/tests/compat/abi_layout.c" && "$T/abi_fsp" > "$T/abi_fsp.txt"
if [ -f /usr/include/fuse3/fuse_lowlevel.h ]; then
    cc -Wall -Wextra -I/usr/include/fuse3 -o "$T/abi_deb" \
        "$ROOT/tests/compat/abi_layout.c" && "$T/abi_deb" > "$T/abi_deb.txt"
    check "struct layouts equal libfuse 3.14's" \
        cmp -s "$T/abi_fsp.txt" "$T/abi_deb.txt"
else
    skip "struct layouts equal libfuse 3.14's" "libfuse3-dev missing"
fi
for v in 30 31 32 35 312 314; do
    printf '#include <fuse_lowlevel.h>\nint main(void){return 0;}\n' |
        cc -std=c11 -Wall -Wextra -Werror -DFUSE_USE_VERSION=$v \
            -I"$ROOT/include/fuse3" -DFSP_FUSE_ABI=314 -x c -fsyntax-only - ||
        fail "headers compile with FUSE_USE_VERSION=$v"
done
pass "headers compile with FUSE_USE_VERSION 30..314"

# ---- fuse_opt and fuse_parse_cmdline, differential ----------------------

if cc $SANFLAGS -Wall -Wextra -I"$ROOT/include/fuse3" -DFSP_FUSE_ABI=314 -o "$T/opt_fsp" \
       "$ROOT/tests/compat/opt_test.c" -L"$BUILD/compat" \
       -Wl,-rpath,"$BUILD/compat" -l:libfuse3.so.3; then
    (cd "$T" && ./opt_fsp > opt_fsp.txt 2>&1)
    if [ -f "$DEBLIB" ] && [ -z "$SANFLAGS" ]; then
        cc -Wall -Wextra -I"$ROOT/include/fuse3" -DFSP_FUSE_ABI=314 -o "$T/opt_deb" \
            "$ROOT/tests/compat/opt_test.c" "$DEBLIB"
        (cd "$T" && ./opt_deb > opt_deb.txt 2>&1)
        if cmp -s "$T/opt_fsp.txt" "$T/opt_deb.txt"; then
            pass "fuse_opt/fuse_parse_cmdline behave as libfuse 3.14"
        else
            fail "fuse_opt/fuse_parse_cmdline behave as libfuse 3.14" \
                "$(diff "$T/opt_deb.txt" "$T/opt_fsp.txt" | head -5 | tr '\n' ' ')"
        fi
    else
        check "fuse_opt test runs" grep -q '^version 314' "$T/opt_fsp.txt"
    fi
else
    fail "opt_test builds"
fi

# ---- (a) the examples ----------------------------------------------------

# build_example NAME [OUTPUT]: examples/NAME.c into $T/OUTPUT (or NAME).
build_example() {
    # shellcheck disable=SC2086
    cc $SANFLAGS -Wall -Wextra -Werror -o "$T/${2:-$1}" "$ROOT/examples/$1.c" \
        $FUSE_CFLAGS
}

if build_example hello_ll; then
    pass "hello_ll builds with pkg-config fuse3"
    M=$T/hello; mkdir -p "$M"
    LD_LIBRARY_PATH=$BUILD/compat "$T/hello_ll" -f "$M" 2>"$T/hello.err" &
    P=$!; PIDS="$PIDS $P"
    if wait_mounted "$M" "$P"; then
        check "hello_ll: read hello" sh -c \
            "[ \"\$(cat '$M/hello')\" = \"Hello from fsp's libfuse!\" ]"
        check "hello_ll: readdir" sh -c "[ \"\$(ls '$M')\" = hello ]"
        check "hello_ll: write refused" sh -c "! echo x 2>/dev/null > '$M/hello'"
        check "hello_ll: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
        # SIGTERM: a background job of a script ignores SIGINT, and
        # libfuse (so fsp too) leaves ignored signals alone.
        kill -TERM "$P"
        check "hello_ll: SIGTERM unmounts and exits" sh -c \
            "for i in \$(seq 100); do kill -0 $P 2>/dev/null || break; sleep 0.05; done;
             ! kill -0 $P 2>/dev/null && ! grep -q ' $M ' /proc/mounts"
        wait "$P"; check "hello_ll: exit status 0" [ $? -eq 0 ]
    else
        fail "hello_ll: mounts" "$(head -3 "$T/hello.err")"
    fi
else
    fail "hello_ll builds with pkg-config fuse3"
fi

memfs_ops() {
    M=$1 || return 1
    echo "hello world" > "$M/f" || return 1
    [ "$(cat "$M/f")" = "hello world" ] || return 1
    mkdir "$M/d" || return 1
    head -c 3000000 /dev/urandom > "$T/big" || return 1
    cp "$T/big" "$M/d/big" || return 1
    mv "$M/f" "$M/d/g" || return 1
    [ "$(ls "$M/d" | tr '\n' ' ')" = "big g " ] || [ "$(ls "$M/d" | tr '\n' ' ')" = "g big " ] || return 1
    [ "$(ls "$M")" = d ] || return 1
    sync || return 1
    echo 3 > /proc/sys/vm/drop_caches || return 1
    cmp -s "$T/big" "$M/d/big" || return 1
    [ "$(cat "$M/d/g")" = "hello world" ] || return 1
    truncate -s 5 "$M/d/g" || return 1
    [ "$(cat "$M/d/g")" = "hello" ] || return 1
    ln -s d/g "$M/s" || return 1
    [ "$(cat "$M/s")" = "hello" ] || return 1
    ln "$M/d/g" "$M/h" || return 1
    [ "$(stat -c %h "$M/h")" = 2 ] || return 1
    rm "$M/d/big" "$M/s" "$M/h" || return 1
    rm "$M/d/g" || return 1
    rmdir "$M/d" || return 1
    [ -z "$(ls -A "$M")" ] || return 1
    df "$M" > /dev/null || return 1
}

if build_example memfs_ll; then
    pass "memfs_ll builds with pkg-config fuse3"
    for mode in mt st; do
        M=$T/memfs-$mode; mkdir -p "$M"
        flag=""; [ $mode = st ] && flag=-s
        LD_LIBRARY_PATH=$BUILD/compat "$T/memfs_ll" -f $flag "$M" \
            2>"$T/memfs.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" "$P"; then
            if (memfs_ops "$M") 2>"$T/ops.err"; then
                pass "memfs_ll ($mode): create, write, read, mkdir, readdir, rename, drop_caches, truncate, links, unlink"
            else
                fail "memfs_ll ($mode): file operations" "$(tail -2 "$T/ops.err" | tr '\n' ' ')"
            fi
            check "memfs_ll ($mode): fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
            kill -TERM "$P"
            wait_gone "$P"; wait "$P"; st=$?
            check "memfs_ll ($mode): SIGTERM ends it cleanly (status $st)" \
                sh -c "[ $st -eq 0 ] && ! grep -q ' $M ' /proc/mounts"
            if [ -n "$SANFLAGS" ]; then
                check "memfs_ll ($mode): no sanitizer report" \
                    sh -c "! grep -q 'ERROR: \\(Address\\|Leak\\)Sanitizer\\|runtime error' '$T/memfs.err'"
            fi
        else
            fail "memfs_ll ($mode): mounts" "$(head -3 "$T/memfs.err")"
        fi
    done
    # libfuse's answer to an unknown option: a message and failure.
    M=$T/memfs-bad; mkdir -p "$M"
    LD_LIBRARY_PATH=$BUILD/compat "$T/memfs_ll" -f -o bogus_option "$M" \
        > "$T/bad.out" 2>&1 &
    P=$!; PIDS="$PIDS $P"
    wait_gone "$P"; wait "$P"; st=$?
    check "unknown option: non-zero exit, libfuse's message, no mount" sh -c \
        "[ $st -ne 0 ] && grep -q \"unknown option(s): \\\`-o bogus_option'\" '$T/bad.out' &&
         ! grep -q ' $M ' /proc/mounts"
else
    fail "memfs_ll builds with pkg-config fuse3"
fi

# ---- the high-level API (fuse.h) ----------------------------------------

check "objdump: fuse_new@FUSE_3.0 and @@FUSE_3.1" sh -c \
    "grep -Eq '\\(FUSE_3\\.0\\) +fuse_new\$' '$SYMS' &&
     grep -Eq ' FUSE_3\\.1 +fuse_new\$' '$SYMS'"
check "objdump: fuse_loop_mt@FUSE_3.0, @FUSE_3.2, @@FUSE_3.12" sh -c \
    "grep -Eq '\\(FUSE_3\\.0\\) +fuse_loop_mt\$' '$SYMS' &&
     grep -Eq '\\(FUSE_3\\.2\\) +fuse_loop_mt\$' '$SYMS' &&
     grep -Eq ' FUSE_3\\.12 +fuse_loop_mt\$' '$SYMS'"
for v in 30 31 32 35 312 314; do
    printf '#include <fuse.h>\nint main(void){return 0;}\n' |
        cc -std=c11 -Wall -Wextra -Werror -DFUSE_USE_VERSION=$v \
            -I"$ROOT/include/fuse3" -DFSP_FUSE_ABI=314 -x c -fsyntax-only - ||
        fail "fuse.h compiles with FUSE_USE_VERSION=$v"
done
pass "fuse.h compiles with FUSE_USE_VERSION 30..314"

# Start an example; sets P.  $1 name, then its arguments.
start_hl() {
    n=$1; shift
    LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat "$T/$n" "$@" \
        2>"$T/$n.err" &
    P=$!; PIDS="$PIDS $P"
}

# Stop an example with SIGTERM; check it went and left no mount.
stop_hl() {
    n=$1; M=$2
    kill -TERM "$P"
    wait_gone "$P"; wait "$P"; st=$?
    # fuse_main's code for a loop ended by a signal is 8 (libfuse 3.14).
    check "$n: SIGTERM ends it, no mount left (status $st)" \
        sh -c "[ $st -eq 8 ] && ! grep -q ' $M ' /proc/mounts"
    if [ -n "$SANFLAGS" ]; then
        check "$n: no sanitizer report" \
            sh -c "! grep -q 'ERROR: \\(Address\\|Leak\\)Sanitizer\\|runtime error' '$T/$n.err'"
    fi
}

# A tree in, compared, renamed, linked, compared again after the page
# cache is dropped, and an unlinked open file still readable.
hl_tree_ops() {
    M=$1 || return 1
    cp -a "$ROOT/src" "$M/tree" || return 1
    diff -r "$ROOT/src" "$M/tree" || return 1
    mv "$M/tree/compat" "$M/moved" || return 1
    ln -s moved/fuse3 "$M/link" || return 1
    [ "$(readlink "$M/link")" = moved/fuse3 ] || return 1
    cmp "$ROOT/src/compat/fuse3/hl.h" "$M/link/hl.h" || return 1
    ln "$M/moved/fuse3/hl.h" "$M/hard" || return 1
    [ "$(stat -c %h "$M/hard")" = 2 ] || return 1
    head -c 3000000 /dev/urandom > "$T/big" || return 1
    cp "$T/big" "$M/big" || return 1
    sync || return 1
    echo 3 > /proc/sys/vm/drop_caches || return 1
    cmp "$T/big" "$M/big" || return 1
    diff -r "$ROOT/src/compat" "$M/moved" || return 1
    exec 3< "$M/big" || return 1
    rm "$M/big" || return 1
    cmp "$T/big" /dev/fd/3 || return 1
    exec 3<&- || return 1
    mv "$M/hard" "$M/hard2" || return 1
    rm -r "$M/tree" "$M/moved" "$M/link" "$M/hard2" || return 1
    sleep 0.2 || return 1
    [ -z "$(ls -A "$M")" ] || return 1
    df "$M" > /dev/null || return 1
}

if build_example hello hello_hl; then
    pass "hello (high-level) builds with pkg-config fuse3"
    M=$T/hl-hello; mkdir -p "$M"
    start_hl hello_hl -f "$M"
    if wait_mounted "$M" "$P"; then
        check "hello: read" sh -c "[ \"\$(cat '$M/hello')\" = 'Hello World!' ]"
        check "hello: readdir" sh -c "[ \"\$(ls '$M')\" = hello ]"
        check "hello: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
        stop_hl hello_hl "$M"
    else
        fail "hello: mounts" "$(head -3 "$T/hello_hl.err")"
    fi
    LD_LIBRARY_PATH=$BUILD/compat "$T/hello_hl" -f -o bogus_option "$M" \
        > "$T/hlbad.out" 2>&1
    st=$?
    check "hello: unknown option fails (status $st), libfuse's message" sh -c \
        "[ $st -ne 0 ] && grep -q 'unknown option' '$T/hlbad.out' &&
         ! grep -q ' $M ' /proc/mounts"
    LD_LIBRARY_PATH=$BUILD/compat "$T/hello_hl" -f -o modules=subdir "$M" \
        > "$T/hlmod.out" 2>&1
    st=$?
    check "hello: -o modules= is an error (status $st)" sh -c \
        "[ $st -ne 0 ] && ! grep -q ' $M ' /proc/mounts"
else
    fail "hello (high-level) builds with pkg-config fuse3"
fi

if build_example memfs_hl; then
    pass "memfs_hl builds with pkg-config fuse3"
    for mode in mt st; do
        M=$T/hl-memfs-$mode; mkdir -p "$M"
        flag=""; [ $mode = st ] && flag=-s
        start_hl memfs_hl -f $flag "$M"
        if wait_mounted "$M" "$P"; then
            if (hl_tree_ops "$M") 2>"$T/ops.err"; then
                pass "memfs_hl ($mode): cp -a, diff -r, rename, symlink, link, drop_caches, unlinked open file"
            else
                fail "memfs_hl ($mode): tree operations" "$(tail -2 "$T/ops.err" | tr '\n' ' ')"
            fi
            check "memfs_hl ($mode): fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
            stop_hl memfs_hl "$M"
        else
            fail "memfs_hl ($mode): mounts" "$(head -3 "$T/memfs_hl.err")"
        fi
    done
    # Library options: uid/gid/umask rewrite what stat shows.
    M=$T/hl-memfs-opts; mkdir -p "$M"
    start_hl memfs_hl -f -o uid=1234,gid=4321,umask=027,hard_remove,kernel_cache "$M"
    if wait_mounted "$M" "$P"; then
        touch "$M/f"
        check "memfs_hl -o uid,gid,umask: stat shows them" sh -c \
            "[ \"\$(stat -c '%u %g %a' '$M/f')\" = '1234 4321 750' ]"
        stop_hl memfs_hl "$M"
    else
        fail "memfs_hl -o uid,gid,umask: mounts" "$(head -3 "$T/memfs_hl.err")"
    fi
else
    fail "memfs_hl builds with pkg-config fuse3"
fi

if build_example passthrough_hl; then
    pass "passthrough_hl builds with pkg-config fuse3"
    S=$T/pt-src; M=$T/hl-pt; mkdir -p "$S" "$M"
    start_hl passthrough_hl -f "$S" "$M"
    if wait_mounted "$M" "$P"; then
        if (hl_tree_ops "$M") 2>"$T/ops.err"; then
            pass "passthrough_hl: cp -a, diff -r, rename, symlink, link, drop_caches, unlinked open file"
        else
            fail "passthrough_hl: tree operations" "$(tail -2 "$T/ops.err" | tr '\n' ' ')"
        fi
        check "passthrough_hl: source is empty again (hidden file removed)" \
            sh -c "[ -z \"\$(ls -A '$S')\" ]"
        check "passthrough_hl: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
        stop_hl passthrough_hl "$M"
    else
        fail "passthrough_hl: mounts" "$(head -3 "$T/passthrough_hl.err")"
    fi
    # Its read_buf hands back the source descriptor; fuse_reply_data then
    # splices large reads (fsp's counters, printed at exit with -d).
    head -c 3000000 /dev/urandom > "$S/big"
    start_hl passthrough_hl -f -d "$S" "$M"
    if wait_mounted "$M" "$P"; then
        echo 3 > /proc/sys/vm/drop_caches
        check "passthrough_hl: large reads by splice, data equal" cmp "$S/big" "$M/big"
        kill -TERM "$P"; wait_gone "$P"; wait "$P"
        check "passthrough_hl: fsp counted spliced replies" \
            grep -qE '^spliced_replies [1-9]' "$T/passthrough_hl.err"
    else
        fail "passthrough_hl -d: mounts" "$(head -3 "$T/passthrough_hl.err")"
    fi
    rm -f "$S/big"
else
    fail "passthrough_hl builds with pkg-config fuse3"
fi

# ---- Debian's sshfs (libfuse 3 high-level), unmodified ------------------

# A throwaway sshd on 127.0.0.1 with keys made here; stopped by cleanup
# (its pid is in PIDS).
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
if ! command -v sshfs >/dev/null || [ ! -x /usr/sbin/sshd ]; then
    apt_install sshfs openssh-server openssh-client
fi
if command -v sshfs >/dev/null && [ -x /usr/sbin/sshd ]; then
    K=$T/ssh; mkdir -p "$K" /run/sshd; chmod 700 "$K"
    ssh-keygen -q -t ed25519 -N '' -f "$K/host" &&
        ssh-keygen -q -t ed25519 -N '' -f "$K/id" &&
        cp "$K/id.pub" "$K/authorized_keys"
    # Below the kernel's ephemeral range (32768 and up), where an outgoing
    # connection can hold a port that no listening socket shows.
    PORT=$((20000 + $$ % 12000))
    cat > "$K/sshd_config" <<EOC
ListenAddress 127.0.0.1
HostKey $K/host
AuthorizedKeysFile $K/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $K/sshd.pid
Subsystem sftp /usr/lib/openssh/sftp-server
EOC
    # A port some socket holds makes sshd exit at once: take the next.
    for _ in 1 2 3 4 5; do
        while ss -tan 2>/dev/null | grep -q ":$PORT "; do PORT=$((PORT + 1)); done
        /usr/sbin/sshd -D -e -f "$K/sshd_config" -p "$PORT" 2>"$K/sshd.log" &
        SSHD=$!; PIDS="$PIDS $SSHD"
        for _ in $(seq 100); do
            ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT " && break
            kill -0 "$SSHD" 2>/dev/null || break
            sleep 0.05
        done
        ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT " && break
        PORT=$((PORT + 1))
    done
    R=$T/ssh-remote; M=$T/sshfs; mkdir -p "$R" "$M"
    LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat sshfs -f \
        -o "port=$PORT,IdentityFile=$K/id,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes" \
        "root@127.0.0.1:$R" "$M" 2>"$T/sshfs.err" &
    P=$!; PIDS="$PIDS $P"
    if wait_mounted "$M" "$P"; then
        sshfs_ops() {
            cp -a "$ROOT/src" "$M/tree" || return 1
            diff -r "$ROOT/src" "$M/tree" || return 1
            diff -r "$ROOT/src" "$R/tree" || return 1
            mv "$M/tree/compat" "$M/moved" || return 1
            [ -d "$R/moved/fuse3" ] && [ ! -e "$R/tree/compat" ] || return 1
            ln -s moved/fuse3 "$M/link" || return 1
            [ "$(readlink "$R/link")" = moved/fuse3 ] || return 1
            cmp "$ROOT/src/compat/fuse3/hl.h" "$M/link/hl.h" || return 1
            head -c 2000000 /dev/urandom > "$T/sbig" || return 1
            cp "$T/sbig" "$M/big" || return 1
            sync || return 1
            echo 3 > /proc/sys/vm/drop_caches || return 1
            cmp "$T/sbig" "$M/big" || return 1
            cmp "$T/sbig" "$R/big" || return 1
            cp -a "$M/moved" "$T/copied-out" || return 1
            diff -r "$ROOT/src/compat" "$T/copied-out" || return 1
            diff -r "$ROOT/src/compat" "$M/moved" || return 1
            rm -r "$M/tree" "$M/moved" "$M/link" "$M/big" || return 1
            [ -z "$(ls -A "$R")" ] || return 1
        }
        if (sshfs_ops) 2>"$T/ops.err"; then
            pass "sshfs: tree in and out, rename, symlink, drop_caches, diff -r clean"
        else
            fail "sshfs: tree operations" "$(tail -2 "$T/ops.err" | tr '\n' ' ')"
        fi
        check "sshfs: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
        umount "$M"
        check "sshfs: exits after umount" wait_gone "$P"
    else
        fail "sshfs: mounts" "$(head -3 "$T/sshfs.err" | tr '\n' ' ') sshd: $(tail -2 "$K/sshd.log" | tr '\n' ' ')"
    fi
    kill -TERM "$SSHD" 2>/dev/null; wait "$SSHD" 2>/dev/null
else
    skip "sshfs" "sshfs or openssh-server not installable"
fi

# ---- (b) Debian's squashfuse_ll, unmodified ----------------------------

if ! command -v squashfuse_ll >/dev/null || ! command -v mksquashfs >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq squashfuse \
        squashfs-tools >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq squashfuse \
              squashfs-tools >/dev/null 2>&1; }
fi
if command -v squashfuse_ll >/dev/null && command -v mksquashfs >/dev/null; then
    S=$T/sqsrc
    mkdir -p "$S/sub/deeper" "$S/empty"
    echo one > "$S/a"
    head -c 700000 /dev/urandom > "$S/sub/bin"
    ln -s a "$S/link"
    echo deep > "$S/sub/deeper/f"
    for i in $(seq 300); do echo "$i" > "$S/sub/n$i"; done
    mksquashfs "$S" "$T/img" -quiet -noappend >/dev/null 2>&1
    M=$T/sq; mkdir -p "$M"
    LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
        squashfuse_ll -f "$T/img" "$M" 2>"$T/sq.err" &
    P=$!; PIDS="$PIDS $P"
    if wait_mounted "$M" "$P"; then
        check "squashfuse_ll: diff -r against the source tree" \
            diff -r "$S" "$M"
        check "squashfuse_ll: fsp's libfuse3 mapped, no Debian libfuse" maps_ok "$P"
        umount "$M"
        check "squashfuse_ll: exits after umount" wait_gone "$P"
    else
        fail "squashfuse_ll: mounts" "$(head -3 "$T/sq.err")"
    fi
    # Without -f it daemonizes (fuse_daemonize) after mounting.
    M=$T/sq2; mkdir -p "$M"
    if LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
           squashfuse_ll "$T/img" "$M" 2>"$T/sq2.err" && wait_mounted "$M"; then
        check "squashfuse_ll (daemon): diff -r" diff -r "$S" "$M"
        umount "$M"
        check "squashfuse_ll (daemon): unmounted" sh -c "! grep -q ' $M ' /proc/mounts"
    else
        fail "squashfuse_ll (daemon): mounts" "$(head -3 "$T/sq2.err")"
    fi
else
    skip "squashfuse_ll" "squashfuse or squashfs-tools not installable"
fi

# ---- fsp-tests against the examples: its own file, same helpers ------

. "$ROOT/tests/compat/fsptests.sh"

# ---- interrupt functions, libfuse 3 and 2, fsp's and Debian's ---------

sh "$ROOT/tests/compat/intr.sh" "$BUILD"

# ---- libfuse 2 (libfuse.so.2): its own file, same helpers ------------

. "$ROOT/tests/compat/fuse2.sh"
# ---- libfuse 2 low-level API and channels: httpfs2, python3-fuse, ...
. "$ROOT/tests/compat/fuse2_ll.sh"

# ---- more of Debian's FUSE programs, libfuse 2 and 3 ------------------

. "$ROOT/tests/compat/debian.sh"
exit 0
