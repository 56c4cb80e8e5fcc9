#!/bin/bash
# -convert-netconf against real systemd-networkd: a --volatile=yes nspawn node
# (tests/lib/nspawn.sh) in a network namespace of this test, whose eth0 is a
# veth pair's end; the other end (192.0.2.1/24) sits in a second namespace.
# `nodeinit -oem=rackspace-onmetal` (a config drive's Debian interfaces file)
# and then `nodeinit -oem=vmware` (guestinfo interface keys) each bring eth0
# up with the described static address, routes and DNS, as networkctl and
# ip show them; a second run changes nothing and does not restart networkd.
# The hypervisor is the one stand-in: a vmware-rpctool on PATH serving a key
# directory (as tests/integration/test-source-vmware.py), and --dmi-dir saying
# "VMware". No packet leaves the two namespaces; every wait is on a state.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/nspawn.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_root "network namespaces and a systemd-nspawn node"
nit_require_cmds systemd-nspawn nsenter ip
[[ -x /usr/lib/systemd/systemd-networkd || -x /lib/systemd/systemd-networkd ]] || nit_skip "missing systemd-networkd"
# $NODEINIT (make check's, maybe a valgrind wrapper with absolute paths in
# it) runs inside the node from the same path: its directory is bound there
NI=$(readlink -f "${NODEINIT:-$top_builddir/nodeinit}")
[[ -x $NI ]] || { nit_err "build nodeinit first ($NI)"; exit 99; }
NIDIR=$(dirname "$NI")

S=$(nit_scratch_new) || exit 99
GW=nit-$NIT_RUN-ncgw
NODE=nit-$NIT_RUN-ncnode
made_rundir=0
[[ -e /run/netns ]] || made_rundir=1
cleanup() {
        nspawn_stop "$S/c"
        ip netns del "$NODE" 2>/dev/null
        ip netns del "$GW" 2>/dev/null
        if (( made_rundir )) && [[ -d /run/netns && -z $(ls -A /run/netns) ]]; then
                while mountpoint -q /run/netns; do umount /run/netns || break; done
                rmdir /run/netns
        fi
        rm -rf "$S"
}
trap cleanup EXIT

# the link: eth0 in the node's namespace, gw0 = 192.0.2.1/24 in the other
ip netns add "$GW" && ip netns add "$NODE" || exit 99
ip -n "$GW" link set lo up
ip -n "$GW" link add gw0 type veth peer name eth0 netns "$NODE" || exit 99
ip -n "$NODE" link set eth0 address 02:00:00:00:0a:05
ip -n "$GW" addr add 192.0.2.1/24 dev gw0
ip -n "$GW" link set gw0 up

# the config drive (bound at /media/configdrive, where the preset looks)
mkdir -p "$S/cd/openstack/latest" "$S/cd/openstack/content"
echo '{"hostname": "onmetal-1", "network_config": {"content_path": "/content/0000"}}' \
        > "$S/cd/openstack/latest/meta_data.json"
cat > "$S/cd/openstack/content/0000" <<'EOF'
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet static
    address 192.0.2.10
    netmask 255.255.255.0
    gateway 192.0.2.1
    dns-nameservers 192.0.2.53 192.0.2.54
    post-up route add -net 198.51.100.0 netmask 255.255.255.0 gw 192.0.2.1 || true
EOF

# the VMware stand-ins: DMI and open-vm-tools' vmware-rpctool
mkdir -p "$S/in/bin" "$S/in/dmi" "$S/in/keys"
echo "VMware, Inc." > "$S/in/dmi/sys_vendor"
echo "VMware Virtual Platform" > "$S/in/dmi/product_name"
cat > "$S/in/bin/vmware-rpctool" <<'EOF'
#!/bin/sh
case "$1" in
"info-get guestinfo."*) key=${1#info-get guestinfo.} ;;
*) echo "Unknown command" >&2; exit 1 ;;
esac
case "$key" in */*|.*) echo "No value found" >&2; exit 1 ;; esac
[ -f "/opt/nit-in/keys/$key" ] || { echo "No value found" >&2; exit 1; }
cat "/opt/nit-in/keys/$key"
echo
EOF
chmod 755 "$S/in/bin/vmware-rpctool"
key() { printf '%s' "$2" > "$S/in/keys/$1"; }
key hostname vmware-1
key interface.0.name eth0
key interface.0.mac 02:00:00:00:0a:05
key interface.0.role private
key interface.0.ip.0.address 192.0.2.20/24
key interface.0.route.0.gateway 192.0.2.1
key interface.0.route.0.destination 0.0.0.0/0
key interface.0.route.1.gateway 192.0.2.1
key interface.0.route.1.destination 203.0.113.0/24
key dns.server.0 192.0.2.63
key dns.domain.0 example.test

# CAP_NET_ADMIN: nspawn grants it only with a network of its own making, and
# networkd's unit has ConditionCapability=CAP_NET_ADMIN; it reaches no
# further than the node's namespace made above
nspawn_start "$S/c" "nit-$NIT_RUN-nc" --netns "$NODE" --bind-ro "$NIDIR:$NIDIR" \
        --bind-ro "$S/cd:/media/configdrive" --bind-ro "$S/in:/opt/nit-in" \
        -- --capability=CAP_NET_ADMIN > /dev/null || exit 99
in_c() { nspawn_exec "$S/c" "$@"; }
# show PREFIX TEXT: TEXT's lines as comments of the test's output
show() { local l; while IFS= read -r l; do echo "    # $1$l"; done <<< "$2"; }

# routable: carrier and a global address (configuring or configured: IPv6
# autoconfiguration may still be waiting for a router that is not there)
routable() { in_c networkctl status eth0 --no-pager 2>/dev/null | grep -q 'State: routable'; }
has_addr() { in_c ip -4 -o addr show dev eth0 | grep -q "inet $1 "; }

# 1. rackspace-onmetal: config drive + debian
in_c "$NI" -oem=rackspace-onmetal > "$S/out1" 2> "$S/err1"
rc=$?
sed 's/^/    # /' "$S/out1" "$S/err1"
check "onmetal: exit 0" test "$rc" -eq 0
check "onmetal: 00-eth0.network written" in_c test -f /run/systemd/network/00-eth0.network
check "onmetal: networkd restarted" grep -q 'systemd-networkd.service' "$S/out1"
check "onmetal: eth0 routable" nit_retry 120000 0.1 routable
check "onmetal: address 192.0.2.10/24" nit_retry 120000 0.1 has_addr 192.0.2.10/24
st=$(in_c networkctl status eth0 --no-pager 2>&1)
show "" "$st"
assert_matches "$st" 'DNS: 192\.0\.2\.53'
assert_matches "$st" '192\.0\.2\.54'
routes=$(in_c ip -4 route show dev eth0)
show "route: " "$routes"
assert_matches "$routes" '^default via 192\.0\.2\.1'
assert_matches "$routes" '^198\.51\.100\.0/24 via 192\.0\.2\.1'
if command -v ping > /dev/null; then
        check "onmetal: the gateway answers over eth0" nit_retry 60000 0.2 in_c ping -c1 -W1 -I eth0 192.0.2.1
fi

# a second run: nothing changed, networkd is left alone
in_c "$NI" -oem=rackspace-onmetal > "$S/out2" 2> "$S/err2"
check "onmetal again: exit 0" test $? -eq 0
check "onmetal again: networkd not restarted" bash -c "! grep -q systemd-networkd.service '$S/out2'"

# 2. vmware: guestinfo keys through the stand-in rpctool
in_c rm -f /run/systemd/network/00-eth0.network
in_c ip addr flush dev eth0
in_c env PATH=/opt/nit-in/bin:/usr/bin:/bin "$NI" -oem=vmware --dmi-dir=/opt/nit-in/dmi > "$S/out3" 2> "$S/err3"
rc=$?
sed 's/^/    # /' "$S/out3" "$S/err3"
check "vmware: exit 0" test "$rc" -eq 0
check "vmware: 00-eth0.network written" in_c test -f /run/systemd/network/00-eth0.network
check "vmware: matched by name and MAC" in_c grep -qx 'MACAddress=02:00:00:00:0a:05' /run/systemd/network/00-eth0.network
check "vmware: eth0 routable" nit_retry 120000 0.1 routable
check "vmware: address 192.0.2.20/24" nit_retry 120000 0.1 has_addr 192.0.2.20/24
st=$(in_c networkctl status eth0 --no-pager 2>&1)
show "" "$st"
assert_matches "$st" 'DNS: 192\.0\.2\.63'
assert_matches "$st" 'Search Domains: example\.test'
routes=$(in_c ip -4 route show dev eth0)
show "route: " "$routes"
assert_matches "$routes" '^default via 192\.0\.2\.1'
assert_matches "$routes" '^203\.0\.113\.0/24 via 192\.0\.2\.1'
check "vmware: hostname from guestinfo" test "$(in_c cat /etc/hostname)" = vmware-1

finish
