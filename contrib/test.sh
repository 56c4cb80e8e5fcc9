#!/bin/bash
# The whole test suite, as CI runs it (as root, on Debian 12):
#   1. build and `make check` (unit, integration, cluster, fuzz replay)
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer (quick tier)
#   3. valgrind on the integration tests
#   4. libFuzzer targets for a bounded time (clang)
#   5. make distcheck
# Ends with "wall time: XmYYs" and then the line "test: N passed, N failed,
# N skipped".
# A skipped test prints its reason. In CI (CI=true, as .ci/run sets) a skip
# is a failure: the machine is set up by contrib/deps.sh to run everything,
# so a skip there means a test proved nothing.
set -u
start=$SECONDS
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
"$top/contrib/deps.sh"

passed=0
failed=0
skipped=0
status=0
in_ci=0
[ "${CI:-}" = true ] && in_ci=1

wall() { local t=$((SECONDS - start)); printf '%dm%02ds' $((t / 60)) $((t % 60)); }

# skip_reasons DIR LOG: each skipped test of LOG with the reason its log gives
skip_reasons() {
        local dir=$1 log=$2 t why
        for t in $(grep -E '^SKIP:' "$log" | awk '{print $2}'); do
                why=$(grep -m1 -E '^SKIP|skip' "$dir/${t%.*}.log" 2>/dev/null)
                echo "  $t: ${why:-no reason given}"
        done
}

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
        if [ "$s" -ne 0 ]; then
                if [ "$in_ci" = 1 ]; then
                        echo "skipped in CI, counted as failed:"
                        status=1
                else
                        echo "skipped:"
                fi
                skip_reasons "$dir" "$log"
        fi
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
        [ "$in_ci" = 1 ] && failed=$((failed + s))
        rm -f "$log"
}

"$top/contrib/build.sh" "$top/build" || { echo "build failed"; echo "wall time: $(wall)"; echo "test: 0 passed, 1 failed, 0 skipped"; exit 1; }
run_check "make check" "$top/build"

if "$top/contrib/build.sh" "$top/build-asan" --enable-sanitizers; then
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                run_check "make check (ASan+UBSan)" "$top/build-asan"
else
        echo "ASan build failed"; failed=$((failed + 1)); status=1
fi

# The binary under memcheck: any error or definite leak fails with 99. The
# wrapper has absolute paths baked in, since some tests run nodeinit under
# `env -i` or inside containers.
valgrind_wrapper=$top/build/valgrind-nodeinit
printf '#!/bin/sh\nexec %s -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite %s "$@"\n' \
        "$(command -v valgrind)" "$top/build/nodeinit" > "$valgrind_wrapper"
chmod +x "$valgrind_wrapper"
integration=$(cd "$top" && ls tests/integration/test-*.sh tests/integration/test-*.py 2>/dev/null | tr '\n' ' ')
NODEINIT_UNDER_TEST=$valgrind_wrapper \
        run_check "integration under valgrind" "$top/build" TESTS="$integration"

if "$top/contrib/build.sh" "$top/build-fuzz" CC=clang --enable-fuzzing --enable-sanitizers; then
        fuzz=$(cd "$top" && ls tests/fuzz/test-fuzz-*.sh | tr '\n' ' ')
        FUZZ_SECONDS=${FUZZ_SECONDS:-20} run_check "libFuzzer, bounded" "$top/build-fuzz" TESTS="$fuzz"
else
        echo "fuzz build failed"; failed=$((failed + 1)); status=1
fi

echo "== make distcheck"
if (cd "$top/build" && make -s distcheck > distcheck.log 2>&1); then
        passed=$((passed + 1)); echo "PASS: distcheck"
else
        tail -n 40 "$top/build/distcheck.log"; failed=$((failed + 1)); status=1; echo "FAIL: distcheck"
fi
# distcheck's own `make check` passes with skips: count them as above
ds=$(awk '/^# SKIP:/ {n += $3} END {print n + 0}' "$top/build/distcheck.log")
if [ "$ds" -ne 0 ]; then
        grep -E '^SKIP:' "$top/build/distcheck.log" | sed 's/^/  distcheck /'
        skipped=$((skipped + ds))
        [ "$in_ci" = 1 ] && { failed=$((failed + ds)); status=1; echo "skipped in CI, counted as failed"; }
fi

# the count alone on the last line, as CI reads it; the wall time before it
echo "wall time: $(wall)"
echo "test: $passed passed, $failed failed, $skipped skipped"
exit $status
