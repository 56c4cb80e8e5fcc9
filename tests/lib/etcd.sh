# shellcheck shell=bash
# A self-hosted etcd v2 discovery service (what discovery.etcd.io runs):
# Debian's etcd-server 3.4 with --enable-v2 (test-harness.md recipe 2).
#
#   etcd_disc_start DIR [--netns NS] [--addr IP] [--port PORT]
#                       start it (default 127.0.0.1:24001 in the root namespace;
#                       in the cluster: --netns nit-..-md --addr 169.254.169.254
#                       so nodes reach it), wait for /health; sets/exports
#                       ETCD_DISC_URL=http://IP:PORT and ETCD_DISC_PID
#   etcd_disc_curl DIR CURL_ARGS...   curl from where the server is reachable
#                       (inside its namespace: never from the root namespace
#                       to a non-loopback address)
#   etcd_token_new DIR SIZE   create a token like discovery.etcd.io/new?size=N
#                       (PUT /v2/keys/discovery/<token>/_config/size); prints
#                       the discovery URL http://IP:PORT/v2/keys/discovery/<token>
#   etcd_token_members DIR URL   print the registered "name=peerURL" values in
#                       registration order (etcd takes the first SIZE; nodes
#                       racing a full token may register and still lose)
#   etcd_disc_stop DIR  stop it (SIGTERM, SIGKILL after 2 s), remove the data dir
# DIR (caller's scratch) holds data/, log, pid, url, netns.

[[ -n ${_NIT_ETCD_SH:-} ]] && return 0
_NIT_ETCD_SH=1
# shellcheck source=tests/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ETCD_BIN=${ETCD_BIN:-etcd}

_etcd_ns_run() {
        local d=$1 ns
        shift
        ns=$(cat "$d/netns" 2>/dev/null)
        if [[ -n $ns ]]; then
                nsenter "--net=/run/netns/$ns" -- "$@"
        else
                "$@"
        fi
}

etcd_disc_curl() {
        local d=$1
        shift
        _etcd_ns_run "$d" curl -sS -m 30 "$@"
}

etcd_disc_start() {
        local d=$1 ns="" addr=127.0.0.1 port=24001 pid
        shift
        while (( $# )); do
                case $1 in
                --netns) ns=$2 ;;
                --addr) addr=$2 ;;
                --port) port=$2 ;;
                *) nit_err "etcd_disc_start: unknown option $1"; return 1 ;;
                esac
                shift 2
        done
        if [[ -z $ns && $addr != 127.* ]]; then
                nit_err "etcd_disc_start: non-loopback $addr needs --netns (root namespace stays on loopback)"
                return 1
        fi
        mkdir -p "$d" || return 1
        d=$(cd "$d" && pwd)
        rm -rf "$d/data"
        echo "$ns" > "$d/netns"
        echo "http://$addr:$port" > "$d/url"
        # The peer URL stays on the loopback of wherever it runs: a single
        # member never talks to peers, and nodes must not see it.
        local -a pre=()
        [[ -n $ns ]] && pre=(nsenter "--net=/run/netns/$ns" --)
        # no shell function in the background: $! must be etcd itself
        "${pre[@]}" "$ETCD_BIN" --name nit-disc --data-dir "$d/data" --enable-v2 \
                --listen-client-urls "http://$addr:$port" --advertise-client-urls "http://$addr:$port" \
                --listen-peer-urls "http://127.0.0.1:$((port + 1))" \
                --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
                --initial-cluster "nit-disc=http://127.0.0.1:$((port + 1))" \
                > "$d/log" 2>&1 < /dev/null &
        pid=$!
        echo "$pid" > "$d/pid"
        # healthy *and* still ours: a busy port would let another server answer
        if ! nit_retry 120000 0.05 etcd_disc_curl "$d" -f -o /dev/null "http://$addr:$port/health" 2>/dev/null ||
                ! nit_alive "$pid"; then
                nit_err "discovery etcd not healthy; log:"
                tail -n 20 "$d/log" >&2
                etcd_disc_stop "$d"
                return 1
        fi
        export ETCD_DISC_PID=$pid ETCD_DISC_URL=http://$addr:$port
        return 0
}

etcd_token_new() {
        local d=$1 size=$2 url token
        url=$(cat "$d/url") || return 1
        token=$(tr -d - < /proc/sys/kernel/random/uuid)
        etcd_disc_curl "$d" -f -o /dev/null -X PUT \
                "$url/v2/keys/discovery/$token/_config/size" -d "value=$size" || return 1
        echo "$url/v2/keys/discovery/$token"
}

etcd_token_members() {
        local d=$1 url=$2
        etcd_disc_curl "$d" -f "$url?recursive=true" |
                "$(nit_python)" -c '
import json, sys
node = json.load(sys.stdin)["node"]
for n in sorted(node.get("nodes", []), key=lambda n: n["createdIndex"]):
    if not n.get("dir"):
        print(n["value"])'
}

etcd_disc_stop() {
        local d=$1 pid
        [[ -d $d ]] || return 0
        pid=$(cat "$d/pid" 2>/dev/null)
        nit_stop_pid "$pid" 2000
        # each member preallocates a 64 MB WAL: never leave data dirs behind
        rm -rf "$d/data"
        rm -f "$d/pid"
        ! nit_alive "${pid:-0}"
}
