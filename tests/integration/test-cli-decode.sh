#!/bin/bash
# validate and apply read user-data on one path (issue 10): the same bytes
# get the same verdict. Before, validate gunzipped once and classified by
# itself, so a cloud-config gzipped twice (which apply decodes) was "must be
# #cloud-config" to validate and applied by apply.
set -u
. "$top_srcdir/tests/lib/assert.sh"

work=$(mktemp -d /tmp/nit-cli-dec-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir root

printf '#cloud-config\nwrite_files:\n  - path: /etc/twice\n    content: ok\n' | gzip | gzip > twice.gz
out=$("$NODEINIT" validate twice.gz); rc=$?
assert_eq "$rc" 0 "validate: a cloud-config gzipped twice is valid"
assert_contains "$out" "twice.gz: valid cloud-config"
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none twice.gz > out 2> err
assert_eq "$?" 0 "apply: the same bytes apply"
assert_contains "$(cat out)" "create    /etc/twice"

# three times is over the limit, for both
printf '#cloud-config\nhostname: a\n' | gzip | gzip | gzip > thrice.gz
out=$("$NODEINIT" validate thrice.gz); rc=$?
assert_eq "$rc" 1 "validate: gzipped three times is refused"
assert_contains "$out" "thrice.gz: error: gzip data is compressed more than 2 times"
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none thrice.gz > out 2> err
assert_eq "$?" 1 "apply: refused too"
assert_contains "$(cat err)" "thrice.gz: error: gzip data is compressed more than 2 times"

# a gzipped document's errors are at its own lines, for both
printf '#cloud-config\nhostname: a\ncoreos:\n  units:\n    - name: x\n' | gzip > bad.gz
out=$("$NODEINIT" validate bad.gz)
assert_matches "$out" '^bad\.gz:5:[0-9]+: error: invalid unit name "x"'
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none bad.gz > out 2> err
assert_matches "$(cat out)" '^bad\.gz:5:[0-9]+: error: invalid unit name "x".*; coreos\.units\[0\] \(x\) not applied$'

# gzip around a multipart document, with an unknown part: both say so
{
        printf 'Content-Type: multipart/mixed; boundary="B"\n\n'
        printf -- '--B\nContent-Type: text/cloud-config\n\n#cloud-config\nhostname: m\n'
        printf -- '--B\nContent-Type: application/octet-stream\n\nbinary\n--B--\n'
} | gzip > multi.gz
out=$("$NODEINIT" validate multi.gz); rc=$?
assert_eq "$rc" 1 "validate: an unknown MIME part is an error"
assert_contains "$out" "is neither a cloud-config nor a script"
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none multi.gz > out 2> err
assert_eq "$?" 1 "apply: the unknown part fails the run"
assert_contains "$(cat err)" "is neither a cloud-config nor a script"
assert_contains "$(cat out)" "hostname: m"

# each address reaches /etc/environment under its own name (the values are
# all different, so a mapping by position that slipped would show)
printf '#cloud-config\nhostname: a\n' > addr.yml
COREOS_PUBLIC_IPV4=192.0.2.1 COREOS_PRIVATE_IPV4=10.0.0.1 COREOS_PUBLIC_IPV6=2001:db8::1 COREOS_PRIVATE_IPV6=fd00::1 \
        "$NODEINIT" apply --dry-run --root "$work/root" --systemd=none addr.yml > out 2> err
for pair in PUBLIC_IPV4=192.0.2.1 PRIVATE_IPV4=10.0.0.1 PUBLIC_IPV6=2001:db8::1 PRIVATE_IPV6=fd00::1; do
        check "/etc/environment: COREOS_$pair" grep -qx "+COREOS_$pair" out
done

finish
