/* SPDX-License-Identifier: Apache-2.0 */
/* report/validate.c over a capped DiagList: every line starts with the
 * input's name whatever the messages hold, the counts include what was not
 * kept, and the JSON (streamed) says the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "basic/diag.h"
#include "report/validate.h"

static void fill(ValidateResult *r) {
        r->path = strdup("in\n.yml");
        assert_non_null(r->path);
        r->what = "cloud-config";
        r->diags.max = 2;
        assert_int_equal(diag_add(&r->diags, DIAG_WARNING, 2, 1, "unrecognized key \"a\""), 0);
        assert_int_equal(diag_add(&r->diags, DIAG_ERROR, 3, 5, "bad\nin.yml:1:1: error: forged\x1b[2J"), 0);
        for (unsigned i = 0; i < 5; i++)
                assert_int_equal(diag_add(&r->diags, DIAG_WARNING, 4 + i, 1, "more"), 0);
        assert_int_equal(diag_add(&r->diags, DIAG_ERROR, 10, 1, "late error"), 0);
}

static char *run(bool json, bool strict) {
        _cleanup_(validate_result_done) ValidateResult r = {};
        ValidateReport rep;
        char *data = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&data, &size);

        assert_non_null(f);
        fill(&r);
        report_validate_begin(&rep, f, json, strict);
        assert_int_equal(report_validate_add(&rep, &r), 0);
        assert_int_equal(report_validate_end(&rep), 0);
        assert_int_equal(fclose(f), 0);
        return data;
}

static void test_capped_list(void **state) {
        _cleanup_(validate_result_done) ValidateResult r = {};
        fill(&r);
        assert_int_equal(r.diags.n, 2);
        assert_int_equal(diag_list_hidden(&r.diags), 6);
        assert_int_equal(diag_list_count(&r.diags, DIAG_ERROR), 2);   /* one kept, one counted */
        assert_int_equal(diag_list_count(&r.diags, DIAG_WARNING), 6);
        assert_true(validate_result_failed(&r, false));

        DiagList copy = {};
        assert_int_equal(diag_list_merge(&copy, &r.diags, 10), 0);
        assert_int_equal(copy.n, 2);
        assert_int_equal(copy.items[0].line, 12);
        assert_int_equal(diag_list_count(&copy, DIAG_WARNING), 6);
        diag_list_done(&copy);
}

static void test_text(void **state) {
        _cleanup_free_ char *out = run(false, false);
        assert_string_equal(out, "in\\n.yml:2:1: warning: unrecognized key \"a\"\n"
                                 "in\\n.yml:3:5: error: bad\\nin.yml:1:1: error: forged\\x1b[2J\n"
                                 "in\\n.yml: info: 6 more diagnostics not shown\n"
                                 "in\\n.yml: invalid cloud-config (2 errors, 6 warnings)\n");
}

static void test_json(void **state) {
        _cleanup_free_ char *out = run(true, true);
        assert_non_null(strstr(out, "\"path\": \"in\\n.yml\""));
        assert_non_null(strstr(out, "\"message\": \"bad\\nin.yml:1:1: error: forged\\u001b[2J\""));
        assert_non_null(strstr(out, "\"errors\": 2,\n    \"warnings\": 6,"));
        assert_non_null(strstr(out, "\"entries_not_shown\": 6"));
        assert_null(strchr(out, '\x1b'));
        assert_int_equal(out[0], '[');
        assert_string_equal(out + strlen(out) - 3, "\n]\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_capped_list),
                cmocka_unit_test(test_text),
                cmocka_unit_test(test_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
