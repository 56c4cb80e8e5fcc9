#!/bin/bash
# nodeinit's main job on its embedded default: boot a 3-node simulated EC2
# cluster on this machine and let nodeinit provision every node from EC2
# user-data, as the boot hook does on a real instance.
#
# Each node is a network namespace with its own 169.254.169.254 (an IMDS
# simulator serving IMDSv2) and a systemd-nspawn --volatile=yes container
# whose PID 1 is a real systemd; a real etcd (--enable-v2) is the discovery
# service. The user-data is the seed's cluster config in etcd2 form
# (tests/cluster/user-data-etcd2.yml): nodeinit writes the drop-ins and
# /etc/environment, checks discovery and starts etcd and a web unit through
# sd-bus. Prints what each node did and the cluster's member list, then tears
# everything down. Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
"$top/contrib/build.sh" "$top/build"
echo "== the user-data every node gets (the discovery URL is filled in per run), validated"
sed 's|@DISCOVERY_URL@|http://169.254.169.254:24001/v2/keys/discovery/TOKEN|' \
        "$top/tests/cluster/user-data-etcd2.yml" | "$top/build/nodeinit" validate -
echo "== booting 3 simulated EC2 nodes with nodeinit as their boot hook"
NODEINIT="$top/build/nodeinit" CLUSTER_VERBOSE=1 top_builddir="$top/build" \
        exec bash "$top/tests/cluster/test-cluster.sh"
