#!/usr/bin/env python3
# Fallback copy of test-harness.md recipe 3 mdserver.py, used by the cluster
# harness only until tests/imds/imds-sim.py (the real EC2 IMDS simulator) exists.
"""Tiny EC2-style instance metadata server (IMDSv1 + optional IMDSv2 token) answering per node.
usage: mdserver.py NODES.json [BIND_ADDR] [PORT]
NODES.json: {"169.254.10.11": {"meta-data": {"local-ipv4": "...", ...}, "user-data": "#cloud-config\n..."}, ...}
The node is identified by the request's source address. Every request is logged to stdout."""
import http.server, json, socketserver, sys, secrets
NODES = json.load(open(sys.argv[1]))
BIND = sys.argv[2] if len(sys.argv) > 2 else "169.254.169.254"
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 80
TOKENS = set()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def _send(self, code, body, ctype="text/plain"):
        b = body.encode() if isinstance(body, str) else body
        self.send_response(code); self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def do_PUT(self):            # IMDSv2: PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds
        if self.path == "/latest/api/token":
            t = secrets.token_hex(16); TOKENS.add(t); return self._send(200, t)
        self._send(404, "Not Found")
    def do_GET(self):
        src = self.client_address[0]
        node = NODES.get(src)
        print(f"{src} GET {self.path}", flush=True)
        tok = self.headers.get("X-aws-ec2-metadata-token")
        if tok is not None and tok not in TOKENS: return self._send(401, "Unauthorized")
        if node is None: return self._send(404, "unknown node " + src)
        p = self.path.split("?")[0]
        if p in ("/latest/user-data", "/latest/user-data/"):
            ud = node.get("user-data")
            return self._send(200, ud) if ud is not None else self._send(404, "Not Found")
        if p.startswith("/latest/meta-data"):
            rest = p[len("/latest/meta-data"):].strip("/")
            md = node.get("meta-data", {})
            if rest == "":                       # directory listing, like EC2 ("key" or "dir/")
                return self._send(200, "\n".join(k + ("/" if isinstance(v, dict) else "") for k, v in md.items()))
            cur = md
            for part in rest.split("/"):
                if not isinstance(cur, dict) or part not in cur: return self._send(404, "Not Found")
                cur = cur[part]
            if isinstance(cur, dict):
                return self._send(200, "\n".join(k + ("/" if isinstance(v, dict) else "") for k, v in cur.items()))
            return self._send(200, str(cur))
        self._send(404, "Not Found")
    def log_message(self, *a): pass

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True; allow_reuse_address = True
S((BIND, PORT), H).serve_forever()
