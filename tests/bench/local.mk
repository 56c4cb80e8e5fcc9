# `make bench`: figures, never assertions (speed goals are read, not tested).
# The bench programs are built for `make bench` only, not by `make`.
EXTRA_PROGRAMS = tests/bench/bench-exec tests/bench/empty
CLEANFILES += $(EXTRA_PROGRAMS)
tests_bench_bench_exec_SOURCES = tests/bench/bench-exec.c
tests_bench_empty_SOURCES = tests/bench/empty.c
tests_bench_empty_CFLAGS = -O2
tests_bench_empty_LDFLAGS =
# Listed one by one: a whole directory would ship whatever an in-tree build
# left there (objects, the bench binaries, .deps). A new bench-*.sh needs a
# line here to reach the tarball.
EXTRA_DIST += \
	tests/bench/run-all.sh \
	tests/bench/bench-apply.sh \
	tests/bench/bench-cluster.sh \
	tests/bench/bench-metadata.sh \
	tests/bench/bench-validate.sh \
	tests/bench/gen-config.py

bench: all tests/bench/bench-exec$(EXEEXT) tests/bench/empty$(EXEEXT)
	$(AM_V_at)export NODEINIT=$(abs_top_builddir)/nodeinit top_srcdir=$(abs_top_srcdir) \
		top_builddir=$(abs_top_builddir); bash $(abs_top_srcdir)/tests/bench/run-all.sh
.PHONY: bench
EXTRA_DIST += tests/bench/bench-report.sh
EXTRA_DIST += tests/bench/bench-status.sh
EXTRA_DIST += tests/bench/bench-journal.sh
