CONFIG_TEST_LDADD = src/config/libconfig.a $(UNIT_LDADD_COMMON)
EXTRA_DIST += tests/unit/config-test-helpers.h tests/unit/gzip-test-helpers.h

check_PROGRAMS += tests/unit/test-config-yaml
TESTS += tests/unit/test-config-yaml
tests_unit_test_config_yaml_SOURCES = tests/unit/test-config-yaml.c
tests_unit_test_config_yaml_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_config_yaml_LDADD = $(CONFIG_TEST_LDADD)

check_PROGRAMS += tests/unit/test-config-rules
TESTS += tests/unit/test-config-rules
tests_unit_test_config_rules_SOURCES = tests/unit/test-config-rules.c
tests_unit_test_config_rules_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_config_rules_LDADD = $(CONFIG_TEST_LDADD)

check_PROGRAMS += tests/unit/test-basic
TESTS += tests/unit/test-basic
tests_unit_test_basic_SOURCES = tests/unit/test-basic.c
tests_unit_test_basic_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_basic_LDADD = $(UNIT_LDADD_COMMON)

check_PROGRAMS += tests/unit/test-config-isolation
TESTS += tests/unit/test-config-isolation
tests_unit_test_config_isolation_SOURCES = tests/unit/test-config-isolation.c
tests_unit_test_config_isolation_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_config_isolation_LDADD = $(CONFIG_TEST_LDADD)
