# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# A real smbd for the tests (sourced, not run): its own network
# namespaces, config, user and temp dir, all removed by samba_stop.
#
#   samba_start TAG SHARE_DIR [SMB.CONF SHARE LINES...]
#       server namespace fsp${TAG}s, client namespace fsp${TAG}c joined
#       by a veth pair on 169.254.N.0/30 (N from TAG); share "fsp" at
#       SHARE_DIR with the extra lines; user fsp${TAG}u, password
#       fsp-test-pw; smbd in the foreground of its own session; waits
#       until smbclient -L answers (20 s).  Exports SAMBA_DIR, SAMBA_NS,
#       SAMBA_CLIENT_NS, SAMBA_ADDR, SAMBA_USER, SAMBA_PASS.
#   samba_client ARGS...  smbclient //$SAMBA_ADDR/fsp as that user, in
#                         the client namespace
#   samba_restart         stop and start smbd, same config
#   samba_stop            undo everything; safe twice and from a trap

samba_start() {
    local tag=$1 share=$2 line
    shift 2
    command -v smbd >/dev/null 2>&1 || { echo "smbd is not installed"; return 1; }
    SAMBA_TAG=$tag
    SAMBA_NS=fsp${tag}s
    SAMBA_CLIENT_NS=fsp${tag}c
    SAMBA_USER=fsp${tag}u
    SAMBA_PASS=fsp-test-pw
    # 169.254.N.0/30 with N from the tag: link-local, unique per test.
    local n=$(( $(printf '%s' "$tag" | cksum | cut -d' ' -f1) % 200 + 20 ))
    SAMBA_ADDR=169.254.$n.1
    SAMBA_DIR=$(mktemp -d /tmp/fsp-samba-"$tag".XXXXXX)
    export SAMBA_DIR SAMBA_NS SAMBA_CLIENT_NS SAMBA_ADDR SAMBA_USER SAMBA_PASS
    mkdir -p "$SAMBA_DIR"/{private,lock,state,cache,pid,ncalrpc,log}
    ip netns add "$SAMBA_NS" || return 1
    ip netns add "$SAMBA_CLIENT_NS" || return 1
    ip -n "$SAMBA_NS" link set lo up
    ip -n "$SAMBA_CLIENT_NS" link set lo up
    ip link add "fsp${tag}v0" netns "$SAMBA_NS" type veth \
        peer name "fsp${tag}v1" netns "$SAMBA_CLIENT_NS" || return 1
    ip -n "$SAMBA_NS" addr add "$SAMBA_ADDR/30" dev "fsp${tag}v0"
    ip -n "$SAMBA_CLIENT_NS" addr add "169.254.$n.2/30" dev "fsp${tag}v1"
    ip -n "$SAMBA_NS" link set "fsp${tag}v0" up
    ip -n "$SAMBA_CLIENT_NS" link set "fsp${tag}v1" up
    {
        echo "[global]"
        echo "  workgroup = FSPTEST"
        echo "  server role = standalone server"
        echo "  disable netbios = yes"
        echo "  smb ports = 445"
        echo "  private dir = $SAMBA_DIR/private"
        echo "  lock directory = $SAMBA_DIR/lock"
        echo "  state directory = $SAMBA_DIR/state"
        echo "  cache directory = $SAMBA_DIR/cache"
        echo "  pid directory = $SAMBA_DIR/pid"
        echo "  ncalrpc dir = $SAMBA_DIR/ncalrpc"
        echo "  log file = $SAMBA_DIR/log/smbd.log"
        echo "  passdb backend = tdbsam:$SAMBA_DIR/private/passdb.tdb"
        echo "  load printers = no"
        echo "  printcap name = /dev/null"
        echo "  map to guest = never"
        echo "[fsp]"
        echo "  path = $share"
        echo "  read only = no"
        for line in "$@"; do echo "  $line"; done
    } >"$SAMBA_DIR/smb.conf"
    id "$SAMBA_USER" >/dev/null 2>&1 ||
        useradd -M -N -s /usr/sbin/nologin "$SAMBA_USER" || return 1
    SAMBA_MADE_USER=1
    printf '%s\n%s\n' "$SAMBA_PASS" "$SAMBA_PASS" |
        smbpasswd -c "$SAMBA_DIR/smb.conf" -s -a "$SAMBA_USER" >/dev/null || return 1
    _samba_run
}

_samba_run() {
    # Its own session: smbd signals its whole process group on SIGTERM.
    ip netns exec "$SAMBA_NS" setsid smbd -F --no-process-group \
        -s "$SAMBA_DIR/smb.conf" </dev/null >>"$SAMBA_DIR/log/stdout" 2>&1 &
    SAMBA_PID=$!
    local i
    for i in $(seq 1 40); do
        if ip netns exec "$SAMBA_CLIENT_NS" smbclient -L "//$SAMBA_ADDR" \
                -U "$SAMBA_USER%$SAMBA_PASS" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    echo "smbd did not answer in 20 s (log: $SAMBA_DIR/log)"
    return 1
}

samba_client() {
    ip netns exec "$SAMBA_CLIENT_NS" smbclient "//$SAMBA_ADDR/fsp" \
        -U "$SAMBA_USER%$SAMBA_PASS" "$@"
}

_samba_kill() {
    [ -n "${SAMBA_PID:-}" ] || return 0
    # The setsid'ed smbd leads its own session: end that session only.
    local sid
    sid=$(ps -o sid= -p "$SAMBA_PID" 2>/dev/null | tr -d ' ')
    if [ -n "$sid" ]; then
        pkill -TERM -s "$sid" 2>/dev/null
        for _ in $(seq 1 20); do
            pgrep -s "$sid" >/dev/null 2>&1 || break
            sleep 0.25
        done
        pkill -KILL -s "$sid" 2>/dev/null
    fi
    wait "$SAMBA_PID" 2>/dev/null
    SAMBA_PID=
    # smbd starts samba-dcerpcd and its workers in sessions of their own;
    # they are ours when their command line names our config.
    local p
    for p in /proc/[0-9]*; do
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null |
                grep -qF -- "--configfile=$SAMBA_DIR/smb.conf"; then
            kill -TERM "${p#/proc/}" 2>/dev/null
        fi
    done
}

samba_restart() {
    _samba_kill
    _samba_run
}

samba_stop() {
    _samba_kill
    [ -n "${SAMBA_NS:-}" ] && ip netns del "$SAMBA_NS" 2>/dev/null
    [ -n "${SAMBA_CLIENT_NS:-}" ] && ip netns del "$SAMBA_CLIENT_NS" 2>/dev/null
    if [ -n "${SAMBA_MADE_USER:-}" ]; then
        userdel "$SAMBA_USER" 2>/dev/null
        SAMBA_MADE_USER=
    fi
    [ -n "${SAMBA_DIR:-}" ] && rm -rf "$SAMBA_DIR"
    SAMBA_DIR= SAMBA_NS= SAMBA_CLIENT_NS=
}
