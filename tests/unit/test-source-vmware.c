/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "basic/strv.h"
#include "source/source-internal.h"

/* The VMware key → metadata / user-data logic and the OVF environment parser,
 * against key sets held in memory (vmware_ovf_read over a key list). */

static char **keys(const char *first, ...) {
        char **l = NULL;
        va_list ap;

        va_start(ap, first);
        for (const char *k = first; k; k = va_arg(ap, const char *))
                assert_int_equal(strv_extend(&l, k), 0);
        va_end(ap);
        if (!l)
                l = new0(char *, 1);
        return l;
}

static const char *netkey(char **l, const char *key) {
        for (size_t i = 0; l && l[i] && l[i + 1]; i += 2)
                if (streq(l[i], key))
                        return l[i + 1];
        return NULL;
}

static void test_metadata(void **state) {
        _cleanup_strv_free_ char **k = keys(
                "guestinfo.hostname", "vm1",
                "guestinfo.dns.server.0", "10.0.0.2",
                "guestinfo.dns.server.1", "10.0.0.3",
                "guestinfo.dns.server.3", "10.0.0.9", /* after a gap: not read */
                "guestinfo.dns.domain.0", "example.com",
                "guestinfo.interface.0.name", "eth0",
                "guestinfo.interface.0.mac", "00:50:56:aa:bb:cc",
                "guestinfo.interface.0.role", "public",
                "guestinfo.interface.0.ip.0.address", "192.0.2.10/24",
                "guestinfo.interface.0.ip.1.address", "2001:db8:0:0::10/64",
                "guestinfo.interface.0.route.0.gateway", "192.0.2.1",
                "guestinfo.interface.0.route.0.destination", "0.0.0.0/0",
                "guestinfo.interface.1.dhcp", "no",
                "guestinfo.interface.1.role", "private",
                "guestinfo.interface.1.ip.0.address", "10.1.0.5/16",
                "guestinfo.interface.1.ip.1.address", "::ffff:10.1.0.6/112",
                "guestinfo.interface.3.name", "eth3",  /* after a gap: not read */
                NULL);
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL;

        assert_int_equal(vmware_parse_metadata(vmware_ovf_read, k, &m, &err), 0);
        assert_null(err);
        assert_string_equal(m.hostname, "vm1");
        assert_string_equal(m.public_ipv4, "192.0.2.10");
        assert_string_equal(m.public_ipv6, "2001:db8::10");
        /* IPv4-mapped counts as IPv4, as Go's To4(); the last one wins. */
        assert_string_equal(m.private_ipv4, "10.1.0.6");
        assert_null(m.private_ipv6);

        assert_string_equal(netkey(m.network_keys, "dns.server.0"), "10.0.0.2");
        assert_string_equal(netkey(m.network_keys, "dns.server.1"), "10.0.0.3");
        assert_null(netkey(m.network_keys, "dns.server.3"));
        assert_string_equal(netkey(m.network_keys, "dns.domain.0"), "example.com");
        assert_string_equal(netkey(m.network_keys, "interface.0.mac"), "00:50:56:aa:bb:cc");
        assert_string_equal(netkey(m.network_keys, "interface.0.ip.1.address"), "2001:db8:0:0::10/64");
        assert_string_equal(netkey(m.network_keys, "interface.0.route.0.destination"), "0.0.0.0/0");
        assert_string_equal(netkey(m.network_keys, "interface.1.dhcp"), "no");
        /* The role is no network configuration (coreos-cloudinit did not save it). */
        assert_null(netkey(m.network_keys, "interface.0.role"));
        assert_null(netkey(m.network_keys, "interface.3.name"));
}

static void test_metadata_empty(void **state) {
        _cleanup_strv_free_ char **k = keys(NULL);
        _cleanup_(metadata_done) Metadata m = {};
        char *err = NULL;

        assert_int_equal(vmware_parse_metadata(vmware_ovf_read, k, &m, &err), 0);
        assert_null(m.hostname);
        assert_null(m.public_ipv4);
        assert_non_null(m.network_keys);
        assert_null(m.network_keys[0]);
}

static void test_metadata_errors(void **state) {
        static const struct {
                const char *key, *value, *role, *message;
        } cases[] = {
                { "guestinfo.interface.0.ip.0.address", "10.0.0.1/24", "public-ish", "unrecognized role: \"public-ish\"" },
                { "guestinfo.interface.0.ip.0.address", "10.0.0.1", "public", "invalid CIDR address: 10.0.0.1" },
                { "guestinfo.interface.0.ip.0.address", "10.0.0.1/33", "", "invalid CIDR address: 10.0.0.1/33" },
                { "guestinfo.interface.0.ip.0.address", "fe80::1/129", "", "invalid CIDR address" },
                { "guestinfo.interface.0.ip.0.address", "nope/8", "", "invalid CIDR address" },
                { "guestinfo.hostname", "bad host\x1b", NULL, "hostname: unexpected value" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_strv_free_ char **k = cases[i].role ?
                        keys(cases[i].key, cases[i].value, "guestinfo.interface.0.role", cases[i].role, NULL) :
                        keys(cases[i].key, cases[i].value, NULL);
                _cleanup_(metadata_done) Metadata m = {};
                _cleanup_free_ char *err = NULL;

                assert_int_equal(vmware_parse_metadata(vmware_ovf_read, k, &m, &err), -EBADMSG);
                assert_non_null(err);
                if (!strstr(err, cases[i].message))
                        fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].message);
        }

        /* Without a role an address is kept for the network only: no error. */
        _cleanup_strv_free_ char **k = keys("guestinfo.interface.0.ip.0.address", "10.0.0.1/8", NULL);
        _cleanup_(metadata_done) Metadata m = {};
        assert_int_equal(vmware_parse_metadata(vmware_ovf_read, k, &m, NULL), 0);
        assert_null(m.public_ipv4);
        assert_null(m.private_ipv4);
        assert_string_equal(netkey(m.network_keys, "interface.0.ip.0.address"), "10.0.0.1/8");
}

static void check_user_data(char **k, const char *want_data, const char *want_url, int want_r, const char *want_err) {
        _cleanup_free_ char *data = NULL, *url = NULL, *err = NULL;
        size_t size = 0;

        assert_int_equal(vmware_user_data(vmware_ovf_read, k, &data, &size, &url, &err), want_r);
        if (want_r < 0) {
                assert_non_null(err);
                if (!strstr(err, want_err))
                        fail_msg("\"%s\" does not say \"%s\"", err, want_err);
                return;
        }
        if (want_data) {
                assert_non_null(data);
                assert_int_equal(size, strlen(want_data));
                assert_memory_equal(data, want_data, size);
        } else
                assert_null(data);
        if (want_url)
                assert_string_equal(url, want_url);
        else
                assert_null(url);
}

static void test_user_data(void **state) {
        /* "#cloud-config\nhostname: x\n" in each write_files encoding. */
        static const char *const b64 = "I2Nsb3VkLWNvbmZpZwpob3N0bmFtZTogeAo=";
        static const char *const gz_b64 = "H4sIAAAAAAACA1NOzskvTdFNzs9Ly0znysgvLslLzE21UkjOL0rNL+YCAKOWyyofAAAA";
        static const char *const want = "#cloud-config\nhostname: x\n";
        _cleanup_strv_free_ char **k = NULL;

        /* Raw, without an encoding. */
        k = keys("guestinfo.coreos.config.data", want, NULL);
        check_user_data(k, want, NULL, 0, NULL);
        k = strv_free(k);

        static const char *const b64_names[] = { "base64", "b64" };
        for (size_t i = 0; i < ELEMENTSOF(b64_names); i++) {
                k = keys("guestinfo.coreos.config.data", b64, "guestinfo.coreos.config.data.encoding", b64_names[i], NULL);
                check_user_data(k, want, NULL, 0, NULL);
                k = strv_free(k);
        }
        static const char *const gz_names[] = { "gzip+base64", "gz+b64", "gzip+b64", "gz+base64" };
        for (size_t i = 0; i < ELEMENTSOF(gz_names); i++) {
                k = keys("guestinfo.coreos.config.data", gz_b64, "guestinfo.coreos.config.data.encoding", gz_names[i], NULL);
                check_user_data(k, "#cloud-config\nhostname: coreos\n", NULL, 0, NULL);
                k = strv_free(k);
        }

        k = keys("guestinfo.coreos.config.data", b64, "guestinfo.coreos.config.data.encoding", "rot13", NULL);
        check_user_data(k, NULL, NULL, -EBADMSG, "Unsupported encoding \"rot13\"");
        k = strv_free(k);
        k = keys("guestinfo.coreos.config.data", "!!!", "guestinfo.coreos.config.data.encoding", "base64", NULL);
        check_user_data(k, NULL, NULL, -EBADMSG, "cannot be decoded as \"base64\"");
        k = strv_free(k);

        /* No data: the URL. */
        k = keys("guestinfo.coreos.config.url", "http://127.0.0.1:1/ud", NULL);
        check_user_data(k, NULL, "http://127.0.0.1:1/ud", 0, NULL);
        k = strv_free(k);
        k = keys("guestinfo.coreos.config.url", "file:///etc/shadow", NULL);
        check_user_data(k, NULL, NULL, -EBADMSG, "not an http(s) URL");
        k = strv_free(k);

        /* coreos.config.* first, Flatcar's ignition.config.* only without them. */
        k = keys("guestinfo.ignition.config.data", "{\"ignition\":{\"version\":\"3.0.0\"}}",
                 "guestinfo.coreos.config.url", "http://127.0.0.1:1/ud", NULL);
        check_user_data(k, NULL, "http://127.0.0.1:1/ud", 0, NULL);
        k = strv_free(k);
        k = keys("guestinfo.ignition.config.data", b64, "guestinfo.ignition.config.data.encoding", "base64", NULL);
        check_user_data(k, want, NULL, 0, NULL);
        k = strv_free(k);
        k = keys("guestinfo.ignition.config.url", "https://example.invalid/ign", NULL);
        check_user_data(k, NULL, "https://example.invalid/ign", 0, NULL);
        k = strv_free(k);

        /* Nothing at all: no user-data. */
        k = keys(NULL);
        check_user_data(k, NULL, NULL, 0, NULL);
}

static void test_ovf(void **state) {
        static const char doc[] =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\"\n"
                "     xmlns:oe=\"http://schemas.dmtf.org/ovf/environment/1\"\n"
                "     xmlns:ve=\"http://www.vmware.com/schema/ovfenv\" oe:id=\"\" ve:vCenterId=\"vm-7\">\n"
                "  <PlatformSection><Kind>VMware ESXi</Kind><Version>8.0</Version></PlatformSection>\n"
                "  <PropertySection>\n"
                "    <Property oe:key=\"guestinfo.hostname\" oe:value=\"ovf-node\"/>\n"
                "    <Property oe:key=\"guestinfo.interface.0.role\" oe:value=\"private\"/>\n"
                "    <Property oe:key=\"guestinfo.interface.0.ip.0.address\" oe:value=\"172.16.0.4/12\"/>\n"
                "    <Property oe:key=\"guestinfo.coreos.config.data\" oe:value=\"#cloud-config&#10;a: &quot;b&quot;&#10;\"/>\n"
                "    <Property oe:key=\"other\" oe:value=\"ignored\"/>\n"
                "    <Property oe:key=\"guestinfo.hostname\" oe:value=\"ovf-node2\"/>\n"
                "  </PropertySection>\n"
                "  <Nested><PropertySection><Property oe:key=\"guestinfo.dns.server.0\" oe:value=\"1.1.1.1\"/>"
                "</PropertySection></Nested>\n"
                "</Environment>\n";
        _cleanup_strv_free_ char **props = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *data = NULL, *url = NULL;
        size_t size = 0;

        assert_int_equal(vmware_parse_ovf_env(doc, strlen(doc), &props, NULL, NULL), 0);
        /* Five distinct keys; the repeated hostname replaced the first. */
        assert_int_equal(strv_length(props), 10);
        assert_int_equal(vmware_parse_metadata(vmware_ovf_read, props, &m, NULL), 0);
        assert_string_equal(m.hostname, "ovf-node2");
        assert_string_equal(m.private_ipv4, "172.16.0.4");
        /* Only PropertySection>Property under the root counts, as in vmw-ovflib. */
        assert_null(netkey(m.network_keys, "dns.server.0"));
        assert_int_equal(vmware_user_data(vmware_ovf_read, props, &data, &size, &url, NULL), 0);
        assert_string_equal(data, "#cloud-config\na: \"b\"\n");
}

static void test_ovf_malformed(void **state) {
        static const struct {
                const char *doc;
                unsigned line;
                const char *message;
        } cases[] = {
                { "<Environment>\n<PropertySection>\n</Environment>", 3, "mismatched tag" },
                { "", 1, "" },
                { "<a><b></a", 1, "" },
                { "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<x>&a;</x>", 2, "DOCTYPE" },
                { "<E xmlns:oe=\"u\"><PropertySection><Property x:key=\"k\"/></PropertySection></E>", 1, "unbound prefix" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char **props = NULL;
                _cleanup_free_ char *err = NULL;
                unsigned line = 0;

                assert_int_equal(vmware_parse_ovf_env(cases[i].doc, strlen(cases[i].doc), &props, &err, &line), -EBADMSG);
                assert_null(props);
                assert_non_null(err);
                if (!strstr(err, cases[i].message) || line != cases[i].line)
                        fail_msg("case %zu: line %u \"%s\", want line %u \"%s\"", i, line, err, cases[i].line,
                                 cases[i].message);
        }

        /* Nesting past the limit. */
        char deep[64 * 3 + 1] = "";
        for (size_t i = 0; i < 40; i++)
                strcat(deep, "<a>");
        char **props = NULL;
        _cleanup_free_ char *err = NULL;
        assert_int_equal(vmware_parse_ovf_env(deep, strlen(deep), &props, &err, NULL), -EBADMSG);
        assert_string_equal(err, "elements nested too deeply");
        err = mfree(err);

        /* Past the size limit, refused before parsing. */
        assert_int_equal(vmware_parse_ovf_env("<a/>", SOURCE_DOCUMENT_MAX_SIZE + 1, &props, &err, NULL), -EBADMSG);
        assert_string_equal(err, "document too large");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_metadata),
                cmocka_unit_test(test_metadata_empty),
                cmocka_unit_test(test_metadata_errors),
                cmocka_unit_test(test_user_data),
                cmocka_unit_test(test_ovf),
                cmocka_unit_test(test_ovf_malformed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
