#!/bin/bash
# Faults: a full filesystem, a read-only directory, symlinks planted to
# escape the root, and runs killed at chosen steps. After each, a clean
# rerun must reach exactly the golden tree, with no temp file left and no
# file half-written at any point.
set -euo pipefail
. "${top_srcdir:?}/tests/integration/apply-lib.sh"
. "$top_srcdir/tests/lib/assert.sh"

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
# FAULTS_CASE: another golden case, for trying the test on it
CASE=${FAULTS_CASE:-full}

# matches_golden ROOT: the tree equals tests/golden/$CASE
matches_golden() {
        local root=$1 f ok=0
        # /run/nodeinit: the run's own record, not part of the plan
        diff -u "$GOLDEN/$CASE/expected.manifest" <(manifest "$root" | grep -v ' \./run/nodeinit') >/dev/null || ok=1
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
check 'test "$rc" = 1' test "$rc" = 1
check 'grep -q No space left on device "$root.out"' grep -q 'No space left on device' "$root.out"
check 'no_temps "$root"' no_temps "$root"
check 'no_partial "$root"' no_partial "$root"
rm -f "$root/filler"
rc=0
run_apply "$CASE" "$root" || rc=$?
check 'test "$rc" = 0' test "$rc" = 0
check 'matches_golden "$root"' matches_golden "$root"
check 'no_temps "$root"' no_temps "$root"
echo "# full filesystem: checked"

# 2. a read-only directory: /etc fails, /run and /home still get written
root=$tmp/ro
make_root "$CASE" "$root"
mkdir -p "$root/etc/systemd/system"
mount --bind "$root/etc/systemd/system" "$root/etc/systemd/system"
mounts+=("$root/etc/systemd/system")
mount -o remount,ro,bind "$root/etc/systemd/system"
rc=0
run_apply "$CASE" "$root" || rc=$?
check 'test "$rc" = 1' test "$rc" = 1
check 'grep -q ^failed .*docker-tcp.socket.*Read-only file system "$root.out"' grep -q '^failed .*docker-tcp.socket.*Read-only file system' "$root.out"
check 'test -f "$root/run/systemd/system/healthcheck.service"' test -f "$root/run/systemd/system/healthcheck.service"
check 'test -f "$root/etc/motd"' test -f "$root/etc/motd"
umount "$root/etc/systemd/system"
rc=0
run_apply "$CASE" "$root" || rc=$?
check 'test "$rc" = 0' test "$rc" = 0
check 'matches_golden "$root"' matches_golden "$root"
check 'no_temps "$root"' no_temps "$root"
echo "# read-only directory: checked"

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
check 'test -z "$(find "$outside" -mindepth 2)"' test -z "$(find "$outside" -mindepth 2)"
check 'test ! -e /healthcheck' test ! -e /healthcheck
# resolved inside the root: /opt/bin -> / means <root>/healthcheck
check 'test -f "$root/healthcheck"' test -f "$root/healthcheck"
echo "# symlink escape (status $rc): checked"

# 4. killed at chosen steps, then run again. strace stops nodeinit with
# SIGKILL at the N-th call of one system call (the call itself is not
# made: error=EIO stands in for it), for every N a clean run makes; the
# trace says where it stopped, the tree must say the same, and the rerun
# must reach the golden tree. Steps: mkdirat (parent directories, and
# ~/.ssh under its temp name), renameat2 (a directory into place),
# symlinkat (a mask), renameat (a file into place).
if ! command -v strace >/dev/null; then
        echo "SKIP: strace not installed (kills at chosen steps)"; exit 77
fi
args=$(sed "s|@CASE@|$GOLDEN/$CASE|g" "$GOLDEN/$CASE/args")

# traced_apply ROOT TRACE [STRACE ARGS...]: nodeinit under strace; status of
# nodeinit. TRACE keeps nodeinit's own lines only (useradd's have other
# pids; injection counts each process's calls on its own).
traced_apply() {
        local root=$1 trace=$2 rc=0
        shift 2
        # shellcheck disable=SC2046,SC2086
        # LeakSanitizer cannot work under ptrace (the untraced reruns check leaks)
        env -i PATH="$PATH" ASAN_OPTIONS=detect_leaks=0 $(cat "$GOLDEN/$CASE/env") strace -f -qq -y -o "$trace" \
                -e trace=execve,mkdirat,renameat,renameat2,symlinkat "$@" \
                "$NODEINIT" apply --root "$root" --systemd=none $args >"$root.out" 2>&1 || rc=$?
        local pid
        pid=$(awk 'NR == 1 { print $1 }' "$trace")
        # (strace pads pids to a common width)
        sed -En "s/^$pid +/$pid /p" "$trace" > "$trace.own"
        mv "$trace.own" "$trace"
        return "${rc:-0}"
}

ref=$tmp/ref
make_root "$CASE" "$ref"
rc=0
traced_apply "$ref" "$tmp/ref.trace" || rc=$?
check 'test "$rc" = 0' test "$rc" = 0
# same_tree A B: B has A's manifest and bytes (nodeinit's own run record
# in /run/nodeinit and the files IGNOREd apart)
same_tree() {
        local f
        diff -u <(manifest "$1" | grep -v ' \./run/nodeinit') <(manifest "$2" | grep -v ' \./run/nodeinit') || return 1
        while read -r f; do
                cmp -s "$1/$f" "$2/$f" || { echo "differs: $f"; return 1; }
        done < <(cd "$1" && find . -type f ! -path './run/nodeinit/*' | grep -Ev "$IGNORE")
}
# the reference itself is the golden tree
check 'matches_golden "$ref"' matches_golden "$ref"

steps=0
for call in mkdirat renameat2 symlinkat renameat; do
        total=$(grep -c "^[0-9]* $call(.*) = 0\$" "$tmp/ref.trace" || true)
        # the reference run's order of what this call made
        mapfile -t made < <(grep "^[0-9]* $call(.*) = 0\$" "$tmp/ref.trace" |
                sed -E 's#^.*, [0-9]+<([^>]*)>, "([^"]*)"(, [0-7A-Z_|]+)?\) = 0$#\1/\2#; s|^.*mkdirat\([0-9]+<([^>]*)>, "([^"]*)".*$|\1/\2|' |
                sed "s|^$ref/|./|")
        check 'test "${#made[@]}" = "$total"' test "${#made[@]}" = "$total"
        for n in $(seq 1 "$total"); do
                root=$tmp/kill-$call-$n
                make_root "$CASE" "$root"
                rc=0
                traced_apply "$root" "$root.trace" -e inject="$call:error=EIO:signal=KILL:when=$n" || rc=$?
                # stopped there: the n-th call was its last, nothing after it
                check 'grep -q "^[0-9]* +++ killed by SIGKILL +++\$" "$root.trace"' grep -q "^[0-9]* +++ killed by SIGKILL +++\$" "$root.trace"
                check 'test "$(grep -c "^[0-9]* $call(.*) = 0\$" "$root.trace")" = $((n - 1))' test "$(grep -c "^[0-9]* $call(.*) = 0\$" "$root.trace")" = $((n - 1))
                check 'test "$(grep "^[0-9]* $call(" "$root.trace" | tail -n1 | grep -c  = ?$)" = 1' test "$(grep "^[0-9]* $call(" "$root.trace" | tail -n1 | grep -c ' = ?$')" = 1
                # and the tree agrees: what came before is there (under
                # its temp name or already renamed), what came after is not
                for i in "${!made[@]}"; do
                        f=${made[$i]}
                        d=$(dirname "$f") b=$(basename "$f")
                        final=$d/${b#.#}
                        final=${final%.nodeinit}
                        if [ "$i" -lt $((n - 1)) ]; then
                                if [ ! -e "$root/$f" ] && [ ! -L "$root/$f" ] && [ ! -e "$root/$final" ]; then
                                        fail "$f missing after a kill at $call #$n"
                                fi
                        elif [ "$call" = renameat ]; then
                                # not renamed: absent, or still the old bytes
                                if [ -e "$root/$f" ] && cmp -s "$ref/$f" "$root/$f"; then
                                        fail "$f complete after a kill at $call #$n"
                                fi
                        elif [ -e "$root/$f" ] || [ -L "$root/$f" ] || [ -L "$root/$final" ]; then
                                fail "$f made after a kill at $call #$n"
                        fi
                done
                rc=0
                run_apply "$CASE" "$root" || rc=$?
                check 'test "$rc" = 0' test "$rc" = 0
                check 'same_tree "$ref" "$root"' same_tree "$ref" "$root"
                check 'no_temps "$root"' no_temps "$root"
                [ "$rc" = 0 ] || cat "$root.out" "$root.err"
                rm -rf "$root" "$root.out" "$root.err" "$root.trace"
                steps=$((steps + 1))
        done
done
check 'test "$steps" -gt 10' test "$steps" -gt 10
echo "killed at $steps chosen steps ($(grep -c . "$tmp/ref.trace") traced calls in a clean run)"
echo "# killed at chosen steps and rerun: checked"

# 5. useradd fails after it wrote the account (status 12: the home's parent
# is a dangling symlink). The account is taken out again, so a rerun does
# not find an existing user and give it a password; once the home can be
# made, one run makes the whole account.
root=$tmp/half
make_root "$CASE" "$root"
mkdir -p "$root/srv"
ln -s /nonexistent "$root/srv/out"
cat >"$tmp/half.yaml" <<'EOF'
#cloud-config
users:
  - name: alice
    homedir: /srv/out/alice
    passwd: $6$saltsalt$abcdefghij./ABCDEFGHIJ0123456789abcdefghij./ABCDEFGHIJ0123456789abcdefghij./ABCDEFGHIJ
EOF
cp -a "$root/etc" "$tmp/half-etc"
half_apply() {
        "$NODEINIT" apply --root "$root" --systemd=none --from-file "$tmp/half.yaml" >"$root.out" 2>"$root.err"
}
for run in 1 2; do
        rc=0
        half_apply || rc=$?
        check "run $run: exit 1" test "$rc" = 1
        check "run $run: says the half-made account was removed" \
                grep -q 'user alice: create .*status 12.*half-made account was removed' "$root.out"
        assert_not_contains "$(cat "$root.out")" 'set password'
        for f in passwd group shadow gshadow; do
                check "run $run: /etc/$f as before" cmp -s "$tmp/half-etc/$f" "$root/etc/$f"
        done
done
rm "$root/srv/out"
rc=0
half_apply || rc=$?
check 'the home can be made: exit 0' test "$rc" = 0
check 'alice in passwd with her home' grep -q '^alice:x:.*:/srv/out/alice:' "$root/etc/passwd"
check 'alice has her password' grep -q '^alice:\$6\$saltsalt' "$root/etc/shadow"
check 'her home exists' test -d "$root/srv/out/alice"
[ "$rc" = 0 ] || cat "$root.out" "$root.err"
echo "# useradd failing half-way, then rerun: checked"
finish
