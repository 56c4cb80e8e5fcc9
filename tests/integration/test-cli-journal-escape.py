#!/usr/bin/env python3
"""Log lines sent to the journal are escaped as those on stderr (issue 8):
`journalctl -a` prints a MESSAGE as it is, so a value with ESC or a newline
must not reach it raw. Runs in a private mount namespace whose /run is a
tmpfs with a stand-in /run/systemd/journal/socket; nodeinit is told that
stderr is the journal through $JOURNAL_STREAM, as systemd tells a service."""
import os
import socket
import struct
import subprocess
import sys
import tempfile

if os.environ.get("NIT_IN_MOUNT_NS") != "1":
    if os.geteuid() != 0:
        print("SKIP: needs root for a private mount namespace")
        sys.exit(77)
    env = dict(os.environ, NIT_IN_MOUNT_NS="1")
    sys.exit(subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, __file__],
                            env=env).returncode)

NODEINIT = os.environ["NODEINIT"]
subprocess.run(["mount", "-t", "tmpfs", "nit-run", "/run"], check=True)
os.makedirs("/run/systemd/journal")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("/run/systemd/journal/socket")
sock.settimeout(30)


def fields(datagram):
    """The native protocol's fields, binary-safe ones included."""
    out, i = {}, 0
    while i < len(datagram):
        nl = datagram.index(b"\n", i)
        line = datagram[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", datagram[nl + 1:nl + 9])
            v = datagram[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        out[k.decode()] = v
    return out


work = tempfile.mkdtemp(prefix="nit-cli-journal-")
bad = os.path.join(work, "evil\x1b]0;owned\x07\nPRIORITY=0.yml")
with open(bad, "w") as f:
    # an unknown key quoted by a diagnostic (log_struct's path)
    f.write('#cloud-config\nhostname: a\n"key\\e[2J\\nx": 1\n')
err = open(os.path.join(work, "stderr"), "w")
st = os.fstat(err.fileno())
env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
p = subprocess.run([NODEINIT, "apply", "--dry-run", "--root", work, "--systemd=none", bad],
                   stdout=subprocess.DEVNULL, stderr=err, env=env, timeout=120)

messages = []
sock.settimeout(2)
try:
    while True:
        messages.append(fields(sock.recv(65536)))
except socket.timeout:
    pass

failed = 0


def check(what, ok):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    failed += not ok


check("entries reached the stand-in journal", len(messages) > 0)
for m in messages:
    msg = m.get("MESSAGE", b"")
    check("MESSAGE without control bytes: %r" % msg, not any(b < 0x20 or b == 0x7f for b in msg))
check("the file name is in a message, escaped",
      any(b"evil\\x1b]0;owned\\a\\nPRIORITY=0.yml" in m.get("MESSAGE", b"") for m in messages))
check("the diagnostic quotes the key, escaped",
      any(b"key\\x1b[2J\\nx" in m.get("MESSAGE", b"") for m in messages))
check("no entry got a forged PRIORITY", all(m.get("PRIORITY") != b"0" for m in messages))
subprocess.run(["rm", "-rf", work])
print(f"test-cli-journal-escape.py: {'failed' if failed else 'passed'}")
sys.exit(1 if failed else 0)
