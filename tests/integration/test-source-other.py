#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`nodeinit metadata` with the non-EC2 sources: file, url, kernel command
line, config drive, GCE, DigitalOcean, Packet, Azure waagent, racing several,
coreos-cloudinit's flags and -oem presets. HTTP doubles run in this process
on 127.0.0.1 (kernel-chosen ports); files live in a temporary directory."""
import http.server
import json
import os
import socketserver
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, run, run_until, require_metadata_verb  # noqa: E402

require_metadata_verb()
t = Checker()
tmp = tempfile.TemporaryDirectory(prefix="nit-src-")
T = tmp.name


class Double:
    """routes: path -> (status, body) or callable(handler) -> (status, body). Counts requests."""

    def __init__(self, routes, need_header=None, fail_first=0):
        self.routes = routes
        self.hits = []
        self.fail_first = fail_first
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.hits.append(self.path)
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    status, body = 503, "busy"
                elif need_header and self.headers.get(need_header[0]) != need_header[1]:
                    status, body = 403, "missing header"
                else:
                    status, body = outer.routes.get(self.path.split("?")[0], (404, "not found"))
                b = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = S(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


CC = "#cloud-config\nhostname: x\n"

# --- file ---
write(f"{T}/ud.yaml", CC)
rc, out, err = run(f"file:{T}/ud.yaml")
t.check("file: exit 0", rc == 0, err)
t.check("file: user-data type and size", out and out["source"] == "file" and
        out["user_data"] == {"present": True, "type": "cloud-config", "size": len(CC)}, out)
t.check("file: makes no HTTP request", out and out["requests"]["total"] == 0, out)
rc, out, err = run(f"-from-file={T}/ud.yaml")
t.check("file: coreos single-dash flag", rc == 0 and out["source"] == "file", err)
rc, out, err = run("--from-file", f"{T}/ud.yaml")
t.check("file: flag with separate value", rc == 0, err)
rc, out, err = run(f"file:{T}/never", "--timeout=3")
t.check("file: missing file gives up at the deadline", rc == 1 and "never" in err, (rc, err))

# The file appears only once nodeinit has said it is waiting for it: driven by
# its own output, so the check fails if nodeinit did not wait, whatever the load.
rc, out, err = run_until("Waiting:", lambda: write(f"{T}/later.yaml", CC), f"file:{T}/later.yaml", "--timeout=120")
t.check("file: a missing file is waited for", "Waiting:" in err and "later.yaml" in err, err)
t.check("file: a file that appears later is read", rc == 0 and out["user_data"]["present"], (rc, err))

# --- url ---
with Double({"/ud": (200, CC)}, fail_first=2) as d:
    rc, out, err = run(f"url:{d.url}ud")
    t.check("url: 503 twice then 200", rc == 0 and out["source"] == "url" and
            out["user_data"]["type"] == "cloud-config", (rc, err))
    t.check("url: three requests", len(d.hits) == 3, d.hits)
    rc, out, err = run(f"url:{d.url.replace('http://', 'http://user:pw@')}ud?sig=SECRET")
    t.check("url: credentials and query never printed", rc == 0 and "SECRET" not in json.dumps(out) and
            "pw@" not in json.dumps(out) and out["where"] == f"{d.url}ud?...", (rc, out, err))
    rc, out, err = run(f"url:{d.url}missing?sig=SECRET", "--timeout=60")
    t.check("url: query not logged", "SECRET" not in err, err)
    rc, out, err = run(f"--from-url={d.url}missing", "--timeout=60")
    t.check("url: 404 is final at once", rc == 1 and "404" in err, (rc, err))
    rc, out, err = run("url:file:///etc/passwd")
    t.check("url: only http(s)", rc == 2, (rc, err))

# --- TLS is verified: a self-signed server is refused at once, not retried ---
import shutil  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
if shutil.which("openssl"):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", f"{T}/key.pem", "-out", f"{T}/cert.pem"],
                   check=True, capture_output=True)
    with Double({"/ud": (200, CC)}) as d:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(f"{T}/cert.pem", f"{T}/key.pem")
        d.server.socket = ctx.wrap_socket(d.server.socket, server_side=True)
        https = d.url.replace("http://", "https://")
        rc, out, err = run(f"url:{https}ud", "--timeout=60")
        t.check("https: self-signed certificate refused", rc == 1 and "certificate" in err.lower(), (rc, err))
        t.check("https: not retried", len(d.hits) == 0 and "Waiting" not in err, (d.hits, err))
else:
    t.skip("https: TLS verification", "openssl not installed (contrib/deps.sh installs it)")

# --- kernel command line ---
with Double({"/cc": (200, CC)}) as d:
    write(f"{T}/cmdline", f"BOOT_IMAGE=/vmlinuz root=/dev/sda1 cloud-config-url=http://wrong/ cloud_config_url={d.url}cc quiet\n")
    rc, out, err = run("cmdline", env={"NODEINIT_PROC_CMDLINE": f"{T}/cmdline"})
    t.check("cmdline: last cloud_config_url= wins", rc == 0 and out["source"] == "cmdline" and d.hits == ["/cc"],
            (rc, err, d.hits))
    rc, out, err = run("--from-proc-cmdline", env={"NODEINIT_PROC_CMDLINE": f"{T}/cmdline"})
    t.check("cmdline: --from-proc-cmdline", rc == 0, err)
write(f"{T}/cmdline2", "root=/dev/sda1 cloud-config-url quiet\n")
rc, out, err = run("cmdline", env={"NODEINIT_PROC_CMDLINE": f"{T}/cmdline2"})
t.check("cmdline: absent is final at once", rc == 1 and "cloud-config-url" in err, (rc, err))

# --- config drive ---
cd = f"{T}/configdrive"
write(f"{cd}/openstack/latest/user_data", CC)
write(f"{cd}/openstack/latest/meta_data.json", json.dumps({
    "uuid": "83679162-1378-4288-a2d4-70e13ec132aa", "hostname": "cd-node.novalocal",
    "public_keys": {"mykey": "ssh-rsa AAAAB3Nza mykey\n"}, "network_config": {"content_path": "/content/0000"}}))
write(f"{cd}/openstack/content/0000", "auto eth0\niface eth0 inet dhcp\n")
rc, out, err = run(f"configdrive:{cd}")
t.check("configdrive: exit 0", rc == 0, err)
t.check("configdrive: hostname, uuid, key name", out and out["hostname"] == "cd-node.novalocal" and
        out["instance_id"] == "83679162-1378-4288-a2d4-70e13ec132aa" and
        out["ssh_keys"] == {"count": 1, "names": ["mykey"]}, out)
t.check("configdrive: user-data", out and out["user_data"]["type"] == "cloud-config", out)
t.check("configdrive: network config read", out and out["network_config_size"] == 31, out)
cd2 = f"{T}/configdrive2"
os.makedirs(cd2)
rc, out, err = run(f"--from-configdrive={cd2}")
t.check("configdrive: empty drive is fine", rc == 0 and not out["user_data"]["present"], (rc, err))
write(f"{T}/configdrive3/openstack/latest/meta_data.json", "{not json")
rc, out, err = run(f"configdrive:{T}/configdrive3")
t.check("configdrive: bad meta_data.json is an error", rc == 1 and "meta_data.json" in err, (rc, err))

# --- GCE ---
gce = {
    "/computeMetadata/v1/instance/attributes/user-data": (200, CC),
    "/computeMetadata/v1/instance/network-interfaces/0/access-configs/0/external-ip": (200, "203.0.113.7"),
    "/computeMetadata/v1/instance/network-interfaces/0/ip": (200, "10.128.0.7"),
    "/computeMetadata/v1/instance/hostname": (200, "gce-node.c.project.internal"),
    "/computeMetadata/v1/instance/id": (200, "4520031799277581759"),
}
with Double(gce, need_header=("Metadata-Flavor", "Google")) as d:
    rc, out, err = run(f"gce:{d.url}")
    t.check("gce: exit 0 (Metadata-Flavor sent)", rc == 0, err)
    t.check("gce: values", out and out["public_ipv4"] == "203.0.113.7" and out["private_ipv4"] == "10.128.0.7" and
            out["hostname"] == "gce-node.c.project.internal" and out["instance_id"] == "4520031799277581759", out)
    t.check("gce: 5 requests", len(d.hits) == 5, d.hits)

# --- DigitalOcean ---
do = {"droplet_id": 2756294, "hostname": "do-node", "public_keys": ["ssh-rsa AAAA do1", "ssh-ed25519 AAAA do2"],
      "interfaces": {"public": [{"ipv4": {"ip_address": "104.131.20.105"}, "ipv6": {"ip_address": "2604:a880:800:10::c6:a001"}}],
                     "private": [{"ipv4": {"ip_address": "10.132.255.113"}}]}}
with Double({"/metadata/v1.json": (200, json.dumps(do)), "/metadata/v1/user-data": (200, CC)}) as d:
    rc, out, err = run(f"--from-digitalocean-metadata={d.url}")
    t.check("digitalocean: exit 0", rc == 0, err)
    t.check("digitalocean: values", out and out["public_ipv4"] == "104.131.20.105" and
            out["private_ipv4"] == "10.132.255.113" and out["public_ipv6"] == "2604:a880:800:10::c6:a001" and
            out["instance_id"] == "2756294" and out["ssh_keys"]["count"] == 2, out)
    t.check("digitalocean: network config kept", out and out["network_config_size"] > 0, out)

# --- Packet ---
pk = {"id": "6b2a7a49-4c1a-4d1b-9f8c-6d1c8a2b0f11", "hostname": "pk-node", "ssh_keys": ["ssh-rsa AAAA pk"],
      "network": {"addresses": [
          {"address_family": 4, "public": True, "address": "147.75.1.2"},
          {"address_family": 4, "public": False, "address": "10.88.1.2"},
          {"address_family": 6, "public": True, "address": "2604:1380::2"}]}}
with Double({"/metadata": (200, json.dumps(pk))}) as d:
    rc, out, err = run(f"packet:{d.url}")
    t.check("packet: exit 0, no user-data is fine", rc == 0 and not out["user_data"]["present"], err)
    t.check("packet: values", out and out["public_ipv4"] == "147.75.1.2" and out["private_ipv4"] == "10.88.1.2" and
            out["public_ipv6"] == "2604:1380::2" and out["ssh_keys"]["count"] == 1, out)

# --- Azure waagent ---
wa = f"{T}/waagent"
write(f"{wa}/CustomData", CC)
write(f"{wa}/SharedConfig.xml", """<?xml version="1.0" encoding="utf-8"?>
<SharedConfig version="1.0.0.0" goalStateIncarnation="1">
  <Deployment name="d" guid="{g}" incarnation="0" isNonCancellableTopologyChangeEnabled="false"/>
  <Incarnation number="1" instance="nit_vm" guid="{g}" />
  <Instances>
    <Instance id="other_vm" address="10.0.0.9"><InputEndpoints>
      <Endpoint name="ssh" loadBalancedPublicAddress="40.0.0.9:22" /></InputEndpoints></Instance>
    <Instance id="nit_vm" address="10.0.0.4">
      <FaultDomains randomId="0" updateId="0" updateCount="0" />
      <InputEndpoints>
        <Endpoint name="ssh" address="10.0.0.4:22" protocol="tcp" hostName="nit_vmContractContract" isPublic="true" loadBalancedPublicAddress="40.112.1.2:22" enableDirectServerReturn="false" />
      </InputEndpoints>
    </Instance>
  </Instances>
</SharedConfig>
""")
rc, out, err = run(f"waagent:{wa}", "--timeout=3")
t.check("waagent: not provisioned yet is waited for, then fails", rc == 1 and "provisioned" in err, (rc, err))
write(f"{wa}/provisioned", "")
rc, out, err = run(f"--from-waagent={wa}")
t.check("waagent: exit 0", rc == 0, err)
t.check("waagent: this instance's addresses", out and out["private_ipv4"] == "10.0.0.4" and
        out["public_ipv4"] == "40.112.1.2" and out["user_data"]["type"] == "cloud-config", out)

# --- several sources: first available wins ---
# An EC2 URL where nothing listens (a port we bound and closed) raced with a config drive.
import socket  # noqa: E402
s = socket.socket()
s.bind(("127.0.0.1", 0))
dead = s.getsockname()[1]
s.close()
rc, out, err = run(f"ec2:http://127.0.0.1:{dead}/", f"configdrive:{cd}", "--timeout=30")
t.check("race: configdrive wins over an absent IMDS", rc == 0 and out["source"] == "configdrive", (rc, err))
rc, out, err = run(f"ec2:http://127.0.0.1:{dead}/", "--timeout=3")
t.check("race: nothing available in time", rc == 1 and "in time" in err, (rc, err))

# --- usage ---
rc, out, err = run()
t.check("usage: no source is exit 2", rc == 2 and "at least one" in err, (rc, err))
rc, out, err = run("--oem=nope")
t.check("usage: unknown -oem is exit 2", rc == 2 and "Invalid option to -oem" in err, (rc, err))
# The VMware and CloudSigma sources have their own tests (test-source-vmware.py,
# test-source-cloudsigma.py); here only: off their hypervisor they give up at once.
os.makedirs(f"{T}/dmi", exist_ok=True)
write(f"{T}/dmi/sys_vendor", "QEMU\n")
rc, out, err = run("-oem=vmware", f"--dmi-dir={T}/dmi")
t.check("-oem vmware off VMware: gives up at once", rc == 1 and "not running on VMware" in err, (rc, err))
rc, out, err = run("--from-cloudsigma-metadata", f"--dmi-dir={T}/dmi")
t.check("cloudsigma off CloudSigma: gives up at once", rc == 1 and "not running on CloudSigma" in err, (rc, err))
rc, out, err = run("-oem=rackspace-onmetal", "--timeout=3")
t.check("-oem rackspace-onmetal: the config drive", rc == 1 and "/media/configdrive" in err, (rc, err))
rc, out, err = run("bogus")
t.check("usage: unknown source word", rc == 2, (rc, err))
rc, out, err = run("--imds=v3", "ec2")
t.check("usage: bad --imds", rc == 2, (rc, err))

tmp.cleanup()
t.done()
