#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`nodeinit metadata` against the IMDS simulator, one scenario per EC2 branch.
Loopback only (127.0.0.1, kernel-chosen ports); no timing assertions."""
import base64
import gzip
import os
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "../..")),
                                "tests", "imds"))
from imdstest import Checker, Sim, run, run_until, require_metadata_verb  # noqa: E402

require_metadata_verb()
t = Checker()


def ok_full(name, out, st, puts=1, gets=8):
    t.check(f"{name}: hostname", out and out["hostname"] == "ip-172-16-34-43.ec2.internal", out)
    t.check(f"{name}: addresses", out and out["private_ipv4"] == "172.16.34.43" and
            out["public_ipv4"] == "192.0.2.54" and out["private_ipv6"] == "2001:db8::43", out)
    t.check(f"{name}: instance id", out and out["instance_id"] == "i-1234567890abcdef0", out)
    t.check(f"{name}: key names", out and out["ssh_keys"] == {"count": 1, "names": ["my-key"]}, out)
    t.check(f"{name}: user-data type/size", out and out["user_data"] ==
            {"present": True, "type": "cloud-config", "size": 33}, out)
    t.check(f"{name}: no key material or user-data in output",
            out and "AAAA" not in str(out) and "sim-node" not in str(out), out)
    t.check(f"{name}: {puts} PUT(s)", st["puts"] == puts, st["paths"])
    t.check(f"{name}: {gets} GETs", st["gets"] == gets, st["paths"])
    t.check(f"{name}: no dated path", st["dated_requests"] == 0, st["paths"])
    t.check(f"{name}: no X-Forwarded-For", st["forwarded_for"] == 0)


# IMDSv2 required: 1 PUT + 8 GETs on one connection, token on every GET.
with Sim("--mode", "v2-required") as s:
    rc, out, err = run(f"--from-ec2-metadata={s.url}")
    st = s.stats()
    t.check("v2-required: exit 0", rc == 0, err)
    ok_full("v2-required", out, st)
    t.check("v2-required: token on every GET", st["gets_without_token"] == 0)
    t.check("v2-required: one connection", st["connections"] == 1 and out["requests"]["connections"] == 1,
            (st["connections"], out and out["requests"]))
    t.check("v2-required: token PUT path is latest/api/token", st["paths"][0] == "PUT /latest/api/token 200",
            st["paths"])

# IMDSv2 optional: tokens are still used.
with Sim("--mode", "v2-optional") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("v2-optional: exit 0", rc == 0, err)
    ok_full("v2-optional", out, st)
    t.check("v2-optional: token on every GET", st["gets_without_token"] == 0)

# Token expiry mid-run: 401, one new token, the run completes.
with Sim("--mode", "v2-required", "--expire-tokens-after", "3") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("token expiry: exit 0", rc == 0, err)
    ok_full("token expiry", out, st, puts=2, gets=9)
    t.check("token expiry: one 401", st["status"].get("401") == 1, st["status"])

# Token endpoint 404 (EC2 look-alike without IMDSv2): IMDSv1.
for mode, code in (("v1-only", "404"), ("v1-405", "405")):
    with Sim("--mode", mode) as s:
        rc, out, err = run(f"ec2:{s.url}")
        st = s.stats()
        t.check(f"{mode}: exit 0", rc == 0, err)
        ok_full(mode, out, st)
        t.check(f"{mode}: token endpoint answered {code}", st["paths"][0] == f"PUT /latest/api/token {code}",
                st["paths"])
        t.check(f"{mode}: GETs without token", st["gets_without_token"] == 8)

# IMDS disabled: 403 stops at once, no retries.
with Sim("--mode", "disabled") as s:
    rc, out, err = run(f"ec2:{s.url}", "--timeout=60")
    st = s.stats()
    t.check("disabled: exit 1", rc == 1, rc)
    t.check("disabled: says 403/disabled", "403" in err and "disabled" in err, err)
    t.check("disabled: exactly one request", st["requests"] == 1, st["paths"])

# 503 storm, then the service answers.
with Sim("--mode", "v2-required", "--fail-first", "4") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("503 then success: exit 0", rc == 0, err)
    ok_full("503 then success", out, st, puts=5, gets=8)
    t.check("503 then success: retries counted", out and out["requests"]["retries"] == 4, out)
    t.check("503 then success: the wait is logged once", err.count("Waiting:") == 1, err)

# 503s in the middle of the crawl are retried (not taken as "absent"), each wait logged once.
with Sim("--mode", "v2-required", "--fail-skip", "3", "--fail-first", "3") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("503 mid-run: exit 0", rc == 0, err)
    ok_full("503 mid-run", out, st, puts=1, gets=11)
    t.check("503 mid-run: one attribute retried", out and out["requests"]["retries"] == 3, out)
    t.check("503 mid-run: logged once", err.count("Waiting:") == 1, err)

# A connection dropped mid-run: reconnect and go on.
with Sim("--mode", "v2-required", "--fail-skip", "4", "--drop-first", "2") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("drop mid-run: exit 0", rc == 0, err)
    ok_full("drop mid-run", out, st, puts=1, gets=10)
    t.check("drop mid-run: reconnected", st["connections"] >= 2, st["connections"])

# 4xx other than 401/403/404 is final, not retried.
with Sim("--mode", "v2-required", "--fail-skip", "2", "--fail-first", "1", "--fail-code", "400") as s:
    rc, out, err = run(f"ec2:{s.url}", "--timeout=60")
    st = s.stats()
    t.check("400 mid-run: exit 1 naming it", rc == 1 and "400" in err, (rc, err))
    t.check("400 mid-run: not retried", st["requests"] == 3, st["paths"])

# A node with only some attributes: 404 means absent.
nodes = {"default": {"meta-data": {"local-ipv4": "10.0.0.5", "hostname": "n.internal", "instance-id": "i-5"},
                     "user-data": "#cloud-config\n"}}
with Sim("--mode", "v2-required", nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("sparse node: exit 0", rc == 0, err)
    t.check("sparse node: absent attributes are null", out and out["public_ipv4"] is None and
            out["private_ipv6"] is None and out["ssh_keys"]["count"] == 0, out)
    t.check("sparse node: 404s are not errors", st["status"].get("404", 0) == 3, st["status"])

# Late network: nothing listens (connection refused) until nodeinit has said it
# is waiting; then IMDS appears. Driven by nodeinit's own output, not by time.
with tempfile.TemporaryDirectory(prefix="nit-late-") as d, \
        Sim("--mode", "v2-required", "--listen-when", f"{d}/go") as s:
    rc, out, err = run_until("Waiting:", lambda: open(f"{d}/go", "w").close(), f"ec2:{s.url}", "--timeout=120")
    st = s.stats()
    t.check("late IMDS: exit 0", rc == 0, err)
    ok_full("late IMDS", out, st)
    t.check("late IMDS: waited with retries", out and out["requests"]["retries"] >= 1, out)
    t.check("late IMDS: refused logged once", err.count("Waiting:") == 1, err)

# Dropped connections (closed without an answer), then answers.
with Sim("--mode", "v2-required", "--drop-first", "3") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("dropped connections: exit 0", rc == 0, err)
    t.check("dropped connections: complete", out and out["hostname"] and out["ssh_keys"]["count"] == 1, out)
    t.check("dropped connections: no dated path", st["dated_requests"] == 0)

# Slow answers are waited for.
with Sim("--mode", "v2-required", "--slow", "0.1") as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("slow IMDS: exit 0", rc == 0, err)
    ok_full("slow IMDS", out, st)

# Per-request timeout shorter than a slow answer: retried until the deadline, then a clear error.
with Sim("--mode", "v2-required", "--slow", "2") as s:
    rc, out, err = run(f"ec2:{s.url}", "--request-timeout=0.2", "--timeout=1")
    t.check("too slow: exit 1", rc == 1, rc)
    t.check("too slow: says it ran out of time", "in time" in err or "deadline" in err, err)

# No user-data: 404 is not an error.
nodes = {"default": {"meta-data": {"local-ipv4": "10.1.2.3", "hostname": "n3.internal",
                                   "instance-id": "i-0000000000000003"}}}
with Sim("--mode", "v2-required", nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    t.check("no user-data: exit 0", rc == 0, err)
    t.check("no user-data: reported absent", out and out["user_data"] == {"present": False, "type": None, "size": 0},
            out)
    t.check("no user-data: metadata still read", out and out["private_ipv4"] == "10.1.2.3", out)

# Node chosen by source address (harness nodes.json shape), several keys in index order.
nodes = {"127.0.0.1": {"meta-data": {"local-ipv4": "169.254.10.11", "public-ipv4": "203.0.113.11",
                                     "hostname": "node1.internal", "instance-id": "i-0000000000000001",
                                     "public-keys": {"1": {"name": "second", "openssh-key": "ssh-rsa BBBB second"},
                                                     "0": {"name": "first", "openssh-key": "ssh-ed25519 AAAA first\nextra"}}},
                       "user-data": "#!/bin/sh\necho hi\n"},
         "default": {"meta-data": {"hostname": "wrong.internal"}}}
with Sim("--mode", "v2-required", nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    st = s.stats()
    t.check("two keys: exit 0", rc == 0, err)
    t.check("two keys: node by source address", out and out["hostname"] == "node1.internal", out)
    t.check("two keys: names in index order", out and out["ssh_keys"] == {"count": 2, "names": ["first", "second"]},
            out)
    t.check("two keys: script user-data", out and out["user_data"]["type"] == "script", out)
    t.check("two keys: 1 PUT + 9 GETs", st["puts"] == 1 and st["gets"] == 9, st["paths"])

# gzip user-data is reported as such (size of the raw bytes).
gz = gzip.compress(b"#cloud-config\nhostname: z\n")
nodes = {"default": {"meta-data": {"hostname": "gz.internal"}, "user-data-base64": base64.b64encode(gz).decode()}}
with Sim(nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    t.check("gzip user-data: type gzip", out and out["user_data"]["type"] == "gzip" and
            out["user_data"]["size"] == len(gz), out)

# Several DHCP domain names: EC2 lists one hostname per domain; the first is taken.
nodes = {"default": {"meta-data": {"hostname": "ip-10-0-0-1.ec2.internal ip-10-0-0-1.corp.example"}}}
with Sim(nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    t.check("multi-domain hostname: first name", rc == 0 and out["hostname"] == "ip-10-0-0-1.ec2.internal", (rc, out, err))

# Wrong shapes are errors, not guesses.
for attr, val in (("local-ipv4", "10.0.0.300"), ("hostname", "bad\x01host"), ("ipv6", "1.2.3.4")):
    nodes = {"default": {"meta-data": {attr: val}}}
    with Sim(nodes=nodes) as s:
        rc, out, err = run(f"ec2:{s.url}")
        t.check(f"bad {attr}: exit 1 naming it", rc == 1 and attr in err, (rc, err))

nodes = {"default": {"meta-data": {"public-keys": {"0/": {"openssh-key": "x"}}}}}
with Sim(nodes=nodes) as s:
    rc, out, err = run(f"ec2:{s.url}")
    t.check("malformed key listing: exit 1", rc == 1 and "public-keys" in err, (rc, err))

# --imds=v1: never asks for a token; against tokens-required that is a clear 401 error.
with Sim("--mode", "v2-optional") as s:
    rc, out, err = run(f"ec2:{s.url}", "--imds=v1")
    st = s.stats()
    t.check("--imds=v1: exit 0", rc == 0, err)
    t.check("--imds=v1: no PUT", st["puts"] == 0 and st["gets"] == 8, st["paths"])
with Sim("--mode", "v2-required") as s:
    rc, out, err = run(f"ec2:{s.url}", "--imds=v1")
    st = s.stats()
    t.check("--imds=v1 vs required: exit 1 with reason", rc == 1 and "401" in err and "v1" in err, err)
    t.check("--imds=v1 vs required: stops after one request", st["requests"] == 1, st["paths"])

# Nothing ever answers: gives up at the deadline with the reason, logging the wait once.
# The deadline must leave room for the first 503 to arrive (under valgrind on a
# loaded machine that took over a second), so it is 10 s, not 1.
with Sim("--mode", "v2-required", "--fail-first", "100000") as s:
    rc, out, err = run(f"ec2:{s.url}", "--timeout=10")
    t.check("503 forever: exit 1", rc == 1, rc)
    t.check("503 forever: reason given", "503" in err and "in time" in err, err)
    t.check("503 forever: logged once", err.count("Waiting:") == 1, err)

# The simulator itself behaves like IMDS on the requests nodeinit never sends.
with Sim("--mode", "v2-required") as s:
    def req(method, path, headers):
        r = urllib.request.Request(s.url.rstrip("/") + path, method=method, headers=headers)
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code
    t.check("sim: PUT without TTL is 400", req("PUT", "/latest/api/token", {}) == 400)
    t.check("sim: PUT with bad TTL is 400",
            req("PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "0"}) == 400)
    t.check("sim: dated token path is 403",
            req("PUT", "/2021-03-23/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "60"}) == 403)
    t.check("sim: X-Forwarded-For is 403", req("PUT", "/latest/api/token", {
        "X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "1.2.3.4"}) == 403)
    t.check("sim: GET without token is 401", req("GET", "/latest/meta-data/hostname", {}) == 401)
    t.check("sim: dated GET counted", req("GET", "/2009-04-04/meta-data/hostname", {}) == 401 and
            s.stats()["dated_requests"] == 2)

t.done()
