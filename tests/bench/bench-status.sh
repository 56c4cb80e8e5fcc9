#!/bin/bash
# make bench: `nodeinit status` and `nodeinit analyze` read the result of a
# finished run (data/examples/realistic.yml applied under --root). Goal:
# each answers in under 2x the empty-program floor measured in the same
# run. Prints figures only; never fails on them.
set -eu
: "${NODEINIT:?NODEINIT must point at the nodeinit binary}"
: "${top_srcdir:?}"
top_builddir=${top_builddir:-$(dirname "$NODEINIT")}
B=$top_builddir/tests/bench
RUNS=${BENCH_RUNS:-300}

work=$(mktemp -d /tmp/nit-bench-status.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc"
printf 'root:x:0:0:root:/root:/bin/sh\ncore:x:500:500::/home/core:/bin/sh\n' > "$work/root/etc/passwd"
printf 'root:x:0:\ncore:x:500:\n' > "$work/root/etc/group"
"$NODEINIT" apply --root "$work/root" "file:$top_srcdir/data/examples/realistic.yml" > /dev/null 2>&1 || true
steps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$work/root/run/nodeinit/result.json")

read -r fmed f90 _ < <("$B/bench-exec" "$RUNS" "$B/empty")
printf 'status: floor (empty C program)                  median %6.3f ms  p90 %6.3f ms\n' "$fmed" "$f90"
row() {
        local what=$1 med p90
        shift
        read -r med p90 _ < <("$B/bench-exec" "$RUNS" "$@")
        printf 'status: %-40s median %6.3f ms  p90 %6.3f ms  = %.2fx floor  goal < 2x\n' "$what" "$med" "$p90" \
                "$(awk -v a="$med" -v b="$fmed" 'BEGIN{print a/b}')"
}
row "status ($steps steps)" "$NODEINIT" status --root "$work/root"
row "status --format=json" "$NODEINIT" status --format=json --root "$work/root"
row "status --wait (finished run)" "$NODEINIT" status --wait --root "$work/root"
row "analyze" "$NODEINIT" analyze --root "$work/root"
row "analyze --format=json" "$NODEINIT" analyze --format=json --root "$work/root"
