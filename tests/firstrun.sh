#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's first command as a newcomer meets it, as root and as an
# ordinary user:
#
#   tests/firstrun.sh BUILDDIR
#
# A copy of the tree (with BUILDDIR's objects, so nothing is rebuilt)
# owned by a user this script makes; `./dev.sh run` on a terminal
# (script(1)) must mount memfs on ./mnt, say so and what to do next, and
# say goodbye after Ctrl-C.  With /dev/fuse closed to users (mode 0600, as
# on this machine) the user must be told in one line what to do, before
# anything is built.  Restores /dev/fuse's mode and removes the user.
set -u
build=${1:-build}
build=${build%/}
user=fspfirst
made_user=0
fuse_mode=$(stat -c %a /dev/fuse)
tmp=$(mktemp -d /tmp/fsp-firstrun.XXXXXX)
chmod 0755 "$tmp"
# (root cannot stat another user's FUSE mount: ask the mount table)
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
# stop_memfs SIGNAL: signal the memfs running in the copy (by its working
# directory: other memfs processes on the machine are not ours)
stop_memfs() {
    local p
    for p in $(pgrep -x memfs); do
        [ "$(readlink "/proc/$p/cwd")" = "$tmp/tree" ] && kill "-$1" "$p"
    done
}
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    stop_memfs INT 2>/dev/null
    mounted "$tmp/tree/mnt" && umount -l "$tmp/tree/mnt"
    chmod "$fuse_mode" /dev/fuse
    rm -rf --one-file-system "$tmp"
    [ $made_user = 1 ] && userdel "$user" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: firstrun: needs root to make a user"
    exit 0
fi
[ -x "$build/memfs" ] || { echo "FAIL: firstrun_setup: $build/memfs not built"; exit 0; }
if ! id "$user" >/dev/null 2>&1; then
    useradd -M -U -s /bin/bash "$user" || { echo "FAIL: firstrun_setup: useradd"; exit 0; }
    made_user=1
fi

# The tree as a newcomer has it, with the build already done (cp -a keeps
# the times, so make finds everything up to date).
mkdir "$tmp/tree"
git ls-files -z | xargs -0 cp -a --parents -t "$tmp/tree"
cp -a "$build" "$tmp/tree/$build"
chown -R "$user:" "$tmp/tree"

# run_as WHO SECONDS: ./dev.sh run on a pseudo-terminal, Ctrl-C (SIGINT to
# memfs, as the terminal would send) once it has mounted; output in
# $tmp/out.WHO, 0 if memfs mounted.
run_as() {
    local who=$1 secs=$2 cmd="cd '$tmp/tree' && BUILD=$build ./dev.sh run" run
    if [ "$who" = root ]; then
        run=(script -qec "$cmd" /dev/null)
    else
        run=(setpriv --reuid "$user" --regid "$user" --init-groups
             script -qec "$cmd" /dev/null)
    fi
    timeout -k 5 "$secs" "${run[@]}" > "$tmp/out.$who" 2>&1 &
    local p=$! sent=0
    for _ in $(seq $((secs * 10))); do
        kill -0 "$p" 2>/dev/null || break
        if [ $sent = 0 ] && mounted "$tmp/tree/mnt"; then
            stop_memfs INT
            sent=1
        fi
        sleep 0.1
    done
    wait "$p"
}
has() { tr -d '\r' < "$tmp/out.$1" | grep -q "$2"; }

# --- as root ---------------------------------------------------------------------
run_as root 60
if has root "memfs: mounted on mnt" && has root "Ctrl-C here unmounts" &&
   has root "memfs: unmounted mnt; bye"; then
    echo "PASS: firstrun_root"
else
    echo "FAIL: firstrun_root: $(tr -d '\r' < "$tmp/out.root" | tail -5 | tr '\n' ' ')"
fi
rmdir "$tmp/tree/mnt"   # the user's run makes its own

# --- as an ordinary user, /dev/fuse closed: told what to do --------------------
chmod 0600 /dev/fuse
run_as "$user" 30
if has "$user" "chmod 0666 /dev/fuse" && ! mounted "$tmp/tree/mnt"; then
    echo "PASS: firstrun_user_told_about_dev_fuse"
else
    echo "FAIL: firstrun_user_told_about_dev_fuse: $(tr -d '\r' < "$tmp/out.$user" | tail -5 | tr '\n' ' ')"
fi
# memfs itself says the same when fusermount3 cannot open /dev/fuse
(cd "$tmp/tree" && setpriv --reuid "$user" --regid "$user" --init-groups \
    sh -c "mkdir -p mnt && exec $build/memfs -f mnt") > "$tmp/out.memfs" 2>&1
if grep -q "chmod 0666 /dev/fuse" "$tmp/out.memfs"; then
    echo "PASS: firstrun_memfs_names_the_fix"
else
    echo "FAIL: firstrun_memfs_names_the_fix: $(tail -3 "$tmp/out.memfs" | tr '\n' ' ')"
fi

# --- as an ordinary user, /dev/fuse open: it mounts -----------------------------
chmod 0666 /dev/fuse
run_as "$user" 60
if has "$user" "memfs: mounted on mnt" && has "$user" "memfs: unmounted mnt; bye" &&
   ! mounted "$tmp/tree/mnt"; then
    echo "PASS: firstrun_user"
else
    echo "FAIL: firstrun_user: $(tr -d '\r' < "$tmp/out.$user" | tail -5 | tr '\n' ' ')"
fi
exit 0
