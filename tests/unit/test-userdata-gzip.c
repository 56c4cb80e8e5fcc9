/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <zlib.h>

#include "gzip-test-helpers.h"
#include "basic/buf.h"
#include "userdata/gzip.h"
#include "userdata/userdata.h"

static char *gzip_string(const char *s, size_t *ret_size) {
        return gzip_repeat(s, strlen(s), 1, ret_size);
}

static void test_roundtrip(void **state) {
        DiagList diags = {};
        const char *text = "#cloud-config\nhostname: gz\n";
        size_t n, out_n = 0;
        char *gz = gzip_string(text, &n), *out = NULL;

        assert_true(n > 10);
        assert_int_equal(userdata_gunzip(gz, n, USERDATA_MAX_DECOMPRESSED, 7, &out, &out_n, &diags), 0);
        assert_int_equal(out_n, strlen(text));
        assert_string_equal(out, text);
        assert_int_equal(diags.n, 0);
        assert_int_equal(userdata_classify(gz, n), USER_DATA_GZIP);
        free(out);
        free(gz);
}

static void test_limit_boundary(void **state) {
        DiagList diags = {};
        char chunk[100];
        size_t n, out_n;
        char *out = NULL;

        memset(chunk, 'a', sizeof chunk);
        char *gz = gzip_repeat(chunk, sizeof chunk, 10, &n);

        /* exactly the limit is fine, one byte less is a bomb */
        assert_int_equal(userdata_gunzip(gz, n, 1000, 0, &out, &out_n, &diags), 0);
        assert_int_equal(out_n, 1000);
        free(out);
        out = NULL;
        assert_int_equal(userdata_gunzip(gz, n, 999, 3, &out, &out_n, &diags), -EFBIG);
        assert_null(out);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].kind, DIAG_ERROR);
        assert_int_equal(diags.items[0].line, 3);
        assert_non_null(strstr(diags.items[0].message, "more than 999 bytes"));
        diag_list_done(&diags);
        free(gz);
}

static void test_bomb(void **state) {
        DiagList diags = {};
        static char zeros[1024 * 1024];
        size_t n, out_n;
        char *out = NULL;

        /* 65 MiB of zeros in ~64 KiB: past USERDATA_MAX_DECOMPRESSED */
        char *gz = gzip_repeat(zeros, sizeof zeros, 65, &n);
        assert_true(n < 256 * 1024);

        assert_int_equal(userdata_gunzip(gz, n, USERDATA_MAX_DECOMPRESSED, 0, &out, &out_n, &diags), -EFBIG);
        assert_null(out);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 0);
        assert_non_null(strstr(diags.items[0].message, "gzip bomb"));
        diag_list_done(&diags);

        /* and through the front door */
        UserData u = { .n_parts = 42 };
        assert_int_equal(userdata_decode(gz, n, &u, &diags), -EFBIG);
        assert_int_equal(u.n_parts, 42); /* untouched */
        assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 1);
        diag_list_done(&diags);
        free(gz);
}

static void test_truncated(void **state) {
        DiagList diags = {};
        size_t n, out_n;
        char *gz = gzip_string("#cloud-config\nhostname: truncated\n", &n), *out = NULL;

        for (size_t cut = 1; cut < n; cut++) {
                assert_int_equal(userdata_gunzip(gz, cut, 1024, 5, &out, &out_n, &diags), -EBADMSG);
                assert_null(out);
        }
        assert_int_equal(diags.n, n - 1);
        assert_int_equal(diags.items[0].line, 5);
        assert_string_equal(diags.items[0].message, "gzip data is corrupt or truncated");
        diag_list_done(&diags);
        free(gz);
}

static void test_corrupt(void **state) {
        DiagList diags = {};
        size_t n, out_n;
        char *gz = gzip_string("#cloud-config\nhostname: corrupt\n", &n), *out = NULL;

        /* the CRC-32 in the trailer no longer matches */
        gz[n - 6] ^= 0x55;
        assert_int_equal(userdata_gunzip(gz, n, 1024, 0, &out, &out_n, &diags), -EBADMSG);
        assert_int_equal(diags.n, 1);
        diag_list_done(&diags);

        assert_int_equal(userdata_gunzip("not gzip", 8, 1024, 0, &out, &out_n, &diags), -EBADMSG);
        assert_int_equal(userdata_gunzip("\x1f\x8b", 2, 1024, 0, &out, &out_n, &diags), -EBADMSG);
        assert_int_equal(diags.n, 2);
        diag_list_done(&diags);
        free(gz);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_limit_boundary),
                cmocka_unit_test(test_bomb),
                cmocka_unit_test(test_truncated),
                cmocka_unit_test(test_corrupt),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
