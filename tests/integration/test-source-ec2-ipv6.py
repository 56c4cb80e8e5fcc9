#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""EC2's metadata over IPv6: `nodeinit metadata ec2` (no URL given) with
--imds-endpoint=auto|ipv4|ipv6, and an explicit -from-ec2-metadata URL, in
network namespaces this test creates (never the root one).

Each namespace has a veth pair whose one end holds the simulator's address(es) at
EC2's own addresses, 169.254.169.254:80 and [fd00:ec2::254]:80. The family
without a simulator gets an on-link route into the veth pair instead: its
packets vanish, so a request there hangs rather than failing, as in an
IPv6-only (or IPv4-only) subnet. --request-timeout is 600 s while each run is
bounded at 120 s, so a client that waited for the silent address would fail
the bound: auto must take the first answer and drop the other request.
No timing assertions: only request counts and results."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, SIM, _live, nodeinit_binary, require_metadata_verb  # noqa: E402

V4, V6 = "169.254.169.254", "fd00:ec2::254"
URL4, URL6 = "http://169.254.169.254/", "http://[fd00:ec2::254]/"

t = Checker()
if os.geteuid() != 0:
    print("SKIP: needs root for network namespaces")
    sys.exit(77)
for tool in ("ip", "nsenter"):
    if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
        print(f"SKIP: {tool} not installed")
        sys.exit(77)
require_metadata_verb()

RUN = f"nit-ec2v6-{os.getpid()}"
made = []


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def netns(name, v4_sim, v6_sim, v6_route=True):
    """A namespace whose imds0 holds the simulators' addresses; the other
    family routes out of imds0, where its packets are dropped unanswered
    (v6_route=False: no IPv6 address or route at all, as in an IPv4-only
    VPC or this project's cluster namespaces)."""
    ns = f"{RUN}-{name}"
    sh("ip", "netns", "add", ns)
    made.append(ns)
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "-n", ns, "link", "add", "imds0", "type", "veth", "peer", "name", "imds1")
    sh("ip", "-n", ns, "link", "set", "imds0", "up")
    sh("ip", "-n", ns, "link", "set", "imds1", "up")
    sh("ip", "-n", ns, "addr", "add", f"{V4}/16" if v4_sim else "169.254.0.1/16", "dev", "imds0")
    if v6_sim or v6_route:
        sh("ip", "-n", ns, "addr", "add", f"{V6}/64" if v6_sim else "fd00:ec2::1/64", "dev", "imds0", "nodad")
    # the silent family: a fixed neighbour, so packets leave into imds1,
    # which has no such address and drops them (no ARP/ND failure either)
    for addr, sim in ((V4, v4_sim), (V6, v6_sim)):
        if not sim and (addr == V4 or v6_route):
            sh("ip", "-n", ns, "neigh", "add", addr, "lladdr", "02:00:5e:00:00:fe", "dev", "imds0", "nud", "permanent")
    return ns


def nsexec(ns):
    return ["nsenter", f"--net=/run/netns/{ns}", "--"]


class NsSim:
    """imds-sim.py inside ns on addr:80; killed by PID at the end."""

    def __init__(self, ns, addr, mode="v2-required"):
        self.tmp = tempfile.TemporaryDirectory(prefix="nit-imds6-")
        self.port_file = os.path.join(self.tmp.name, "port")
        self.stats_file = os.path.join(self.tmp.name, "stats.json")
        self.proc = subprocess.Popen(nsexec(ns) + [sys.executable, SIM, "--bind", addr, "--port", "80",
                                                   "--port-file", self.port_file, "--stats-file",
                                                   self.stats_file, "--mode", mode])
        _live.add(self.proc)
        deadline = time.monotonic() + 120  # ends a broken run only
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"imds-sim on {addr} did not start")
            time.sleep(0.01)

    def stats(self):
        try:
            with open(self.stats_file) as f:
                return json.load(f)
        except FileNotFoundError:
            return {"requests": 0, "puts": 0, "gets": 0, "connections": 0, "paths": []}

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=30)
        _live.discard(self.proc)
        self.tmp.cleanup()


def run(ns, *args):
    p = subprocess.run(nsexec(ns) + [nodeinit_binary(), "metadata", "--request-timeout=600"] + list(args),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout) if p.returncode == 0 else None, p.stderr


def provisioned(name, out, st, where):
    t.check(f"{name}: answered at {where}", out and out["where"] == where, out)
    t.check(f"{name}: metadata", out and out["hostname"] == "ip-172-16-34-43.ec2.internal" and
            out["instance_id"] == "i-1234567890abcdef0", out)
    t.check(f"{name}: $private_ipv6/$public_ipv6 from meta-data/ipv6",
            out and out["private_ipv6"] == "2001:db8::43" and out["public_ipv6"] == "2001:db8::43", out)
    t.check(f"{name}: one token request", st["puts"] == 1, st["paths"])
    t.check(f"{name}: at most 8 GETs, all with the token", 0 < st["gets"] <= 8 and st["gets_without_token"] == 0,
            st["paths"])
    t.check(f"{name}: one connection (the winner's, reused)", st["connections"] == 1, st["connections"])


sims = []
try:
    ns4 = netns("v4", True, False)
    ns6 = netns("v6", False, True)
    nsd = netns("ds", True, True)
    s4 = NsSim(ns4, V4)
    s6 = NsSim(ns6, V6)
    d4, d6 = NsSim(nsd, V4), NsSim(nsd, V6)
    ns1 = netns("v6v1", False, True)
    s1 = NsSim(ns1, V6, mode="v1-only")
    nsn = netns("v4nr", True, False, v6_route=False)
    sn = NsSim(nsn, V4)
    sims = [s4, s6, d4, d6, s1, sn]

    # IPv4-only subnet: [fd00:ec2::254] never answers; auto does not wait for it.
    rc, out, err = run(ns4, "ec2")
    t.check("ipv4-only auto: exit 0", rc == 0, err)
    provisioned("ipv4-only auto", out, s4.stats(), URL4)

    # No IPv6 at all: the IPv6 request fails at once, the IPv4 one answers.
    rc, out, err = run(nsn, "ec2")
    t.check("no IPv6 route, auto: exit 0", rc == 0, err)
    provisioned("no IPv6 route, auto", out, sn.stats(), URL4)

    # IPv6-only subnet: 169.254.169.254 never answers.
    rc, out, err = run(ns6, "ec2")
    t.check("ipv6-only auto: exit 0", rc == 0, err)
    provisioned("ipv6-only auto", out, s6.stats(), URL6)

    # --imds=v1 (no token): the first GET is the one sent to both addresses.
    rc, out, err = run(ns1, "ec2", "--imds=v1")
    st = s1.stats()
    t.check("ipv6-only --imds=v1: exit 0, answered over IPv6", rc == 0 and out["where"] == URL6, err)
    t.check("ipv6-only --imds=v1: no token request, at most 8 GETs", st["puts"] == 0 and 0 < st["gets"] <= 8,
            st["paths"])

    # Dual stack: both answer; the winner serves everything, the other saw
    # at most the token request.
    rc, out, err = run(nsd, "ec2")
    t.check("dual-stack auto: exit 0", rc == 0, err)
    win, lose = (d4, d6) if out and out["where"] == URL4 else (d6, d4)
    provisioned("dual-stack auto", out, win.stats(), out["where"] if out else "?")
    t.check("dual-stack auto: the other address got no GET", lose.stats()["gets"] == 0, lose.stats()["paths"])
    t.check("dual-stack auto: the other address got at most the token PUT", lose.stats()["puts"] <= 1,
            lose.stats()["paths"])

    # --imds-endpoint=ipv6 / ipv4: one address only.
    before4, before6 = d4.stats()["requests"], d6.stats()["requests"]
    rc, out, err = run(nsd, "ec2", "--imds-endpoint=ipv6")
    t.check("--imds-endpoint=ipv6: exit 0, answered over IPv6", rc == 0 and out["where"] == URL6, err)
    t.check("--imds-endpoint=ipv6: nothing sent to 169.254.169.254", d4.stats()["requests"] == before4,
            d4.stats()["paths"])
    before6 = d6.stats()["requests"]
    rc, out, err = run(nsd, "--from-metadata-service", "--imds-endpoint=ipv4")
    t.check("--imds-endpoint=ipv4 (-from-metadata-service): answered over IPv4", rc == 0 and out["where"] == URL4,
            err)
    t.check("--imds-endpoint=ipv4: nothing sent to [fd00:ec2::254]", d6.stats()["requests"] == before6,
            d6.stats()["paths"])

    # An explicit URL is used as given, an IPv6 literal included.
    before4 = d4.stats()["requests"]
    rc, out, err = run(nsd, f"-from-ec2-metadata={URL6}")
    t.check("explicit IPv6 URL: exit 0", rc == 0 and out["where"] == URL6, err)
    t.check("explicit IPv6 URL: nothing sent to 169.254.169.254", d4.stats()["requests"] == before4)
    before6 = d6.stats()["requests"]
    rc, out, err = run(nsd, f"-from-ec2-metadata={URL4}")
    t.check("explicit 169.254.169.254: exit 0", rc == 0 and out["where"] == URL4, err)
    t.check("explicit 169.254.169.254: nothing sent to [fd00:ec2::254]", d6.stats()["requests"] == before6)

    t.check("bad --imds-endpoint is a usage error",
            subprocess.run([nodeinit_binary(), "metadata", "ec2", "--imds-endpoint=ipv5"],
                           capture_output=True, timeout=120).returncode == 2)
finally:
    for s in sims:
        s.stop()
    for ns in made:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)

t.done()
