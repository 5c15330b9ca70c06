#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# passthrough never reaches outside its source directory (issue #10).
#
#   tests/passthrough_escape.sh BUILDDIR
#
# The source holds symlinks (absolute, relative, to files and to
# directories) that point into a directory beside it holding a secret.
# Clients work through the mount in a mount namespace of their own where
# that directory is hidden under an empty tmpfs: a symlink the client's
# kernel follows finds nothing there, so any secret read or any change
# to the directory beside the source can only be passthrough following a
# link on the server side.  Then the same under a race: one loop keeps
# replacing a directory of the source by a symlink to the outside and
# back while another works on files under that name through the mount.
# Run as root and as an unprivileged user (fspropta, created and removed
# here), with the server and its clients that user.
set -u
build=${1:-build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
user=fspropta
tmp=$(mktemp -d /tmp/fsp-ptesc.XXXXXX)
chmod 0755 "$tmp"
pids=""
made_user=0
fuse_mode=$(stat -c %a /dev/fuse)
PY=/usr/bin/python3
pass() { echo "PASS: passthrough_escape_$1"; }
fail() { echo "FAIL: passthrough_escape_$1: $2"; }
skip() { echo "SKIP: passthrough_escape_$1: $2"; }

cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.2
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
    grep " $tmp/" /proc/self/mountinfo | awk '{print $5}' | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    [ $made_user = 1 ] && userdel "$user" 2>/dev/null
    chmod "$fuse_mode" /dev/fuse
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
    skip setup "needs root (mount namespaces, a test user)"
    exit 0
fi
if [ ! -x "$build/passthrough" ]; then
    fail setup "$build/passthrough missing"
    exit 0
fi

# Is something mounted at $1?  (mountpoint(1) needs to stat it, which
# root may not on a user's mount without allow_other.)
mounted() {
    awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# as WHO CMD...: CMD as root or as the test user
as() {
    local who=$1; shift
    if [ "$who" = root ]; then "$@"; else
        setpriv --reuid "$user" --regid "$user" --clear-groups "$@"; fi
}

# client WHO OUT SCRIPT: SCRIPT (bash) as WHO with OUT hidden under an
# empty tmpfs, in a mount namespace of its own; errors are expected
client() {
    local who=$1 out=$2 script=$3
    local drop=()
    [ "$who" = root ] ||
        drop=(setpriv --reuid "$user" --regid "$user" --clear-groups)
    unshare -m --propagation private sh -c '
        mount -t tmpfs -o mode=0755 none "$1" || exit 1
        shift
        exec "$@"' sh "$out" "${drop[@]}" bash -c "$script" >/dev/null 2>&1
}

# The state of the outside directory, to compare before and after.
snapshot() {
    (cd "$1" && find . -printf '%p %y %m %s %T@ %U\n' | sort &&
     cat secret d/f 2>&1; getfattr -R -d . 2>/dev/null;
     $PY -c '
import os, sys
for dp, dn, fn in os.walk("."):
    for n in dn + fn:
        p = os.path.join(dp, n)
        print(p, sorted(os.listxattr(p, follow_symlinks=False)))')
}

# make_outside WHO DIR: the directory beside the source, afresh, with
# contents a read through the mount can only find there.
make_outside() {
    rm -rf "$2"
    mkdir -p "$2/d"
    echo TOKEN_OUTSIDE_SECRET > "$2/secret"
    echo TOKEN_OUTSIDE_F > "$2/d/f"
    chmod 0644 "$2/secret" "$2/d/f"
    touch -d @1000000000 "$2/secret" "$2/d/f"
    # the server could change all of it, were it to follow a link
    [ "$1" = root ] || chown -R "$user:$user" "$2"
}

scenario() {
    local who=$1
    local base=$tmp/$who
    local src=$base/src out=$base/outside mnt=$base/m/mnt
    mkdir -p "$src" "$mnt"
    make_outside "$who" "$out"
    ln -s "$out/secret" "$src/abs"
    ln -s ../outside/secret "$src/rel"
    ln -s "$out" "$src/dabs"
    ln -s ../outside "$src/drel"
    mkdir "$src/d" && echo inside > "$src/d/f"
    if [ "$who" != root ]; then
        # the server could change all of it, were it to follow a link
        chown -R "$user:$user" "$base"
    fi
    snapshot "$out" > "$base/before"

    as "$who" "$build/passthrough" -f "$src" "$mnt" 2>"$base/err" &
    local pid=$!
    pids="$pids $pid"
    for _ in $(seq 100); do mounted "$mnt" && break; sleep 0.05; done
    if ! mounted "$mnt"; then
        fail "${who}_mount" "$(head -3 "$base/err")"
        return
    fi
    pass "${who}_mount"

    # Everything a client may try on each link, reads collected in one
    # file the client can write (the outside copy of it is hidden).
    local reads=$base/reads
    : > "$reads"; chmod 0666 "$reads"
    local ops='
    m='"$mnt"' r='"$reads"'
    for l in abs rel dabs/secret drel/secret dabs/d/f drel/d/f; do
        cat "$m/$l" >> "$r"
        echo pwned > "$m/$l"
        echo pwned >> "$m/$l"
        chmod 0600 "$m/$l"
        chmod -h 0600 "$m/$l"
        truncate -s 0 "$m/$l"
        touch "$m/$l"
        touch -h -d @2000000000 "$m/$l"
        '"$PY"' -c "
import os, sys
for f in (True, False):
    try: os.setxattr(sys.argv[1], \"user.pwned\", b\"1\", follow_symlinks=f)
    except OSError: pass
    try: os.removexattr(sys.argv[1], \"user.pwned\", follow_symlinks=f)
    except OSError: pass
" "$m/$l"
        ln "$m/$l" "$m/hard"
        cp "$m/$l" "$m/copied" && cat "$m/copied" >> "$r"
    done
    ls -la "$m/dabs/" "$m/drel/" "$m/dabs/d/"
    mkdir "$m/dabs/new" "$m/drel/new"
    touch "$m/dabs/new2" "$m/drel/d/new3"
    echo inside > "$m/mv_me"; mv "$m/mv_me" "$m/dabs/moved"
    mv "$m/d" "$m/drel/moved_dir"; mv "$m/drel/moved_dir" "$m/d"
    ln -s x "$m/dabs/newlink"
    rm -f "$m/dabs/secret" "$m/drel/d/f"
    rm -rf "$m/dabs/d"
    '
    client "$who" "$out" "$ops"
    snapshot "$out" > "$base/after"
    if grep -q TOKEN_OUTSIDE "$reads"; then
        fail "${who}_links_read" "the client read the outside: $(grep -m1 TOKEN_OUTSIDE "$reads")"
    else
        pass "${who}_links_read"
    fi
    if cmp -s "$base/before" "$base/after"; then
        pass "${who}_links_change_nothing_outside"
    else
        fail "${who}_links_change_nothing_outside" \
            "$(diff "$base/before" "$base/after" | head -4 | tr '\n' ' ')"
    fi
    # The links themselves are the source's: shown, not followed.
    if [ "$(as "$who" readlink "$mnt/abs")" = "$out/secret" ] &&
       [ "$(as "$who" readlink "$mnt/drel")" = ../outside ]; then
        pass "${who}_links_shown_as_links"
    else
        fail "${who}_links_shown_as_links" "readlink: $(as "$who" readlink "$mnt/abs")"
    fi

    # The race: each of race0..race7 is a directory one moment, a
    # symlink to the outside the next (absolute or relative), for 3
    # seconds, while a client works on files under them.
    : > "$reads"
    make_outside "$who" "$out"
    snapshot "$out" > "$base/before"
    as "$who" bash -c '
        s='"$src"' o='"$out"'
        end=$((SECONDS + 3)); i=0
        while [ $SECONDS -lt $end ]; do
            for n in 0 1 2 3 4 5 6 7; do
                rm -rf "$s/race$n"
                if [ $(((i + n) % 2)) = 0 ]; then
                    mkdir "$s/race.tmp" && echo inside > "$s/race.tmp/f" &&
                        mv -T "$s/race.tmp" "$s/race$n"
                elif [ $((n % 2)) = 0 ]; then
                    ln -s "$o/d" "$s/race$n"
                else
                    ln -s ../outside/d "$s/race$n"
                fi
            done
            sleep 0.1
            i=$((i + 1))
        done' 2>/dev/null &
    local swapper=$!
    pids="$pids $swapper"
    client "$who" "$out" '
        m='"$mnt"' r='"$reads"'
        end=$((SECONDS + 3))
        while [ $SECONDS -lt $end ]; do
            for n in 0 1 2 3 4 5 6 7; do
                cat "$m/race$n/f" >> "$r"
                echo pwned > "$m/race$n/f"
                chmod 0600 "$m/race$n/f"
                truncate -s 0 "$m/race$n/f"
                touch "$m/race$n/new"
                mkdir "$m/race$n/newdir"
                ls "$m/race$n/"
            done
        done'
    wait "$swapper"
    snapshot "$out" > "$base/after2"
    if grep -q TOKEN_OUTSIDE "$reads"; then
        fail "${who}_race_read" "$(grep -m1 TOKEN_OUTSIDE "$reads")"
    else
        pass "${who}_race_read"
    fi
    # The client must have got through to the inside directory at
    # times, or the race tested little (the kernel caches entries for a
    # second, so this depends on timing).
    if grep -q "inside\\|pwned" "$reads"; then
        pass "${who}_race_reached_inside ($(grep -c inside "$reads") reads)"
    else
        skip "${who}_race_reached_inside" "the client never read race/f this time"
    fi
    if cmp -s "$base/before" "$base/after2"; then
        pass "${who}_race_changes_nothing_outside"
    else
        fail "${who}_race_changes_nothing_outside" \
            "$(diff "$base/before" "$base/after2" | head -4 | tr '\n' ' ')"
    fi

    fusermount3 -u "$mnt" 2>/dev/null || umount "$mnt"
    wait "$pid"
}

scenario root
if id "$user" >/dev/null 2>&1; then
    skip user "user $user exists already (left by an earlier run?)"
elif useradd -M -s /bin/sh "$user"; then
    made_user=1
    # the user's server opens /dev/fuse through fusermount3
    chmod 0666 /dev/fuse
    scenario "$user"
else
    skip user "useradd failed"
fi
exit 0
