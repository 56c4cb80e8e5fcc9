#!/bin/bash
# make bench: the memory a report costs. nodeinit validate on a 2 MB
# cloud-config of 200,000 unknown keys (one warning each), as text and as
# JSON: peak RSS of the whole process (issue 9's goal: JSON no more than
# text; both a small multiple of the input) and the median wall time.
set -eu
B=$top_builddir/tests/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/200k.yml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("#cloud-config\n")
    f.writelines(f"k{i}: 1\n" for i in range(200000))
PY
size=$(wc -c < "$work/200k.yml")

read -r text_ms _ text_rss < <("$B/bench-exec" 3 "$NODEINIT" validate "$work/200k.yml")
read -r json_ms _ json_rss < <("$B/bench-exec" 3 "$NODEINIT" validate --format=json "$work/200k.yml")
printf 'report: 200,000 warnings (%d bytes)  text: peak RSS %6d KB  median %7.1f ms  (%.0fx input)\n' \
        "$size" "$text_rss" "$text_ms" "$(awk -v a="$text_rss" -v b="$size" 'BEGIN{print a*1024/b}')"
printf 'report: 200,000 warnings (%d bytes)  json: peak RSS %6d KB  median %7.1f ms  = %.2fx text\n' \
        "$size" "$json_rss" "$json_ms" "$(awk -v a="$json_rss" -v b="$text_rss" 'BEGIN{print a/b}')"
echo "report: goal JSON <= text (was 287 MB against 68 MB before streaming)"
