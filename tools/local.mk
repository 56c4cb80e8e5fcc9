# Build-time generators.
noinst_PROGRAMS += tools/gen-schema-doc
tools_gen_schema_doc_SOURCES = tools/gen-schema-doc.c
tools_gen_schema_doc_LDADD = src/config/libconfig.a src/basic/libbasic.a $(DEPS_LIBS)

man_MANS = data/man/nodeinit-cloud-config.5
CLEANFILES += data/man/nodeinit-cloud-config.5
data/man/nodeinit-cloud-config.5: tools/gen-schema-doc$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) data/man && tools/gen-schema-doc$(EXEEXT) > $@.tmp && mv $@.tmp $@
