noinst_LIBRARIES += %reldir%/libreport.a
%canon_reldir%_libreport_a_SOURCES = \
	%reldir%/validate.c %reldir%/validate.h
%canon_reldir%_libreport_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
%canon_reldir%_libreport_a_SOURCES += %reldir%/metadata.c %reldir%/metadata.h
%canon_reldir%_libreport_a_SOURCES += %reldir%/plan.c %reldir%/plan.h %reldir%/diff.c
%canon_reldir%_libreport_a_SOURCES += %reldir%/run-result.c %reldir%/run-result.h
%canon_reldir%_libreport_a_SOURCES += %reldir%/discovery.c %reldir%/discovery.h
