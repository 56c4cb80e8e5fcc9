noinst_LIBRARIES += %reldir%/libconfig.a
%canon_reldir%_libconfig_a_SOURCES = \
	%reldir%/model.c %reldir%/model.h \
	%reldir%/schema.c %reldir%/schema.h \
	%reldir%/validate.c %reldir%/validate.h \
	%reldir%/yaml-tree.c %reldir%/yaml-tree.h
%canon_reldir%_libconfig_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
