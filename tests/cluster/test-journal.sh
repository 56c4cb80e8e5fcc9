#!/bin/bash
# Issue 11: the journal and `status --wait` on a booting node. One simulated
# EC2 node (cluster-lib.sh: netns + IMDS simulator, nspawn with a real
# journald) boots the shipped nodeinit-ec2.service running the real
# nodeinit. Its user-data holds an item with an error, a unit whose start
# fails, and content that must never reach the journal. Checks:
#   - journalctl -u nodeinit-ec2.service MESSAGE_ID=<run finished> -o json
#     finds the run with its result (NODEINIT_RESULT=error, PRIORITY=3);
#   - the failed unit is found by NODEINIT_UNIT (step failed), the skipped
#     item by NODEINIT_ITEM, the validator entry by NODEINIT_FILE/LINE/COLUMN;
#   - no user-data content or key material in any entry;
#   - `status --wait`, started by a unit before the hook runs, returns the
#     hook's final result; on the booted node it answers at once, and with
#     no result it says "not run" at once (no hook is coming), never hangs.
# Needs root, systemd-nspawn, etcd (cluster-lib); skips (77) otherwise.
set -u
# shellcheck source=tests/cluster/cluster-lib.sh
. "$(dirname "$0")/cluster-lib.sh"
. "$(dirname "$0")/../lib/assert.sh"

nit_require_root
nit_require_cmds systemd-nspawn etcd curl ip nsenter unshare journalctl
[[ -d /sys/fs/cgroup ]] || nit_skip "no cgroup fs"
[[ -x $CLUSTER_BUILDDIR/nodeinit ]] || { nit_err "build $CLUSTER_BUILDDIR/nodeinit first"; exit 99; }

MSG_RUN_STARTED=e8b22fd54ccb4743a0f7334870d3540a
MSG_RUN_FINISHED=d21bbe4f7f8f4640b9f9f5a508346083
MSG_STEP_FAILED=a033afe950024c448fda6758ea252047
MSG_ITEM_SKIPPED=22ec5a8c6c7b49cbb40c634f4d39a6ee
MSG_VALIDATOR=98c45c6de6b148b5bbbef72fe59b090a

CLUSTER_NODES=1
NODE_PROVISION='/opt/nodeinit/nodeinit --from-ec2-metadata=http://169.254.169.254/'
UD=$(mktemp) || exit 99
WORK=$(mktemp -d) || exit 99
cat > "$UD" <<'EOF'
#cloud-config
write_files:
  - path: /etc/nit-secret.conf
    content: "SECRET-CONTENT-4711\n"
  - path: /etc/nit-bad.conf
    permissions: "0xyz"
    content: "x\n"
ssh_authorized_keys:
  - "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISECRETKEYMATERIAL0000000000000000000000 t@x"
coreos:
  units:
    - name: nit-broken.service
      command: start
      content: |
        [Service]
        Type=oneshot
        ExecStart=/bin/false
EOF
CLUSTER_USERDATA=$UD

# Waits for the boot run from before the hook starts (Type=exec: its start
# job is done once it runs, so Before= does not make the hook wait for it).
cat > "$WORK/nit-waiter.service" <<'EOF'
[Unit]
Before=nodeinit-ec2.service
[Service]
Type=exec
RemainAfterExit=yes
ExecStart=/bin/sh -c '/opt/nodeinit/nodeinit status --wait > /run/nit-waiter.out 2>&1; echo "rc=$?" >> /run/nit-waiter.out'
EOF

cleanup() {
        rm -rf "$UD" "$WORK"
}
trap 'rc=$?; cleanup; (exit $rc); _cluster_on_exit' EXIT
trap 'exit 130' INT TERM

cluster_up || exit 1
d=$(cluster_node_dir 1)
mkdir -p "$d"
nspawn_launch "$d" "$(netns_node 1)" --netns "$(netns_node 1)" \
        --bind-ro "$CLUSTER_BUILDDIR:/opt/nodeinit" \
        --unit "$CLUSTER_DIR/units/$CLUSTER_HOOK_NAME" --unit "$WORK/nit-waiter.service" \
        --wants "$CLUSTER_HOOK_NAME" --wants nit-waiter.service || exit 1
nspawn_wait "$d" 600 > /dev/null || { fail "node did not boot"; finish; exit; }

node() { cluster_node_exec 1 "$@"; }
# journald may still be writing what the hook sent: wait for the state
has_entry() { [[ -n $(node journalctl -q -o cat "$@" 2>/dev/null) ]]; }
nit_retry 60000 0.1 has_entry -u "$CLUSTER_HOOK_NAME" MESSAGE_ID=$MSG_RUN_FINISHED ||
        fail "no run-finished entry"

fin=$(node journalctl -u "$CLUSTER_HOOK_NAME" MESSAGE_ID=$MSG_RUN_FINISHED -o json)
$(nit_python) - "$fin" > "$WORK/fin" <<'EOF'
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
assert len(lines) == 1, lines
e = lines[0]
print(e["NODEINIT_RESULT"], e["PRIORITY"], e["NODEINIT_DATASOURCE"], e["SYSLOG_IDENTIFIER"], e["_SYSTEMD_UNIT"],
      int(e["NODEINIT_FAILED"]) >= 1)
EOF
assert_eq "$(cat "$WORK/fin")" "error 3 ec2 nodeinit nodeinit-ec2.service True" "run finished entry"
has_entry -u "$CLUSTER_HOOK_NAME" MESSAGE_ID=$MSG_RUN_STARTED; check "run started entry" test $? -eq 0

sf=$(node journalctl MESSAGE_ID=$MSG_STEP_FAILED NODEINIT_UNIT=nit-broken.service -o json)
assert_eq "$($(nit_python) -c '
import json, sys
e = json.loads(sys.stdin.readline())
print(e["NODEINIT_STEP"], e["NODEINIT_ACTION"], e["PRIORITY"], e["_SYSTEMD_UNIT"])' <<< "$sf")" \
        "unit start 3 nodeinit-ec2.service" "failed unit found by NODEINIT_UNIT"

sk=$(node journalctl -u "$CLUSTER_HOOK_NAME" MESSAGE_ID=$MSG_ITEM_SKIPPED -o json)
assert_eq "$($(nit_python) -c '
import json, sys
e = json.loads(sys.stdin.readline())
print(e["NODEINIT_ITEM"], e["NODEINIT_LINE"], e["NODEINIT_COLUMN"], e["PRIORITY"])' <<< "$sk")" \
        "write_files[1] (/etc/nit-bad.conf) 6 18 4" "skipped item entry"

va=$(node journalctl -u "$CLUSTER_HOOK_NAME" MESSAGE_ID=$MSG_VALIDATOR NODEINIT_LINE=6 -o json)
assert_eq "$($(nit_python) -c '
import json, sys
e = json.loads(sys.stdin.readline())
print(e["NODEINIT_FILE"], e["NODEINIT_COLUMN"], e["PRIORITY"], e["MESSAGE"])' <<< "$va")" \
        "http://169.254.169.254/ 18 3 http://169.254.169.254/:6:18: error: invalid value 0xyz" \
        "validator entry"

all=$(node journalctl -u "$CLUSTER_HOOK_NAME" -o export)
assert_not_contains "$all" SECRET-CONTENT-4711
assert_not_contains "$all" SECRETKEYMATERIAL
# every structured entry is the hook's own, not a line of its stderr stream
assert_eq "$(node journalctl -u "$CLUSTER_HOOK_NAME" _TRANSPORT=stdout -o cat | grep -c 'Run finished')" 0 \
        "events are native entries"

# status --wait from a unit that started before the hook
nit_retry 60000 0.1 node grep -q '^rc=' /run/nit-waiter.out || fail "the waiter never returned"
w=$(node cat /run/nit-waiter.out)
assert_contains "$w" "status: error"
assert_contains "$w" "rc=1"
assert_contains "$w" "failed: unit nit-broken.service start"

# on the booted node: at once, the same answer
out=$(node timeout 120 /opt/nodeinit/nodeinit status --wait); rc=$?
assert_eq "$rc" 1 "status --wait after boot"
assert_contains "$out" "unit: nodeinit-ec2.service"
out=$(node /opt/nodeinit/nodeinit analyze); rc=$?
assert_eq "$rc" 0 "analyze on the node"
assert_matches "$out" 'datasource http://169.254.169.254/ ec2'
assert_matches "$out" 'failed +unit nit-broken.service start'
# no result and no hook job: "not run" at once, not a hang (the bound is
# for failures only)
node rm -f /run/nodeinit/result.json
out=$(node timeout 120 /opt/nodeinit/nodeinit status --wait); rc=$?
assert_eq "$rc" 2 "status --wait with no hook coming"
assert_eq "$out" "status: not run" "status --wait with no hook coming: output"

finish
