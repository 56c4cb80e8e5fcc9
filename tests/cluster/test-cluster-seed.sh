#!/bin/bash
# The seed's exact cloud-config (../shared/seed/coreos-cluster-on-ec2.md,
# etcd 0.4 keys; only the discovery URL points at this run's discovery etcd)
# on two simulated EC2 nodes booting nodeinit as their hook. Pass: each node
# has coreos-cloudinit's etcd drop-in byte for byte with its own address, and
# is registered in the discovery keyspace as etcd 0.4 does (<token>/<name> =
# peer address). Neither etcd 0.4 nor fleet exists here (fleet is not
# packaged; Debian's etcd.service is etcd 3.4, which cannot run from 0.4's
# settings in the bare container), so their start jobs fail: the hook must
# report exactly those two, and still do everything else.
set -u
# shellcheck source=tests/cluster/cluster-lib.sh
. "$(dirname "$0")/cluster-lib.sh"

nit_require_root "network namespaces and systemd-nspawn nodes"
nit_require_cmds systemd-nspawn etcd curl ip nsenter unshare
nodeinit=${NODEINIT:-${top_builddir:-$(dirname "$0")/../..}/nodeinit}
[[ -x $nodeinit ]] || { nit_err "nodeinit not built ($nodeinit)"; exit 99; }
CLUSTER_BUILDDIR=${CLUSTER_BUILDDIR:-$(dirname "$(readlink -f "$nodeinit")")}
NODE_PROVISION="/opt/nodeinit/$(basename "$nodeinit") -from-ec2-metadata=http://169.254.169.254/"
export CLUSTER_BUILDDIR NODE_PROVISION
export CLUSTER_NODES=2 CLUSTER_SIZE=2
export CLUSTER_USERDATA=$CLUSTER_TESTDIR/user-data-seed.yml

cluster_teardown_on_exit

cluster_up || exit 1
cluster_boot || true # the hook fails on fleet.service, by design of this test

keys=$(etcd_disc_curl "$CLUSTER_DIR/disc" -f "$CLUSTER_DISCOVERY?recursive=true")
for ((i = 1; i <= CLUSTER_NODES; i++)); do
        ip=$(netns_node_ip "$i")
        name=$(netns_node "$i")
        want=$(printf '[Service]\nEnvironment="ETCD_ADDR=%s:4001"\nEnvironment="ETCD_DISCOVERY=%s"\nEnvironment="ETCD_PEER_ADDR=%s:7001"' \
                "$ip" "$CLUSTER_DISCOVERY" "$ip")
        nit_check "$(cluster_node_exec "$i" cat /run/systemd/system/etcd.service.d/20-cloudinit.conf)" "$want" \
                "$name: etcd.service drop-in as coreos-cloudinit writes it"
        log=$(cluster_node_exec "$i" journalctl -q -o cat -u "$CLUSTER_HOOK_NAME")
        nit_check "$(grep -c 'failed *unit fleet.service: start — error: Unit fleet.service not found' <<< "$log")" 1 \
                "$name: fleet.service reported as not found"
        nit_check "$(grep '^failed' <<< "$log" | grep -cv 'unit \(etcd\|fleet\).service: start')" 0 \
                "$name: nothing failed but the start of etcd 0.4 and fleet"
        # etcd 0.4 registers itself as <ETCD_NAME=%m> = <its peer URL>; nodeinit
        # writes the same entry, so each node has exactly one
        mid=$(cluster_node_exec "$i" cat /etc/machine-id)
        nit_check "$(grep -o "\"key\":\"[^\"]*/$mid\",\"value\":\"http://$ip:7001\"" <<< "$keys" | wc -l)" 1 \
                "$name: registered in the discovery keyspace as <machine id> = http://$ip:7001"
        nit_check "$(grep -o "\"value\":\"[^\"]*$ip:7001\"" <<< "$keys" | wc -l)" 1 "$name: one entry only"
        [[ $NIT_FAIL == 0 ]] || echo "$log"
done
echo "$keys" | "$(nit_python)" -c '
import json, sys
for n in json.load(sys.stdin)["node"].get("nodes", []):
    print("discovery:", n["key"], "=", n.get("value"), "ttl", n.get("ttl"))'

cluster_down || NIT_FAIL=1
if cluster_check_clean; then
        echo "ok   - nothing left (netns, processes, cgroups, /run, scratch)"
else
        echo "FAIL - leftovers"
        NIT_FAIL=1
fi
unset CLUSTER_DIR
exit "$NIT_FAIL"
