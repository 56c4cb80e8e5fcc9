noinst_LIBRARIES += %reldir%/libsource.a
%canon_reldir%_libsource_a_SOURCES = \
	%reldir%/placeholder.c
