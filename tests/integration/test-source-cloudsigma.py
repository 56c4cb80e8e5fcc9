#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`nodeinit metadata` with CloudSigma's server context over a serial line.

The line is a pseudo-terminal pair: nodeinit opens the slave as it would
/dev/ttyS1 (--cloudsigma-device), sets it raw at 115200 and sends cepgo's
request "<\\n\\n>"; the simulator in this process answers on the master with
the JSON context and EOT, as CloudSigma's host does. Cases: a good context,
one sent in small pieces, malformed JSON, a reply that never comes (bounded by
--timeout), not CloudSigma, and the private address of a VLAN NIC read from
an interface in a network namespace of the test's own (root only)."""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import tty

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, nodeinit_binary, run, require_metadata_verb  # noqa: E402

require_metadata_verb()
t = Checker()
tmp = tempfile.TemporaryDirectory(prefix="nit-cs-")
T = tmp.name
DMI = os.path.join(T, "dmi")
os.makedirs(DMI)
with open(os.path.join(DMI, "product_name"), "w") as f:
    f.write("CloudSigma\n")

REQUEST = b"<\n\n>"
CC = "#cloud-config\nhostname: from-user-data\n"
CONTEXT = {
    "context": True, "cpu": 2000, "mem": 2147483648,
    "meta": {"base64_fields": "cloudinit-user-data",
             "cloudinit-user-data": base64.b64encode(CC.encode()).decode(),
             "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0ZXN0a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5 jane@laptop"},
    "name": "cs-node", "uuid": "6f0a1a2e-08b4-4a44-9f57-4a9a7e0b1d3c",
    "nics": [
        {"ip_v4_conf": {"conf": "static", "ip": {"uuid": "185.12.5.9", "gateway": "185.12.5.1"}},
         "mac": "22:3d:09:6b:90:f3", "model": "virtio", "vlan": None},
        {"ip_v4_conf": None, "mac": "22:ae:4a:fb:8f:31", "model": "virtio",
         "vlan": {"uuid": "5dec030e-25b8-4621-a5a4-a3302c9d9619"}},
    ],
}


class Line:
    """A pty pair; answer(request_bytes) -> bytes to send back, or None for silence."""

    def __init__(self, answer):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.answer = answer
        self.requests = 0
        self.stop_r, self.stop_w = os.pipe()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        buf = b""
        while True:
            r, _, _ = select.select([self.master, self.stop_r], [], [])
            if self.stop_r in r:
                return
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            buf += data
            while REQUEST in buf:
                buf = buf.split(REQUEST, 1)[1]
                self.requests += 1
                reply = self.answer(self.requests)
                if reply:
                    for i in range(0, len(reply), 7):
                        os.write(self.master, reply[i:i + 7])

    def __enter__(self):
        return self

    def __exit__(self, *a):
        os.write(self.stop_w, b"x")
        self.thread.join(timeout=10)
        for fd in (self.master, self.slave, self.stop_r, self.stop_w):
            os.close(fd)


def good(_):
    return json.dumps(CONTEXT).encode() + b"\x04"


def cs(line, *args, env=None):
    return run("--from-cloudsigma-metadata", f"--cloudsigma-device={line.path}", f"--dmi-dir={DMI}", *args, env=env)


with Line(good) as line:
    rc, out, err = cs(line, "--timeout=30")
    t.check("context: one request, answered in 7-byte pieces", rc == 0 and line.requests == 1, (rc, err, line.requests))
    t.check("context: hostname from name, public address from the NIC, instance id",
            out and out["source"] == "cloudsigma" and out["where"] == line.path and out["hostname"] == "cs-node"
            and out["public_ipv4"] == "185.12.5.9" and out["instance_id"] == CONTEXT["uuid"], out)
    t.check("context: the SSH key named by its comment, never printed",
            out and out["ssh_keys"] == {"count": 1, "names": ["jane@laptop"]} and "AAAAC3" not in json.dumps(out) + err,
            out)
    t.check("context: base64 user-data decoded", out and out["user_data"]["type"] == "cloud-config"
            and out["user_data"]["size"] == len(CC), out)
    p = subprocess.run([nodeinit_binary(), "metadata", "--format=text", "--from-cloudsigma-metadata",
                        f"--cloudsigma-device={line.path}", f"--dmi-dir={DMI}"], capture_output=True, text=True, timeout=120)
    t.check("text: the key's name, never its material nor the user-data",
            p.returncode == 0 and "ssh keys:      1\n  jane@laptop\n" in p.stdout and "AAAAC3" not in p.stdout
            and "from-user-data" not in p.stdout and "public ipv4:   185.12.5.9\n" in p.stdout, (p.returncode, p.stdout))
    rc, out, err = run("-oem=cloudsigma", f"--cloudsigma-device={line.path}", f"--dmi-dir={DMI}", "--timeout=30")
    t.check("-oem=cloudsigma with --cloudsigma-device", rc == 0 and out["hostname"] == "cs-node", (rc, err))
    rc, out, err = run(f"cloudsigma:{line.path}", f"--dmi-dir={DMI}", "--timeout=30")
    t.check("word cloudsigma:DEVICE", rc == 0 and out["where"] == line.path, (rc, err))

with Line(lambda _: b'{"name": "x", "meta": {\x04') as line:
    rc, out, err = cs(line, "--timeout=30")
    t.check("malformed JSON is a clear error naming the device",
            rc == 1 and f"{line.path}: the server context is not JSON" in err, (rc, err))

with Line(lambda _: b'{"meta": {"ssh_public_key": 5}}\x04') as line:
    rc, out, err = cs(line, "--timeout=30")
    t.check("meta values that are not strings: cepgo's message",
            rc == 1 and "Server context metadata is formatted badly" in err, (rc, err))

with Line(lambda _: None) as line:
    rc, out, err = cs(line, "--timeout=2", "--request-timeout=1")
    t.check("a reply that never comes: the run ends at --timeout with a clear message",
            rc == 1 and "no server context in time" in err and "no datasource available in time" in err
            and line.requests >= 1, (rc, err, line.requests))

# The first request goes unanswered (as a host busy at boot), the next is answered.
with Line(lambda n: None if n == 1 else good(n)) as line:
    rc, out, err = cs(line, "--timeout=30", "--request-timeout=1")
    t.check("no answer is retried like an HTTP source's timeout", rc == 0 and line.requests == 2
            and out["hostname"] == "cs-node", (rc, err, line.requests))

with Line(good) as line:
    other = os.path.join(T, "dmi2")
    os.makedirs(other)
    with open(os.path.join(other, "product_name"), "w") as f:
        f.write("Standard PC (Q35 + ICH9, 2009)\n")
    rc, out, err = run("--from-cloudsigma-metadata", f"--cloudsigma-device={line.path}", f"--dmi-dir={other}")
    t.check("off CloudSigma: gives up at once without touching the line",
            rc == 1 and "not running on CloudSigma" in err and line.requests == 0, (rc, err))

rc, out, err = run("--from-cloudsigma-metadata", f"--cloudsigma-device={T}/absent", f"--dmi-dir={DMI}")
t.check("a missing device is an error naming it", rc == 1 and f"{T}/absent" in err, (rc, err))

# --- the VLAN NIC's private address, from an interface in a namespace of ours ---
if os.geteuid() != 0 or not shutil.which("ip"):
    t.skip("private address of a VLAN NIC", "needs root and iproute2 for a network namespace")
else:
    ns = f"nit-cs-{os.getpid()}"
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        # A veth pair with both ends in the namespace (this kernel has no dummy links).
        for cmd in (["link", "add", "csvlan0", "address", "22:ae:4a:fb:8f:31", "type", "veth", "peer", "name", "csvlan1"],
                    ["addr", "add", "10.77.0.9/24", "dev", "csvlan0"],
                    ["link", "set", "csvlan0", "up"]):
            subprocess.run(["ip", "-n", ns] + cmd, check=True)
        with Line(good) as line:
            p = subprocess.run(["ip", "netns", "exec", ns, nodeinit_binary(), "metadata", "--from-cloudsigma-metadata",
                                f"--cloudsigma-device={line.path}", f"--dmi-dir={DMI}", "--timeout=30"],
                               capture_output=True, text=True, timeout=120)
            out = json.loads(p.stdout) if p.returncode == 0 else None
            t.check("private address: the local interface with the VLAN NIC's MAC",
                    out and out["private_ipv4"] == "10.77.0.9" and out["public_ipv4"] == "185.12.5.9",
                    (p.returncode, p.stderr))
    finally:
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)

tmp.cleanup()
t.done()
