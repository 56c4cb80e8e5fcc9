noinst_LIBRARIES += %reldir%/libplan.a
%canon_reldir%_libplan_a_SOURCES = \
	%reldir%/placeholder.c
