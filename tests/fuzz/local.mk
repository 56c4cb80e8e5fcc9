# Fuzz targets. With --enable-fuzzing (CC=clang) they are libFuzzer binaries
# that fuzz for a bounded time under `make check`; otherwise they replay
# their corpus, so every corpus input is checked on every build.
FUZZ_LDADD = src/config/libconfig.a src/userdata/libuserdata.a \
	src/basic/libbasic.a $(DEPS_LIBS)
if FUZZING
FUZZ_TARGET_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_MAIN =
else
FUZZ_TARGET_CFLAGS = $(AM_CFLAGS)
FUZZ_LINK_FLAGS = $(AM_LDFLAGS)
FUZZ_MAIN = tests/fuzz/fuzz-main.c
endif
EXTRA_DIST += tests/fuzz/fuzz-main.c tests/fuzz/run-fuzz.sh tests/fuzz/corpus

check_PROGRAMS += tests/fuzz/fuzz-config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_MAIN)
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LDADD)
TESTS += tests/fuzz/test-fuzz-config.sh
EXTRA_DIST += tests/fuzz/test-fuzz-config.sh

check_PROGRAMS += tests/fuzz/fuzz-userdata
tests_fuzz_fuzz_userdata_SOURCES = tests/fuzz/fuzz-userdata.c $(FUZZ_MAIN)
tests_fuzz_fuzz_userdata_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_userdata_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_userdata_LDADD = $(FUZZ_LDADD)
TESTS += tests/fuzz/test-fuzz-userdata.sh
EXTRA_DIST += tests/fuzz/test-fuzz-userdata.sh

check_PROGRAMS += tests/fuzz/fuzz-metadata
tests_fuzz_fuzz_metadata_SOURCES = tests/fuzz/fuzz-metadata.c $(FUZZ_MAIN)
tests_fuzz_fuzz_metadata_CFLAGS = $(FUZZ_TARGET_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
tests_fuzz_fuzz_metadata_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_metadata_LDADD = src/source/libsource.a src/net/libnet.a $(FUZZ_LDADD)
TESTS += tests/fuzz/test-fuzz-metadata.sh
EXTRA_DIST += tests/fuzz/test-fuzz-metadata.sh

check_PROGRAMS += tests/fuzz/fuzz-substitute
tests_fuzz_fuzz_substitute_SOURCES = tests/fuzz/fuzz-substitute.c tests/fuzz/substitute-structure.h $(FUZZ_MAIN)
tests_fuzz_fuzz_substitute_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_substitute_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_substitute_LDADD = $(FUZZ_LDADD)
TESTS += tests/fuzz/test-fuzz-substitute.sh
EXTRA_DIST += tests/fuzz/test-fuzz-substitute.sh
