# shellcheck shell=bash
# A simulated EC2 cluster on one machine (issue 5):
#   netns nit-$NIT_RUN-md  bridge 169.254.169.254/16 + IMDS on :80 (per node,
#                          by source address) + discovery etcd on :$CLUSTER_DISC_PORT
#   netns nit-$NIT_RUN-nI  eth0 169.254.10.(10+I) + an nspawn container (a
#                          real PID-1 systemd) that boots the provisioning hook
#                          as nodeinit-ec2.service (data/units), with the build
#                          tree read-only at /opt/nodeinit and the source tree
#                          at /opt/nodeinit-src.
#
# Parameters (environment, all optional):
#   CLUSTER_NODES=3            number of nodes
#   CLUSTER_SIZE=$CLUSTER_NODES  discovery token size (bench: 3)
#   CLUSTER_USERDATA=FILE      user-data for every node (default
#                              tests/cluster/user-data-etcd2.yml); @DISCOVERY_URL@
#                              is replaced with the token URL
#   CLUSTER_USERDATA_<I>=FILE  user-data of node I only
#   NODE_PROVISION='CMD ARGS'  the hook's ExecStart= inside each node; default
#                              the stand-in. The real one:
#       NODE_PROVISION='/opt/nodeinit/nodeinit --from-ec2-metadata=http://169.254.169.254/'
#   CLUSTER_HOOK_UNIT=FILE     unit the hook runs as (default
#                              data/units/nodeinit-ec2.service.in, ExecStart= replaced)
#   CLUSTER_BUILDDIR / CLUSTER_SRCDIR   trees bound at /opt/nodeinit(-src)
#   CLUSTER_DISC_PORT=24001    discovery etcd port (inside the md namespace)
#   IMDS_SIM=FILE              IMDS server (default tests/imds/imds-sim.py when
#                              present, else tests/lib/mdserver-min.py)
#   CLUSTER_KEEP=1             keep the scratch dir (logs) after teardown
#
# Functions: cluster_up, cluster_boot, cluster_wait_healthy, cluster_report,
# cluster_show_nodes, cluster_etcdctl I ARGS..., cluster_node_exec I CMD...,
# cluster_down, cluster_check_clean.
# Measurements land in $CLUSTER_DIR/times (and are printed); tests never
# assert on them.

[[ -n ${_NIT_CLUSTER_LIB_SH:-} ]] && return 0
_NIT_CLUSTER_LIB_SH=1
CLUSTER_TESTDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/nspawn.sh
. "$CLUSTER_TESTDIR/../lib/nspawn.sh"
# shellcheck source=tests/lib/netns.sh
. "$CLUSTER_TESTDIR/../lib/netns.sh"
# shellcheck source=tests/lib/etcd.sh
. "$CLUSTER_TESTDIR/../lib/etcd.sh"

CLUSTER_SRCDIR=${CLUSTER_SRCDIR:-${top_srcdir:-$(cd "$CLUSTER_TESTDIR/../.." && pwd)}}
CLUSTER_BUILDDIR=${CLUSTER_BUILDDIR:-${top_builddir:-$CLUSTER_SRCDIR}}
CLUSTER_NODES=${CLUSTER_NODES:-3}
CLUSTER_SIZE=${CLUSTER_SIZE:-$CLUSTER_NODES}
CLUSTER_USERDATA=${CLUSTER_USERDATA:-$CLUSTER_TESTDIR/user-data-etcd2.yml}
CLUSTER_HOOK_UNIT=${CLUSTER_HOOK_UNIT:-$CLUSTER_SRCDIR/data/units/nodeinit-ec2.service.in}
CLUSTER_HOOK_NAME=${CLUSTER_HOOK_NAME:-nodeinit-ec2.service}
CLUSTER_DISC_PORT=${CLUSTER_DISC_PORT:-24001}
NODE_PROVISION=${NODE_PROVISION:-/bin/bash /opt/nodeinit-src/tests/cluster/standin-provision.sh}
CLUSTER_ETCD_UNIT=${CLUSTER_ETCD_UNIT:-etcd-member.service}

_cl_times() { echo "$*" | tee -a "$CLUSTER_DIR/times"; }

cluster_node_dir() { echo "$CLUSTER_DIR/nodes/n$1"; }
cluster_node_exec() {
        local i=$1
        shift
        nspawn_exec "$(cluster_node_dir "$i")" "$@"
}
# Client URLs of the members registered with the discovery token (which
# nodes win is a race when there are more nodes than the token's size; the
# others become proxies, which do not speak the v3 API etcdctl uses).
cluster_member_eps() {
        etcd_token_members "$CLUSTER_DIR/disc" "$CLUSTER_DISCOVERY" 2>/dev/null | head -n "$CLUSTER_SIZE" |
                sed -n 's|^[^=]*=\(http://[^:]*\):2380.*|\1:2379|p' | paste -sd,
}
# etcdctl (v3 API), run in node I's namespace, against the members
cluster_etcdctl() {
        local i=$1 eps
        shift
        eps=$(cluster_member_eps)
        [[ -n $eps ]] || return 1
        netns_exec "$(netns_node "$i")" env ETCDCTL_API=3 \
                etcdctl --dial-timeout=10s --command-timeout=30s --endpoints="$eps" "$@"
}

_cluster_imds_start() {
        local sim=${IMDS_SIM:-} py
        local -a args
        if [[ -z $sim && -f $CLUSTER_SRCDIR/tests/imds/imds-sim.py ]]; then
                sim=$CLUSTER_SRCDIR/tests/imds/imds-sim.py
        fi
        sim=${sim:-$NIT_LIB/mdserver-min.py}
        if [[ $(basename "$sim") == mdserver-min.py ]]; then
                args=("$CLUSTER_DIR/nodes.json" "$NETNS_MD_IP" 80)
        else
                args=(--bind "$NETNS_MD_IP" --port 80 --nodes "$CLUSTER_DIR/nodes.json"
                        --log "$CLUSTER_DIR/imds-requests.log")
        fi
        echo "$sim" > "$CLUSTER_DIR/imds.sim"
        py=$(nit_python)
        nsenter "--net=/run/netns/$(netns_md)" -- "$py" "$sim" "${args[@]}" \
                > "$CLUSTER_DIR/imds.log" 2>&1 < /dev/null &
        echo $! > "$CLUSTER_DIR/imds.pid"
        # reachable from a node (never probed from the root namespace)
        nit_retry 60000 0.05 netns_exec "$(netns_node 1)" 2>/dev/null \
                curl -fsS -m 10 -o /dev/null "http://$NETNS_MD_IP/latest/meta-data/local-ipv4" ||
                { nit_err "IMDS ($sim) not reachable"; cat "$CLUSTER_DIR/imds.log" >&2; return 1; }
}

_cluster_nodes_json() {
        local i f ips=() uds=()
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                f=CLUSTER_USERDATA_$i
                ips+=("$(netns_node_ip "$i")")
                uds+=("${!f:-$CLUSTER_USERDATA}")
        done
        "$(nit_python)" - "$CLUSTER_DIR/nodes.json" "$CLUSTER_DISCOVERY" "${#ips[@]}" "${ips[@]}" "${uds[@]}" <<'EOF'
import json, sys
out, disc, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ips, uds = sys.argv[4:4 + n], sys.argv[4 + n:4 + 2 * n]
nodes = {}
for i, (ip, ud) in enumerate(zip(ips, uds), 1):
    text = open(ud).read().replace("@DISCOVERY_URL@", disc)
    nodes[ip] = {
        "meta-data": {
            "local-ipv4": ip,
            "public-ipv4": "203.0.113.%d" % (10 + i),  # TEST-NET-3, a string only
            "hostname": "ip-169-254-10-%d.ec2.internal" % (10 + i),
            "local-hostname": "ip-169-254-10-%d.ec2.internal" % (10 + i),
            "instance-id": "i-%017x" % i,
            "placement": {"availability-zone": "us-east-1a"},
        },
        "user-data": text,
    }
json.dump(nodes, open(out, "w"), indent=1)
EOF
}

# The hook unit as shipped, with ExecStart= swapped for $NODE_PROVISION.
_cluster_hook_unit() {
        mkdir -p "$CLUSTER_DIR/units"
        awk -v cmd="$NODE_PROVISION" '
                /^ExecStart=/ { print "ExecStart=" cmd; next }
                { print }' "$CLUSTER_HOOK_UNIT" > "$CLUSTER_DIR/units/$CLUSTER_HOOK_NAME"
}

# A test's EXIT trap: the cluster goes down whichever way the script ends.
# shellcheck disable=SC2317  # invoked by the EXIT trap
_cluster_on_exit() {
        local rc=$?
        [[ -n ${CLUSTER_DIR:-} ]] && cluster_down
        exit "$rc"
}
cluster_teardown_on_exit() {
        trap _cluster_on_exit EXIT
        trap 'exit 130' INT TERM
}

cluster_up() {
        local t0
        CLUSTER_DIR=$(nit_scratch_new) || return 1
        export CLUSTER_DIR
        mkdir -p "$CLUSTER_DIR/nodes"
        : > "$CLUSTER_DIR/times"
        t0=$(nit_now_ms)
        # Owns the cgroup parents the nodes' subtrees share; removed last.
        cg_create "nit-$NIT_RUN-cluster" "$CLUSTER_DIR/cg" > /dev/null || return 1
        netns_up "$CLUSTER_DIR/netns" "$CLUSTER_NODES" || return 1
        etcd_disc_start "$CLUSTER_DIR/disc" --netns "$(netns_md)" --addr "$NETNS_MD_IP" \
                --port "$CLUSTER_DISC_PORT" || return 1
        CLUSTER_DISCOVERY=$(etcd_token_new "$CLUSTER_DIR/disc" "$CLUSTER_SIZE") || return 1
        export CLUSTER_DISCOVERY
        _cluster_nodes_json || return 1
        _cluster_imds_start || return 1
        _cluster_hook_unit || return 1
        _cl_times "setup: $CLUSTER_NODES netns + IMDS ($(basename "$(cat "$CLUSTER_DIR/imds.sim")")) + discovery etcd in $(( $(nit_now_ms) - t0 )) ms (token size $CLUSTER_SIZE)"
}

# Launch every node at once (all within the same second), then wait for each
# to finish booting, in parallel: a node's boot includes its hook and the
# start jobs it queued, and etcd's ends only when the cluster has quorum.
cluster_boot() {
        local i d pids=() rc=0 t gate=$CLUSTER_DIR/go
        t=$(nit_now_ms)
        rm -f "$gate"
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                d=$(cluster_node_dir "$i")
                mkdir -p "$d"
                nspawn_launch "$d" "$(netns_node "$i")" --netns "$(netns_node "$i")" \
                        --bind-ro "$CLUSTER_BUILDDIR:/opt/nodeinit" \
                        --bind-ro "$CLUSTER_SRCDIR:/opt/nodeinit-src" \
                        --unit "$CLUSTER_DIR/units/$CLUSTER_HOOK_NAME" \
                        --wants "$CLUSTER_HOOK_NAME" --gate "$gate" || rc=1
        done
        # every node waits at the gate: open it so they all start at once
        CLUSTER_T0=$(nit_now_ms)
        export CLUSTER_T0
        touch "$gate"
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                echo "$CLUSTER_T0" > "$(cluster_node_dir "$i")/t_launch"
        done
        _cl_times "prepared $CLUSTER_NODES nodes in $(( CLUSTER_T0 - t )) ms, then started them at once"
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                d=$(cluster_node_dir "$i")
                ( nspawn_wait "$d" "${CLUSTER_BOOT_TIMEOUT:-600}" > /dev/null && nit_now_ms > "$d/t_up" ) &
                pids+=($!)
        done
        for i in "${pids[@]}"; do
                wait "$i" || rc=1
        done
        return $rc
}

cluster_healthy() {
        local out
        out=$(cluster_etcdctl 1 endpoint health 2>&1)
        [[ $(grep -c ' is healthy' <<< "$out") -ge $CLUSTER_SIZE ]]
}

cluster_wait_healthy() {
        if nit_retry "${1:-600000}" 0.2 cluster_healthy; then
                CLUSTER_T_HEALTHY=$(nit_now_ms)
                _cl_times "cluster healthy $(( CLUSTER_T_HEALTHY - CLUSTER_T0 )) ms after the first node started"
                return 0
        fi
        nit_err "cluster not healthy"
        return 1
}

# Per node: boot to hook start, hook duration, hook start to the etcd start
# job (from the container's own unit timestamps; CLOCK_MONOTONIC is shared
# with the host, so they are converted with one offset).
cluster_report() {
        local i d off launch up hs he es name
        off=$("$(nit_python)" -c 'import time; print(time.time_ns() // 1000 - time.monotonic_ns() // 1000)')
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                d=$(cluster_node_dir "$i")
                launch=$(cat "$d/t_launch")
                up=$(cat "$d/t_up" 2>/dev/null || echo "$launch")
                hs=$(cluster_node_exec "$i" systemctl show -P ExecMainStartTimestampMonotonic "$CLUSTER_HOOK_NAME")
                he=$(cluster_node_exec "$i" systemctl show -P ExecMainExitTimestampMonotonic "$CLUSTER_HOOK_NAME")
                es=$(cluster_node_exec "$i" systemctl show -P InactiveExitTimestampMonotonic "$CLUSTER_ETCD_UNIT")
                name=$(netns_node "$i")
                _cl_times "$(printf '%s: hook started %4d ms after launch, ran %4d ms, etcd job %4d ms after hook start; boot done after %5d ms' \
                        "$name" $(( (hs + off) / 1000 - launch )) $(( (he - hs) / 1000 )) \
                        $(( es > 0 ? (es - hs) / 1000 : -1 )) $(( up - launch )))"
        done
}

# What each node did (for the demo / README main job and for debugging):
# /etc/environment, the unit files and drop-ins written, the hook's result
# and log, and the discovery registrations.
cluster_show_nodes() {
        local i
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                echo "--- $(netns_node "$i") ($(netns_node_ip "$i"))"
                cluster_node_exec "$i" sh -c '
                        echo "/etc/environment:"; sed "s/^/    /" /etc/environment 2>/dev/null
                        echo "unit files and drop-ins written:"
                        find /etc/systemd/system /run/systemd/system \( -type f -o -type l \) \
                                ! -name "'"$CLUSTER_HOOK_NAME"'" 2>/dev/null | sort | sed "s/^/    /"'
                echo "hook $CLUSTER_HOOK_NAME: $(cluster_node_exec "$i" systemctl show -P Result "$CLUSTER_HOOK_NAME"), log:"
                cluster_node_exec "$i" journalctl -q -o cat -u "$CLUSTER_HOOK_NAME" | sed 's/^/    /'
                echo "$CLUSTER_ETCD_UNIT: $(cluster_node_exec "$i" systemctl show -P ActiveState "$CLUSTER_ETCD_UNIT")"
        done
        echo "--- discovery $CLUSTER_DISCOVERY registrations:"
        etcd_token_members "$CLUSTER_DIR/disc" "$CLUSTER_DISCOVERY" | sed 's/^/    /'
}

cluster_down() {
        local i pids=() rc=0 p
        [[ -n ${CLUSTER_DIR:-} && -d $CLUSTER_DIR ]] || return 0
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                # A member stopping while its peers go down tries to hand over
                # leadership and waits ~7 s for peers that are gone: the data
                # is disposable, so SIGKILL the members before the poweroff.
                [[ -s $(cluster_node_dir "$i")/init ]] &&
                        cluster_node_exec "$i" systemctl kill --signal=KILL "$CLUSTER_ETCD_UNIT" 2>/dev/null
                ( nspawn_stop "$(cluster_node_dir "$i")" ) &
                pids+=($!)
        done
        for p in "${pids[@]}"; do
                wait "$p" || rc=1
        done
        nit_stop_pid "$(cat "$CLUSTER_DIR/imds.pid" 2>/dev/null)" 2000
        etcd_disc_stop "$CLUSTER_DIR/disc" || rc=1
        netns_down "$CLUSTER_DIR/netns" || rc=1
        cg_remove "$CLUSTER_DIR/cg" || rc=1
        if [[ ${CLUSTER_KEEP:-0} == 1 ]]; then
                nit_log "kept $CLUSTER_DIR"
        else
                rm -rf "$CLUSTER_DIR"
        fi
        return $rc
}

# Nothing of this run left: namespaces, processes, cgroups, host /run, scratch.
cluster_check_clean() {
        local bad=0 l
        l=$(ip netns list | grep -c "^nit-$NIT_RUN-")
        (( l == 0 )) || { nit_err "namespaces left: $l"; bad=1; }
        l=$(pgrep -f -- "-M nit-$NIT_RUN-" | wc -l)
        (( l == 0 )) || { nit_err "systemd-nspawn left: $l"; bad=1; }
        l=$(pgrep -f -- "--data-dir ${CLUSTER_DIR:-/nonexistent}/" | wc -l)
        (( l == 0 )) || { nit_err "etcd left: $l"; bad=1; }
        l=$(find /sys/fs/cgroup -maxdepth 8 -name "nit-$NIT_RUN-*" 2>/dev/null | wc -l)
        (( l == 0 )) || { nit_err "cgroups left: $l"; bad=1; }
        l=$(find /run/systemd/nspawn -maxdepth 2 -name "nit-$NIT_RUN-*" 2>/dev/null | wc -l)
        (( l == 0 )) || { nit_err "/run/systemd/nspawn entries left: $l"; bad=1; }
        if [[ ${CLUSTER_KEEP:-0} != 1 && -n ${CLUSTER_DIR:-} && -e $CLUSTER_DIR ]]; then
                nit_err "scratch left: $CLUSTER_DIR"
                bad=1
        fi
        return $bad
}
