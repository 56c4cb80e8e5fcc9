#!/bin/bash
# The site configuration (issue 9): /etc/nodeinit/nodeinit.conf inside
# --root, --config FILE and --default-user NAME choose who gets the SSH keys;
# on a Debian-like root without `core` that user is created. Mistakes in the
# file are FILE:LINE errors, exit 2, before any datasource is asked.
set -u
. "$top_srcdir/tests/lib/assert.sh"

work=$(mktemp -d /tmp/nit-cli-site-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# a root as Debian's cloud images have it: no core, a sudo and an adm group
make_root() {
        mkdir -p "$1/etc"
        printf 'root:x:0:0:root:/root:/bin/bash\n' > "$1/etc/passwd"
        printf 'root:x:0:\nsudo:x:27:\nadm:x:4:\n' > "$1/etc/group"
        printf 'root:*:19000:0:99999:7:::\n' > "$1/etc/shadow"
        printf 'root:*::\nsudo:!::\nadm:!::\n' > "$1/etc/gshadow"
        cp "$top_srcdir/tests/golden/base/etc/login.defs" "$1/etc/"
        chmod 0640 "$1/etc/shadow" "$1/etc/gshadow"
}

ssh-keygen -q -t ed25519 -N '' -C test@nit -f key
printf '#cloud-config\nssh_authorized_keys:\n  - %s\n' "$(cat key.pub)" > ud.yml

make_root root
mkdir -p root/etc/nodeinit
printf '# Debian\n[DefaultUser]\nName=admin\nGroups=sudo, adm\n' > root/etc/nodeinit/nodeinit.conf

"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 0 "dry run: exit 0"
assert_matches "$(cat out)" '^user admin: create.* groups=sudo,adm .*shell=/bin/bash'
assert_contains "$(cat out)" "create    /home/admin/.ssh/authorized_keys (0600 admin"
assert_not_contains "$(cat out)" "/home/core"

# the real run creates a user and chowns its home: root only
if [ "$(id -u)" != 0 ]; then
        echo "not root: the real run is not checked (the dry run is)"
elif command -v useradd > /dev/null; then
        "$NODEINIT" apply --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
        assert_eq "$rc" 0 "apply: exit 0"
        uid=$(awk -F: '$1 == "admin" { print $3 }' root/etc/passwd)
        check "admin is in the root's passwd" test -n "$uid"
        check "keys in admin's home, 0600, owned by admin" \
                test "$(stat -c '%a %u' root/home/admin/.ssh/authorized_keys)" = "600 $uid"
        check "the key is there" grep -qF "$(cut -d' ' -f2 key.pub)" root/home/admin/.ssh/authorized_keys
        check "admin in sudo and adm" bash -c "grep -q '^sudo:.*admin' root/etc/group && grep -q '^adm:.*admin' root/etc/group"
        "$NODEINIT" apply --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
        assert_eq "$rc" 0 "second run: exit 0"
        assert_contains "$(cat out)" "Nothing changed"
else
        echo "useradd not installed: the real run is not checked (the dry run is)"
fi

# --default-user beats the file; --config (a host path) replaces it
"$NODEINIT" apply --dry-run --default-user ops --root "$work/root" --systemd=none ud.yml > out 2> err
assert_matches "$(cat out)" '^user ops: create'
printf '[DefaultUser]\nName=ubuntu\nGroups=\n' > host.conf
"$NODEINIT" apply --dry-run --config "$work/host.conf" --root "$work/root" --systemd=none ud.yml > out 2> err
assert_matches "$(cat out)" '^user ubuntu: create.* shell=/bin/bash'
assert_not_contains "$(cat out)" "groups="

# Create=no: the keys of a user that is not there are an error for that step
printf '[DefaultUser]\nName=nobody-here\nCreate=no\n' > nocreate.conf
"$NODEINIT" apply --dry-run --config "$work/nocreate.conf" --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 1 "Create=no and no such user: exit 1"
assert_not_contains "$(cat out)" "user nobody-here: create"

# mistakes: FILE:LINE, exit 2, and no datasource asked (the URL would wait)
printf '[DefaultUser]\nName=admin\nGroup=sudo\n' > bad.conf
"$NODEINIT" apply --dry-run --config "$work/bad.conf" --root "$work/root" --systemd=none \
        --timeout=600 url:http://127.0.0.1:1/ > out 2> err; rc=$?
assert_eq "$rc" 2 "an unknown key: exit 2"
assert_contains "$(cat err)" "$work/bad.conf:3: error: unknown key Group= in [DefaultUser]"
"$NODEINIT" apply --dry-run --config "$work/missing.conf" --root "$work/root" ud.yml > out 2> err
assert_eq "$?" 2 "--config with a missing file: exit 2"
printf '[DefaultUser]\nName=Bad Name\n' > root/etc/nodeinit/nodeinit.conf
"$NODEINIT" apply --dry-run --root "$work/root" --systemd=none ud.yml > out 2> err; rc=$?
assert_eq "$rc" 2 "an error in the root's file: exit 2"
assert_contains "$(cat err)" "$work/root/etc/nodeinit/nodeinit.conf:2: error: Name=Bad Name is not a user name"
"$NODEINIT" apply --dry-run --default-user ../x --root "$work/root" ud.yml > out 2> err
assert_eq "$?" 2 "--default-user with a path: exit 2"

# the shipped example parses as it is and with every setting uncommented
"$NODEINIT" apply --dry-run --config "$top_srcdir/data/nodeinit.conf" --root "$work/root" --systemd=none ud.yml > out 2> err
assert_eq "$?" 0 "data/nodeinit.conf as shipped"
sed 's/^#\([A-Z[]\)/\1/' "$top_srcdir/data/nodeinit.conf" > example.conf
"$NODEINIT" apply --dry-run --config "$work/example.conf" --root "$work/root" --systemd=none ud.yml > out 2> err
assert_eq "$?" 0 "data/nodeinit.conf uncommented"
assert_matches "$(cat out)" '^user core: create.* groups=sudo,adm '

# without any site configuration the default user is core, as before
make_root plain
"$NODEINIT" apply --dry-run --root "$work/plain" --systemd=none ud.yml > out 2> err
assert_contains "$(cat out)" "/home/core/.ssh/authorized_keys"

finish
