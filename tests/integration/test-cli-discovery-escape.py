#!/usr/bin/env python3
"""nodeinit discovery check prints what a discovery service answers: peer
names and URLs are values from the network, so a peer that holds ESC, BEL or
a newline is escaped and cannot forge a line of the report (issue 8).
A stand-in service on 127.0.0.1 answers etcd's v2 keys API."""
import http.server
import json
import os
import subprocess
import sys
import threading

NODEINIT = os.environ["NODEINIT"]
EVIL_KEY = "/_etcd/registry/tok/evil\x1b]0;owned\x07"
EVIL_VALUE = "n1=http://10.0.0.1:2380\nstatus: healthy\x1b[2J"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/v2/keys/tok/_config/size"):
            body = {"action": "get", "node": {"key": "/tok/_config/size", "value": "3"}}
        else:
            body = {"action": "get", "node": {"key": "/tok", "dir": True, "nodes": [
                {"key": EVIL_KEY, "value": EVIL_VALUE, "modifiedIndex": 5}]}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Etcd-Index", "5")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/v2/keys/tok"
failed = 0


def check(what, ok):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


p = subprocess.run([NODEINIT, "discovery", "check", "--name", "n9", "--timeout", "20", url],
                   capture_output=True, timeout=120)
out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
print(out + err)
controls = [c for c in out + err if ord(c) < 0x20 and c not in "\n\t"]
check("no control byte on stdout or stderr", not controls)
check("the peer is listed, escaped", "evil\\x1b]0;owned\\a" in out and "\\nstatus: healthy\\x1b[2J" in out)
check("no forged status line", sum(1 for line in out.splitlines() if line.startswith("status:")) == 1)
check("the registered peer is counted", "registered: 1" in out)
server.shutdown()
print(f"test-cli-discovery-escape.py: {'failed' if failed else 'passed'}")
sys.exit(1 if failed else 0)
