/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "apply/discovery.h"
#include "basic/sha1.h"

static void hex(const uint8_t *d, size_t n, char *out) {
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha1(void **state) {
        uint8_t d[SHA1_DIGEST_SIZE];
        char h[2 * SHA1_DIGEST_SIZE + 1];

        sha1("abc", 3, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
        sha1("", 0, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        /* 56 bytes: the padding needs a second block */
        const char *s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        sha1(s, strlen(s), d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        char m[1000];
        memset(m, 'a', sizeof m);
        sha1(m, sizeof m, d);
        hex(d, sizeof d, h);
        assert_string_equal(h, "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

static void test_member_id(void **state) {
        /* registered by a real etcd 3.4 member (test-discovery-etcd.sh) */
        const char *url = "http://127.0.0.1:24611/v2/keys/discovery/500ac903c3dc56eb6be756b1c9fc5b7e";
        assert_int_equal(etcd_member_id("http://127.0.0.11:24622", url), 0x19f628d9961f3307ULL);
        /* sorted before hashing: order does not matter */
        assert_int_equal(etcd_member_id("http://b:2380,http://a:2380", url),
                         etcd_member_id("http://a:2380, http://b:2380", url));
        assert_true(etcd_member_id("http://a:2380", url) != etcd_member_id("http://a:2380", "other"));
}

static void test_parse_dir(void **state) {
        const char *json =
                "{\"action\":\"get\",\"node\":{\"key\":\"/d/tok\",\"dir\":true,\"nodes\":["
                "{\"key\":\"/d/tok/_config\",\"dir\":true,\"createdIndex\":4},"
                "{\"key\":\"/d/tok/bbb\",\"value\":\"m2=http://b:2380\",\"createdIndex\":9},"
                "{\"key\":\"/d/tok/_state\",\"value\":\"started\",\"createdIndex\":5},"
                "{\"key\":\"/d/tok/aaa\",\"value\":\"m1=http://a:2380\",\"createdIndex\":7}]}}";
        DiscoveryPeer *p = NULL;
        size_t n = 0;

        assert_int_equal(discovery_parse_dir(json, &p, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(p[0].key, "aaa");   /* createdIndex order, as etcd picks members */
        assert_string_equal(p[0].value, "m1=http://a:2380");
        assert_int_equal(p[0].created_index, 7);
        assert_string_equal(p[1].key, "bbb");
        discovery_peers_free(p, n);

        /* a directory nobody registered in yet has no "nodes" */
        assert_int_equal(discovery_parse_dir("{\"action\":\"get\",\"node\":{\"key\":\"/d/t\",\"dir\":true}}", &p, &n), 0);
        assert_int_equal(n, 0);
        discovery_peers_free(p, n);

        assert_int_equal(discovery_parse_dir("404 page not found", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir("[1,2]", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir("{\"node\":{\"key\":\"/x\",\"value\":\"v\"}}", &p, &n), -EBADMSG);
        assert_int_equal(discovery_parse_dir(NULL, &p, &n), -EBADMSG);
}

static void test_parse_value_error(void **state) {
        char *v = NULL;
        assert_int_equal(discovery_parse_value("{\"action\":\"get\",\"node\":{\"key\":\"/t/_config/size\",\"value\":\"3\"}}",
                                               &v), 0);
        assert_string_equal(v, "3");
        free(v);
        assert_int_equal(discovery_parse_value("{\"node\":{\"key\":\"/t\",\"dir\":true}}", &v), -EBADMSG);
        assert_int_equal(discovery_parse_error_code(
                                 "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/d\",\"index\":3}"),
                         100);
        assert_int_equal(discovery_parse_error_code("{\"errorCode\":105}"), 105);
        assert_int_equal(discovery_parse_error_code("not json"), -EBADMSG);
}

static void test_form_escape(void **state) {
        char *e = discovery_form_escape("m1=http://10.0.0.1:2380,m1=http://[::1]:2380 x");
        assert_string_equal(e, "m1%3Dhttp%3A%2F%2F10.0.0.1%3A2380%2Cm1%3Dhttp%3A%2F%2F%5B%3A%3A1%5D%3A2380%20x");
        free(e);
        e = discovery_form_escape("");
        assert_string_equal(e, "");
        free(e);
}

static void test_status_table(void **state) {
        for (int i = 0; i < _DISCOVERY_STATUS_MAX; i++)
                assert_int_equal(discovery_status_from_string(discovery_status_to_string(i)), i);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sha1),
                cmocka_unit_test(test_member_id),
                cmocka_unit_test(test_parse_dir),
                cmocka_unit_test(test_parse_value_error),
                cmocka_unit_test(test_form_escape),
                cmocka_unit_test(test_status_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
