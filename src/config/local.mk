noinst_LIBRARIES += %reldir%/libconfig.a
%canon_reldir%_libconfig_a_SOURCES = \
	%reldir%/placeholder.c
%canon_reldir%_libconfig_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
