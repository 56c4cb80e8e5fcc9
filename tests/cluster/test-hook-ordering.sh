#!/bin/bash
# Proves the ordering of the shipped data/units/nodeinit-ec2.service: a unit
# the hook starts *and waits for* while its own start job runs must not be
# blocked by the hook, even when that unit is ordered after multi-user.target
# (the coreos-cloudinit deadlock, coreos/bugs#723). The control run uses the
# same unit with DefaultDependencies=yes and must deadlock, which shows the
# test can tell the difference. The deadlock is recognised by its state, not
# by a timeout expiring: the late unit's start job waits for
# multi-user.target's, which waits for the hook's, whose process is blocked
# in `systemctl start` of the late unit. Then the hook is killed so the boot
# can end.
# Needs root and systemd-nspawn; skips (77) otherwise.
set -u
# shellcheck source=tests/lib/nspawn.sh
. "$(dirname "$0")/../lib/nspawn.sh"
nit_require_root "boots systemd in systemd-nspawn"
nit_require_cmds systemd-nspawn nsenter
SRC=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}

SCRATCH=$(nit_scratch_new) || exit 1
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
# The hook starts it the way coreos-cloudinit did: blocking on the job. The
# timeout is only a backstop far beyond any boot; nothing waits for it.
hook_cmd="/bin/sh -c 'timeout 600 systemctl start nit-late.service; echo \$? > /run/hook.rc'"

hook_unit() {
        mkdir -p "$SCRATCH/$1"
        awk -v cmd="$hook_cmd" '/^ExecStart=/ { print "ExecStart=" cmd; next } { print }' \
                "$2" > "$SCRATCH/$1/nodeinit-ec2.service"
}
launch() {
        nspawn_launch "$SCRATCH/c-$1" "nit-$NIT_RUN-$1" --private-network \
                --unit "$SCRATCH/$1/nodeinit-ec2.service" --unit "$SCRATCH/units/nit-late.service" \
                --wants nodeinit-ec2.service
}

# waits_for JOBS UNIT OTHER: in `systemctl list-jobs --after --before`
# output, UNIT's start job is "waiting for" OTHER's start job
# shellcheck disable=SC2317  # these run through nit_retry
waits_for() {
        awk -v u="$2" -v o="($3/start)" '
                /^[0-9]/ { cur = $2; next }
                cur == u && /waiting for job/ && index($0, o) { f = 1 }
                END { exit !f }' <<< "$1"
}
# shellcheck disable=SC2317
job_state() { awk -v u="$2" '/^[0-9]/ && $2 == u && $3 == "start" { print $4 }' <<< "$1"; }
# shellcheck disable=SC2317
deadlocked() {
        local d=$1 jobs
        jobs=$(nspawn_exec "$d" systemctl list-jobs --after --before --no-pager 2>/dev/null) || return 1
        waits_for "$jobs" nit-late.service multi-user.target &&
                waits_for "$jobs" multi-user.target nodeinit-ec2.service &&
                [[ $(job_state "$jobs" nodeinit-ec2.service) == running ]] &&
                nspawn_exec "$d" pgrep -fx 'systemctl start nit-late.service' > /dev/null
}

# --- the shipped unit: the boot completes and the hook's start succeeded
hook_unit shipped "$SRC/data/units/nodeinit-ec2.service.in"
launch shipped || exit 1
if nspawn_wait "$SCRATCH/c-shipped" > /dev/null; then
        rc=$(nspawn_exec "$SCRATCH/c-shipped" cat /run/hook.rc 2>/dev/null)
        nit_check "$rc" 0 "shipped unit: hook's blocking start of an After=multi-user.target unit completes"
else
        echo "FAIL - shipped unit: the boot did not complete (deadlock?)"
        NIT_FAIL=1
fi
nspawn_stop "$SCRATCH/c-shipped"

# --- control: DefaultDependencies=yes deadlocks
sed 's/^DefaultDependencies=no/DefaultDependencies=yes/' "$SRC/data/units/nodeinit-ec2.service.in" \
        > "$SCRATCH/control.in"
hook_unit control "$SCRATCH/control.in"
launch control || exit 1
d=$SCRATCH/c-control
if nspawn_wait_manager "$d" > /dev/null && nit_retry 300000 0.2 deadlocked "$d"; then
        echo "ok   - control (DefaultDependencies=yes): late unit -> multi-user.target -> hook -> late unit, deadlocked as expected"
else
        echo "FAIL - control: no deadlock seen within 300 s; jobs:"
        nspawn_exec "$d" systemctl list-jobs --after --before --no-pager
        NIT_FAIL=1
fi
# break the cycle so the boot can end and the container stop cleanly
nspawn_exec "$d" systemctl kill --signal=KILL nodeinit-ec2.service 2>/dev/null
nit_check "$(nspawn_wait "$d" > /dev/null && echo booted)" booted "control: boot completes once the hook is gone"
exit "$NIT_FAIL"
