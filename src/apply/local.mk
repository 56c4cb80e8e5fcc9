noinst_LIBRARIES += %reldir%/libapply.a
%canon_reldir%_libapply_a_SOURCES = \
	%reldir%/fs.c %reldir%/fs.h \
	%reldir%/accounts.c %reldir%/accounts.h \
	%reldir%/apply.c %reldir%/apply.h
# systemd-*.c are the one libsystemd user (dlopen()ed: headers only here).
%canon_reldir%_libapply_a_SOURCES += \
	%reldir%/systemd.h %reldir%/systemd-internal.h \
	%reldir%/systemd-dl.c %reldir%/systemd-bus.c %reldir%/systemd-job.c \
	%reldir%/systemd-units.c %reldir%/systemd-script.c %reldir%/systemd-result.c
%canon_reldir%_libapply_a_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS) $(JSONC_CFLAGS) $(YAML_CFLAGS)
%canon_reldir%_libapply_a_SOURCES += \
	%reldir%/discovery.c %reldir%/discovery.h
%canon_reldir%_libapply_a_SOURCES += %reldir%/systemd-hooks.c %reldir%/systemd-hooks.h
%canon_reldir%_libapply_a_SOURCES += %reldir%/host.c %reldir%/host.h
