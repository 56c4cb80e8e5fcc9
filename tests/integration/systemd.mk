# tests/integration fragment: apply/systemd-*.c and apply/discovery.c against a
# real `systemd --user` manager, a real PID-1 systemd (nspawn --volatile=yes)
# and a real etcd (skip with 77 unless root and the tools exist).
check_PROGRAMS += tests/integration/sd-driver
tests_integration_sd_driver_SOURCES = tests/integration/sd-driver.c
tests_integration_sd_driver_CFLAGS = $(AM_CFLAGS)
tests_integration_sd_driver_LDADD = src/apply/libapply.a src/plan/libplan.a src/config/libconfig.a src/basic/libbasic.a -ldl

TESTS += \
	tests/integration/test-systemd-units.sh \
	tests/integration/test-systemd-system.sh \
	tests/integration/test-discovery-etcd.sh
EXTRA_DIST += \
	tests/integration/test-systemd-units.sh \
	tests/integration/test-systemd-system.sh \
	tests/integration/test-discovery-etcd.sh
