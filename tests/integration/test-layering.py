#!/usr/bin/env python3
"""The pipeline's arrows point one way: no file under src/<stage>/ includes a
header of a stage after it (docs/ARCHITECTURE.md). The order, bottom first:
basic, net, source, userdata, config, plan, apply, report, cli."""
import os
import re
import sys

ORDER = ["basic", "net", "source", "userdata", "config", "plan", "apply", "report", "cli"]
RANK = {s: i for i, s in enumerate(ORDER)}
INCLUDE = re.compile(r'\s*#\s*include\s+"([a-z0-9_-]+)/')

src = os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", "..")), "src")
bad = []
checked = 0
for stage in sorted(os.listdir(src)):
    d = os.path.join(src, stage)
    if not os.path.isdir(d):
        continue
    if stage not in RANK:
        bad.append(f"src/{stage}/: a directory that is not a known stage")
        continue
    for name in sorted(os.listdir(d)):
        if not name.endswith((".c", ".h")):
            continue
        checked += 1
        with open(os.path.join(d, name), errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                if target not in RANK:
                    bad.append(f"src/{stage}/{name}:{n}: includes {target}/, which is no stage")
                elif RANK[target] > RANK[stage]:
                    bad.append(f"src/{stage}/{name}:{n}: {stage}/ includes {target}/, a later stage")

for b in bad:
    print("not ok -", b)
print(f"{checked} files checked, {len(bad)} wrong includes")
sys.exit(1 if bad or checked == 0 else 0)
