noinst_LIBRARIES += %reldir%/libuserdata.a
%canon_reldir%_libuserdata_a_SOURCES = \
	%reldir%/placeholder.c
