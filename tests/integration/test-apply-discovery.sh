#!/bin/bash
# `nodeinit apply` with discovery, against a real `systemd --user` manager
# (tests/lib/usermgr.sh) and a real etcd v2 discovery service
# (tests/lib/etcd.sh), all on 127.0.0.0/8:
# - discovery runs before the units start: the etcd2 check does not see the
#   member a unit registers (it would report itself "self-registered"), and
#   an etcd 0.4 node is registered before its units look for it;
# - discovery runs on the live node whatever --systemd says, and never with
#   --root (planned, reported skipped); dry-run shows it;
# - --run-timeout bounds the unit job waits of the whole run.
# The runs are on the live node (no --root) but write only into the user
# manager's unit directories under the scratch dir: the dry run checks that
# before anything is applied.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/usermgr.sh"
. "$top_srcdir/tests/lib/etcd.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_root "a private systemd --user manager needs its own cgroup and mount namespace"
nit_require_cmds unshare setsid systemctl etcd curl python3
[[ -x $USERMGR_SYSTEMD ]] || nit_skip "no $USERMGR_SYSTEMD"
NODEINIT=${NODEINIT:-$top_builddir/nodeinit}
[[ -x $NODEINIT ]] || { nit_err "no $NODEINIT"; exit 99; }

PORT=$((24800 + ($$ % 100) * 2))  # discovery etcd: client $PORT, peer $PORT+1
S=$(nit_scratch_new) || exit 99
# a live run records its result in /run/nodeinit: nsrun hides the host's
# behind a tmpfs, on a mount point made here only if the host had none
[[ -d /run/nodeinit ]] && made_run_dir= || made_run_dir=1
cleanup() {
        usermgr_stop "$S/um"
        etcd_disc_stop "$S/disc"
        [[ -n $made_run_dir ]] && rmdir /run/nodeinit 2>/dev/null
        rm -rf "$S"
}
trap cleanup EXIT

etcd_disc_start "$S/disc" --port $PORT || exit 99
usermgr_start "$S/um" > /dev/null || exit 99
eval "$(usermgr_env "$S/um")"
OUT=$S/units-out
mkdir -p "$OUT"

out_has() { grep -qE -- "$1" "$S/out"; }
json_get() { "$(nit_python)" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# apply ARGS... : nodeinit apply as the user manager's boot hook would run
# it, output in $S/out, exit status in $RC. Always in a private mount
# namespace whose /run/systemd, /run/nodeinit and /etc/systemd/system are empty tmpfs
# (--systemd=none writes system drop-ins), and a live run (no --dry-run,
# no --root) only after its dry run showed files under $S or those
# directories alone, no hostname and no user.
nsrun() {
        unshare -m --propagation private -- sh -c \
                'mkdir -p /run/nodeinit && mount -t tmpfs tmpfs /run/nodeinit && mount -t tmpfs tmpfs /run/systemd &&
                 mount -t tmpfs tmpfs /etc/systemd/system && exec "$@"' \
                sh "$@"
}
apply_raw() {
        nsrun env -i PATH="$PATH" HOME="$USERMGR_HOME" XDG_RUNTIME_DIR="$USERMGR_XDG_RUNTIME_DIR" \
                XDG_CONFIG_HOME="$USERMGR_XDG_CONFIG_HOME" NODEINIT_SYSTEMD_ADDRESS="$USERMGR_ADDRESS" \
                "$NODEINIT" apply --workspace "$S/ws" "$@" > "$S/out" 2> "$S/err"
        RC=$?
}
plan_is_confined() {
        "$(nit_python)" - "$S/out" "$S/" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["plan"]
ok = ("/run/systemd/", "/etc/systemd/system/", sys.argv[2])
sys.exit(d.get("hostname") or d.get("users") or d.get("scripts") or
         any(not f["path"].startswith(ok) for f in d["files"]))
PY
}
apply() {
        local a live=1
        for a in "$@"; do
                [[ $a == --dry-run || $a == --root* ]] && live=0
        done
        if (( live )); then
                apply_raw --dry-run --format=json "$@"
                if ! plan_is_confined; then
                        cat "$S/out" >&2
                        nit_err "the plan of 'apply $*' would touch the host; stopping"
                        exit 1
                fi
        fi
        apply_raw "$@"
        sed 's/^/    # /' "$S/out" "$S/err"
}

PEER=http://127.0.0.31:2380
TOK=$(etcd_token_new "$S/disc" 1) || exit 99
ID=$("$NODEINIT" discovery check --name m1 --peer-urls "$PEER" "$TOK" | sed -n 's/^member-id: //p')
[[ -n $ID ]] || { nit_err "no member id"; exit 99; }
T04=$ETCD_DISC_URL/v2/keys/disc04/$(tr -d - < /proc/sys/kernel/random/uuid)

# A stand-in for etcd2: registers this member the way etcd does when it
# starts. And an etcd 0.4 peer that looks for this node's registration.
cat > "$S/ud.yml" <<EOF
#cloud-config
coreos:
  etcd2:
    name: m1
    discovery: $TOK
    initial-advertise-peer-urls: $PEER
  etcd:
    name: n1
    discovery: $T04
    peer-addr: 10.0.0.1:7001
  units:
    - name: nit-etcd2.service
      command: start
      content: |
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/bin/curl -sS -m 30 -o /dev/null -X PUT $TOK/$ID?prevExist=false -d value=m1=$PEER
    - name: nit-peer.service
      command: start
      content: |
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c '/usr/bin/curl -sS -m 30 $T04/n1 > $OUT/peer-saw'
EOF

# --- dry run: the plan, with both discovery actions
apply --dry-run --systemd=user "$S/ud.yml"
check "dry-run shows the etcd2 check" out_has "^discovery etcd2: check $TOK for m1"
check "dry-run shows the etcd 0.4 registration" out_has "^discovery etcd: register n1=http://10.0.0.1:7001 at $T04"
check "dry-run registered nothing" test "$(curl -sS -m 30 "$T04/n1" | json_get 'd.get("errorCode")')" = 100

# --- the run: discovery before the units
apply --systemd=user "$S/ud.yml"
check "apply: exit 0" test "$RC" -eq 0
check "etcd2 check saw the token before the member registered: open" \
        out_has "^done +discovery $TOK: etcd2 — open: 0 of 1 members registered; this node will join as member $ID"
check "the stand-in registered afterwards" \
        test "$(curl -sS -m 30 "$TOK/$ID" | json_get 'd["node"]["value"]')" = "m1=$PEER"
# the value etcd 0.4 registers itself: its peer address as a URL
check "etcd 0.4: registered" out_has "^done +discovery $T04: etcd — registered: registered n1=http://10.0.0.1:7001"
check "the peer unit saw the registration (made before it started)" \
        grep -q '"value":"http://10.0.0.1:7001"' "$OUT/peer-saw"

# --- --systemd=none only keeps units from running: discovery still runs
apply --systemd=none --verbose "$S/ud.yml"
check "none: etcd2 check ran (this member is registered now)" \
        out_has "^done +discovery $TOK: etcd2 — self-registered"
check "none: etcd 0.4 registration ran" out_has "^unchanged +discovery $T04: etcd — unchanged"

# --- --root: planned, skipped, no request
mkdir -p "$S/root"
TOKR=$(etcd_token_new "$S/disc" 3) || exit 99
sed "s|$TOK|$TOKR|g; s|$T04|$T04-root|g" "$S/ud.yml" > "$S/ud-root.yml"
apply --root "$S/root" --systemd=none "$S/ud-root.yml"
check "--root: etcd2 check skipped" out_has "^skipped +discovery $TOKR: etcd2 — --root: not touching the network"
check "--root: etcd 0.4 skipped" out_has "^skipped +discovery $T04-root: etcd — --root: not touching the network"
check "--root: nothing registered" test "$(curl -sS -m 30 "$T04-root/n1" | json_get 'd.get("errorCode")')" = 100

# --- --run-timeout: a start job that outlives the run is left queued at the deadline
cat > "$S/slow.yml" <<EOF
#cloud-config
coreos:
  units:
    - name: nit-slow.service
      command: start
      content: |
        [Service]
        Type=oneshot
        ExecStart=/bin/sleep 600
EOF
apply --systemd=user --run-timeout=2 "$S/slow.yml"
check "run deadline: the slow start is left queued" \
        grep -qE "^done +unit nit-slow.service: start — queued: .*run's deadline" "$S/out"
usermgr_systemctl "$S/um" stop nit-slow.service

finish
