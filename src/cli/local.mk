bin_PROGRAMS += nodeinit
nodeinit_SOURCES = \
	%reldir%/main.c \
	%reldir%/verbs.h \
	%reldir%/verb-validate.c \
	%reldir%/verb-apply.c
nodeinit_SOURCES += %reldir%/verb-metadata.c %reldir%/verb-metadata.h %reldir%/source-args.c %reldir%/source-args.h
nodeinit_LDADD = \
	src/report/libreport.a \
	src/apply/libapply.a \
	src/plan/libplan.a \
	src/config/libconfig.a \
	src/userdata/libuserdata.a \
	src/source/libsource.a \
	src/net/libnet.a \
	src/basic/libbasic.a \
	$(DEPS_LIBS)
nodeinit_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(JSONC_CFLAGS)

# coreos-cloudinit's name, for boot hooks and scripts that call it.
install-exec-hook:
	cd $(DESTDIR)$(bindir) && rm -f coreos-cloudinit && $(LN_S) nodeinit coreos-cloudinit
uninstall-hook:
	rm -f $(DESTDIR)$(bindir)/coreos-cloudinit
nodeinit_SOURCES += %reldir%/verb-discovery.c
nodeinit_SOURCES += %reldir%/inputs.c %reldir%/inputs.h
nodeinit_SOURCES += %reldir%/verb-status.c %reldir%/verb-status.h %reldir%/verb-analyze.c %reldir%/run-record.c %reldir%/run-record.h
