#!/bin/bash
# The corpus: cloud-configs that others published for CoreOS clusters
# (tests/corpus/PROVENANCE.md), each with what coreos-cloudinit itself wrote
# for it in a throw-away container. For each config:
#   - `nodeinit validate` reports no error that coreos-cloudinit does not
#     also report (same message; nodeinit's line numbers are 1-based);
#   - `nodeinit apply --root DIR --systemd=none` writes exactly the files
#     and links coreos-cloudinit wrote: bytes, modes, owners, link targets,
#     except the differences listed in tests/corpus/differences (explained
#     in tests/corpus/DIFFERENCES.md), which are checked too;
#   - the directories coreos-cloudinit created have its modes and owners.
# Needs root: the expected owners are set with chown.
set -euo pipefail
: "${NODEINIT:?}" "${top_srcdir:?}"
C=$top_srcdir/tests/corpus

if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (the trees it compares have files owned by other users)"
        exit 77
fi

tmp=$(mktemp -d /tmp/nit-corpus-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Bytes that depend on the day (shadow's last-change field) or on the
# useradd run (backups, lock) are not compared, nor nodeinit's record of
# its own run (/run/nodeinit), which provisions nothing.
IGNORE='^\./etc/(shadow|gshadow|\.pwd\.lock)$|-$|^\./run/nodeinit(/|$)'

# manifest DIR: type+mode, owner, size (files only), path, link target
manifest() {
        (cd "$1" && find . -mindepth 1 -printf '%M %U:%G %s %p %l\n' | sort -k4 |
                awk -v re="$IGNORE" '{ if ($4 ~ re) next; t = substr($1,1,1); if (t == "d" || t == "l") $3 = "-"; print }')
}

make_root() {
        local dir=$1
        mkdir -p "$dir"
        # git's modes whatever the source tree has (distcheck makes it read-only)
        cp -r --no-preserve=mode "$C/base/." "$dir/"
        chmod 0640 "$dir/etc/shadow" "$dir/etc/gshadow"
        mkdir -p "$dir/home/core"
        chown 500:500 "$dir/home/core"
}

# differences CASE KIND: the paths listed for CASE with KIND
differences() {
        awk -v c="$1" -v k="$2" '!/^#/ && $1 == c && $3 == k { print $2 }' "$C/differences"
}

fail=0
ncases=0
for cdir in "$C"/cases/*/; do
        case=$(basename "$cdir")
        ncases=$((ncases + 1))
        cfail=0
        root=$tmp/$case
        make_root "$root"
        release=$(cat "$cdir/cloudinit.release")

        # 1. validate: every error nodeinit reports, coreos-cloudinit reports too
        rc=0
        "$NODEINIT" validate "$cdir/user-data" >"$root.validate" 2>&1 || rc=$?
        sed -n 's/^[^:]*:[0-9]*:[0-9]*: error: //p' "$root.validate" | sort -u >"$root.ni-errors"
        sed -n 's/^line [0-9]*: error: //p' "$cdir/cloudinit.validate" | sort -u >"$root.cc-errors"
        extra=$(comm -23 "$root.ni-errors" "$root.cc-errors")
        if [ -n "$extra" ]; then
                echo "FAIL $case: nodeinit validate reports errors coreos-cloudinit $release does not:"
                printf '    %s\n' "${extra//$'\n'/$'\n'    }"
                if [ -f "$cdir/legacy" ]; then
                        echo "    (waits for: $(cat "$cdir/legacy"))"
                fi
                cfail=1
        fi
        if { [ -s "$root.ni-errors" ] && [ "$rc" != 1 ]; } || { [ ! -s "$root.ni-errors" ] && [ "$rc" != 0 ]; }; then
                echo "FAIL $case: validate exit status $rc does not match its errors"; cat "$root.validate"; cfail=1
        fi

        # 2. apply under the root
        manifest "$root" | sort >"$root.before"
        rc=0
        # shellcheck disable=SC2046  # one VAR=value per word
        env -i PATH="$PATH" $(cat "$C/env") "$NODEINIT" apply --root "$root" --systemd=none \
                --from-file="$cdir/user-data" >"$root.out" 2>"$root.err" || rc=$?
        want=0
        [ -s "$root.ni-errors" ] && want=1
        if [ "$rc" != "$want" ]; then
                echo "FAIL $case: apply exit status $rc, expected $want"; cat "$root.out" "$root.err"; cfail=1
        fi

        # what nodeinit wrote: entries new or changed, files and links
        comm -13 "$root.before" <(manifest "$root" | sort) | awk 'substr($1,1,1) != "d"' | sort -k4 >"$root.wrote"

        # what coreos-cloudinit wrote, with the listed differences applied
        absent=$(differences "$case" absent)
        content=$(differences "$case" content)
        awk 'substr($1,1,1) != "d"' "$cdir/cloudinit.manifest" | while read -r mode owner size path link; do
                if grep -qxF "$path" <<<"$absent"; then
                        continue
                fi
                if grep -qxF "$path" <<<"$content"; then
                        size=$(stat -c %s "$cdir/nodeinit/$path")
                fi
                echo "$mode $owner $size $path $link"
        done >"$root.expect"
        sort -k4 -o "$root.expect" "$root.expect"
        # trailing blanks of empty link fields are not significant
        if ! diff -u <(sed 's/ *$//' "$root.expect") <(sed 's/ *$//' "$root.wrote") >"$root.diff"; then
                echo "FAIL $case: the files, modes, owners or links differ from coreos-cloudinit $release (- expected, + nodeinit):"
                sed 's/^/    /' "$root.diff"; cfail=1
        fi
        while read -r _ _ _ path _; do
                if [ ! -f "$root/$path" ] || [ -L "$root/$path" ]; then
                        continue
                fi
                ref=$cdir/cloudinit/$path
                grep -qxF "$path" <<<"$content" && ref=$cdir/nodeinit/$path
                if ! cmp -s "$ref" "$root/$path"; then
                        echo "FAIL $case: $path differs (- expected, + nodeinit):"
                        diff -u "$ref" "$root/$path" | sed 's/^/    /' || true
                        cfail=1
                fi
        done <"$root.expect"

        # directories coreos-cloudinit created: same mode and owner where nodeinit has them
        awk 'substr($1,1,1) == "d" { print $1, $2, $4 }' "$cdir/cloudinit.manifest" | while read -r mode owner path; do
                [ -d "$root/$path" ] || continue
                got=$(stat -c '%A %u:%g' "$root/$path")
                if [ "$got" != "$mode $owner" ]; then
                        echo "FAIL $case: directory $path is $got, coreos-cloudinit made it $mode $owner"
                        exit 1
                fi
        done || cfail=1

        if [ "$cfail" = 0 ]; then
                echo "ok $case ($(wc -l <"$root.wrote") files and links as coreos-cloudinit $release wrote them)"
        else
                fail=1
        fi
done
[ "$ncases" -ge 20 ] || { echo "FAIL: only $ncases cases in $C/cases"; fail=1; }
exit $fail
