#!/bin/bash
# Isolation as the command line reports it (issue 9): an error skips only
# the item that holds it, each skip is one line
#   FILE:LINE:COL: error: MESSAGE; ITEM not applied
# (positions in the user-data as given, MIME parts included), exit 1; the
# rest is applied. --strict keeps all or nothing; --dry-run shows the skips,
# in text and JSON.
set -u
. "$top_srcdir/tests/lib/assert.sh"

work=$(mktemp -d /tmp/nit-cli-iso-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ud.yml <<'YML'
#cloud-config
write_files:
  - path: /etc/good-1
    content: one
  - path: /etc/bad
    permissions: "0999"
    content: bad
  - path: /etc/good-2
    content: two
coreos:
  update:
    reboot-strategy: sometimes
    group: stable
  units:
    - name: "bad unit"
      command: start
    - name: app.service
      content: "[Service]\nExecStart=/bin/true\n"
YML

mkdir root
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "dry run with skipped items: exit 1"
out=$(cat out)
assert_contains "$out" "ud.yml:6:18: error: invalid value 0999; write_files[1] (/etc/bad) not applied"
assert_contains "$out" "ud.yml:12:22: error: invalid value sometimes; coreos.update.reboot_strategy not applied"
assert_contains "$out" "; coreos.units[0] (bad unit) not applied"
assert_matches "$out" '^ud\.yml:15:[0-9]+: error: invalid unit name "bad unit"'
assert_contains "$out" "create    /etc/good-1 (0644 root) [write_files[0]]"
assert_contains "$out" "create    /etc/good-2 (0644 root) [write_files[2]]"
assert_contains "$out" "create    /etc/systemd/system/app.service"
assert_contains "$out" "+GROUP=stable"
assert_not_contains "$out" "/etc/bad "
check "dry run wrote nothing" test -z "$(find root -mindepth 1 -print -quit)"

"$NODEINIT" apply --dry-run --format=json --root "$work/root" --systemd=none ud.yml > out.json 2>/dev/null; rc=$?
assert_eq "$rc" 1 "JSON dry run: exit 1"
check "JSON dry run: every skip with item, reason, place" python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["plan"]
skips = {i["origin"]: i for i in d["issues"] if i["skipped"]}
assert set(skips) == {"write_files[1] (/etc/bad)", "coreos.update.reboot_strategy", "coreos.units[0] (bad unit)"}, skips
w = skips["write_files[1] (/etc/bad)"]
assert (w["where"], w["line"], w["column"], w["kind"]) == ("ud.yml", 6, 18, "error"), w
assert w["message"] == "invalid value 0999", w
assert [f["path"] for f in d["files"] if f["path"].startswith("/etc/good")] == ["/etc/good-1", "/etc/good-2"]
PY

# a unit whose section was skipped is not started, said at its units[] entry
cat > section.yml <<'YML'
#cloud-config
coreos:
  etcd2:
    discovery: https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579
    proxy: maybe
  units:
    - name: etcd2.service
      command: start
YML
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none section.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "a skipped section: exit 1"
assert_contains "$(cat out)" "section.yml:5:12: error: invalid value maybe; coreos.etcd2 not applied"
assert_contains "$(cat out)" "section.yml:7:7: error: coreos.units[0] (etcd2.service): etcd2.service is not started because coreos.etcd2 was not applied"
"$NODEINIT" apply --dry-run --format=json --root "$work/root" --systemd=none section.yml > out.json 2>/dev/null
check "JSON: the unit not started, with its place" python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["plan"]
u = [i for i in d["issues"] if i["origin"] == "coreos.units[0] (etcd2.service)"]
assert len(u) == 1 and not u[0]["skipped"], u
assert (u[0]["where"], u[0]["line"], u[0]["column"]) == ("section.yml", 7, 7), u
PY

# the planner's own warnings name the place too: a second entry for one
# file, a key import nodeinit does not do
cat > placed.yml <<'YML'
#cloud-config
write_files:
  - path: /etc/twice
    content: first
  - path: /etc//twice
    content: second
users:
  - name: bob
    coreos-ssh-import-github: bob
YML
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none placed.yml > out 2> err; rc=$?
assert_eq "$rc" 0 "warnings only: exit 0"
assert_contains "$(cat out)" "placed.yml:5:5: warning: write_files[1] (/etc//twice): /etc/twice is also written by write_files[0]"
assert_contains "$(cat out)" "placed.yml:9:31: warning: users[0] (bob): remote SSH key import is not supported; ignored"

# the real run: the good items are there, the bad one is not
"$NODEINIT" apply --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "apply with skipped items: exit 1"
check "good-1 written" test "$(cat root/etc/good-1)" = one
check "good-2 written" test "$(cat root/etc/good-2)" = two
check "the unit written" test -f root/etc/systemd/system/app.service
check "update.conf has the good key" grep -qx GROUP=stable root/etc/coreos/update.conf
check "the bad file is not" test ! -e root/etc/bad
assert_contains "$(cat out)" "ud.yml:6:18: error: invalid value 0999; write_files[1] (/etc/bad) not applied"
# coreos-cloudinit's -ignore-failure forgives malformed user-data: the
# skips are still reported, the status is 0
"$NODEINIT" apply --root "$work/root" --systemd=none --ignore-failure ud.yml > out 2>&1
assert_eq "$?" 0 "--ignore-failure: exit 0 with skipped items"
assert_contains "$(cat out)" "write_files[1] (/etc/bad) not applied"

# --strict: all or nothing, and warnings count
mkdir strict
"$NODEINIT" apply --strict --root "$work/strict" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "--strict: exit 1"
check "--strict: nothing of the cloud-config written" test ! -e strict/etc/good-1
assert_contains "$(cat err)" "not applied (errors or warnings with --strict)"
printf '#cloud-config\nwrite_files:\n  - path: /etc/w\n    content: w\nunknown_key: 1\n' > warn.yml
"$NODEINIT" apply --strict --root "$work/strict" --systemd=none warn.yml > /dev/null 2>&1
assert_eq "$?" 1 "--strict: a warning fails the part"
check "--strict: nothing written on a warning" test ! -e strict/etc/w
"$NODEINIT" apply --root "$work/strict" --systemd=none warn.yml > /dev/null 2>&1
assert_eq "$?" 0 "without --strict a warning is only a warning"

# a $variable without a value in a comment draws no warning: CoreOS's own
# template mentions $public_ipv4 in one, and a node without a public
# address applies it under --strict; in a value it is still a warning
printf '#cloud-config\n# multi-region deployments need to use $public_ipv4\nwrite_files:\n  - path: /etc/c\n    content: "$private_ipv4"\n' > comment.yml
env -u COREOS_PUBLIC_IPV4 COREOS_PRIVATE_IPV4=10.0.0.5 \
        "$NODEINIT" apply --strict --root "$work/strict" --systemd=none comment.yml > out 2> err
assert_eq "$?" 0 "--strict: a variable without a value in a comment is no warning"
assert_eq "$(cat strict/etc/c)" "10.0.0.5" "--strict: the comment's config applied"
env -u COREOS_PUBLIC_IPV4 -u COREOS_PRIVATE_IPV4 \
        "$NODEINIT" apply --dry-run --root "$work/strict" --systemd=none comment.yml > out 2> err
assert_contains "$(cat err)" "comment.yml:5:15: warning: variable \$private_ipv4 has no value; substituted an empty string"
check "no warning about the comment" sh -c '! grep -q public_ipv4 err'

# MIME: positions are the user-data's lines, not the part's
{
        printf 'Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n'
        printf -- '--XX\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho hi\n'
        printf -- '--XX\nContent-Type: text/cloud-config\n\n#cloud-config\nwrite_files:\n  - path: /etc/m\n    permissions: "0999"\n  - path: /etc/m2\n    content: m2\n'
        printf -- '--XX--\n'
} > multi.txt
mkdir mroot
"$NODEINIT" apply --dry-run --root "$work/mroot" --systemd=none multi.txt > out 2> err; rc=$?
assert_eq "$rc" 1 "MIME with a skipped item: exit 1"
assert_contains "$(cat out)" "multi.txt:15:18: error: invalid value 0999; write_files[0] (/etc/m) not applied"
assert_contains "$(cat out)" "create    /etc/m2 (0644 root) [write_files[1]]"

# what cannot be isolated stays fatal for the part
printf '#cloud-config\nwrite_files: [\n' > syntax.yml
"$NODEINIT" apply --dry-run --root "$work/mroot" --systemd=none syntax.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "a YAML syntax error: exit 1"
assert_contains "$(cat err)" "1 cloud-config not applied (not valid YAML, or not a mapping)"

finish
