#!/bin/bash
# nodeinit apply --root against what a hostile or odd root holds (issue 8)
# and a distribution without `core` (issue 9), end to end:
#   1. a local user's ~/.ssh (or authorized_keys.d) is a symlink to /etc/...
#   2. the root's /etc/passwd is a FIFO: a clear error, no hang
#   3. 2,000 write_files under RLIMIT_NOFILE=64:64
#   4. a Debian-like root without the default user: it is created
set -euo pipefail
: "${NODEINIT:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib/assert.sh"

if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (files owned by other users, useradd --root)"; exit 77
fi
for t in useradd prlimit ssh-keygen timeout; do
        command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

tmp=$(mktemp -d /tmp/nit-hostile-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ssh-keygen -q -t ed25519 -N '' -C test@nodeinit -f "$tmp/key" >/dev/null
key=$(cat "$tmp/key.pub")

# debian_root DIR: root, sudo and adm groups, user groups on; no core
debian_root() {
        local r=$1
        mkdir -p "$r/etc/skel" "$r/home" "$r/root"
        printf 'root:x:0:0:root:/root:/bin/bash\n' > "$r/etc/passwd"
        printf 'root:x:0:\nadm:x:4:\nsudo:x:27:\n' > "$r/etc/group"
        printf 'root:*:19000:0:99999:7:::\n' > "$r/etc/shadow"
        printf 'root:*::\nadm:*::\nsudo:*::\n' > "$r/etc/gshadow"
        printf 'UID_MIN 1000\nGID_MIN 1000\nUSERGROUPS_ENAB yes\n' > "$r/etc/login.defs"
        chmod 0640 "$r/etc/shadow" "$r/etc/gshadow"
}

# apply ROOT CONFIG [ARGS...]: status in $rc, output in ROOT.out
apply() {
        local root=$1 config=$2
        shift 2
        rc=0
        # the bound is the test's own: nodeinit must end long before it
        timeout 120 "$NODEINIT" apply --root "$root" --systemd=none --from-file="$config" "$@" \
                >"$root.out" 2>&1 || rc=$?
}

# 1. bob's symlinks
for what in ssh keysdir; do
        root=$tmp/link-$what
        debian_root "$root"
        echo 'bob:x:1001:1001::/home/bob:/bin/bash' >> "$root/etc/passwd"
        echo 'bob:x:1001:' >> "$root/etc/group"
        mkdir -p "$root/home/bob" "$root/etc/update-motd.d"
        echo motd > "$root/etc/update-motd.d/10-uname"
        if [ "$what" = ssh ]; then
                ln -s /etc/update-motd.d "$root/home/bob/.ssh"
        else
                mkdir -m 0700 "$root/home/bob/.ssh"
                ln -s /etc/update-motd.d "$root/home/bob/.ssh/authorized_keys.d"
        fi
        chown -hR 1001:1001 "$root/home/bob"
        printf '#cloud-config\nusers:\n  - name: bob\n    ssh_authorized_keys:\n      - %s\n' "$key" > "$root.yml"
        apply "$root" "$root.yml"
        check "$what: the key step fails" test "$rc" = 1
        check "$what: nothing created in the link's target" test "$(ls -A "$root/etc/update-motd.d")" = 10-uname
        check "$what: nothing created on the host" test ! -e /etc/update-motd.d/authorized_keys.d
        # the planner refuses it (not a directory) or apply does (a symlink
        # in bob's directory): either way the message names it
        check "$what: the error names the link" grep -qE '^(Error|.*error).*/home/bob/\.ssh|Failed to .*/home/bob/\.ssh' "$root.out"
done

# 2. a FIFO where useradd expects /etc/passwd
root=$tmp/fifo
debian_root "$root"
rm "$root/etc/passwd"
mkfifo "$root/etc/passwd"
printf '#cloud-config\nusers:\n  - name: alice\n' > "$root.yml"
apply "$root" "$root.yml"
check "FIFO /etc/passwd: the user step fails, no hang" test "$rc" = 1
check "FIFO /etc/passwd: the error says why" grep -q "/etc/passwd is a FIFO, not a regular file" "$root.out"

# 3. 2,000 files with 64 descriptors, soft and hard
root=$tmp/many
debian_root "$root"
{
        echo '#cloud-config'
        echo 'write_files:'
        for i in $(seq 1 2000); do
                printf '  - path: /var/lib/many/d%03d/f%04d\n    content: "%d"\n' $((i % 100)) "$i" "$i"
        done
} > "$root.yml"
rc=0
timeout 300 prlimit --nofile=64:64 "$NODEINIT" apply --root "$root" --systemd=none --from-file="$root.yml" \
        >"$root.out" 2>&1 || rc=$?
check "2,000 files under RLIMIT_NOFILE=64:64: success" test "$rc" = 0
check "2,000 files: all written" test "$(find "$root/var/lib/many" -type f | wc -l)" = 2000
check "2,000 files: the right bytes" test "$(cat "$root/var/lib/many/d042/f1942")" = 1942
check "2,000 files: no temp left" test -z "$(find "$root" -name '.#*.nodeinit')"
[ "$rc" = 0 ] || tail -n 5 "$root.out"

# 4. the default user on a root without it
root=$tmp/debian
debian_root "$root"
printf '#cloud-config\nssh_authorized_keys:\n  - %s\n' "$key" > "$root.yml"
apply "$root" "$root.yml" --default-user=admin
check "default user: success" test "$rc" = 0
check "default user: created with bash" grep -q '^admin:x:1000:1000::/home/admin:/bin/bash$' "$root/etc/passwd"
check "default user: in sudo" grep -q '^sudo:x:27:admin$' "$root/etc/group"
check "default user: in adm" grep -q '^adm:x:4:admin$' "$root/etc/group"
check "default user: locked password" grep -q '^admin:\*:' "$root/etc/shadow"
check "default user: keys 0600, its own" test "$(stat -c %u:%g:%a "$root/home/admin/.ssh/authorized_keys")" = 1000:1000:600
check "default user: the key" grep -qxF "$key" "$root/home/admin/.ssh/authorized_keys"
check "default user: sudoers drop-in 0440" test "$(stat -c %a "$root/etc/sudoers.d/90-nodeinit-admin")" = 440
check "default user: not on the host" bash -c '! grep -q "^admin:" /etc/passwd'
[ "$rc" = 0 ] || cat "$root.out"
# a second run changes nothing (nodeinit's own run record apart)
stamps() { (cd "$1" && find . -path ./run/nodeinit -prune -o -printf '%p %i %T@ %C@\n' | sort); }
stamps "$root" > "$tmp/before"
apply "$root" "$root.yml" --default-user=admin
check "default user: second run succeeds" test "$rc" = 0
stamps "$root" > "$tmp/after"
check "default user: second run changes nothing" diff -u "$tmp/before" "$tmp/after"
finish
