#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""EC2 instance metadata service (IMDS) simulator for nodeinit's tests.

Python 3 standard library only. Behaves like EC2's IMDS where clients can
tell the difference (platform.md section 6):

  * PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds 1..21600
    issues a token (400 without/with a bad TTL, 403 with X-Forwarded-For or on
    a dated path such as /2021-03-23/api/token, 405 for other methods);
  * GETs carry X-aws-ec2-metadata-token; with --mode v2-required a missing,
    unknown or expired token is 401; an unknown token is 401 in v2-optional
    mode too;
  * /latest/ and dated paths (/2009-04-04/...) serve the same tree (dated
    requests are counted, so tests can assert none were made);
  * directory listings end in '/', public-keys/ lists "N=name";
  * absent leaves and absent user-data are 404;
  * HTTP/1.1 keep-alive, so connection reuse can be observed.

Nodes are chosen by the client's source address (JSON file shaped like the
cluster harness's nodes.json), falling back to the "default" entry, or the
built-in node when no file is given.

Failure modes for tests: --mode v1-only (token endpoint 404), v1-405,
disabled (403 everywhere); --fail-first N (first N requests get
--fail-code, default 503); --drop-first N (first N requests: connection
closed without an answer; drops come before fails); --fail-skip N (both
windows start after N good requests: failures mid-run); --delay-start S (the port is bound but does not
listen for S seconds, so connections are refused: a late network);
--listen-when FILE (the same, until FILE exists);
--slow S (each answer delayed); --token-ttl S (cap on token lifetime);
--expire-tokens-after N (every issued token is invalidated after N
token-authenticated GETs: deterministic expiry mid-run).

Stats: GET /__stats returns JSON counters (not counted themselves), and
--stats-file F is rewritten after every request. --log F appends one line
per request: "CLIENT METHOD PATH STATUS".
"""
import argparse
import base64
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
import time
import http.server

DEFAULT_NODE = {
    "meta-data": {
        "local-ipv4": "172.16.34.43",
        "public-ipv4": "192.0.2.54",
        "ipv6": "2001:db8::43",
        "hostname": "ip-172-16-34-43.ec2.internal",
        "local-hostname": "ip-172-16-34-43.ec2.internal",
        "instance-id": "i-1234567890abcdef0",
        "instance-type": "m5.large",
        "placement": {"availability-zone": "us-east-1a", "region": "us-east-1"},
        "public-keys": {"0": {"name": "my-key", "openssh-key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample my-key\n"}},
    },
    "user-data": "#cloud-config\nhostname: sim-node\n",
}

DATED_PREFIXES = ("/2009-04-04/", "/2016-09-02/", "/2018-09-24/", "/2021-03-23/", "/1.0/")


class State:
    def __init__(self, args, nodes):
        self.args = args
        self.nodes = nodes
        self.lock = threading.Lock()
        self.tokens = {}  # token -> expiry (monotonic)
        self.authed_gets = 0
        self.seq = 0
        self.stats = {
            "requests": 0, "puts": 0, "gets": 0, "other": 0, "connections": 0,
            "tokens_issued": 0, "status": {}, "dated_requests": 0, "forwarded_for": 0,
            "gets_without_token": 0, "failed": 0, "dropped": 0, "paths": [],
        }
        self.log = open(args.log, "a", buffering=1) if args.log else None

    def count(self, method, path, status, client="-"):
        s = self.stats
        s["status"][str(status)] = s["status"].get(str(status), 0) + 1
        s["paths"].append(f"{method} {path} {status}")
        del s["paths"][:-1000]  # a long-running cluster simulator keeps only the recent ones
        if self.log:
            self.log.write(f"{client} {method} {path} {status}\n")
        if self.args.stats_file:
            tmp = self.args.stats_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump(s, f)
            os.replace(tmp, self.args.stats_file)


def node_lookup(state, addr):
    n = state.nodes.get(addr)
    if n is None:
        n = state.nodes.get("default")
    return n


def key_entries(keys):
    """public-keys may be {"0": {"name": .., "openssh-key": ..}} or {"0=name": {...}}."""
    out = []
    for k, v in keys.items():
        if "=" in k:
            idx, name = k.split("=", 1)
        else:
            idx, name = k, (v.get("name") if isinstance(v, dict) else None) or f"key-{k}"
        out.append((idx, name, v))
    out.sort(key=lambda e: int(e[0]) if e[0].isdigit() else 1 << 30)
    return out


def listing(d):
    return "\n".join(k + ("/" if isinstance(v, dict) else "") for k, v in d.items() if k != "name")


def resolve(md, rest):
    """Returns (status, body) for a path under meta-data/."""
    parts = [p for p in rest.split("/") if p]
    if not parts:
        return 200, listing(md)
    if parts[0] == "public-keys" and isinstance(md.get("public-keys"), dict):
        entries = key_entries(md["public-keys"])
        if len(parts) == 1:
            return 200, "\n".join(f"{i}={n}" for i, n, _ in entries)
        for i, n, v in entries:
            if i == parts[1]:
                if len(parts) == 2:
                    return 200, listing(v) if isinstance(v, dict) else "openssh-key"
                if len(parts) == 3 and isinstance(v, dict) and parts[2] in v and parts[2] != "name":
                    return 200, str(v[parts[2]])
        return 404, None
    cur = md
    for p in parts:
        if not isinstance(cur, dict) or p not in cur:
            return 404, None
        cur = cur[p]
    if isinstance(cur, dict):
        return 200, listing(cur)
    return 200, str(cur)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle plus
    # the client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True
    server_version = "EC2ws"
    sys_version = ""

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        with self.server.state.lock:
            self.server.state.stats["connections"] += 1

    def send(self, status, body=None, ctype="text/plain", extra=None):
        st = self.server.state
        if st.args.slow:
            time.sleep(st.args.slow)
        if body is None:
            body = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                    405: "Method Not Allowed", 503: "Service Unavailable"}.get(status, "")
        b = body if isinstance(body, bytes) else body.encode()
        # Counted before answering, so a client that has its answer sees the stats.
        with st.lock:
            st.count(self.command, self.path, status, self.client_address[0])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(b)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b)

    def pre(self):
        """Common failure injection. Returns True when the request was handled."""
        st = self.server.state
        if self.path == "/__stats":
            b = json.dumps(st.stats).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
            return True
        # Drain any request body so keep-alive stays in sync.
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        with st.lock:
            st.seq += 1
            seq = st.seq
            st.stats["requests"] += 1
            key = {"PUT": "puts", "GET": "gets"}.get(self.command, "other")
            st.stats[key] += 1
            if any(self.path.startswith(p) for p in DATED_PREFIXES):
                st.stats["dated_requests"] += 1
            if self.headers.get("X-Forwarded-For") is not None:
                st.stats["forwarded_for"] += 1
        # The failure window starts after --fail-skip requests (mid-run failures).
        seq -= st.args.fail_skip
        if seq <= 0:
            pass
        elif seq <= st.args.drop_first:
            with st.lock:
                st.stats["dropped"] += 1
                st.count(self.command, self.path, "dropped", self.client_address[0])
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        if 0 < seq <= st.args.drop_first + st.args.fail_first:
            with st.lock:
                st.stats["failed"] += 1
            self.send(st.args.fail_code)
            return True
        if st.args.mode == "disabled":
            self.send(403)
            return True
        return False

    def do_PUT(self):
        if self.pre():
            return
        st = self.server.state
        path = self.path.split("?")[0]
        if path.endswith("/api/token") and path != "/latest/api/token":
            return self.send(403)  # dated token path: refused by design
        if path != "/latest/api/token":
            return self.send(405)
        if st.args.mode == "v1-only":
            return self.send(404)
        if st.args.mode == "v1-405":
            return self.send(405)
        if self.headers.get("X-Forwarded-For") is not None:
            return self.send(403)
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        try:
            ttl = int(ttl)
        except (TypeError, ValueError):
            return self.send(400, "Missing or Invalid Parameters")
        if not 1 <= ttl <= 21600:
            return self.send(400, "Missing or Invalid Parameters")
        effective = min(ttl, st.args.token_ttl) if st.args.token_ttl else ttl
        tok = base64.b64encode(secrets.token_bytes(42)).decode()
        with st.lock:
            st.tokens[tok] = time.monotonic() + effective
            st.stats["tokens_issued"] += 1
        self.send(200, tok, extra={"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})

    def do_GET(self):
        if self.pre():
            return
        st = self.server.state
        path = self.path.split("?")[0]
        if path == "/latest/api/token":
            return self.send(405)
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with st.lock:
            if tok is None:
                st.stats["gets_without_token"] += 1
                valid = None
            else:
                exp = st.tokens.get(tok)
                valid = exp is not None and exp > time.monotonic()
                if valid:
                    st.authed_gets += 1
                    if st.args.expire_tokens_after and st.authed_gets >= st.args.expire_tokens_after:
                        # This request still passes; the next one with any old token fails.
                        st.tokens.clear()
                        st.args.expire_tokens_after = 0
        if tok is not None and not valid:
            return self.send(401)
        if tok is None and st.args.mode == "v2-required":
            return self.send(401)
        node = node_lookup(st, self.client_address[0])
        if node is None:
            return self.send(404, f"unknown node {self.client_address[0]}")
        # /latest/... and dated versions serve the same tree.
        rest = None
        for prefix in ("/latest",) + tuple(p.rstrip("/") for p in DATED_PREFIXES):
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix):]
                break
        if rest is None:
            return self.send(404)
        if rest in ("", "/"):
            return self.send(200, "dynamic\nmeta-data\nuser-data" if "user-data" in node else "dynamic\nmeta-data")
        if rest in ("/user-data", "/user-data/"):
            if "user-data-base64" in node:
                return self.send(200, base64.b64decode(node["user-data-base64"]), "application/octet-stream")
            ud = node.get("user-data")
            if ud is None:
                return self.send(404)
            return self.send(200, ud, "application/octet-stream")
        if rest == "/meta-data" or rest.startswith("/meta-data/"):
            status, body = resolve(node.get("meta-data", {}), rest[len("/meta-data"):])
            return self.send(status, body)
        self.send(404)

    do_HEAD = do_GET

    def do_POST(self):
        if self.pre():
            return
        self.send(405)

    do_DELETE = do_POST


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    parent = None

    def handle_error(self, request, client_address):
        # A client that drops its request unanswered (the loser of nodeinit's
        # race between IMDS addresses) is no error of ours.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    def service_actions(self):
        # --die-with-parent: a test killed hard must not leave us behind.
        if self.parent is not None and os.getppid() != self.parent:
            os._exit(0)


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", default="127.0.0.1", help="an IPv4 or IPv6 address")
    ap.add_argument("--port", type=int, default=0, help="0 = any free port (see --port-file)")
    ap.add_argument("--port-file", help="write the bound port here (atomically) once bound")
    ap.add_argument("--nodes", help="JSON {source-address|'default': node}")
    ap.add_argument("--mode", default="v2-optional",
                    choices=["v2-required", "v2-optional", "v1-only", "v1-405", "disabled"])
    ap.add_argument("--token-ttl", type=float, default=0, help="cap on token lifetime in seconds")
    ap.add_argument("--expire-tokens-after", type=int, default=0,
                    help="invalidate all tokens after N token-authenticated GETs (once)")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--fail-code", type=int, default=503)
    ap.add_argument("--drop-first", type=int, default=0)
    ap.add_argument("--fail-skip", type=int, default=0,
                    help="answer the first N requests normally before --drop-first/--fail-first apply")
    ap.add_argument("--delay-start", type=float, default=0, help="refuse connections for S seconds")
    ap.add_argument("--listen-when", metavar="FILE",
                    help="refuse connections until FILE exists (a late network a test controls)")
    ap.add_argument("--slow", type=float, default=0, help="delay every answer by S seconds")
    ap.add_argument("--die-with-parent", action="store_true", help="exit when the starting process goes away")
    ap.add_argument("--stats-file")
    ap.add_argument("--log")
    args = ap.parse_args()

    if args.nodes:
        with open(args.nodes) as f:
            nodes = json.load(f)
    else:
        nodes = {"default": DEFAULT_NODE}

    # An IPv6 --bind ("fd00:ec2::254", EC2's IPv6 address) needs an IPv6 socket.
    cls = Server6 if ":" in args.bind else Server
    server = cls((args.bind, args.port), Handler, bind_and_activate=False)
    server.state = State(args, nodes)
    if args.die_with_parent:
        server.parent = os.getppid()
    # Bound but not listening: connections are refused until --delay-start passes.
    server.server_bind()
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    if args.delay_start:
        time.sleep(args.delay_start)
    if args.listen_when:
        while not os.path.exists(args.listen_when):
            server.service_actions()
            time.sleep(0.01)
    server.server_activate()
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
