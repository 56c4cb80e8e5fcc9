# shellcheck shell=bash
# Simulated EC2 hosts as network namespaces (test-harness.md recipe 3).
# NOTHING is created in the root namespace: both ends of every veth are made
# directly inside the namespaces, and only link-local 169.254/16 is used, so
# no packet can leave the namespaces.
#
#   netns_up STATE N        nit-$NIT_RUN-md: bridge br0 = 169.254.169.254/16
#                           (where the IMDS and the discovery etcd live);
#                           nit-$NIT_RUN-n1..nN: eth0 = 169.254.10.(10+I)/16
#   netns_md                print the md namespace name
#   netns_node I            print node I's namespace name
#   netns_node_ip I         print node I's address
#   netns_exec NS CMD...    run CMD in NS (nsenter --net: unlike `ip netns
#                           exec` it keeps /sys, so cgroup fs stays visible)
#   netns_down STATE        kill only the PIDs inside our namespaces, delete
#                           them, and remove /run/netns if we created it
# STATE: a file of the caller's scratch dir (what we created).

[[ -n ${_NIT_NETNS_SH:-} ]] && return 0
_NIT_NETNS_SH=1
# shellcheck source=tests/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NETNS_MD_IP=169.254.169.254

netns_md() { echo "nit-$NIT_RUN-md"; }
netns_node() { echo "nit-$NIT_RUN-n$1"; }
netns_node_ip() { echo "169.254.10.$((10 + $1))"; }
netns_exec() {
        local ns=$1
        shift
        nsenter "--net=/run/netns/$ns" -- "$@"
}

_netns_add() {
        ip netns add "$1" || return 1
        echo "ns $1" >> "$2"
}

netns_up() {
        local state=$1 n=$2 md i ns
        (( n >= 1 && n <= 200 )) || { nit_err "netns_up: bad node count $n"; return 1; }
        : > "$state" || return 1
        # `ip netns add` creates /run/netns and makes it a shared bind mount
        # of itself; remember whether that was us so teardown can undo it.
        if [[ ! -e /run/netns ]]; then
                echo "rundir" >> "$state"
        fi
        md=$(netns_md)
        _netns_add "$md" "$state" || return 1
        ip -n "$md" link set lo up
        ip -n "$md" link add br0 type bridge
        ip -n "$md" addr add "$NETNS_MD_IP/16" dev br0
        ip -n "$md" link set br0 up || return 1
        for ((i = 1; i <= n; i++)); do
                ns=$(netns_node "$i")
                _netns_add "$ns" "$state" || return 1
                ip -n "$md" link add "vn$i" type veth peer name eth0 netns "$ns" || return 1
                ip -n "$md" link set "vn$i" master br0 up
                ip -n "$ns" link set lo up
                ip -n "$ns" addr add "$(netns_node_ip "$i")/16" dev eth0
                ip -n "$ns" link set eth0 up || return 1
        done
        return 0
}

# PIDs whose network namespace is NS (what `ip netns pids` reports).
netns_pids() { ip netns pids "$1" 2>/dev/null; }

netns_down() {
        local state=$1 ns p left rc=0
        [[ -f $state ]] || return 0
        # nodes first, md (which holds the bridge) last
        while read -r ns; do
                left=$(netns_pids "$ns")
                for p in $left; do kill -TERM "$p" 2>/dev/null; done
                for p in $left; do nit_wait_gone "$p" 10000 || kill -KILL "$p" 2>/dev/null; done
                for p in $left; do nit_wait_gone "$p" 20000 || { nit_err "pid $p in $ns survives"; rc=1; }; done
                ip netns del "$ns" 2>/dev/null || { [[ -e /run/netns/$ns ]] && { nit_err "cannot delete $ns"; rc=1; }; }
        done < <(sed -n 's/^ns //p' "$state" | sort -r)
        if grep -qx rundir "$state" && [[ -d /run/netns ]] && [[ -z $(ls -A /run/netns) ]]; then
                while mountpoint -q /run/netns; do umount /run/netns || break; done
                rmdir /run/netns 2>/dev/null
        fi
        (( rc == 0 )) && rm -f "$state"
        return $rc
}
