#!/bin/bash
# Issue 11: `nodeinit status [--wait]` and `nodeinit analyze` read the
# result every apply run leaves in <root>/run/nodeinit/result.json. Under
# --root: not run, done, error (with file:line:col), running (the run held
# in its datasource request by a local HTTP server the test releases),
# --wait returning when another process finishes the run (started before
# the run, and while it runs), and a run killed half-way (interrupted).
# No sleeps: every step waits for a state (the server says when the request
# is in; the waiting status is checked to have reported the final state).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/assert.sh"

NODEINIT=${NODEINIT:-$top_builddir/nodeinit}
[[ -x $NODEINIT ]] || { nit_err "build $NODEINIT first"; exit 99; }
# the runs create users in their roots (useradd --root)
nit_require_root "useradd --root in the test roots"
nit_require_cmds python3 mkfifo
PY=$(nit_python)

S=$(nit_scratch_new) || exit 99
PIDS=()
cleanup() {
        local p
        for p in "${PIDS[@]}"; do
                nit_stop_pid "$p"
        done
        rm -rf "$S"
}
trap cleanup EXIT

# A user-data with content that must never reach the result or the log.
cat > "$S/good.yml" <<'EOF'
#cloud-config
write_files:
  - path: /etc/status-test.conf
    content: "SECRET-CONTENT-4711\n"
users:
  - name: alice
    passwd: "$6$rounds=4096$SECRETHASHSALT$abcdefghijklmnop"
ssh_authorized_keys:
  - "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISECRETKEYMATERIAL0000000000000000000000 t@x"
EOF
# write_files[1]'s mode is wrong: that item is left out, the rest applies
cat > "$S/bad.yml" <<'EOF'
#cloud-config
write_files:
  - path: /etc/ok.conf
    content: "fine\n"
  - path: /etc/bad.conf
    permissions: "0xyz"
    content: "x\n"
EOF

mkroot() {
        mkdir -p "$1/etc"
        printf 'root:x:0:0:root:/root:/bin/sh\n' > "$1/etc/passwd"
        printf 'root:x:0:\n' > "$1/etc/group"
}

status() { "$NODEINIT" status "$@"; }

# --- not run
R=$S/notrun
mkroot "$R"
out=$(status --root "$R"); rc=$?
assert_eq "$rc" 2 "status exit, not run"
assert_eq "$out" "status: not run" "status text, not run"
out=$(status --root "$R" --format=json); rc=$?
assert_eq "$rc" 2 "status --format=json exit, not run"
assert_eq "$($PY -c 'import json,sys; print(json.load(sys.stdin)["status"])' <<< "$out")" "not run" "json status"
"$NODEINIT" analyze --root "$R" > /dev/null 2>&1; rc=$?
assert_eq "$rc" 2 "analyze exit, not run"
status --root "$R" --format=yaml > /dev/null 2>&1; rc=$?
assert_eq "$rc" 2 "usage error"
[[ ! -e $R/run ]]; check "status does not create the result directory" test $? -eq 0

# --- done
R=$S/done
mkroot "$R"
"$NODEINIT" apply --root "$R" "file:$S/good.yml" > "$S/done.out" 2> "$S/done.err"; rc=$?
assert_eq "$rc" 0 "apply good.yml"
check "result written under the root" test -f "$R/run/nodeinit/result.json"
out=$(status --root "$R"); rc=$?
assert_eq "$rc" 0 "status exit, done"
assert_contains "$out" "status: done"
assert_contains "$out" "datasource: file ($S/good.yml)"
assert_matches "$out" '^finished: [0-9-]+T[0-9:.]+Z \([0-9.]+s\)$'
json=$(status --root "$R" --format=json)
$PY - "$json" <<'EOF' > "$S/json.check"
import json, sys
j = json.loads(sys.argv[1])
print(j["status"], j["state"], j["datasource"])
kinds = [s["kind"] for s in j["steps"]]
for k in ("datasource", "decode+validate", "plan", "file", "user"):
    assert k in kinds, (k, kinds)
for s in j["steps"]:
    assert 0 <= s["start_usec"] <= s["end_usec"], s
print("steps ok")
EOF
assert_eq "$(cat "$S/json.check")" $'done done file\nsteps ok' "status json fields and step times"
for secret in SECRET-CONTENT-4711 SECRETHASHSALT SECRETKEYMATERIAL; do
        check "no $secret in the result" bash -c "! grep -q $secret '$R/run/nodeinit/result.json'"
        check "no $secret on stderr" bash -c "! grep -q $secret '$S/done.err'"
done
check "no journal events on a terminal's stderr" bash -c "! grep -q 'Run started' '$S/done.err'"
out=$("$NODEINIT" analyze --root "$R"); rc=$?
assert_eq "$rc" 0 "analyze exit, done"
assert_contains "$out" "DURATION"
assert_matches "$out" 'done +datasource '"$S"'/good.yml file'
assert_matches "$out" 'done +files: [0-9]+ in one durable batch'
assert_matches "$out" 'decode\+validate'
# longest first
durs=$(awk '/^ +[0-9.]+m?s +\+/ { d = $1; v = d + 0; if (d ~ /ms$/) v = v / 1000; print v }' <<< "$out")
check "analyze sorted by duration" bash -c "sort -gr <<< '$durs' | cmp -s - <(cat <<< '$durs')"
jo=$("$NODEINIT" analyze --root "$R" --format=json)
assert_eq "$($PY -c 'import json,sys; j=json.load(sys.stdin); u=[s["usec"] for s in j["steps"]]; print(j["state"], u == sorted(u, reverse=True), len(u) >= 5)' <<< "$jo")" \
        "done True True" "analyze json"

# --- error, with the position of the error
R=$S/error
mkroot "$R"
"$NODEINIT" apply --root "$R" "file:$S/bad.yml" > /dev/null 2>&1; rc=$?
assert_eq "$rc" 1 "apply bad.yml"
out=$(status --root "$R"); rc=$?
assert_eq "$rc" 1 "status exit, error"
assert_contains "$out" "status: error"
assert_contains "$out" "$S/bad.yml:6:18: invalid value 0xyz; write_files[1] (/etc/bad.conf) not applied"
assert_eq "$($PY -c 'import json,sys; e=json.load(sys.stdin)["errors"][0]; print(e["file"], e["line"], e["column"])' \
        < "$R/run/nodeinit/result.json")" "$S/bad.yml 6 18" "error position in the file"
out=$(status --root "$R" --wait); rc=$?
assert_eq "$rc" 1 "status --wait on a finished run returns at once"

# --- a run held in its datasource request: running, then --wait
# The server says its port on $S/got (a FIFO: the read blocks until it
# listens), then reports each request there and answers it only when the
# test writes to $S/go.
mkfifo "$S/got" "$S/go"
cat > "$S/server.py" <<'EOF'
import http.server, sys
S, body = sys.argv[1], open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(S + "/got", "w") as f:
            f.write("in\n")
        with open(S + "/go") as f:
            f.read()
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the run that asked was killed
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(S + "/got", "w") as f:
    f.write("%d\n" % srv.server_address[1])
srv.serve_forever()
EOF
$PY "$S/server.py" "$S" "$S/good.yml" > "$S/server.log" 2>&1 &
PIDS+=($!)
read -r -t 300 port < "$S/got" || { fail "the server did not start"; finish; exit; }
URL=http://127.0.0.1:$port/
# credentials in a URL (user:password@, a presigned ?query) stay out of the result
SECRET_URL="http://nit:SECRETPASS@127.0.0.1:$port/ud?sig=SECRETSIG"

# a FIFO open blocks until the other side opens: bounded, for failures only
release() { timeout 300 bash -c 'echo go > "$1"' _ "$S/go" || fail "no request was waiting"; }

R=$S/wait
mkroot "$R"
# --wait before the run has started (the root's run directory does not exist yet)
status --root "$R" --wait > "$S/wait-early.out" 2>&1 &
W1=$!
PIDS+=($W1)
"$NODEINIT" apply --root "$R" --from-url="$SECRET_URL" --request-timeout=600 > /dev/null 2>&1 &
A=$!
PIDS+=($A)
read -r -t 300 _ < "$S/got" || { fail "the run never asked the server"; finish; exit; }
# the run is inside its request now: it wrote "running" before asking
out=$(status --root "$R"); rc=$?
assert_eq "$rc" 0 "status exit, running"
assert_contains "$out" "status: running"
assert_eq "$(status --root "$R" --format=json | $PY -c 'import json,sys; print(json.load(sys.stdin)["state"])')" running "json, running"
# --wait while the run is running
status --root "$R" --wait > "$S/wait-late.out" 2>&1 &
W2=$!
PIDS+=($W2)
release
wait "$A"; rc=$?
assert_eq "$rc" 0 "the held run finished"
wait "$W1"; rc=$?
assert_eq "$rc" 0 "--wait started before the run: exit"
assert_contains "$(cat "$S/wait-early.out")" "status: done"
wait "$W2"; rc=$?
assert_eq "$rc" 0 "--wait started during the run: exit"
assert_contains "$(cat "$S/wait-late.out")" "status: done"
assert_contains "$(cat "$S/wait-late.out")" "datasource: url (http://127.0.0.1:$port/ud)"
check "no URL credentials in the result" bash -c "! grep -qE 'SECRETPASS|SECRETSIG' '$R/run/nodeinit/result.json'"

# --- a run killed half-way: interrupted, and --wait does not hang on it
R=$S/killed
mkroot "$R"
"$NODEINIT" apply --root "$R" --from-url="$URL" --request-timeout=600 > /dev/null 2>&1 &
A=$!
PIDS+=($A)
read -r -t 300 _ < "$S/got" || { fail "the run never asked the server"; finish; exit; }
status --root "$R" --wait > "$S/wait-killed.out" 2>&1 &
W3=$!
PIDS+=($W3)
assert_contains "$(status --root "$R")" "status: running"
kill -KILL "$A"
wait "$A" 2>/dev/null
wait "$W3"; rc=$?
assert_eq "$rc" 1 "--wait on a killed run: exit"
assert_contains "$(cat "$S/wait-killed.out")" "status: error"
assert_contains "$(cat "$S/wait-killed.out")" "interrupted: the run (PID $A) ended without a final result"
# release the server's handler that still waits
release

finish
