# tests/unit fragment
# apply/systemd-*.c and apply/discovery.c: the parts that need neither a
# manager nor a discovery service (the rest is in tests/integration/systemd.mk).
check_PROGRAMS += tests/unit/test-apply-systemd tests/unit/test-apply-discovery
TESTS += tests/unit/test-apply-systemd tests/unit/test-apply-discovery
tests_unit_test_apply_systemd_SOURCES = tests/unit/test-apply-systemd.c
tests_unit_test_apply_systemd_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_apply_systemd_LDADD = src/apply/libapply.a src/plan/libplan.a src/config/libconfig.a $(UNIT_LDADD_COMMON) -ldl
tests_unit_test_apply_discovery_SOURCES = tests/unit/test-apply-discovery.c
tests_unit_test_apply_discovery_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_apply_discovery_LDADD = src/apply/libapply.a src/plan/libplan.a src/config/libconfig.a src/net/libnet.a $(JSONC_LIBS) \
	$(UNIT_LDADD_COMMON) -ldl
# the write batch and the accounts under hostile conditions (root only:
# files owned by other users, useradd --root)
check_PROGRAMS += tests/unit/test-apply-fs tests/unit/test-apply-accounts
TESTS += tests/unit/test-apply-fs tests/unit/test-apply-accounts
tests_unit_test_apply_fs_SOURCES = tests/unit/test-apply-fs.c
tests_unit_test_apply_fs_CFLAGS = $(UNIT_CFLAGS_COMMON)
# every allocation of libapply and libbasic can be made to fail
tests_unit_test_apply_fs_LDFLAGS = -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
tests_unit_test_apply_fs_LDADD = src/apply/libapply.a src/plan/libplan.a src/config/libconfig.a $(UNIT_LDADD_COMMON) -lpthread -ldl
tests_unit_test_apply_accounts_SOURCES = tests/unit/test-apply-accounts.c
tests_unit_test_apply_accounts_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_apply_accounts_LDADD = src/apply/libapply.a src/plan/libplan.a src/config/libconfig.a $(UNIT_LDADD_COMMON)
EXTRA_DIST += tests/unit/scratch-test-helpers.h
