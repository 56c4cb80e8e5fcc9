noinst_LIBRARIES += %reldir%/libapply.a
%canon_reldir%_libapply_a_SOURCES = \
	%reldir%/placeholder.c
# systemd.c is the one libsystemd user (dlopen()ed: headers only here).
%canon_reldir%_libapply_a_SOURCES += \
	%reldir%/systemd.c %reldir%/systemd.h
%canon_reldir%_libapply_a_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS) $(JSONC_CFLAGS)
%canon_reldir%_libapply_a_SOURCES += \
	%reldir%/discovery.c %reldir%/discovery.h
