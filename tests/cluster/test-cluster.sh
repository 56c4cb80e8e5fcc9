#!/bin/bash
# The real cluster test of issue 5: test-cluster-standin.sh with nodeinit as
# each node's boot hook, provisioning from user-data-etcd2.yml (coreos.etcd2
# writes the drop-in for etcd2.service). Needs root, systemd-nspawn and
# etcd (test-cluster-standin.sh skips, 77, without them); a missing nodeinit
# binary is a hard error (99): make check builds it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
nodeinit=${NODEINIT:-${top_builddir:-$here/../..}/nodeinit}
if [[ ! -x $nodeinit ]]; then
        echo "ERROR: nodeinit not built ($nodeinit)" >&2
        exit 99
fi
# /opt/nodeinit inside each node is the build tree holding that binary
export CLUSTER_BUILDDIR=${CLUSTER_BUILDDIR:-$(dirname "$(readlink -f "$nodeinit")")}
# the shipped hook's command line: no URL, so IPv4 and IPv6 IMDS are raced
export NODE_PROVISION=${NODE_PROVISION:-/opt/nodeinit/$(basename "$nodeinit") --from-metadata-service}
export CLUSTER_ETCD_UNIT=${CLUSTER_ETCD_UNIT:-etcd2.service}
exec bash "$here/test-cluster-standin.sh" "$@"
