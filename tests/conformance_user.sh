#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp-tests as an ordinary user: a tmpfs and a memfs that the user
# mounted itself (through fusermount3, memfs -C: no kernel caching, so
# that atime, which cached reads never report, can be compared too),
# both run by that user, compared case by case like tests/conformance.sh.
# The acl_ cases take memfs's verdict from a second user mount with -A
# (POSIX ACLs, which tmpfs has):
#
#   PASS: conformance_user_<case>        memfs matches tmpfs
#   FAIL: conformance_user_<case>: ...   tmpfs passes, memfs does not
#   SKIP: conformance_user_<case>: ...   tmpfs is no bar here
#
#   tests/conformance_user.sh BUILDDIR
#
# Needs root to set up: creates the user fsptest if missing (removing it
# again), and lets others use /dev/fuse for the run (restoring its mode).
set -u
build=${1:-build}
user=fsptest
created_user=0
fuse_mode=$(stat -c %a /dev/fuse)
tmp=$(mktemp -d /tmp/fsp-confuser.XXXXXX)
chmod 0755 "$tmp"
pid='' aclpid=''
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
cleanup() {
    for p in $pid $aclpid; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    for m in "$tmp/memfs" "$tmp/memfs-acl" "$tmp/tmpfs"; do
        mounted "$m" && umount -l "$m"
    done
    chmod "$fuse_mode" /dev/fuse
    rm -rf --one-file-system "$tmp"
    [ $created_user = 1 ] && userdel "$user" 2>/dev/null
}
trap cleanup EXIT

if ! id "$user" >/dev/null 2>&1; then
    useradd -M "$user" || { echo "FAIL: conformance_user_setup: useradd"; exit 0; }
    created_user=1
fi
chmod 0666 /dev/fuse
uid=$(id -u "$user") gid=$(id -g "$user")
as_user() { setpriv --reuid "$user" --regid "$user" --clear-groups "$@"; }
install -m 0755 "$build/memfs" "$tmp/memfs-bin"
install -m 0755 "$build/fsp-tests" "$tmp/fsp-tests"
mkdir "$tmp/tmpfs" "$tmp/memfs" "$tmp/memfs-acl"
chown "$uid:$gid" "$tmp/memfs" "$tmp/memfs-acl"
mount -t tmpfs -o "uid=$uid,gid=$gid,mode=0755" fsp-confuser "$tmp/tmpfs" ||
    { echo "FAIL: conformance_user_setup: tmpfs"; exit 0; }
setpriv --reuid "$user" --regid "$user" --clear-groups \
    "$tmp/memfs-bin" -f -C "$tmp/memfs" 2>"$tmp/memfs.err" &
pid=$!
setpriv --reuid "$user" --regid "$user" --clear-groups \
    "$tmp/memfs-bin" -f -C -A "$tmp/memfs-acl" 2>"$tmp/memfs-acl.err" &
aclpid=$!
for m in memfs memfs-acl; do
    for _ in $(seq 100); do mounted "$tmp/$m" && break; sleep 0.1; done
    mounted "$tmp/$m" ||
        { echo "FAIL: conformance_user_setup: $m: $(cat "$tmp/$m.err")"; exit 0; }
done

(cd "$tmp" && timeout -k 5 300 setpriv --reuid "$user" --regid "$user" --clear-groups \
    ./fsp-tests "$tmp/tmpfs" >"$tmp/tmpfs.out" 2>&1)
(cd "$tmp" && timeout -k 5 300 setpriv --reuid "$user" --regid "$user" --clear-groups \
    ./fsp-tests "$tmp/memfs" >"$tmp/memfs.out" 2>&1)
(cd "$tmp" && timeout -k 5 300 setpriv --reuid "$user" --regid "$user" --clear-groups \
    ./fsp-tests "$tmp/memfs-acl" acl_ >"$tmp/memfs-acl.out" 2>&1)

verdict() { # FILE CASE -> "PASS", "FAIL: why", "SKIP: why" or "MISSING"
    awk -v c="$2" '$1 ~ /^(PASS|FAIL|SKIP):$/ { n = $2; sub(/:$/, "", n)
        if (n == c) { v = substr($1, 1, 4); r = $0; sub(/^[A-Z]+: [^ :]+:? ?/, "", r)
            print (r == "" ? v : v ": " r); f = 1; exit } }
        END { if (!f) print "MISSING" }' "$1"
}
for c in $("$build/fsp-tests" -l); do
    t=$(verdict "$tmp/tmpfs.out" "$c")
    case $c in
        acl_*) m=$(verdict "$tmp/memfs-acl.out" "$c") ;;
        *) m=$(verdict "$tmp/memfs.out" "$c") ;;
    esac
    if [ "$t" != PASS ]; then
        echo "SKIP: conformance_user_$c: tmpfs $t"
    elif [ "$m" = PASS ]; then
        echo "PASS: conformance_user_$c"
    else
        echo "FAIL: conformance_user_$c: tmpfs PASS, memfs $m"
    fi
done
exit 0
