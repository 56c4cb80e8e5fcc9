#!/bin/bash
# Proves the ordering of the shipped data/units/nodeinit-ec2.service: a unit
# the hook starts *and waits for* while its own start job runs must not be
# blocked by the hook, even when that unit is ordered after multi-user.target
# (the coreos-cloudinit deadlock, coreos/bugs#723). The control run uses the
# same unit with DefaultDependencies=yes and must hit the deadlock (bounded
# here by `timeout`), which shows the test can tell the difference.
# Needs root and systemd-nspawn; skips (77) otherwise.
set -u
# shellcheck source=tests/lib/nspawn.sh
. "$(dirname "$0")/../lib/nspawn.sh"
nit_require_root
nit_require_cmds systemd-nspawn nsenter
SRC=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}

SCRATCH=$(nit_scratch_new) || exit 1
fail=0
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
        nspawn_stop "$SCRATCH/c-shipped"
        nspawn_stop "$SCRATCH/c-control"
        rm -rf "$SCRATCH"
}
trap cleanup EXIT

mkdir -p "$SCRATCH/units"
# A unit a user-data could well contain: ordered after the boot target.
cat > "$SCRATCH/units/nit-late.service" <<'U'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
U
# The hook starts it the way coreos-cloudinit did: blocking on the job.
hook_cmd="/bin/sh -c 'timeout 5 systemctl start nit-late.service; echo \$? > /run/hook.rc'"

run() {
        local tag=$1 unit=$2 d=$SCRATCH/c-$1 rc
        mkdir -p "$SCRATCH/$tag"
        awk -v cmd="$hook_cmd" '/^ExecStart=/ { print "ExecStart=" cmd; next } { print }' \
                "$unit" > "$SCRATCH/$tag/nodeinit-ec2.service"
        nspawn_start "$d" "nit-$NIT_RUN-$tag" --private-network \
                --unit "$SCRATCH/$tag/nodeinit-ec2.service" --unit "$SCRATCH/units/nit-late.service" \
                --wants nodeinit-ec2.service > /dev/null || return 1
        rc=$(nspawn_exec "$d" cat /run/hook.rc 2>/dev/null)
        nspawn_stop "$d"
        echo "$rc"
}

rc=$(run shipped "$SRC/data/units/nodeinit-ec2.service.in")
if [[ $rc == 0 ]]; then
        echo "ok   - shipped unit: hook's blocking start of an After=multi-user.target unit completes"
else
        echo "FAIL - shipped unit: systemctl start inside the hook returned '$rc' (124 = deadlock)"
        fail=1
fi
sed 's/^DefaultDependencies=no/DefaultDependencies=yes/' "$SRC/data/units/nodeinit-ec2.service.in" \
        > "$SCRATCH/control.in"
rc=$(run control "$SCRATCH/control.in")
if [[ $rc == 124 ]]; then
        echo "ok   - control (DefaultDependencies=yes): deadlocks as expected"
else
        echo "FAIL - control run returned '$rc', expected the deadlock (124)"
        fail=1
fi
exit $fail
