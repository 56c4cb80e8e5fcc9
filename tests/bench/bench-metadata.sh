#!/bin/bash
# make bench: `nodeinit metadata` against the IMDS simulator on loopback
# (tokens required, one SSH key). Figures: HTTP requests per run (goal: 1
# token PUT + at most 8 GETs, one connection) and the median wall time of
# the whole process (goal <= 8 ms), beside two floors measured in the same
# run: an empty C program, and `nodeinit metadata file:` (no libcurl).
# Prints figures only; never fails on them.
set -eu
: "${NODEINIT:?NODEINIT must point at the nodeinit binary}"
: "${top_srcdir:?}"
top_builddir=${top_builddir:-$(dirname "$NODEINIT")}
B=$top_builddir/tests/bench
RUNS=${BENCH_RUNS:-300}

work=$(mktemp -d /tmp/nit-bench-md.XXXXXX)
sim_pid=
cleanup() {
        if [ -n "$sim_pid" ]; then
                kill "$sim_pid" 2>/dev/null || true
                wait "$sim_pid" 2>/dev/null || true
        fi
        rm -rf "$work"
}
trap cleanup EXIT

python3 "$top_srcdir/tests/imds/imds-sim.py" --bind 127.0.0.1 --port 0 --port-file "$work/port" \
        --mode v2-required --die-with-parent &
sim_pid=$!
for _ in $(seq 300); do
        [ -s "$work/port" ] && break
        sleep 0.01
done
url=http://127.0.0.1:$(cat "$work/port")/
printf '#cloud-config\nhostname: bench\n' > "$work/ud.yml"

stats() {
        python3 - "$url" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + "__stats", timeout=10))
print(s["puts"], s["gets"], s["connections"], s["requests"])
EOF
}

# Requests of one run, as the simulator saw them and as nodeinit counted them.
read -r p0 g0 c0 r0 < <(stats)
"$NODEINIT" metadata "ec2:$url" > "$work/one.json"
read -r p1 g1 c1 r1 < <(stats)
self=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["requests"]; print(r["total"], r["token"], r["connections"])' "$work/one.json")
# The stats fetch itself is one connection and is not counted as a request.
printf 'metadata: requests per run: %d PUT + %d GET on %d connection(s) (nodeinit counted total/token/conns: %s)  goal: 1 PUT + <= 8 GET\n' \
        $((p1 - p0)) $((g1 - g0)) $((c1 - c0 - 1)) "$self"

measure() {
        # Prints "median_ms p90_ms" for the command.
        if [ -x "$B/bench-exec" ]; then
                "$B/bench-exec" "$RUNS" "$@" | awk '{print $1, $2}'
        elif command -v hyperfine > /dev/null; then
                hyperfine -N -w 10 -r "$RUNS" --export-json "$work/h.json" "$*" > /dev/null 2>&1
                python3 -c 'import json,sys,statistics as st; t=sorted(json.load(open(sys.argv[1]))["results"][0]["times"]); print("%.3f %.3f" % (st.median(t)*1e3, t[int(len(t)*0.9)]*1e3))' "$work/h.json"
        else
                local i t0 t1 ts=()
                for i in $(seq "$RUNS"); do
                        t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
                        ts+=($(( (t1 - t0) / 1000 )))
                done
                printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000}'
        fi
}

if [ -x "$B/empty" ]; then
        read -r fmed f90 < <(measure "$B/empty")
        printf 'metadata: floor (empty C program)           median %6.3f ms  p90 %6.3f ms\n' "$fmed" "$f90"
fi
read -r lmed l90 < <(measure "$NODEINIT" metadata "file:$work/ud.yml")
printf 'metadata: file source (no libcurl)          median %6.3f ms  p90 %6.3f ms\n' "$lmed" "$l90"
read -r p0 g0 c0 r0 < <(stats)
read -r emed e90 < <(measure "$NODEINIT" metadata "ec2:$url")
read -r p1 g1 c1 r1 < <(stats)
printf 'metadata: ec2 IMDSv2 via simulator          median %6.3f ms  p90 %6.3f ms  goal <= 8 ms  (libcurl load + %s requests to a Python server)\n' \
        "$emed" "$e90" "$(awk -v r="$((r1 - r0))" -v n="$((p1 - p0))" 'BEGIN{ if (n) printf "%.1f", r/n; else print "?" }')"

# Where the time goes, from nodeinit's own --debug timings (median of 30 runs):
# loading libcurl vs. waiting for the server's answers.
for _ in $(seq 30); do
        "$NODEINIT" metadata --debug "ec2:$url" 2>&1 > /dev/null | awk '
                /libcurl loaded/ { for (i = 1; i <= NF; i++) if ($i == "ms") load = $(i - 1) }
                /HTTP [0-9]+, .* ms$/ { wait += $(NF - 1) }
                END { printf "%s %s\n", load, wait }'
done | python3 -c '
import statistics as st, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if len(l.split()) == 2]
print("metadata: inside one run (median of %d): libcurl load+init %.3f ms, the 9 HTTP requests %.3f ms (mostly the Python simulator answering)" %
      (len(rows), st.median(r[0] for r in rows), st.median(r[1] for r in rows)))'
