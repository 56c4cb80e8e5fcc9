# tests/integration fragment: datasources against the IMDS simulator and
# in-process HTTP doubles, loopback only.
TESTS += \
	tests/integration/test-source-ec2.py \
	tests/integration/test-source-other.py \
	tests/integration/test-source-vmware.py \
	tests/integration/test-source-cloudsigma.py
EXTRA_DIST += \
	tests/integration/test-source-ec2.py \
	tests/integration/test-source-other.py \
	tests/integration/test-source-vmware.py \
	tests/integration/test-source-cloudsigma.py \
	tests/imds/imds-sim.py \
	tests/imds/imdstest.py
