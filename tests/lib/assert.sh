#!/bin/bash
# The assertion helpers of the shell tests: count failures, print what
# differs, and end with the plain "N passed, N failed" line (finish, which
# is also the script's status).
#   check WHAT CMD...          run CMD; "ok N - WHAT" or "not ok N - WHAT"
#   assert_eq GOT WANT [WHAT]  assert_contains / assert_not_contains / assert_matches TEXT PATTERN
#   pass, fail MESSAGE         count one result by hand
_passed=0
_failed=0

fail() {
        echo "FAIL: $*" >&2
        _failed=$((_failed + 1))
}

pass() {
        _passed=$((_passed + 1))
}

check() {
        local what=$1 n=$((_passed + _failed + 1))
        shift
        if "$@"; then
                pass
                echo "ok $n - $what"
        else
                _failed=$((_failed + 1))
                echo "not ok $n - $what"
        fi
}

assert_eq() {
        if [ "$1" = "$2" ]; then pass; else fail "${3:-}: got '$1', want '$2'"; fi
}

assert_contains() {
        if grep -qF -- "$2" <<< "$1"; then pass; else fail "missing '$2' in:"$'\n'"$1"; fi
}

assert_not_contains() {
        if grep -qF -- "$2" <<< "$1"; then fail "unexpected '$2' in:"$'\n'"$1"; else pass; fi
}

assert_matches() {
        if grep -qE -- "$2" <<< "$1"; then pass; else fail "no line matching '$2' in:"$'\n'"$1"; fi
}

finish() {
        echo "$(basename "$0"): $_passed passed, $_failed failed"
        # a test that asserted nothing proved nothing
        [ $((_passed + _failed)) -gt 0 ] || { echo "FAIL: no assertion ran" >&2; return 1; }
        [ "$_failed" -eq 0 ]
}
