#!/bin/bash
# apply/systemd.c against a real `systemd --user` manager (tests/lib/usermgr.sh),
# through its private socket: enable, Reload only when it matters, masks,
# every command, failures that do not stop the others, NoSuchUnit, jobs left
# queued behind a blocker, and #! scripts run with their own interpreter.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/usermgr.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_root "a private systemd --user manager needs its own cgroup and mount namespace"
nit_require_cmds unshare setsid systemctl python3
[[ -x $USERMGR_SYSTEMD ]] || nit_skip "no $USERMGR_SYSTEMD"
DRIVER=$top_builddir/tests/integration/sd-driver
[[ -x $DRIVER ]] || { nit_err "build $DRIVER first (make check builds it)"; exit 99; }

S=$(nit_scratch_new) || exit 99
cleanup() {
        usermgr_stop "$S/um"
        rm -rf "$S"
}
trap cleanup EXIT

usermgr_start "$S/um" > /dev/null || exit 99
eval "$(usermgr_env "$S/um")"
C=$USERMGR_CONFIG_UNIT_DIR            # ~ /etc/systemd/system
R=$USERMGR_RUNTIME_UNIT_DIR           # ~ /run/systemd/system
mkdir -p "$C" "$R"
OUT=$S/out
mkdir -p "$OUT"


# drive ARGS... : run the driver, results in $S/res, timings in $S/time
drive() {
        "$DRIVER" --address "$USERMGR_ADDRESS" "$@" > "$S/res" 2> "$S/time"
        DRIVE_RC=$?
        sed 's/^/    # /' "$S/res"
        grep -v '^time' "$S/time" | sed 's/^/    # stderr: /'
}
# has STEP UNIT OUTCOME [REGEX on the whole line]
has() {
        awk -F'\t' -v s="$1" -v u="$2" -v o="$3" '$1 == s && $2 == u && $3 == o' "$S/res" |
                grep -qE -- "${4:-.}"
}
no_step() { ! awk -F'\t' -v s="$1" '$1 == s { f = 1 } END { exit !f }' "$S/res"; }
prop() { usermgr_systemctl "$S/um" show -p "$2" --value "$1"; }
wait_file() { nit_retry 60000 0.02 test -s "$1"; }

# --- 1. enable + start + a failing unit + NoSuchUnit, all in one run
cat > "$C/t1.service" <<EOF
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo "X=\$X" > $OUT/t1'
ExecReload=/bin/sh -c 'echo reloaded >> $OUT/t1.reload'
[Install]
WantedBy=default.target
EOF
printf '[Service]\nType=oneshot\nExecStart=/bin/false\n' > "$C/t2.service"
drive t1.service:enable,changed,start t2.service:start nosuch.service:start t1.service:reload
check "run with a failure exits 1" test "$DRIVE_RC" -eq 1
check "enable made the wants symlink" has enable t1.service done "default.target.wants/t1.service"
check "enable into a loaded target reloads" has reload - done "enabled into default.target"
check "start t1 done" has start t1.service done
check "t1 ran" grep -qx 'X=' "$OUT/t1"
check "failing t2 reported failed" has start t2.service failed
check "NoSuchUnit reported" has start nosuch.service error "org.freedesktop.systemd1.NoSuchUnit"
check "later command still ran (reload after failures)" has reload t1.service done
check "ExecReload ran" grep -q reloaded "$OUT/t1.reload"
check "enabled (UnitFileState)" test "$(prop t1.service UnitFileState)" = enabled

# --- 2. nothing changed: no Reload, enable is a no-op
drive t1.service:enable,try-restart
check "unchanged: no reload" no_step reload
check "already enabled" has enable t1.service done "already enabled"
check "try-restart done" has try-restart t1.service done

# --- 3. a loaded unit changed on disk: Reload, and the new Environment= is used
sed -i 's/^\[Service\]/[Service]\nEnvironment=X=2/' "$C/t1.service"
check "NeedDaemonReload=yes before" test "$(prop t1.service NeedDaemonReload)" = yes
drive t1.service:changed,restart
check "changed loaded unit: reload" has reload - done "t1.service changed on disk while loaded"
check "restart done" has restart t1.service done
check "new Environment= seen" grep -qx 'X=2' "$OUT/t1"

# --- 4. a new drop-in for a loaded unit
mkdir -p "$R/t1.service.d"
printf '[Service]\nEnvironment=X=3\n' > "$R/t1.service.d/20-cloudinit.conf"
drive t1.service:runtime,changed,reload-or-restart
check "new drop-in: reload" has reload - done "t1.service"
check "reload-or-restart done" has reload-or-restart t1.service done
drive t1.service:restart
check "drop-in Environment= seen" grep -qx 'X=3' "$OUT/t1"
check "DropInPaths" test "$(prop t1.service DropInPaths)" = "$R/t1.service.d/20-cloudinit.conf"

# --- 5. a unit file new to the manager needs no Reload, even after a NoSuchUnit
drive t4.service:start
check "t4 not there yet" has start t4.service error NoSuchUnit
printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo t4 > %s/t4"\n' "$OUT" > "$R/t4.service"
drive t4.service:runtime,changed,start
check "new unit: no reload" no_step reload
check "new unit started" has start t4.service done
check "t4 ran" grep -qx t4 "$OUT/t4"

# --- 6. mask of a loaded (active) unit: Reload, then it is masked
ln -sf /dev/null "$C/t4.service"     # what the file stage writes for mask: true
drive t4.service:mask,changed
check "mask of a loaded unit reloads" has reload - done "t4.service was masked while loaded"
check "mask effective" has mask t4.service done masked
check "LoadState=masked" test "$(prop t4.service LoadState)" = masked
drive t4.service:start
check "start of the masked unit refused" has start t4.service error "org.freedesktop.systemd1.UnitMasked"
check "masked unit still active (a mask does not stop)" test "$(prop t4.service ActiveState)" = active
rm -f "$C/t4.service"                # unmask: the file stage removes the link
drive t4.service:unmask,changed,restart
check "unmask of a loaded unit reloads" has reload - done "t4.service was unmasked while loaded"
check "restarted after unmask" has restart t4.service done
check "LoadState=loaded" test "$(prop t4.service LoadState)" = loaded

# --- 7. a runtime mask cannot hide a unit file of the config dir
printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$C/t6.service"
ln -sf /dev/null "$R/t6.service"
drive t6.service:mask,runtime,changed
check "runtime mask hidden by config dir: warning" has mask t6.service warning "runtime mask has no effect: $C/t6.service"
check "warning does not fail the run" test "$DRIVE_RC" -eq 0

# --- 8. stop, restart; try-restart of an inactive unit; reload without ExecReload
drive t1.service:stop t1.service:try-restart t2.service:reload t1.service:restart t1.service:reload-or-try-restart
check "stop done" has stop t1.service done
check "try-restart of inactive unit done" has try-restart t1.service done
check "reload without ExecReload: D-Bus error" has reload t2.service error "JobTypeNotApplicable|not applicable"
check "restart after an error still done" has restart t1.service done
check "reload-or-try-restart done" has reload-or-try-restart t1.service done
check "t1 active" test "$(prop t1.service ActiveState)" = active

# --- 9. a job ordered after a unit that does not finish: bounded wait, queued.
# The bounds are seconds because the jobs before and after the blocked ones
# must finish within them on a loaded machine; which bound ended a wait is
# read from the driver's message, never from the clock.
printf '[Service]\nType=oneshot\nExecStart=/bin/sleep 600\n' > "$R/blocker.service"
printf '[Unit]\nAfter=blocker.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo after > %s/after"\n' \
        "$OUT" > "$R/after.service"
drive --timeout-ms 5000 blocker.service:start after.service:start t4.service:restart
check "blocker left queued after the timeout" has start blocker.service queued "still running after 5000 ms"
check "after.service left queued" has start after.service queued "still running"
check "the run went on" has restart t4.service done
check "queued is not a failure" test "$DRIVE_RC" -eq 0
# the run's deadline bounds every wait, whatever the job timeout
usermgr_systemctl "$S/um" stop --no-block after.service
drive --timeout-ms 120000 --deadline-ms 8000 t4.service:restart after.service:restart t1.service:restart
check "deadline: a job before it reports done" has restart t4.service done
check "deadline: the blocked job is left queued" has restart after.service queued "at the run's deadline"
check "deadline: jobs after it are not waited for" has restart t1.service queued "at the run's deadline"
# as if nodeinit ran inside blocker.service: detected at once, no wait
usermgr_systemctl "$S/um" stop --no-block after.service
drive --timeout-ms 120000 --self-unit blocker.service after.service:restart
check "job waiting for our own unit: queued at once" has restart after.service queued "waits for blocker.service"
usermgr_systemctl "$S/um" stop blocker.service
check "after.service ran once the blocker ended" wait_file "$OUT/after"

# the real thing: the driver runs inside a unit (as nodeinit in its boot
# unit) and starts a unit ordered after that very unit; found by GetUnitByPID
cat > "$R/nit-self.service" <<EOF
[Service]
Type=oneshot
ExecStart=$DRIVER --address $USERMGR_ADDRESS --timeout-ms 60000 late.service:start
StandardOutput=file:$OUT/self.res
StandardError=file:$OUT/self.err
EOF
printf '[Unit]\nAfter=nit-self.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo late > %s/late"\n' \
        "$OUT" > "$R/late.service"
timeout 300 env XDG_RUNTIME_DIR="$USERMGR_XDG_RUNTIME_DIR" systemctl --user start nit-self.service
check "inside its own unit: no deadlock" test $? -eq 0
sed 's/^/    # /' "$OUT/self.res"
check "job ordered after our own unit: queued" \
        grep -qE "^start	late.service	queued	.*waits for nit-self.service" "$OUT/self.res"
check "it ran once our unit finished" wait_file "$OUT/late"

# --- 10. scripts run with their own interpreter, saved in the workspace
ROOT=$S/root
mkdir -p "$ROOT"
printf '#!/bin/sh\necho "sh $0 $$" > %s/script-sh\n' "$OUT" > "$S/s1"
printf '#!/usr/bin/python3\nimport sys\nopen("%s/script-py", "w").write("py " + sys.version.split()[0] + "\\n")\n' \
        "$OUT" > "$S/s2"
printf '#!/bin/bash -eu\necho "bash-flags $-" > %s/script-bash\n' "$OUT" > "$S/s3"
printf '#!/nonexistent/interp\ntrue\n' > "$S/s4"
printf 'echo no shebang\n' > "$S/s5"
# the manager sees the workspace at its real path: give it the scratch root
drive --root / --workspace "$ROOT/var/lib/nodeinit" \
        --script "$S/s1" --script "$S/s2" --script "$S/s3" --script "$S/s4" --script "$S/s5"
check "sh script started" grep -qE "^script	nodeinit-script-[0-9a-f]{12}\.service	done	done	-	/bin/sh $ROOT/var/lib/nodeinit/scripts/[0-9a-f]{12}\$" "$S/res"
check "sh script ran" wait_file "$OUT/script-sh"
check "python script ran with python3" wait_file "$OUT/script-py"
check "python output" grep -q '^py 3' "$OUT/script-py"
check "bash script ran with its flags" wait_file "$OUT/script-bash"
check "bash -eu seen" grep -q 'bash-flags .*e.*u\|bash-flags .*u.*e' "$OUT/script-bash"
check "missing interpreter fails the start job" \
        bash -c "awk -F'\t' '\$1 == \"script\" && \$6 ~ /nonexistent/' '$S/res' | grep -q failed"
check "no #! line is an error" bash -c "awk -F'\t' '\$1 == \"script\" && \$3 == \"error\"' '$S/res' | grep -q '#!'"
check "scripts saved 0700" test "$(stat -c %a "$ROOT"/var/lib/nodeinit/scripts/* | sort -u | tr '\n' ' ')" = "700 "
check "failures counted" test "$DRIVE_RC" -eq 1
# the same scripts again: the same files and units (named by content), the
# failed unit of the first run reset rather than "already exists"
first=$(awk -F'\t' '$1 == "script" { print $2 }' "$S/res" | sort | tr '\n' ' ')
rm -f "$OUT/script-sh"
drive --root / --workspace "$ROOT/var/lib/nodeinit" --script "$S/s1" --script "$S/s4"
check "re-run: sh script started again" has script "$(awk -F'\t' '$1 == "script" && $6 ~ /^\/bin\/sh / { print $2 }' "$S/res")" done
check "re-run: sh script ran again" wait_file "$OUT/script-sh"
check "re-run: failed script fails again, not UnitExists" \
        bash -c "awk -F'\t' '\$1 == \"script\" && \$6 ~ /nonexistent/ && \$3 == \"failed\"' '$S/res' | grep -q ."
check "re-run: same unit names" bash -c "for u in \$(awk -F'\t' '\$1 == \"script\" { print \$2 }' '$S/res'); do [[ ' $first' == *\" \$u \"* ]] || exit 1; done"
check "re-run: no new copies" test "$(ls "$ROOT"/var/lib/nodeinit/scripts | wc -l)" -eq 4

# --- 11. through the dbus-daemon (bus client: Subscribe + match)
"$DRIVER" --address "bus:$USERMGR_BUS_ADDRESS" t1.service:restart > "$S/res" 2> "$S/time"
check "via dbus-daemon: restart done" has restart t1.service done

# --- 12. --systemd=none: nothing runs, everything is reported skipped
"$DRIVER" --mode none t1.service:enable,changed,stop > "$S/res" 2> "$S/time"
check "none: enable skipped" has enable t1.service skipped
check "none: stop skipped" has stop t1.service skipped
check "none: t1 still active" test "$(prop t1.service ActiveState)" = active

finish
