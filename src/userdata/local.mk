noinst_LIBRARIES += %reldir%/libuserdata.a
%canon_reldir%_libuserdata_a_SOURCES = \
	%reldir%/classify.c \
	%reldir%/decode.c \
	%reldir%/gzip.c %reldir%/gzip.h \
	%reldir%/mime.c %reldir%/mime.h \
	%reldir%/substitute.c %reldir%/substitute.h \
	%reldir%/userdata.h
%canon_reldir%_libuserdata_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(ZLIB_CFLAGS) $(YAML_CFLAGS)
