# tests/unit fragment: pure parts of the source stage.
UNIT_SOURCE_LDADD = src/source/libsource.a src/net/libnet.a $(JSONC_LIBS) $(UNIT_LDADD_COMMON)

check_PROGRAMS += tests/unit/test-source-spec
TESTS += tests/unit/test-source-spec
tests_unit_test_source_spec_SOURCES = tests/unit/test-source-spec.c
tests_unit_test_source_spec_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_spec_LDADD = $(UNIT_SOURCE_LDADD)

check_PROGRAMS += tests/unit/test-source-retry
TESTS += tests/unit/test-source-retry
tests_unit_test_source_retry_SOURCES = tests/unit/test-source-retry.c
tests_unit_test_source_retry_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_retry_LDADD = $(UNIT_SOURCE_LDADD)

check_PROGRAMS += tests/unit/test-source-ec2
TESTS += tests/unit/test-source-ec2
tests_unit_test_source_ec2_SOURCES = tests/unit/test-source-ec2.c
tests_unit_test_source_ec2_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_ec2_LDADD = $(UNIT_SOURCE_LDADD)

check_PROGRAMS += tests/unit/test-source-documents
TESTS += tests/unit/test-source-documents
tests_unit_test_source_documents_SOURCES = tests/unit/test-source-documents.c
tests_unit_test_source_documents_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_documents_LDADD = $(UNIT_SOURCE_LDADD)

check_PROGRAMS += tests/unit/test-source-vmware
TESTS += tests/unit/test-source-vmware
tests_unit_test_source_vmware_SOURCES = tests/unit/test-source-vmware.c
tests_unit_test_source_vmware_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_vmware_LDADD = $(UNIT_SOURCE_LDADD)

check_PROGRAMS += tests/unit/test-source-cloudsigma
TESTS += tests/unit/test-source-cloudsigma
tests_unit_test_source_cloudsigma_SOURCES = tests/unit/test-source-cloudsigma.c
tests_unit_test_source_cloudsigma_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_source_cloudsigma_LDADD = $(UNIT_SOURCE_LDADD)
