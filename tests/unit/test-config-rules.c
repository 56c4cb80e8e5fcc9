/* SPDX-License-Identifier: Apache-2.0 */
#include <zlib.h>

#include "basic/base64.h"
#include "config-test-helpers.h"

#define H "#cloud-config\n"

static void test_seed_is_clean(void **state) {
        assert_diags(H "\ncoreos:\n  etcd:\n    discovery: https://discovery.etcd.io/4776a05c\n"
                       "    addr: $private_ipv4:4001\n    peer-addr: $private_ipv4:7001\n"
                       "  units:\n    - name: etcd.service\n      command: start\n"
                       "    - name: fleet.service\n      command: start\n",
                     "4:3: warning: deprecated key \"etcd\" (etcd is no longer shipped in Container Linux)\n");
}

static void test_unrecognized_and_typo(void **state) {
        assert_diags(H "foo: 1\n", "2:1: warning: unrecognized key \"foo\"\n");
        assert_diags(H "coreos:\n  etcd2:\n    peer_adress: x\n",
                     "3:3: warning: deprecated key \"etcd2\" (etcd2 is no longer shipped in Container Linux)\n"
                     "4:5: warning: unrecognized key \"peer_adress\"\n");
        assert_has_diag(H "coreos:\n  etcd:\n    peer_adress: x\n",
                        "4:5: warning: unrecognized key \"peer_adress\" (did you mean \"peer_addr\"?)");
        assert_has_diag(H "hostnmae: x\n", "2:1: warning: unrecognized key \"hostnmae\" (did you mean \"hostname\"?)");
        /* runcmd is cloud-init's, not a typo of anything here */
        assert_diags(H "runcmd: [ls]\n", "2:1: warning: unrecognized key \"runcmd\"\n");
}

static void test_dash_underscore(void **state) {
        CloudConfig c = {};
        DiagList l = {};
        const char *t = H "coreos:\n  update:\n    reboot-strategy: \"off\"\n  units:\n    - name: a.service\n"
                          "      drop-ins:\n        - name: x.conf\n          content: y\n";

        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_int_equal(l.n, 0);
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "off");
        assert_int_equal(c.cc.coreos.units[0].n_drop_ins, 1);
        assert_string_equal(c.cc.coreos.units[0].drop_ins[0].name.str, "x.conf");
        cloud_config_done(&c);
        diag_list_done(&l);
}

static void test_deprecated(void **state) {
        assert_has_diag(H "coreos:\n  fleet:\n    public-ip: a\n",
                        "3:3: warning: deprecated key \"fleet\" (fleet is no longer shipped in Container Linux)");
        assert_has_diag(H "coreos:\n  etcd:\n    listen_client_urls: a\n",
                        "4:5: warning: deprecated key \"listen_client_urls\" (etcd2 options no longer work for etcd)");
        assert_has_diag(H "coreos:\n  etcd2:\n    ca_file: a\n",
                        "4:5: warning: deprecated key \"ca_file\" (ca_file obsoleted by trusted_ca_file and client_cert_auth)");
        assert_has_diag(H "coreos:\n  etcd2:\n    peer-ca-file: a\n",
                        "4:5: warning: deprecated key \"peer_ca_file\" (peer_ca_file obsoleted peer_trusted_ca_file and peer_client_cert_auth)");
        assert_diags(H "users:\n  - name: u\n    coreos_ssh_import_github: x\n",
                     "4:5: warning: deprecated key \"coreos_ssh_import_github\" (trying to fetch from a remote endpoint introduces too many intermittent errors)\n");
}

static void test_types(void **state) {
        /* a string field takes any scalar, with its raw text */
        assert_diags(H "hostname: 12\n", "");
        assert_diags(H "hostname: [a]\n", "2:1: warning: incorrect type for \"hostname\" (want string)\n");
        assert_diags(H "hostname:\n", "2:1: warning: incorrect type for \"hostname\" (want string)\n");
        assert_diags(H "coreos:\n  etcd2:\n    election_timeout: a\n",
                     "3:3: warning: deprecated key \"etcd2\" (etcd2 is no longer shipped in Container Linux)\n"
                     "4:5: warning: incorrect type for \"election_timeout\" (want int)\n");
        assert_has_diag(H "coreos:\n  fleet:\n    engine_reconcile_interval: x\n",
                        "4:5: warning: incorrect type for \"engine_reconcile_interval\" (want float64)");
        assert_diags(H "coreos:\n  fleet:\n    engine_reconcile_interval: 2\n",
                     "3:3: warning: deprecated key \"fleet\" (fleet is no longer shipped in Container Linux)\n");
        assert_diags(H "coreos:\n  units:\n    - name: a.service\n      enable: maybe\n",
                     "5:7: warning: incorrect type for \"enable\" (want bool)\n");
        assert_diags(H "ssh_authorized_keys: key\n", "2:1: warning: incorrect type for \"ssh_authorized_keys\" (want []string)\n");
        assert_diags(H "ssh_authorized_keys: [{a: b}]\n",
                     "2:23: warning: incorrect type for \"ssh_authorized_keys[0]\" (want string)\n");
        assert_diags(H "coreos: 1\n", "2:1: warning: incorrect type for \"coreos\" (want struct)\n");
        assert_diags(H "users: {}\n", "2:1: warning: incorrect type for \"users\" (want []struct)\n");
        assert_diags(H "users:\n  - name: a\n  - b\n", "4:5: warning: incorrect type for \"users[1]\" (want struct)\n");
        assert_diags(H "- a\n", "2:1: error: incorrect type for the document (want struct): a cloud-config is a mapping of keys to values\n");
}

static void test_no_panic_on_null(void **state) {
        /* coreos-cloudinit panics here */
        assert_diags(H "coreos:\n  update:\n    reboot_strategy:\n",
                     "4:5: warning: incorrect type for \"reboot_strategy\" (want string)\n");
}

#define VALID(key_yaml) assert_diags(H key_yaml, "")

static void test_values(void **state) {
        static const char * const good_perm[] = { "744", "0744", "1744", "01744" };
        static const char * const bad_perm[] = { "11744", "rwxr--r--", "800" };
        char buf[256];

        for (size_t i = 0; i < ELEMENTSOF(good_perm); i++) {
                snprintf(buf, sizeof buf, H "write_files:\n  - path: /a\n    permissions: '%s'\n", good_perm[i]);
                assert_diags(buf, "");
        }
        for (size_t i = 0; i < ELEMENTSOF(bad_perm); i++) {
                char want[128];
                snprintf(buf, sizeof buf, H "write_files:\n  - path: /a\n    permissions: %s\n", bad_perm[i]);
                snprintf(want, sizeof want, "4:18: error: invalid value %s\n", bad_perm[i]);
                assert_diags(buf, want);
        }

        assert_diags(H "coreos:\n  units:\n    - name: a.service\n      command: tryrestart\n",
                     "5:16: error: invalid value tryrestart\n");
        VALID("coreos:\n  units:\n    - name: a.service\n      command: reload-or-try-restart\n");
        assert_diags(H "coreos:\n  update:\n    reboot-strategy: besteffort\n", "4:22: error: invalid value besteffort\n");
        assert_diags(H "coreos:\n  update:\n    reboot-strategy: best_effort\n", "4:22: error: invalid value best_effort\n");
        VALID("coreos:\n  update:\n    reboot-strategy: etcd-lock\n");
        VALID("coreos:\n  update:\n    reboot-strategy: off\n");

        static const char * const good_ws[] = { "Sun 0:0", "sUn 23:59", "00:00", "20:50" };
        static const char * const bad_ws[] = { "tues 0:0", "thur 0:0", "sat00:00", "20:60", "24:00" };
        for (size_t i = 0; i < ELEMENTSOF(good_ws); i++) {
                snprintf(buf, sizeof buf, H "coreos:\n  locksmith:\n    window_start: '%s'\n", good_ws[i]);
                assert_diags(buf, "");
        }
        for (size_t i = 0; i < ELEMENTSOF(bad_ws); i++) {
                char want[128];
                snprintf(buf, sizeof buf, H "coreos:\n  locksmith:\n    window_start: '%s'\n", bad_ws[i]);
                snprintf(want, sizeof want, "4:19: error: invalid value %s\n", bad_ws[i]);
                assert_diags(buf, want);
        }
        static const char * const good_wl[] = { "1h", "1d", "0d", "0.5h", "1h30m" };
        for (size_t i = 0; i < ELEMENTSOF(good_wl); i++) {
                snprintf(buf, sizeof buf, H "coreos:\n  locksmith:\n    window_length: %s\n", good_wl[i]);
                assert_diags(buf, "");
        }
        assert_diags(H "coreos:\n  locksmith:\n    window_length: 0.5.0h\n", "4:20: error: invalid value 0.5.0h\n");
        assert_has_diag(H "coreos:\n  etcd2:\n    proxy: lol\n", "4:12: error: invalid value lol");
        assert_diags(H "manage_etc_hosts: remote\n", "2:19: error: invalid value remote\n");
        VALID("manage_etc_hosts: localhost\n");

        static const char * const good_enc[] = { "base64", "b64", "gz+base64", "gzip+base64", "gz+b64", "gzip+b64" };
        for (size_t i = 0; i < ELEMENTSOF(good_enc); i++) {
                /* "hello" gzipped then base64 */
                const char *content = strstr(good_enc[i], "gz") ? "H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==" : "aGVsbG8=";
                snprintf(buf, sizeof buf, H "write_files:\n  - path: /a\n    encoding: %s\n    content: %s\n", good_enc[i],
                         content);
                assert_diags(buf, "");
        }
        static const char * const bad_enc[] = { "gzzzzbase64", "gzipppbase64", "unknown" };
        for (size_t i = 0; i < ELEMENTSOF(bad_enc); i++) {
                char want[128];
                snprintf(buf, sizeof buf, H "write_files:\n  - path: /a\n    encoding: %s\n", bad_enc[i]);
                snprintf(want, sizeof want, "4:15: error: invalid value %s\n", bad_enc[i]);
                assert_diags(buf, want);
        }
}

static void test_encoding_decodes(void **state) {
        assert_diags(H "write_files:\n  - path: /a\n    encoding: base64\n    content: '!!'\n",
                     "5:14: error: content cannot be decoded as \"base64\"\n");
        /* gzip wants the bytes, i.e. !!binary */
        assert_diags(H "write_files:\n  - path: /a\n    encoding: gzip\n    content: hello\n",
                     "5:14: error: content cannot be decoded as \"gzip\"\n");
        VALID("write_files:\n  - path: /a\n    encoding: gzip\n    content: !!binary H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==\n");
        assert_diags(H "write_files:\n  - path: /a\n    encoding: gz+b64\n    content: aGVsbG8=\n",
                     "5:14: error: content cannot be decoded as \"gz+b64\"\n");
}

static void test_write_files_rules(void **state) {
        assert_diags(H "write_files:\n  - path: /usr/bin/x\n", "3:11: error: file cannot be written to a read-only filesystem\n");
        assert_diags(H "write_files:\n  - path: /usr/share/a/b\n", "3:11: error: file cannot be written to a read-only filesystem\n");
        VALID("write_files:\n  - path: /usr\n");
        /* coreos-cloudinit's plain prefix check flagged these */
        VALID("write_files:\n  - path: /usrx/a\n");
        assert_diags(H "write_files:\n  - path: etc/a\n",
                     "3:11: error: invalid path \"etc/a\": want an absolute path without \"..\" components\n");
        assert_diags(H "write_files:\n  - path: /etc/../usr/a\n",
                     "3:11: error: invalid path \"/etc/../usr/a\": want an absolute path without \"..\" components\n");
        assert_diags(H "write_files:\n  - content: a\n", "3:5: error: write_files[0] has no \"path\"\n");
        VALID("write_files:\n  - path: /a\n    owner: core:core\n");
        VALID("write_files:\n  - path: /a\n    owner: '500'\n");
        assert_diags(H "write_files:\n  - path: /a\n    owner: 'a b'\n",
                     "4:12: error: invalid owner \"a b\": want user, user:group, uid or uid:gid\n");
        assert_diags(H "coreos:\n  write_files:\n    - path: /a\n",
                     "3:3: warning: unrecognized key \"write_files\"\n"
                     "3:3: info: write_files doesn't belong under coreos\n");
}

static void test_units_users(void **state) {
        VALID("coreos:\n  units:\n    - name: nginx@.service\n    - name: nginx@80.service\n    - name: 50-eth.network\n");
        assert_diags(H "coreos:\n  units:\n    - name: ../x.service\n",
                     "4:13: error: invalid unit name \"../x.service\": want a name like foo.service or foo@bar.service, without \"/\"\n");
        assert_diags(H "coreos:\n  units:\n    - name: foo\n",
                     "4:13: error: invalid unit name \"foo\": want a name like foo.service or foo@bar.service, without \"/\"\n");
        assert_diags(H "coreos:\n  units:\n    - command: start\n", "4:7: error: units[0] has no \"name\"\n");
        assert_diags(H "coreos:\n  units:\n    - name: a.service\n      drop-ins:\n        - name: ../a.conf\n          content: x\n",
                     "6:17: error: invalid drop-in name \"../a.conf\": want a file name ending in \".conf\", without \"/\"\n");
        assert_diags(H "coreos:\n  units:\n    - name: a.service\n      drop-ins:\n        - name: a.conf\n",
                     "6:11: warning: drop-in without both \"name\" and \"content\" is ignored\n");
        assert_diags(H "users:\n  - passwd: x\n", "3:5: error: users[0] has no \"name\"\n");
        assert_diags(H "users:\n  - name: 'a b'\n", "3:11: error: invalid user name \"a b\"\n");
}

static void test_discovery(void **state) {
        assert_has_diag(H "coreos:\n  etcd:\n    discovery: not a url\n", "4:16: warning: discovery URL is not valid");
        assert_has_diag(H "coreos:\n  etcd:\n    discovery: foo\n", "4:16: warning: discovery URL is not valid");
        assert_diags(H "coreos:\n  etcd:\n    discovery: https://discovery.etcd.io/abc\n",
                     "3:3: warning: deprecated key \"etcd\" (etcd is no longer shipped in Container Linux)\n");
        assert_has_diag(H "coreos:\n  etcd2:\n    discovery: /abc\n", "4:16: warning: discovery URL is not valid");
}

/* Parses text that must give no error and returns the model. */
static void parse_ok(CloudConfig *c, const char *t) {
        DiagList l = {};
        assert_int_equal(cloud_config_parse(t, strlen(t), c, &l), 0);
        assert_int_equal(diag_list_count(&l, DIAG_ERROR), 0);
        diag_list_done(&l);
}

static void test_duplicates_and_order(void **state) {
        CloudConfig c = {};

        assert_diags(H "hostname: a\nfoo: 1\nhostname: b\n",
                     "3:1: warning: unrecognized key \"foo\"\n"
                     "4:1: warning: duplicate key \"hostname\" (also at line 2); the value at line 4 is used\n");
        /* the later key wins, in both orders */
        parse_ok(&c, H "hostname: a\nhostname: b\n");
        assert_string_equal(c.cc.hostname.str, "b");
        cloud_config_done(&c);
        parse_ok(&c, H "hostname: b\nhostname: a\n");
        assert_string_equal(c.cc.hostname.str, "a");
        cloud_config_done(&c);

        /* an empty later key erases nothing, and the message says so (it
         * said "this one wins" and the first was used) */
        const char *t = H "write_files:\n  - path: /a\n    content: x\nwrite_files:\n";
        assert_diags(t, "5:1: warning: duplicate key \"write_files\" (also at line 2); this one is empty, the value at line 2 is used\n");
        parse_ok(&c, t);
        assert_int_equal(c.cc.n_write_files, 1);
        assert_string_equal(c.cc.write_files[0].path.str, "/a");
        cloud_config_done(&c);

        /* ...and an empty earlier one is replaced */
        t = H "write_files:\nwrite_files:\n  - path: /b\n";
        assert_diags(t, "2:1: warning: incorrect type for \"write_files\" (want []struct)\n"
                        "3:1: warning: duplicate key \"write_files\" (also at line 2); the value at line 3 is used\n");
        parse_ok(&c, t);
        assert_int_equal(c.cc.n_write_files, 1);
        assert_string_equal(c.cc.write_files[0].path.str, "/b");
        cloud_config_done(&c);

        /* a list is replaced, not appended to */
        parse_ok(&c, H "write_files:\n  - path: /a\n  - path: /b\nwrite_files:\n  - path: /c\n");
        assert_int_equal(c.cc.n_write_files, 1);
        assert_string_equal(c.cc.write_files[0].path.str, "/c");
        cloud_config_done(&c);

        /* a later value of the wrong type is not used either */
        assert_has_diag(H "hostname: a\nhostname: [b]\n",
                        "3:1: warning: duplicate key \"hostname\" (also at line 2); this one has the wrong type, the value at line 2 is used");
        parse_ok(&c, H "hostname: a\nhostname: [b]\n");
        assert_string_equal(c.cc.hostname.str, "a");
        cloud_config_done(&c);

        /* two mappings merge, the later one's keys winning */
        t = H "coreos:\n  update:\n    group: alpha\n    server: http://a\n"
              "coreos:\n  update:\n    group: beta\n";
        assert_diags(t, "6:1: warning: duplicate key \"coreos\" (also at line 2); the two are merged, and where both set a key the value at line 6 is used\n");
        parse_ok(&c, t);
        assert_string_equal(c.cc.coreos.update.group.str, "beta");
        assert_string_equal(c.cc.coreos.update.server.str, "http://a");
        cloud_config_done(&c);
}

static void test_legacy_values(void **state) {
        CloudConfig c = {};

        /* best-effort: etcd-lock when etcd or etcd2 is configured, else reboot (issue 9) */
        const char *t = H "coreos:\n  update:\n    reboot-strategy: best-effort\n";
        assert_diags(t, "4:22: warning: deprecated value \"best-effort\" for \"reboot_strategy\" (coreos-cloudinit c36bcb8 "
                        "(Nov 2017, v1.14) dropped it with locksmith's support); using \"reboot\": this cloud-config "
                        "configures neither coreos.etcd nor coreos.etcd2\n");
        parse_ok(&c, t);
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "reboot");
        assert_false(c.cc.coreos.update.reboot_strategy.error);
        cloud_config_done(&c);

        /* etcd2 configured after the update section counts too */
        t = H "coreos:\n  update:\n    reboot-strategy: best-effort\n  etcd2:\n    name: n1\n";
        assert_has_diag(t, "4:22: warning: deprecated value \"best-effort\" for \"reboot_strategy\" (coreos-cloudinit c36bcb8 "
                           "(Nov 2017, v1.14) dropped it with locksmith's support); using \"etcd-lock\": this cloud-config "
                           "configures coreos.etcd2");
        parse_ok(&c, t);
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "etcd-lock");
        cloud_config_done(&c);

        parse_ok(&c, H "coreos:\n  etcd:\n    addr: 1.2.3.4:4001\n  update:\n    reboot-strategy: best-effort\n");
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "etcd-lock");
        cloud_config_done(&c);

        /* an etcd2 key that is present but has no usable value configures nothing */
        parse_ok(&c, H "coreos:\n  etcd2: {}\n  update:\n    reboot-strategy: best-effort\n");
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "reboot");
        cloud_config_done(&c);

        /* "false" (and YAML's other spellings of it) meant off before 40d943f */
        t = H "coreos:\n  update:\n    reboot-strategy: false\n";
        assert_has_diag(t, "4:22: warning: deprecated value \"false\" for \"reboot_strategy\" (coreos-cloudinit d02aa18 "
                           "(Nov 2014) read every YAML false as \"false\", 40d943f (Dec 2014) refused it); using \"off\"");
        parse_ok(&c, t);
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "off");
        cloud_config_done(&c);
        parse_ok(&c, H "coreos:\n  update:\n    reboot-strategy: NO\n");
        assert_string_equal(c.cc.coreos.update.reboot_strategy.str, "off");
        cloud_config_done(&c);
        VALID("coreos:\n  update:\n    reboot-strategy: off\n");

        /* flannel's etcd_endpoint became etcd_endpoints in 58f0dad */
        t = H "coreos:\n  flannel:\n    etcd-endpoint: http://10.0.0.1:4001\n";
        assert_diags(t, "4:5: warning: deprecated key \"etcd_endpoint\" (coreos-cloudinit 58f0dad (Jan 2015, v1.1) "
                        "renamed it etcd_endpoints, the flag flannel reads); read as \"etcd_endpoints\"\n");
        parse_ok(&c, t);
        assert_string_equal(c.cc.coreos.flannel.etcd_endpoints.str, "http://10.0.0.1:4001");
        cloud_config_done(&c);
        /* quoted numbers and bools where coreos-cloudinit read text before it
         * typed the field (62248ea, 08131ff) */
        t = H "coreos:\n  fleet:\n    verbosity: \"2\"\n    etcd_request_timeout: '1.5'\n";
        assert_diags(t, "3:3: warning: deprecated key \"fleet\" (fleet is no longer shipped in Container Linux)\n"
                        "4:16: warning: deprecated quoted value for \"verbosity\" (coreos-cloudinit 62248ea (Nov 2014, "
                        "v0.11.4) typed it; it was text before); read as the int 2\n"
                        "5:27: warning: deprecated quoted value for \"etcd_request_timeout\" (coreos-cloudinit 62248ea "
                        "(Nov 2014, v0.11.4) typed it; it was text before); read as the float64 1.5\n");
        parse_ok(&c, t);
        assert_true(c.cc.coreos.fleet.verbosity.set);
        assert_int_equal(c.cc.coreos.fleet.verbosity.i, 2);
        assert_true(c.cc.coreos.fleet.etcd_request_timeout.f == 1.5);
        cloud_config_done(&c);
        parse_ok(&c, H "coreos:\n  etcd:\n    snapshot: 'true'\n    max_retry_attempts: \"3\"\n");
        assert_true(c.cc.coreos.etcd.snapshot.set);
        assert_true(c.cc.coreos.etcd.snapshot.b);
        assert_int_equal(c.cc.coreos.etcd.max_retry_attempts.i, 3);
        cloud_config_done(&c);
        /* only those fields, and only text of the field's type */
        assert_has_diag(H "coreos:\n  fleet:\n    verbosity: \"two\"\n", "4:5: warning: incorrect type for \"verbosity\" (want int)");
        assert_has_diag(H "coreos:\n  etcd2:\n    election_timeout: \"2\"\n",
                        "4:5: warning: incorrect type for \"election_timeout\" (want int)");
        /* a quoted duplicate is a value that is used */
        assert_has_diag(H "coreos:\n  fleet:\n    verbosity: 1\n    verbosity: \"2\"\n",
                        "5:5: warning: duplicate key \"verbosity\" (also at line 4); the value at line 5 is used");

        /* both names: one key, the later wins */
        parse_ok(&c, H "coreos:\n  flannel:\n    etcd_endpoints: http://a\n    etcd_endpoint: http://b\n");
        assert_string_equal(c.cc.coreos.flannel.etcd_endpoints.str, "http://b");
        cloud_config_done(&c);
}

#define KEY_ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKDZkJYvke0B/spZ7jyqik3oaiKrmhqa1W2NWo6TLKp2"
#define KEY_ECDSA "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGD7xu/o5j0xY7A9l7LrgRHJ6r0pFhgUMkGzoJlQcVhhPaNe58hVRv2o4EPrLfuWgLKHKidq0fnV8b4bbZO1n4s="

static void test_passwd_fields(void **state) {
        CloudConfig c = {};

        /* a newline in the hash became a second chpasswd line: root's (issue 8) */
        const char *t = H "users:\n  - name: bob\n    passwd: \"$6$a$b\\nroot:$6$evil$x\"\n";
        assert_diags(t, "4:13: error: invalid \"passwd\": contains a control character (the tools read one user per line)\n");
        DiagList l = {};
        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_false(c.cc.users[0].passwd.set);
        assert_non_null(c.cc.users[0].passwd.error);
        cloud_config_done(&c);
        diag_list_done(&l);

        assert_diags(H "users:\n  - name: bob\n    passwd: \"a\\tb\"\n",
                     "4:13: error: invalid \"passwd\": contains a control character (the tools read one user per line)\n");
        assert_diags(H "users:\n  - name: bob\n    passwd: \"x\\x7f\"\n",
                     "4:13: error: invalid \"passwd\": contains a control character (the tools read one user per line)\n");
        assert_diags(H "users:\n  - name: bob\n    passwd: a:b\n",
                     "4:13: error: invalid \"passwd\": contains ':' (the field separator of /etc/passwd and /etc/shadow)\n");
        assert_diags(H "users:\n  - name: bob\n    passwd: !!binary YQBi\n",
                     "4:13: error: invalid \"passwd\": contains a NUL byte\n");
        VALID("users:\n  - name: bob\n    passwd: $6$rounds=4096$salt$hash/./AB\n");
        /* a "\0" escape cut the C string short: /etc/shadow\0.x was
         * /etc/shadow, root\0x was root (found by test-apply-property) */
        assert_diags(H "write_files:\n  - path: \"/etc/shadow\\0.example\"\n    content: x\n",
                     "3:11: error: invalid \"path\": contains a NUL byte\n");
        assert_diags(H "users:\n  - name: \"root\\0x\"\n    passwd: $6$s$h\n",
                     "3:11: error: invalid \"name\": contains a NUL byte\n");
        assert_diags(H "users:\n  - name: bob\n    groups: [\"adm\\0x\"]\n",
                     "4:14: error: invalid \"groups[0]\": contains a NUL byte\n");
        VALID("write_files:\n  - path: /a\n    content: !!binary AGIA\n");

        assert_diags(H "users:\n  - name: bob\n    gecos: \"Bob\\nroot\"\n",
                     "4:12: error: invalid \"gecos\": contains a control character (the tools read one user per line)\n");
        assert_diags(H "users:\n  - name: bob\n    gecos: \"Bob: the builder\"\n",
                     "4:12: error: invalid \"gecos\": contains ':' (the field separator of /etc/passwd and /etc/shadow)\n");
        VALID("users:\n  - name: bob\n    gecos: Bob Builder,Room 1,555\n");
        assert_diags(H "users:\n  - name: bob\n    homedir: home/bob\n",
                     "4:14: error: invalid \"homedir\": is not an absolute path\n");
        assert_diags(H "users:\n  - name: bob\n    homedir: /home/b:b\n",
                     "4:14: error: invalid \"homedir\": contains ':' (the field separator of /etc/passwd and /etc/shadow)\n");
        assert_diags(H "users:\n  - name: bob\n    shell: \"/bin/sh\\r\"\n",
                     "4:12: error: invalid \"shell\": contains a control character (the tools read one user per line)\n");
        VALID("users:\n  - name: bob\n    homedir: /home/bob\n    shell: /bin/bash\n");
}

static void test_account_names(void **state) {
        /* "..": the key step wrote /.ssh (issue 8) */
        assert_diags(H "users:\n  - name: ..\n", "3:11: error: invalid user name \"..\"\n");
        assert_diags(H "users:\n  - name: Bob\n", "3:11: error: invalid user name \"Bob\"\n");
        assert_diags(H "users:\n  - name: -bob\n", "3:11: error: invalid user name \"-bob\"\n");
        assert_diags(H "users:\n  - name: '1000'\n", "3:11: error: invalid user name \"1000\"\n");
        assert_diags(H "users:\n  - name: a23456789012345678901234567890123\n",
                     "3:11: error: invalid user name \"a23456789012345678901234567890123\"\n");
        VALID("users:\n  - name: a2345678901234567890123456789012\n");
        VALID("users:\n  - name: _svc-1\n  - name: machine$\n");
        assert_diags(H "users:\n  - name: bob\n    primary_group: a:b\n", "4:20: error: invalid group name \"a:b\"\n");
        assert_diags(H "users:\n  - name: bob\n    groups: [wheel, \"a,b\", docker]\n",
                     "4:21: error: invalid group name \"a,b\"\n");
        assert_diags(H "users:\n  - name: bob\n    groups: [\"wheel\\nroot\"]\n",
                     "4:14: error: invalid group name \"wheel\nroot\"\n");
        VALID("users:\n  - name: bob\n    primary_group: staff\n    groups: [wheel, docker, systemd-journal]\n");

        /* the bad group is left out of the list, and the user is marked */
        CloudConfig c = {};
        DiagList l = {};
        const char *t = H "users:\n  - name: bob\n    groups: [wheel, \"a,b\", docker]\n";
        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_int_equal(c.cc.users[0].groups.n_strv, 2);
        assert_string_equal(c.cc.users[0].groups.strv[1], "docker");
        assert_null(c.cc.users[0].groups.strv[2]);
        assert_string_equal(c.cc.users[0].self.error, "invalid group name \"a,b\"");
        cloud_config_done(&c);
        diag_list_done(&l);
}

static void test_ssh_keys(void **state) {
        CloudConfig c = {};

        VALID("ssh_authorized_keys:\n  - " KEY_ED25519 "\n  - " KEY_ED25519 " me@host\n  - " KEY_ECDSA " a b c\n");
        /* options, with a quoted blank */
        VALID("ssh_authorized_keys:\n  - 'no-pty,command=\"echo \\\"a b\\\"\" " KEY_ED25519 " me'\n");
        /* certificate and security-key types, blanks that are tabs */
        VALID("ssh_authorized_keys:\n  - \"cert-authority ssh-ed25519-cert-v01@openssh.com\\t"
              "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\"\n"
              "  - sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB yubikey\n");
        /* a cert blob under the plain type's name is refused, as sshd does */
        assert_diags(H "ssh_authorized_keys:\n  - ssh-ed25519 "
                       "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has a key blob that is not of the key type named before it, so sshd would skip the line; not installed\n");
        /* an escaped quote does not end the options' quoted string */
        assert_diags(H "ssh_authorized_keys:\n  - 'command=\"a\\\" " KEY_ED25519 "'\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has an unterminated quote in its options, so sshd would skip the line; not installed\n");
        /* a "|" block's line break is no part of the line */
        parse_ok(&c, H "ssh_authorized_keys:\n  - |\n    " KEY_ED25519 " me\n");
        assert_string_equal(c.cc.ssh_authorized_keys.strv[0], KEY_ED25519 " me");
        cloud_config_done(&c);

        /* a second line is a second key: refused (issue 8) */
        assert_diags(H "ssh_authorized_keys:\n  - \"" KEY_ED25519 " a\\n" KEY_ECDSA "\"\n",
                     "3:5: error: invalid \"ssh_authorized_keys[0]\": contains a control character (an entry is one line of authorized_keys)\n");
        assert_diags(H "ssh_authorized_keys:\n  - ssh-foo AAAA\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has no known key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...), so sshd would skip the line; not installed\n");
        assert_diags(H "ssh_authorized_keys:\n  - ssh-ed25519\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has no key after the key type, so sshd would skip the line; not installed\n");
        assert_diags(H "ssh_authorized_keys:\n  - ssh-ed25519 AAAA!!\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has a key that is not base64, so sshd would skip the line; not installed\n");
        /* the blob names its type; an ed25519 blob is no RSA key */
        assert_diags(H "ssh_authorized_keys:\n  - ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKDZkJYvke0B/spZ7jyqik3oaiKrmhqa1W2NWo6TLKp2\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has a key blob that is not of the key type named before it, so sshd would skip the line; not installed\n");
        assert_diags(H "ssh_authorized_keys:\n  - 'command=\"x " KEY_ED25519 "'\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" has an unterminated quote in its options, so sshd would skip the line; not installed\n");
        assert_diags(H "ssh_authorized_keys:\n  - '# " KEY_ED25519 "'\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" is empty or a comment, not a key, so sshd would skip the line; not installed\n");
        assert_diags(H "ssh_authorized_keys:\n  - ''\n",
                     "3:5: warning: \"ssh_authorized_keys[0]\" is empty or a comment, not a key, so sshd would skip the line; not installed\n");

        /* a line that is no key is left out with a warning; its user stays */
        const char *u = H "ssh_authorized_keys:\n  - ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0g+ZTxC7weoIJLUafOgrm+h...\n"
                          "  - " KEY_ED25519 "\n"
                          "users:\n  - name: bob\n    ssh_authorized_keys: [bad, \"" KEY_ECDSA "\"]\n";
        DiagList w = {};
        assert_int_equal(cloud_config_parse(u, strlen(u), &c, &w), 0);
        assert_int_equal(diag_list_count(&w, DIAG_ERROR), 0);
        assert_int_equal(diag_list_count(&w, DIAG_WARNING), 2);
        assert_int_equal(c.cc.ssh_authorized_keys.n_strv, 1);
        assert_string_equal(c.cc.ssh_authorized_keys.strv[0], KEY_ED25519);
        assert_null(c.cc.ssh_authorized_keys.error);
        assert_int_equal(c.cc.n_users, 1);
        assert_null(c.cc.users[0].self.error);
        assert_int_equal(c.cc.users[0].ssh_authorized_keys.n_strv, 1);
        assert_string_equal(c.cc.users[0].ssh_authorized_keys.strv[0], KEY_ECDSA);
        cloud_config_done(&c);
        diag_list_done(&w);

        /* a key that would be two lines is refused: the top-level list is
         * the item; in users[] the user is */
        const char *t = H "ssh_authorized_keys:\n  - " KEY_ED25519 "\n  - \"a\\nb\"\n"
                          "users:\n  - name: bob\n    ssh_authorized_keys: [\"a\\rb\", \"" KEY_ECDSA "\"]\n";
        DiagList l = {};
        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_int_equal(diag_list_count(&l, DIAG_ERROR), 2);
        assert_int_equal(c.cc.ssh_authorized_keys.n_strv, 1);
        assert_non_null(c.cc.ssh_authorized_keys.error);
        assert_int_equal(c.cc.ssh_authorized_keys.error_line, 4);
        assert_int_equal(c.cc.users[0].ssh_authorized_keys.n_strv, 1);
        assert_string_equal(c.cc.users[0].ssh_authorized_keys.strv[0], KEY_ECDSA);
        assert_non_null(c.cc.users[0].self.error);
        assert_int_equal(c.cc.users[0].self.error_line, 7);
        assert_int_equal(c.cc.users[0].self.error_column, 27);
        cloud_config_done(&c);
        diag_list_done(&l);
}

static void test_same_file(void **state) {
        /* "/etc/x" and "/etc//x" failed the batch; a 0600 secret lost to
         * 0644 silently (issue 8) */
        assert_diags(H "write_files:\n  - path: /etc//x\n  - path: /etc/x\n",
                     "3:11: warning: write_files[0] (/etc//x) and write_files[1] (/etc/x, line 4) are the same file; "
                     "write_files[1] is used\n");
        assert_diags(H "write_files:\n  - path: /etc/./y\n    permissions: '0600'\n    owner: core\n"
                       "  - path: /etc/y\n    permissions: '0644'\n",
                     "3:11: warning: write_files[0] (/etc/./y) and write_files[1] (/etc/y, line 6) are the same file; "
                     "write_files[1] is used, and write_files[0]'s permissions 0600 and owner core are not\n");
        assert_diags(H "write_files:\n  - path: /a/\n    permissions: '644'\n  - path: /b\n  - path: /a\n    permissions: '0644'\n"
                       "  - path: /a/.\n    owner: bob\n",
                     "3:11: warning: write_files[0] (/a/) and write_files[3] (/a/., line 8) are the same file; "
                     "write_files[3] is used, and write_files[0]'s owner root is not\n"
                     "6:11: warning: write_files[2] (/a) and write_files[3] (/a/., line 8) are the same file; "
                     "write_files[3] is used, and write_files[2]'s owner root is not\n");
        assert_diags(H "write_files:\n  - path: /etc//z\n    permissions: '0600'\n  - path: /etc/z\n",
                     "3:11: warning: write_files[0] (/etc//z) and write_files[1] (/etc/z, line 5) are the same file; "
                     "write_files[1] is used, and write_files[0]'s permissions 0600 are not\n");
        VALID("write_files:\n  - path: /etc/x\n  - path: /etc/xy\n  - path: /etc/x/y\n");
}

static void test_raw_scalars_and_merge(void **state) {
        CloudConfig c = {};
        DiagList l = {};
        const char *t = H "write_files:\n  - path: /a\n    permissions: 0744\n"
                          "coreos:\n  etcd2:\n    proxy: off\n    snapshot_count: 0x10\n    debug: false\n"
                          "  units:\n    - &u {name: a.service, command: start}\n    - <<: *u\n      name: b.service\n";

        assert_int_equal(cloud_config_parse(t, strlen(t), &c, &l), 0);
        assert_string_equal(c.cc.write_files[0].permissions.str, "0744");
        assert_string_equal(c.cc.coreos.etcd2.proxy.str, "off");
        assert_int_equal(c.cc.coreos.etcd2.snapshot_count.i, 16);
        assert_true(c.cc.coreos.etcd2.debug.set);
        assert_false(c.cc.coreos.etcd2.debug.b);
        assert_int_equal(c.cc.coreos.n_units, 2);
        assert_string_equal(c.cc.coreos.units[1].name.str, "b.service");
        assert_string_equal(c.cc.coreos.units[1].command.str, "start");
        cloud_config_done(&c);
        diag_list_done(&l);
}

static void test_value_format(void **state) {
        char buf[64];
        Value v = { .set = true };

        v.f = 1e8;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "1e+08");
        v.f = 0.5;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "0.5");
        v.f = 123456;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "123456");
        v.f = 1234567;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "1.234567e+06");
        v.f = 0.0001;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "0.0001");
        v.f = 0.00001;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "1e-05");
        v.f = 2;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "2");
        v.f = -1.5;
        assert_string_equal(value_format(&v, FIELD_FLOAT, buf, sizeof buf), "-1.5");
        v.i = -42;
        assert_string_equal(value_format(&v, FIELD_INT, buf, sizeof buf), "-42");
        v.b = false;
        assert_string_equal(value_format(&v, FIELD_BOOL, buf, sizeof buf), "false");
}

static void test_schema_table(void **state) {
        /* the irregular variable names coreos-cloudinit hard-codes */
        assert_string_equal(schema_find(&schema_ConfigEtcd, "snapshot-count", 14)->env, "ETCD_SNAPSHOTCOUNT");
        assert_string_equal(schema_find(&schema_ConfigEtcd2, "snapshot_count", 14)->env, "ETCD_SNAPSHOT_COUNT");
        assert_string_equal(schema_find(&schema_ConfigFlannel, "interface", 9)->env, "FLANNELD_IFACE");
        assert_string_equal(schema_find(&schema_ConfigLocksmith, "window_start", 12)->env, "REBOOT_WINDOW_START");
        assert_string_equal(schema_find(&schema_ConfigUpdate, "reboot_strategy", 15)->env, "REBOOT_STRATEGY");
        assert_int_equal(schema_ConfigEtcd.n_fields, 49);
        assert_int_equal(schema_ConfigEtcd2.n_fields, 41);
        assert_int_equal(schema_ConfigFleet.n_fields, 17);
        assert_string_equal(schema_ConfigEtcd2.dropin_unit, "etcd2.service");
        size_t deprecated = 0;
        for (size_t i = 0; i < schema_ConfigEtcd.n_fields; i++)
                deprecated += schema_ConfigEtcd.fields[i].deprecated != NULL;
        assert_int_equal(deprecated, 16);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_is_clean),
                cmocka_unit_test(test_unrecognized_and_typo),
                cmocka_unit_test(test_dash_underscore),
                cmocka_unit_test(test_deprecated),
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_no_panic_on_null),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_encoding_decodes),
                cmocka_unit_test(test_write_files_rules),
                cmocka_unit_test(test_units_users),
                cmocka_unit_test(test_discovery),
                cmocka_unit_test(test_duplicates_and_order),
                cmocka_unit_test(test_legacy_values),
                cmocka_unit_test(test_passwd_fields),
                cmocka_unit_test(test_account_names),
                cmocka_unit_test(test_ssh_keys),
                cmocka_unit_test(test_same_file),
                cmocka_unit_test(test_raw_scalars_and_merge),
                cmocka_unit_test(test_value_format),
                cmocka_unit_test(test_schema_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
