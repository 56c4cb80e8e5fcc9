/* SPDX-License-Identifier: Apache-2.0 */
/* Isolation (issue 9): an error marks the value and the `self` of the item
 * that holds it, and nothing else, so that the planner can leave out exactly
 * that item. One test per item kind of .dev/TEAM.md. */
#include "config-test-helpers.h"

#define H "#cloud-config\n"

static void parse(CloudConfig *c, const char *t, size_t errors) {
        DiagList l = {};
        assert_int_equal(cloud_config_parse(t, strlen(t), c, &l), 0);
        assert_int_equal(diag_list_count(&l, DIAG_ERROR), errors);
        diag_list_done(&l);
}

#define assert_marked(v, msg, l, col)                           \
        do {                                                    \
                assert_non_null((v).error);                     \
                assert_string_equal((v).error, msg);            \
                assert_int_equal((v).error_line, l);            \
                assert_int_equal((v).error_column, col);        \
        } while (0)

static void test_write_files_entry(void **state) {
        CloudConfig c = {};
        parse(&c, H "write_files:\n  - path: /a\n  - path: /b\n    permissions: '0999'\n  - path: /c\n"
                    "  - content: x\n",
              2);
        assert_null(c.cc.write_files[0].self.error);
        assert_marked(c.cc.write_files[1].permissions, "invalid value 0999", 5, 18);
        assert_marked(c.cc.write_files[1].self, "invalid value 0999", 5, 18);
        assert_null(c.cc.write_files[1].path.error);
        assert_null(c.cc.write_files[2].self.error);
        /* an entry without a path: only the entry */
        assert_marked(c.cc.write_files[3].self, "write_files[3] has no \"path\"", 7, 5);
        cloud_config_done(&c);

        /* errors the cross-field check finds mark the same way */
        parse(&c, H "write_files:\n  - path: /usr/x\n  - path: /y\n    encoding: base64\n    content: '!!'\n", 2);
        assert_marked(c.cc.write_files[0].path, "file cannot be written to a read-only filesystem", 3, 11);
        assert_marked(c.cc.write_files[0].self, "file cannot be written to a read-only filesystem", 3, 11);
        assert_marked(c.cc.write_files[1].content, "content cannot be decoded as \"base64\"", 6, 14);
        assert_marked(c.cc.write_files[1].self, "content cannot be decoded as \"base64\"", 6, 14);
        cloud_config_done(&c);
}

static void test_users_entry(void **state) {
        CloudConfig c = {};
        parse(&c, H "users:\n  - name: a\n  - name: ..\n    passwd: \"x\\ny\"\n  - name: b\n", 2);
        assert_null(c.cc.users[0].self.error);
        assert_marked(c.cc.users[1].name, "invalid user name \"..\"", 4, 11);
        /* the first error of the item is its mark */
        assert_marked(c.cc.users[1].self, "invalid user name \"..\"", 4, 11);
        assert_marked(c.cc.users[1].passwd, "invalid \"passwd\": contains a control character (the tools read one user per line)", 5, 13);
        assert_null(c.cc.users[2].self.error);
        cloud_config_done(&c);
}

static void test_unit_and_dropin(void **state) {
        CloudConfig c = {};
        parse(&c, H "coreos:\n  units:\n    - name: a.service\n      command: begin\n"
                    "    - name: b.service\n      drop-ins:\n        - name: ../x.conf\n          content: y\n"
                    "        - name: ok.conf\n          content: z\n",
              2);
        const ConfigUnit *u = c.cc.coreos.units;
        assert_marked(u[0].command, "invalid value begin", 5, 16);
        assert_marked(u[0].self, "invalid value begin", 5, 16);
        /* a bad drop-in skips the drop-in, not its unit */
        const char *m = "invalid drop-in name \"../x.conf\": want a file name ending in \".conf\", without \"/\"";
        assert_null(u[1].self.error);
        assert_marked(u[1].drop_ins[0].name, m, 8, 17);
        assert_marked(u[1].drop_ins[0].self, m, 8, 17);
        assert_null(u[1].drop_ins[1].self.error);
        assert_null(c.cc.coreos.self.error);
        cloud_config_done(&c);
}

static void test_sections(void **state) {
        CloudConfig c = {};
        parse(&c, H "coreos:\n  etcd2:\n    name: n\n    proxy: maybe\n  etcd:\n    name: !!binary '!'\n"
                    "  fleet:\n    <<: [a]\n  flannel:\n    interface: !!binary '%'\n  locksmith:\n    group: g\n",
              4);
        const ConfigCoreos *co = &c.cc.coreos;
        /* a whole section, never a single key of it */
        assert_marked(co->etcd2.proxy, "invalid value maybe", 5, 12);
        assert_marked(co->etcd2.self, "invalid value maybe", 5, 12);
        assert_null(co->etcd2.name.error);
        assert_marked(co->etcd.name, "content cannot be decoded as \"!!binary\"", 7, 11);
        assert_marked(co->etcd.self, "content cannot be decoded as \"!!binary\"", 7, 11);
        /* an error with no value of its own still marks the section */
        assert_marked(co->fleet.self, "a merge key (<<) takes mappings only", 9, 10);
        assert_marked(co->flannel.self, "content cannot be decoded as \"!!binary\"", 11, 16);
        assert_null(co->locksmith.self.error);
        assert_null(co->self.error);
        assert_null(c.cc.self.error);
        cloud_config_done(&c);
}

/* A value bound for an environment variable cannot hold a control
 * character: before this was a validator error, the planner refused the
 * drop-in alone and etcd2 was started without its configuration. */
static void test_env_values(void **state) {
        CloudConfig c = {};
        parse(&c, H "coreos:\n  etcd2:\n    name: \"a\\nb\"\n    discovery: https://discovery.etcd.io/x\n"
                    "  update:\n    group: \"s\\rt\"\n    server: https://u.example\n", 2);
        const char *m = "invalid \"name\": contains a control character, which its ETCD_NAME variable cannot carry";
        assert_marked(c.cc.coreos.etcd2.name, m, 4, 11);
        assert_marked(c.cc.coreos.etcd2.self, m, 4, 11);
        assert_false(c.cc.coreos.etcd2.name.set);
        assert_marked(c.cc.coreos.update.group,
                      "invalid \"group\": contains a control character, which its GROUP variable cannot carry", 7, 12);
        assert_null(c.cc.coreos.update.self.error);
        assert_null(c.cc.coreos.update.server.error);
        cloud_config_done(&c);
}

static void test_keys_standing_alone(void **state) {
        CloudConfig c = {};
        parse(&c, H "hostname: 'a b'\nmanage_etc_hosts: remote\ncoreos:\n  update:\n    reboot-strategy: never\n"
                    "    group: stable\n  locksmith:\n    window_start: '25:00'\n    group: g\n",
              4);
        /* update and locksmith keys, and top-level scalars, are their own item */
        assert_marked(c.cc.hostname, "invalid hostname \"a b\"", 2, 11);
        assert_marked(c.cc.manage_etc_hosts, "invalid value remote", 3, 19);
        assert_marked(c.cc.coreos.update.reboot_strategy, "invalid value never", 6, 22);
        assert_null(c.cc.coreos.update.group.error);
        assert_null(c.cc.coreos.update.self.error);
        assert_marked(c.cc.coreos.locksmith.window_start, "invalid value 25:00", 9, 19);
        assert_null(c.cc.coreos.locksmith.self.error);
        assert_null(c.cc.coreos.self.error);
        assert_null(c.cc.self.error);
        cloud_config_done(&c);
}

static void test_warnings_mark_nothing(void **state) {
        CloudConfig c = {};
        parse(&c, H "coreos:\n  etcd2:\n    discovery: not-a-url\n    foo: 1\n    discovery_fallback: x\n", 0);
        assert_null(c.cc.coreos.etcd2.self.error);
        assert_null(c.cc.coreos.etcd2.discovery.error);
        cloud_config_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_files_entry),
                cmocka_unit_test(test_users_entry),
                cmocka_unit_test(test_unit_and_dropin),
                cmocka_unit_test(test_sections),
                cmocka_unit_test(test_env_values),
                cmocka_unit_test(test_keys_standing_alone),
                cmocka_unit_test(test_warnings_mark_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
