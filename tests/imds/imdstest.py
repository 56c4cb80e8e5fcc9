# SPDX-License-Identifier: Apache-2.0
"""Helpers for tests that run `nodeinit metadata` against imds-sim.py.

Loopback only: the simulator binds 127.0.0.1 on a port the kernel picks.
Every simulator started here is killed by PID when the test ends, even on
failure (context manager plus atexit)."""
import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.join(HERE, "imds-sim.py")
_live = set()


def _cleanup():
    for p in list(_live):
        try:
            p.kill()
            p.wait(timeout=5)
        except Exception:
            pass
        _live.discard(p)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))


def nodeinit_binary():
    b = os.environ.get("NODEINIT")
    if not b:
        top = os.environ.get("top_builddir", ".")
        b = os.path.join(top, "nodeinit")
    return b


def require_metadata_verb():
    """The binary and its `metadata` verb exist: anything else is a hard
    error (automake's 99), never a skip that would let a suite pass unrun."""
    b = nodeinit_binary()
    if not os.access(b, os.X_OK):
        print(f"ERROR: {b} is not an executable nodeinit")
        sys.exit(99)
    p = subprocess.run([b, "metadata", "--help"], capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or "nodeinit metadata" not in p.stdout:
        print(f"ERROR: `{b} metadata --help` failed (exit {p.returncode}) or does not describe the verb:\n"
              f"{p.stdout}{p.stderr}")
        sys.exit(99)


class Sim:
    """imds-sim.py on 127.0.0.1, any free port."""

    def __init__(self, *args, nodes=None, wait_listen=True):
        self.tmp = tempfile.TemporaryDirectory(prefix="nit-imds-")
        self.port_file = os.path.join(self.tmp.name, "port")
        self.stats_file = os.path.join(self.tmp.name, "stats.json")
        cmd = [sys.executable, SIM, "--bind", "127.0.0.1", "--port", "0",
               "--port-file", self.port_file, "--stats-file", self.stats_file, "--die-with-parent"] + list(args)
        if nodes is not None:
            nf = os.path.join(self.tmp.name, "nodes.json")
            with open(nf, "w") as f:
                json.dump(nodes, f)
            cmd += ["--nodes", nf]
        self.proc = subprocess.Popen(cmd)
        _live.add(self.proc)
        deadline = time.monotonic() + 120  # ends a broken run only
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("imds-sim did not start")
            time.sleep(0.01)
        with open(self.port_file) as f:
            self.port = int(f.read())
        self.url = f"http://127.0.0.1:{self.port}/"

    def stats(self):
        try:
            with open(self.stats_file) as f:
                return json.load(f)
        except FileNotFoundError:
            return {"requests": 0, "puts": 0, "gets": 0, "connections": 0, "tokens_issued": 0,
                    "dated_requests": 0, "forwarded_for": 0, "gets_without_token": 0, "paths": []}

    def stop(self):
        if self.proc in _live:
            self.proc.kill()
            self.proc.wait(timeout=10)
            _live.discard(self.proc)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def run(*args, env=None, timeout=120):
    """Runs `nodeinit metadata ARGS`; returns (rc, parsed JSON or None, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([nodeinit_binary(), "metadata"] + list(args), capture_output=True, text=True,
                       timeout=timeout, env=e)
    out = None
    if p.returncode == 0:
        out = json.loads(p.stdout)
    return p.returncode, out, p.stderr


def run_until(trigger_text, on_trigger, *args, env=None, timeout=120):
    """Runs `nodeinit metadata ARGS`; calls on_trigger() once its stderr shows
    trigger_text (or when it ends). Returns (rc, parsed JSON or None, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.Popen([nodeinit_binary(), "metadata"] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=e)
    _live.add(p)
    err = []
    fired = False
    for line in p.stderr:
        err.append(line)
        if not fired and trigger_text in line:
            fired = True
            on_trigger()
    if not fired:
        on_trigger()
    out_text = p.stdout.read()
    rc = p.wait(timeout=timeout)
    _live.discard(p)
    out = json.loads(out_text) if rc == 0 else None
    return rc, out, "".join(err)


class Checker:
    def __init__(self):
        self.failed = 0
        self.passed = 0
        self.skipped = []

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok - {name}")
        else:
            self.failed += 1
            print(f"not ok - {name} {detail}")

    def skip(self, what, reason):
        """Checks that could not run: a failure in CI (CI=true), where
        contrib/deps.sh installs what they need; elsewhere the whole test
        ends as SKIP (77) with the reason, unless something failed."""
        if os.environ.get("CI") == "true":
            self.check(f"{what} (in CI nothing may be skipped: {reason})", False)
        else:
            self.skipped.append(f"{what}: {reason}")
            print(f"# SKIP {what}: {reason}")

    def done(self):
        print(f"# {self.passed} passed, {self.failed} failed, {len(self.skipped)} groups skipped")
        if self.failed:
            sys.exit(1)
        if self.skipped:
            print("SKIP: " + "; ".join(self.skipped))
            sys.exit(77)
        sys.exit(0)
