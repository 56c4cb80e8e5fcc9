# tests/unit fragment
UNIT_USERDATA_LDADD = src/userdata/libuserdata.a $(JSONC_LIBS) $(UNIT_LDADD_COMMON)

check_PROGRAMS += tests/unit/test-userdata-classify
TESTS += tests/unit/test-userdata-classify
tests_unit_test_userdata_classify_SOURCES = tests/unit/test-userdata-classify.c
tests_unit_test_userdata_classify_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_userdata_classify_LDADD = $(UNIT_USERDATA_LDADD)

check_PROGRAMS += tests/unit/test-userdata-gzip
TESTS += tests/unit/test-userdata-gzip
tests_unit_test_userdata_gzip_SOURCES = tests/unit/test-userdata-gzip.c
tests_unit_test_userdata_gzip_CFLAGS = $(UNIT_CFLAGS_COMMON) $(ZLIB_CFLAGS)
tests_unit_test_userdata_gzip_LDADD = $(UNIT_USERDATA_LDADD)

check_PROGRAMS += tests/unit/test-userdata-mime
TESTS += tests/unit/test-userdata-mime
tests_unit_test_userdata_mime_SOURCES = tests/unit/test-userdata-mime.c
tests_unit_test_userdata_mime_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_userdata_mime_LDADD = $(UNIT_USERDATA_LDADD)

check_PROGRAMS += tests/unit/test-userdata-substitute
TESTS += tests/unit/test-userdata-substitute
tests_unit_test_userdata_substitute_SOURCES = tests/unit/test-userdata-substitute.c
tests_unit_test_userdata_substitute_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_userdata_substitute_LDADD = $(UNIT_USERDATA_LDADD)

check_PROGRAMS += tests/unit/test-userdata-decode
TESTS += tests/unit/test-userdata-decode
tests_unit_test_userdata_decode_SOURCES = tests/unit/test-userdata-decode.c
tests_unit_test_userdata_decode_CFLAGS = $(UNIT_CFLAGS_COMMON) $(ZLIB_CFLAGS)
tests_unit_test_userdata_decode_LDADD = $(UNIT_USERDATA_LDADD)

check_PROGRAMS += tests/unit/test-userdata-structure
TESTS += tests/unit/test-userdata-structure
tests_unit_test_userdata_structure_SOURCES = tests/unit/test-userdata-structure.c
tests_unit_test_userdata_structure_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_userdata_structure_LDADD = src/config/libconfig.a $(UNIT_USERDATA_LDADD)
