#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# passthrough, the mirroring file system: real programs through the
# mount must see the source tree, changes must land in the source, and
# nothing may reach outside it through a symlink.
#
#   tests/passthrough.sh BUILDDIR
set -u
build=${1:-build}
tmp=$(mktemp -d /tmp/fsp-pt.XXXXXX)
src=$tmp/src mnt=$tmp/mnt out=$tmp/outside
mkdir "$src" "$mnt" "$out"
pid=
pass() { echo "PASS: passthrough_$1"; }
fail() { echo "FAIL: passthrough_$1: $2"; }
check() { local name=$1; shift; if "$@" >"$tmp/log" 2>&1; then pass "$name"; else fail "$name" "$(tail -3 "$tmp/log")"; fi; }
# Under qemu-user (an aarch64 build on x86_64, tests/arm64.sh) the open
# flags inside FUSE requests keep the kernel's x86 values, which mean
# other flags to aarch64 code (x86 O_DIRECTORY is aarch64's O_DIRECT),
# and the backing-file ioctls are not translated: those cases SKIP.
# shellcheck source=tests/emulated.sh
. "$(dirname "$0")/emulated.sh"
emu_skip() { # emu_skip NAME WHY: true (SKIP printed) when emulated
    fsp_emulated "$build/passthrough" || return 1
    echo "SKIP: passthrough_$1: under $FSP_EMULATOR: $2"
}
flags_why="x86 open flags in FUSE requests read as aarch64 ones"
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    mountpoint -q "$mnt" && umount -l "$mnt"
    mountpoint -q "$tmp/mnt2" && umount -l "$tmp/mnt2"
    rm -rf "$tmp"
    [ "$made_user" = 1 ] && userdel fsptest 2>/dev/null
}
made_user=0
trap cleanup EXIT

chmod 0755 "$tmp"
echo readme > "$src/README"
echo secret > "$out/target"
touch -d @1000000000 "$out/target"
ln -s "$out/target" "$src/esc"
cp -a /usr/share/doc/bash "$src/bash"

"$build/passthrough" -f -o allow_other "$src" "$mnt" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt" || { fail mount "$(cat "$tmp/err")"; exit 0; }
pass mount

emu_skip sees_source "$flags_why (O_DIRECTORY)" ||
    check sees_source diff -r --no-dereference "$src/bash" "$mnt/bash"
emu_skip copy_in "$flags_why (O_DIRECTORY)" ||
    check copy_in sh -c "cp -a /usr/share/doc/git '$mnt/git' &&
    diff -r --no-dereference /usr/share/doc/git '$src/git' &&
    diff -r --no-dereference /usr/share/doc/git '$mnt/git'"
check namespace sh -c "mkdir '$mnt/d' && echo x > '$mnt/d/f' && mv '$mnt/d/f' '$mnt/g' &&
    [ \"\$(cat '$src/g')\" = x ] && [ ! -e '$src/d/f' ] && rmdir '$mnt/d' && [ ! -e '$src/d' ] &&
    rm '$mnt/g' && [ ! -e '$src/g' ]"
check xattrs python3 -c "
import os
os.setxattr('$mnt/README', 'user.k', b'v')
assert os.getxattr('$src/README', 'user.k') == b'v'
assert 'user.k' in os.listxattr('$mnt/README')"
check drop_caches sh -c "head -c 3000000 /dev/urandom > '$tmp/r' && cp '$tmp/r' '$mnt/r' &&
    echo 3 > /proc/sys/vm/drop_caches && cmp '$tmp/r' '$mnt/r' && cmp '$tmp/r' '$src/r'"
check sqlite3 sh -c "sqlite3 '$mnt/t.db' 'create table t(x); insert into t values(1),(2),(3);' &&
    [ \"\$(sqlite3 '$src/t.db' 'select sum(x) from t')\" = 6 ]"

# Kernel passthrough (root, kernel 6.9+): reads, writes and mmap of
# open files go straight to the backing files, so none of them reach
# the file system as READ or WRITE requests.
count() { "$build/fsptool" stats "$mnt" | awk -v op="$1" '$1 == op { n = $2 } END { print n + 0 }'; }
r0=$(count READ) w0=$(count WRITE)
head -c 5000000 /dev/urandom > "$tmp/p"
if emu_skip kernel_passthrough "FUSE_DEV_IOC_BACKING_OPEN is not translated"; then
    :
elif cp "$tmp/p" "$mnt/p" && echo 3 > /proc/sys/vm/drop_caches && cmp "$tmp/p" "$mnt/p" &&
   cmp "$tmp/p" "$src/p" && python3 -c "
import mmap
with open('$mnt/p', 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0); m[0:5] = b'HELLO'; m.flush(); m.close()
assert open('$src/p', 'rb').read(5) == b'HELLO'"; then
    r1=$(count READ) w1=$(count WRITE)
    if [ "$r1" = "$r0" ] && [ "$w1" = "$w0" ]; then
        pass kernel_passthrough
    else
        fail kernel_passthrough "READ $r0 -> $r1, WRITE $w0 -> $w1: I/O reached the file system"
    fi
else
    fail kernel_passthrough "data through the mount differs"
fi

# Without kernel passthrough (-P) reads come to the file system, and the
# large ones go from the backing file to the kernel by splice.
mnt2=$tmp/mnt2
mkdir "$mnt2"
"$build/passthrough" -f -P "$src" "$mnt2" & pid2=$!
for _ in $(seq 100); do mountpoint -q "$mnt2" && break; sleep 0.05; done
head -c 7000000 /dev/urandom > "$tmp/s"
cp "$tmp/s" "$src/s"
stat2() { "$build/fsptool" stats "$mnt2" | awk -v k="$1" '$1 == k { n = $2 } END { print n + 0 }'; }
if emu_skip splice_reads "$flags_why (dd iflag=direct)"; then
    :
elif mountpoint -q "$mnt2" && echo 3 > /proc/sys/vm/drop_caches && cmp "$tmp/s" "$mnt2/s" &&
   dd if="$mnt2/s" of="$tmp/s2" bs=128k iflag=direct 2>/dev/null && cmp "$tmp/s" "$tmp/s2" &&
   [ "$(tail -c 100 "$mnt2/s" | cmp - <(tail -c 100 "$tmp/s") && echo same)" = same ] &&
   [ "$(stat2 READ)" -gt 0 ] && [ "$(stat2 spliced_replies)" -gt 0 ]; then
    pass splice_reads
else
    fail splice_reads "READ $(stat2 READ), spliced_replies $(stat2 spliced_replies)"
fi
umount "$mnt2"; wait "$pid2"

# The symlink is shown as itself and nothing done to it reaches its
# target outside the mirrored directory.
check symlink_is_link sh -c "[ -L '$mnt/esc' ] && [ \"\$(readlink '$mnt/esc')\" = '$out/target' ]"
touch -h -d @2000000000 "$mnt/esc" 2>/dev/null
python3 -c "
import os
try:
    os.setxattr('$mnt/esc', 'user.x', b'1', follow_symlinks=False)
except OSError:
    pass" 2>/dev/null
if [ "$(stat -c %Y "$out/target")" = 1000000000 ] &&
   [ -z "$(getfattr -d "$out/target" 2>/dev/null; python3 -c "import os; print(''.join(os.listxattr('$out/target')))")" ] &&
   [ "$(stat -c %Y "$src/esc")" = 2000000000 ]; then
    pass no_escape_through_symlink
else
    fail no_escape_through_symlink "the target outside changed: mtime $(stat -c %Y "$out/target"), link mtime $(stat -c %Y "$src/esc")"
fi

# New files belong to whoever made them, not to the server (root).
if ! id fsptest >/dev/null 2>&1 && useradd -M -U fsptest 2>/dev/null; then
    made_user=1   # removed again by cleanup
fi
if id fsptest >/dev/null 2>&1; then
    chmod 0777 "$src"
    if setpriv --reuid fsptest --regid fsptest --clear-groups sh -c "echo u > '$mnt/byuser'" &&
       [ "$(stat -c %U "$src/byuser")" = fsptest ]; then
        pass owner_is_caller
    else
        fail owner_is_caller "$(stat -c %U "$src/byuser" 2>&1)"
    fi
    # Giving the file to its maker is a chown, which clears set-user-ID
    # on files: it must come out as asked, for another user and for root.
    mkexe='import os, sys; os.umask(0); os.close(os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY, 0o4755))'
    if setpriv --reuid fsptest --regid fsptest --clear-groups /usr/bin/python3 -c "$mkexe" "$mnt/suid_user" &&
       /usr/bin/python3 -c "$mkexe" "$mnt/suid_root" &&
       [ "$(stat -c '%a %U' "$src/suid_user")" = "4755 fsptest" ] &&
       [ "$(stat -c '%a %U' "$src/suid_root")" = "4755 root" ]; then
        pass setuid_kept
    else
        fail setuid_kept "$(stat -c '%n %a %U' "$src/suid_user" "$src/suid_root" 2>&1 | tr '\n' ' ')"
    fi
fi

kill -TERM "$pid"
wait "$pid"
st=$?
pid=
if [ $st -eq 0 ] && ! mountpoint -q "$mnt"; then pass sigterm_unmounts; else fail sigterm_unmounts "exit $st"; fi

# Writeback caching (with -P: the kernel takes it or kernel passthrough):
# the kernel fills the rest of a page a write covers in part by reading
# through the writer's own open, write-only or not.
"$build/passthrough" -f -P -o allow_other,writeback_cache "$src" "$mnt" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
if ! mountpoint -q "$mnt"; then
    fail writeback_mount "$(cat "$tmp/err")"
else
    check writeback_partial_page_write_only python3 -c "
import os
with open('$mnt/wb', 'w') as f: f.write('abcdef')
os.system('echo 3 > /proc/sys/vm/drop_caches')
fd = os.open('$mnt/wb', os.O_WRONLY)
assert os.pwrite(fd, b'X', 2) == 1
os.close(fd)
got = open('$src/wb').read()
assert got == 'abXdef', got"
    emu_skip writeback_exerciser "$flags_why" ||
        check writeback_exerciser "$(dirname "$build/passthrough")/fsp-exerciser" -n 5000 -S 1 -m "$mnt/ex"
    kill -TERM "$pid"
    wait "$pid"
    pid=
fi
exit 0
