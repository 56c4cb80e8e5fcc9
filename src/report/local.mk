noinst_LIBRARIES += %reldir%/libreport.a
%canon_reldir%_libreport_a_SOURCES = \
	%reldir%/diag.c %reldir%/diag.h
