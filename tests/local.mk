AM_TESTS_ENVIRONMENT = \
	export NODEINIT=$(abs_top_builddir)/nodeinit; \
	export top_srcdir=$(abs_top_srcdir); \
	export top_builddir=$(abs_top_builddir);
