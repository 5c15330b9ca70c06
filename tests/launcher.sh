#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp-launcher, fsp-launchctl, mount.fsp and the service API's readiness
# (issue 12), with real processes, mounts and users:
#
#   tests/launcher.sh BUILDDIR
#
# Class files checked at load and refused from a directory others may
# write; memfs instances started through the launcher by root, by a
# permitted user, by a member of a permitted group and refused to
# another; list, info, stop (and who may); an instance whose process is
# killed is unmounted and restarted; secrets reach the instance's stdin;
# garbage on the socket gets error replies while the daemon serves on;
# a launcher killed with SIGKILL leaves nothing its successor does not
# clean; SIGTERM stops every instance; socket activation with READY=1
# (systemd-socket-activate, when installed).  READY=1 / STOPPING=1 on a
# $NOTIFY_SOCKET the test listens on, from memfs and from mount.fsp as
# fsp@.service runs it; the daemon's readiness pipe.  Then `mount -t
# fsp.memfs`, `-t fsp.passthrough` and fstab entries (mount -a, noauto,
# user) in a private mount namespace.
#
# Root only.  Makes the users fsplauna, fsplaunb, fsplaunc and the group
# fsplaung, opens /dev/fuse to others for the run; removes and restores
# all of it, and every mount and process, also on failure.  About 5 s
# (15 s on an ASan build).
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}

pass() { echo "PASS: launcher_$1"; }
fail() { echo "FAIL: launcher_$1: $2"; }
skip() { echo "SKIP: launcher_$1: $2"; }

if [ "$(id -u)" != 0 ]; then
    skip all "needs root (users, mounts)"
    exit 0
fi
for p in fsp-launcher fsp-launchctl mount.fsp memfs passthrough; do
    [ -x "$build/$p" ] || { fail setup "$build/$p missing"; exit 1; }
done

tmp=$(mktemp -d /tmp/fsp-launch.XXXXXX) || exit 1
chmod 0755 "$tmp"
fuse_mode=$(stat -c %a /dev/fuse)
lpid=
made_users=
made_group=

mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
wait_gone() { for _ in $(seq 100); do mounted "$1" || return 0; sleep 0.1; done; return 1; }
our_mounts() { awk -v t="$tmp/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo; }

cleanup() {
    [ -n "$lpid" ] && kill -KILL "$lpid" 2>/dev/null
    # processes started from our copies of the programs
    for p in $(pgrep -f "^$tmp/" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    for m in $(our_mounts | sort -r); do umount -l "$m" 2>/dev/null; done
    chmod "$fuse_mode" /dev/fuse
    for u in $made_users; do userdel -r "$u" >/dev/null 2>&1; done
    [ -n "$made_group" ] && groupdel fsplaung 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- setup: users, programs the users can reach, class files --------------
groupadd fsplaung && made_group=1
for u in fsplauna fsplaunb fsplaunc; do
    if useradd -m -s /bin/sh "$u"; then made_users="$made_users $u"; else
        fail setup "useradd $u"; exit 1; fi
done
usermod -a -G fsplaung fsplaunc
chmod 0666 /dev/fuse
as() { local u=$1; shift; setpriv --reuid "$u" --regid "$u" --init-groups "$@"; }

bin=$tmp/bin
mkdir -p "$bin" "$tmp/conf" "$tmp/run"
for p in fsp-launcher fsp-launchctl mount.fsp memfs; do install -m 0755 "$build/$p" "$bin/"; done
cat >"$bin/secretfs" <<EOF
#!/bin/sh
# keeps the secret the launcher passes on stdin where the test looks
IFS= read -r secret || exit 3
printf '%s\n' "\$secret" >"$tmp/secret.got"
exec "$bin/memfs" "\$1"
EOF
chmod 0755 "$bin/secretfs"
for m in m1 m2 m3 m4 m5 m6 m7 m8 m9 m10 m11; do mkdir "$tmp/$m"; done
chown fsplauna: "$tmp/m2" "$tmp/m5"
chown fsplaunc: "$tmp/m4"

cat >"$tmp/conf/memfs.conf" <<EOF
# memfs for fsplauna and the group fsplaung, run as root
Executable = $bin/memfs
CommandLine = -o "size=%2" %1
Allow = fsplauna @fsplaung
Restart = 2
Stderr = $tmp/memfs.err
WorkDirectory = $bin
EOF
cat >"$tmp/conf/usermemfs.conf" <<EOF
Executable = $bin/memfs
CommandLine = -o fsname=%U-%u %1
RunAs = .
Allow = fsplauna fsplaunc
EOF
cat >"$tmp/conf/secret.conf" <<EOF
Executable = $bin/secretfs
CommandLine = %1
Credentials = 1
EOF
printf 'Executable = %s\nColour = blue\n' "$bin/memfs" >"$tmp/conf/badkey.conf"
printf 'Executable = /nonexistent/fs\n' >"$tmp/conf/badexec.conf"
printf 'Executable = %s\nCommandLine = %%1 %%x\n' "$bin/memfs" >"$tmp/conf/badtemplate.conf"

ctl() { "$bin/fsp-launchctl" -s "$tmp/run/sock" "$@"; }
start_launcher() {
    "$bin/fsp-launcher" -c "$tmp/conf" -s "$tmp/run/sock" 2>>"$tmp/launcher.log" &
    lpid=$!
    for _ in $(seq 50); do [ -S "$tmp/run/sock" ] && ctl list >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

# --- class files: checked at load; a directory others may write refused --
out=$("$bin/fsp-launcher" -n -c "$tmp/conf" -s "$tmp/run/sock" 2>&1)
check_rc=$?
if [ $check_rc = 1 ] && echo "$out" | grep -q "badkey.conf: line 2: unknown key 'Colour'" &&
   echo "$out" | grep -q "badexec.conf: Executable /nonexistent/fs" &&
   echo "$out" | grep -q "badtemplate.conf: line 2: CommandLine: unknown %x" &&
   echo "$out" | grep -q "3 class(es) loaded"; then
    pass class_files_checked_at_load
else
    fail class_files_checked_at_load "$out"
fi
cp -a "$tmp/conf" "$tmp/conf_open" && chmod 0777 "$tmp/conf_open"
if out=$("$bin/fsp-launcher" -n -c "$tmp/conf_open" 2>&1); then
    fail config_dir_writable_refused "loaded: $out"
else
    case "$out" in *"writable by others"*) pass config_dir_writable_refused ;;
        *) fail config_dir_writable_refused "$out" ;; esac
fi
chmod 0777 "$tmp/run"
if out=$("$bin/fsp-launcher" -c "$tmp/conf" -s "$tmp/run/sock" 2>&1); then
    fail socket_dir_writable_refused "it ran"
else
    case "$out" in *"writable by others"*) pass socket_dir_writable_refused ;;
        *) fail socket_dir_writable_refused "$out" ;; esac
fi
chmod 0755 "$tmp/run"

if ! start_launcher; then
    fail start "the launcher does not answer: $(cat "$tmp/launcher.log")"
    exit 1
fi

# --- start as root, a permitted user, a group member; refuse another -----
if ctl start memfs r1 "$tmp/m1" 1M >"$tmp/out" 2>&1 && mounted "$tmp/m1" &&
   echo data >"$tmp/m1/f" && [ "$(df --output=size -k "$tmp/m1" | tail -1 | tr -d ' ')" = 1024 ]; then
    pass root_start_ready_on_return
else
    fail root_start_ready_on_return "$(cat "$tmp/out") $(tail -3 "$tmp/launcher.log")"
fi
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs a1 "$tmp/m2" 2M >"$tmp/out" 2>&1 &&
   mounted "$tmp/m2"; then
    pass permitted_user_start
else
    fail permitted_user_start "$(cat "$tmp/out")"
fi
if as fsplaunc "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs c1 "$tmp/m4" 2M >"$tmp/out" 2>&1 &&
   mounted "$tmp/m4"; then
    pass permitted_group_start
else
    fail permitted_group_start "$(cat "$tmp/out")"
fi
if as fsplaunb "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs b1 "$tmp/m3" 1M >"$tmp/out" 2>&1; then
    fail other_user_refused "started: $(cat "$tmp/out")"
elif grep -q "does not allow you" "$tmp/out" && ! mounted "$tmp/m3"; then
    pass other_user_refused
else
    fail other_user_refused "$(cat "$tmp/out")"
fi
# A root-run instance must not mount where the caller may not (m3 is root's)
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs a2 "$tmp/m3" 1M >"$tmp/out" 2>&1 ||
   mounted "$tmp/m3"; then
    fail foreign_mountpoint_refused "$(cat "$tmp/out")"
else
    pass foreign_mountpoint_refused
fi
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs a4 "$tmp/m2/../m3" 1M >"$tmp/out" 2>&1 ||
   mounted "$tmp/m3" || ! grep -q "'\.\.' component" "$tmp/out"; then
    fail dotdot_argument_refused "$(cat "$tmp/out")"
else
    pass dotdot_argument_refused
fi
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" start memfs a3 -oallow_other 1M >"$tmp/out" 2>&1; then
    fail option_argument_refused "started"
else
    pass option_argument_refused
fi
if ctl start nosuchclass x "$tmp/m3" >"$tmp/out" 2>&1 || ! grep -q "no class" "$tmp/out"; then
    fail unknown_class "$(cat "$tmp/out")"
else
    pass unknown_class
fi
if ctl start memfs r1 "$tmp/m3" 1M >/dev/null 2>&1; then
    fail duplicate_instance "a second r1 started"
else
    pass duplicate_instance
fi

# A second launcher on the same socket must leave the first one's alone.
if out=$("$bin/fsp-launcher" -c "$tmp/conf" -s "$tmp/run/sock" 2>&1); then
    fail second_launcher_refused "it ran"
elif echo "$out" | grep -q "another launcher serves" && mounted "$tmp/m1" && mounted "$tmp/m2" &&
     [ -s "$tmp/run/launcher.state" ]; then
    pass second_launcher_refused
else
    fail second_launcher_refused "$out $(our_mounts | tr '\n' ' ')"
fi

# --- list and info: what each caller may see ------------------------------
root_list=$(ctl list 2>&1)
b_list=$(as fsplaunb "$bin/fsp-launchctl" -s "$tmp/run/sock" list 2>&1)
if [ "$(echo "$root_list" | grep -c running)" = 3 ] && echo "$root_list" | grep -q "a1.*fsplauna" &&
   [ "$(echo "$b_list" | grep -c running)" = 0 ]; then
    pass list
else
    fail list "root: $root_list / fsplaunb: $b_list"
fi
info=$(as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" info memfs a1 2>&1)
if echo "$info" | grep -qx "owner=fsplauna" && echo "$info" | grep -qx "state=running" &&
   echo "$info" | grep -qx "mountpoint=$tmp/m2" && echo "$info" | grep -qx "run_as=root" &&
   echo "$info" | grep -q "^pid=[1-9]" &&
   [ "$(readlink "/proc/$(echo "$info" | sed -n 's/^pid=//p')/cwd")" = "$bin" ] &&
   [ -f "$tmp/memfs.err" ]; then
    pass info
else
    fail info "$info"
fi

# --- stop: not by a stranger; by the owner; unmounted ----------------------
if as fsplaunb "$bin/fsp-launchctl" -s "$tmp/run/sock" stop memfs a1 >/dev/null 2>&1 || ! mounted "$tmp/m2"; then
    fail stop_by_stranger_refused "stopped"
else
    pass stop_by_stranger_refused
fi
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" stop memfs a1 >"$tmp/out" 2>&1 &&
   ! mounted "$tmp/m2" && ! ctl info memfs a1 >/dev/null 2>&1; then
    pass stop
else
    fail stop "$(cat "$tmp/out")"
fi

# --- RunAs = .: the caller's own, through fusermount3 ----------------------
ua=$(id -u fsplauna)
chmod 0666 /dev/fuse   # again: other test runs on this machine may reset it
if as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" start usermemfs u1 "$tmp/m5" >"$tmp/out" 2>&1 &&
   awk -v m="$tmp/m5" '$5 == m' /proc/self/mountinfo | grep -q "fsplauna-$ua .*user_id=$ua" &&
   as fsplauna sh -c "echo mine >'$tmp/m5/f' && cat '$tmp/m5/f'" 2>&1 | grep -qx mine &&
   [ "$(as fsplauna stat -c %U "$tmp/m5/f")" = fsplauna ]; then
    pass run_as_caller
else
    fail run_as_caller "$(cat "$tmp/out") $(awk -v m="$tmp/m5" '$5 == m' /proc/self/mountinfo)"
fi
if as fsplaunc "$bin/fsp-launchctl" -s "$tmp/run/sock" stop usermemfs u1 >/dev/null 2>&1; then
    fail run_as_caller_private "fsplaunc stopped fsplauna's instance"
else
    pass run_as_caller_private
fi
as fsplauna "$bin/fsp-launchctl" -s "$tmp/run/sock" stop usermemfs u1 >/dev/null 2>&1

# --- a secret: on the instance's stdin, never on a command line ------------
if echo 's3cr3t-label' | ctl start-with-secret secret s1 "$tmp/m6" >"$tmp/out" 2>&1 &&
   mounted "$tmp/m6" && [ "$(cat "$tmp/secret.got")" = s3cr3t-label ] &&
   ! grep -l 's3cr3[t]' /proc/[0-9]*/cmdline >/dev/null 2>&1 &&
   ! ctl info secret s1 | grep -q 's3cr3[t]'; then
    pass start_with_secret
else
    fail start_with_secret "$(cat "$tmp/out")"
fi
if ctl start secret s2 "$tmp/m7" >/dev/null 2>&1; then
    fail secret_required "started without a secret"
else
    pass secret_required
fi
ctl stop secret s1 >/dev/null 2>&1

# --- a killed instance is unmounted and restarted --------------------------
old=$(ctl info memfs r1 | sed -n 's/^pid=//p')
kill -KILL "$old"
new=
for _ in $(seq 100); do
    new=$(ctl info memfs r1 2>/dev/null | sed -n 's/^pid=//p')
    state=$(ctl info memfs r1 2>/dev/null | sed -n 's/^state=//p')
    [ -n "$new" ] && [ "$new" != "$old" ] && [ "$new" != 0 ] && [ "$state" = running ] && break
    sleep 0.1
done
# the file written before is gone: this is a new mount, not the old one
if [ -n "$new" ] && [ "$new" != "$old" ] && mounted "$tmp/m1" && [ ! -e "$tmp/m1/f" ] &&
   ctl info memfs r1 | grep -qx "restarts=1"; then
    pass crash_unmount_restart
else
    fail crash_unmount_restart "old $old new $new: $(ctl info memfs r1 2>&1 | tr '\n' ' ')"
fi

# --- garbage on the socket: error replies, and the daemon serves on -------
python3 - "$tmp/run/sock" >"$tmp/garbage.out" 2>&1 <<'PY'
import os, socket, sys
path = sys.argv[1]
cases = [b"", b"garbage", b"garbage\0", b"FSPL1\0", b"FSPL1\0start\0", b"FSPL1\0start",
         b"FSPL1\0start\0memfs\0../x\0", b"FSPL1\0frobnicate\0",
         b"FSPL1\0" + b"stop\0" * 40, b"FSPL1\0list\0" + b"A" * 20000,
         b"FSPL2\0list\0", os.urandom(3000)]
bad = 0
for c in cases:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    s.send(c)
    try:
        r = s.recv(65536)
    except socket.timeout:
        r = None
    s.close()
    # an empty message is end of file: no reply expected
    if c and (not r or r.split(b"\0")[1] in (b"0", b"")):
        print("no error reply to", c[:40], r); bad += 1
# a client that connects and says nothing, and one that goes away
idle = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); idle.connect(path)
gone = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); gone.connect(path); gone.close()
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.settimeout(5); s.connect(path)
s.send(b"FSPL1\0list\0")
r = s.recv(65536)
if r.split(b"\0")[1] != b"0":
    print("list failed while a client idles", r); bad += 1
print("bad", bad)
PY
if grep -qx "bad 0" "$tmp/garbage.out" && kill -0 "$lpid" 2>/dev/null && ctl list >/dev/null 2>&1; then
    pass garbage_on_socket
else
    fail garbage_on_socket "$(cat "$tmp/garbage.out")"
fi

# --- the launcher dies (SIGKILL); the next one leaves nothing stale -------
pids=$(ctl list | awk -F'\t' 'NR > 1 { print $3 }')
{ kill -KILL "$lpid"; wait "$lpid"; } 2>/dev/null
lpid=
if [ -s "$tmp/run/launcher.state" ]; then pass state_file_kept; else fail state_file_kept "no state after SIGKILL"; fi
start_launcher
sleep 0.5
left=
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left pid $p"; done
for m in m1 m4; do wait_gone "$tmp/$m" || left="$left mount $m"; done
if [ -z "$left" ] && [ -z "$(ctl list | sed 1d)" ] && [ ! -s "$tmp/run/launcher.state" ]; then
    pass restart_no_stale_state
else
    fail restart_no_stale_state "left:$left list: $(ctl list | sed 1d)"
fi

# --- SIGTERM: every instance stopped, socket and state gone ----------------
ctl start memfs r2 "$tmp/m1" 1M >/dev/null 2>&1
ctl start memfs r3 "$tmp/m8" 1M >/dev/null 2>&1
kill -TERM "$lpid"
ok=0
for _ in $(seq 150); do kill -0 "$lpid" 2>/dev/null || { ok=1; break; }; sleep 0.1; done
wait "$lpid" 2>/dev/null
rc=$?
lpid=
if [ $ok = 1 ] && [ $rc = 0 ] && ! mounted "$tmp/m1" && ! mounted "$tmp/m8" &&
   [ ! -e "$tmp/run/sock" ] && [ ! -e "$tmp/run/launcher.state" ]; then
    pass sigterm_stops_all
else
    fail sigterm_stops_all "exited $ok rc $rc; $(our_mounts | tr '\n' ' ') $(ls "$tmp/run")"
fi

# --- readiness on $NOTIFY_SOCKET -------------------------------------------
# The listener records, when READY=1 arrives, whether the mount is there.
cat >"$tmp/notify.py" <<'PY'
import socket, sys, os
path, mnt, out = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(20)
open(out + ".listening", "w").close()
with open(out, "w") as f:
    try:
        while True:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
            pid = int.from_bytes(anc[0][2][:4], "little") if anc else 0
            text = msg.decode(errors="replace")
            live = any(l.split()[4] == mnt for l in open("/proc/self/mountinfo"))
            f.write("pid=%d live=%d %s\n" % (pid, live, text.replace("\n", "|")))
            f.flush()
            if "STOPPING=1" in text:
                break
    except socket.timeout:
        f.write("timeout\n")
PY
python3 "$tmp/notify.py" "$tmp/notify.sock" "$tmp/m9" "$tmp/notify.out" &
npid=$!
for _ in $(seq 50); do [ -e "$tmp/notify.out.listening" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$tmp/notify.sock "$bin/memfs" "$tmp/m9" 2>"$tmp/notify.err" &
mpid=$!
for _ in $(seq 100); do grep -q READY "$tmp/notify.out" 2>/dev/null && break; sleep 0.1; done
# in the foreground under a manager: the pid we started is the service
if grep -q "^pid=$mpid live=1 READY=1|STATUS=Mounted on $tmp/m9|FSP_MOUNTPOINT=$tmp/m9" "$tmp/notify.out" &&
   kill -0 "$mpid" 2>/dev/null; then
    pass notify_ready_when_mounted
else
    fail notify_ready_when_mounted "$(cat "$tmp/notify.out" "$tmp/notify.err")"
fi
kill -TERM "$mpid"
wait "$mpid" 2>/dev/null
wait "$npid" 2>/dev/null
if grep -q "^pid=$mpid .*STOPPING=1" "$tmp/notify.out" && ! mounted "$tmp/m9"; then
    pass notify_stopping
else
    fail notify_stopping "$(cat "$tmp/notify.out")"
fi
# fsp@.service runs mount.fsp with $NOTIFY_SOCKET: it becomes memfs, in
# the foreground, which tells the manager once mounted
mkdir -p "$tmp/progdir"
ln -sf "$bin/memfs" "$tmp/progdir/memfs"
rm -f "$tmp/notify.sock" "$tmp/notify.out" "$tmp/notify.out.listening"
python3 "$tmp/notify.py" "$tmp/notify.sock" "$tmp/m9" "$tmp/notify.out" &
npid=$!
for _ in $(seq 50); do [ -e "$tmp/notify.out.listening" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$tmp/notify.sock FSP_PROGDIR=$tmp/progdir \
    "$bin/mount.fsp" memfs "$tmp/m9" -o size=5M -t fsp.memfs 2>"$tmp/notify.err" &
mpid=$!
for _ in $(seq 100); do grep -q READY "$tmp/notify.out" 2>/dev/null && break; sleep 0.1; done
if grep -q "^pid=$mpid live=1 READY=1" "$tmp/notify.out" && kill -0 "$mpid" 2>/dev/null &&
   [ "$(df --output=size -k "$tmp/m9" | tail -1 | tr -d ' ')" = 5120 ]; then
    pass mount_fsp_under_manager
else
    fail mount_fsp_under_manager "$(cat "$tmp/notify.out" "$tmp/notify.err")"
fi
kill -TERM "$mpid"
wait "$mpid" 2>/dev/null
wait "$npid" 2>/dev/null
wait_gone "$tmp/m9"

# a daemon without a manager: the parent returns once mounted, or fails
if "$bin/memfs" "$tmp/m9" && mounted "$tmp/m9" && umount "$tmp/m9" &&
   ! "$bin/memfs" "$tmp/nonexistent" 2>/dev/null; then
    pass daemon_pipe_readiness
else
    fail daemon_pipe_readiness "status or mount wrong"
fi

# --- the launcher socket-activated (fsp-launcher.socket), Type=notify -----
if command -v systemd-socket-activate >/dev/null; then
    rm -f "$tmp/notify.sock" "$tmp/notify.out" "$tmp/notify.out.listening"
    python3 "$tmp/notify.py" "$tmp/notify.sock" "$tmp/m9" "$tmp/notify.out" &
    npid=$!
    for _ in $(seq 50); do [ -e "$tmp/notify.out.listening" ] && break; sleep 0.1; done
    NOTIFY_SOCKET=$tmp/notify.sock systemd-socket-activate --seqpacket -E NOTIFY_SOCKET \
        -l "$tmp/run/act.sock" "$bin/fsp-launcher" -c "$tmp/conf" -s "$tmp/run/act.sock" \
        2>>"$tmp/launcher.log" &
    lpid=$!
    for _ in $(seq 50); do [ -S "$tmp/run/act.sock" ] && break; sleep 0.1; done
    # the first connection starts the launcher on the socket it is given
    if "$bin/fsp-launchctl" -s "$tmp/run/act.sock" start memfs act "$tmp/m8" 1M >"$tmp/out" 2>&1 &&
       mounted "$tmp/m8" && grep -q "^pid=$lpid .*READY=1" "$tmp/notify.out"; then
        pass socket_activated_notify
    else
        fail socket_activated_notify "$(cat "$tmp/out" "$tmp/notify.out")"
    fi
    kill -TERM "$lpid"
    wait "$lpid" 2>/dev/null
    wait "$npid" 2>/dev/null
    lpid=
    if grep -q "^pid=[0-9]* .*STOPPING=1" "$tmp/notify.out" && ! mounted "$tmp/m8"; then
        pass socket_activated_stop
    else
        fail socket_activated_stop "$(cat "$tmp/notify.out") $(our_mounts)"
    fi
else
    skip socket_activated "systemd-socket-activate is not installed (package systemd)"
fi

# --- mount -t fsp.memfs and fstab, in a private mount namespace -----------
# mount(8) finds helpers in /sbin: our mount.fsp is bound over /usr/sbin
# there (Debian's /sbin is a link to it), and FSP_PROGDIR points at our
# memfs.  For the `user` entry, run by fsplauna, mount(8) is set-user-ID
# and ignores FSP_PROGDIR: mount.fsp's compiled directory gets our memfs.
mkdir -p "$tmp/sbin" "$tmp/progdir" "$tmp/ptsrc"
cp "$bin/mount.fsp" "$tmp/sbin/"
install -m 0755 "$build/passthrough" "$bin/"
ln -sf "$bin/passthrough" "$tmp/progdir/passthrough"
echo mirrored >"$tmp/ptsrc/file"
progdir=$("$bin/mount.fsp" --help | sed -n 's/.*program TYPE of //p')
cat >"$tmp/fstab" <<EOF
memfs  $tmp/m10  fsp.memfs  size=2M,label=FromFstab  0 0
memfs  $tmp/m11  fsp.memfs  noauto,user,size=3M      0 0
EOF
cat >"$tmp/ns.sh" <<EOF
set -u
tmp=$tmp
EOF
cat >>"$tmp/ns.sh" <<'EOF'
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
size() { df --output=size -k "$1" | tail -1 | tr -d ' '; }
mount --make-rprivate /
mount --bind "$tmp/sbin" /usr/sbin
export FSP_PROGDIR=$tmp/progdir
if mount -t fsp.memfs memfs "$tmp/m9" -o size=1G,label=Data && mounted "$tmp/m9" &&
   [ "$(size "$tmp/m9")" = 1048576 ] &&
   [ "$(getfattr --absolute-names --only-values -n user.fsp.volume_label "$tmp/m9")" = Data ] &&
   echo x >"$tmp/m9/f" && umount "$tmp/m9" && ! mounted "$tmp/m9"; then
    echo "PASS: launcher_mount_t_fsp_memfs"
else
    echo "FAIL: launcher_mount_t_fsp_memfs: $(grep "$tmp/m9" /proc/self/mountinfo)"
fi
if mount -t fsp.passthrough "$tmp/ptsrc" "$tmp/m9" -o ro && [ "$(cat "$tmp/m9/file")" = mirrored ] &&
   ! touch "$tmp/m9/new" 2>/dev/null && umount "$tmp/m9"; then
    echo "PASS: launcher_mount_t_fsp_passthrough"
else
    echo "FAIL: launcher_mount_t_fsp_passthrough: $(grep "$tmp/m9" /proc/self/mountinfo)"
    umount "$tmp/m9" 2>/dev/null
fi
if mount -a -T "$tmp/fstab" && mounted "$tmp/m10" && ! mounted "$tmp/m11" &&
   [ "$(size "$tmp/m10")" = 2048 ] &&
   [ "$(getfattr --absolute-names --only-values -n user.fsp.volume_label "$tmp/m10")" = FromFstab ]; then
    echo "PASS: launcher_fstab_mount_a_noauto"
else
    echo "FAIL: launcher_fstab_mount_a_noauto: $(grep "$tmp/m1[01]" /proc/self/mountinfo)"
fi
umount "$tmp/m10" 2>/dev/null
if mount -T "$tmp/fstab" "$tmp/m11" && [ "$(size "$tmp/m11")" = 3072 ] && umount "$tmp/m11"; then
    echo "PASS: launcher_fstab_noauto_by_name"
else
    echo "FAIL: launcher_fstab_noauto_by_name: $(grep "$tmp/m11" /proc/self/mountinfo)"
fi
# A user mount: the fstab entry must be in /etc/fstab, and the compiled
# program directory must hold memfs; both only inside this namespace.
dir=$1
top=$dir
while [ ! -d "$top" ]; do top=$(dirname "$top"); done
mkdir -p "$tmp/over"   # hides the rest of $top, in here only
mkdir -p "$tmp/over/${dir#"$top"}" && ln -sf "$tmp/bin/memfs" "$tmp/over/${dir#"$top"}/memfs"
mount --bind "$tmp/over" "$top"
mount --bind "$tmp/fstab" /etc/fstab
chown fsplauna: "$tmp/m11"
chmod 0666 /dev/fuse   # again: other test runs on this machine may reset it
if setpriv --reuid fsplauna --regid fsplauna --init-groups mount "$tmp/m11" 2>"$tmp/usermount.err" &&
   mounted "$tmp/m11" &&
   [ "$(setpriv --reuid fsplauna --regid fsplauna --init-groups df --output=size -k "$tmp/m11" | tail -1 | tr -d ' ')" = 3072 ]; then
    echo "PASS: launcher_fstab_user_mount"
else
    echo "FAIL: launcher_fstab_user_mount: $(cat "$tmp/usermount.err")"
fi
setpriv --reuid fsplauna --regid fsplauna --init-groups umount "$tmp/m11" 2>/dev/null || umount "$tmp/m11"
for m in m9 m10 m11; do mounted "$tmp/$m" && umount -l "$tmp/$m"; done
exit 0
EOF
timeout 60 unshare -m bash "$tmp/ns.sh" "$progdir"
# the file systems mounted in the namespace ended with it
sleep 0.5
if pgrep -f "^$bin/(memfs|passthrough)" >/dev/null; then
    fail namespace_left_nothing "$(pgrep -af "^$bin/(memfs|passthrough)")"
else
    pass namespace_left_nothing
fi
# A sanitizer build reports on stderr: the launcher's, the instances'.
if grep -lE 'Sanitizer|runtime error' "$tmp/launcher.log" "$tmp"/*.err >/dev/null 2>&1; then
    fail sanitizers "$(grep -hE -A5 'Sanitizer|runtime error' "$tmp/launcher.log" "$tmp"/*.err | head -20)"
else
    pass sanitizers_quiet
fi
exit 0
