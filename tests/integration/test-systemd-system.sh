#!/bin/bash
# apply/systemd.c against a real PID-1 systemd (tests/lib/nspawn.sh, a
# --volatile=yes container): the default connection (/run/systemd/private,
# no address given), a boot hook that starts a unit ordered after
# multi-user.target -- coreos-cloudinit's deadlock (coreos/bugs#723) -- left
# queued while the boot completes, a runtime mask hidden by /etc, the
# networkd restart for network units, and a script in the system workspace.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/nspawn.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_root "boots systemd in systemd-nspawn"
nit_require_cmds systemd-nspawn nsenter
DRIVER=$top_builddir/tests/integration/sd-driver
[[ -x $DRIVER ]] || { nit_err "build $DRIVER first (make check builds it)"; exit 99; }
BUILD=$(cd "$top_builddir" && pwd)

S=$(nit_scratch_new) || exit 99
cleanup() {
        nspawn_stop "$S/c"
        rm -rf "$S"
}
trap cleanup EXIT

in_c() { nspawn_exec "$S/c" "$@"; }
D=/opt/nit-build/tests/integration/sd-driver

# The hook: a boot unit before multi-user.target (DefaultDependencies=yes)
# that starts, and follows, a unit ordered after multi-user.target.
mkdir -p "$S/units"
cat > "$S/units/nit-hook.service" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
TimeoutStartSec=60
ExecStart=$D --mode system --timeout-ms 50000 nit-late.service:start nit-web.service:start
StandardOutput=file:/run/hook.res
StandardError=file:/run/hook.err
EOF
cat > "$S/units/nit-late.service" <<'EOF'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo late > /run/late.out'
EOF
cat > "$S/units/nit-web.service" <<'EOF'
[Service]
ExecStart=/bin/sleep 600
EOF

T0=$(nit_now_ms)
nspawn_start "$S/c" "nit-$NIT_RUN-sd" --private-network --bind-ro "$BUILD:/opt/nit-build" \
        --unit "$S/units/nit-hook.service" --unit "$S/units/nit-late.service" \
        --unit "$S/units/nit-web.service" --wants nit-hook.service > /dev/null
rc=$?
echo "    # booted in $(( $(nit_now_ms) - T0 )) ms"
check "boot completes with the hook (no deadlock)" test "$rc" -eq 0
in_c cat /run/hook.res | sed 's/^/    # /'
in_c cat /run/hook.err | sed "s/^/    # stderr: /"
check "default connection is the private socket" \
        in_c grep -q "^time	connect direct unix:path=/run/systemd/private" /run/hook.err
check "unit after multi-user.target: queued at once" \
        in_c grep -qE "^start	nit-late.service	queued	.*waits for nit-hook.service" /run/hook.res
check "the run went on" in_c grep -qE "^start	nit-web.service	done	done" /run/hook.res
check "late unit ran after the boot" nit_retry 120000 0.05 in_c test -s /run/late.out
check "hook unit succeeded" test "$(in_c systemctl show -p Result --value nit-hook.service)" = success

# after the boot, for comparison (figures only, never asserted)
for i in 1 2 3; do
        in_c "$D" --mode system nit-web.service:restart 2>&1 > /dev/null | awk -F'\t' '/^time/ { printf "%s=%s us  ", $2, $3 } END { print "" }' |
                sed 's/^/    # after boot: /'
done

# Runtime mask vs /etc, enable, and a changed network unit, by hand.
in_c mkdir -p /etc/systemd/system /run/systemd/system /run/systemd/network
in_c sh -c 'printf "[Service]\nType=oneshot\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n" > /etc/systemd/system/nit-etc.service'
in_c ln -sf /dev/null /run/systemd/system/nit-etc.service
in_c sh -c 'printf "[Match]\nName=nit-none0\n[Network]\nDHCP=no\n" > /run/systemd/network/10-nit.network'
in_c "$D" --mode system nit-etc.service:enable,mask,runtime,changed,start 10-nit.network:network,changed,enable,start \
        > "$S/res" 2> "$S/err"
sed 's/^/    # /' "$S/res"
has() { awk -F'\t' -v s="$1" -v u="$2" -v o="$3" '$1 == s && $2 == u && $3 == o' "$S/res" | grep -qE -- "${4:-.}"; }
check "runtime enable into multi-user.target" has enable nit-etc.service done "/run/systemd/system/multi-user.target.wants/nit-etc.service -> /etc/systemd/system/nit-etc.service"
check "runtime mask hidden by /etc: warning" \
        has mask nit-etc.service warning "runtime mask has no effect: /etc/systemd/system/nit-etc.service"
check "the unit still starts" has start nit-etc.service done
check "network units are not enabled" has enable 10-nit.network skipped
check "networkd restarted once" has networkd systemd-networkd.service done
check "network unit command ignored" bash -c "! awk -F'\t' '\$1 == \"start\" && \$2 == \"10-nit.network\"' '$S/res' | grep -q ."

# A script in the system workspace, with its own interpreter.
printf '#!/usr/bin/python3\nopen("/run/script.out", "w").write("py\\n")\n' > "$S/script"
in_c mkdir -p /run/nit
cp "$S/script" "/proc/$(nspawn_init "$S/c")/root/run/nit/script"
in_c "$D" --mode system --script /run/nit/script > "$S/res" 2> "$S/err"
sed 's/^/    # /' "$S/res"
check "script unit started" has script "$(awk -F'\t' '$1 == "script" { print $2 }' "$S/res")" done "^script	nodeinit-script-"
check "script ran with python3" nit_retry 120000 0.05 in_c grep -qx py /run/script.out
check "saved under /var/lib/nodeinit/scripts" bash -c "[[ -n \$(nsenter -t $(nspawn_init "$S/c") -a ls /var/lib/nodeinit/scripts) ]]"

finish
