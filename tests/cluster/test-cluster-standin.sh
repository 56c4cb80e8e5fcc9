#!/bin/bash
# The simulated EC2 cluster of issue 5 with a stand-in provisioner: proves
# the harness (netns + IMDS + discovery etcd + nspawn nodes booting the hook
# unit) end to end. With NODE_PROVISION set to the real nodeinit and
# CLUSTER_ETCD_UNIT=etcd2.service the same script is the real cluster test.
# Pass: N members in one healthy cluster, /etc/environment per node, a unit
# with EnvironmentFile=/etc/environment sees COREOS_PUBLIC_IPV4, web@8080
# answers on every node from another node; then nothing is left behind.
# Needs root, systemd-nspawn, etcd; skips (77) otherwise. Prints timings but
# never asserts on them.
set -u
# shellcheck source=tests/cluster/cluster-lib.sh
. "$(dirname "$0")/cluster-lib.sh"

nit_require_root "network namespaces and systemd-nspawn nodes"
nit_require_cmds systemd-nspawn etcd etcdctl curl ip nsenter unshare
[[ -d /sys/fs/cgroup ]] || nit_skip "no cgroup fs"

cluster_teardown_on_exit

cluster_up || exit 1
echo "scratch $CLUSTER_DIR, discovery $CLUSTER_DISCOVERY"
cluster_boot || { echo "FAIL - not every node booted"; NIT_FAIL=1; }
failed_hooks=0
for ((i = 1; i <= CLUSTER_NODES; i++)); do
        [[ $(cluster_node_exec "$i" systemctl show -P ActiveState "$CLUSTER_HOOK_NAME") == failed ]] &&
                failed_hooks=$((failed_hooks + 1))
done
# no point waiting for a cluster whose provisioning failed
(( failed_hooks == 0 )) || CLUSTER_HEALTH_TIMEOUT_MS=0
if ! cluster_wait_healthy "${CLUSTER_HEALTH_TIMEOUT_MS:-600000}"; then
        NIT_FAIL=1
        for ((i = 1; i <= CLUSTER_NODES; i++)); do
                cluster_node_exec "$i" journalctl -q -n 15 -u "$CLUSTER_HOOK_NAME" -u "$CLUSTER_ETCD_UNIT" >&2
        done
fi

members=$(cluster_etcdctl 1 member list 2>&1)
echo "$members"
nit_check "$(grep -c ', started, ' <<< "$members")" "$CLUSTER_SIZE" "member list shows $CLUSTER_SIZE started members"
nit_check "$(etcd_token_members "$CLUSTER_DIR/disc" "$CLUSTER_DISCOVERY" | head -n "$CLUSTER_SIZE" | wc -l)" \
        "$CLUSTER_SIZE" "discovery token has $CLUSTER_SIZE registrations"

for ((i = 1; i <= CLUSTER_NODES; i++)); do
        ip=$(netns_node_ip "$i")
        name=$(netns_node "$i")
        hook=$(cluster_node_exec "$i" systemctl show -P ActiveState "$CLUSTER_HOOK_NAME")
        nit_check "$hook" active "$name: $CLUSTER_HOOK_NAME active (ran as the boot hook)"
        # wait for the units the hook started only if it succeeded
        wait_ms=0
        [[ $hook == active ]] && wait_ms=300000
        nit_check "$(cluster_node_exec "$i" sed -n 's/^COREOS_PRIVATE_IPV4=//p' /etc/environment)" "$ip" \
                "$name: /etc/environment has its own address"
        nit_check "$(cluster_node_exec "$i" systemctl show -P DropInPaths "$CLUSTER_ETCD_UNIT")" \
                "/run/systemd/system/$CLUSTER_ETCD_UNIT.d/20-cloudinit.conf" "$name: etcd drop-in"
        nit_retry "$wait_ms" 0.1 cluster_node_exec "$i" test -s /run/env-check.out
        nit_check "$(cluster_node_exec "$i" cat /run/env-check.out 2>&1)" "203.0.113.$((10 + i)) $ip" \
                "$name: EnvironmentFile=/etc/environment sees COREOS_PUBLIC_IPV4"
        # from the next node's namespace (never from the root namespace)
        from=$(( i % CLUSTER_NODES + 1 ))
        nit_retry "$wait_ms" 0.1 netns_exec "$(netns_node "$from")" \
                curl -fsS -m 10 -o /dev/null "http://$ip:8080/" 2>/dev/null
        # the page is the node's hostname (nodeinit sets it from the metadata)
        nit_check "$(netns_exec "$(netns_node "$from")" curl -sS -m 30 "http://$ip:8080/" 2>&1)" \
                "$(cluster_node_exec "$i" hostname)" \
                "$name: web@8080 answers to $(netns_node "$from")"
done
cluster_report
[[ ${CLUSTER_VERBOSE:-0} == 1 ]] && cluster_show_nodes

t0=$(nit_now_ms)
cluster_down || NIT_FAIL=1
echo "teardown in $(( $(nit_now_ms) - t0 )) ms"
if cluster_check_clean; then
        echo "ok   - nothing left (netns, processes, cgroups, /run, scratch)"
else
        echo "FAIL - leftovers"
        NIT_FAIL=1
fi
unset CLUSTER_DIR
exit "$NIT_FAIL"
