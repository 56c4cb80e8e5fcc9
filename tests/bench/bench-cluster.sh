#!/bin/bash
# make bench: the simulated EC2 cluster with nodeinit as every node's boot
# hook. 3 nodes (the default run), then 10 and 20 started within the same
# second against one size-3 discovery token. Figures per node: nodeinit's own
# time from its start until etcd's start job is queued; per run: time from
# the first node's start to a healthy cluster. Needs root (skips otherwise).
set -u
[ "$(id -u)" = 0 ] || { echo "cluster: skipped (needs root)"; exit 0; }
nodeinit=${NODEINIT:?}
CLUSTER_BUILDDIR=$(dirname "$(readlink -f "$nodeinit")")
NODE_PROVISION="/opt/nodeinit/$(basename "$nodeinit") -from-ec2-metadata=http://169.254.169.254/"
CLUSTER_ETCD_UNIT=etcd2.service
export CLUSTER_BUILDDIR NODE_PROVISION CLUSTER_ETCD_UNIT
bash "$top_srcdir/tests/cluster/bench-cluster.sh" 3 ${CLUSTER_BENCH_NODES:-10 20}
