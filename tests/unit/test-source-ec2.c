/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "basic/strv.h"
#include "source/source-internal.h"

static void test_key_listing(void **state) {
        Ec2Key *k = NULL;
        size_t n = 99;
        char *bad = NULL;

        assert_int_equal(ec2_parse_key_listing("0=my-key", &k, &n, &bad), 0);
        assert_int_equal(n, 1);
        assert_int_equal(k[0].index, 0);
        assert_string_equal(k[0].name, "my-key");
        ec2_keys_free(k, n);

        /* Sorted by index; CRLF and trailing newline tolerated; '=' allowed in names. */
        assert_int_equal(ec2_parse_key_listing("10=ten\r\n2=two=2\n0=zero\n\n", &k, &n, &bad), 0);
        assert_int_equal(n, 3);
        assert_int_equal(k[0].index, 0);
        assert_string_equal(k[0].name, "zero");
        assert_int_equal(k[1].index, 2);
        assert_string_equal(k[1].name, "two=2");
        assert_int_equal(k[2].index, 10);
        ec2_keys_free(k, n);

        assert_int_equal(ec2_parse_key_listing("", &k, &n, &bad), 0);
        assert_int_equal(n, 0);
        ec2_keys_free(k, n);
}

static void test_key_listing_malformed(void **state) {
        static const char *const bad_inputs[] = {
                "0/",                   /* AEMM's generic listing */
                "my-key",
                "=name",
                "x=name",
                "0=",
                "-1=name",
                "0=a\n0=b",             /* duplicate index */
                "99999=name",
                "0=../../x",
                "0=a\x01",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad_inputs); i++) {
                Ec2Key *k = NULL;
                size_t n = 0;
                char *bad = NULL;

                assert_int_equal(ec2_parse_key_listing(bad_inputs[i], &k, &n, &bad), -EBADMSG);
                assert_non_null(bad);
                free(bad);
        }
}

static void test_shapes(void **state) {
        assert_true(metadata_is_ipv4("10.0.0.1"));
        assert_false(metadata_is_ipv4("10.0.0.256"));
        assert_false(metadata_is_ipv4("10.0.0.1 "));
        assert_false(metadata_is_ipv4("::1"));
        assert_false(metadata_is_ipv4(""));
        assert_false(metadata_is_ipv4(NULL));
        assert_true(metadata_is_ipv6("2001:db8::1"));
        assert_false(metadata_is_ipv6("1.2.3.4"));
        assert_true(metadata_is_hostname("ip-172-16-34-43.ec2.internal"));
        assert_true(metadata_is_hostname("node_1"));
        assert_false(metadata_is_hostname("a b"));
        assert_false(metadata_is_hostname("a\tb"));
        assert_false(metadata_is_hostname("-a"));
        assert_false(metadata_is_hostname(""));
        assert_false(metadata_is_hostname("a\x7f"));
        assert_true(metadata_is_word("i-1234567890abcdef0", 64));
        assert_false(metadata_is_word("i-1 2", 64));
        assert_false(metadata_is_word("abc", 2));
        assert_true(metadata_is_line("ssh-ed25519 AAAA key"));
        assert_false(metadata_is_line("a\rb"));
}

static void test_first_line(void **state) {
        char a[] = "ssh-rsa AAAA x \r\nsecond\n", b[] = "  ", c[] = "one";

        assert_string_equal(metadata_first_line(a), "ssh-rsa AAAA x");
        assert_string_equal(metadata_first_line(b), "");
        assert_string_equal(metadata_first_line(c), "one");
}

static void test_add_key(void **state) {
        _cleanup_(metadata_done) Metadata m = {};

        assert_int_equal(metadata_add_key(&m, "a", "k1"), 0);
        assert_int_equal(metadata_add_key(&m, NULL, "k2"), 0);
        assert_int_equal(strv_length(m.ssh_public_keys), 2);
        assert_int_equal(strv_length(m.ssh_key_names), 2);
        assert_string_equal(m.ssh_key_names[1], "");

        assert_int_equal(metadata_set_checked(&m.private_ipv4, "1.2.3.4", metadata_is_ipv4), 0);
        assert_int_equal(metadata_set_checked(&m.private_ipv4, "nope", metadata_is_ipv4), -EBADMSG);
        assert_string_equal(m.private_ipv4, "1.2.3.4");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_key_listing),
                cmocka_unit_test(test_key_listing_malformed),
                cmocka_unit_test(test_shapes),
                cmocka_unit_test(test_first_line),
                cmocka_unit_test(test_add_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
