/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "userdata/substitute.h"

static const SubstituteValues all = {
        .values = {
                [SUBSTITUTE_PUBLIC_IPV4] = (char *) "203.0.113.7",
                [SUBSTITUTE_PRIVATE_IPV4] = (char *) "10.0.0.5",
                [SUBSTITUTE_PUBLIC_IPV6] = (char *) "2001:db8::7",
                [SUBSTITUTE_PRIVATE_IPV6] = (char *) "fd00::5",
                [SUBSTITUTE_HOSTNAME] = (char *) "node-1.example",
                [SUBSTITUTE_INSTANCE_ID] = (char *) "i-0abc",
        },
};

/* Substitutes and compares; returns the number of diagnostics. */
static size_t check(const char *in, const SubstituteValues *v, const char *expected) {
        DiagList diags = {};
        char *out = NULL;
        size_t n = 0;

        assert_int_equal(userdata_substitute(in, strlen(in), v, 0, &out, &n, &diags), 0);
        assert_string_equal(out, expected);
        assert_int_equal(n, strlen(expected));
        free(out);
        size_t k = diags.n;
        diag_list_done(&diags);
        return k;
}

static void test_tokens(void **state) {
        assert_int_equal(check("$public_ipv4 $private_ipv4 $public_ipv6 $private_ipv6 $hostname $instance_id", &all,
                               "203.0.113.7 10.0.0.5 2001:db8::7 fd00::5 node-1.example i-0abc"), 0);
        assert_int_equal(check("addr: http://$private_ipv4:4001\n", &all, "addr: http://10.0.0.5:4001\n"), 0);
        assert_int_equal(check("", &all, ""), 0);
        assert_int_equal(check("no variables here $ $$ $unknown $PUBLIC_IPV4 $public_ipv", &all,
                               "no variables here $ $$ $unknown $PUBLIC_IPV4 $public_ipv"), 0);
        assert_int_equal(check("$$private_ipv4", &all, "$10.0.0.5"), 0);
        assert_int_equal(check("$", &all, "$"), 0);
}

static void test_no_word_boundary(void **state) {
        assert_int_equal(check("$public_ipv4x", &all, "203.0.113.7x"), 0);
        assert_int_equal(check("x$hostname_y", &all, "xnode-1.example_y"), 0);
}

static void test_adjacent(void **state) {
        /* coreos-cloudinit replaced only the first of these */
        assert_int_equal(check("$private_ipv4$private_ipv4", &all, "10.0.0.510.0.0.5"), 0);
        assert_int_equal(check("$public_ipv4$private_ipv4$hostname", &all, "203.0.113.710.0.0.5node-1.example"), 0);
        assert_int_equal(check("\\$private_ipv4$private_ipv4", &all, "$private_ipv410.0.0.5"), 0);
}

static void test_escapes(void **state) {
        assert_int_equal(check("\\$private_ipv4", &all, "$private_ipv4"), 0);
        assert_int_equal(check("a \\$public_ipv6 b", &all, "a $public_ipv6 b"), 0);
        assert_int_equal(check("\\\\$private_ipv4", &all, "\\$private_ipv4"), 0);
        assert_int_equal(check("\\\\\\$private_ipv4", &all, "\\\\$private_ipv4"), 0);
        /* only tokens are escapable */
        assert_int_equal(check("\\$test \\$ \\\\", &all, "\\$test \\$ \\\\"), 0);
        /* a value is not scanned again: one with '$' or '\' in it is no
         * host name and is not substituted at all */
        SubstituteValues tricky = { .values = { [SUBSTITUTE_HOSTNAME] = (char *) "\\$instance_id$hostname" } };
        assert_int_equal(check("$hostname", &tricky, ""), 1);
        /* an escaped token needs no value */
        assert_int_equal(check("\\$instance_id", &(SubstituteValues) {}, "$instance_id"), 0);
}

static void test_missing(void **state) {
        const char *in = "#cloud-config\n"
                "coreos:\n"
                "  etcd2:\n"
                "    listen: http://$private_ipv4:2379,http://$public_ipv4:2379\n"
                "é: $hostname\r\n";
        SubstituteValues some = { .values = { [SUBSTITUTE_PUBLIC_IPV4] = (char *) "1.2.3.4" } };
        DiagList diags = {};
        char *out = NULL;
        size_t n;

        assert_int_equal(userdata_substitute(in, strlen(in), &some, 0, &out, &n, &diags), 0);
        assert_string_equal(out, "#cloud-config\n"
                            "coreos:\n"
                            "  etcd2:\n"
                            "    listen: http://:2379,http://1.2.3.4:2379\n"
                            "é: \r\n");
        free(out);
        assert_int_equal(diags.n, 2);
        assert_int_equal(diags.items[0].kind, DIAG_WARNING);
        assert_int_equal(diags.items[0].line, 4);
        assert_int_equal(diags.items[0].column, 20);
        assert_string_equal(diags.items[0].message, "variable $private_ipv4 has no value; substituted an empty string");
        assert_int_equal(diags.items[1].line, 5);
        assert_int_equal(diags.items[1].column, 4); /* "é" is one character */
        assert_string_equal(diags.items[1].message, "variable $hostname has no value; substituted an empty string");
        diag_list_done(&diags);

        /* every occurrence is reported, adjacent ones too */
        assert_int_equal(userdata_substitute("$instance_id$instance_id", 24, NULL, 0, &out, &n, &diags), 0);
        assert_string_equal(out, "");
        assert_int_equal(n, 0);
        free(out);
        assert_int_equal(diags.n, 2);
        assert_int_equal(diags.items[0].column, 1);
        assert_int_equal(diags.items[1].column, 13);
        diag_list_done(&diags);

        /* no list: no warnings, same output */
        assert_int_equal(userdata_substitute("x$hostname", 10, NULL, 0, &out, &n, NULL), 0);
        assert_string_equal(out, "x");
        free(out);
}

static void test_binary(void **state) {
        const char in[] = "a\0$private_ipv4\0b";
        char *out = NULL;
        size_t n;

        assert_int_equal(userdata_substitute(in, sizeof in - 1, &all, 0, &out, &n, NULL), 0);
        assert_int_equal(n, 2 + strlen("10.0.0.5") + 2);
        assert_memory_equal(out, "a\0" "10.0.0.5" "\0b", n + 1);
        free(out);

        /* a token cut off by the length is no token */
        assert_int_equal(userdata_substitute("$hostnameXYZ", 8, &all, 0, &out, &n, NULL), 0);
        assert_string_equal(out, "$hostnam");
        free(out);
}

static void test_token_strings(void **state) {
        assert_string_equal(substitute_token_to_string(SUBSTITUTE_PRIVATE_IPV4), "private_ipv4");
        assert_int_equal(substitute_token_from_string("instance_id"), SUBSTITUTE_INSTANCE_ID);
        assert_int_equal(substitute_token_from_string("$hostname"), _SUBSTITUTE_TOKEN_INVALID);
        assert_null(substitute_token_to_string(_SUBSTITUTE_TOKEN_MAX));
        assert_string_equal(substitute_token_env(SUBSTITUTE_PUBLIC_IPV6), "COREOS_PUBLIC_IPV6");
        assert_null(substitute_token_env(SUBSTITUTE_HOSTNAME));
        assert_null(substitute_token_env(SUBSTITUTE_INSTANCE_ID));
}

static void clear_env(void) {
        for (SubstituteToken t = 0; t < _SUBSTITUTE_TOKEN_MAX; t++)
                if (substitute_token_env(t))
                        unsetenv(substitute_token_env(t));
        unsetenv("COREOS_HOSTNAME");
        unsetenv("COREOS_INSTANCE_ID");
}

static void test_values_precedence(void **state) {
        Metadata md = {
                .public_ipv4 = (char *) "198.51.100.1",
                .private_ipv4 = NULL,
                .public_ipv6 = (char *) "",
                .hostname = (char *) "md-host",
        };
        SubstituteValues v = {};

        clear_env();
        setenv("COREOS_PUBLIC_IPV4", "192.0.2.99", 1);   /* loses to metadata */
        setenv("COREOS_PRIVATE_IPV4", "10.1.1.1", 1);    /* fills the gap */
        setenv("COREOS_PUBLIC_IPV6", "2001:DB8::0001", 1); /* "" in metadata is no value; env kept verbatim */
        setenv("COREOS_PRIVATE_IPV6", "", 1);            /* empty is no value */
        setenv("COREOS_HOSTNAME", "env-host", 1);        /* not a thing */
        setenv("COREOS_INSTANCE_ID", "i-env", 1);

        assert_int_equal(substitute_values_from_metadata(&md, &v), 0);
        assert_string_equal(v.values[SUBSTITUTE_PUBLIC_IPV4], "198.51.100.1");
        assert_string_equal(v.values[SUBSTITUTE_PRIVATE_IPV4], "10.1.1.1");
        assert_string_equal(v.values[SUBSTITUTE_PUBLIC_IPV6], "2001:DB8::0001");
        assert_null(v.values[SUBSTITUTE_PRIVATE_IPV6]);
        assert_string_equal(v.values[SUBSTITUTE_HOSTNAME], "md-host");
        assert_null(v.values[SUBSTITUTE_INSTANCE_ID]);

        DiagList diags = {};
        char *out = NULL;
        size_t n;
        const char *in = "$public_ipv4 $private_ipv4 $private_ipv6 $hostname";
        assert_int_equal(userdata_substitute(in, strlen(in), &v, 0, &out, &n, &diags), 0);
        assert_string_equal(out, "198.51.100.1 10.1.1.1  md-host");
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].column, 28);
        free(out);
        diag_list_done(&diags);
        substitute_values_done(&v);
        assert_null(v.values[SUBSTITUTE_HOSTNAME]);

        /* no metadata at all: the environment */
        assert_int_equal(substitute_values_from_metadata(NULL, &v), 0);
        assert_string_equal(v.values[SUBSTITUTE_PUBLIC_IPV4], "192.0.2.99");
        assert_null(v.values[SUBSTITUTE_HOSTNAME]);
        substitute_values_done(&v);
        clear_env();
}

static void test_values_format(void **state) {
        Metadata md = {
                .public_ipv4 = (char *) "::ffff:192.0.2.1",
                .private_ipv4 = (char *) "not an address",
                .public_ipv6 = (char *) "2001:0DB8:0000:0000:0000:0000:0000:0001",
                .private_ipv6 = (char *) "fe80:0:0:1:0:0:0:1",
                .hostname = (char *) "Host.Example.COM",
                .instance_id = (char *) "i-0123456789abcdef0",
        };
        SubstituteValues v = {};

        clear_env();
        assert_int_equal(substitute_values_from_metadata(&md, &v), 0);
        assert_string_equal(v.values[SUBSTITUTE_PUBLIC_IPV4], "192.0.2.1");
        /* not taken at all, and substitution says why */
        assert_null(v.values[SUBSTITUTE_PRIVATE_IPV4]);
        assert_string_equal(v.refused[SUBSTITUTE_PRIVATE_IPV4], "is not an IPv4 address");
        DiagList diags = {};
        char *out = NULL;
        size_t n;
        assert_int_equal(userdata_substitute("a: $private_ipv4", 16, &v, 0, &out, &n, &diags), 0);
        assert_string_equal(out, "a: ");
        assert_int_equal(diags.n, 1);
        assert_string_equal(diags.items[0].message,
                            "variable $private_ipv4 not substituted: its value is not an IPv4 address; substituted an empty string");
        free(out);
        diag_list_done(&diags);
        assert_string_equal(v.values[SUBSTITUTE_PUBLIC_IPV6], "2001:db8::1");
        /* the longest zero run is compressed, not the first */
        assert_string_equal(v.values[SUBSTITUTE_PRIVATE_IPV6], "fe80:0:0:1::1");
        assert_string_equal(v.values[SUBSTITUTE_HOSTNAME], "Host.Example.COM");
        assert_string_equal(v.values[SUBSTITUTE_INSTANCE_ID], "i-0123456789abcdef0");
        substitute_values_done(&v);

        static const struct {
                const char *in, *out;
        } v6[] = {
                /* Go's form begins or ends with ':' here: refused (NULL) */
                { "::", NULL },
                { "::1", NULL },
                { "1::", NULL },
                { "::1:2", NULL },                         /* not "::0.1.0.2" either */
                { "fd00:ABCD::", NULL },
                { "1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0" }, /* single zeros stay */
                { "1:0:0:2:0:0:3:4", "1::2:0:0:3:4" },    /* first of equal runs */
                { "fd00:ABCD::1", "fd00:abcd::1" },
                { "10.0.0.1", "10.0.0.1" },
                { "::ffff:10.0.0.1", "10.0.0.1" },
        };
        for (size_t i = 0; i < ELEMENTSOF(v6); i++) {
                Metadata m = { .private_ipv6 = (char *) v6[i].in };
                assert_int_equal(substitute_values_from_metadata(&m, &v), 0);
                if (v6[i].out) {
                        assert_string_equal(v.values[SUBSTITUTE_PRIVATE_IPV6], v6[i].out);
                        assert_null(v.refused[SUBSTITUTE_PRIVATE_IPV6]);
                } else {
                        assert_null(v.values[SUBSTITUTE_PRIVATE_IPV6]);
                        assert_string_equal(v.refused[SUBSTITUTE_PRIVATE_IPV6],
                                            "begins or ends with ':', which YAML could read as syntax");
                }
                substitute_values_done(&v);
        }
}

/* Every value is checked for what it is before it can reach the YAML
 * (issue 8: an instance id with a newline added ETCD_DISCOVERY to the
 * etcd2 drop-in). */
static void test_shapes(void **state) {
        static const struct {
                SubstituteToken t;
                const char *value;
                bool ok;
        } cases[] = {
                { SUBSTITUTE_PUBLIC_IPV4, "203.0.113.7", true },
                { SUBSTITUTE_PUBLIC_IPV4, "203.0.113.7\nx: y", false },
                { SUBSTITUTE_PUBLIC_IPV4, "2001:db8::1", false },
                { SUBSTITUTE_PRIVATE_IPV4, "10.0.0.256", false },
                { SUBSTITUTE_PRIVATE_IPV4, "10.0.0.5 ", false },
                { SUBSTITUTE_PUBLIC_IPV6, "2001:db8::7", true },
                { SUBSTITUTE_PUBLIC_IPV6, "2001:db8::7%eth0", false },
                { SUBSTITUTE_PRIVATE_IPV6, "fd00::5]", false },
                { SUBSTITUTE_PRIVATE_IPV6, "::1", false },
                { SUBSTITUTE_HOSTNAME, "node-1.example", true },
                { SUBSTITUTE_HOSTNAME, "Host.Example.COM", true },
                { SUBSTITUTE_HOSTNAME, "a", true },
                { SUBSTITUTE_HOSTNAME, "1.2.3.4", true },
                { SUBSTITUTE_HOSTNAME, "node\x1b]0;pwned\x07", false },
                { SUBSTITUTE_HOSTNAME, "node.example.", false },
                { SUBSTITUTE_HOSTNAME, ".node", false },
                { SUBSTITUTE_HOSTNAME, "a..b", false },
                { SUBSTITUTE_HOSTNAME, "-a.b", false },
                { SUBSTITUTE_HOSTNAME, "a-.b", false },
                { SUBSTITUTE_HOSTNAME, "a_b", false },
                { SUBSTITUTE_HOSTNAME, "a b", false },
                { SUBSTITUTE_HOSTNAME, "a:b", false },
                { SUBSTITUTE_HOSTNAME, "", false },
                { SUBSTITUTE_HOSTNAME, "a234567890123456789012345678901234567890123456789012345678901234.b", false },
                { SUBSTITUTE_HOSTNAME, "a23456789012345678901234567890123456789012345678901234567890123.b", true },
                { SUBSTITUTE_INSTANCE_ID, "i-0123456789abcdef0", true },
                { SUBSTITUTE_INSTANCE_ID, "i-0abc\nkey: value", false },
                { SUBSTITUTE_INSTANCE_ID, "i-0ABC", false },
                { SUBSTITUTE_INSTANCE_ID, "i-", false },
                { SUBSTITUTE_INSTANCE_ID, "i-xyz", false },
                { SUBSTITUTE_INSTANCE_ID, "4520117325718402303", true },      /* GCE */
                { SUBSTITUTE_INSTANCE_ID, "0d4c5b2a-9a3e-4f25-8c3b-1d2e3f4a5b6c", true }, /* OpenStack */
                { SUBSTITUTE_INSTANCE_ID, "node_1.a-b", true },
                { SUBSTITUTE_INSTANCE_ID, "-x", false },
                { SUBSTITUTE_INSTANCE_ID, ".x", false },
                { SUBSTITUTE_INSTANCE_ID, "x y", false },
                { SUBSTITUTE_INSTANCE_ID, "x#y", false },
                { SUBSTITUTE_INSTANCE_ID, "x:y", false },
                { SUBSTITUTE_INSTANCE_ID, "x'y", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *why = substitute_value_problem(cases[i].t, cases[i].value);
                if ((why == NULL) != cases[i].ok)
                        fail_msg("%s=\"%s\": %s", substitute_token_to_string(cases[i].t), cases[i].value,
                                 why ?: "accepted");

                /* the same at substitution, whoever filled the values */
                SubstituteValues v = {};
                DiagList diags = {};
                char *out = NULL;
                size_t n;
                char in[32];
                v.values[cases[i].t] = (char *) cases[i].value;
                snprintf(in, sizeof in, "k: $%s", substitute_token_to_string(cases[i].t));
                assert_int_equal(userdata_substitute(in, strlen(in), &v, 0, &out, &n, &diags), 0);
                if (cases[i].ok) {
                        assert_string_equal(out + 3, cases[i].value);
                        assert_int_equal(diags.n, 0);
                } else {
                        assert_string_equal(out, "k: ");
                        assert_int_equal(diags.n, 1);
                        assert_non_null(strstr(diags.items[0].message, why));
                }
                free(out);
                diag_list_done(&diags);
        }
}

/* From metadata, a refused value is not taken: nothing built from the
 * values (COREOS_* in /etc/environment) can carry it either. */
static void test_refused_not_taken(void **state) {
        Metadata md = {
                .instance_id = (char *) "i-1\ncoreos:\n  etcd2:\n    discovery: http://evil",
                .hostname = (char *) "ok.example",
        };
        SubstituteValues v = {};

        clear_env();
        setenv("COREOS_PUBLIC_IPV4", "1.2.3.4\nFOO=bar", 1);
        assert_int_equal(substitute_values_from_metadata(&md, &v), 0);
        assert_null(v.values[SUBSTITUTE_INSTANCE_ID]);
        assert_non_null(v.refused[SUBSTITUTE_INSTANCE_ID]);
        assert_null(v.values[SUBSTITUTE_PUBLIC_IPV4]);
        assert_string_equal(v.refused[SUBSTITUTE_PUBLIC_IPV4], "is not an IPv4 address");
        assert_string_equal(v.values[SUBSTITUTE_HOSTNAME], "ok.example");

        DiagList diags = {};
        char *out = NULL;
        size_t n;
        const char *in = "#cloud-config\nhostname: $hostname-$instance_id\n";
        assert_int_equal(userdata_substitute(in, strlen(in), &v, 0, &out, &n, &diags), 0);
        assert_string_equal(out, "#cloud-config\nhostname: ok.example-\n");
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 2);
        assert_int_equal(diags.items[0].column, 21);
        assert_non_null(strstr(diags.items[0].message, "variable $instance_id not substituted: its value is not an instance id"));
        free(out);
        diag_list_done(&diags);
        substitute_values_done(&v);
        clear_env();
}

/* A cloud-config's comments are substituted (the bytes are coreos-cloudinit's)
 * but draw no warning: CoreOS's own template says "# multi-region and
 * multi-cloud deployments need to use $public_ipv4", and a node without a
 * public address (a private VPC subnet) would warn about a comment, which
 * --strict turns into an error. A '#' in a block scalar or a quoted string
 * is not a comment. */
static void test_yaml_comments(void **state) {
        const char *in = "#cloud-config\n"
                         "# top: $hostname\n"
                         "coreos:\n"
                         "  etcd2:\n"
                         "    # multi-region deployments need to use $public_ipv4\n"
                         "    advertise-client-urls: http://$private_ipv4:2379 # not $public_ipv6\n"
                         "write_files:\n"
                         "  - path: /x\n"
                         "    content: |\n"
                         "      # in a script: $instance_id\n"
                         "  - path: \"/y#$private_ipv6\"\n";
        DiagList diags = {};
        _cleanup_free_ char *out = NULL, *plain = NULL;
        size_t n;

        assert_int_equal(userdata_substitute(in, strlen(in), NULL, SUBSTITUTE_YAML, &out, &n, &diags), 0);
        assert_null(strchr(out, '$'));
        assert_int_equal(diags.n, 3);
        assert_int_equal(diags.items[0].line, 6);
        assert_int_equal(diags.items[0].column, 35);
        assert_string_equal(diags.items[0].message, "variable $private_ipv4 has no value; substituted an empty string");
        assert_int_equal(diags.items[1].line, 10);
        assert_string_equal(diags.items[1].message, "variable $instance_id has no value; substituted an empty string");
        assert_int_equal(diags.items[2].line, 11);
        assert_string_equal(diags.items[2].message, "variable $private_ipv6 has no value; substituted an empty string");
        diag_list_done(&diags);

        /* the same bytes, not YAML (a script): every one is reported */
        assert_int_equal(userdata_substitute(in, strlen(in), NULL, 0, &plain, &n, &diags), 0);
        assert_string_equal(plain, out);
        assert_int_equal(diags.n, 6);
        diag_list_done(&diags);

        /* not YAML after all: nothing is left unsaid */
        free(out);
        out = NULL;
        assert_int_equal(userdata_substitute("a: [b # $hostname\n", 19, NULL, SUBSTITUTE_YAML, &out, &n, &diags), 0);
        assert_int_equal(diags.n, 1);
        diag_list_done(&diags);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tokens),
                cmocka_unit_test(test_no_word_boundary),
                cmocka_unit_test(test_adjacent),
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_missing),
                cmocka_unit_test(test_yaml_comments),
                cmocka_unit_test(test_binary),
                cmocka_unit_test(test_token_strings),
                cmocka_unit_test(test_values_precedence),
                cmocka_unit_test(test_values_format),
                cmocka_unit_test(test_shapes),
                cmocka_unit_test(test_refused_not_taken),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
