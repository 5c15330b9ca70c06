# SPDX-License-Identifier: LGPL-2.1-or-later
# libfuse 2 (libfuse.so.2) compatibility tests, sourced by
# tests/compat/run.sh after its own: uses its BUILD, ROOT, T, PIDS,
# PRELOAD, SANFLAGS, pass/fail/skip/check, wait_mounted, wait_gone,
# apt_install.  Every mount is under $T, which run.sh's trap unmounts.

LIB2=$BUILD/compat/libfuse.so.2
DEB2=/lib/$MULTIARCH/libfuse.so.2

# fsp's libfuse.so.2 mapped, Debian's not.
maps2_ok() {
    grep -q "$LIB2" "/proc/$1/maps" 2>/dev/null &&
        ! grep -q 'libfuse\.so\.2\.9' "/proc/$1/maps"
}

fuse2_tests() {
    if [ ! -f "$LIB2" ]; then
        fail "libfuse.so.2 built" "$LIB2 missing"
        return
    fi
    if [ ! -f "$DEB2" ] || ! command -v bindfs >/dev/null ||
       [ ! -f /usr/include/fuse/fuse.h ] ||
       [ ! -f /usr/lib/python3/dist-packages/fusepy.py ]; then
        apt_install libfuse2 libfuse-dev bindfs python3-fusepy
    fi

    # ---- ABI: SONAME, version nodes, every export as in Debian's --------
    check "libfuse.so.2: SONAME libfuse.so.2" \
        sh -c "objdump -p '$LIB2' | grep -q 'SONAME *libfuse.so.2\$'"
    # "name version" for each exported definition, hidden ones in ()
    exports() {
        objdump -T "$1" | grep -v '\*UND\*' | awk '$2 == "g" || $2 == "w"' |
            awk '{print $NF, $(NF-1)}' | sort
    }
    nodes() {
        readelf -V "$1" | sed -n '/Version definition/,/Version needs/p' |
            grep -Eo 'Name: [^ ]+|Parent 1: [^ ]+' | tr '\n' ' '
    }
    if [ -f "$DEB2" ]; then
        exports "$LIB2" > "$T/f2.mine"
        exports "$DEB2" > "$T/f2.deb"
        extra=$(comm -23 "$T/f2.mine" "$T/f2.deb" | tr '\n' ' ')
        if [ -z "$extra" ]; then
            pass "libfuse.so.2: every export has Debian's name and version ($(wc -l < "$T/f2.mine") of $(wc -l < "$T/f2.deb"))"
        else
            fail "libfuse.so.2: exports not in Debian's library" "$extra"
        fi
        mine_nodes=$(nodes "$LIB2" | sed 's/Name: [^ ]* //')
        deb_nodes=$(nodes "$DEB2" | sed 's/Name: [^ ]* //')
        if [ "$mine_nodes" = "$deb_nodes" ]; then
            pass "libfuse.so.2: version nodes FUSE_2.2 .. FUSE_2.9.1 with Debian's parents"
        else
            fail "libfuse.so.2: version nodes" "$mine_nodes"
        fi
        for s in "fuse_main_real FUSE_2.6" "fuse_new FUSE_2.6" \
                 "fuse_get_context FUSE_2.8" "fuse_get_context (FUSE_2.2)" \
                 "fuse_opt_parse FUSE_2.5" "fuse_loop_mt FUSE_2.2"; do
            check "libfuse.so.2: exports $s" grep -qx "$s" "$T/f2.mine"
        done
    else
        skip "libfuse.so.2 ABI against Debian's" "libfuse2 not installable"
    fi
    # no fuse3-only name (fuse_session_new, fuse_new_31 ...) leaks out
    check "libfuse.so.2: no libfuse 3 names exported" sh -c \
        "! objdump -T '$LIB2' | grep -v '\\*UND\\*' | grep -Eq 'FUSE_3|fsp3_|fuse_session_new|fuse_session_mount|fuse_lowlevel_help|fuse_lowlevel_version|_3[0-9]+\$'"

    # ---- struct layouts against Debian's libfuse-dev headers -------------
    cc -std=c11 -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror \
        -I"$ROOT/include/fuse" -o "$T/abi2_fsp" "$ROOT/tests/compat/abi2_layout.c"
    if [ -f /usr/include/fuse/fuse.h ]; then
        cc -std=gnu11 -D_FILE_OFFSET_BITS=64 -I/usr/include/fuse \
            -o "$T/abi2_deb" "$ROOT/tests/compat/abi2_layout.c"
        "$T/abi2_fsp" > "$T/abi2.fsp"; "$T/abi2_deb" > "$T/abi2.deb"
        check "include/fuse: 2.9 struct layouts equal Debian's ($(wc -l < "$T/abi2.fsp") values)" \
            cmp -s "$T/abi2.fsp" "$T/abi2.deb"
    else
        skip "include/fuse layouts" "libfuse-dev not installable"
    fi

    # ---- a 2.x-style program built with pkg-config fuse ------------------
    # getdir, utime, fgetattr/ftruncate, read_buf, the 2.x init, fuse_main
    if cc -std=c11 -Wall -Wextra -Werror $SANFLAGS -o "$T/hello2" \
           "$ROOT/tests/compat/hello2.c" \
           $(pkg-config --cflags --libs fuse 2>/dev/null) 2>"$T/hello2.cc"; then
        pass "hello2 (FUSE_USE_VERSION 26) builds with pkg-config fuse"
        M=$T/hello2m; mkdir -p "$M"
        LD_LIBRARY_PATH=$BUILD/compat "$T/hello2" -f "$M" 2>"$T/hello2.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" "$P"; then
            check "hello2: getdir lists, private_data from init" \
                sh -c "[ \"\$(ls '$M')\" = hello ]"
            check "hello2: read" sh -c "[ \"\$(cat '$M/hello')\" = 'hello, fuse 2' ]"
            check "hello2: utime (via utimens)" sh -c \
                "touch -m -d 2010-01-01 '$M/hello' && [ \"\$(stat -c %Y '$M/hello')\" = 1262304000 ]"
            check "hello2: O_TRUNC open becomes ftruncate" sh -c \
                "echo x >> '$M/hello' && : > '$M/hello' && [ \"\$(stat -c %s '$M/hello')\" = 0 ]"
            check "hello2: fsp's libfuse.so.2 mapped" maps2_ok "$P"
            umount "$M"
            check "hello2: exits after umount" wait_gone "$P"
        else
            fail "hello2: mounts" "$(head -3 "$T/hello2.err")"
        fi
    else
        fail "hello2 builds with pkg-config fuse" "$(head -3 "$T/hello2.cc")"
    fi

    # ---- Debian's bindfs (libfuse 2), unmodified --------------------------
    if command -v bindfs >/dev/null; then
        # nobody must reach the mounts for the permission checks
        chmod 755 "$T"
        S=$T/bsrc; M=$T/bmnt; mkdir -p "$S/sub/deeper" "$M"
        echo one > "$S/a"
        head -c 300000 /dev/urandom > "$S/sub/bin"
        ln -s a "$S/link"
        echo deep > "$S/sub/deeper/f"
        chmod -R a+rX "$S"
        LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
            bindfs -f --perms=a-w "$S" "$M" 2>"$T/bindfs.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" "$P"; then
            check "bindfs --perms=a-w: diff -r against the source" diff -r "$S" "$M"
            check "bindfs --perms=a-w: modes lose w" \
                sh -c "[ \"\$(stat -c %A '$M/a')\" = '-r--r--r--' ]"
            check "bindfs --perms=a-w: nobody reads" \
                setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "cat $M/a >/dev/null"
            check "bindfs --perms=a-w: nobody's write fails with EACCES" sh -c \
                "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo x >> $M/a' 2>&1 | grep -q 'Permission denied'"
            check "bindfs: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
            umount "$M"
            check "bindfs: exits after umount" wait_gone "$P"
        else
            fail "bindfs: mounts" "$(head -3 "$T/bindfs.err")"
        fi
        # -u maps the owner; writes reach the source; daemon mode
        M=$T/bmnt2; mkdir -p "$M"
        if LD_PRELOAD=$PRELOAD LD_LIBRARY_PATH=$BUILD/compat \
               bindfs -u nobody "$S" "$M" 2>"$T/bindfs2.err" &&
           wait_mounted "$M"; then
            check "bindfs -u nobody: files shown owned by nobody" \
                sh -c "[ \"\$(stat -c %U '$M/a' '$M/sub/bin' | sort -u)\" = nobody ]"
            check "bindfs -u nobody: source owner unchanged" \
                sh -c "[ \"\$(stat -c %U '$S/a')\" = root ]"
            check "bindfs: write, rename, unlink reach the source" sh -c \
                "echo new > '$M/new' && mv '$M/new' '$M/sub/new2' && [ \"\$(cat '$S/sub/new2')\" = new ] && rm '$M/sub/new2' && [ ! -e '$S/sub/new2' ]"
            BP=$(fuser -m "$M" 2>/dev/null | awk '{print $1}')
            [ -z "$BP" ] && BP=$(pgrep -n -x bindfs)
            check "bindfs (daemon): fsp's libfuse.so.2 mapped" maps2_ok "$BP"
            umount "$M"
            check "bindfs (daemon): unmounted" sh -c "! grep -q ' $M ' /proc/mounts"
        else
            fail "bindfs -u nobody (daemon): mounts" "$(head -3 "$T/bindfs2.err")"
        fi
    else
        skip "bindfs" "bindfs not installable"
    fi

    # ---- python3-fusepy (ctypes on libfuse.so.2) ----------------------------
    # Debian's python (fusepy is installed for it), told where the library
    # is: fusepy loads FUSE_LIBRARY_PATH before ctypes.util.find_library.
    if [ -f /usr/lib/python3/dist-packages/fusepy.py ] && [ -x /usr/bin/python3 ]; then
        M=$T/py; mkdir -p "$M"
        ASAN_OPTIONS=detect_leaks=0 LD_PRELOAD=$PRELOAD \
            FUSE_LIBRARY_PATH=$LIB2 LD_LIBRARY_PATH=$BUILD/compat \
            /usr/bin/python3 "$ROOT/tests/compat/fusepy_memfs.py" "$M" \
            2>"$T/py.err" &
        P=$!; PIDS="$PIDS $P"
        if wait_mounted "$M" "$P"; then
            pyops() {
                echo hello > "$M/f1" || return 1
                [ "$(cat "$M/f1")" = hello ] || return 1
                mkdir "$M/d" || return 1
                head -c 100000 /dev/urandom > "$T/pybig" || return 1
                cp "$T/pybig" "$M/d/big" || return 1
                cmp "$T/pybig" "$M/d/big" || return 1
                [ "$(ls "$M" | tr '\n' ' ')" = "d f1 " ] || return 1
                mv "$M/f1" "$M/d/f2" || return 1
                [ "$(ls "$M/d" | tr '\n' ' ')" = "big f2 " ] || return 1
                touch -m -d 2001-01-01 "$M/d/f2" || return 1
                [ "$(stat -c %Y "$M/d/f2")" = 978307200 ] || return 1
                rm "$M/d/f2" "$M/d/big" || return 1
                rmdir "$M/d" || return 1
                [ -z "$(ls -A "$M")" ] || return 1
            }
            if (pyops) 2>"$T/pyops.err"; then
                pass "fusepy memfs: create, read, write, mkdir, ls, rename, utimens, rm"
            else
                fail "fusepy memfs: operations" "$(tail -2 "$T/pyops.err" | tr '\n' ' ')"
            fi
            check "fusepy: fsp's libfuse.so.2 mapped, not Debian's" maps2_ok "$P"
            umount "$M"
            check "fusepy: exits after umount" wait_gone "$P"
        else
            fail "fusepy: mounts" "$(tail -3 "$T/py.err")"
        fi
    else
        skip "fusepy" "python3-fusepy not installable"
    fi
}
fuse2_tests
