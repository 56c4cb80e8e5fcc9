#!/bin/bash
# Faults: a full filesystem, a read-only directory, symlinks planted to
# escape the root, and runs killed at random points. After each, a clean
# rerun must reach exactly the golden tree, with no temp file left and no
# file half-written at any point.
set -euo pipefail
. "${top_srcdir:?}/tests/integration/apply-lib.sh"

if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (mounts a tmpfs)"; exit 77
fi

tmp=$(mktemp -d /tmp/nit-faults-XXXXXX)
mounts=()
cleanup() {
        local m
        for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
        rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
CASE=full

# matches_golden ROOT: the tree equals tests/golden/$CASE
matches_golden() {
        local root=$1 f ok=0
        diff -u "$GOLDEN/$CASE/expected.manifest" <(manifest "$root") >/dev/null || ok=1
        while read -r f; do
                cmp -s "$GOLDEN/$CASE/expected/$f" "$root/$f" || ok=1
        done < <(cd "$GOLDEN/$CASE/expected" && find . -type f)
        return $ok
}

# no_partial ROOT: every planned file that exists is complete (bytes of the
# golden file); nothing is half-written
no_partial() {
        local root=$1 f ok=0
        while read -r f; do
                if [ -e "$root/$f" ] && ! cmp -s "$GOLDEN/$CASE/expected/$f" "$root/$f"; then
                        case "$f" in ./etc/passwd|./etc/group) ;; *) echo "partial: $f"; ok=1 ;; esac
                fi
        done < <(cd "$GOLDEN/$CASE/expected" && find . -type f)
        return $ok
}

check() {
        if "$@"; then :; else echo "FAIL: $*"; fail=1; fi
}

# 1. full filesystem
root=$tmp/full
mkdir -p "$root"
mount -t tmpfs -o size=256k,mode=0755 nit-full "$root"
mounts+=("$root")
make_root "$CASE" "$root"
avail=$(df --output=avail -B1 "$root" | tail -1)
# leave about 6 KB: some files fit, most do not
dd if=/dev/zero of="$root/filler" bs=1024 count=$(( avail / 1024 - 6 )) status=none 2>/dev/null || true
rc=0
run_apply "$CASE" "$root" || rc=$?
check test "$rc" = 1
check grep -q 'No space left on device' "$root.out"
check no_temps "$root"
check no_partial "$root"
rm -f "$root/filler"
rc=0
run_apply "$CASE" "$root" || rc=$?
check test "$rc" = 0
check matches_golden "$root"
check no_temps "$root"
[ "$fail" = 0 ] && echo "ok full filesystem"

# 2. a read-only directory: /etc fails, /run and /home still get written
root=$tmp/ro
make_root "$CASE" "$root"
mkdir -p "$root/etc/systemd/system"
mount --bind "$root/etc/systemd/system" "$root/etc/systemd/system"
mounts+=("$root/etc/systemd/system")
mount -o remount,ro,bind "$root/etc/systemd/system"
rc=0
run_apply "$CASE" "$root" || rc=$?
check test "$rc" = 1
check grep -q '^failed .*docker-tcp.socket.*Read-only file system' "$root.out"
check test -f "$root/run/systemd/system/healthcheck.service"
check test -f "$root/etc/motd"
umount "$root/etc/systemd/system"
rc=0
run_apply "$CASE" "$root" || rc=$?
check test "$rc" = 0
check matches_golden "$root"
check no_temps "$root"
[ "$fail" = 0 ] && echo "ok read-only directory"

# 3. symlinks planted inside the root pointing out of it
root=$tmp/escape
outside=$tmp/outside
mkdir -p "$outside/etc-coreos" "$outside/ssh"
make_root "$CASE" "$root"
ln -s "$outside/etc-coreos" "$root/etc/coreos"            # absolute
mkdir -p "$root/home/core"
ln -s ../../../../../../../"$outside/ssh" "$root/home/core/.ssh"  # relative, climbing
mkdir -p "$root/opt"
ln -s / "$root/opt/bin"                                   # the root itself
rc=0
run_apply "$CASE" "$root" || rc=$?
check test -z "$(find "$outside" -mindepth 2)"
check test ! -e /healthcheck
# resolved inside the root: /opt/bin -> / means <root>/healthcheck
check test -f "$root/healthcheck"
[ "$fail" = 0 ] && echo "ok symlink escape (status $rc)"

# 4. killed at random points, then run again
for i in $(seq 1 25); do
        root=$tmp/kill$i
        make_root "$CASE" "$root"
        args=$(sed "s|@CASE@|$GOLDEN/$CASE|g" "$GOLDEN/$CASE/args")
        # shellcheck disable=SC2046,SC2086
        env -i PATH="$PATH" $(cat "$GOLDEN/$CASE/env") "$NODEINIT" apply --root "$root" --systemd=none $args \
                >/dev/null 2>&1 &
        pid=$!
        sleep "0.0$(( RANDOM % 45 ))"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        check no_partial "$root"
        rc=0
        run_apply "$CASE" "$root" || rc=$?
        check test "$rc" = 0
        check matches_golden "$root"
        check no_temps "$root"
        [ "$rc" = 0 ] || { cat "$root.out" "$root.err"; }
        rm -rf "$root" "$root.out" "$root.err"
done
[ "$fail" = 0 ] && echo "ok killed and rerun (25 runs)"
exit $fail
