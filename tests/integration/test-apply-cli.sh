#!/bin/bash
# nodeinit apply's command line, coreos-cloudinit's flag form, exit codes,
# dry runs that change nothing, and secrets that never reach the output.
set -euo pipefail
. "${top_srcdir:?}/tests/integration/apply-lib.sh"

tmp=$(mktemp -d /tmp/nit-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {
        if "$@"; then :; else echo "FAIL: $*"; fail=1; fi
}
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
check test "$(status "$NODEINIT" apply --dry-run --root "$root" --systemd=none "$ud")" = 0
check test "$before" = "$(find "$root" -printf '%p %T@\n' | sort)"
check grep -q '^create    /etc/motd (0644 root) \[write_files\[0\]\]' "$tmp/out"
check grep -q '^+Welcome to worker-03' "$tmp/out"
check grep -q '^(content hidden)' "$tmp/out"
check grep -q 'set password (hash hidden)' "$tmp/out"
check grep -q '^unit etcd2.service: start' "$tmp/out"
if grep -q 'Ym9ndXNoYXNo\|LS0tLS1CRUdJTi\|not-a-real-key' "$tmp/out" "$tmp/err"; then
        echo "FAIL: a secret in the dry-run output"; fail=1
fi

# JSON dry run
check test "$(status "$NODEINIT" apply --dry-run --format=json --root "$root" --systemd=none "$ud")" = 0
check python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["dry_run"] and len(d["plan"]["files"]) > 20' "$tmp/out"

# coreos-cloudinit's flag form: single dash, -k=v and -k v, via the
# coreos-cloudinit name too
ln -s "$NODEINIT" "$tmp/coreos-cloudinit"
check test "$(status "$NODEINIT" -from-file="$ud" -root "$root" -systemd=none -ssh-key-name=ops)" = 0
check test -f "$root/home/core/.ssh/authorized_keys.d/ops"
check test "$(status "$tmp/coreos-cloudinit" --from-file "$ud" --root="$root" -systemd=none -ssh-key-name=ops -ignore-failure)" = 0
check grep -q '^Nothing changed' "$tmp/out"
# never a secret in the log of a real run either
if grep -q 'Ym9ndXNoYXNo\|LS0tLS1CRUdJTi\|not-a-real-key' "$tmp/out" "$tmp/err"; then
        echo "FAIL: a secret in the apply output"; fail=1
fi

# exit codes as coreos-cloudinit's
check test "$(status "$NODEINIT" apply --root "$root")" = 2                      # no source
check test "$(status "$NODEINIT" -oem=nosuch -root "$root")" = 2                  # unknown preset
check grep -q 'Invalid option to -oem: "nosuch"' "$tmp/out"
printf '#cloud-config\nhostname: [unclosed\n' >"$tmp/bad.yml"
check test "$(status "$NODEINIT" -from-file="$tmp/bad.yml" -root "$root" -systemd=none)" = 1
check grep -Eq "bad.yml:[0-9]+:[0-9]+: error: " "$tmp/err"
check test "$(status "$NODEINIT" -from-file="$tmp/bad.yml" -root "$root" -systemd=none -ignore-failure)" = 0
echo '{"ignition":{"version":"2.2.0"}}' >"$tmp/ign.json"
check test "$(status "$NODEINIT" -from-file="$tmp/ign.json" -root "$root")" = 0
check grep -q '^Detected an Ignition config. Exiting...$' "$tmp/out"
echo 'just text' >"$tmp/unknown"
check test "$(status "$NODEINIT" -from-file="$tmp/unknown" -root "$root" -systemd=none)" = 1
check grep -q 'Unrecognized user-data format' "$tmp/err"

# an Environment= value with a newline: that drop-in is refused naming the
# key, everything else is written, the run says it failed
printf '#cloud-config\nwrite_files:\n  - path: /etc/ok\n    content: fine\ncoreos:\n  fleet:\n    metadata: "a\\nb"\n' \
        >"$tmp/nl.yml"
check test "$(status "$NODEINIT" apply --root "$root" --systemd=none "$tmp/nl.yml")" = 1
check grep -q 'error: coreos.fleet: value of "metadata" contains a newline' "$tmp/out"
check test -f "$root/etc/ok"

# --root never reaches the running manager, whatever --systemd says: a bus
# address that does not exist would fail the run if it were used
printf '#cloud-config\ncoreos:\n  units:\n    - name: foo.service\n      command: start\n      content: |\n        [Service]\n        ExecStart=/bin/true\n' \
        >"$tmp/unit.yml"
check test "$(NODEINIT_SYSTEMD_ADDRESS=unix:path=/nonexistent status "$NODEINIT" apply --root "$root" --systemd=system "$tmp/unit.yml")" = 0
check grep -q '^skipped *unit foo.service: start' "$tmp/out"
check test -f "$root/etc/systemd/system/foo.service"

[ "$fail" = 0 ] && echo "ok cli"
exit $fail
