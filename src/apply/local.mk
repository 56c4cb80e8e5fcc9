noinst_LIBRARIES += %reldir%/libapply.a
%canon_reldir%_libapply_a_SOURCES = \
	%reldir%/placeholder.c
