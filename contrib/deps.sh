#!/bin/bash
# Installs what building and testing nodeinit needs on Debian 12 (as root).
# Idempotent: apt-get only installs what is missing.
set -eu
pkgs=(
        gcc make autoconf automake pkg-config bc xz-utils gzip
        libyaml-dev libcurl4-openssl-dev libsystemd-dev libjson-c-dev zlib1g-dev libcmocka-dev libexpat1-dev
        python3 curl iproute2 passwd openssl
        systemd systemd-container dbus dbus-user-session
        etcd-server etcd-client
        valgrind clang libclang-rt-14-dev
        debhelper dpkg-dev lintian git python3-jsonschema python3-yaml
        strace
)
missing=()
for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        echo "deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # etcd-server's own service must not start on the host: nodeinit's
        # tests run their own etcd on unusual ports.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.nodeinit
        chmod +x /usr/sbin/policy-rc.d.nodeinit
        [ -e /usr/sbin/policy-rc.d ] || ln -s policy-rc.d.nodeinit /usr/sbin/policy-rc.d
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        [ "$(readlink /usr/sbin/policy-rc.d 2>/dev/null)" = policy-rc.d.nodeinit ] && rm -f /usr/sbin/policy-rc.d
        rm -f /usr/sbin/policy-rc.d.nodeinit
fi
