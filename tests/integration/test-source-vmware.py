#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`nodeinit metadata` with VMware's guestinfo keys and OVF environment.

The hypervisor is the one thing a test cannot have: guestinfo keys live in the
VMX and reach the guest only through VMware's backdoor. So a stand-in
`vmware-rpctool` on PATH serves a key file, answering as open-vm-tools' tool
does (the value and a newline, exit 0; "No value found" on stderr, exit 1).
Everything else is real: nodeinit execs the tool without a shell under its
deadline, parses the OVF XML with expat and fetches coreos.config.url over
HTTP from a double on 127.0.0.1. DMI identification comes from a directory of
the test's own (--dmi-dir)."""
import base64
import gzip
import http.server
import os
import shutil
import socketserver
import stat
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, nodeinit_binary, run, require_metadata_verb  # noqa: E402

require_metadata_verb()
t = Checker()
tmp = tempfile.TemporaryDirectory(prefix="nit-vmw-")
T = tmp.name
BIN = os.path.join(T, "bin")
DMI = os.path.join(T, "dmi")
KEYS = os.path.join(T, "keys")
HANG = object()
CALLS = os.path.join(T, "calls")
os.makedirs(BIN)
os.makedirs(DMI)
with open(os.path.join(DMI, "sys_vendor"), "w") as f:
    f.write("VMware, Inc.\n")
with open(os.path.join(DMI, "product_name"), "w") as f:
    f.write("VMware Virtual Platform\n")

# The stand-in for open-vm-tools' vmware-rpctool: a shell script (it runs
# once per key) serving one file per key. A key whose file is named
# <key>.hang never answers; it records its PID so the test can see it killed.
RPCTOOL = f"""#!/bin/sh
echo "$*" >> {CALLS}
case "$1" in
"info-get guestinfo."*) key=${{1#info-get guestinfo.}} ;;
*) echo "Unknown command" >&2; exit 1 ;;
esac
case "$key" in */*|.*) echo "No value found" >&2; exit 1 ;; esac
if [ -e "{KEYS}/$key.hang" ]; then
        echo $$ > "{KEYS}/pid"
        exec sleep 3600
fi
[ -f "{KEYS}/$key" ] || {{ echo "No value found" >&2; exit 1; }}
cat "{KEYS}/$key"
echo
"""
with open(os.path.join(BIN, "vmware-rpctool"), "w") as f:
    f.write(RPCTOOL)
os.chmod(os.path.join(BIN, "vmware-rpctool"), stat.S_IRWXU)
ENV = {"PATH": BIN + ":" + os.environ.get("PATH", "/usr/bin:/bin")}


def serve(keys):
    shutil.rmtree(KEYS, ignore_errors=True)
    os.makedirs(KEYS)
    for k, v in keys.items():
        with open(os.path.join(KEYS, k + (".hang" if v is HANG else "")), "w") as f:
            f.write("" if v is HANG else v)
    if os.path.exists(CALLS):
        os.unlink(CALLS)


def calls():
    try:
        with open(CALLS) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def vm(*args, env=ENV):
    return run("--from-vmware-guestinfo", f"--dmi-dir={DMI}", *args, env=env)


CC = "#cloud-config\nhostname: from-user-data\n"
GZ64 = base64.b64encode(gzip.compress(CC.encode(), mtime=0)).decode()

# --- guestinfo keys: metadata, network keys, user-data in every encoding ---
NET = {
    "hostname": "vm-node",
    "interface.0.name": "ens192",
    "interface.0.mac": "00:50:56:aa:bb:cc",
    "interface.0.dhcp": "no",
    "interface.0.role": "public",
    "interface.0.ip.0.address": "192.0.2.10/24",
    "interface.0.ip.1.address": "2001:db8::10/64",
    "interface.0.route.0.gateway": "192.0.2.1",
    "interface.0.route.0.destination": "0.0.0.0/0",
    "interface.1.name": "ens224",
    "interface.1.role": "private",
    "interface.1.ip.0.address": "10.20.0.5/16",
    "dns.server.0": "192.0.2.53",
    "dns.domain.0": "example.com",
}
for enc, data in [("", CC), ("base64", base64.b64encode(CC.encode()).decode()), ("b64", base64.b64encode(CC.encode()).decode()),
                  ("gzip+base64", GZ64), ("gz+b64", GZ64), ("gzip+b64", GZ64), ("gz+base64", GZ64)]:
    keys = dict(NET)
    keys["coreos.config.data"] = data
    if enc:
        keys["coreos.config.data.encoding"] = enc
    serve(keys)
    rc, out, err = vm()
    ok = rc == 0 and out["source"] == "vmware-guestinfo" and out["where"] == "guestinfo" \
        and out["user_data"]["present"] \
        and out["user_data"]["type"] == "cloud-config" and out["user_data"]["size"] == len(CC)
    t.check(f"guestinfo: coreos.config.data with encoding {enc or '(none)'}", ok, (rc, out, err))

t.check("guestinfo: hostname and addresses by role",
        out and out["hostname"] == "vm-node" and out["public_ipv4"] == "192.0.2.10"
        and out["public_ipv6"] == "2001:db8::10" and out["private_ipv4"] == "10.20.0.5", out)
nk = out["network_keys"] if out else {}
t.check("guestinfo: network keys kept for the converter, the role left out",
        nk.get("interface.0.mac") == "00:50:56:aa:bb:cc" and nk.get("interface.0.route.0.destination") == "0.0.0.0/0"
        and nk.get("dns.server.0") == "192.0.2.53" and nk.get("dns.domain.0") == "example.com"
        and nk.get("interface.1.ip.0.address") == "10.20.0.5/16" and "interface.0.role" not in nk, nk)
c = calls()
t.check("guestinfo: every key read as `info-get guestinfo.<key>`, ovfenv first",
        c and c[0] == "info-get guestinfo.ovfenv" and "info-get guestinfo.coreos.config.data" in c
        and all(x.startswith("info-get guestinfo.") for x in c), c)
p = subprocess.run([nodeinit_binary(), "metadata", "--format=text", "--from-vmware-guestinfo", f"--dmi-dir={DMI}"],
                   capture_output=True, text=True, timeout=120, env=dict(os.environ, **ENV))
t.check("text: hostname, addresses and network keys, never the user-data",
        p.returncode == 0 and "hostname:      vm-node\n" in p.stdout and "public ipv4:   192.0.2.10\n" in p.stdout
        and "  interface.0.mac=00:50:56:aa:bb:cc\n" in p.stdout and "user-data:     cloud-config, " in p.stdout
        and "from-user-data" not in p.stdout + p.stderr, (p.returncode, p.stdout, p.stderr))
rc2, out2, err2 = run("--from-vmware-guestinfo", f"--dmi-dir={DMI}", "--debug", env=ENV)
t.check("guestinfo: user-data is never printed", rc2 == 0 and "from-user-data" not in out2.__repr__() + err2, err2)

keys = dict(NET, **{"coreos.config.data": "!!!", "coreos.config.data.encoding": "base64"})
serve(keys)
rc, out, err = vm()
t.check("guestinfo: undecodable data is a clear error", rc == 1 and "cannot be decoded as \"base64\"" in err, (rc, err))
serve(dict(NET, **{"coreos.config.data": "x", "coreos.config.data.encoding": "rot13"}))
rc, out, err = vm()
t.check("guestinfo: unknown encoding is coreos-cloudinit's message", rc == 1 and 'Unsupported encoding "rot13"' in err,
        (rc, err))
serve(dict(NET, **{"interface.0.role": "dmz"}))
rc, out, err = vm()
t.check("guestinfo: another role is coreos-cloudinit's error", rc == 1 and 'unrecognized role: "dmz"' in err, (rc, err))
serve({"interface.0.ip.0.address": "192.0.2.10"})
rc, out, err = vm()
t.check("guestinfo: an address without a prefix is an error", rc == 1 and "invalid CIDR address" in err, (rc, err))
serve({})
rc, out, err = vm()
t.check("guestinfo: no keys at all is a node without user-data",
        rc == 0 and not out["user_data"]["present"] and out["network_keys"] == {}, (rc, out, err))


# --- coreos.config.url over HTTP ---
class H(http.server.BaseHTTPRequestHandler):
    hits = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        H.hits.append(self.path)
        body = CC.encode() if self.path == "/ud" else b"nope"
        self.send_response(200 if self.path == "/ud" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = S(("127.0.0.1", 0), H)
th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
th.start()
base = f"http://127.0.0.1:{srv.server_address[1]}"
serve({"hostname": "u", "coreos.config.url": base + "/ud"})
rc, out, err = vm()
t.check("guestinfo: coreos.config.url fetched when there is no data",
        rc == 0 and out["user_data"]["type"] == "cloud-config" and H.hits == ["/ud"]
        and out["requests"]["total"] == 1, (rc, out, err, H.hits))
serve({"coreos.config.url": base + "/missing"})
rc, out, err = vm()
t.check("guestinfo: a URL answering 404 is an error naming it", rc == 1 and "/missing: HTTP 404" in err, (rc, err))
serve({"coreos.config.url": "file:///etc/shadow"})
rc, out, err = vm()
t.check("guestinfo: a non-http URL is refused", rc == 1 and "not an http(s) URL" in err, (rc, err))

# --- Flatcar's Ignition keys ---
IGN = '{"ignition": {"version": "3.3.0"}}'
serve({"ignition.config.data": base64.b64encode(IGN.encode()).decode(), "ignition.config.data.encoding": "base64"})
rc, out, err = vm()
t.check("ignition: guestinfo.ignition.config.data is read and classified as Ignition",
        rc == 0 and out["user_data"]["type"] == "ignition", (rc, out, err))
H.hits.clear()
serve({"ignition.config.data": IGN, "coreos.config.url": base + "/ud"})
rc, out, err = vm()
t.check("ignition: coreos.config.* wins over ignition.config.*",
        rc == 0 and out["user_data"]["type"] == "cloud-config" and H.hits == ["/ud"], (rc, out, err))
srv.shutdown()
srv.server_close()

# --- guestinfo.ovfenv takes precedence ---
OVF = """<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"
     xmlns:oe="http://schemas.dmtf.org/ovf/environment/1"
     xmlns:ve="http://www.vmware.com/schema/ovfenv" oe:id="" ve:vCenterId="vm-42">
  <PlatformSection><Kind>VMware ESXi</Kind><Version>8.0.2</Version><Vendor>VMware, Inc.</Vendor></PlatformSection>
  <PropertySection>
    <Property oe:key="guestinfo.hostname" oe:value="ovf-node"/>
    <Property oe:key="guestinfo.interface.0.role" oe:value="private"/>
    <Property oe:key="guestinfo.interface.0.ip.0.address" oe:value="172.16.5.4/12"/>
    <Property oe:key="guestinfo.coreos.config.data" oe:value="{data}"/>
    <Property oe:key="guestinfo.coreos.config.data.encoding" oe:value="gzip+base64"/>
  </PropertySection>
</Environment>
""".replace("{data}", GZ64)
serve({"ovfenv": OVF, "hostname": "from-keys", "coreos.config.data": "#!/bin/sh\n"})
rc, out, err = vm()
t.check("ovfenv: its properties are used instead of the keys",
        rc == 0 and out["hostname"] == "ovf-node" and out["private_ipv4"] == "172.16.5.4"
        and out["user_data"]["type"] == "cloud-config" and out["where"] == "guestinfo.ovfenv", (rc, out, err))
t.check("ovfenv: no other key is read once it is there", calls() == ["info-get guestinfo.ovfenv"], calls())
serve({"ovfenv": "<Environment><PropertySection>\n</Environment>"})
rc, out, err = vm()
t.check("ovfenv: malformed XML names guestinfo.ovfenv and the line",
        rc == 1 and "guestinfo.ovfenv:2: malformed OVF environment: mismatched tag" in err, (rc, err))

# --- availability and the tool ---
OTHER = os.path.join(T, "dmi2")
os.makedirs(OTHER)
with open(os.path.join(OTHER, "sys_vendor"), "w") as f:
    f.write("QEMU\n")
serve(NET)
rc, out, err = run("--from-vmware-guestinfo", f"--dmi-dir={OTHER}", env=ENV)
t.check("availability: off VMware it gives up at once, without asking the tool",
        rc == 1 and "not running on VMware" in err and calls() == [], (rc, err, calls()))
rc, out, err = vm(env={"PATH": "/nonexistent"})
t.check("availability: without open-vm-tools the error says so", rc == 1 and "vmware-rpctool is not on PATH" in err,
        (rc, err))
serve({"ovfenv": HANG})
rc, out, err = vm("--timeout=2")
pid = None
try:
    with open(os.path.join(KEYS, "pid")) as f:
        pid = int(f.read())
except (FileNotFoundError, ValueError):
    pass
alive = False
if pid:
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        pass
t.check("deadline: a tool that never answers ends the run at --timeout, and is killed",
        rc == 1 and "no answer in time" in err and pid and not alive, (rc, err, pid, alive))

# --- -oem=vmware ---
serve(dict(NET, **{"coreos.config.data": CC}))
rc, out, err = run("-oem=vmware", f"--dmi-dir={DMI}", env=ENV)
t.check("-oem=vmware: the guestinfo source, with its network keys for -convert-netconf=vmware",
        rc == 0 and out["source"] == "vmware-guestinfo" and out["network_keys"].get("interface.0.name") == "ens192",
        (rc, err))
rc, out, err = run("vmware-guestinfo", f"--dmi-dir={DMI}", env=ENV)
t.check("word: vmware-guestinfo", rc == 0 and out["hostname"] == "vm-node", (rc, err))

# --- -from-vmware-ovf-env=PATH ---
ovf = os.path.join(T, "ovf-env.xml")
with open(ovf, "w") as f:
    f.write(OVF)
rc, out, err = run(f"--from-vmware-ovf-env={ovf}")
t.check("ovf file: properties, addresses and user-data",
        rc == 0 and out["source"] == "vmware-ovf-env" and out["where"] == ovf and out["hostname"] == "ovf-node"
        and out["private_ipv4"] == "172.16.5.4" and out["user_data"]["type"] == "cloud-config"
        and out["network_keys"] == {"interface.0.ip.0.address": "172.16.5.4/12"}, (rc, out, err))
with open(ovf, "w") as f:
    f.write('<?xml version="1.0"?>\n<Environment>\n  <PropertySection>\n    <Property oe:key="x"/>\n')
rc, out, err = run(f"vmware-ovf-env:{ovf}")
t.check("ovf file: malformed XML names the file and the line",
        rc == 1 and f"{ovf}:4: malformed OVF environment: unbound prefix" in err, (rc, err))
with open(ovf, "w") as f:
    f.write('<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol">]>\n<Environment>&lol;</Environment>\n')
rc, out, err = run(f"--from-vmware-ovf-env={ovf}")
t.check("ovf file: a DTD is refused", rc == 1 and "DOCTYPE is not allowed" in err, (rc, err))
with open(ovf, "w") as f:
    f.write("<a>" * 100 + "</a>" * 100)
rc, out, err = run(f"--from-vmware-ovf-env={ovf}")
t.check("ovf file: nesting is limited", rc == 1 and "nested too deeply" in err, (rc, err))
rc, out, err = run(f"--from-vmware-ovf-env={T}/absent.xml")
t.check("ovf file: a missing file gives up at once", rc == 1 and "absent.xml does not exist" in err, (rc, err))

tmp.cleanup()
t.done()
