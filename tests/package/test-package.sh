#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package, for real (issue 11). Builds it (contrib/build-deb.sh)
# and runs lintian; then, in a `systemd-nspawn --volatile=overlay` container
# of this machine's root (every change lands in the container's tmpfs and
# vanishes with it), joined to a node's network namespace with the IMDS
# simulator at 169.254.169.254: `apt-get install ./nodeinit_*.deb` must
# enable the boot hook without starting it; the boot then goes on to
# multi-user.target, and the INSTALLED nodeinit-ec2.service (running
# /usr/bin/nodeinit) must provision the node from its EC2 user-data; last,
# `apt-get purge nodeinit` must leave no file of the package.
# Needs root, systemd-nspawn, dpkg-buildpackage, debhelper and lintian:
# skipped (77) without them.
# PACKAGE_DEB=FILE tests that .deb instead of building one (no lintian).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/assert.sh
. "$top_srcdir/tests/lib/assert.sh"
# shellcheck source=tests/lib/netns.sh
. "$top_srcdir/tests/lib/netns.sh"
# shellcheck source=tests/lib/nspawn.sh
. "$top_srcdir/tests/lib/nspawn.sh"

nit_require_root "nspawn containers, network namespaces"
nit_require_cmds systemd-nspawn nsenter ip curl readelf dpkg-deb
if [[ -z ${PACKAGE_DEB:-} ]]; then
        nit_require_cmds dpkg-buildpackage dh lintian git
        [[ -d $top_srcdir/debian && -d $top_srcdir/.git ]] ||
                nit_skip "no debian/ and git tree here (a release tarball): nothing to package"
fi

S=$(nit_scratch_new) || exit 1
NODE=$S/node
cleanup() {
        local rc=$?
        nspawn_stop "$NODE" || rc=1
        # nspawn locks a container directory under /run/systemd/nspawn/locks
        # (a -D / container has none): gone when empty, as nspawn_stop does
        rmdir /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null
        # the IMDS simulator lives in the md namespace: netns_down ends it
        netns_down "$S/netns" || rc=1
        # $S/root is the bind mount of / only inside the container's private
        # mount namespace; should it ever be one here, remove nothing.
        if [[ -d $S/root ]] && { mountpoint -q "$S/root" || ! rmdir "$S/root"; }; then
                nit_err "$S/root is not an empty directory: $S left in place"
                exit 1
        fi
        rm -rf "$S"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the package -------------------------------------------------------------
if [[ -n ${PACKAGE_DEB:-} ]]; then
        deb=$(readlink -f "$PACKAGE_DEB")
else
        # nocheck: make check runs the tests; this one is about the package
        if ! DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" "$top_srcdir/contrib/build-deb.sh" "$S/deb" \
                > "$S/build.log" 2>&1; then
                tail -n 40 "$S/build.log"
                fail "dpkg-buildpackage failed"
                finish
                exit
        fi
        deb=$(ls "$S"/deb/nodeinit_*_*.deb)
        # lintian refuses nothing as root, but says so on stderr
        lint=$(cd "$S/deb" && lintian --fail-on error,warning nodeinit_*.changes 2>/dev/null)
        check "lintian: no error or warning (overrides carry their reason)" test $? -eq 0
        assert_not_contains "$lint" "E: "
        assert_not_contains "$lint" "W: "
fi
echo "package: $deb"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
for f in /usr/bin/nodeinit /usr/bin/coreos-cloudinit /lib/systemd/system/nodeinit-ec2.service \
        /lib/systemd/system/user-config.target /usr/share/man/man1/nodeinit.1.gz \
        /usr/share/man/man5/nodeinit-cloud-config.5.gz /usr/share/man/man1/coreos-cloudinit.1.gz \
        /etc/nodeinit/nodeinit.conf /usr/share/nodeinit/cloud-config.schema.json; do
        assert_contains "$contents" "$f"
done
assert_eq "$(dpkg-deb -I "$deb" conffiles)" /etc/nodeinit/nodeinit.conf "conffiles"
depends=$(dpkg-deb -f "$deb" Depends)
# libyaml, json-c and zlib linked dynamically (dh_shlibdeps finds them);
# libcurl and libsystemd are dlopen()ed, so declared by hand
for p in libyaml-0-2 libjson-c5 zlib1g libcurl4 libsystemd0; do
        assert_matches "$depends" "(^|, )$p( |,|$)"
done
mkdir -p "$S/x"
dpkg-deb -x "$deb" "$S/x"
notes=$(readelf -p .note.dlopen "$S/x/usr/bin/nodeinit" 2>&1)
assert_contains "$notes" '"soname":["libcurl.so.4"]'
assert_contains "$notes" '"soname":["libsystemd.so.0"]'
dpkg-deb -e "$deb" "$S/ctl"
# the hooks provision a machine: installing must not run them
check "maintainer scripts start nothing" bash -c "! grep -qs 'deb-systemd-invoke' '$S'/ctl/postinst '$S'/ctl/prerm"

# --- a node: network namespace, IMDS simulator -------------------------------
netns_up "$S/netns" 1 || { fail "netns_up"; finish; exit; }
ip=$(netns_node_ip 1)
cat > "$S/user-data" <<'EOF'
#cloud-config
write_files:
  - path: /etc/nit-package-proof
    content: "provisioned for $private_ipv4\n"
coreos:
  units:
    - name: nit-package-hello.service
      command: start
      content: |
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo hello > /run/nit-package-hello'
EOF
"$(nit_python)" - "$S/nodes.json" "$ip" "$S/user-data" <<'EOF'
import json, sys
out, ip, ud = sys.argv[1:4]
json.dump({ip: {"meta-data": {"local-ipv4": ip, "hostname": "ip-169-254-10-11.ec2.internal",
                              "instance-id": "i-0000000000000001"},
                "user-data": open(ud).read()}}, open(out, "w"))
EOF
nsenter "--net=/run/netns/$(netns_md)" -- "$(nit_python)" "$top_srcdir/tests/imds/imds-sim.py" \
        --bind "$NETNS_MD_IP" --port 80 --nodes "$S/nodes.json" --log "$S/imds.log" \
        > "$S/imds.out" 2>&1 < /dev/null &
# reachable from the node (never probed from the root namespace)
check "IMDS simulator answers the node" nit_retry 60000 0.05 netns_exec "$(netns_node 1)" \
        curl -fsS -m 1 -o /dev/null "http://$NETNS_MD_IP/latest/meta-data/local-ipv4"

# --- install in a volatile overlay of this machine ---------------------------
# nspawn refuses `-D / --volatile=overlay`, so the container's directory is a
# bind mount of / made in a private mount namespace (the host never sees
# it); the overlay's upper layer is nspawn's tmpfs. Booted to sysinit.target
# only: the package is installed before the boot goes on to
# multi-user.target, as on an image built with it. tests/lib's nspawn_wait,
# nspawn_exec and nspawn_stop handle it like their own containers.
launch_overlay() {
        local d=$1 name=$2
        mkdir -p "$d" "$S/root" || return 1
        echo "$name" > "$d/name"
        cg_create "$name" "$d/cg" > /dev/null || return 1
        setsid unshare --mount --propagation private bash -c \
                'mount --bind / "$1" || exit 1; exec bash "$2" __inner "${@:3}"' \
                _ "$S/root" "$NIT_LIB/nspawn.sh" "$d/cg" "" \
                --quiet -D "$S/root" --volatile=overlay --register=no --keep-unit -M "$name" \
                "--network-namespace-path=/run/netns/$(netns_node 1)" \
                "--bind-ro=$(dirname "$deb"):/mnt/nit-deb" \
                --boot systemd.firstboot=off systemd.unit=sysinit.target \
                > "$d/log" 2>&1 < /dev/null &
        echo $! > "$d/pid"
}
launch_overlay "$NODE" "nit-$NIT_RUN-pkg" || { fail "launch"; finish; exit; }
if ! nspawn_wait "$NODE" 300 > /dev/null; then
        fail "container did not boot"
        finish
        exit
fi
in_node() { nspawn_exec "$NODE" "$@"; }
# Only the overlay may change: refuse to go on otherwise.
if [[ $(in_node findmnt -n -o FSTYPE /) != overlay ]]; then
        fail "the container's / is not an overlay"
        finish
        exit
fi
# The host's own enabled services (etcd, postgresql, apt timers) are not
# part of the test: in the overlay, only what the package enables remains.
in_node find /etc/systemd/system -path '*.wants/*' -type l -delete
in_node systemctl daemon-reload

out=$(in_node env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "/mnt/nit-deb/$(basename "$deb")" 2>&1)
check "apt-get install ./$(basename "$deb")" test $? -eq 0 || echo "$out"
assert_eq "$(in_node systemctl is-enabled nodeinit-ec2.service)" enabled "hook enabled by the package"
assert_eq "$(in_node systemctl is-enabled user-config.target)" enabled "user-config.target enabled"
assert_eq "$(in_node systemctl show -P InactiveExitTimestampMonotonic nodeinit-ec2.service)" 0 \
        "install did not start the hook"
assert_eq "$(in_node sh -c 'test -e /etc/nit-package-proof && echo provisioned')" "" "nothing provisioned yet"
assert_eq "$(in_node coreos-cloudinit --version)" "coreos-cloudinit $(dpkg-deb -f "$deb" Version | sed 's/-.*//') (nodeinit)" \
        "coreos-cloudinit name"
check "installed schema is what nodeinit schema prints" \
        in_node sh -c 'nodeinit schema | cmp - /usr/share/nodeinit/cloud-config.schema.json'
in_node dpkg-query -L nodeinit > "$S/files"
check "dpkg lists the package's files" grep -qx /usr/bin/nodeinit "$S/files"

# --- the boot goes on: the installed hook provisions the node ---------------
# The package enabled its units without a reload (it starts nothing): the
# manager loads them as the next boot would, then the boot goes on.
in_node systemctl daemon-reload
in_node systemctl start --no-block multi-user.target
hook_done() {
        local st
        st=$(in_node systemctl show -P ActiveState nodeinit-ec2.service)
        [[ $st == active || $st == failed ]]
}
check "nodeinit-ec2.service ran" nit_retry 600000 0.2 hook_done
show=$(in_node systemctl show -p ActiveState -p Result -p FragmentPath -p ExecStart nodeinit-ec2.service)
assert_contains "$show" "ActiveState=active"
assert_contains "$show" "Result=success"
assert_contains "$show" "FragmentPath=/lib/systemd/system/nodeinit-ec2.service"
assert_contains "$show" "path=/usr/bin/nodeinit"
assert_eq "$(in_node cat /etc/nit-package-proof)" "provisioned for $ip" "write_files, with \$private_ipv4"
assert_eq "$(in_node systemctl is-active nit-package-hello.service)" active "unit started"
assert_eq "$(in_node cat /run/nit-package-hello)" hello "unit ran"
assert_matches "$(cat "$S/imds.log" 2>/dev/null)" "^$ip GET /latest/user-data 200"
in_node journalctl -u nodeinit-ec2.service --no-pager -o cat > "$S/hook.log" 2>&1 || true

# --- purge --------------------------------------------------------------------
out=$(in_node env DEBIAN_FRONTEND=noninteractive apt-get purge -y nodeinit 2>&1)
check "apt-get purge nodeinit" test $? -eq 0 || echo "$out"
left=$(while read -r f; do
        # directories are shared (/usr/bin, and /lib, a link on merged-/usr)
        in_node sh -c '{ [ -e "$1" ] || [ -L "$1" ]; } && [ ! -d "$1" ]' _ "$f" && echo "$f"
done < "$S/files")
assert_eq "$left" "" "files of the package left after purge"
for d in /etc/nodeinit /usr/share/nodeinit /usr/share/doc/nodeinit; do
        assert_eq "$(in_node sh -c "test -e $d && echo present")" "" "$d after purge"
done
assert_eq "$(in_node sh -c 'ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -E "nodeinit|user-config|cloudinit"')" "" \
        "enablement symlinks after purge"
not_installed() { ! in_node dpkg-query -W nodeinit > /dev/null 2>&1; }
check "dpkg forgot the package" not_installed

if (( _failed )); then
        echo "---- hook journal"
        cat "$S/hook.log" 2>/dev/null
fi
finish
