#!/bin/bash
# Terminal and log injection (issue 8): values from user-data and metadata
# that hold ESC, BEL, CR or newlines are escaped in every output — text,
# log lines and JSON — so that no output line is forged and no control byte
# reaches the terminal.
set -u
. "$top_srcdir/tests/lib/assert.sh"

work=$(mktemp -d /tmp/nit-cli-esc-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# no_controls FILE: no byte of FILE is a control character but newline/tab
no_controls() {
        ! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n\t' < "$1")
}
# lines_start_with FILE PREFIX: every line of FILE starts with PREFIX;
# valgrind's own lines (--PID--, ==PID==: CI runs nodeinit under memcheck,
# which warns about openat2) are not nodeinit's output
lines_start_with() {
        ! grep -v -E -- '^(--|==)[0-9]+(--|==) ' "$1" | grep -qv -- "^$2"
}

# validate: a unit name with a newline and an ESC cannot forge a line
printf '#cloud-config\ncoreos:\n  units:\n    - name: "x\\ninjected.yml:1:1: error: forged\\e]0;owned\\a.service"\n      command: start\n' > inj.yml
"$NODEINIT" validate inj.yml > out.txt 2> err.txt; rc=$?
assert_eq "$rc" 1 "validate: the bad unit name is an error"
check "validate: every line starts with the file's name" lines_start_with out.txt 'inj\.yml:'
check "validate: no control byte in the output" no_controls out.txt
assert_contains "$(cat out.txt)" 'x\ninjected.yml:1:1: error: forged\x1b]0;owned\a.service'
assert_eq "$(grep -c 'forged' out.txt)" 1 "the forged text stays inside one diagnostic"

# the file name is a value too
name=$'evil\n\e[31mname.yml'
cp inj.yml "$name"
"$NODEINIT" validate "$name" > out.txt 2>&1
check "validate: a file name with a newline stays on its lines" lines_start_with out.txt 'evil\\n\\x1b\[31mname\.yml:'
check "validate: no control byte (file name)" no_controls out.txt

# JSON: parses, and gives back the exact bytes
"$NODEINIT" validate --format=json inj.yml > out.json
check "validate json: no control byte" no_controls out.json
check "validate json: the message holds the value exactly" python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
msgs = [e["message"] for e in d[0]["entries"]]
assert any("x\ninjected.yml:1:1: error: forged\x1b]0;owned\x07.service" in m for m in msgs), msgs
PY

# metadata: a hostname with ESC and BEL from a config drive. The datasource
# refuses it; the refusal quotes it, escaped, on one log line.
mkdir -p cd/openstack/latest
printf '{"hostname": "host\\u001b]0;pwned\\u0007\\r\\nnodeinit: forged", "uuid": "u-1"}\n' > cd/openstack/latest/meta_data.json
"$NODEINIT" metadata "configdrive:$work/cd" > md.json 2> md.err
check "metadata: no control byte on stdout" no_controls md.json
check "metadata: no control byte on stderr" no_controls md.err
check "metadata: every stderr line is one of nodeinit's" lines_start_with md.err 'nodeinit: '
assert_contains "$(cat md.err)" 'host\x1b]0;pwned\a\r\nnodeinit: forged'

# A config drive whose path holds ESC and a newline: "where" is a value
# in every report and log line.
drive=$work/$'drive\e]0;x\a\nnodeinit: forged'
mkdir -p "$drive/openstack/latest"
printf '{"hostname": "node-1", "uuid": "u-1"}\n' > "$drive/openstack/latest/meta_data.json"
printf '#cloud-config\nhostname: "bad\\u0007host"\nwrite_files:\n  - path: /etc/motd\n    content: "hi\\u001b[2J\\n"\n' > "$drive/openstack/latest/user_data"
"$NODEINIT" metadata "configdrive:$drive" > md.json 2> md.err; rc=$?
assert_eq "$rc" 0 "metadata from the config drive"
check "metadata: no control byte on stdout" no_controls md.json
check "metadata: no control byte on stderr" no_controls md.err
check "metadata: JSON gives back the path exactly" python3 - md.json "$drive" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["where"] == sys.argv[2], d["where"]
assert d["hostname"] == "node-1"
PY

# apply: text and JSON, dry run and real run under a root
mkdir root
for args in "--dry-run" "--dry-run --format=json" "" "--format=json"; do
        # shellcheck disable=SC2086
        "$NODEINIT" apply $args --root "$work/root" --systemd=none "configdrive:$drive" > ap.out 2> ap.err
        check "apply $args: no control byte on stdout" no_controls ap.out
        check "apply $args: no control byte on stderr" no_controls ap.err
        check "apply $args: every stderr line is nodeinit's or a diagnostic" \
                lines_start_with ap.err "\(nodeinit: \|$work/drive\\\\x1b\)"
        case $args in
        *json*) check "apply $args: JSON parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' ap.out ;;
        *) check "apply $args: the bad hostname is reported, escaped" grep -qF 'bad\ahost' ap.out ap.err ;;
        esac
done
check "apply: the file was written as given" cmp "$work/root/etc/motd" <(printf 'hi\e[2J\n')

finish
