# tests/unit fragment
PLAN_TEST_LDADD = src/plan/libplan.a src/config/libconfig.a $(YAML_LIBS) $(UNIT_LDADD_COMMON)

check_PROGRAMS += tests/unit/test-plan-render
TESTS += tests/unit/test-plan-render
tests_unit_test_plan_render_SOURCES = tests/unit/test-plan-render.c
tests_unit_test_plan_render_CFLAGS = $(UNIT_CFLAGS_COMMON)
tests_unit_test_plan_render_LDADD = $(PLAN_TEST_LDADD)
