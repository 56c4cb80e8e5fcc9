#!/bin/bash
# Runs one fuzz target for a bounded time: a libFuzzer build fuzzes for
# FUZZ_SECONDS (default 10) starting from the corpus, a plain build replays
# the corpus. Crashes fail the test.
set -eu
target=$1
corpus=$2
bin="$top_builddir/tests/fuzz/$target"
if "$bin" -help=1 2>&1 | grep -q libFuzzer; then
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        cp -r "$corpus"/. "$work"/
        "$bin" -max_total_time="${FUZZ_SECONDS:-10}" -timeout=10 -rss_limit_mb=1024 \
                -artifact_prefix="$top_builddir/tests/fuzz/$target-" "$work"
else
        "$bin" "$corpus"
fi
