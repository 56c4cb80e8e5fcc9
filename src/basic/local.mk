noinst_LIBRARIES += %reldir%/libbasic.a
%canon_reldir%_libbasic_a_SOURCES = \
	%reldir%/arena.c %reldir%/arena.h \
	%reldir%/base64.c %reldir%/base64.h \
	%reldir%/buf.c %reldir%/buf.h \
	%reldir%/compress.c %reldir%/compress.h \
	%reldir%/fileio.c %reldir%/fileio.h \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/macro.h \
	%reldir%/strv.c %reldir%/strv.h \
	%reldir%/time-util.c %reldir%/time-util.h \
	%reldir%/utf8.c %reldir%/utf8.h
%canon_reldir%_libbasic_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
%canon_reldir%_libbasic_a_SOURCES += %reldir%/passwd.c %reldir%/passwd.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/sha1.c %reldir%/sha1.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/diag.c %reldir%/diag.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/escape.c %reldir%/escape.h %reldir%/json-writer.c %reldir%/json-writer.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/strformat.c %reldir%/strformat.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/json-util.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/log-journal.c %reldir%/log-journal.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/deadline.c %reldir%/deadline.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/path-util.c %reldir%/path-util.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/user-name.c %reldir%/user-name.h %reldir%/ssh-key.c %reldir%/ssh-key.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/site-config.c %reldir%/site-config.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/run-span.c %reldir%/run-span.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/coreos-env.h
%canon_reldir%_libbasic_a_SOURCES += %reldir%/content-encoding.c %reldir%/content-encoding.h
