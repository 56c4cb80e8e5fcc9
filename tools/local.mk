# The schema's words and its JSON Schema writer, shared by `nodeinit schema`
# and the generator below; the dlopen notes that declare the libraries
# nodeinit loads at run time.
schema_doc_sources = \
	src/config/schema-doc.c src/config/schema-doc.h \
	src/config/schema-json.c src/config/schema-json.h
nodeinit_SOURCES += \
	src/cli/verb-schema.c \
	src/cli/dlopen-notes.c src/basic/dlopen-note.h \
	$(schema_doc_sources)

# tools/gen-schema-doc writes nodeinit-cloud-config(5) and the JSON Schema
# from the schema table, so neither can miss a key the parser knows.
noinst_PROGRAMS += tools/gen-schema-doc
tools_gen_schema_doc_SOURCES = tools/gen-schema-doc.c $(schema_doc_sources)
tools_gen_schema_doc_LDADD = src/config/libconfig.a src/basic/libbasic.a $(DEPS_LIBS)

schema_generated = data/man/nodeinit-cloud-config.5 data/cloud-config.schema.json
man_MANS = data/man/nodeinit-cloud-config.5
# For editors (yaml-language-server) and other validators; `nodeinit schema`
# prints the same.
nodist_pkgdata_DATA = data/cloud-config.schema.json
CLEANFILES += $(schema_generated)

if CROSS_COMPILING
# The generator cannot run here: the release tarball carries its output.
data/man/nodeinit-cloud-config.5: $(srcdir)/data/generated/nodeinit-cloud-config.5
	$(AM_V_GEN)$(MKDIR_P) $(@D) && cp $(srcdir)/data/generated/nodeinit-cloud-config.5 $@
data/cloud-config.schema.json: $(srcdir)/data/generated/cloud-config.schema.json
	$(AM_V_GEN)$(MKDIR_P) $(@D) && cp $(srcdir)/data/generated/cloud-config.schema.json $@
else
data/man/nodeinit-cloud-config.5: tools/gen-schema-doc$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && tools/gen-schema-doc$(EXEEXT) --man > $@.tmp && mv $@.tmp $@
data/cloud-config.schema.json: tools/gen-schema-doc$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && tools/gen-schema-doc$(EXEEXT) --json > $@.tmp && mv $@.tmp $@
endif

# Ship the generated files for cross builds (see above).
dist-hook: dist-schema-generated
dist-schema-generated: $(schema_generated)
	$(AM_V_at)$(MKDIR_P) $(distdir)/data/generated && cp $(schema_generated) $(distdir)/data/generated/
.PHONY: dist-schema-generated
