#!/usr/bin/env python3
"""gen-config.py UNITS: a cloud-config with UNITS units, each with content and
two drop-ins (about 550 bytes per unit: 2000 units = 1.1 MB)."""
import sys

n = int(sys.argv[1])
out = ["#cloud-config", "coreos:", "  units:"]
for i in range(n):
    out += [
        f"    - name: app-{i}.service",
        "      command: start",
        "      enable: true",
        "      content: |",
        "        [Unit]",
        f"        Description=Application {i}",
        "        After=docker.service",
        "        [Service]",
        "        EnvironmentFile=/etc/environment",
        f"        ExecStart=/usr/bin/docker run --rm --name app{i} registry.example.com/app:{i}",
        "        [Install]",
        "        WantedBy=multi-user.target",
        "      drop-ins:",
        "        - name: 10-env.conf",
        "          content: |",
        "            [Service]",
        f"            Environment=INSTANCE={i}",
        "        - name: 20-limits.conf",
        "          content: |",
        "            [Service]",
        "            LimitNOFILE=65536",
    ]
sys.stdout.write("\n".join(out) + "\n")
