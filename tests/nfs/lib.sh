# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# NFS-Ganesha in a network namespace of its own, for tests/nfs.sh and
# bench/nfs.sh (sourced).  The caller sets:
#   NFS_TAG   unique short name: netns ${NFS_TAG}s (server), ${NFS_TAG}c
#             (client), veth ${NFS_TAG}0/1
#   NFS_NET   N of the link-local /30 169.254.N.0: server .1, client .2
#   NFS_DIR   a private directory for config, state, logs
# and calls nfs_net_up, then per exported mount nfs_server_up (after the
# mount exists: the server's mount namespace is a copy taken then),
# ganesha_start PATH, ganesha_stop, nfs_server_down; finally nfs_down.
# The server gets a private /run (rpcbind's socket and lock live there,
# and the host may run an rpcbind of its own) in a mount namespace held
# by a sleeping process that rpcbind and ganesha join with nsenter.

NFS_SERVER=169.254.$NFS_NET.1
NFS_CLIENT=169.254.$NFS_NET.2
nfs_holder=''
nfs_rpcbind=''
nfs_ganesha=''

nfs_net_up() {
    ip netns add "${NFS_TAG}s" && ip netns add "${NFS_TAG}c" &&
    ip link add "${NFS_TAG}0" type veth peer name "${NFS_TAG}1" &&
    ip link set "${NFS_TAG}0" netns "${NFS_TAG}s" &&
    ip link set "${NFS_TAG}1" netns "${NFS_TAG}c" &&
    ip -n "${NFS_TAG}s" addr add "$NFS_SERVER/30" dev "${NFS_TAG}0" &&
    ip -n "${NFS_TAG}c" addr add "$NFS_CLIENT/30" dev "${NFS_TAG}1" &&
    ip -n "${NFS_TAG}s" link set lo up && ip -n "${NFS_TAG}c" link set lo up &&
    ip -n "${NFS_TAG}s" link set "${NFS_TAG}0" up &&
    ip -n "${NFS_TAG}c" link set "${NFS_TAG}1" up
}

nfs_server_up() {
    mkdir -p "$NFS_DIR/run" "$NFS_DIR/recovery" "$NFS_DIR/state"
    # setsid: its own process group, so that nothing signals ours
    setsid ip netns exec "${NFS_TAG}s" unshare -m --propagation slave \
        sh -c "mount -t tmpfs fspnfsrun /run && exec sleep 100000" &
    nfs_holder=$!
    for _ in $(seq 50); do
        nsenter -t "$nfs_holder" -m sh -c 'mountpoint -q /run' 2>/dev/null &&
            grep -q fspnfsrun "/proc/$nfs_holder/mounts" && break
        sleep 0.1
    done
    # the holder is `sleep` once exec'd; rpcbind runs beside it.  Every
    # server is started inline (not from a function in the background,
    # which would fork a subshell), so that $! is the server itself:
    # setsid and nsenter exec it.
    setsid nsenter -t "$nfs_holder" -m -n rpcbind -f -w >"$NFS_DIR/rpcbind.log" 2>&1 &
    nfs_rpcbind=$!
    for _ in $(seq 50); do
        nsenter -t "$nfs_holder" -m -n rpcinfo -p 127.0.0.1 >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# In the server's namespaces.
nfs_in_server() { nsenter -t "$nfs_holder" -m -n "$@"; }
# In the client's network namespace.
nfs_in_client() { ip netns exec "${NFS_TAG}c" "$@"; }

ganesha_config() { # ganesha_config PATH
    cat > "$NFS_DIR/ganesha.conf" <<CONF
NFS_CORE_PARAM {
    Protocols = 3, 4;
    Bind_addr = $NFS_SERVER;
    mount_path_pseudo = true;
    Enable_NLM = false;
    Enable_RQUOTA = false;
}
NFSV4 {
    RecoveryBackend = fs;
    RecoveryRoot = $NFS_DIR/recovery;
    Graceless = true;
    Lease_Lifetime = 10;
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT_DEFAULTS { Access_Type = RW; }
EXPORT {
    Export_Id = 77;
    Path = $1;
    Pseudo = /fsp;
    Access_Type = RW;
    Squash = No_Root_Squash;
    SecType = sys;
    Protocols = 3, 4;
    Transports = TCP;
    FSAL { Name = VFS; }
}
CACHEINODE { Dir_Chunk = 0; }
LOG { Default_Log_Level = EVENT; }
CONF
}

ganesha_start() { # ganesha_start PATH
    ganesha_config "$1"
    setsid nsenter -t "$nfs_holder" -m -n ganesha.nfsd -F -f "$NFS_DIR/ganesha.conf" \
        -L "$NFS_DIR/ganesha.log" -p "$NFS_DIR/ganesha.pid" \
        >>"$NFS_DIR/ganesha.out" 2>&1 &
    nfs_ganesha=$!
    # out of the job table: bash would report "Killed" for the test's
    # deliberate SIGKILL; it still reaps the process
    disown "$nfs_ganesha"
    for _ in $(seq 100); do
        nfs_in_client rpcinfo -t "$NFS_SERVER" nfs 3 >/dev/null 2>&1 && return 0
        kill -0 "$nfs_ganesha" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

ganesha_stop() { # ganesha_stop [SIGNAL]
    [ -n "$nfs_ganesha" ] || return 0
    kill -"${1:-TERM}" "$nfs_ganesha" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$nfs_ganesha" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nfs_ganesha" 2>/dev/null
    nfs_ganesha=''
}

nfs_server_down() {
    ganesha_stop TERM
    [ -n "$nfs_rpcbind" ] && kill -TERM "$nfs_rpcbind" 2>/dev/null && wait "$nfs_rpcbind" 2>/dev/null
    [ -n "$nfs_holder" ] && kill -TERM "$nfs_holder" 2>/dev/null && wait "$nfs_holder" 2>/dev/null
    nfs_rpcbind='' nfs_holder=''
    return 0
}

nfs_down() {
    nfs_server_down
    ip netns del "${NFS_TAG}s" 2>/dev/null
    ip netns del "${NFS_TAG}c" 2>/dev/null
    return 0
}
