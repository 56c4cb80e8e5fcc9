/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/arena.h"
#include "basic/base64.h"
#include "basic/buf.h"
#include "basic/compress.h"
#include "basic/strv.h"
#include "basic/utf8.h"
#include "gzip-test-helpers.h"

static void test_base64(void **state) {
        char *d;
        size_t n;

        assert_int_equal(base64_decode("aGVsbG8=", 8, &d, &n), 0);
        assert_int_equal(n, 5);
        assert_string_equal(d, "hello");
        free(d);
        assert_int_equal(base64_decode("aGVs\nbG8=\r\n", 11, &d, &n), 0);
        assert_string_equal(d, "hello");
        free(d);
        assert_int_equal(base64_decode("", 0, &d, &n), 0);
        assert_int_equal(n, 0);
        free(d);
        assert_int_equal(base64_decode("aGVsbG8", 7, &d, &n), -EBADMSG); /* padding required */
        assert_int_equal(base64_decode("aGV=bG8=", 8, &d, &n), -EBADMSG);
        assert_int_equal(base64_decode("a===", 4, &d, &n), -EBADMSG);
        assert_int_equal(base64_decode("!!!!", 4, &d, &n), -EBADMSG);

        char *e = base64_encode("hello", 5);
        assert_string_equal(e, "aGVsbG8=");
        free(e);
}

static void test_gunzip(void **state) {
        size_t na, nb;
        _cleanup_free_ char *a = gzip_repeat("hello ", 6, 1, &na), *b = gzip_repeat("world", 5, 1, &nb);
        char both[512];
        char *out;
        size_t n;

        assert_true(is_gzip(a, na));
        assert_int_equal(gunzip_buffer(a, na, 100, &out, &n), 0);
        assert_string_equal(out, "hello ");
        free(out);

        /* concatenated members are one stream */
        memcpy(both, a, na);
        memcpy(both + na, b, nb);
        assert_int_equal(gunzip_buffer(both, na + nb, 100, &out, &n), 0);
        assert_string_equal(out, "hello world");
        free(out);

        /* trailing garbage and truncation */
        both[na] = 'x';
        assert_int_equal(gunzip_buffer(both, na + 1, 100, &out, &n), -EBADMSG);
        assert_int_equal(gunzip_buffer(a, na - 4, 100, &out, &n), -EBADMSG);

        /* a bomb stops at the limit */
        size_t big = 8 * 1024 * 1024, nz;
        char *zeros = calloc(1, 1024 * 1024);
        char *z = gzip_repeat(zeros, 1024 * 1024, 8, &nz);
        assert_true(nz < 64 * 1024);
        assert_int_equal(gunzip_buffer(z, nz, 1024 * 1024, &out, &n), -EFBIG);
        assert_int_equal(gunzip_buffer(z, nz, big, &out, &n), 0);
        assert_int_equal(n, big);
        free(out);
        free(zeros);
        free(z);
}

static void test_utf8(void **state) {
        assert_int_equal(utf8_invalid_offset("abc", 3), 3);
        assert_int_equal(utf8_invalid_offset("a\xc3\xa9z", 4), 4);
        assert_int_equal(utf8_invalid_offset("a\xc3", 2), 1);           /* truncated */
        assert_int_equal(utf8_invalid_offset("a\xc0\xaf", 3), 1);       /* overlong */
        assert_int_equal(utf8_invalid_offset("\xed\xa0\x80", 3), 0);    /* surrogate */
        assert_int_equal(utf8_invalid_offset("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
        assert_int_equal(utf8_invalid_offset("\xf0\x9f\x98\x80", 4), 4);
}

static void test_buf_strv_arena(void **state) {
        Buf b = {};
        char *s = buf_steal(&b, NULL);
        assert_string_equal(s, "");
        free(s);
        assert_int_equal(buf_printf(&b, "%s-%d", "a", 1), 0);
        assert_int_equal(buf_puts(&b, "xyz"), 0);
        s = buf_steal(&b, NULL);
        assert_string_equal(s, "a-1xyz");
        free(s);

        char **l = NULL;
        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_extend(&l, "b"), 0);
        assert_true(strv_contains(l, "b"));
        s = strv_join(l, ",");
        assert_string_equal(s, "a,b");
        free(s);
        strv_free(l);

        Arena a = {};
        char *big = arena_alloc(&a, 200000);
        char *small = arena_strndup(&a, "hi", 2);
        assert_non_null(big);
        assert_string_equal(small, "hi");
        memset(big, 1, 200000);
        arena_done(&a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_base64),
                cmocka_unit_test(test_gunzip),
                cmocka_unit_test(test_utf8),
                cmocka_unit_test(test_buf_strv_arena),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
