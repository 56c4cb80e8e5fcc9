# Shared network plumbing: the one libcurl user (dlopen()ed: headers only
# here) and the deadline/backoff logic. Both the source stage (datasources)
# and the apply stage (etcd discovery) use it, so it sits below both.
noinst_LIBRARIES += %reldir%/libnet.a
%canon_reldir%_libnet_a_SOURCES = \
	%reldir%/http.c %reldir%/http.h \
	%reldir%/retry.c %reldir%/retry.h
%canon_reldir%_libnet_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
