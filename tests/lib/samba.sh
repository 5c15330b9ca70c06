# SPDX-License-Identifier: LGPL-2.1-or-later
# A real smbd for the tests, in a network namespace of its own, reached
# from a second namespace over a veth pair (sourced by bash tests).
#
#   samba_start TAG SHARE_DIR [SMB.CONF SHARE LINES...]
#       namespaces fsp${TAG}s (server) and fsp${TAG}c (client), addresses
#       169.254.N.1 (server) and .2 (client) on a /30, N from TAG (or
#       SAMBA_NET=N); smb.conf, private, lock, state, cache dirs and logs
#       under a temp dir ($SAMBA_DIR); share "fsp" at SHARE_DIR with the
#       extra lines; Unix and Samba user fsp${TAG}u, password fsp-test-pw;
#       smbd -F --no-process-group under setsid (on SIGTERM smbd signals
#       its whole process group) in the server namespace; waits until it
#       answers (smbclient -L), at most 20 s.  Exports SAMBA_NS,
#       SAMBA_CLIENT_NS, SAMBA_ADDR, SAMBA_USER, SAMBA_PASS, SAMBA_PID.
#       Returns nonzero (with a line on stderr) when something failed.
#   samba_client ARGS...  smbclient //$SAMBA_ADDR/fsp as the user, in the
#                         client namespace
#   samba_restart         stop smbd and start it again, same config
#   samba_stop            kill smbd (its session), remove namespaces, user,
#                         temp dir; safe twice and from an EXIT trap
#
# Callers check `command -v smbd` first and SKIP without it.

SAMBA_NS= SAMBA_CLIENT_NS= SAMBA_ADDR= SAMBA_USER= SAMBA_PASS= SAMBA_DIR=
SAMBA_PID= SAMBA_TAG= SAMBA_MADE_USER=

samba_log() { echo "samba.sh: $*" >&2; }

# The third octet for TAG: stable, 1..250.
samba_net_of() {
    local sum
    sum=$(printf '%s' "$1" | cksum | cut -d' ' -f1)
    echo $(( sum % 250 + 1 ))
}

samba_smbd_start() {
    # setsid: smbd's own process group and session, which samba_stop
    # kills by its id; --no-process-group keeps smbd from making one
    # that would include our shell.
    setsid ip netns exec "$SAMBA_NS" smbd -F --no-process-group \
        --debug-stdout -s "$SAMBA_DIR/smb.conf" </dev/null \
        >>"$SAMBA_DIR/smbd.out" 2>&1 &
    SAMBA_PID=$!
    local i
    for i in $(seq 200); do
        if ip netns exec "$SAMBA_CLIENT_NS" smbclient -s "$SAMBA_DIR/client.conf" \
            -L "//$SAMBA_ADDR" -U "$SAMBA_USER%$SAMBA_PASS" >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$SAMBA_PID" 2>/dev/null || break
        sleep 0.1
    done
    samba_log "smbd did not answer: $(tail -5 "$SAMBA_DIR/smbd.out")"
    return 1
}

samba_smbd_kill() {
    [ -n "$SAMBA_PID" ] || return 0
    local sid=$SAMBA_PID pids p i
    kill -TERM "$SAMBA_PID" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$SAMBA_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SAMBA_PID" 2>/dev/null
    wait "$SAMBA_PID" 2>/dev/null
    # Its children (one smbd per client) are in its session.
    pids=$(ps -eo pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }')
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
    SAMBA_PID=
    # smbd starts samba-dcerpcd and its workers in sessions of their own;
    # they are ours when their command line names our config.
    for p in /proc/[0-9]*; do
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null |
                grep -qF -- "$SAMBA_DIR/smb.conf"; then
            kill -KILL "${p#/proc/}" 2>/dev/null
        fi
    done
}

samba_start() {
    local tag=$1 share=$2 net
    shift 2
    SAMBA_TAG=$tag
    net=${SAMBA_NET:-$(samba_net_of "$tag")}
    SAMBA_NS=fsp${tag}s SAMBA_CLIENT_NS=fsp${tag}c
    SAMBA_ADDR=169.254.$net.1 SAMBA_USER=fsp${tag}u SAMBA_PASS=fsp-test-pw
    SAMBA_DIR=$(mktemp -d /tmp/fsp-samba.XXXXXX) || return 1
    export SAMBA_NS SAMBA_CLIENT_NS SAMBA_ADDR SAMBA_USER SAMBA_PASS SAMBA_DIR
    local d=$SAMBA_DIR v0=fsp${tag}v0 v1=fsp${tag}v1
    mkdir -p "$d/private" "$d/lock" "$d/state" "$d/cache" "$d/pid" \
        "$d/ncalrpc" "$d/binddns" || return 1
    chmod 0700 "$d/private"
    ip netns add "$SAMBA_NS" && ip netns add "$SAMBA_CLIENT_NS" &&
    ip -n "$SAMBA_NS" link set lo up && ip -n "$SAMBA_CLIENT_NS" link set lo up &&
    ip link add "$v0" netns "$SAMBA_NS" type veth peer name "$v1" netns "$SAMBA_CLIENT_NS" &&
    ip -n "$SAMBA_NS" addr add "$SAMBA_ADDR/30" dev "$v0" &&
    ip -n "$SAMBA_CLIENT_NS" addr add "169.254.$net.2/30" dev "$v1" &&
    ip -n "$SAMBA_NS" link set "$v0" up && ip -n "$SAMBA_CLIENT_NS" link set "$v1" up ||
        { samba_log "cannot make the namespaces"; return 1; }

    {
        echo "[global]"
        echo "    server role = standalone server"
        echo "    workgroup = FSPTEST"
        echo "    netbios name = FSP${tag^^}"
        echo "    interfaces = $SAMBA_ADDR/30"
        echo "    bind interfaces only = yes"
        echo "    smb ports = 445"
        echo "    disable netbios = yes"
        echo "    private dir = $d/private"
        echo "    lock directory = $d/lock"
        echo "    state directory = $d/state"
        echo "    cache directory = $d/cache"
        echo "    pid directory = $d/pid"
        echo "    ncalrpc dir = $d/ncalrpc"
        echo "    binddns dir = $d/binddns"
        echo "    passdb backend = tdbsam:$d/private/passdb.tdb"
        echo "    log file = $d/log.%m"
        echo "    log level = 1"
        echo "    load printers = no"
        echo "    printcap name = /dev/null"
        echo "    disable spoolss = yes"
        echo "    map to guest = never"
        echo "    usershare path ="
        echo "    server min protocol = SMB2_10"
        echo "[fsp]"
        echo "    path = $share"
        echo "    read only = no"
        local line
        for line in "$@"; do echo "    $line"; done
    } >"$d/smb.conf"
    printf '[global]\n    client min protocol = SMB2_10\n    client max protocol = SMB3\n' \
        >"$d/client.conf"

    if ! id "$SAMBA_USER" >/dev/null 2>&1; then
        useradd -M -N -s /usr/sbin/nologin -d /nonexistent "$SAMBA_USER" ||
            { samba_log "cannot add user $SAMBA_USER"; return 1; }
        SAMBA_MADE_USER=1
    fi
    printf '%s\n%s\n' "$SAMBA_PASS" "$SAMBA_PASS" |
        smbpasswd -c "$d/smb.conf" -s -a "$SAMBA_USER" >/dev/null ||
        { samba_log "smbpasswd failed"; return 1; }
    samba_smbd_start
}

samba_client() {
    ip netns exec "$SAMBA_CLIENT_NS" smbclient -s "$SAMBA_DIR/client.conf" \
        "//$SAMBA_ADDR/fsp" -U "$SAMBA_USER%$SAMBA_PASS" "$@"
}

samba_restart() {
    samba_smbd_kill
    samba_smbd_start
}

samba_stop() {
    samba_smbd_kill
    [ -n "$SAMBA_NS" ] && ip netns del "$SAMBA_NS" 2>/dev/null
    [ -n "$SAMBA_CLIENT_NS" ] && ip netns del "$SAMBA_CLIENT_NS" 2>/dev/null
    if [ "$SAMBA_MADE_USER" = 1 ]; then
        userdel "$SAMBA_USER" 2>/dev/null
        SAMBA_MADE_USER=
    fi
    [ -n "$SAMBA_DIR" ] && rm -rf "$SAMBA_DIR"
    SAMBA_NS= SAMBA_CLIENT_NS= SAMBA_DIR=
    return 0
}
