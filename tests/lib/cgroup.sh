# shellcheck shell=bash
# Private cgroup subtrees for anything that runs a systemd manager.
#
# Why: a systemd manager takes the cgroup it starts in as its root. Started
# from this machine's own cgroup ("/" in name=systemd) it would migrate every
# process of the machine into its own cgroups (test-harness.md, hazard 1).
# So each manager/container first gets <own memory cgroup>/nit-... in the
# unified, name=systemd, memory and pids hierarchies (or in the single
# cgroup2 tree on a pure-v2 host), and on teardown we kill what is inside that
# subtree only and remove only the directories we (or our children) created.
#
# API (STATE is a file of the caller's scratch dir recording what we made):
#   cg_create NAME STATE   create <base>/NAME; prints the relative path
#   cg_attach STATE PID    move PID into it in every hierarchy
#   cg_pids STATE          PIDs anywhere in the subtree (any hierarchy)
#   cg_kill STATE          SIGKILL everything in the subtree, wait until empty
#   cg_remove STATE        rmdir the subtree and the parents cg_create made
#   cg_destroy STATE       cg_kill + cg_remove

[[ -n ${_NIT_CGROUP_SH:-} ]] && return 0
_NIT_CGROUP_SH=1
# shellcheck source=tests/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CG_FS=${CG_FS:-/sys/fs/cgroup}

cg_is_pure_v2() { [[ -e $CG_FS/cgroup.controllers ]]; }

# The hierarchies a manager's cgroup must be private in.
cg_roots() {
        local h
        if cg_is_pure_v2; then
                echo "$CG_FS"
                return 0
        fi
        for h in unified systemd memory pids; do
                [[ -e $CG_FS/$h/cgroup.procs ]] && echo "$CG_FS/$h"
        done
        return 0
}

# Our own cgroup: the memory one (the sandbox we run in is accounted there),
# else the cgroup2 one.
cg_own_base() {
        local b
        b=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
        [[ -n $b ]] || b=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
        echo "${b%/}"
}

_cg_path() { sed -n 's/^path //p' "$1" 2>/dev/null; }

cg_create() {
        local name=$1 state=$2 base rel root d part
        [[ $name == nit-* ]] || { nit_err "cg_create: name must start with nit-"; return 1; }
        base=$(cg_own_base)
        rel="$base/$name"
        echo "path $rel" > "$state" || return 1
        while read -r root; do
                d=$root
                # mkdir component by component so we know which ones are ours
                for part in ${rel//\// }; do
                        d="$d/$part"
                        [[ -d $d ]] && continue
                        mkdir "$d" || { nit_err "mkdir $d failed"; return 1; }
                        echo "dir $d" >> "$state"
                done
        done < <(cg_roots)
        echo "$rel"
}

# No process substitution here: nspawn.sh's launcher calls this right before
# it execs nspawn, and an unreaped `<(...)` child would become nspawn's zombie.
cg_attach() {
        local rel root roots rc=0
        rel=$(_cg_path "$1")
        [[ -n $rel ]] || return 1
        roots=$(cg_roots)
        for root in $roots; do
                echo "$2" > "$root$rel/cgroup.procs" || rc=1
        done
        return $rc
}

cg_pids() {
        local rel root
        rel=$(_cg_path "$1")
        [[ -n $rel ]] || return 0
        while read -r root; do
                [[ -d $root$rel ]] || continue
                find "$root$rel" -name cgroup.procs -exec cat {} + 2>/dev/null
        done < <(cg_roots) | sort -un
}

cg_kill() {
        local rel root p pids deadline
        rel=$(_cg_path "$1")
        [[ -n $rel ]] || return 0
        deadline=$(( $(nit_now_ms) + 60000 ))
        while :; do
                pids=$(cg_pids "$1")
                [[ -z $pids ]] && return 0
                # cgroup.kill (cgroup2, kernel >= 5.14) kills the whole subtree
                # atomically, so nothing can fork its way out of the kill.
                while read -r root; do
                        [[ -e $root$rel/cgroup.kill ]] && echo 1 > "$root$rel/cgroup.kill" 2>/dev/null
                done < <(cg_roots)
                for p in $pids; do
                        kill -KILL "$p" 2>/dev/null
                done
                (( $(nit_now_ms) < deadline )) || { nit_err "cgroup $rel still has after 60 s of SIGKILL: $pids"; return 1; }
                sleep 0.02
        done
}

cg_remove() {
        local state=$1 rel root d rc=0
        [[ -f $state ]] || return 0
        rel=$(_cg_path "$state")
        [[ -n $rel ]] || return 0
        while read -r root; do
                [[ -d $root$rel ]] || continue
                # sub-cgroups the manager/container created inside our subtree
                find "$root$rel" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
        done < <(cg_roots)
        # then what cg_create made, deepest first; parents it did not make
        # stay. A parent it made may still hold a sibling (another node of
        # this run, or another run sharing the path): not an error, it stays
        # until empty. Callers with several siblings create a group first
        # (cluster-lib.sh) so those parents have an owner that goes last.
        while read -r d; do
                [[ -d $d ]] || continue
                if [[ $d == */"${rel##*/}" ]]; then
                        rmdir "$d" 2>/dev/null || { nit_err "cannot rmdir $d"; rc=1; }
                else
                        rmdir "$d" 2>/dev/null
                fi
        done < <(sed -n 's/^dir //p' "$state" | sort -r)
        (( rc == 0 )) && rm -f "$state"
        return $rc
}

cg_destroy() {
        cg_kill "$1"
        cg_remove "$1"
}
