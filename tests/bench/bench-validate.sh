#!/bin/bash
# make bench: nodeinit validate on a realistic 3.5 KB config and on
# generated ones of 0.15, 1.1 and 4.4 MB, beside the floor (an empty C
# program's exec) measured in the same run. Figures: median and p90 wall
# time of the whole process, and its peak RSS.
set -eu
B=$top_builddir/tests/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$top_srcdir/tests/bench/gen-config.py" 272 > "$work/0.15MB.yml"
python3 "$top_srcdir/tests/bench/gen-config.py" 2000 > "$work/1.1MB.yml"
python3 "$top_srcdir/tests/bench/gen-config.py" 8000 > "$work/4.4MB.yml"

read -r floor floor90 floor_rss < <("$B/bench-exec" 500 "$B/empty")
read -r small small90 small_rss < <("$B/bench-exec" 500 "$NODEINIT" validate "$top_srcdir/data/examples/realistic.yml")
printf 'validate: floor (empty C program)   median %6.3f ms  p90 %6.3f ms  peak RSS %5d KB\n' "$floor" "$floor90" "$floor_rss"
printf 'validate: realistic %5s bytes    median %6.3f ms  p90 %6.3f ms  peak RSS %5d KB  = %.2fx floor (goal <= 1.3x, <= 2048 KB)\n' \
        "$(wc -c < "$top_srcdir/data/examples/realistic.yml")" "$small" "$small90" "$small_rss" "$(awk -v a="$small" -v b="$floor" 'BEGIN{print a/b}')"
for f in 0.15MB 1.1MB 4.4MB; do
        size=$(wc -c < "$work/$f.yml")
        read -r med p90 rss < <("$B/bench-exec" 15 "$NODEINIT" validate "$work/$f.yml")
        printf 'validate: generated %8s bytes median %7.2f ms  p90 %7.2f ms  peak RSS %6d KB  (%.1f ms/MB)\n' \
                "$size" "$med" "$p90" "$rss" "$(awk -v a="$med" -v b="$size" 'BEGIN{print a*1048576/b}')"
done
echo "validate: goal for 1.1 MB <= 30 ms; cost per MB should stay flat (linear)"
