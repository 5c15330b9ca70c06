#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Real programs against memfs:
#
#   tests/programs.sh BUILDDIR
#
# Mounts BUILDDIR/memfs (or $FSP_MEMFS) in the foreground in the background
# on a fresh temporary directory and runs cp -a, tar, git, python3 and
# sqlite3 on it, one "PASS: programs_x" or "FAIL: programs_x" line each.
# The tree copied is $FSP_PROGRAMS_TREE (default /usr/share/doc: a few
# thousand files, symlinks included).  Needs root and tests/deps.sh.
set -u
build=${1:-build}
memfs=${FSP_MEMFS:-$build/memfs}
src=${FSP_PROGRAMS_TREE:-/usr/share/doc}
step_timeout=${FSP_PROGRAMS_STEP_TIMEOUT:-600}

tmp=$(mktemp -d /tmp/fsp-programs.XXXXXX)
tmp=$(realpath "$tmp")
mnt=$tmp/mnt
log=$tmp/log
mkdir "$mnt"
pid=

mounted() { awk -v m="$mnt" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    cd /
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    for _ in $(seq 30); do mounted || break; sleep 0.1; done
    while mounted; do umount -l "$mnt" || break; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pass() { echo "PASS: programs_$1"; }
fail() {
    echo "FAIL: programs_$1: $2"
    if [ -s "$log" ]; then tail -n 20 "$log" | sed 's/^/  | /'; fi
}
# t CMD...: run a step with a timeout, output into $log.
t() { timeout -k 5 "$step_timeout" "$@" >>"$log" 2>&1; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

if [ ! -x "$memfs" ]; then
    echo "FAIL: programs_mount: $memfs not found"
    exit 1
fi
# shellcheck disable=SC2086  # FSP_ITEST_MEMFS_OPTS is a list of options
"$memfs" -f ${FSP_ITEST_MEMFS_OPTS:-} "$mnt" 2>"${FSP_MEMFS_LOG:-$tmp/memfs.err}" &
pid=$!
for _ in $(seq 1000); do
    mounted && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
done
if ! mounted; then
    echo "FAIL: programs_mount: memfs did not mount $mnt"
    sed 's/^/  | /' "$tmp/memfs.err"
    exit 1
fi
pass mount
export HOME=$tmp GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
nfiles=$(find "$src" -type f | wc -l)
echo "tree: $src ($nfiles files)"

# listing with metadata: path type mode owner size mtime link-target
# (no size for directories: that differs between file systems)
meta() {
    (cd "$1" && {
        find . ! -type d -printf '%p %y %m %U %G %s %T@ %l\n'
        find . -type d -printf '%p %y %m %U %G - %T@\n'
    } | sort)
}

# --- cp -a and diff -r ------------------------------------------------------
: >"$log"
if t cp -a "$src" "$mnt/cp" && t diff -r --no-dereference "$src" "$mnt/cp"; then
    meta "$src" >"$tmp/m1"
    meta "$mnt/cp" >"$tmp/m2"
    if diff "$tmp/m1" "$tmp/m2" >"$tmp/mdiff"; then
        drop_caches
        if t diff -r --no-dereference "$src" "$mnt/cp"; then
            pass cp_a
        else
            fail cp_a "diff -r differs after dropping caches"
        fi
    else
        head -n 20 "$tmp/mdiff" >"$log"
        fail cp_a "metadata differs (path type mode uid gid size mtime link; < source, > copy)"
    fi
else
    fail cp_a "cp -a or diff -r failed"
fi

# --- tar c onto the mount, tar x from it -------------------------------------
: >"$log"
parent=$(dirname "$src") base=$(basename "$src")
if t tar -C "$parent" --sort=name -cf "$mnt/tree.tar" "$base" &&
    t tar -C "$parent" --sort=name -cf "$tmp/tree.tar" "$base" &&
    t cmp "$mnt/tree.tar" "$tmp/tree.tar" &&
    mkdir "$mnt/untar" && t tar -C "$mnt/untar" -xf "$mnt/tree.tar" &&
    t diff -r --no-dereference "$src" "$mnt/untar/$base"; then
    drop_caches
    if t cmp "$mnt/tree.tar" "$tmp/tree.tar"; then
        pass tar
    else
        fail tar "the archive on the mount changed after dropping caches"
    fi
else
    fail tar "tar c/x, cmp or diff failed"
fi
rm -f "$tmp/tree.tar"

# --- git ---------------------------------------------------------------------
: >"$log"
repo=$mnt/repo
git_ok=1
{
    t git init -q "$repo" &&
    t git -C "$repo" config user.email t@example.invalid &&
    t git -C "$repo" config user.name test &&
    t cp -a "$src/." "$repo/" &&
    t git -C "$repo" add -A &&
    t git -C "$repo" commit -q -m first &&
    echo change >>"$repo/CHANGED" &&
    t git -C "$repo" add -A &&
    t git -C "$repo" commit -q -m second &&
    t git -C "$repo" fsck --full --strict &&
    [ "$(git -C "$repo" log --oneline | wc -l)" = 2 ] &&
    [ -z "$(git -C "$repo" status --porcelain)" ] &&
    t git -C "$repo" gc -q &&
    t git -C "$repo" fsck --full --strict &&
    t git clone -q "$repo" "$mnt/clone" &&
    t diff -r --no-dereference --exclude=.git "$repo" "$mnt/clone" &&
    [ "$(git -C "$mnt/clone" log --format=%s | tr '\n' ' ')" = "second first " ]
} || git_ok=0
if [ $git_ok = 1 ]; then pass git; else fail git "init/add/commit/fsck/log/gc/clone failed"; fi

# --- python3 -----------------------------------------------------------------
: >"$log"
if t python3 - "$mnt/py" <<'PY'
import hashlib, os, shutil, sys
root = sys.argv[1]
os.mkdir(root)
want = {}
for d in range(20):
    dp = os.path.join(root, "d%02d" % d)
    os.makedirs(os.path.join(dp, "sub"))
    for f in range(25):
        data = hashlib.sha256(b"%d/%d" % (d, f)).digest() * (f * 40 + 1)
        p = os.path.join(dp, "sub" if f % 2 else "", "f%02d" % f)
        with open(p, "wb") as fh:
            fh.write(data)
        want[os.path.relpath(p, root)] = data
# read back
for rel, data in want.items():
    with open(os.path.join(root, rel), "rb") as fh:
        assert fh.read() == data, rel
# os.walk sees exactly what was written
seen = set()
ndirs = 0
for dirpath, dirnames, filenames in os.walk(root):
    ndirs += len(dirnames)
    for f in filenames:
        seen.add(os.path.relpath(os.path.join(dirpath, f), root))
assert seen == set(want), (len(seen), len(want))
assert ndirs == 40, ndirs
# copytree, rename, remove
shutil.copytree(root, root + "-copy")
os.rename(root + "-copy", root + "-moved")
for rel, data in want.items():
    with open(os.path.join(root + "-moved", rel), "rb") as fh:
        assert fh.read() == data, rel
shutil.rmtree(root + "-moved")
assert not os.path.exists(root + "-moved")
# seek/append/truncate through file objects
p = os.path.join(root, "rw")
with open(p, "w+b") as fh:
    fh.write(b"0123456789")
    fh.seek(3)
    fh.write(b"abc")
    fh.truncate(8)
    fh.seek(0)
    assert fh.read() == b"012abc67"
print("python ok")
PY
then pass python3; else fail python3 "the script failed"; fi

# --- sqlite3 -----------------------------------------------------------------
sqlite_check() { # NAME DBFILE JOURNAL_MODE
    local name=$1 db=$2 mode=$3 out
    : >"$log"
    out=$(timeout -k 5 "$step_timeout" sqlite3 "$db" 2>>"$log" <<SQL
PRAGMA journal_mode=$mode;
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, payload BLOB);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO t(name, payload) SELECT 'row ' || i, randomblob(300) FROM n;
COMMIT;
WITH RECURSIVE n(i) AS (SELECT 501 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO t(name, payload) SELECT 'row ' || i, randomblob(300) FROM n;
CREATE INDEX t_name ON t(name);
DELETE FROM t WHERE id % 10 = 0;
INSERT INTO t(name, payload) SELECT name || ' again', payload FROM t WHERE id % 10 = 1 LIMIT 100;
VACUUM;
SQL
    )
    echo "$out" >>"$log"
    drop_caches
    out=$(timeout -k 5 "$step_timeout" sqlite3 "$db" \
        "PRAGMA integrity_check; SELECT count(*) FROM t;" 2>>"$log")
    echo "$out" >>"$log"
    if [ "$out" = "$(printf 'ok\n1000')" ]; then
        pass "$name"
    else
        fail "$name" "integrity_check/count gave: $(echo "$out" | tr '\n' ' ')"
    fi
}
sqlite_check sqlite3 "$mnt/test.db" DELETE
sqlite_check sqlite3_wal "$mnt/wal.db" WAL

# --- a clean unmount at the end ----------------------------------------------
kill -TERM "$pid"
rc=0
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    fail unmount "memfs still running 10 s after SIGTERM"
else
    wait "$pid"
    rc=$?
    pid=
    sleep 0.2
    if [ $rc -ne 0 ]; then
        : >"$log"
        cat "$tmp/memfs.err" >"$log"
        fail unmount "memfs exited with status $rc"
    elif mounted; then
        fail unmount "still mounted after memfs exited"
    else
        pass unmount
    fi
fi
exit 0
