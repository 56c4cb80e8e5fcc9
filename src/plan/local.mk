noinst_LIBRARIES += %reldir%/libplan.a
%canon_reldir%_libplan_a_SOURCES = \
	%reldir%/plan.c %reldir%/plan.h \
	%reldir%/planner.c %reldir%/planner.h \
	%reldir%/render.c
%canon_reldir%_libplan_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
