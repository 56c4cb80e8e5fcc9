/* SPDX-License-Identifier: Apache-2.0 */
/* basic/site-config.h: /etc/nodeinit/nodeinit.conf, and the run deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/deadline.h"
#include "basic/site-config.h"
#include "basic/user-name.h"
#include "basic/strv.h"

static void test_parse(void **state) {
        _cleanup_(site_config_done) SiteConfig c = SITE_CONFIG_INIT;
        static const char text[] =
                "# Debian cloud images\n"
                "\n"
                "[DefaultUser]\n"
                "Name = admin\r\n"
                "Groups=sudo, adm docker sudo\n"
                "; comment\n"
                "Create=YES\n";
        unsigned line = 0;
        char *msg = NULL;

        assert_int_equal(site_config_parse(text, strlen(text), &c, &line, &msg), 0);
        assert_string_equal(c.default_user, "admin");
        assert_true(c.default_user_groups_set);
        assert_int_equal(strv_length(c.default_user_groups), 3);
        assert_string_equal(c.default_user_groups[0], "sudo");
        assert_string_equal(c.default_user_groups[1], "adm");
        assert_string_equal(c.default_user_groups[2], "docker");
        assert_int_equal(c.default_user_create, 1);

        /* a later assignment replaces; an empty Groups= clears */
        static const char more[] = "[DefaultUser]\nName=ubuntu\nGroups=\nCreate=no\n";
        assert_int_equal(site_config_parse(more, strlen(more), &c, &line, &msg), 0);
        assert_string_equal(c.default_user, "ubuntu");
        assert_null(c.default_user_groups);
        assert_true(c.default_user_groups_set);
        assert_int_equal(c.default_user_create, 0);
}

static void check_error(const char *text, unsigned want_line, const char *want_substring) {
        _cleanup_(site_config_done) SiteConfig c = SITE_CONFIG_INIT;
        _cleanup_free_ char *msg = NULL;
        unsigned line = 0;

        assert_int_equal(site_config_parse(text, strlen(text), &c, &line, &msg), -EINVAL);
        assert_int_equal(line, want_line);
        assert_non_null(msg);
        if (!strstr(msg, want_substring))
                fail_msg("\"%s\" does not contain \"%s\"", msg, want_substring);
}

static void test_errors(void **state) {
        check_error("Name=core\n", 1, "outside of a section");
        check_error("[Defaultuser]\n", 1, "unknown section");
        check_error("[DefaultUser]\nNmae=x\n", 2, "unknown key Nmae=");
        check_error("[DefaultUser]\n\nName=../root\n", 3, "not a user name");
        check_error("[DefaultUser]\nName=Admin\n", 2, "not a user name");
        check_error("[DefaultUser]\nGroups=sudo wh/eel\n", 2, "\"wh/eel\" is not a group name");
        check_error("[DefaultUser]\nCreate=maybe\n", 2, "want yes or no");
        check_error("[DefaultUser]\nname\n", 2, "expected KEY=VALUE");
        check_error("[DefaultUser]\nName=a\x1b[2J\n", 2, "control characters");
}

static void test_valid_name(void **state) {
        assert_true(user_name_valid("core"));
        assert_true(user_name_valid("_apt"));
        assert_true(user_name_valid("systemd-journal"));
        assert_true(user_name_valid("machine$"));
        assert_false(user_name_valid(""));
        assert_false(user_name_valid(".."));
        assert_false(user_name_valid("1abc"));
        assert_false(user_name_valid("a$b"));
        assert_false(user_name_valid("abcdefghijabcdefghijabcdefghijabc")); /* 33 */
        assert_true(user_name_valid("abcdefghijabcdefghijabcdefghijab"));   /* 32 */
}

static void test_deadline(void **state) {
        /* default: the datasource wait plus the apply budget */
        RunDeadline d = run_deadline_make(1000, 300 * USEC_PER_SEC, 0);
        assert_int_equal(d.source_timeout_usec, 300 * USEC_PER_SEC);
        assert_int_equal(d.deadline_usec, 1000 + 300 * USEC_PER_SEC + RUN_APPLY_BUDGET_USEC);

        /* a run timeout shorter than the datasource wait shortens it */
        d = run_deadline_make(1000, 300 * USEC_PER_SEC, 60 * USEC_PER_SEC);
        assert_int_equal(d.source_timeout_usec, 60 * USEC_PER_SEC);
        assert_int_equal(d.deadline_usec, 1000 + 60 * USEC_PER_SEC);

        /* a longer one leaves the datasource wait alone */
        d = run_deadline_make(0, 5 * USEC_PER_SEC, 600 * USEC_PER_SEC);
        assert_int_equal(d.source_timeout_usec, 5 * USEC_PER_SEC);
        assert_int_equal(d.deadline_usec, 600 * USEC_PER_SEC);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_valid_name),
                cmocka_unit_test(test_deadline),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
