#!/bin/bash
# Golden trees: for each case under tests/golden, `nodeinit apply --root DIR
# --systemd=none` must produce exactly the expected bytes, modes and owners;
# a second run must change nothing (mtimes, inodes) and say so.
# UPDATE_GOLDEN=1 rewrites the expectations (review the diff!).
set -euo pipefail
. "${top_srcdir:?}/tests/integration/apply-lib.sh"

tmp=$(mktemp -d /tmp/nit-golden-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

for dir in "$GOLDEN"/*/; do
        case=$(basename "$dir")
        [ "$case" = base ] && continue
        root=$tmp/$case
        make_root "$case" "$root"

        rc=0
        run_apply "$case" "$root" || rc=$?
        if [ "$rc" -ne 0 ]; then
                echo "FAIL $case: exit status $rc"; cat "$root.out" "$root.err"; fail=1; continue
        fi
        if ! no_temps "$root"; then
                echo "FAIL $case: temp files left"; fail=1
        fi

        if [ -n "${UPDATE_GOLDEN:-}" ]; then
                rm -rf "$dir/expected" && mkdir -p "$dir/expected"
                (cd "$root" && find . -mindepth 1 \( -type f -o -type l \) | grep -Ev "$IGNORE" |
                        tar -cf - -T -) | tar -xf - -C "$dir/expected"
                manifest "$root" >"$dir/expected.manifest"
                echo "updated $case"
                continue
        fi

        if ! diff -u "$dir/expected.manifest" <(manifest "$root"); then
                echo "FAIL $case: modes, owners or file set differ"; fail=1
        fi
        while read -r f; do
                if ! cmp -s "$dir/expected/$f" "$root/$f"; then
                        echo "FAIL $case: $f differs"; diff -u "$dir/expected/$f" "$root/$f" || true; fail=1
                fi
        done < <(cd "$dir/expected" && find . -type f)

        # idempotence: nothing written, and it says so
        before=$(stamps "$root")
        rc=0
        run_apply "$case" "$root" || rc=$?
        after=$(stamps "$root")
        if [ "$rc" -ne 0 ] || [ "$before" != "$after" ]; then
                echo "FAIL $case: second run changed something (status $rc)"
                diff <(echo "$before") <(echo "$after") || true; fail=1
        fi
        if ! grep -q '^Nothing changed' "$root.out"; then
                echo "FAIL $case: second run did not say nothing changed"; cat "$root.out"; fail=1
        fi

        # dry run on the applied tree: every file unchanged, exit 0
        rc=0
        run_apply "$case" "$root" --dry-run || rc=$?
        if [ "$rc" -ne 0 ] || ! grep -q '^Plan: 0 to create, 0 to change, 0 to remove' "$root.out"; then
                echo "FAIL $case: dry run after apply is not empty"; cat "$root.out"; fail=1
        fi
        [ "$fail" = 0 ] && echo "ok $case"
done
exit $fail
