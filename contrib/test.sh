#!/bin/bash
# The whole test suite, as CI runs it (as root, on Debian 12):
#   1. build and `make check` (unit, integration, cluster, fuzz replay)
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer (quick tier)
#   3. valgrind on the integration tests
#   4. libFuzzer targets for a bounded time (clang)
#   5. make distcheck
# Ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
"$top/contrib/deps.sh"

passed=0
failed=0
skipped=0
status=0

# run_check NAME BUILD_DIR [make args...]: make check, tally its summary.
run_check() {
        local name=$1 dir=$2 log
        shift 2
        log=$(mktemp)
        echo "== $name"
        (cd "$dir" && make -k check "$@") > "$log" 2>&1
        local rc=$?
        local p f s x e
        p=$(awk '/^# PASS:/ {n += $3} END {print n + 0}' "$log")
        f=$(awk '/^# FAIL:/ {n += $3} END {print n + 0}' "$log")
        x=$(awk '/^# XPASS:/ {n += $3} END {print n + 0}' "$log")
        e=$(awk '/^# ERROR:/ {n += $3} END {print n + 0}' "$log")
        s=$(awk '/^# SKIP:/ {n += $3} END {print n + 0}' "$log")
        grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$log"
        if [ "$rc" -ne 0 ] || [ $((f + x + e)) -ne 0 ]; then
                # show why: the failing tests' logs
                for t in $(grep -E '^(FAIL|ERROR|XPASS):' "$log" | awk '{print $2}'); do
                        echo "---- ${t%.*}.log"; tail -n 60 "$dir/${t%.*}.log" 2>/dev/null
                done
                [ "$rc" -ne 0 ] && [ $((p + f + e)) -eq 0 ] && tail -n 40 "$log"
                status=1
                [ $((f + x + e)) -eq 0 ] && f=1
        fi
        passed=$((passed + p)); failed=$((failed + f + x + e)); skipped=$((skipped + s))
        rm -f "$log"
}

"$top/contrib/build.sh" "$top/build" || { echo "build failed"; echo "test: 0 passed, 1 failed"; exit 1; }
run_check "make check" "$top/build"

"$top/contrib/build.sh" "$top/build-asan" --enable-sanitizers || status=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        NODEINIT_QUICK=1 run_check "make check (ASan+UBSan)" "$top/build-asan"

# The binary under memcheck: any error or definite leak fails with 99. The
# wrapper has absolute paths baked in, since some tests run nodeinit under
# `env -i` or inside containers.
valgrind_wrapper=$top/build/valgrind-nodeinit
printf '#!/bin/sh\nexec %s -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite %s "$@"\n' \
        "$(command -v valgrind)" "$top/build/nodeinit" > "$valgrind_wrapper"
chmod +x "$valgrind_wrapper"
integration=$(cd "$top" && ls tests/integration/test-*.sh tests/integration/test-*.py 2>/dev/null | tr '\n' ' ')
NODEINIT_UNDER_TEST=$valgrind_wrapper NODEINIT_QUICK=1 \
        run_check "integration under valgrind" "$top/build" TESTS="$integration"

if "$top/contrib/build.sh" "$top/build-fuzz" CC=clang --enable-fuzzing --enable-sanitizers; then
        fuzz=$(cd "$top" && ls tests/fuzz/test-fuzz-*.sh | tr '\n' ' ')
        FUZZ_SECONDS=${FUZZ_SECONDS:-20} run_check "libFuzzer, bounded" "$top/build-fuzz" TESTS="$fuzz"
else
        echo "fuzz build failed"; failed=$((failed + 1)); status=1
fi

echo "== make distcheck"
if (cd "$top/build" && NODEINIT_QUICK=1 make -s distcheck > distcheck.log 2>&1); then
        passed=$((passed + 1)); echo "PASS: distcheck"
else
        tail -n 40 "$top/build/distcheck.log"; failed=$((failed + 1)); status=1; echo "FAIL: distcheck"
fi

echo "test: $passed passed, $failed failed, $skipped skipped"
exit $status
