#!/bin/bash
# make bench: what logging to the journal adds to a run (goal <= 1 ms). In
# an nspawn node with its own journald (tests/lib/nspawn.sh), the same
# `nodeinit apply` (a cloud-config with a skipped item, warnings and a
# dozen steps, so every kind of entry is sent) runs as a service twice over:
# stdout/stderr to the journal ($JOURNAL_STREAM set: native entries) and to
# /dev/null (plain stderr). The figure is the run's own time as nodeinit
# records it (result.json end - start), median of the runs, alternating.
# Needs root and systemd-nspawn; says so and prints nothing else otherwise.
set -u
: "${NODEINIT:?}" "${top_srcdir:?}"
top_builddir=${top_builddir:-$(dirname "$NODEINIT")}
RUNS=${BENCH_JOURNAL_RUNS:-40}
. "$top_srcdir/tests/lib/nspawn.sh"
if [[ $(id -u) -ne 0 ]] || ! command -v systemd-nspawn > /dev/null; then
        echo "journal: not measured (needs root and systemd-nspawn)"
        exit 0
fi

work=$(mktemp -d /tmp/nit-bench-journal.XXXXXX)
cleanup() {
        nspawn_stop "$work/node"
        rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/in"
cat > "$work/in/ud.yml" <<'YML'
#cloud-config
hostname: bench
unknown_key_one: 1
unknown_key_two: 2
write_files:
  - path: /etc/a.conf
    content: "a\n"
  - path: /etc/b.conf
    permissions: "0xyz"
    content: "b\n"
  - path: /etc/c.conf
    content: "c\n"
coreos:
  units:
    - name: one.service
      command: start
      content: "[Service]\nExecStart=/bin/true\n"
    - name: two.service
      command: restart
      content: "[Service]\nExecStart=/bin/true\n"
YML
cat > "$work/in/run.sh" <<'SH'
# inside the node: N alternating runs, prints "journal|plain usec" lines
n=$1
mkdir -p /tmp/r/etc
printf 'root:x:0:0:root:/root:/bin/sh\ncore:x:500:500::/home/core:/bin/sh\n' > /tmp/r/etc/passwd
printf 'root:x:0:\ncore:x:500:\n' > /tmp/r/etc/group
one() {
        systemd-run --wait --quiet --collect -p StandardOutput="$2" -p StandardError="$2" \
                /opt/nodeinit/nodeinit apply --root /tmp/r file:/opt/bench/ud.yml > /dev/null 2>&1
        python3 -c 'import json; j = json.load(open("/tmp/r/run/nodeinit/result.json")); print("'"$1"'", j["end_usec"] - j["start_usec"])'
}
one warmup journal > /dev/null
one warmup null > /dev/null
for i in $(seq "$n"); do
        one journal journal
        one plain null
done
SH
nspawn_launch "$work/node" "nit-bench-journal-$$" --private-network \
        --bind-ro "$top_builddir:/opt/nodeinit" --bind-ro "$work/in:/opt/bench" || exit 1
nspawn_wait "$work/node" 300 > /dev/null || { echo "journal: the node did not boot"; exit 1; }
nspawn_exec "$work/node" bash /opt/bench/run.sh "$RUNS" > "$work/times" || { echo "journal: runs failed"; exit 1; }
entries=$(nspawn_exec "$work/node" journalctl -q -o cat SYSLOG_IDENTIFIER=nodeinit _TRANSPORT=journal | wc -l)
python3 - "$work/times" "$RUNS" "$entries" <<'PY'
import statistics as st, sys
t = {"journal": [], "plain": []}
for line in open(sys.argv[1]):
    k, v = line.split()
    t[k].append(int(v))
j, p = st.median(t["journal"]), st.median(t["plain"])
per = int(sys.argv[3]) / (len(t["journal"]) + 1)
print("journal: run time, stderr = journal (native entries)  median %7.3f ms  (%d runs, %.0f entries each)" % (j / 1000, len(t["journal"]), per))
print("journal: run time, stderr = /dev/null (plain lines)    median %7.3f ms" % (p / 1000))
print("journal: added by the journal %+.3f ms  goal <= 1 ms" % ((j - p) / 1000))
PY
