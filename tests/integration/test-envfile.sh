#!/bin/bash
# Issue 8: values nodeinit writes for systemd must come back from systemd
# exactly as given. For a list of hostile values, `nodeinit apply --root`
# renders coreos.flannel (/run/flannel/options.env, read with
# EnvironmentFile=) and coreos.etcd2 (a drop-in of Environment= lines); a
# real `systemd --user` manager (tests/lib/usermgr.sh) runs a unit that
# loads each and dumps its environment, and every value must be what the
# cloud-config said, with no key added or swallowed. A value no line can
# carry (a newline) is refused, naming its key.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
. "$top_srcdir/tests/lib/usermgr.sh"
. "$top_srcdir/tests/lib/assert.sh"

nit_require_root
nit_require_cmds unshare setsid systemctl python3
[[ -x $USERMGR_SYSTEMD ]] || nit_skip "no $USERMGR_SYSTEMD"
NODEINIT=${NODEINIT:-$top_builddir/nodeinit}
[[ -x $NODEINIT ]] || { nit_err "build $NODEINIT first"; exit 99; }
PY=$(nit_python)

S=$(nit_scratch_new) || exit 99
cleanup() {
        usermgr_stop "$S/um"
        rm -rf "$S"
}
trap cleanup EXIT

# The values, as JSON strings (JSON is YAML): quotes, backslashes at the end
# and in the middle, what a shell or the parser would expand, whitespace
# the parser strips, comment and assignment characters, a '%' that starts
# no specifier (specifiers themselves are expanded, as coreos-cloudinit's
# configs expect).
cat > "$S/values.json" <<'EOF'
["'", "x\\", "\"", "a'b", "'quoted'", "\"dq\"", " lead", "trail ", "\ttab\t",
 "$HOME", "${PATH}", "`id`", "#hash", ";semi", "a=b", "50% %z", "\\n", "\\\\",
 "a\\b", "caf\u00e9", "two  spaces", "x\\ y", " $X\\` \"q\" '\\ "]
EOF


# config BATCH: a cloud-config giving the batch's values to the flannel keys
# and every value to etcd2 keys; writes $S/cfgBATCH.yml and the expected
# KEY\0value\0 pairs of each section to $S/wantBATCH.{flannel,etcd2}
config() {
        "$PY" - "$S" "$1" <<'EOF'
import json, sys
s, batch = sys.argv[1], int(sys.argv[2])
vals = json.load(open(s + "/values.json"))
flannel = ["etcd_endpoints", "etcd_cafile", "etcd_certfile", "etcd_keyfile", "etcd_prefix",
           "etcd_username", "etcd_password", "ip_masq", "subnet_file", "interface", "public_ip"]
etcd2 = ["advertise_client_urls", "cert_file", "cors", "data_dir", "discovery_srv", "discovery_proxy",
         "initial_advertise_peer_urls", "initial_cluster", "initial_cluster_state",
         "initial_cluster_token", "key_file", "listen_client_urls", "listen_peer_urls",
         "log_package_levels", "name", "peer_cert_file", "peer_key_file", "peer_trusted_ca_file",
         "trusted_ca_file", "wal_dir", "ca_file", "peer_ca_file"]
env = lambda pre, k: pre + {"interface": "IFACE"}.get(k, k.upper())
mine = vals[batch * len(flannel):(batch + 1) * len(flannel)]
y = "#cloud-config\ncoreos:\n  flannel:\n"
want = {}
for k, v in zip(flannel, mine):
    y += "    %s: %s\n" % (k, json.dumps(v))
    want[env("FLANNELD_", k)] = v
open("%s/want%d.flannel" % (s, batch), "wb").write(
    b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in sorted(want.items())))
y += "  etcd2:\n"
want = {}
for k, v in zip(etcd2, vals):
    y += "    %s: %s\n" % (k, json.dumps(v))
    want[env("ETCD_", k)] = v
open("%s/want%d.etcd2" % (s, batch), "wb").write(
    b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in sorted(want.items())))
open("%s/cfg%d.yml" % (s, batch), "w").write(y)
EOF
}

# dump PREFIX FILE: the unit's PREFIX* variables as sorted KEY\0value\0 pairs
dump() {
        "$PY" -c '
import sys
pre, data = sys.argv[1].encode(), open(sys.argv[2], "rb").read()
pairs = [e.split(b"=", 1) for e in data.split(b"\0") if e.startswith(pre)]
sys.stdout.buffer.write(b"".join(k + b"\0" + v + b"\0" for k, v in sorted(pairs)))' "$1" "$2"
}

usermgr_start "$S/um" > /dev/null || exit 99
eval "$(usermgr_env "$S/um")"
R=$USERMGR_RUNTIME_UNIT_DIR
mkdir -p "$R"

nvals=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$S/values.json")
batches=$(( (nvals + 10) / 11 ))
for ((b = 0; b < batches; b++)); do
        config "$b" || exit 99
        root=$S/root$b
        mkdir -p "$root"
        rc=0
        "$NODEINIT" apply --root "$root" --systemd=none "file:$S/cfg$b.yml" > "$S/apply$b.out" 2>&1 || rc=$?
        if [[ $rc -ne 0 ]]; then
                check "batch $b: apply exits $rc" false
                sed 's/^/    # /' "$S/apply$b.out"
                continue
        fi
        check "batch $b: apply" true
        # the file as nodeinit wrote it, read by the manager; the drop-in
        # as nodeinit wrote it, on a unit of ours
        out=$S/env$b
        cat > "$R/nit-envfile$b.service" <<EOF
[Service]
Type=oneshot
EnvironmentFile=$root/run/flannel/options.env
ExecStart=/bin/sh -c 'exec /usr/bin/env -0 > $out.flannel'
EOF
        mkdir -p "$R/nit-envfile$b.service.d"
        cp "$root/run/systemd/system/etcd2.service.d/20-cloudinit.conf" "$R/nit-envfile$b.service.d/"
        usermgr_systemctl "$S/um" daemon-reload
        if ! usermgr_systemctl "$S/um" start "nit-envfile$b.service"; then
                check "batch $b: unit ran" false
                continue
        fi
        if cmp -s <(dump FLANNELD_ "$out.flannel") "$S/want$b.flannel"; then
                check "batch $b: EnvironmentFile= reads back every flannel value" true
        else
                check "batch $b: EnvironmentFile= reads back every flannel value" false
                sed 's/^/    # /' "$root/run/flannel/options.env"; echo
                diff <(dump FLANNELD_ "$out.flannel" | tr '\0' '\n') <(tr '\0' '\n' < "$S/want$b.flannel") |
                        sed 's/^/    # /'
        fi
        if cmp -s <(dump ETCD_ "$out.flannel") "$S/want$b.etcd2"; then
                check "batch $b: Environment= reads back every etcd2 value" true
        else
                check "batch $b: Environment= reads back every etcd2 value" false
                sed 's/^/    # /' "$R/nit-envfile$b.service.d/20-cloudinit.conf"
                diff <(dump ETCD_ "$out.flannel" | tr '\0' '\n') <(tr '\0' '\n' < "$S/want$b.etcd2") |
                        sed 's/^/    # /'
        fi
        # an ordinary value is still written bare, as coreos-cloudinit did
        if [[ $b -eq 0 ]]; then
                if grep -qx "FLANNELD_ETCD_KEYFILE=a'b" "$root/run/flannel/options.env"; then
                        check "a value that needs no quotes is written bare" true
                else
                        check "a value that needs no quotes is written bare" false
                fi
        fi
done

# a value with a newline cannot be one line: refused, the key named, the
# file not written, the rest applied
root=$S/root-nl
mkdir -p "$root"
printf '#cloud-config\ncoreos:\n  flannel:\n    etcd_prefix: "a\\nFLANNELD_IP_MASQ=x"\n    ip_masq: "true"\nwrite_files:\n  - path: /etc/kept\n    content: x\n' \
        > "$S/cfg-nl.yml"
rc=0
"$NODEINIT" apply --root "$root" --systemd=none "file:$S/cfg-nl.yml" > "$S/apply-nl.out" 2>&1 || rc=$?
if [[ $rc -eq 1 && ! -e $root/run/flannel/options.env && -e $root/etc/kept ]] &&
   grep -q 'etcd_prefix' "$S/apply-nl.out"; then
        check "a newline is refused, naming etcd_prefix" true
else
        check "a newline is refused, naming etcd_prefix (exit $rc)" false
        sed 's/^/    # /' "$S/apply-nl.out"
fi

finish
