AM_TESTS_ENVIRONMENT = \
	export NODEINIT=$${NODEINIT_UNDER_TEST:-$(abs_top_builddir)/nodeinit}; \
	export top_srcdir=$(abs_top_srcdir); \
	export top_builddir=$(abs_top_builddir);

TEST_EXTENSIONS = .sh .py
SH_LOG_COMPILER = bash
PY_LOG_COMPILER = python3

UNIT_LDADD_COMMON = src/basic/libbasic.a $(DEPS_LIBS) $(CMOCKA_LIBS)
UNIT_CFLAGS_COMMON = $(AM_CFLAGS) $(CMOCKA_CFLAGS)

if HAVE_CMOCKA
include tests/unit/config.mk
include tests/unit/userdata.mk
include tests/unit/source.mk
include tests/unit/plan.mk
include tests/unit/apply.mk
include tests/unit/report.mk
endif
include tests/integration/local.mk
include tests/integration/source.mk
include tests/integration/apply.mk
include tests/cluster/local.mk
include tests/fuzz/local.mk
include tests/bench/local.mk
include tests/integration/systemd.mk
include tests/integration/netconf.mk
