# unit tests of basic/ helpers for output and configuration (cli's)
check_PROGRAMS += tests/unit/test-basic-escape tests/unit/test-basic-site-config
TESTS += tests/unit/test-basic-escape tests/unit/test-basic-site-config
tests_unit_test_basic_escape_SOURCES = tests/unit/test-basic-escape.c
tests_unit_test_basic_escape_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_basic_escape_LDADD = $(UNIT_LDADD_COMMON)
tests_unit_test_basic_site_config_SOURCES = tests/unit/test-basic-site-config.c
tests_unit_test_basic_site_config_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_basic_site_config_LDADD = $(UNIT_LDADD_COMMON)
check_PROGRAMS += tests/unit/test-report-validate
TESTS += tests/unit/test-report-validate
tests_unit_test_report_validate_SOURCES = tests/unit/test-report-validate.c
tests_unit_test_report_validate_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_report_validate_LDADD = src/report/libreport.a $(UNIT_LDADD_COMMON)
