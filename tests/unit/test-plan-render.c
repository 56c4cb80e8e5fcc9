/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan/planner.h"

/* Renderers against coreos-cloudinit's expected bytes (docs §4) and the
 * documented fixes. */

static CloudConfig parse(const char *text) {
        CloudConfig c = {};
        DiagList d = {};
        assert_int_equal(cloud_config_parse(text, strlen(text), &c, &d), 0);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
        return c;
}

static char *dropin_of(const char *yaml, const SchemaStruct *s, size_t offset) {
        CloudConfig c = parse(yaml);
        char *out = NULL;
        const char *key = NULL;
        assert_int_equal(render_dropin(s, (const char *) &c.cc.coreos + offset, &out, NULL, &key), 0);
        cloud_config_done(&c);
        return out;
}

static void test_etcd_dropin_coreos_example(void **state) {
        /* system/etcd_test.go: discovery, name, peer_bind_addr */
        char *out = dropin_of("#cloud-config\ncoreos:\n  etcd:\n    name: node001\n    peer-bind-addr: 127.0.0.1:7002\n"
                              "    discovery: http://disco.example.com/foobar\n",
                              &schema_ConfigEtcd, offsetof(ConfigCoreos, etcd));
        assert_string_equal(out, "[Service]\n"
                                 "Environment=\"ETCD_DISCOVERY=http://disco.example.com/foobar\"\n"
                                 "Environment=\"ETCD_NAME=node001\"\n"
                                 "Environment=\"ETCD_PEER_BIND_ADDR=127.0.0.1:7002\"\n");
        free(out);
}

static void test_seed_dropin(void **state) {
        char *out = dropin_of("#cloud-config\ncoreos:\n  etcd:\n    discovery: https://discovery.etcd.io/4776a05c20897e83560b40a03c62918a\n"
                              "    addr: 10.0.0.5:4001\n    peer-addr: 10.0.0.5:7001\n",
                              &schema_ConfigEtcd, offsetof(ConfigCoreos, etcd));
        assert_string_equal(out, "[Service]\n"
                                 "Environment=\"ETCD_ADDR=10.0.0.5:4001\"\n"
                                 "Environment=\"ETCD_DISCOVERY=https://discovery.etcd.io/4776a05c20897e83560b40a03c62918a\"\n"
                                 "Environment=\"ETCD_PEER_ADDR=10.0.0.5:7001\"\n");
        free(out);
}

static void test_dropin_irregular_names_and_types(void **state) {
        char *out = dropin_of("#cloud-config\ncoreos:\n  etcd:\n    snapshot_count: 100\n    snapshot: false\n"
                              "    cluster_remove_delay: 100000000\n    election-timeout: 0\n",
                              &schema_ConfigEtcd, offsetof(ConfigCoreos, etcd));
        /* explicit false and 0 are written (coreos-cloudinit dropped them);
         * floats as Go %v */
        assert_string_equal(out, "[Service]\n"
                                 "Environment=\"ETCD_CLUSTER_REMOVE_DELAY=1e+08\"\n"
                                 "Environment=\"ETCD_ELECTION_TIMEOUT=0\"\n"
                                 "Environment=\"ETCD_SNAPSHOT=false\"\n"
                                 "Environment=\"ETCD_SNAPSHOTCOUNT=100\"\n");
        free(out);

        out = dropin_of("#cloud-config\ncoreos:\n  locksmith:\n    window_start: Thu 04:00\n    window-length: 1h\n"
                        "    group: g\n",
                        &schema_ConfigLocksmith, offsetof(ConfigCoreos, locksmith));
        assert_string_equal(out, "[Service]\n"
                                 "Environment=\"LOCKSMITHD_GROUP=g\"\n"
                                 "Environment=\"REBOOT_WINDOW_START=Thu 04:00\"\n"
                                 "Environment=\"REBOOT_WINDOW_LENGTH=1h\"\n");
        free(out);
}

static void test_dropin_empty(void **state) {
        char *out = dropin_of("#cloud-config\ncoreos:\n  fleet:\n    metadata: \"\"\n", &schema_ConfigFleet,
                              offsetof(ConfigCoreos, fleet));
        assert_null(out);
        out = dropin_of("#cloud-config\nhostname: x\n", &schema_ConfigEtcd2, offsetof(ConfigCoreos, etcd2));
        assert_null(out);
}

static void test_dropin_escaping(void **state) {
        char *out = dropin_of("#cloud-config\ncoreos:\n  fleet:\n    metadata: 'a=\"b\",c=d\\e,pct=50%,%z'\n",
                              &schema_ConfigFleet, offsetof(ConfigCoreos, fleet));
        assert_string_equal(out, "[Service]\nEnvironment=\"FLEET_METADATA=a=\\\"b\\\",c=d\\\\e,pct=50%%,%%z\"\n");
        free(out);

        /* specifiers pass as coreos-cloudinit wrote them: systemd expands them */
        out = dropin_of("#cloud-config\ncoreos:\n  etcd2:\n    name: '%H'\n"
                        "    initial-advertise-peer-urls: 'http://%H:2380,100%%'\n",
                        &schema_ConfigEtcd2, offsetof(ConfigCoreos, etcd2));
        assert_string_equal(out, "[Service]\nEnvironment=\"ETCD_INITIAL_ADVERTISE_PEER_URLS=http://%H:2380,100%%\"\n"
                                 "Environment=\"ETCD_NAME=%H\"\n");
        free(out);

        /* the validator refuses such a value (a positioned error that leaves
         * the section out); the renderer still refuses it behind it */
        CloudConfig c = parse("#cloud-config\ncoreos:\n  etcd2:\n    name: x\n");
        c.cc.coreos.etcd2.name.str = "a\nb";
        c.cc.coreos.etcd2.name.len = 3;
        const char *key = NULL;
        out = NULL;
        assert_int_equal(render_dropin(&schema_ConfigEtcd2, &c.cc.coreos.etcd2, &out, NULL, &key), -EINVAL);
        assert_string_equal(key, "name");
        assert_null(out);
        cloud_config_done(&c);

        char *q = NULL;
        assert_int_equal(unit_env_quote("tab\tok", &q), 0);
        assert_string_equal(q, "tab\tok");
        free(q);
        assert_int_equal(unit_env_quote("cr\r", &q), -EINVAL);
}

static void test_dropin_secret(void **state) {
        CloudConfig c = parse("#cloud-config\ncoreos:\n  locksmith:\n    etcd_password: hunter2\n");
        char *out = NULL;
        const char *key = NULL;
        bool secret = false;
        assert_int_equal(render_dropin(&schema_ConfigLocksmith, &c.cc.coreos.locksmith, &out, &secret, &key), 0);
        assert_true(secret);
        free(out);
        cloud_config_done(&c);
}

static void test_flannel_no_trailing_newline(void **state) {
        CloudConfig c = parse("#cloud-config\ncoreos:\n  flannel:\n    interface: eth1\n    etcd_endpoints: http://a:2379\n"
                              "    ip_masq: true\n");
        char *out = NULL;
        const char *key = NULL;
        assert_int_equal(render_env_lines(&schema_ConfigFlannel, &c.cc.coreos.flannel, &out, &key), 0);
        assert_string_equal(out, "FLANNELD_ETCD_ENDPOINTS=http://a:2379\nFLANNELD_IP_MASQ=true\nFLANNELD_IFACE=eth1");
        free(out);
        cloud_config_done(&c);
}

/* issue 8: "'" and a trailing "\\" made systemd read the following keys as
 * part of the value. Expected bytes worked out from systemd's
 * parse_env_file_internal(); tests/integration/test-envfile.sh proves them
 * against a real manager. */
static void test_env_file_quote(void **state) {
        static const struct { const char *in, *out; } cases[] = {
                { "http://10.0.0.1:2379,http://10.0.0.2:2379", "http://10.0.0.1:2379,http://10.0.0.2:2379" },
                { "a b", "a b" },                   /* inner space: bare */
                { "it's", "it's" },                 /* a quote after the first byte is literal */
                { "#x", "#x" },                     /* a comment only where a key starts */
                { "'", "\"'\"" },
                { "\"x\"", "\"\\\"x\\\"\"" },
                { "x\\", "\"x\\\\\"" },
                { " lead", "\" lead\"" },
                { "trail\t", "\"trail\t\"" },
                { "$HOME `id`", "$HOME `id`" },     /* EnvironmentFile= expands nothing */
                { " $HOME `id`", "\" \\$HOME \\`id\\`\"" }, /* but in quotes \\$ and \\` are escapes */
                { "caf\xc3\xa9", "caf\xc3\xa9" },
        };
        char *q = NULL;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                assert_int_equal(env_file_quote(cases[i].in, &q), 0);
                assert_string_equal(q, cases[i].out);
                free(q);
        }
        assert_int_equal(env_file_quote("a\nFLANNELD_IP_MASQ=x", &q), -EINVAL);
        assert_int_equal(env_file_quote("cr\r", &q), -EINVAL);
        assert_int_equal(env_file_quote("\xff", &q), -EINVAL);
        assert_int_equal(unit_env_quote("\xc3", &q), -EINVAL);

        CloudConfig c = parse("#cloud-config\ncoreos:\n  flannel:\n    etcd_endpoints: \"'\"\n    etcd_prefix: \"x\\\\\"\n"
                              "    ip_masq: \"true\"\n");
        char *out = NULL;
        const char *key = NULL;
        assert_int_equal(render_env_lines(&schema_ConfigFlannel, &c.cc.coreos.flannel, &out, &key), 0);
        assert_string_equal(out, "FLANNELD_ETCD_ENDPOINTS=\"'\"\nFLANNELD_ETCD_PREFIX=\"x\\\\\"\nFLANNELD_IP_MASQ=true");
        free(out);
        cloud_config_done(&c);

        c = parse("#cloud-config\ncoreos:\n  flannel:\n    etcd_prefix: x\n");
        c.cc.coreos.flannel.etcd_prefix.str = "a\nFLANNELD_IP_MASQ=x";
        c.cc.coreos.flannel.etcd_prefix.len = strlen(c.cc.coreos.flannel.etcd_prefix.str);
        assert_int_equal(render_env_lines(&schema_ConfigFlannel, &c.cc.coreos.flannel, &out, &key), -EINVAL);
        assert_string_equal(key, "etcd_prefix");
        cloud_config_done(&c);
}

/* update.conf is read by update_engine (no quotes) and by locksmithd.service
 * as an EnvironmentFile=: a value neither reads back bare is refused */
static void test_update_conf_bare_only(void **state) {
        static const char *bad[] = { "x\\\\", "' q", "\\\" lead" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *yaml = NULL;
                assert_true(asprintf(&yaml, "#cloud-config\ncoreos:\n  update:\n    server: \"%s\"\n", bad[i]) > 0);
                CloudConfig c = parse(yaml);
                char *out = NULL;
                const char *key = NULL;
                assert_int_equal(render_update_conf(&c.cc.coreos.update, NULL, 0, &out, &key), -EINVAL);
                assert_string_equal(key, "server");
                cloud_config_done(&c);
        }

        const char *values[_PLAN_ADDRESS_MAX] = { [PLAN_PUBLIC_IPV4] = "1.2.3.4 " };
        char *out = NULL;
        size_t size;
        assert_int_equal(render_environment(NULL, 0, values, &out, &size), -EINVAL);
}

static char *update_of(const char *yaml, const char *base) {
        CloudConfig c = parse(yaml);
        char *out = NULL;
        const char *key = NULL;
        assert_int_equal(render_update_conf(&c.cc.coreos.update, base, base ? strlen(base) : 0, &out, &key), 0);
        cloud_config_done(&c);
        return out;
}

static void test_update_conf(void **state) {
        /* system/update_test.go */
        char *out = update_of("#cloud-config\ncoreos:\n  update:\n    reboot-strategy: etcd-lock\n",
                              "SERVER=https://example.com\nGROUP=thegroupc\nREBOOT_STRATEGY=awesome");
        assert_string_equal(out, "SERVER=https://example.com\nGROUP=thegroupc\nREBOOT_STRATEGY=etcd-lock\n");
        free(out);

        out = update_of("#cloud-config\ncoreos:\n  update:\n    group: master\n    server: http://foo.com\n", NULL);
        assert_string_equal(out, "GROUP=master\nSERVER=http://foo.com\n");
        free(out);

        out = update_of("#cloud-config\ncoreos:\n  update:\n    server: s\n    reboot_strategy: off\n    group: g\n",
                        "# comment\r\nGROUPX=1\nGROUP=old\nGROUP=dup\n");
        assert_string_equal(out, "# comment\nGROUPX=1\nGROUP=g\nGROUP=dup\nREBOOT_STRATEGY=off\nSERVER=s\n");
        free(out);

        out = update_of("#cloud-config\nhostname: x\n", "GROUP=a\n");
        assert_null(out);

        CloudConfig c = parse("#cloud-config\ncoreos:\n  update:\n    group: g\n");
        c.cc.coreos.update.reboot_strategy = (Value) { .set = true, .str = "best-effort", .len = 11 };
        const char *key = NULL;
        out = NULL;
        assert_int_equal(render_update_conf(&c.cc.coreos.update, NULL, 0, &out, &key), -EINVAL);
        assert_string_equal(key, "reboot_strategy");
        cloud_config_done(&c);
}

static void test_oem_release(void **state) {
        CloudConfig c = parse("#cloud-config\ncoreos:\n  oem:\n    id: rackspace\n    name: Rackspace \"Cloud\"\n"
                              "    version_id: 168.0.0\n    home_url: https://www.rackspace.com/\n"
                              "    bug_report_url: https://github.com/coreos/bugs/issues\n");
        char *out = NULL;
        assert_int_equal(render_oem_release(&c.cc.coreos.oem, &out), 0);
        assert_string_equal(out, "ID=rackspace\nVERSION_ID=168.0.0\nNAME=\"Rackspace \\\"Cloud\\\"\"\n"
                                 "HOME_URL=\"https://www.rackspace.com/\"\n"
                                 "BUG_REPORT_URL=\"https://github.com/coreos/bugs/issues\"\n");
        free(out);
        cloud_config_done(&c);

        /* ID is written bare: one an env-file reader would take apart is refused */
        c = parse("#cloud-config\ncoreos:\n  oem:\n    id: \"x\\\\\"\n    version_id: \"1\"\n");
        assert_int_equal(render_oem_release(&c.cc.coreos.oem, &out), -EINVAL);
        cloud_config_done(&c);
        c = parse("#cloud-config\ncoreos:\n  oem:\n    id: x\n    version_id: \"'1\"\n");
        assert_int_equal(render_oem_release(&c.cc.coreos.oem, &out), -EINVAL);
        cloud_config_done(&c);

        char *q = NULL;
        assert_int_equal(go_quote("a\tb\x01\xc3\xa9\xff", &q), 0);
        assert_string_equal(q, "\"a\\tb\\x01\xc3\xa9\\xff\"");
        free(q);
}

static void test_environment(void **state) {
        const char *v[_PLAN_ADDRESS_MAX] = {
                [PLAN_PUBLIC_IPV4] = "1.2.3.4",
                [PLAN_PRIVATE_IPV4] = "5.6.7.8",
                [PLAN_PUBLIC_IPV6] = "1234::",
                [PLAN_PRIVATE_IPV6] = "5678::",
        };
        char *out = NULL;
        size_t n;

        /* initialize/env_test.go: fresh file */
        assert_int_equal(render_environment(NULL, 0, v, &out, &n), 0);
        assert_string_equal(out, "COREOS_PRIVATE_IPV4=5.6.7.8\nCOREOS_PRIVATE_IPV6=5678::\n"
                                 "COREOS_PUBLIC_IPV4=1.2.3.4\nCOREOS_PUBLIC_IPV6=1234::\n");
        assert_int_equal(n, strlen(out));
        free(out);

        /* merge: lines kept in place, keys rewritten, CR dropped, the rest
         * appended sorted, final newline added */
        const char *old = "FOO=bar\r\nCOREOS_PUBLIC_IPV4=9.9.9.9\n  COREOS_PRIVATE_IPV4=x\n# c\nBAZ=1";
        const char *w[_PLAN_ADDRESS_MAX] = { [PLAN_PUBLIC_IPV4] = "1.2.3.4", [PLAN_PRIVATE_IPV4] = "5.6.7.8" };
        assert_int_equal(render_environment(old, strlen(old), w, &out, &n), 0);
        assert_string_equal(out, "FOO=bar\nCOREOS_PUBLIC_IPV4=1.2.3.4\n  COREOS_PRIVATE_IPV4=x\n# c\nBAZ=1\n"
                                 "COREOS_PRIVATE_IPV4=5.6.7.8\n");
        free(out);

        /* unchanged input comes back byte for byte */
        const char *same = "COREOS_PUBLIC_IPV4=1.2.3.4\nCOREOS_PRIVATE_IPV4=5.6.7.8\n";
        assert_int_equal(render_environment(same, strlen(same), w, &out, &n), 0);
        assert_string_equal(out, same);
        free(out);
}

static void test_hostname(void **state) {
        char *h = NULL;
        assert_int_equal(hostname_normalize("ip-10-0-0-1.ec2.internal", &h), 0);
        assert_string_equal(h, "ip-10-0-0-1");
        free(h);

        char longname[100];
        memset(longname, 'a', 80);
        strcpy(longname + 80, ".example.com");
        assert_int_equal(hostname_normalize(longname, &h), 0);
        assert_int_equal(strlen(h), 63);
        free(h);

        assert_int_equal(hostname_normalize("bad\nname", &h), -EINVAL);
        assert_int_equal(hostname_normalize("", &h), -EINVAL);
        assert_int_equal(hostname_normalize(".x", &h), -EINVAL);
        assert_int_equal(hostname_normalize("a b", &h), -EINVAL);
        assert_int_equal(hostname_normalize("-x", &h), -EINVAL);
}

static void test_addresses_permissions(void **state) {
        assert_true(plan_address_valid(PLAN_PUBLIC_IPV4, "10.0.0.1"));
        assert_false(plan_address_valid(PLAN_PUBLIC_IPV4, "10.0.0.1\nFOO=1"));
        assert_false(plan_address_valid(PLAN_PUBLIC_IPV4, "::1"));
        assert_true(plan_address_valid(PLAN_PRIVATE_IPV6, "fe80::1"));
        assert_false(plan_address_valid(PLAN_PRIVATE_IPV6, "10.0.0.1"));
        assert_false(plan_address_valid(PLAN_PRIVATE_IPV6, ""));

        mode_t m;
        assert_int_equal(parse_permissions("0744", &m), 0);
        assert_int_equal(m, 0744);
        assert_int_equal(parse_permissions("744", &m), 0);
        assert_int_equal(m, 0744);
        assert_int_equal(parse_permissions("420", &m), 0);
        assert_int_equal(m, 0420);
        assert_int_equal(parse_permissions(NULL, &m), 0);
        assert_int_equal(m, 0644);
        assert_int_equal(parse_permissions("pants", &m), -EINVAL);
        assert_int_equal(parse_permissions("0999", &m), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_etcd_dropin_coreos_example),
                cmocka_unit_test(test_seed_dropin),
                cmocka_unit_test(test_dropin_irregular_names_and_types),
                cmocka_unit_test(test_dropin_empty),
                cmocka_unit_test(test_dropin_escaping),
                cmocka_unit_test(test_dropin_secret),
                cmocka_unit_test(test_flannel_no_trailing_newline),
                cmocka_unit_test(test_env_file_quote),
                cmocka_unit_test(test_update_conf_bare_only),
                cmocka_unit_test(test_update_conf),
                cmocka_unit_test(test_oem_release),
                cmocka_unit_test(test_environment),
                cmocka_unit_test(test_hostname),
                cmocka_unit_test(test_addresses_permissions),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
