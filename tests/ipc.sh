#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The IPC sample (examples/ipc.c, docs/ipc.md) for real: the server built
# against the tree's libfsp, clients talking to it at once through one
# file, each getting its own answers.
#
#   tests/ipc.sh BUILDDIR
set -u
build=${1:-build}
build=${build%/}
tmp=$(mktemp -d /tmp/fsp-ipc.XXXXXX)
chmod 0755 "$tmp"
pid=''
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    while mounted "$tmp/m"; do umount -l "$tmp/m" || break; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir "$tmp/m"
# shellcheck disable=SC2046  # pkg-config's words
if ! cc -Wall -Wextra -Werror -std=c11 -o "$tmp/ipc" examples/ipc.c \
        $(PKG_CONFIG_PATH=$build/pkgconfig pkg-config --cflags --libs fsp) ||
   ! cc -Wall -Wextra -Werror -std=c11 -o "$tmp/ipc_client" examples/ipc_client.c; then
    echo "FAIL: ipc_builds: the sample does not build against $build"
    exit 0
fi
echo "PASS: ipc_builds"
LD_LIBRARY_PATH=$build "$tmp/ipc" "$tmp/m" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mounted "$tmp/m" && break; sleep 0.05; done
if ! mounted "$tmp/m"; then
    echo "FAIL: ipc_mounts: $(cat "$tmp/err")"
    exit 0
fi

# one conversation, several requests
out=$("$tmp/ipc_client" "$tmp/m/calc" "add 2 40" "mul 6 7" | tr '\n' ' ')
[ "$out" = "42 42 " ] && echo "PASS: ipc_conversation" ||
    echo "FAIL: ipc_conversation: got '$out'"

# from a shell, as docs/ipc.md shows it
out=$(exec 3<>"$tmp/m/calc"; echo "mul 3 5" >&3; cat <&3)
[ "$out" = 15 ] && echo "PASS: ipc_shell" || echo "FAIL: ipc_shell: got '$out'"

# eight clients at once, 100 questions each, every answer their own
for c in $(seq 8); do
    (
        args=()
        for i in $(seq 100); do args+=("add $c $i"); done
        "$tmp/ipc_client" "$tmp/m/calc" "${args[@]}" > "$tmp/out.$c"
    ) &
done
wait_clients=$(jobs -p | grep -v "^$pid\$")
# shellcheck disable=SC2086  # pids
wait $wait_clients
bad=0
for c in $(seq 8); do
    seq $((c + 1)) $((c + 100)) | cmp -s - "$tmp/out.$c" || bad=$((bad + 1))
done
[ $bad = 0 ] && echo "PASS: ipc_concurrent_clients" ||
    echo "FAIL: ipc_concurrent_clients: $bad of 8 clients got answers not theirs"

# the server knows who asks (the file is 0666; the mount allows others)
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$tmp/ipc_client" "$tmp/m/calc" who)
case $out in
    "uid 65534 pid "*) echo "PASS: ipc_caller_identity" ;;
    *) echo "FAIL: ipc_caller_identity: got '$out'" ;;
esac

kill -TERM "$pid"
wait "$pid"
st=$?
pid=''
if [ $st = 0 ] && ! mounted "$tmp/m"; then
    echo "PASS: ipc_stops_cleanly"
else
    echo "FAIL: ipc_stops_cleanly: exit $st: $(cat "$tmp/err")"
fi
exit 0
