/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "basic/strv.h"
#include "source/source-internal.h"

/* The server context parser and the reply framing; the serial line itself is
 * tested against a simulator on a pseudo-terminal (test-source-cloudsigma.py). */

/* The context of coreos-cloudinit's server_context_test.go, shortened. */
static const char context[] =
        "{\"context\": true, \"cpu\": 4000, \"mem\": 4294967296,"
        " \"meta\": {\"base64_fields\": \"cloudinit-user-data\","
        "  \"cloudinit-user-data\": \"I2Nsb3VkLWNvbmZpZwoKaG9zdG5hbWU6IGNvcmVvczE=\","
        "  \"ssh_public_key\": \"ssh-rsa AAAAB3NzaC1yc2E.../hQ5D5 john@doe\"},"
        " \"name\": \"coreos\", \"uuid\": \"20a0059b-041e-4d0c-bcc6-9b2852de48b3\","
        " \"nics\": ["
        "  {\"ip_v4_conf\": {\"conf\": \"dhcp\", \"ip\": {\"gateway\": \"31.171.244.1\", \"uuid\": \"31.171.251.74\"}},"
        "   \"mac\": \"22:3d:09:6b:90:f3\", \"vlan\": null},"
        "  {\"ip_v4_conf\": null, \"mac\": \"22:ae:4a:fb:8f:31\","
        "   \"vlan\": {\"uuid\": \"5dec030e-25b8-4621-a5a4-a3302c9d9619\"}}]}";

static int fake_local_ip(const char *mac, char **ret) {
        if (!streq(mac, "22:ae:4a:fb:8f:31"))
                return -ENOENT;
        *ret = strdup("10.0.0.2");
        return *ret ? 0 : -ENOMEM;
}

static void test_context(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL, *err = NULL;
        size_t size = 0;

        assert_int_equal(cloudsigma_parse_context(context, fake_local_ip, &m, &ud, &size, &err), 0);
        assert_string_equal(m.hostname, "coreos");
        assert_string_equal(m.instance_id, "20a0059b-041e-4d0c-bcc6-9b2852de48b3");
        assert_string_equal(m.public_ipv4, "31.171.251.74");
        assert_string_equal(m.private_ipv4, "10.0.0.2");
        assert_int_equal(strv_length(m.ssh_public_keys), 1);
        assert_string_equal(m.ssh_key_names[0], "john@doe");
        assert_string_equal(m.ssh_public_keys[0], "ssh-rsa AAAAB3NzaC1yc2E.../hQ5D5 john@doe");
        assert_int_equal(size, strlen("#cloud-config\n\nhostname: coreos1"));
        assert_memory_equal(ud, "#cloud-config\n\nhostname: coreos1", size);
}

static void test_context_variants(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *ud = NULL, *err = NULL;
        size_t size = 0;

        /* No name: the uuid; an empty key is no key; user-data not listed in
         * base64_fields is taken as it is. */
        assert_int_equal(cloudsigma_parse_context(
                "{\"uuid\": \"abc-1\", \"meta\": {\"ssh_public_key\": \"\", \"base64_fields\": \"x,cloudinit-user-datax\","
                " \"cloudinit-user-data\": \"#cloud-config\\n\"}}", NULL, &m, &ud, &size, &err), 0);
        assert_string_equal(m.hostname, "abc-1");
        assert_null(m.ssh_public_keys);
        assert_string_equal(ud, "#cloud-config\n");
        metadata_done(&m);
        ud = mfree(ud);

        /* A free-text server name is no host name: the uuid stands in. No meta: no user-data. */
        assert_int_equal(cloudsigma_parse_context("{\"name\": \"My server 1\", \"uuid\": \"u-2\"}", NULL, &m, &ud, &size,
                                                  &err), 0);
        assert_string_equal(m.hostname, "u-2");
        assert_null(ud);
        metadata_done(&m);

        /* The field listed among others. */
        assert_int_equal(cloudsigma_parse_context(
                "{\"meta\": {\"base64_fields\": \"a,cloudinit-user-data,b\", \"cloudinit-user-data\": \"eA==\"}}",
                NULL, &m, &ud, &size, &err), 0);
        assert_int_equal(size, 1);
        assert_string_equal(ud, "x");
}

static void test_context_errors(void **state) {
        static const struct {
                const char *json, *message;
        } cases[] = {
                { "{\"name\": \"x\", ", "not JSON" },
                { "[1, 2]", "not a JSON object" },
                { "", "not JSON" },
                { "{\"meta\": {\"n\": 5}}", "Server context metadata is formatted badly" },
                { "{\"meta\": {\"base64_fields\": \"cloudinit-user-data\", \"cloudinit-user-data\": \"!!\"}}",
                  "not base64" },
                { "{\"nics\": [{\"ip_v4_conf\": {\"ip\": {\"uuid\": \"999.1.1.1\"}}}]}", "nics[0].ip_v4_conf.ip.uuid" },
                { "{\"meta\": {\"ssh_public_key\": \"ssh-rsa \\u0001AAA\"}}", "ssh_public_key" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(metadata_done) Metadata m = {};
                _cleanup_free_ char *ud = NULL, *err = NULL;
                size_t size = 0;

                assert_int_equal(cloudsigma_parse_context(cases[i].json, NULL, &m, &ud, &size, &err), -EBADMSG);
                assert_non_null(err);
                if (!strstr(err, cases[i].message))
                        fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].message);
                assert_null(ud);
        }
}

static void test_framing(void **state) {
        size_t len = 99;

        assert_int_equal(cloudsigma_reply_complete("{\"a\": 1}", 8, &len), -EAGAIN);
        assert_int_equal(len, 99);
        assert_int_equal(cloudsigma_reply_complete("{\"a\": 1}\x04", 9, &len), 0);
        assert_int_equal(len, 8);
        assert_int_equal(cloudsigma_reply_complete("\x04", 1, &len), 0);
        assert_int_equal(len, 0);
        /* Bytes after the end of transmission are not part of the reply. */
        assert_int_equal(cloudsigma_reply_complete("{}\x04{}", 5, &len), 0);
        assert_int_equal(len, 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_context),
                cmocka_unit_test(test_context_variants),
                cmocka_unit_test(test_context_errors),
                cmocka_unit_test(test_framing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
