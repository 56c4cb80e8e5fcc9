#!/bin/bash
# apply/discovery.c and `nodeinit discovery` against a real etcd v2 discovery
# service (tests/lib/etcd.sh) and real etcd members, all on 127.0.0.0/8:
# token creation, the v2 check (missing token, bad endpoint, unreachable,
# open, this member already registered, full, duplicate name) and etcd 0.4
# registration (idempotent, peers reported).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/etcd.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_cmds etcd curl python3
NODEINIT=${NODEINIT:-$top_builddir/nodeinit}
[[ -x $NODEINIT ]] || { nit_err "no $NODEINIT"; exit 99; }

# a block of 4 ports per run, so parallel runs (build dirs) do not collide:
PORT=$((24400 + ($$ % 100) * 4))  # discovery etcd: client $PORT, peer $PORT+1
MPORT=$((PORT + 2))             # members: client $MPORT, peer $MPORT+1
S=$(nit_scratch_new) || exit 99
PIDS=()
cleanup() {
        local p
        for p in "${PIDS[@]}"; do
                nit_stop_pid "$p" 2000
        done
        etcd_disc_stop "$S/disc"
        rm -rf "$S"
}
trap cleanup EXIT

etcd_disc_start "$S/disc" --port $PORT || exit 99
PREFIX=$ETCD_DISC_URL/v2/keys/discovery

# disc ARGS... : nodeinit discovery, output in $S/out, exit status in $RC
disc() {
        "$NODEINIT" discovery "$@" > "$S/out" 2> "$S/err"
        RC=$?
        sed 's/^/    # /' "$S/out" "$S/err"
}
out_has() { grep -qE -- "$1" "$S/out"; }
key_json() { curl -sS -m 30 "$1"; }
json_get() { "$(nit_python)" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# start_member NAME IP URL : a real etcd member using discovery URL (background)
start_member() {
        local name=$1 ip=$2 url=$3
        ETCD_DISCOVERY=$url "$ETCD_BIN" --name "$name" --data-dir "$S/$name" \
                --listen-client-urls "http://$ip:$MPORT" --advertise-client-urls "http://$ip:$MPORT" \
                --listen-peer-urls "http://$ip:$((MPORT + 1))" \
                --initial-advertise-peer-urls "http://$ip:$((MPORT + 1))" \
                > "$S/$name.log" 2>&1 < /dev/null &
        PIDS+=($!)
}

# --- token creation
disc new --size 3 "$PREFIX"
TOKEN_URL=$(cat "$S/out")
check "new: exit 0" test "$RC" -eq 0
check "new: URL is PREFIX/<32 hex>" grep -qE "^$PREFIX/[0-9a-f]{32}\$" "$S/out"
check "new: _config/size = 3" test "$(key_json "$TOKEN_URL/_config/size" | json_get 'd["node"]["value"]')" = 3
disc new --size 0 "$PREFIX"
check "new: --size 0 is a usage error" test "$RC" -eq 2

# --- v2 check
disc check --name m1 --peer-urls "http://127.0.0.11:$((MPORT + 1))" "$TOKEN_URL"
check "open token: exit 0" test "$RC" -eq 0
check "open token: status" out_has '^status: open$'
check "open token: size" out_has '^size: 3$'
check "open token: nobody registered" out_has '^registered: 0$'
check "open token: will join" out_has 'will join as member [0-9a-f]+'

disc check "$PREFIX/0123456789abcdef0123456789abcdef"
check "missing token: exit 1" test "$RC" -eq 1
check "missing token: status" out_has '^status: no-token$'

disc check "$ETCD_DISC_URL/version"
check "not a discovery endpoint: exit 1" test "$RC" -eq 1
check "not a discovery endpoint: status" out_has '^status: bad-response$'

disc check --timeout 1 "http://127.0.0.1:$((PORT + 2))/v2/keys/discovery/x"   # nothing on 127.0.0.1 there
check "unreachable: exit 1" test "$RC" -eq 1
check "unreachable: status" out_has '^status: unreachable$'

# a token whose size is not a number
curl -sS -m 30 -o /dev/null -X PUT "$PREFIX/badsize/_config/size" -d value=three
disc check "$PREFIX/badsize"
check "bad size: exit 1" test "$RC" -eq 1
check "bad size: status" out_has '^status: bad-response$'

# --- a real member registers itself; our member ID is etcd's
TOK1=$("$NODEINIT" discovery new --size 1 "$PREFIX")
disc check --name m1 --peer-urls "http://127.0.0.11:$((MPORT + 1))" "$TOK1"
ID=$(sed -n 's/^member-id: //p' "$S/out")
start_member m1 127.0.0.11 "$TOK1"
check "m1 registered itself" nit_retry 120000 0.1 bash -c "curl -sf -m 10 '$TOK1' | grep -q '\"nodes\"'"
REG=$(key_json "$TOK1" | json_get 'd["node"]["nodes"][0]["key"].rsplit("/", 1)[1]')
check "computed member ID = the key etcd registered ($ID)" test "$ID" = "$REG"

disc check --name m1 --peer-urls "http://127.0.0.11:$((MPORT + 1))" "$TOK1"
check "own member registered: status" out_has '^status: self-registered$'
check "own member registered: says why" out_has 'rebuilt node with an empty data dir will be refused'
check "own member registered: exit 0 (a reboot with its data dir is fine)" test "$RC" -eq 0

# the rebuilt node: same name and URLs, empty data dir -> etcd refuses
nit_stop_pid "${PIDS[-1]}" 5000
rm -rf "$S/m1"
ETCD_DISCOVERY=$TOK1 timeout 120 "$ETCD_BIN" --name m1 --data-dir "$S/m1" \
        --listen-client-urls "http://127.0.0.11:$MPORT" --advertise-client-urls "http://127.0.0.11:$MPORT" \
        --listen-peer-urls "http://127.0.0.11:$((MPORT + 1))" \
        --initial-advertise-peer-urls "http://127.0.0.11:$((MPORT + 1))" > "$S/m1-again.log" 2>&1 < /dev/null
rc=$?
check "etcd really refuses the rebuilt member (rc=$rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check "etcd says it registered before" grep -q "has previously registered with discovery service token" "$S/m1-again.log"
rm -rf "$S/m1"

disc check --name m2 --peer-urls "http://127.0.0.12:$((MPORT + 1))" "$TOK1"
check "full: status" out_has '^status: full$'
check "full: proxy fallback by default, exit 0" test "$RC" -eq 0
check "full: says proxy" out_has 'will run as a proxy \(discovery_fallback=proxy\)'
disc check --name m2 --peer-urls "http://127.0.0.12:$((MPORT + 1))" --fallback exit "$TOK1"
check "full with fallback exit: exit 1" test "$RC" -eq 1
check "full with fallback exit: says so" out_has 'etcd will exit'

# a stale registration with our name under another ID
TOK3=$("$NODEINIT" discovery new --size 3 "$PREFIX")
curl -sS -m 30 -o /dev/null -X PUT "$TOK3/00000000000000aa?prevExist=false" -d "value=m2=http://127.0.0.99:$((MPORT + 1))"
disc check --name m2 --peer-urls "http://127.0.0.12:$((MPORT + 1))" "$TOK3"
check "duplicate name: status" out_has '^status: duplicate$'
check "duplicate name: exit 1" test "$RC" -eq 1
check "duplicate name: names the stale member" out_has '00000000000000aa=m2=http://127.0.0.99'
check "check never registers" test "$(key_json "$TOK3" | json_get 'len(d["node"]["nodes"])')" = 1

# --- etcd 0.4: we register, idempotently, and report the peers
T04=$ETCD_DISC_URL/v2/keys/disc04/$(tr -d - < /proc/sys/kernel/random/uuid)
disc register --name n1 --peer-addr 10.0.0.1:7001 "$T04"
check "0.4 register: exit 0" test "$RC" -eq 0
check "0.4 register: status" out_has '^status: registered$'
check "0.4 register: value" test "$(key_json "$T04/n1" | json_get 'd["node"]["value"]')" = 10.0.0.1:7001
check "0.4 register: ttl 604800" test "$(key_json "$T04/n1" | json_get 'd["node"]["ttl"] > 604700')" = True
MOD1=$(key_json "$T04/n1" | json_get 'd["node"]["modifiedIndex"]')
disc register --name n1 --peer-addr 10.0.0.1:7001 "$T04/"
check "0.4 again: unchanged" out_has '^status: unchanged$'
check "0.4 again: no write" test "$(key_json "$T04/n1" | json_get 'd["node"]["modifiedIndex"]')" = "$MOD1"
disc register --name n2 --peer-addr 10.0.0.2:7001 "$T04"
check "0.4 second node: registered" out_has '^status: registered$'
check "0.4 second node: reports the first" out_has '1 other peer: n1=10.0.0.1:7001'
check "0.4 second node: both listed" out_has '^registered: 2$'
disc register --name n2 --peer-addr 10.0.0.22:7001 "$T04"
check "0.4 changed address: re-registered" out_has 're-registered n2=10.0.0.22:7001 \(was 10.0.0.2:7001\)'
check "0.4 changed address: stored" test "$(key_json "$T04/n2" | json_get 'd["node"]["value"]')" = 10.0.0.22:7001

finish
