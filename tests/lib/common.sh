# shellcheck shell=bash
# Shared helpers for the nodeinit test harness (sourced, never executed).
#
# Conventions of every tests/lib/*.sh:
#   - functions return 0/1, print diagnostics to stderr with nit_log/nit_err;
#   - nothing global is touched: all state lives under $NIT_STATE (a directory
#     inside the caller's scratch dir), names carry the prefix nit-$NIT_RUN;
#   - processes are ended by PID only, and only the ones we started.

[[ -n ${_NIT_COMMON_SH:-} ]] && return 0
_NIT_COMMON_SH=1

NIT_LIB=${NIT_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# A short run id keeps namespace/container/cgroup names unique per run and
# below the 15-char limit nspawn's veth naming and IFNAMSIZ impose on derived names.
NIT_RUN=${NIT_RUN:-r$$}

nit_log() { printf '%s [nit] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
nit_err() { printf '%s [nit] ERROR: %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }

# Milliseconds since the epoch (for measurements only; tests never assert on time).
nit_now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# A process counts as gone when it no longer exists or is a zombie: PID 1 of
# this machine reaps late, and a zombie still answers kill -0.
nit_alive() {
        local st
        [[ -r /proc/$1/stat ]] || return 1
        st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
        [[ -n $st && $st != Z && $st != X ]]
}

# nit_wait_gone PID TIMEOUT_MS : 0 when gone in time
nit_wait_gone() {
        local pid=$1 deadline=$(( $(nit_now_ms) + ${2:-5000} ))
        while nit_alive "$pid"; do
                (( $(nit_now_ms) < deadline )) || return 1
                sleep 0.02
        done
        return 0
}

# nit_stop_pid PID [TIMEOUT_MS] : SIGTERM, wait, then SIGKILL. Only for PIDs we started.
nit_stop_pid() {
        local pid=$1
        [[ $pid =~ ^[0-9]+$ ]] || return 0
        nit_alive "$pid" || return 0
        kill -TERM "$pid" 2>/dev/null
        nit_wait_gone "$pid" "${2:-5000}" && return 0
        kill -KILL "$pid" 2>/dev/null
        nit_wait_gone "$pid" 20000
}

# nit_retry TIMEOUT_MS INTERVAL_S CMD... : run CMD until it succeeds or time
# runs out. The bound is for failures only: on a loaded machine give it
# minutes, a passing run never waits for it.
nit_retry() {
        local deadline=$(( $(nit_now_ms) + $1 )) iv=$2
        shift 2
        while :; do
                "$@" && return 0
                (( $(nit_now_ms) < deadline )) || return 1
                sleep "$iv"
        done
}

# Tests that need root and real tools skip (automake exit 77) instead of
# failing; the reason goes to the log, where contrib/test.sh shows it (and
# in CI, where a skip is a failure, says what to install).
nit_skip() { echo "SKIP: $*" >&2; exit 77; }

# nit_check GOT WANT WHAT: one "ok   - WHAT" or "FAIL - WHAT: got ..., want ..."
# line; any failure sets NIT_FAIL=1, which the test exits with.
# shellcheck disable=SC2034  # read by the tests that source this file
NIT_FAIL=0
nit_check() {
        if [[ $1 == "$2" ]]; then
                echo "ok   - $3"
        else
                echo "FAIL - $3: got '$1', want '$2'"
                NIT_FAIL=1
        fi
}
# nit_require_root [WHY]: skip, saying why root is needed
nit_require_root() { [[ $(id -u) -eq 0 ]] || nit_skip "needs root${1:+ ($1)}, running as $(id -un)"; }
nit_require_cmds() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null 2>&1 || nit_skip "missing $c"
        done
}

# Python for the host-side helpers (IMDS simulator): prefer the distribution's,
# which is what a fresh machine has and what the containers see under /usr.
nit_python() {
        if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

# nit_scratch_new : create and print a scratch dir (honours $NIT_SCRATCH)
nit_scratch_new() {
        local d=${NIT_SCRATCH:-}
        if [[ -z $d ]]; then
                d=$(mktemp -d "${TMPDIR:-/tmp}/nit-$NIT_RUN.XXXXXX") || return 1
        else
                mkdir -p "$d" || return 1
        fi
        echo "$d"
}
