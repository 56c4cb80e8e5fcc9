/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "basic/strv.h"
#include "source/source-internal.h"

static void test_configdrive(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL, *cp = NULL;

        assert_int_equal(configdrive_parse_meta_data(
                "{\"uuid\": \"83679162-1378-4288-a2d4-70e13ec132aa\", \"hostname\": \"cd.novalocal\","
                " \"public_keys\": {\"k1\": \"ssh-rsa AAAA k1\\n\", \"k2\": \"ssh-ed25519 BBBB k2\", \"bad\": 5},"
                " \"network_config\": {\"content_path\": \"/content/0000\"}}", &m, &cp, &err), 0);
        assert_string_equal(cp, "content/0000");
        cp = mfree(cp);
        assert_string_equal(m.hostname, "cd.novalocal");
        assert_string_equal(m.instance_id, "83679162-1378-4288-a2d4-70e13ec132aa");
        assert_int_equal(strv_length(m.ssh_public_keys), 2);
        assert_string_equal(m.ssh_key_names[0], "k1");
        assert_string_equal(m.ssh_public_keys[0], "ssh-rsa AAAA k1");
        assert_null(m.private_ipv4);
        metadata_done(&m);

        assert_int_equal(configdrive_parse_meta_data("{}", &m, &cp, &err), 0);
        assert_null(m.hostname);
        metadata_done(&m);

        assert_int_equal(configdrive_parse_meta_data("{\"hostname\": 3}", &m, &cp, &err), 0);
        assert_null(m.hostname);
        metadata_done(&m);

        assert_int_equal(configdrive_parse_meta_data("{nope", &m, &cp, &err), -EBADMSG);
        assert_non_null(err);
        err = mfree(err);
        assert_int_equal(configdrive_parse_meta_data("[1]", &m, &cp, &err), -EBADMSG);
        err = mfree(err);
        assert_int_equal(configdrive_parse_meta_data("{\"hostname\": \"a b\"}", &m, &cp, &err), -EBADMSG);
        assert_non_null(strstr(err, "hostname"));
        err = mfree(err);
        assert_int_equal(configdrive_parse_meta_data("{\"network_config\": {\"content_path\": \"/../../etc/shadow\"}}",
                                                     &m, &cp, &err), -EBADMSG);
        assert_null(cp);
        err = mfree(err);
}

static void test_digitalocean(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL;

        assert_int_equal(digitalocean_parse_metadata(
                "{\"droplet_id\": 2756294, \"hostname\": \"do\", \"public_keys\": [\"ssh-rsa A\", \"ssh-rsa B\"],"
                " \"interfaces\": {\"public\": [{\"ipv4\": {\"ip_address\": \"104.131.20.105\"},"
                " \"ipv6\": {\"ip_address\": \"2604:a880::1\"}}],"
                " \"private\": [{\"ipv4\": {\"ip_address\": \"10.132.255.113\"}}]}}", &m, &err), 0);
        assert_string_equal(m.instance_id, "2756294");
        assert_string_equal(m.public_ipv4, "104.131.20.105");
        assert_string_equal(m.public_ipv6, "2604:a880::1");
        assert_string_equal(m.private_ipv4, "10.132.255.113");
        assert_null(m.private_ipv6);
        assert_string_equal(m.ssh_key_names[1], "1");
        assert_non_null(m.network_config);
        metadata_done(&m);

        assert_int_equal(digitalocean_parse_metadata(
                "{\"interfaces\": {\"public\": [{\"ipv4\": {\"ip_address\": \"x\"}}]}}", &m, &err), -EBADMSG);
        free(err);
}

static void test_packet(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL;

        assert_int_equal(packet_parse_metadata(
                "{\"id\": \"abc\", \"hostname\": \"pk\", \"ssh_keys\": [\"ssh-rsa A\"], \"network\": {\"addresses\": ["
                "{\"address_family\": 4, \"public\": true, \"address\": \"147.75.1.2\"},"
                "{\"address_family\": 4, \"public\": false, \"address\": \"10.88.1.2\"},"
                "{\"address_family\": 6, \"public\": true, \"address\": \"2604:1380::2\"},"
                "{\"address_family\": 4, \"public\": true, \"address\": \"147.75.9.9\"}]}}", &m, &err), 0);
        assert_string_equal(m.public_ipv4, "147.75.1.2");
        assert_string_equal(m.private_ipv4, "10.88.1.2");
        assert_string_equal(m.public_ipv6, "2604:1380::2");
        assert_string_equal(m.instance_id, "abc");
        assert_int_equal(strv_length(m.ssh_public_keys), 1);
        assert_non_null(m.network_config);
}

static void test_waagent(void **state) {
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL;
        static const char xml[] =
                "<SharedConfig version=\"1.0.0.0\" goalStateIncarnation=\"1\">\n"
                "<Incarnation number=\"1\" instance=\"vm1\" guid=\"{x}\" />\n"
                "<Instances>\n"
                "<Instance id=\"vm0\" address=\"10.0.0.9\"><InputEndpoints>"
                "<Endpoint loadBalancedPublicAddress=\"40.0.0.9:22\"/></InputEndpoints></Instance>\n"
                "<Instance id='vm1' address='10.0.0.4'><InputEndpoints>\n"
                "<Endpoint name=\"x\" address=\"10.0.0.4:80\"/>\n"
                "<Endpoint name=\"ssh\" loadBalancedPublicAddress=\"40.112.1.2:22\" />\n"
                "</InputEndpoints></Instance>\n"
                "</Instances></SharedConfig>\n";

        assert_int_equal(waagent_parse_shared_config(xml, &m, &err), 0);
        assert_string_equal(m.private_ipv4, "10.0.0.4");
        assert_string_equal(m.public_ipv4, "40.112.1.2");
        metadata_done(&m);

        /* No matching instance: nothing known, not an error. */
        assert_int_equal(waagent_parse_shared_config("<Incarnation instance=\"zz\"/><Instance id=\"a\" address=\"1.1.1.1\"/>",
                                                     &m, &err), 0);
        assert_null(m.private_ipv4);
        metadata_done(&m);

        /* The instance name must not match a prefix of a longer tag. */
        assert_int_equal(waagent_parse_shared_config("<Incarnations/>", &m, &err), -EBADMSG);
        err = mfree(err);
        assert_int_equal(waagent_parse_shared_config("<Incarnation instance=\"a\"/><Instance id=\"a\" address=\"x\"/>",
                                                     &m, &err), -EBADMSG);
        err = mfree(err);
}

static void test_cmdline(void **state) {
        char *u = NULL;

        assert_int_equal(cmdline_find_url("root=/dev/sda cloud-config-url=http://a/ quiet", &u), 0);
        assert_string_equal(u, "http://a/");
        u = mfree(u);
        assert_int_equal(cmdline_find_url("cloud_config_url=http://a/ cloud-config-url=http://b/\n", &u), 0);
        assert_string_equal(u, "http://b/");
        u = mfree(u);
        assert_int_equal(cmdline_find_url("x=\"a b\" cloud-config-url=\"http://c/\"", &u), 0);
        assert_string_equal(u, "http://c/");
        u = mfree(u);
        assert_int_equal(cmdline_find_url("cloud-config-url quiet", &u), -ENOENT);
        assert_int_equal(cmdline_find_url("cloud-config-url= quiet", &u), -ENOENT);
        assert_int_equal(cmdline_find_url("my-cloud-config-url=http://x/", &u), -ENOENT);
        assert_int_equal(cmdline_find_url("", &u), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_configdrive),
                cmocka_unit_test(test_digitalocean),
                cmocka_unit_test(test_packet),
                cmocka_unit_test(test_waagent),
                cmocka_unit_test(test_cmdline),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
