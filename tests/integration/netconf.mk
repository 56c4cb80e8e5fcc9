# tests/integration fragment: network configuration (-convert-netconf) and
# EC2's metadata over IPv6, in network namespaces and nspawn nodes of their own.
TESTS += tests/integration/test-source-ec2-ipv6.py
EXTRA_DIST += tests/integration/test-source-ec2-ipv6.py
TESTS += tests/integration/test-netconf-networkd.sh
EXTRA_DIST += tests/integration/test-netconf-networkd.sh
TESTS += tests/integration/test-netconf-cli.py
EXTRA_DIST += tests/integration/test-netconf-cli.py
