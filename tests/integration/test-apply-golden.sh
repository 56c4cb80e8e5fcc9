#!/bin/bash
# Golden trees: for each case under tests/golden, `nodeinit apply --root DIR
# --systemd=none` must produce exactly the expected bytes, modes and owners;
# a second run must change nothing (mtimes, inodes) and say so.
# The expected trees were not written by nodeinit: each file's origin (a
# coreos-cloudinit run, the case's input, or a rule applied by hand) is in
# tests/golden/PROVENANCE.md. To change one, change it there first.
set -euo pipefail
. "${top_srcdir:?}/tests/integration/apply-lib.sh"

if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (the expected trees have files owned by other users)"
        exit 77
fi

tmp=$(mktemp -d /tmp/nit-golden-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

# nodeinit's record of its own run (/run/nodeinit) is rewritten by every
# run and provisions nothing: neither compared nor counted as a change
own_state() { grep -Ev '^[^ ]+ [^ ]+ [^ ]+ \./run/nodeinit(/| |$)|^\./run/nodeinit(/| |$)' || true; }

for dir in "$GOLDEN"/*/; do
        case=$(basename "$dir")
        [ "$case" = base ] && continue
        cfail=0
        root=$tmp/$case
        make_root "$case" "$root"

        rc=0
        run_apply "$case" "$root" || rc=$?
        if [ "$rc" -ne 0 ]; then
                echo "FAIL $case: exit status $rc"; cat "$root.out" "$root.err"; fail=1; continue
        fi
        if ! no_temps "$root"; then
                echo "FAIL $case: temp files left"; cfail=1
        fi

        if ! diff -u "$dir/expected.manifest" <(manifest "$root" | own_state); then
                echo "FAIL $case: modes, owners or file set differ"; cfail=1
        fi
        while read -r f; do
                if ! cmp -s "$dir/expected/$f" "$root/$f"; then
                        echo "FAIL $case: $f differs"; diff -u "$dir/expected/$f" "$root/$f" || true; cfail=1
                fi
        done < <(cd "$dir/expected" && find . -type f)

        # idempotence: nothing written, and it says so
        before=$(stamps "$root" | own_state)
        rc=0
        run_apply "$case" "$root" || rc=$?
        after=$(stamps "$root" | own_state)
        if [ "$rc" -ne 0 ] || [ "$before" != "$after" ]; then
                echo "FAIL $case: second run changed something (status $rc)"
                diff <(echo "$before") <(echo "$after") || true; cfail=1
        fi
        if ! grep -q '^Nothing changed' "$root.out"; then
                echo "FAIL $case: second run did not say nothing changed"; cat "$root.out"; cfail=1
        fi

        # dry run on the applied tree: every file unchanged, exit 0
        rc=0
        run_apply "$case" "$root" --dry-run || rc=$?
        if [ "$rc" -ne 0 ] || ! grep -q '^Plan: 0 to create, 0 to change, 0 to remove' "$root.out"; then
                echo "FAIL $case: dry run after apply is not empty"; cat "$root.out"; cfail=1
        fi
        if [ "$cfail" = 0 ]; then
                echo "ok $case"
        else
                fail=1
        fi
done
exit $fail
