#!/bin/bash
# nodeinit apply's command line, coreos-cloudinit's flag form, exit codes,
# dry runs that change nothing, and secrets that never reach the output.
# Needs root (the root tree has files owned by uid 500, and apply sets
# owners and runs useradd under --root); skips (77) otherwise.
set -euo pipefail
. "${top_srcdir:?}/tests/lib/common.sh"
. "$top_srcdir/tests/lib/assert.sh"
. "$top_srcdir/tests/integration/apply-lib.sh"
nit_require_root "files owned by uid 500 in the test root; apply sets owners"

tmp=$(mktemp -d /tmp/nit-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status() {
        local rc=0
        "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
        echo "$rc"
}

root=$tmp/root
make_root full "$root"
ud=$GOLDEN/full/user-data
export COREOS_PRIVATE_IPV4=10.20.3.7

# dry run: exit 0, nothing written, the plan lists creations with diffs,
# the secret file and the password hash are not shown
before=$(find "$root" -printf '%p %T@\n' | sort)
check "dry run: exit 0" test "$(status "$NODEINIT" apply --dry-run --root "$root" --systemd=none "$ud")" = 0
check "dry run: nothing written" test "$before" = "$(find "$root" -printf '%p %T@\n' | sort)"
check "dry run: a creation with its mode, owner and item" grep -q '^create    /etc/motd (0644 root) \[write_files\[0\]\]' "$tmp/out"
check "dry run: the new content as a diff" grep -q '^+Welcome to worker-03' "$tmp/out"
check "dry run: the secret file's content hidden" grep -q '^(content hidden)' "$tmp/out"
check "dry run: the password hash hidden" grep -q 'set password (hash hidden)' "$tmp/out"
check "dry run: unit commands listed" grep -q '^unit etcd2.service: start' "$tmp/out"
check "dry run: no secret in the output" bash -c "! grep -q 'Ym9ndXNoYXNo\|LS0tLS1CRUdJTi\|not-a-real-key' '$tmp/out' '$tmp/err'"

# JSON dry run
check "json dry run: exit 0" test "$(status "$NODEINIT" apply --dry-run --format=json --root "$root" --systemd=none "$ud")" = 0
check "json dry run: the plan's files" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["dry_run"] and len(d["plan"]["files"]) > 20' "$tmp/out"

# coreos-cloudinit's flag form: single dash, -k=v and -k v, via the
# coreos-cloudinit name too
ln -s "$NODEINIT" "$tmp/coreos-cloudinit"
check "flags: -from-file -root -systemd -ssh-key-name, exit 0" test "$(status "$NODEINIT" -from-file="$ud" -root "$root" -systemd=none -ssh-key-name=ops)" = 0
check "flags: -ssh-key-name names the keys file" test -f "$root/home/core/.ssh/authorized_keys.d/ops"
check "as coreos-cloudinit, --k v and --k=v: exit 0" test "$(status "$tmp/coreos-cloudinit" --from-file "$ud" --root="$root" -systemd=none -ssh-key-name=ops -ignore-failure)" = 0
check "second run: nothing changed" grep -q '^Nothing changed' "$tmp/out"
# never a secret in the log of a real run either
check "real run: no secret in the output" bash -c "! grep -q 'Ym9ndXNoYXNo\|LS0tLS1CRUdJTi\|not-a-real-key' '$tmp/out' '$tmp/err'"

# exit codes as coreos-cloudinit's
check "no source: exit 2" test "$(status "$NODEINIT" apply --root "$root")" = 2
check "unknown -oem preset: exit 2" test "$(status "$NODEINIT" -oem=nosuch -root "$root")" = 2
check "unknown -oem preset: coreos-cloudinit's message" grep -q 'Invalid option to -oem: "nosuch"' "$tmp/out"
printf '#cloud-config\nhostname: [unclosed\n' >"$tmp/bad.yml"
check "YAML error: exit 1" test "$(status "$NODEINIT" -from-file="$tmp/bad.yml" -root "$root" -systemd=none)" = 1
check "YAML error: FILE:LINE:COL" grep -Eq "bad.yml:[0-9]+:[0-9]+: error: " "$tmp/err"
check "YAML error with -ignore-failure: exit 0" test "$(status "$NODEINIT" -from-file="$tmp/bad.yml" -root "$root" -systemd=none -ignore-failure)" = 0
echo '{"ignition":{"version":"2.2.0"}}' >"$tmp/ign.json"
check "Ignition config: exit 0" test "$(status "$NODEINIT" -from-file="$tmp/ign.json" -root "$root")" = 0
check "Ignition config: coreos-cloudinit's message" grep -q '^Detected an Ignition config. Exiting...$' "$tmp/out"
echo 'just text' >"$tmp/unknown"
check "unknown format: exit 1" test "$(status "$NODEINIT" -from-file="$tmp/unknown" -root "$root" -systemd=none)" = 1
check "unknown format: says so" grep -q 'Unrecognized user-data format' "$tmp/err"

# an Environment= value with a newline: that drop-in is refused naming the
# key, everything else is written, the run says it failed
printf '#cloud-config\nwrite_files:\n  - path: /etc/ok\n    content: fine\ncoreos:\n  fleet:\n    metadata: "a\\nb"\n' \
        >"$tmp/nl.yml"
check "newline in an Environment= value: exit 1" test "$(status "$NODEINIT" apply --root "$root" --systemd=none "$tmp/nl.yml")" = 1
check "newline in an Environment= value: names the key" grep -qE 'error: .*coreos\.fleet.*"metadata"|error: .*"metadata".*coreos\.fleet' "$tmp/out"
check "newline in an Environment= value: the rest is written" test -f "$root/etc/ok"

# a key line sshd would skip (the coreos-cloudinit documentation's
# "ssh-rsa AAAAB3...h...") is a warning, as coreos-cloudinit's validator
# passed it: it is left out, its user and the good key are installed
ssh-keygen -q -t ed25519 -N '' -C placeholder@nit -f "$tmp/key"
printf '#cloud-config\nssh_authorized_keys:\n  - ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0g+ZTxC7weoIJLUafOgrm+h...\nusers:\n  - name: keyuser\n    ssh_authorized_keys:\n      - %s\n      - not a key\n' \
        "$(cat "$tmp/key.pub")" >"$tmp/placeholder.yml"
check "a placeholder key: validate exits 0" test "$(status "$NODEINIT" validate "$tmp/placeholder.yml")" = 0
check "a placeholder key: validate warns with line and column" \
        grep -q 'placeholder.yml:3:5: warning: "ssh_authorized_keys\[0\]" has a key that is not base64, so sshd would skip the line; not installed' "$tmp/out"
check "a placeholder key: apply exits 0" test "$(status "$NODEINIT" apply --root "$root" --systemd=none "$tmp/placeholder.yml")" = 0
check "a placeholder key: its user is created" grep -q '^keyuser:' "$root/etc/passwd"
check "a placeholder key: the good key is installed" grep -qF "$(cut -d' ' -f2 "$tmp/key.pub")" "$root/home/keyuser/.ssh/authorized_keys"
check "a placeholder key: the lines that are no keys are not" \
        bash -c '! grep -rqe "AAAAB3NzaC1yc2EAAAADAQABAAABAQC0g" -e "not a key" "$1/home"' _ "$root"

# --root never reaches the running manager, whatever --systemd says: a bus
# address that does not exist would fail the run if it were used
printf '#cloud-config\ncoreos:\n  units:\n    - name: foo.service\n      command: start\n      content: |\n        [Service]\n        ExecStart=/bin/true\n' \
        >"$tmp/unit.yml"
check "--root with --systemd=system: exit 0, no bus used" test "$(NODEINIT_SYSTEMD_ADDRESS=unix:path=/nonexistent status "$NODEINIT" apply --root "$root" --systemd=system "$tmp/unit.yml")" = 0
check "--root: the unit command reported skipped" grep -q '^skipped *unit foo.service: start' "$tmp/out"
check "--root: the unit file written" test -f "$root/etc/systemd/system/foo.service"

finish
