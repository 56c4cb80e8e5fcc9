# shellcheck shell=bash
# A private `systemd --user` manager (test-harness.md recipe 1a).
#
#   usermgr_start DIR [NETNS]   start it; DIR is a scratch dir of the caller.
#                               Waits for SystemState=running|degraded, prints
#                               the manager PID and sets/exports:
#       USERMGR_PID                 manager PID (host view)
#       USERMGR_ADDRESS             unix:path=$XDG_RUNTIME_DIR/systemd/private
#                                   (direct sd-bus connection, works from any netns)
#       USERMGR_BUS_ADDRESS         unix:path=$XDG_RUNTIME_DIR/bus (dbus-daemon, socket-activated)
#       USERMGR_CONFIG_UNIT_DIR     $XDG_CONFIG_HOME/systemd/user  (~ /etc/systemd/system)
#       USERMGR_RUNTIME_UNIT_DIR    $XDG_RUNTIME_DIR/systemd/user  (~ /run/systemd/system)
#       USERMGR_XDG_RUNTIME_DIR, USERMGR_XDG_CONFIG_HOME, USERMGR_HOME
#   usermgr_env DIR             print those as `export K=V` lines (for eval)
#   usermgr_systemctl DIR ARGS  `systemctl --user ARGS` against that manager
#   usermgr_stop DIR            SIGTERM (stops its units), then kill whatever is
#                               left in its cgroup subtree and remove the subtree
#
# Layout of DIR: runtime/ (XDG_RUNTIME_DIR, 0700), config/ (XDG_CONFIG_HOME),
# home/ (HOME), manager.log, and state files pid, cg.
# Inside its mount namespace /run/systemd is a private tmpfs holding
# /run/systemd/system, so sd_booted() is true for its units only.
# With NETNS the manager (and its units) live in /run/netns/NETNS; joined with
# nsenter, not `ip netns exec`, which remounts /sys and hides the cgroup fs.

[[ -n ${_NIT_USERMGR_SH:-} ]] && return 0
_NIT_USERMGR_SH=1
# shellcheck source=tests/lib/cgroup.sh
. "$(dirname "${BASH_SOURCE[0]}")/cgroup.sh"

USERMGR_SYSTEMD=${USERMGR_SYSTEMD:-/lib/systemd/systemd}

# Runs in the new mount namespace (see usermgr_start): attach, mount, exec.
_usermgr_inner() {
        local state=$1
        set -e
        cg_attach "$state" $$
        mount --make-rprivate /
        mount -t tmpfs -o mode=755 tmpfs /run/systemd
        mkdir -p /run/systemd/system
        exec "$USERMGR_SYSTEMD" --user
}

usermgr_env() {
        local d
        d=$(cd "$1" && pwd) || return 1
        cat <<EOF
export USERMGR_XDG_RUNTIME_DIR=$d/runtime
export USERMGR_XDG_CONFIG_HOME=$d/config
export USERMGR_HOME=$d/home
export USERMGR_ADDRESS=unix:path=$d/runtime/systemd/private
export USERMGR_BUS_ADDRESS=unix:path=$d/runtime/bus
export USERMGR_CONFIG_UNIT_DIR=$d/config/systemd/user
export USERMGR_RUNTIME_UNIT_DIR=$d/runtime/systemd/user
EOF
        [[ -f $d/pid ]] && echo "export USERMGR_PID=$(cat "$d/pid")"
        return 0
}

usermgr_systemctl() {
        local d=$1
        shift
        XDG_RUNTIME_DIR=$d/runtime systemctl --user "$@"
}

_usermgr_state() {
        usermgr_systemctl "$1" show -p SystemState --value 2>/dev/null
}

usermgr_start() {
        local d=$1 netns=${2:-} pid st='' deadline
        local -a pre=()
        mkdir -p "$d" || return 1
        d=$(cd "$d" && pwd)
        rm -rf "$d/runtime"
        mkdir -p "$d/runtime" "$d/config/systemd/user" "$d/home"
        chmod 700 "$d/runtime"
        cg_create "nit-$NIT_RUN-um-$(basename "$d")" "$d/cg" >/dev/null || return 1
        [[ -n $netns ]] && pre=(nsenter "--net=/run/netns/$netns")
        # env -i: the manager copies its environment into every unit's, so
        # start it with a fixed one for reproducible tests.
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                LANG=C.UTF-8 HOME="$d/home" XDG_CONFIG_HOME="$d/config" \
                XDG_RUNTIME_DIR="$d/runtime" USERMGR_SYSTEMD="$USERMGR_SYSTEMD" \
                NIT_RUN="$NIT_RUN" \
                "${pre[@]}" setsid unshare --mount -- \
                bash "$NIT_LIB/usermgr.sh" __inner "$d/cg" \
                > "$d/manager.log" 2>&1 < /dev/null &
        pid=$!
        echo "$pid" > "$d/pid"
        # setsid forks only when it is a process-group leader, which a
        # background job of a non-interactive shell is not, and unshare
        # without --fork execs: so $! is the manager itself.
        # a state, not a time: the socket exists and the manager says it
        # finished starting; the bound only ends a run that went wrong
        deadline=$(( $(nit_now_ms) + ${USERMGR_START_TIMEOUT_MS:-120000} ))
        while (( $(nit_now_ms) < deadline )); do
                if [[ -S $d/runtime/systemd/private ]]; then
                        # NB: `is-system-running` says "offline" out here
                        # (sd_booted() is false in our namespace): ask the manager.
                        st=$(_usermgr_state "$d")
                        case $st in
                        running|degraded)
                                eval "$(usermgr_env "$d")"
                                echo "$pid"
                                return 0
                                ;;
                        esac
                fi
                if ! nit_alive "$pid"; then
                        nit_err "user manager exited; log:"
                        cat "$d/manager.log" >&2
                        usermgr_stop "$d"
                        return 1
                fi
                sleep 0.02
        done
        nit_err "user manager did not reach running within ${USERMGR_START_TIMEOUT_MS:-120000} ms (state '$st'); log:"
        tail -n 20 "$d/manager.log" >&2
        usermgr_stop "$d"
        return 1
}

usermgr_stop() {
        local d=$1 pid rc=0
        [[ -d $d ]] || return 0
        pid=$(cat "$d/pid" 2>/dev/null)
        # SIGTERM: the manager stops all its units, then exits (~0.2 s idle,
        # longer under load). SIGKILL would orphan them, hence the cgroup
        # kill below.
        nit_stop_pid "$pid" 30000
        if [[ -f $d/cg ]]; then
                cg_destroy "$d/cg" || rc=1
        fi
        rm -f "$d/pid"
        return $rc
}

if [[ ${BASH_SOURCE[0]} == "$0" && ${1:-} == __inner ]]; then
        _usermgr_inner "$2"
fi
