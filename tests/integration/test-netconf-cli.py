#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""-convert-netconf from the command line to the files, under --root (so no
networkd is touched): a config drive's interfaces file (debian), Packet's
metadata served on 127.0.0.1 (packet), the flag's usage errors, and the
conversions that cannot be done (an issue naming what is missing, exit 1,
the rest still applied). Loopback only; no timing assertions."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, nodeinit_binary  # noqa: E402

t = Checker()
tmp = tempfile.TemporaryDirectory(prefix="nit-netconf-")
T = tmp.name

PACKET_META = {
    "id": "6b7ad9e1-3a4b-4d6c-9c2a-0f9a8f7e6d5c",
    "hostname": "packet-1",
    "ssh_keys": [],
    "network": {
        "interfaces": [{"name": "enp1s0f0", "mac": "0c:c4:7a:b5:86:ea"},
                       {"name": "enp1s0f1", "mac": "0c:c4:7a:b5:86:eb"}],
        "addresses": [
            {"address": "147.75.195.231", "netmask": "255.255.255.254", "gateway": "147.75.195.230",
             "address_family": 4, "public": True, "cidr": 31},
            {"address": "10.88.56.129", "netmask": "255.255.255.254", "gateway": "10.88.56.128",
             "address_family": 4, "public": False, "cidr": 31}],
        "dns": ["147.75.207.207", "147.75.207.208"],
    },
}


class Packet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/":
            body, status = b"ok", 200
        elif self.path == "/metadata":
            body, status = json.dumps(PACKET_META).encode(), 200
        else:
            body, status = b"not found", 404
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def apply(root, *args):
    os.makedirs(root, exist_ok=True)
    p = subprocess.run([nodeinit_binary(), "apply", f"--root={root}"] + list(args), capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def read(root, path):
    try:
        with open(os.path.join(root, path.lstrip("/"))) as f:
            return f.read()
    except FileNotFoundError:
        return None


def configdrive(name, interfaces):
    d = os.path.join(T, name)
    os.makedirs(os.path.join(d, "openstack", "latest"))
    meta = {"hostname": "onmetal-1"}
    if interfaces is not None:
        os.makedirs(os.path.join(d, "openstack", "content"))
        with open(os.path.join(d, "openstack", "content", "0000"), "w") as f:
            f.write(interfaces)
        meta["network_config"] = {"content_path": "/content/0000"}
    with open(os.path.join(d, "openstack", "latest", "meta_data.json"), "w") as f:
        json.dump(meta, f)
    return d


# debian: a bond, a VLAN on it, static with DNS (units byte for byte)
cd = configdrive("cd", "auto bond0\niface bond0 inet manual\n bond-slaves eth0 eth1\n bond-mode 802.3ad\n"
                       " bond-miimon 100\n"
                       "auto bond0.101\niface bond0.101 inet static\n vlan_raw_device bond0\n address 10.1.0.5\n"
                       " netmask 255.255.0.0\n gateway 10.1.0.1\n dns-nameservers 10.1.0.2\n")
root = os.path.join(T, "root-debian")
rc, out, err = apply(root, f"-from-configdrive={cd}", "-convert-netconf=debian")
t.check("debian: exit 0", rc == 0, err)
t.check("debian: the bond's netdev", read(root, "/run/systemd/network/01-bond0.netdev") ==
        "[NetDev]\nKind=bond\nName=bond0\n\n[Bond]\nmiimon=100\nmode=802.3ad\n")
t.check("debian: the VLAN's network", read(root, "/run/systemd/network/00-bond0.101.network") ==
        "[Match]\nName=bond0.101\n\n[Network]\nDNS=10.1.0.2\n\n[Address]\nAddress=10.1.0.5/16\n"
        "\n[Route]\nDestination=0.0.0.0/0\nGateway=10.1.0.1\n")
t.check("debian: slaves", read(root, "/run/systemd/network/02-eth0.network") ==
        "[Match]\nName=eth0\n\n[Network]\nBond=bond0\n" and
        read(root, "/run/systemd/network/02-eth1.network") is not None)
t.check("debian: bond options for the kernel's bonding module",
        read(root, "/run/modprobe.d/nodeinit-bonding.conf") ==
        "# bond options of bond0, -convert-netconf=debian\noptions bonding miimon=100 mode=802.3ad\n")
t.check("debian: networkd left alone under --root", "systemd-networkd.service" in out and "skipped" in out, out)
rc, out, err = apply(root, f"-from-configdrive={cd}", "-convert-netconf=debian")
t.check("debian again: nothing to do, no networkd restart", rc == 0 and "systemd-networkd.service" not in out, out)

# packet: metadata over HTTP on loopback
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Packet)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{srv.server_address[1]}/"
try:
    root = os.path.join(T, "root-packet")
    rc, out, err = apply(root, f"-from-packet-metadata={url}", "-convert-netconf=packet")
    t.check("packet: exit 0", rc == 0, err)
    t.check("packet: bond0", read(root, "/run/systemd/network/00-bond0.network") ==
            "[Match]\nName=bond0\nMACAddress=0c:c4:7a:b5:86:ea\n\n[Network]\nDNS=147.75.207.207\n"
            "DNS=147.75.207.208\n\n[Address]\nAddress=147.75.195.231/31\n\n[Address]\nAddress=10.88.56.129/31\n"
            "\n[Route]\nDestination=0.0.0.0/0\nGateway=147.75.195.230\n"
            "\n[Route]\nDestination=10.0.0.0/8\nGateway=10.88.56.128\n",
            read(root, "/run/systemd/network/00-bond0.network"))
    t.check("packet: the second NIC at depth 1", read(root, "/run/systemd/network/01-enp1s0f1.network") ==
            "[Match]\nName=enp1s0f1\n\n[Network]\nBond=bond0\nDNS=147.75.207.207\nDNS=147.75.207.208\n")
    t.check("packet: 802.3ad options", "Mode=802.3ad" in (read(root, "/run/systemd/network/00-bond0.netdev") or ""))

    # debian asked of a Packet source: said, the rest applied, exit 1
    root = os.path.join(T, "root-mismatch")
    rc, out, err = apply(root, f"-from-packet-metadata={url}", "-convert-netconf=debian")
    t.check("mismatch: exit 1 with the reason", rc == 1 and
            "-convert-netconf=debian: the datasource has no network configuration" in out + err, (rc, out, err))
    t.check("mismatch: the hostname is still set", read(root, "/etc/hostname") == "packet-1\n",
            read(root, "/etc/hostname"))
finally:
    srv.shutdown()

# coreos-cloudinit panicked on a config drive without network_config
root = os.path.join(T, "root-none")
rc, out, err = apply(root, f"-from-configdrive={configdrive('cd-none', None)}", "-convert-netconf=debian")
t.check("no network_config: exit 1, named", rc == 1 and "network_config.content_path" in out + err, (rc, out, err))
t.check("no network_config: nothing in /run/systemd/network", not os.path.exists(
    os.path.join(root, "run/systemd/network")))

# an interfaces file that cannot be converted: the field is named
root = os.path.join(T, "root-bad")
bad = configdrive("cd-bad", "iface eth0 inet static\n address 10.0.0.1\n")
rc, out, err = apply(root, f"-from-configdrive={bad}", "-convert-netconf=debian")
t.check("malformed interfaces: exit 1, coreos-cloudinit's words",
        rc == 1 and 'malformed static network config for "eth0"' in out + err, (rc, out, err))

# usage: coreos-cloudinit's message and exit 2
p = subprocess.run([nodeinit_binary(), "-from-file=/dev/null", "-convert-netconf=yaml"], capture_output=True,
                   text=True, timeout=120)
t.check("unknown format: exit 2 with coreos-cloudinit's message", p.returncode == 2 and
        "Invalid option to -convert-netconf: 'yaml'. Supported options: 'debian, packet, vmware'" in p.stdout,
        (p.returncode, p.stdout, p.stderr))

# -oem without a netconf leaves the flag; dry-run shows the units
# (azure: a local directory, never there here; the config drive answers first)
rc, out, err = apply(os.path.join(T, "root-dry"), "--dry-run", "-oem=azure", f"-from-configdrive={cd}",
                     "-convert-netconf=debian")
t.check("a preset without netconf keeps -convert-netconf", "/run/systemd/network/01-bond0.netdev" in out,
        (rc, out, err))

t.done()
