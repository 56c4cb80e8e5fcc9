#!/bin/bash
# Tiny assertion helpers for shell tests: count failures, print what differs,
# and end with the plain "N passed, N failed" line.
_passed=0
_failed=0

fail() {
        echo "FAIL: $*" >&2
        _failed=$((_failed + 1))
}

pass() {
        _passed=$((_passed + 1))
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
        [ "$_failed" -eq 0 ]
}
