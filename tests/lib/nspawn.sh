# shellcheck shell=bash
# Full system-mode systemd nodes: systemd-nspawn -D / --volatile=yes --boot
# (test-harness.md recipe 1c). The container's / is a tmpfs with the host's
# /usr read-only; /etc, /var, /tmp, /run are private, so whatever the code
# under test writes to /etc/systemd/system, /run/systemd/system or
# /etc/environment lands in the container, never on the host.
#
#   nspawn_launch DIR NAME [OPTIONS] [-- NSPAWN_ARGS...]   start booting, return at once
#       --netns NS          join /run/netns/NS (--network-namespace-path)
#       --private-network   only lo
#       --bind-ro SRC:DST   e.g. a build tree at /opt/nodeinit (repeatable)
#       --bind SRC:DST      read-write bind (repeatable)
#       --unit FILE         bind FILE read-only to /etc/systemd/system/<basename>
#       --wants UNIT        add UNIT to the boot transaction (systemd.wants=),
#                           i.e. run it as a boot hook (repeatable)
#       --target UNIT       default multi-user.target
#       --gate FILE         prepare everything, but exec nspawn only once FILE
#                           exists: lets a caller start many nodes at one instant
#   nspawn_wait DIR [TIMEOUT_S]   wait (default 300 s overall) until the
#                               container's PID 1 is systemd and `is-system-running
#                               --wait` says running|degraded; sets NSPAWN_INIT, prints it
#   nspawn_wait_manager DIR [TIMEOUT_S]   wait only until PID 1 is a systemd
#                               manager listening on its private socket; prints it
#   nspawn_start DIR NAME ...     launch + wait
#   nspawn_init DIR               print the container's PID 1 (host view): the
#                               process whose innermost NSpid is 1
#   nspawn_exec DIR CMD...        run CMD inside (nsenter -t INIT -a); a plain
#                               process in our cgroup: use systemd-run inside for
#                               anything that must outlive the call
#   nspawn_stop DIR               poweroff (SIGTERM to nspawn), kill what is left
#                               in its cgroup subtree, remove the subtree and
#                               nspawn's leftovers on the host's /run
# DIR (caller's scratch) holds: name, pid (nspawn), init, cg, log, preset/.

[[ -n ${_NIT_NSPAWN_SH:-} ]] && return 0
_NIT_NSPAWN_SH=1
# shellcheck source=tests/lib/cgroup.sh
. "$(dirname "${BASH_SOURCE[0]}")/cgroup.sh"

# Runs as the background child: enter the private cgroup, then become nspawn
# (--keep-unit: nspawn uses, and subdivides, the cgroup it was started in).
# Nothing here may leave a child behind (no process substitution, no
# background job): whatever this shell forked and did not reap becomes a
# zombie child of nspawn once it execs.
_nspawn_inner() {
        local state=$1 gate=$2
        shift 2
        cg_attach "$state" $$ || exit 1
        if [[ -n $gate ]]; then
                # the caller opens the gate (or stops us by PID): no bound here
                while [[ ! -e $gate ]]; do sleep 0.01; done
        fi
        exec systemd-nspawn "$@"
}

nspawn_launch() {
        local d=$1 name=$2 target=multi-user.target pid gate=
        local -a args=() kargs=()
        shift 2
        while (( $# )); do
                case $1 in
                --netns) args+=("--network-namespace-path=/run/netns/$2"); shift ;;
                --private-network) args+=(--private-network) ;;
                --bind-ro) args+=("--bind-ro=$2"); shift ;;
                --bind) args+=("--bind=$2"); shift ;;
                --unit) args+=("--bind-ro=$(readlink -f "$2"):/etc/systemd/system/$(basename "$2")"); shift ;;
                --wants) kargs+=("systemd.wants=$2"); shift ;;
                --target) target=$2; shift ;;
                --gate) gate=$2; shift ;;
                --) shift; args+=("$@"); break ;;
                *) nit_err "nspawn_launch: unknown option $1"; return 1 ;;
                esac
                shift
        done
        mkdir -p "$d/preset" || return 1
        d=$(cd "$d" && pwd)
        rm -f "$d/pid" "$d/init"
        echo "$name" > "$d/name"
        # Without it "first boot" applies Debian's `enable *` preset and etcd,
        # postgresql, cloud-init... installed on the host would start inside.
        echo 'disable *' > "$d/preset/00-nit-disable-all.preset"
        cg_create "$name" "$d/cg" >/dev/null || return 1
        setsid bash "$NIT_LIB/nspawn.sh" __inner "$d/cg" "$gate" \
                --quiet -D / --volatile=yes --register=no --keep-unit -M "$name" \
                --bind-ro="$d/preset:/etc/systemd/system-preset" \
                "${args[@]}" \
                --boot systemd.firstboot=off "systemd.unit=$target" "${kargs[@]}" \
                > "$d/log" 2>&1 < /dev/null &
        pid=$!
        echo "$pid" > "$d/pid"
        return 0
}

# How many PID namespaces deep PID lives (fields of NSpid in its status).
_nspawn_pidns_depth() {
        local f
        f=$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) || return 1
        [[ -n $f ]] || return 1
        # shellcheck disable=SC2086  # split the fields
        set -- $f
        echo $#
}

# The container's PID 1 as the host sees it, found by what it is: the live
# process of the container's cgroup subtree whose innermost PID is 1, one
# PID namespace below ours. Never by listing order: nspawn may have other
# children (a zombie of the launcher once was), and none of them is PID 1 in
# the container's namespace.
_nspawn_find_init() {
        local d=$1 want p f
        want=$(_nspawn_pidns_depth self) || return 1
        want=$((want + 1))
        for p in $(cg_pids "$d/cg"); do
                f=$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null) || continue
                # shellcheck disable=SC2086  # split the fields
                set -- $f
                if (( $# == want )) && [[ ${!#} == 1 ]] && nit_alive "$p"; then
                        echo "$p"
                        return 0
                fi
        done
        return 1
}

nspawn_init() {
        local d=$1
        if [[ -s $d/init ]]; then
                cat "$d/init"
                return 0
        fi
        _nspawn_find_init "$d"
}

# Every wait below is on a state (PID 1 exists, its manager's socket exists,
# the boot finished) under one overall bound, and fails saying which state
# was not reached.
nspawn_wait_manager() {
        local d=$1 timeout=${2:-300} name init='' pid deadline
        name=$(cat "$d/name" 2>/dev/null)
        pid=$(cat "$d/pid" 2>/dev/null) || { nit_err "nspawn_wait: nothing launched in $d"; return 1; }
        deadline=$(( $(nit_now_ms) + timeout * 1000 ))
        while :; do
                # PID 1 exists before it is systemd (nspawn's inner child sets
                # up, then execs init): its exe says which, and only then is
                # /proc/PID/root the container's and not the host's root
                init=$(_nspawn_find_init "$d") && [[ $(readlink "/proc/$init/exe" 2>/dev/null) == */systemd ]] &&
                        [[ -S /proc/$init/root/run/systemd/private ]] && break
                if ! nit_alive "$pid"; then
                        nit_err "nspawn $name exited; log:"
                        cat "$d/log" >&2
                        return 1
                fi
                if (( $(nit_now_ms) >= deadline )); then
                        nit_err "container $name: no systemd manager as its PID 1 within ${timeout}s (PID 1: '${init:-none}')"
                        tail -n 20 "$d/log" >&2
                        return 1
                fi
                sleep 0.05
        done
        echo "$init"
}

nspawn_wait() {
        local d=$1 timeout=${2:-300} name init st deadline left
        name=$(cat "$d/name" 2>/dev/null)
        deadline=$(( $(nit_now_ms) + timeout * 1000 ))
        init=$(nspawn_wait_manager "$d" "$timeout") || return 1
        left=$(( (deadline - $(nit_now_ms)) / 1000 ))
        (( left > 10 )) || left=10
        st=$(timeout "$left" nsenter -t "$init" -m -p -- systemctl is-system-running --wait 2>/dev/null)
        case $st in
        running|degraded)
                echo "$init" > "$d/init"
                export NSPAWN_INIT=$init
                echo "$init"
                return 0
                ;;
        esac
        if nit_alive "$init"; then
                nit_err "container $name (PID 1 = $init): boot not finished within ${timeout}s, state '$st'; jobs:"
                timeout 10 nsenter -t "$init" -m -p -- systemctl list-jobs --no-pager >&2
        else
                nit_err "container $name: its PID 1 ($init) is gone, state '$st'; log:"
                tail -n 20 "$d/log" >&2
        fi
        return 1
}

nspawn_start() {
        nspawn_launch "$@" || return 1
        nspawn_wait "$1"
}

nspawn_exec() {
        local d=$1 init
        shift
        init=$(nspawn_init "$d") || { nit_err "no container in $d"; return 1; }
        nsenter -t "$init" -a -- "$@"
}

nspawn_stop() {
        local d=$1 pid name rc=0 p
        [[ -f $d/name ]] || return 0
        name=$(cat "$d/name")
        pid=$(cat "$d/pid" 2>/dev/null)
        # nspawn --boot turns SIGTERM into a clean poweroff of the container;
        # on a loaded machine that can take long, and what is left after the
        # bound is killed through the cgroup below.
        nit_stop_pid "$pid" 60000 || rc=1
        if [[ -f $d/cg ]]; then
                cg_destroy "$d/cg" || rc=1
        fi
        # nspawn leaves these on the host's /run (on disk here, not a tmpfs).
        # Parents go only when empty, so a concurrent container keeps its own.
        rm -rf "/run/systemd/nspawn/propagate/$name"
        for p in /run/systemd/nspawn/propagate /run/systemd/nspawn /run/systemd/nspawn-root; do
                [[ -d $p ]] && rmdir "$p" 2>/dev/null
        done
        rm -f "$d/pid" "$d/init" "$d/name"
        return $rc
}

if [[ ${BASH_SOURCE[0]} == "$0" && ${1:-} == __inner ]]; then
        shift
        _nspawn_inner "$@"
fi
