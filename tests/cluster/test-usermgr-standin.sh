#!/bin/bash
# Proves tests/lib/usermgr.sh: a private `systemd --user` manager whose unit
# directories and private socket a client (later: nodeinit --systemd=user)
# can use. The stand-in for nodeinit writes a unit + a runtime drop-in and
# drives the manager with `systemctl --user` through the private socket.
# Needs root (cgroup fs, mount namespace); skips with 77 otherwise.
set -u
LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# shellcheck source=tests/lib/usermgr.sh
. "$LIB/usermgr.sh"
# shellcheck source=tests/lib/netns.sh
. "$LIB/netns.sh"

nit_require_root "a private systemd --user manager needs its own cgroup and mount namespace"
nit_require_cmds systemctl unshare nsenter
[[ -x $USERMGR_SYSTEMD ]] || nit_skip "no $USERMGR_SYSTEMD"

SCRATCH=$(nit_scratch_new) || exit 1
UM=$SCRATCH/um
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
        usermgr_stop "$UM" || NIT_FAIL=1
        usermgr_stop "$SCRATCH/um2" || NIT_FAIL=1
        netns_down "$SCRATCH/netns" || NIT_FAIL=1
        rm -rf "$SCRATCH"
}
trap cleanup EXIT

t0=$(nit_now_ms)
usermgr_start "$UM" >/dev/null || exit 1
echo "user manager pid $USERMGR_PID up in $(( $(nit_now_ms) - t0 )) ms"
cgline=$(grep '^0::' "/proc/$USERMGR_PID/cgroup")
case $cgline in
*/nit-"$NIT_RUN"-um-um/*) echo "ok   - manager runs in its private cgroup ($cgline)" ;;
*) echo "FAIL - manager cgroup is $cgline"; NIT_FAIL=1 ;;
esac

# Stand-in for nodeinit: unit in the config dir, drop-in in the runtime dir.
cat > "$USERMGR_CONFIG_UNIT_DIR/nit-t1.service" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo "A=\$A" > $SCRATCH/t1.out'
EOF
mkdir -p "$USERMGR_RUNTIME_UNIT_DIR/nit-t1.service.d"
printf '[Service]\nEnvironment=A=b\n' > "$USERMGR_RUNTIME_UNIT_DIR/nit-t1.service.d/20-cloudinit.conf"
printf '[Service]\nExecStart=/bin/sleep 600\n' > "$USERMGR_CONFIG_UNIT_DIR/nit-sleep.service"

# systemctl --user finds the manager through XDG_RUNTIME_DIR/systemd/private
export XDG_RUNTIME_DIR=$USERMGR_XDG_RUNTIME_DIR
systemctl --user daemon-reload
systemctl --user start nit-t1.service nit-sleep.service
nit_check "$(systemctl --user show -p ActiveState --value nit-t1.service)" active "oneshot started"
nit_check "$(cat "$SCRATCH/t1.out" 2>/dev/null)" "A=b" "runtime drop-in applied"
nit_check "$(systemctl --user show -p DropInPaths --value nit-t1.service)" \
        "$USERMGR_RUNTIME_UNIT_DIR/nit-t1.service.d/20-cloudinit.conf" "drop-in path"
# env -i: the units see only the fixed environment
env_lines=$(systemctl --user show-environment)
if grep -qx "HOME=$USERMGR_HOME" <<< "$env_lines" && ! grep -q '^SCRATCH=' <<< "$env_lines"; then
        echo "ok   - reproducible manager environment"
else
        echo "FAIL - manager environment: $env_lines"; NIT_FAIL=1
fi
sleep_pid=$(systemctl --user show -p MainPID --value nit-sleep.service)
nit_check "$(cg_pids "$UM/cg" | grep -cx "$sleep_pid")" 1 "unit process inside the private subtree"
systemctl --user stop nit-t1.service
nit_check "$(systemctl --user show -p ActiveState --value nit-t1.service)" inactive "stopped"
unset XDG_RUNTIME_DIR

t0=$(nit_now_ms)
usermgr_stop "$UM" || NIT_FAIL=1
echo "user manager stopped in $(( $(nit_now_ms) - t0 )) ms"
nit_alive "$sleep_pid" && { echo "FAIL - unit process $sleep_pid survived"; NIT_FAIL=1; }

# The same manager on a simulated host: its units see only the node's network.
netns_up "$SCRATCH/netns" 1 || exit 1
usermgr_start "$SCRATCH/um2" "$(netns_node 1)" > /dev/null || exit 1
printf '[Service]\nType=oneshot\nExecStart=/bin/sh -c "ip -o -4 addr show dev eth0 > %s"\n' \
        "$SCRATCH/addr.out" > "$USERMGR_CONFIG_UNIT_DIR/nit-addr.service"
usermgr_systemctl "$SCRATCH/um2" start nit-addr.service
nit_check "$(awk '{print $4}' "$SCRATCH/addr.out" 2>/dev/null)" "$(netns_node_ip 1)/16" "unit runs in the node's netns"
usermgr_stop "$SCRATCH/um2" || NIT_FAIL=1
netns_down "$SCRATCH/netns" || NIT_FAIL=1
nit_check "$(ip netns list | grep -c "^nit-$NIT_RUN-")" 0 "no namespace left"
nit_check "$(find /sys/fs/cgroup -maxdepth 8 -name "nit-$NIT_RUN-*" 2>/dev/null | wc -l)" 0 "no cgroup left"
exit "$NIT_FAIL"
