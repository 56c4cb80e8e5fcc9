# Shared by the test-apply-*.sh tests: build a root from tests/golden/base
# (+ a case's pre/), run nodeinit apply under it, describe the tree.

: "${NODEINIT:?}" "${top_srcdir:?}"
GOLDEN=$top_srcdir/tests/golden

# make_root CASE DIR
make_root() {
        local case=$1 dir=$2
        mkdir -p "$dir"
        # modes as git checks them out (0755/0644), whatever the source tree
        # has: make distcheck makes it read-only
        cp -r --no-preserve=mode "$GOLDEN/base/." "$dir/"
        chmod 0640 "$dir/etc/shadow" "$dir/etc/gshadow"
        chmod 0644 "$dir/etc/passwd" "$dir/etc/group" "$dir/etc/login.defs"
        if [ -d "$GOLDEN/$case/pre" ]; then
                cp -r --no-preserve=mode "$GOLDEN/$case/pre/." "$dir/"
        fi
        if [ -d "$dir/home/core" ]; then
                chown -R 500:500 "$dir/home/core/.ssh"
                chmod 0700 "$dir/home/core/.ssh"
                chmod 0600 "$dir/home/core/.ssh/authorized_keys"
        fi
}

# run_apply CASE ROOT [EXTRA ARGS...]: stdout/stderr in ROOT.out/.err, returns nodeinit's status
run_apply() {
        local case=$1 root=$2
        shift 2
        local args
        args=$(sed "s|@CASE@|$GOLDEN/$case|g" "$GOLDEN/$case/args")
        # shellcheck disable=SC2046,SC2086
        env -i PATH="$PATH" $(cat "$GOLDEN/$case/env") "$NODEINIT" apply --root "$root" --systemd=none $args "$@" \
                >"$root.out" 2>"$root.err"
}

# What the comparison ignores: files whose bytes depend on the day
# (shadow's last-change field) and useradd's backups and lock.
IGNORE='^\./etc/(shadow|gshadow|\.pwd\.lock)$|-$'

# manifest DIR: type, mode, owner, size and link target of everything
manifest() {
        (cd "$1" && find . -mindepth 1 -printf '%M %U:%G %s %p %l\n' | sort -k4 |
                awk -v re="$IGNORE" '{ if ($4 ~ re) next; if (substr($1,1,1) == "d" || substr($1,1,1) == "l") $3 = "-"; print }')
}

# stamps DIR: mtimes and inodes, to prove a rerun touched nothing
stamps() {
        (cd "$1" && find . -mindepth 1 -printf '%p %i %T@ %C@\n' | sort)
}

# no_temps DIR: no temp file of ours anywhere
no_temps() {
        ! find "$1" -name '.#*.nodeinit' | grep -q .
}
