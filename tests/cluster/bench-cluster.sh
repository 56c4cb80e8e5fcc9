#!/bin/bash
# Scale bench of the simulated EC2 cluster (issue 5): N nodes (default 10,
# then 20) all launched within the same second against ONE discovery token
# of size 3. Expected: exactly 3 members, every other node told the cluster
# is full (etcd falls back to a proxy, or exits, per discovery_fallback).
# Prints the time to a healthy cluster and each node's hook figures; it is a
# measurement, not a test (`make cluster-bench`).
# Usage: bench-cluster.sh [N...]     (NODE_PROVISION etc. as in cluster-lib.sh)
set -u
# shellcheck source=tests/cluster/cluster-lib.sh
. "$(dirname "$0")/cluster-lib.sh"

nit_require_root "network namespaces and systemd-nspawn nodes"
nit_require_cmds systemd-nspawn etcd etcdctl curl ip nsenter unshare

cluster_teardown_on_exit

export CLUSTER_SIZE=${CLUSTER_SIZE:-3}
fail=0
counts=("$@")
(( ${#counts[@]} )) || counts=(10 20)
for n in "${counts[@]}"; do
        export CLUSTER_NODES=$n
        echo "=== $n nodes, token size $CLUSTER_SIZE"
        cluster_up || exit 1
        cluster_boot || { echo "FAIL - not every node booted"; fail=1; }
        cluster_wait_healthy 180000 || fail=1
        members=$(cluster_etcdctl 1 member list 2>/dev/null | grep -c ', started, ')
        full=0
        for ((i = 1; i <= n; i++)); do
                if cluster_node_exec "$i" journalctl -q -o cat -u "$CLUSTER_ETCD_UNIT" 2>/dev/null |
                        grep -qi 'cluster full\|cluster is full'; then
                        full=$((full + 1))
                fi
        done
        regs=$(etcd_token_members "$CLUSTER_DIR/disc" "$CLUSTER_DISCOVERY" | wc -l)
        echo "members: $members (want $CLUSTER_SIZE); nodes told 'cluster full': $full (want $((n - CLUSTER_SIZE)));" \
                "registrations on the token: $regs (losers of the race register too)"
        (( members == CLUSTER_SIZE && full == n - CLUSTER_SIZE )) || fail=1
        cluster_report > /dev/null
        "$(nit_python)" - "$CLUSTER_DIR/times" <<'EOF'
import re, statistics, sys
hs, hr, ej, bt = [], [], [], []
for line in open(sys.argv[1]):
    m = re.search(r"hook started +(-?\d+) ms after launch, ran +(-?\d+) ms, etcd job +(-?\d+) ms after hook start; boot done after +(-?\d+) ms", line)
    if m:
        for lst, v in zip((hs, hr, ej, bt), m.groups()):
            lst.append(int(v))
def s(name, v):
    if v:
        print(f"{name}: median {statistics.median(v):.0f} ms, min {min(v)}, max {max(v)}")
s("launch -> hook start", hs)
s("hook run time", hr)
s("hook start -> etcd start job", ej)
s("launch -> boot done", bt)
EOF
        t0=$(nit_now_ms)
        cluster_down || fail=1
        echo "teardown $(( $(nit_now_ms) - t0 )) ms"
        cluster_check_clean || fail=1
        unset CLUSTER_DIR
done
exit $fail
