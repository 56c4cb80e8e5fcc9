/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "userdata/userdata.h"

#define CLASSIFY(s) userdata_classify((s), sizeof(s) - 1)

static void test_kind_strings(void **state) {
        static const char * const names[] = {
                "empty", "cloud-config", "script", "ignition", "multipart", "gzip", "unknown",
        };
        assert_int_equal(ELEMENTSOF(names), _USER_DATA_KIND_MAX);
        for (UserDataKind k = 0; k < _USER_DATA_KIND_MAX; k++) {
                assert_string_equal(user_data_kind_to_string(k), names[k]);
                assert_int_equal(user_data_kind_from_string(names[k]), k);
        }
        assert_null(user_data_kind_to_string(_USER_DATA_KIND_MAX));
        assert_null(user_data_kind_to_string(_USER_DATA_KIND_INVALID));
        assert_int_equal(user_data_kind_from_string("cloud_config"), _USER_DATA_KIND_INVALID);
        assert_int_equal(user_data_kind_from_string(NULL), _USER_DATA_KIND_INVALID);
}

static void test_empty(void **state) {
        assert_int_equal(userdata_classify(NULL, 0), USER_DATA_EMPTY);
        assert_int_equal(userdata_classify("x", 0), USER_DATA_EMPTY);
        assert_int_equal(CLASSIFY(""), USER_DATA_EMPTY);
        assert_int_equal(CLASSIFY(" \t\r\n\v\f\n"), USER_DATA_EMPTY);
        /* Go's TrimSpace also drops Unicode spaces: NBSP, U+3000 */
        assert_int_equal(CLASSIFY("\xc2\xa0\n\xe3\x80\x80"), USER_DATA_EMPTY);
        assert_int_equal(CLASSIFY("  .  "), USER_DATA_UNKNOWN);
        /* a NUL byte is content, not whitespace */
        assert_int_equal(userdata_classify(" \0 ", 3), USER_DATA_UNKNOWN);
}

static void test_script(void **state) {
        assert_int_equal(CLASSIFY("#!/bin/bash\necho hi\n"), USER_DATA_SCRIPT);
        assert_int_equal(CLASSIFY("#!"), USER_DATA_SCRIPT);
        assert_int_equal(CLASSIFY("#!/usr/bin/env python3"), USER_DATA_SCRIPT);
        assert_int_equal(CLASSIFY(" #!/bin/sh\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("\n#!/bin/sh\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("#\n!"), USER_DATA_UNKNOWN);
}

static void test_cloud_config(void **state) {
        assert_int_equal(CLASSIFY("#cloud-config\nhostname: a\n"), USER_DATA_CLOUD_CONFIG);
        assert_int_equal(CLASSIFY("#cloud-config"), USER_DATA_CLOUD_CONFIG);
        assert_int_equal(CLASSIFY("#cloud-config   \nhostname: a\n"), USER_DATA_CLOUD_CONFIG);
        assert_int_equal(CLASSIFY("#cloud-config\t \r\n"), USER_DATA_CLOUD_CONFIG);
        assert_int_equal(CLASSIFY("#cloud-config\xc2\xa0\n"), USER_DATA_CLOUD_CONFIG);
        assert_int_equal(CLASSIFY("#cloud-configx\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("#cloud-config x\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("#Cloud-Config\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY(" #cloud-config\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("\n#cloud-config\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("#cloud-conf\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("hostname: a\n"), USER_DATA_UNKNOWN);

        assert_true(userdata_has_cloud_config_header("#cloud-config \n", 15));
        assert_false(userdata_has_cloud_config_header("#cloud-config", 12));
        assert_false(userdata_has_cloud_config_header(NULL, 0));
}

static void test_ignition(void **state) {
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": 1}"), USER_DATA_IGNITION);
        assert_int_equal(CLASSIFY("{\"ignition\": {\"version\": \"2.2.0\"}, \"storage\": {}}"), USER_DATA_IGNITION);
        assert_int_equal(CLASSIFY(" \n{\"ignition\":{\"version\":\"3.4.0\"}}\n\n"), USER_DATA_IGNITION);
        /* Go's encoding/json matches field names case-insensitively */
        assert_int_equal(CLASSIFY("{\"IgnitionVersion\": 1}"), USER_DATA_IGNITION);
        assert_int_equal(CLASSIFY("{\"IGNITION\": {\"Version\": \"3.0.0\"}}"), USER_DATA_IGNITION);

        /* JSON, but not Ignition */
        assert_int_equal(CLASSIFY("{\"foo\": 1}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("[{\"ignitionVersion\": 1}]"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignition\": {\"config\": {}}}"), USER_DATA_UNKNOWN);
        /* wrong types make Go's unmarshal fail */
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": \"1\"}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": 1.5}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": null}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignition\": {\"version\": 2}}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignition\": {\"version\": null}}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignition\": \"2.0.0\"}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignition\": {\"version\": \"2.0.0\"}, \"ignitionVersion\": true}"),
                         USER_DATA_UNKNOWN);
        /* not JSON at all */
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": 1"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": 1} x"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{\"ignitionVersion\": 1}{}"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("{/* c */ \"ignitionVersion\": 1}"), USER_DATA_UNKNOWN);
        /* (json-c's strict mode still takes 'single quotes'; Go would not) */
}

static void test_multipart(void **state) {
        assert_int_equal(CLASSIFY("Content-Type: multipart/mixed; boundary=xyz\n\n--xyz\n\n--xyz--\n"),
                         USER_DATA_MULTIPART);
        assert_int_equal(CLASSIFY("MIME-Version: 1.0\r\nContent-Type: Multipart/Mixed; boundary=\"a b\"\r\n\r\n"),
                         USER_DATA_MULTIPART);
        /* folded header */
        assert_int_equal(CLASSIFY("MIME-Version: 1.0\nContent-Type: multipart/mixed;\n\tboundary=\"==B==\"\n\n"),
                         USER_DATA_MULTIPART);
        /* no boundary: still multipart, so that decoding can say what is wrong */
        assert_int_equal(CLASSIFY("Content-Type: multipart/mixed\n\n"), USER_DATA_MULTIPART);

        /* the header block must end with an empty line */
        assert_int_equal(CLASSIFY("Content-Type: multipart/mixed; boundary=x"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("Content-Type: multipart/mixed; boundary=x\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("Content-Type: text/plain\n\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("Content-Type: multipart/alternative; boundary=x\n\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("MIME-Version: 1.0\n\n"), USER_DATA_UNKNOWN);
        /* not a header block */
        assert_int_equal(CLASSIFY("hello world\nContent-Type: multipart/mixed; boundary=x\n\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY(" Content-Type: multipart/mixed; boundary=x\n\n"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("Content Type: multipart/mixed; boundary=x\n\n"), USER_DATA_UNKNOWN);
}

static void test_gzip(void **state) {
        assert_int_equal(CLASSIFY("\x1f\x8b\x08\x00"), USER_DATA_GZIP);
        assert_int_equal(CLASSIFY("\x1f\x8b"), USER_DATA_GZIP);
        assert_int_equal(CLASSIFY("\x1f"), USER_DATA_UNKNOWN);
        assert_int_equal(CLASSIFY("\x8b\x1f"), USER_DATA_UNKNOWN);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kind_strings),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_script),
                cmocka_unit_test(test_cloud_config),
                cmocka_unit_test(test_ignition),
                cmocka_unit_test(test_multipart),
                cmocka_unit_test(test_gzip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
