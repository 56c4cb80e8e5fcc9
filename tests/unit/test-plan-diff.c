/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/plan.h"

static char *diff(const char *a, const char *b) {
        char *out = NULL;
        assert_int_equal(unified_diff("f", a, a ? strlen(a) : 0, b, strlen(b), &out), 0);
        return out;
}

#define assert_diff(a, b, expected) do { char *_d = diff(a, b); assert_string_equal(_d, expected); free(_d); } while (0)

static void test_create_and_equal(void **state) {
        assert_diff(NULL, "a\nb\n", "--- f\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        assert_diff("same\n", "same\n", "");
        assert_diff("x\n", "", "--- f\n+++ f\n@@ -1 +0,0 @@\n-x\n");
}

static void test_change_in_middle(void **state) {
        assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
                    "--- f\n+++ f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_two_hunks(void **state) {
        assert_diff("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
                    "--- f\n+++ f\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n");
}

static void test_insert_and_no_newline(void **state) {
        assert_diff("a\nc\n", "a\nb\nc\n", "--- f\n+++ f\n@@ -1,2 +1,3 @@\n a\n+b\n c\n");
        assert_diff("k=v", "k=v\n", "--- f\n+++ f\n@@ -1 +1 @@\n-k=v\n\\ No newline at end of file\n+k=v\n");
}

static void test_binary(void **state) {
        char *out = NULL;
        assert_int_equal(unified_diff("bin", "a\0b", 3, "xyz", 3, &out), 0);
        assert_non_null(strstr(out, "Binary content of bin differs"));
        free(out);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_create_and_equal),
                cmocka_unit_test(test_change_in_middle),
                cmocka_unit_test(test_two_hunks),
                cmocka_unit_test(test_insert_and_no_newline),
                cmocka_unit_test(test_binary),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
