/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "net/retry.h"

static void test_backoff_bounds(void **state) {
        /* Nominal: 100 ms doubling, capped at 5 s; actual in [nominal/2, nominal]. */
        static const uint64_t nominal[] = { 100000, 200000, 400000, 800000, 1600000, 3200000, 5000000, 5000000 };

        for (unsigned a = 0; a < ELEMENTSOF(nominal); a++) {
                assert_int_equal(retry_backoff_usec(a, 0), nominal[a] / 2);
                assert_int_equal(retry_backoff_usec(a, nominal[a] / 2), nominal[a]);
                for (uint64_t rnd = 1; rnd < 1000000000ULL; rnd = rnd * 7 + 3) {
                        uint64_t d = retry_backoff_usec(a, rnd);
                        assert_true(d >= nominal[a] / 2);
                        assert_true(d <= nominal[a]);
                }
        }
}

static void test_backoff_no_overflow(void **state) {
        assert_int_equal(retry_backoff_usec(64, 0), RETRY_BACKOFF_CAP_USEC / 2);
        assert_int_equal(retry_backoff_usec(UINT32_MAX, UINT64_MAX % (RETRY_BACKOFF_CAP_USEC / 2 + 1)),
                         RETRY_BACKOFF_CAP_USEC / 2 + UINT64_MAX % (RETRY_BACKOFF_CAP_USEC / 2 + 1));
        assert_true(retry_backoff_usec(1000, UINT64_MAX) <= RETRY_BACKOFF_CAP_USEC);
}

static void test_deadline(void **state) {
        Retry r;
        unsigned attempt = 0;

        retry_init(&r, 0);
        assert_int_equal(retry_left_usec(&r), 0);
        assert_int_equal(retry_wait(&r, &attempt, "x"), -ETIMEDOUT);
        assert_int_equal(attempt, 0);
        retry_done(&r);

        /* The sleep is cut at the deadline (backoff 10 is seconds): the
         * second wait finds no time left. */
        retry_init(&r, 20000);
        attempt = 10;
        assert_int_equal(retry_wait(&r, &attempt, "cond"), 0);
        assert_int_equal(attempt, 11);
        assert_int_equal(retry_wait(&r, &attempt, "cond"), -ETIMEDOUT);
        assert_int_equal(r.waits, 1);
        retry_done(&r);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_backoff_bounds),
                cmocka_unit_test(test_backoff_no_overflow),
                cmocka_unit_test(test_deadline),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
