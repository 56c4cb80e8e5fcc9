#!/bin/bash
# nodeinit validate as a user runs it: output formats, exit codes, stdin,
# every classification, and coreos-cloudinit's -validate flag form.
set -u
. "$top_srcdir/tests/lib/assert.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

printf '#cloud-config\nhostname: a\n' > good.yml
printf '#cloud-config\nhostname: a\nfoo: 1\n' > warn.yml
printf '#cloud-config\ncoreos:\n  units:\n    - name: a.service\n      command: lol\n' > bad.yml
printf '#cloud-config\na:\na\n' > syntax.yml
printf '#!/bin/sh\necho hi\n' > script.sh
printf '{"ignition": {"version": "3.0.0"}}\n' > ign.json
printf '{"ignitionVersion": 1}\n' > ign1.json
: > empty
printf 'hello\n' > junk
printf '#cloud-config\nhostname: a\n' | gzip > good.yml.gz

# text: compiler-style lines and a summary per file
out=$("$NODEINIT" validate good.yml warn.yml); rc=$?
assert_eq "$rc" 0 "warnings alone pass"
assert_contains "$out" "warn.yml:3:1: warning: unrecognized key \"foo\""
assert_contains "$out" "good.yml: valid cloud-config"
assert_contains "$out" "warn.yml: valid cloud-config (1 warning)"

out=$("$NODEINIT" validate bad.yml); rc=$?
assert_eq "$rc" 1 "an error fails"
assert_contains "$out" "bad.yml:5:16: error: invalid value lol"
assert_contains "$out" "bad.yml: invalid cloud-config (1 error)"

"$NODEINIT" validate --strict warn.yml >/dev/null; assert_eq "$?" 1 "--strict fails on warnings"
"$NODEINIT" validate --strict good.yml >/dev/null; assert_eq "$?" 0 "--strict passes a clean file"

out=$("$NODEINIT" validate syntax.yml); rc=$?
assert_eq "$rc" 1 "syntax error"
assert_eq "$(grep -c ': error: ' <<< "$out")" 1 "exactly one entry after a syntax error"
assert_contains "$out" "syntax.yml:3:1: error: could not find expected ':'"

out=$("$NODEINIT" validate script.sh ign.json ign1.json empty good.yml.gz); rc=$?
assert_eq "$rc" 0 "script, Ignition, empty and gzip inputs are valid"
assert_contains "$out" "script.sh: valid (#! script, not validated)"
assert_contains "$out" "ign.json: valid (Ignition config, not validated"
assert_contains "$out" "ign1.json: valid (Ignition config"
assert_contains "$out" "empty: valid (empty user-data)"
assert_contains "$out" "good.yml.gz: valid cloud-config"

out=$("$NODEINIT" validate junk); rc=$?
assert_eq "$rc" 1 "unknown format"
assert_contains "$out" "junk:1:1: error: must be \"#cloud-config\" or begin with \"#!\""

out=$("$NODEINIT" validate - < bad.yml); rc=$?
assert_eq "$rc" 1 "stdin"
assert_contains "$out" "<stdin>:5:16: error: invalid value lol"

# usage errors and unreadable files: 2
"$NODEINIT" validate >/dev/null 2>&1; assert_eq "$?" 2 "no file"
"$NODEINIT" validate --format=xml good.yml >/dev/null 2>&1; assert_eq "$?" 2 "bad format"
"$NODEINIT" validate --bogus good.yml >/dev/null 2>&1; assert_eq "$?" 2 "unknown option"
"$NODEINIT" validate good.yml missing.yml >/dev/null 2>&1; assert_eq "$?" 2 "unreadable file"
"$NODEINIT" validate "$work" >/dev/null 2>&1; assert_eq "$?" 2 "a directory"

# json: exactly one array, one object per file
"$NODEINIT" validate --format=json good.yml bad.yml syntax.yml ign.json > out.json; rc=$?
assert_eq "$rc" 1 "json exit status"
python3 - out.json <<'PY' || fail "json shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 4, d
assert [o["path"] for o in d] == ["good.yml", "bad.yml", "syntax.yml", "ign.json"]
assert [o["valid"] for o in d] == [True, False, False, True]
assert d[0]["entries"] == []
assert d[1]["entries"] == [{"kind": "error", "line": 5, "column": 16, "message": "invalid value lol"}], d[1]
for o in d:
    assert set(o) >= {"path", "valid", "entries"}
PY

# coreos-cloudinit's flags, single or double dash
out=$("$NODEINIT" -validate -from-file=bad.yml 2>&1); rc=$?
assert_eq "$rc" 1 "compat: error"
assert_matches "$out" '^[0-9/]+ [0-9:]+ line 5: error: invalid value lol$'
out=$("$NODEINIT" --validate --from-file warn.yml 2>&1); rc=$?
assert_eq "$rc" 1 "compat: any entry fails, as coreos-cloudinit"
assert_contains "$out" "line 3: warning: unrecognized key \"foo\""
"$NODEINIT" -validate -from-file=good.yml; assert_eq "$?" 0 "compat: clean"
"$NODEINIT" -validate -from-file=script.sh; assert_eq "$?" 0 "compat: script"
# -validate with a network source: user-data fetched, then validated
# -u: the "Serving HTTP on ... port N" line must reach the log unbuffered
python3 -u -m http.server --bind 127.0.0.1 0 > http.log 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; rm -rf "$work"' EXIT
# wait for the server to say its port; the bound only ends a broken run
port=
deadline=$((SECONDS + 120))
while [ -z "$port" ]; do
        port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' http.log)
        [ -n "$port" ] && break
        kill -0 "$http_pid" 2>/dev/null || { cat http.log >&2; fail "http.server exited"; break; }
        [ "$SECONDS" -lt "$deadline" ] || { fail "http.server did not report its port within 120 s"; break; }
        sleep 0.05
done
out=$("$NODEINIT" -validate -from-url="http://127.0.0.1:$port/bad.yml" 2>&1); rc=$?
assert_eq "$rc" 1 "compat: -from-url"
assert_contains "$out" "line 5: error: invalid value lol"
kill "$http_pid"
ln -s "$NODEINIT" coreos-cloudinit
./coreos-cloudinit -validate=true -from-file=bad.yml 2>/dev/null; assert_eq "$?" 1 "called as coreos-cloudinit"
out=$(./coreos-cloudinit -version); assert_contains "$out" "coreos-cloudinit"

# MIME multipart: each cloud-config part, at its lines in the file
{
        printf 'Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n'
        printf -- '--XX\nContent-Type: text/cloud-config\n\n#cloud-config\nfoo: 1\n'
        printf -- '--XX\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho\n'
        printf -- '--XX\nContent-Type: text/cloud-config\n\ncoreos:\n  units:\n    - name: x\n--XX--\n'
} > multi.txt
out=$("$NODEINIT" validate multi.txt); rc=$?
assert_eq "$rc" 1 "multipart with an error"
assert_contains "$out" "multi.txt:8:1: warning: unrecognized key \"foo\""
assert_contains "$out" "multi.txt:19:13: error: invalid unit name \"x\""

# examples shipped in data/ validate without errors
"$NODEINIT" validate "$top_srcdir"/data/examples/*.yml >/dev/null; assert_eq "$?" 0 "data/examples"

finish
