/* SPDX-License-Identifier: Apache-2.0 */
/* Property test (issue 8): over generated documents and metadata values,
 * hostile and ordinary, substitution never changes the structure of the
 * YAML (../fuzz/substitute-structure.h says what that means). The fuzz
 * target fuzz-substitute checks the same property on mutated inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/buf.h"
#include "../fuzz/substitute-structure.h"

/* Places a token can stand in a cloud-config: keys, plain, quoted and block
 * scalars, flow collections, comments, URLs, directives. %s is the token. */
static const char * const contexts[] = {
        "k: %s\n",
        "%s: v\n",
        "%s\n",
        "- %s\n",
        "- %s x\n",
        "k: %s x: y\n",
        "k: [%s]\n",
        "k: [%s, a]\n",
        "k: {%s}\n",
        "k: {a: %s}\n",
        "k: {%s: a}\n",
        "{%s: [%s]}\n",
        "k: \"%s\"\n",
        "k: '%s'\n",
        "k: |\n  %s\n",
        "k: >\n  %s # x\n",
        "k: a%sb\n",
        "k: http://[%s]:2379\n",
        "k: %s:4001\n",
        "k: x # %s\n",
        "? %s\n: v\n",
        "k: !tag%s v\n",
        "k: [a:%s]\n",
        "%s%s: v\n",
        "k:%s\n",
        "  %s\n",
        "--- %s\n",
        "k: \\%s\n",
};

/* Values a datasource could hand over, sane and hostile. */
static const char * const pool[] = {
        "203.0.113.7", "10.0.0.5", "2001:db8::7", "fd00::5", "fe80::1:2", "::1", "::", "1::", "2001:db8::",
        "::ffff:1.2.3.4", "1.2.3.4", "node-1.example", "Host.Example.COM", "a", "q", "1", "i-0abc",
        "i-0123456789abcdef0", "4520117325718402303", "0d4c5b2a-9a3e-4f25-8c3b-1d2e3f4a5b6c",
        "x\ny: z", "a: b", "- x", "#c", "'", "\"", "{a: 1}", "[x]", "&a", "*a", "!!str", "|", ">", "...",
        "---", "? x", "@x", "`x", "%YAML", "a,b", "a b", "a:", ":a", "a\tb", "\\", "a\rb", "é", "",
        "null", "true", "<<", "i-1\ncoreos:\n  etcd2:\n    discovery: http://evil",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void) {
        /* xorshift64*: fixed seed, the same cases on every run */
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return (uint32_t) ((rng_state * 2685821657736338717ULL) >> 32);
}

static const char *random_token(void) {
        static const char * const tokens[] = {
                "$public_ipv4", "$private_ipv4", "$public_ipv6", "$private_ipv6", "$hostname", "$instance_id",
        };
        return tokens[rng() % ELEMENTSOF(tokens)];
}

static void test_property(void **state) {
        size_t compared = 0, refused = 0;

        for (unsigned iter = 0; iter < 20000; iter++) {
                SubstituteValues v = {};
                Buf doc = {};

                for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++) {
                        const char *p = pool[rng() % ELEMENTSOF(pool)];
                        v.values[t] = *p ? (char *) p : NULL;
                        refused += v.values[t] && substitute_value_problem(t, p);
                }

                assert_int_equal(buf_puts(&doc, "#cloud-config\n"), 0);
                for (unsigned lines = 1 + rng() % 4; lines > 0; lines--) {
                        const char *c = contexts[rng() % ELEMENTSOF(contexts)];
                        for (const char *h; (h = strstr(c, "%s")); c = h + 2) {
                                assert_int_equal(buf_append(&doc, c, (size_t) (h - c)), 0);
                                assert_int_equal(buf_puts(&doc, random_token()), 0);
                        }
                        assert_int_equal(buf_puts(&doc, c), 0);
                }

                int r = structure_check(doc.data, doc.len, &v);
                if (r < 0)
                        fail_msg("structure changed (%d) for:\n%s", r, doc.data);
                compared += r > 0;
                buf_done(&doc);
        }

        /* the property was exercised, with accepted and refused values */
        assert_true(compared > 5000);
        assert_true(refused > 10000);
}

/* The check can fail: were a value with a trailing ':' or a line break let
 * through, the tree would differ from the plain word's. */
static void test_check_detects(void **state) {
        static const struct {
                const char *with_value, *with_word;
        } changed[] = {
                { "k: a1:: b\n", "k: aqqq b\n" },
                { "k: [::1]\n", "k: [qqq]\n" },
                { "k: i-1\nx: y\n", "k: qqqqqqqqqq\n" },
                { "k: {a: 1:, b: c}\n", "k: {a: qq, b: c}\n" },
        };

        for (size_t i = 0; i < ELEMENTSOF(changed); i++) {
                YamlDoc a = {}, b = {};
                YamlError e;
                assert_int_equal(yaml_doc_parse(changed[i].with_word, strlen(changed[i].with_word), &b, &e), 0);
                if (yaml_doc_parse(changed[i].with_value, strlen(changed[i].with_value), &a, &e) >= 0) {
                        assert_false(structure_same(a.root, b.root, 0));
                        yaml_doc_done(&a);
                }
                yaml_doc_done(&b);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_check_detects),
                cmocka_unit_test(test_property),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
