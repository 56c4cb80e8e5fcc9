/* SPDX-License-Identifier: Apache-2.0 */
#include "config-test-helpers.h"
#include "config/yaml-tree.h"

static void test_resolve_plain(void **state) {
        bool b;
        int64_t i;
        double f;

        assert_int_equal(yaml_resolve_plain("", 0, &b, &i, &f), SCALAR_NULL);
        assert_int_equal(yaml_resolve_plain("~", 1, &b, &i, &f), SCALAR_NULL);
        assert_int_equal(yaml_resolve_plain("yes", 3, &b, &i, &f), SCALAR_BOOL);
        assert_true(b);
        assert_int_equal(yaml_resolve_plain("Off", 3, &b, &i, &f), SCALAR_BOOL);
        assert_false(b);
        assert_int_equal(yaml_resolve_plain("0744", 4, &b, &i, &f), SCALAR_INT);
        assert_int_equal(i, 0744);
        assert_int_equal(yaml_resolve_plain("0x1F", 4, &b, &i, &f), SCALAR_INT);
        assert_int_equal(i, 31);
        assert_int_equal(yaml_resolve_plain("0b101", 5, &b, &i, &f), SCALAR_INT);
        assert_int_equal(i, 5);
        assert_int_equal(yaml_resolve_plain("1_000", 5, &b, &i, &f), SCALAR_INT);
        assert_int_equal(i, 1000);
        assert_int_equal(yaml_resolve_plain("-7", 2, &b, &i, &f), SCALAR_INT);
        assert_int_equal(i, -7);
        assert_int_equal(yaml_resolve_plain("0.5", 3, &b, &i, &f), SCALAR_FLOAT);
        assert_true(f == 0.5);
        assert_int_equal(yaml_resolve_plain("1e+08", 5, &b, &i, &f), SCALAR_FLOAT);
        assert_int_equal(yaml_resolve_plain("08", 2, &b, &i, &f), SCALAR_FLOAT); /* not octal, go-yaml: float */
        assert_int_equal(yaml_resolve_plain(".inf", 4, &b, &i, &f), SCALAR_FLOAT);
        assert_int_equal(yaml_resolve_plain("1.2.3", 5, &b, &i, &f), SCALAR_STRING);
        assert_int_equal(yaml_resolve_plain("10.0.0.1:4001", 13, &b, &i, &f), SCALAR_STRING);
        assert_int_equal(yaml_resolve_plain("true1", 5, &b, &i, &f), SCALAR_STRING);
        assert_int_equal(yaml_resolve_plain("99999999999999999999", 20, &b, &i, &f), SCALAR_FLOAT);
}

static void test_positions(void **state) {
        const char *t = "#cloud-config\nhostname: foo\ncoreos:\n  units:\n    - name: a.service\n";
        YamlDoc d = {};
        YamlError e = {};

        assert_int_equal(yaml_doc_parse(t, strlen(t), &d, &e), 0);
        assert_int_equal(d.root->type, NODE_MAPPING);
        assert_int_equal(d.root->line, 2);
        assert_int_equal(d.root->column, 1);
        const Node *units = d.root->children[3]->children[1];
        assert_int_equal(units->type, NODE_SEQUENCE);
        const Node *item = units->children[0];
        assert_int_equal(item->line, 5);
        assert_int_equal(item->column, 7);
        assert_string_equal(item->children[1]->value, "a.service");
        assert_int_equal(item->children[1]->column, 13);
        yaml_doc_done(&d);
}

static void test_syntax_error_real_line(void **state) {
        /* coreos-cloudinit reported libyaml's 0-based line; nodeinit the
         * real one, with a column, and nothing after it */
        assert_diags("#cloud-config\na:\na\n", "3:1: error: could not find expected ':'\n");
        assert_diags("#cloud-config\nfoo: [\n", "3:1: error: did not find expected node content\n");
        assert_diags("#cloud-config\n\tfoo: 1\n", "2:1: error: found character that cannot start any token\n");
        assert_diags("#cloud-config\nhostname: a\n  bad: b\n",
                     "3:6: error: mapping values are not allowed in this context\n");
}

static void test_limits(void **state) {
        YamlDoc d = {};
        YamlError e = {};

        /* billion laughs: nine levels of ten aliases */
        Buf b = {};
        assert_int_equal(buf_puts(&b, "#cloud-config\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"), 0);
        for (int i = 1; i < 9; i++)
                assert_int_equal(buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                                            i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1), 0);
        assert_int_equal(yaml_doc_parse(b.data, b.len, &d, &e), -E2BIG);
        assert_non_null(strstr(e.message, "alias expansion"));
        assert_true(e.line > 2);
        buf_done(&b);

        /* nesting */
        for (int i = 0; i < 200; i++)
                assert_int_equal(buf_puts(&b, "["), 0);
        assert_int_equal(yaml_doc_parse(b.data, b.len, &d, &e), -ELOOP);
        assert_int_equal(e.line, 1);
        assert_int_equal(e.column, YAML_MAX_DEPTH + 1);
        buf_done(&b);

        /* NUL and invalid UTF-8, with their position */
        assert_int_equal(yaml_doc_parse("#cloud-config\nhostname: a\0b\n", 27, &d, &e), -EBADMSG);
        assert_string_equal(e.message, "NUL byte in input");
        assert_int_equal(e.line, 2);
        assert_int_equal(e.column, 12);
        assert_int_equal(yaml_doc_parse("#cloud-config\nhostname: \xc3\xa9\xff\n", 27, &d, &e), -EBADMSG);
        assert_string_equal(e.message, "invalid UTF-8 byte sequence");
        assert_int_equal(e.line, 2);
        assert_int_equal(e.column, 12);

        /* size */
        assert_int_equal(yaml_doc_parse("", CONFIG_MAX_SIZE + 1, &d, &e), -EFBIG);

        /* an alias to an unknown anchor */
        assert_int_equal(yaml_doc_parse("a: *nope\n", 9, &d, &e), -EBADMSG);
}

static void test_aliases_shared(void **state) {
        const char *t = "#cloud-config\nx: &k [a, b]\nusers:\n  - name: u\n    groups: *k\n";
        CloudConfig c = {};
        DiagList l = {};

        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_int_equal(c.cc.users[0].groups.n_strv, 2);
        assert_string_equal(c.cc.users[0].groups.strv[1], "b");
        cloud_config_done(&c);
        diag_list_done(&l);
}

static void test_binary(void **state) {
        const char *t = "#cloud-config\nhostname: !!binary aG9zdA==\n";
        CloudConfig c = {};
        DiagList l = {};

        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_string_equal(c.cc.hostname.str, "host");
        assert_int_equal(l.n, 0);
        cloud_config_done(&c);
        diag_list_done(&l);

        assert_diags("#cloud-config\nhostname: !!binary '***'\n",
                     "2:11: error: content cannot be decoded as \"!!binary\"\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resolve_plain),
                cmocka_unit_test(test_positions),
                cmocka_unit_test(test_syntax_error_real_line),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_aliases_shared),
                cmocka_unit_test(test_binary),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
