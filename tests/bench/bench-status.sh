#!/bin/bash
# make bench: `nodeinit status` and `nodeinit analyze` read the result of a
# finished run (data/examples/realistic.yml applied under --root). Goal:
# each answers in under 2x the empty-program floor measured in the same
# run. On a shared machine the load drifts while a row is measured: every
# figure (the floor's too) is the lowest median of BENCH_ROUNDS rounds
# taken in turn. Prints figures only; never fails on them.
set -eu
: "${NODEINIT:?NODEINIT must point at the nodeinit binary}"
: "${top_srcdir:?}"
top_builddir=${top_builddir:-$(dirname "$NODEINIT")}
B=$top_builddir/tests/bench
RUNS=${BENCH_RUNS:-300}
ROUNDS=${BENCH_ROUNDS:-3}

work=$(mktemp -d /tmp/nit-bench-status.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc"
printf 'root:x:0:0:root:/root:/bin/sh\ncore:x:500:500::/home/core:/bin/sh\n' > "$work/root/etc/passwd"
printf 'root:x:0:\ncore:x:500:\n' > "$work/root/etc/group"
"$NODEINIT" apply --root "$work/root" "file:$top_srcdir/data/examples/realistic.yml" > /dev/null 2>&1 || true
steps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$work/root/run/nodeinit/result.json")

names=("floor (empty C program)" "status ($steps steps)" "status --format=json" "status --wait (finished run)"
        "analyze" "analyze --format=json")
cmds=("$B/empty"
        "$NODEINIT status --root $work/root"
        "$NODEINIT status --format=json --root $work/root"
        "$NODEINIT status --wait --root $work/root"
        "$NODEINIT analyze --root $work/root"
        "$NODEINIT analyze --format=json --root $work/root")
best=()
for ((r = 0; r < ROUNDS; r++)); do
        for i in "${!cmds[@]}"; do
                # shellcheck disable=SC2086  # the command's words
                read -r med _ < <("$B/bench-exec" "$RUNS" ${cmds[$i]})
                best[i]=$(awk -v a="$med" -v b="${best[i]:-}" 'BEGIN { print (b == "" || a < b) ? a : b }')
        done
done
printf 'status: %-32s median %6.3f ms (lowest of %d rounds of %d runs)\n' "${names[0]}" "${best[0]}" "$ROUNDS" "$RUNS"
for ((i = 1; i < ${#cmds[@]}; i++)); do
        printf 'status: %-32s median %6.3f ms  = %.2fx floor  goal < 2x\n' "${names[i]}" "${best[i]}" \
                "$(awk -v a="${best[i]}" -v b="${best[0]}" 'BEGIN { print a / b }')"
done
