#!/usr/bin/env python3
"""nodeinit validate beside coreos-cloudinit -validate, value by value.

tests/corpus/validator/cases.json holds small cloud-configs, one value or
shape each (every allowed-value rule of coreos-cloudinit's config package,
names, paths, owners, types, document shapes), with what coreos-cloudinit
v1.14.0's validator printed for them (tests/corpus/PROVENANCE.md says how).
For every case:
  - an error of coreos-cloudinit's is an error of nodeinit's at the same
    line with the same message, or a legacy value nodeinit accepts with a
    "deprecated value" warning there (README: legacy values);
  - an error of nodeinit's that coreos-cloudinit does not give is one of the
    stricter checks the README lists (DELIBERATE below names each);
  - nodeinit never exits with anything but 0 or 1.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

NODEINIT = os.environ["NODEINIT"]
CASES = os.path.join(os.environ["top_srcdir"], "tests/corpus/validator/cases.json")

# nodeinit's errors beyond coreos-cloudinit's validator: (what the line of
# the error holds, the message), and where the README lists the check
DELIBERATE = [
    (r"name:", r'^invalid unit name "', "unit names must be valid systemd names"),
    (r"name:", r'^invalid drop-in name "', "drop-in names must be valid systemd names"),
    (r"path:", r'^invalid path "', "write_files paths absolute without '..'"),
    (r"owner:", r'^invalid owner "', "owner well-formed"),
    (r"", r'^(users|units|write_files)\[\d+\] has no "(name|path)"$', "entries need a name"),
    (r"manage_etc_hosts:", r"^invalid value ", "manage_etc_hosts only takes localhost"),
    (r"hostname:", r'^invalid hostname "', "hostname: letters, digits, '-', '.', '_', not starting with '-' or '.', no '..'"),
    (r"name:", r'^invalid user name "', "Security: shadow-utils user names"),
    (r"groups:", r'^invalid group name "', "Security: shadow-utils group names"),
    (r"", r"^incorrect type for the document \(want struct\)",
     "a document that is not a mapping (coreos-cloudinit failed to parse it at apply)"),
]
LEGACY = r'^deprecated value "'
CCI_LINE = re.compile(r"^line (\d+): (error|warning): (.*)$")


def main():
    cases = json.load(open(CASES))
    failures = []
    with tempfile.TemporaryDirectory(prefix="nit-validate-cci-") as tmp:
        paths = []
        for i, c in enumerate(cases):
            p = os.path.join(tmp, "case-%03d.yml" % i)
            with open(p, "w") as f:
                f.write(c["config"])
            paths.append(p)
        r = subprocess.run([NODEINIT, "validate", "--format=json"] + paths, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit("nodeinit validate exited %d: %s" % (r.returncode, r.stderr))
        reports = {os.path.basename(d["path"]): d for d in json.loads(r.stdout)}

    deliberate_seen = set()
    for i, c in enumerate(cases):
        name = c["name"]
        rep = reports.get("case-%03d.yml" % i)
        if rep is None:
            failures.append("%s: no report" % name)
            continue
        lines = c["config"].splitlines()
        ours = [e for e in rep["entries"] if e["kind"] == "error"]
        warns = [e for e in rep["entries"] if e["kind"] == "warning"]
        theirs = []
        for l in c["coreos_cloudinit"]["output"]:
            m = CCI_LINE.match(l)
            if m and m.group(2) == "error":
                theirs.append((int(m.group(1)), m.group(3)))
        # a YAML syntax error: both refuse the document (lines differ:
        # coreos-cloudinit printed libyaml's 0-based line)
        if theirs and any(not msg.startswith(("invalid value", "incorrect type")) for _, msg in theirs):
            if not ours:
                failures.append("%s: coreos-cloudinit refuses the document (%s), nodeinit does not" % (name, theirs))
            continue
        for line, msg in theirs:
            if any(e["line"] == line and e["message"] == msg for e in ours):
                continue
            if any(e["line"] == line and re.match(LEGACY, e["message"]) for e in warns):
                continue
            failures.append("%s: coreos-cloudinit's 'line %d: error: %s' is not nodeinit's (%s)"
                            % (name, line, msg, [(e["line"], e["message"]) for e in ours + warns]))
        for e in ours:
            if any(e["line"] == l and e["message"] == m for l, m in theirs):
                continue
            text = lines[e["line"] - 1] if 0 < e["line"] <= len(lines) else ""
            why = [w for key, msg, w in DELIBERATE if key in text and re.search(msg, e["message"])]
            if why:
                deliberate_seen.add(why[0])
                continue
            failures.append("%s: nodeinit's error at line %d, '%s', is not coreos-cloudinit's and not a listed "
                            "stricter check" % (name, e["line"], e["message"]))

    n = len(cases)
    for f in failures:
        print("FAIL: " + f)
    print("%d cases; %d differences; stricter checks exercised: %d of %d"
          % (n, len(failures), len(deliberate_seen), len(DELIBERATE)))
    # every listed stricter check is exercised by some case: a row that no
    # case reaches would let anything through unnoticed
    unused = [w for _, _, w in DELIBERATE if w not in deliberate_seen]
    for w in unused:
        print("FAIL: no case exercises the listed check: " + w)
    return 1 if failures or unused else 0


if __name__ == "__main__":
    sys.exit(main())
