# `make bench`: figures, never assertions (speed goals are read, not tested).
noinst_PROGRAMS += tests/bench/bench-exec tests/bench/empty
tests_bench_bench_exec_SOURCES = tests/bench/bench-exec.c
tests_bench_empty_SOURCES = tests/bench/empty.c
tests_bench_empty_CFLAGS = -O2
tests_bench_empty_LDFLAGS =
EXTRA_DIST += tests/bench

bench: all
	$(AM_V_at)export NODEINIT=$(abs_top_builddir)/nodeinit top_srcdir=$(abs_top_srcdir) \
		top_builddir=$(abs_top_builddir); bash $(abs_top_srcdir)/tests/bench/run-all.sh
.PHONY: bench
