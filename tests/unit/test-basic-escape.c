/* SPDX-License-Identifier: Apache-2.0 */
/* basic/escape.h and basic/json-writer.h: no byte of a value can start a
 * line, move the cursor or break a JSON document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/escape.h"
#include "basic/json-writer.h"

static void check_text(const char *in, const char *want) {
        _cleanup_free_ char *t = escape_text(in);
        assert_non_null(t);
        assert_string_equal(t, want);
}

static void test_escape_text(void **state) {
        check_text("plain text, tab\there, back\\slash, é ü 日本", "plain text, tab\there, back\\slash, é ü 日本");
        check_text("a\nb", "a\\nb");
        check_text("\a\b\v\f\r", "\\a\\b\\v\\f\\r");
        check_text("\x1b]0;owned\x07", "\\x1b]0;owned\\a");
        check_text("\x7f", "\\x7f");
        /* C1 CSI (U+009B) and NEL (U+0085), valid UTF-8 but terminal controls */
        check_text("x\xc2\x9b" "2Jy\xc2\x85", "x\\u009b2Jy\\u0085");
        /* bidi override and line separator */
        check_text("a\xe2\x80\xae" "b\xe2\x80\xa8", "a\\u202eb\\u2028");
        /* not UTF-8: lone continuation, overlong '/', surrogate, truncated */
        check_text("\x80", "\\x80");
        check_text("\xc0\xaf", "\\xc0\\xaf");
        check_text("\xed\xa0\x80", "\\xed\\xa0\\x80");
        check_text("ok\xe6\x97", "ok\\xe6\\x97");
        check_text(NULL, "(null)");

        assert_true(escape_is_clean("hello\tworld", 11));
        assert_false(escape_is_clean("a\0b", 3));
        assert_false(escape_is_clean("a\nb", 3));
}

static char *capture(void (*fn)(FILE *f)) {
        char *data = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&data, &size);
        assert_non_null(f);
        fn(f);
        assert_int_equal(fclose(f), 0);
        return data;
}

static void print_forged(FILE *f) {
        assert_int_equal(escape_fprintf(f, "file:1:2: error: %s\n", "bad\nfile:9:9: error: forged"), 0);
        assert_int_equal(escape_fprintf(f, "no newline %s", "\r"), 0);
        assert_int_equal(escape_fputs("diff\n+a\x1b[2J\n", f, true), 0);
}

static void test_escape_fprintf(void **state) {
        _cleanup_free_ char *out = capture(print_forged);
        assert_string_equal(out, "file:1:2: error: bad\\nfile:9:9: error: forged\n"
                                 "no newline \\r"
                                 "diff\n+a\\x1b[2J\n");
}

static void test_escape_json(void **state) {
        _cleanup_(buf_done) Buf b = {};
        static const char in[] = "q\"b\\s/\n\t\x01\x1b\x7f\xc2\x9b\xe2\x80\xae\xff é";

        assert_int_equal(escape_json_append(&b, in, sizeof in - 1), 0);
        assert_string_equal(b.data, "\"q\\\"b\\\\s/\\n\\t\\u0001\\u001b\\u007f\\u009b\\u202e\\\\xff é\"");
}

static void write_doc(FILE *f) {
        _cleanup_(json_writer_done) JsonWriter w = { .f = f };
        json_writer_object_begin(&w, NULL);
        json_writer_string(&w, "name", "a\nb");
        json_writer_string(&w, "none", NULL);
        json_writer_int(&w, "n", -5);
        json_writer_bool(&w, "yes", true);
        json_writer_array_begin(&w, "empty");
        json_writer_array_end(&w);
        json_writer_object_begin(&w, "nothing");
        json_writer_object_end(&w);
        json_writer_array_begin(&w, "list");
        json_writer_object_begin(&w, NULL);
        json_writer_int(&w, "x", 1);
        json_writer_object_end(&w);
        json_writer_string(&w, NULL, "s");
        json_writer_array_end(&w);
        json_writer_object_end(&w);
        assert_int_equal(json_writer_finish(&w), 0);
}

static void unbalanced(FILE *f) {
        _cleanup_(json_writer_done) JsonWriter w = { .f = f };
        json_writer_array_begin(&w, NULL);
        assert_int_equal(json_writer_finish(&w), -EINVAL);

        JsonWriter w2 = { .f = f };
        json_writer_array_end(&w2);
        assert_int_equal(json_writer_finish(&w2), -EINVAL);
}

static void test_json_writer(void **state) {
        _cleanup_free_ char *out = capture(write_doc);
        /* json-c's PRETTY|SPACED layout, which the reports had before */
        assert_string_equal(out, "{\n"
                                 "  \"name\": \"a\\nb\",\n"
                                 "  \"none\": null,\n"
                                 "  \"n\": -5,\n"
                                 "  \"yes\": true,\n"
                                 "  \"empty\": [ ],\n"
                                 "  \"nothing\": { },\n"
                                 "  \"list\": [\n"
                                 "    {\n"
                                 "      \"x\": 1\n"
                                 "    },\n"
                                 "    \"s\"\n"
                                 "  ]\n"
                                 "}\n");
        free(capture(unbalanced));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape_text),
                cmocka_unit_test(test_escape_fprintf),
                cmocka_unit_test(test_escape_json),
                cmocka_unit_test(test_json_writer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
