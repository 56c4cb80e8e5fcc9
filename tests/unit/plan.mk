# tests/unit fragment
PLAN_TEST_LDADD = src/plan/libplan.a src/config/libconfig.a $(YAML_LIBS) $(UNIT_LDADD_COMMON)

check_PROGRAMS += tests/unit/test-plan-render
TESTS += tests/unit/test-plan-render
tests_unit_test_plan_render_SOURCES = tests/unit/test-plan-render.c
tests_unit_test_plan_render_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_plan_render_LDADD = $(PLAN_TEST_LDADD)

check_PROGRAMS += tests/unit/test-plan-planner
TESTS += tests/unit/test-plan-planner
tests_unit_test_plan_planner_SOURCES = tests/unit/test-plan-planner.c
tests_unit_test_plan_planner_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_plan_planner_LDADD = $(PLAN_TEST_LDADD)

check_PROGRAMS += tests/unit/test-plan-diff
TESTS += tests/unit/test-plan-diff
tests_unit_test_plan_diff_SOURCES = tests/unit/test-plan-diff.c
tests_unit_test_plan_diff_CFLAGS = $(UNIT_CFLAGS_COMMON) $(JSONC_CFLAGS)
tests_unit_test_plan_diff_LDADD = src/report/libreport.a $(PLAN_TEST_LDADD)

check_PROGRAMS += tests/unit/test-plan-fs
TESTS += tests/unit/test-plan-fs
tests_unit_test_plan_fs_SOURCES = tests/unit/test-plan-fs.c
tests_unit_test_plan_fs_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_plan_fs_LDADD = src/apply/libapply.a $(PLAN_TEST_LDADD)

check_PROGRAMS += tests/unit/test-plan-netconf
TESTS += tests/unit/test-plan-netconf
tests_unit_test_plan_netconf_SOURCES = tests/unit/test-plan-netconf.c
tests_unit_test_plan_netconf_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_plan_netconf_LDADD = $(PLAN_TEST_LDADD)
