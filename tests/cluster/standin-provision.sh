#!/bin/bash
# Stand-in for `nodeinit --from-ec2-metadata=http://169.254.169.254/` until
# nodeinit's apply (sd-bus) and discovery stages exist. It runs INSIDE a node
# (an nspawn container in its own netns) as the ExecStart= of the harness's
# copy of data/units/nodeinit-ec2.service, i.e. as the boot hook, and does by
# hand what the cluster user-data asks nodeinit to do:
#   - fetch local-ipv4/public-ipv4 and the user-data from the IMDS,
#   - write /etc/environment (COREOS_PUBLIC_IPV4, COREOS_PRIVATE_IPV4),
#   - write an etcd member unit and its etcd2-style drop-in
#     /run/systemd/system/etcd-member.service.d/20-cloudinit.conf,
#   - write env-check.service and the template web@.service,
#   - queue their start jobs without waiting for them (as nodeinit must:
#     etcd's start job ends only once the cluster has quorum).
# Only the discovery URL is taken from the user-data (grep, not YAML).
set -eu
MD=${STANDIN_MD:-http://169.254.169.254}
UNIT=${STANDIN_ETCD_UNIT:-etcd-member.service}

md() { curl -fsS -m 30 --retry 10 --retry-connrefused --retry-delay 0 "$MD/latest/$1"; }

ip=$(md meta-data/local-ipv4)
pub=$(md meta-data/public-ipv4 2>/dev/null) || pub=
ud=$(md user-data)
disc=$(sed -n 's/^[[:space:]]*discovery:[[:space:]]*//p' <<< "$ud" | head -n1)
[[ -n $disc ]] || { echo "standin: no discovery URL in user-data" >&2; exit 1; }
name=$(hostname)

printf 'COREOS_PUBLIC_IPV4=%s\nCOREOS_PRIVATE_IPV4=%s\n' "$pub" "$ip" > /etc/environment.tmp
mv /etc/environment.tmp /etc/environment

mkdir -p /etc/systemd/system "/run/systemd/system/$UNIT.d"
cat > "/etc/systemd/system/$UNIT" <<'EOF'
[Unit]
Description=etcd member (stand-in)
Wants=network-online.target
After=network-online.target

[Service]
Type=notify
Environment=ETCD_NAME=%m
ExecStart=/usr/bin/etcd
TimeoutStartSec=120
EOF
cat > "/run/systemd/system/$UNIT.d/20-cloudinit.conf" <<EOF
[Service]
Environment="ETCD_NAME=$name"
Environment="ETCD_DISCOVERY=$disc"
Environment="ETCD_ADVERTISE_CLIENT_URLS=http://$ip:2379"
Environment="ETCD_LISTEN_CLIENT_URLS=http://$ip:2379,http://127.0.0.1:2379"
Environment="ETCD_LISTEN_PEER_URLS=http://$ip:2380"
Environment="ETCD_INITIAL_ADVERTISE_PEER_URLS=http://$ip:2380"
Environment="ETCD_DATA_DIR=/var/lib/etcd-member"
EOF
cat > /etc/systemd/system/env-check.service <<'EOF'
[Service]
Type=oneshot
RemainAfterExit=yes
EnvironmentFile=/etc/environment
ExecStart=/bin/sh -c 'echo "$COREOS_PUBLIC_IPV4 $COREOS_PRIVATE_IPV4" > /run/env-check.out'
EOF
cat > /etc/systemd/system/web@.service <<EOF
[Unit]
Description=Small web server on port %i (the seed's nginx@.service)
After=$UNIT

[Service]
EnvironmentFile=/etc/environment
ExecStartPre=/bin/mkdir -p /run/web
ExecStartPre=/bin/sh -c 'hostname > /run/web/index.html'
ExecStart=/usr/bin/python3 -m http.server --bind \${COREOS_PRIVATE_IPV4} --directory /run/web %i
EOF

# New unit files are loaded on demand, with their drop-ins: no Reload needed.
systemctl start --no-block "$UNIT" env-check.service web@8080.service
echo "standin: $name $ip provisioned, discovery $disc"
