#!/bin/bash
# Runs every tests/bench/bench-*.sh; each prints its own figures.
set -u
rc=0
for b in "$top_srcdir"/tests/bench/bench-*.sh; do
        echo "== $(basename "$b" .sh)"
        bash "$b" || { echo "!! $(basename "$b") failed"; rc=1; }
done
exit $rc
