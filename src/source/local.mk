noinst_LIBRARIES += %reldir%/libsource.a
%canon_reldir%_libsource_a_SOURCES = \
	%reldir%/cloudsigma.c \
	%reldir%/configdrive.c \
	%reldir%/dmi.c \
	%reldir%/ec2.c \
	%reldir%/file.c \
	%reldir%/gce.c \
	%reldir%/jsonsource.c \
	%reldir%/metadata-json.c \
	%reldir%/metadata.c %reldir%/metadata.h \
	%reldir%/source-internal.h \
	%reldir%/source.c %reldir%/source.h \
	%reldir%/url.c \
	%reldir%/vmware.c \
	%reldir%/waagent.c
%canon_reldir%_libsource_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(EXPAT_CFLAGS)
