# Example cloud-configs: validated by `make check`, shown in the README.
dist_noinst_DATA += \
	%reldir%/examples/coreos-cluster-on-ec2.yml
