# tests/cluster fragment
# The simulated EC2 cluster of issue 5 and the harness under tests/lib it is
# built on. They need root, systemd-nspawn and etcd; elsewhere they exit 77
# (SKIP). The stand-in tests prove the harness; the real cluster test runs
# test-cluster-standin.sh with NODE_PROVISION set to nodeinit, and the seed
# test boots the seed's own etcd 0.4 cloud-config.
TESTS += \
	%reldir%/test-usermgr-standin.sh \
	%reldir%/test-hook-ordering.sh \
	%reldir%/test-cluster-standin.sh \
	%reldir%/test-cluster.sh \
	%reldir%/test-cluster-seed.sh

EXTRA_DIST += \
	%reldir%/test-usermgr-standin.sh \
	%reldir%/test-hook-ordering.sh \
	%reldir%/test-cluster-standin.sh \
	%reldir%/test-cluster.sh \
	%reldir%/test-cluster-seed.sh \
	%reldir%/user-data-seed.yml \
	%reldir%/bench-cluster.sh \
	%reldir%/cluster-lib.sh \
	%reldir%/standin-provision.sh \
	%reldir%/user-data-etcd2.yml \
	%reldir%/README.md \
	tests/lib/common.sh \
	tests/lib/cgroup.sh \
	tests/lib/usermgr.sh \
	tests/lib/nspawn.sh \
	tests/lib/netns.sh \
	tests/lib/etcd.sh \
	tests/lib/mdserver-min.py

# Scale figures: N nodes started at one instant against one size-3 token.
CLUSTER_BENCH_NODES = 10 20
cluster-bench:
	$(AM_V_at)export NODEINIT=$(abs_top_builddir)/nodeinit top_srcdir=$(abs_top_srcdir) \
		top_builddir=$(abs_top_builddir); \
	bash $(abs_top_srcdir)/tests/cluster/bench-cluster.sh $(CLUSTER_BENCH_NODES)
.PHONY: cluster-bench
# issue 11: the journal entries and status --wait on a booting node
TESTS += %reldir%/test-journal.sh
EXTRA_DIST += %reldir%/test-journal.sh
