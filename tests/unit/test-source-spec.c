/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "net/http.h"
#include "source/source.h"

static void check_word(const char *word, SourceKind kind, const char *arg) {
        SourceSpec s = {};

        assert_int_equal(source_spec_parse(word, &s), 0);
        assert_int_equal(s.kind, kind);
        if (arg)
                assert_string_equal(s.arg, arg);
        else
                assert_null(s.arg);
        source_spec_done(&s);
}

static void test_words(void **state) {
        SourceSpec s = {};

        check_word("ec2", SOURCE_EC2, "http://169.254.169.254/");
        check_word("ec2:http://127.0.0.1:24001", SOURCE_EC2, "http://127.0.0.1:24001/");
        check_word("ec2:http://127.0.0.1:24001/", SOURCE_EC2, "http://127.0.0.1:24001/");
        check_word("file:/tmp/a:b", SOURCE_FILE, "/tmp/a:b");
        check_word("url:https://example.com/x?y=1", SOURCE_URL, "https://example.com/x?y=1");
        check_word("cmdline", SOURCE_CMDLINE, NULL);
        check_word("proc-cmdline", SOURCE_CMDLINE, NULL);
        check_word("configdrive", SOURCE_CONFIGDRIVE, "/media/configdrive");
        check_word("configdrive:/mnt/cd", SOURCE_CONFIGDRIVE, "/mnt/cd");
        check_word("gce", SOURCE_GCE, "http://metadata.google.internal/");
        check_word("digitalocean", SOURCE_DIGITALOCEAN, "http://169.254.169.254/");
        check_word("packet", SOURCE_PACKET, "https://metadata.packet.net/");
        check_word("waagent", SOURCE_WAAGENT, "/var/lib/waagent");
        check_word("ec2-metadata-service:http://h/", SOURCE_EC2, "http://h/");
        check_word("ec2:http://[fd00:ec2::254]", SOURCE_EC2, "http://[fd00:ec2::254]/");
        check_word("vmware-guestinfo", SOURCE_VMWARE_GUESTINFO, NULL);
        check_word("vmware", SOURCE_VMWARE_GUESTINFO, NULL);
        check_word("vmware-ovf-env:/media/ovfenv/ovf-env.xml", SOURCE_VMWARE_OVF, "/media/ovfenv/ovf-env.xml");
        check_word("cloudsigma", SOURCE_CLOUDSIGMA, NULL);
        check_word("cloudsigma:/dev/ttyS2", SOURCE_CLOUDSIGMA, "/dev/ttyS2");
        check_word("server-context", SOURCE_CLOUDSIGMA, NULL);
        assert_int_equal(source_spec_parse("vmware-guestinfo:x", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("vmware-ovf-env", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("cloudsigma:", &s), -EBADMSG);

        assert_int_equal(source_spec_parse("bogus", &s), -EINVAL);
        assert_int_equal(source_spec_parse("", &s), -EINVAL);
        assert_int_equal(source_spec_parse("file", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("file:", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("url", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("url:file:///etc/passwd", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("ec2:ftp://x/", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("ec2:http://", &s), -EBADMSG);
        assert_int_equal(source_spec_parse("cmdline:x", &s), -EBADMSG);
}

static void test_flags(void **state) {
        SourceSpec s = {};

        assert_int_equal(source_spec_from_flag("from-ec2-metadata", "http://10.0.0.1", &s), 0);
        assert_int_equal(s.kind, SOURCE_EC2);
        assert_string_equal(s.arg, "http://10.0.0.1/");
        source_spec_done(&s);

        assert_int_equal(source_spec_from_flag("from-metadata-service", NULL, &s), 0);
        assert_int_equal(s.kind, SOURCE_EC2);
        assert_string_equal(s.arg, "http://169.254.169.254/");
        source_spec_done(&s);

        assert_int_equal(source_spec_from_flag("from-proc-cmdline", "true", &s), 0);
        assert_int_equal(s.kind, SOURCE_CMDLINE);
        source_spec_done(&s);

        assert_int_equal(source_spec_from_flag("from-proc-cmdline", "false", &s), -ENOENT);
        assert_int_equal(source_spec_from_flag("from-proc-cmdline", "maybe", &s), -EBADMSG);
        assert_int_equal(source_spec_from_flag("from-file", "", &s), -EBADMSG);
        assert_int_equal(source_spec_from_flag("from-vmware-guestinfo", NULL, &s), 0);
        assert_int_equal(s.kind, SOURCE_VMWARE_GUESTINFO);
        assert_null(s.arg);
        source_spec_done(&s);
        assert_int_equal(source_spec_from_flag("from-vmware-guestinfo", "false", &s), -ENOENT);
        assert_int_equal(source_spec_from_flag("from-cloudsigma-metadata", "true", &s), 0);
        assert_int_equal(s.kind, SOURCE_CLOUDSIGMA);
        assert_null(s.arg); /* the options' device, else /dev/ttyS1 */
        source_spec_done(&s);
        assert_int_equal(source_spec_from_flag("from-vmware-ovf-env", "/media/ovfenv/ovf-env.xml", &s), 0);
        assert_int_equal(s.kind, SOURCE_VMWARE_OVF);
        assert_string_equal(s.arg, "/media/ovfenv/ovf-env.xml");
        source_spec_done(&s);
        assert_int_equal(source_spec_from_flag("from-vmware-ovf-env", "", &s), -EBADMSG);
        assert_int_equal(source_spec_from_flag("validate", NULL, &s), -EINVAL);
        assert_int_equal(source_spec_from_flag("from-file", "/x", &s), 0);
        assert_int_equal(s.kind, SOURCE_FILE);
        source_spec_done(&s);
        assert_int_equal(source_spec_from_flag("from-waagent", "/var/lib/waagent", &s), 0);
        assert_int_equal(s.kind, SOURCE_WAAGENT);
        source_spec_done(&s);
}

static void test_oem(void **state) {
        SourceSpec *s = NULL;
        size_t n = 0;

        assert_int_equal(source_oem_preset("ec2-compat", &s, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(s[0].kind, SOURCE_EC2);
        assert_string_equal(s[0].arg, "http://169.254.169.254/");
        assert_int_equal(s[1].kind, SOURCE_CONFIGDRIVE);
        assert_string_equal(s[1].arg, "/media/configdrive");
        source_spec_array_free(s, n);

        assert_int_equal(source_oem_preset("gce", &s, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(s[0].arg, "http://metadata.google.internal/");
        source_spec_array_free(s, n);

        assert_int_equal(source_oem_preset("azure", &s, &n), 0);
        assert_int_equal(s[0].kind, SOURCE_WAAGENT);
        source_spec_array_free(s, n);

        assert_int_equal(source_oem_preset("vmware", &s, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(s[0].kind, SOURCE_VMWARE_GUESTINFO);
        source_spec_array_free(s, n);
        assert_int_equal(source_oem_netconf("vmware"), SOURCE_NETCONF_VMWARE);

        assert_int_equal(source_oem_preset("cloudsigma", &s, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(s[0].kind, SOURCE_CLOUDSIGMA);
        source_spec_array_free(s, n);
        assert_int_equal(source_oem_netconf("cloudsigma"), SOURCE_NETCONF_NONE);

        assert_int_equal(source_oem_preset("rackspace-onmetal", &s, &n), 0);
        assert_int_equal(s[0].kind, SOURCE_CONFIGDRIVE);
        assert_string_equal(s[0].arg, "/media/configdrive");
        source_spec_array_free(s, n);
        assert_int_equal(source_oem_netconf("rackspace-onmetal"), SOURCE_NETCONF_DEBIAN);
        assert_int_equal(source_oem_netconf("ec2-compat"), SOURCE_NETCONF_NONE);
        assert_int_equal(source_oem_netconf(NULL), SOURCE_NETCONF_NONE);

        assert_int_equal(source_oem_preset("nope", &s, &n), -EINVAL);
        assert_int_equal(source_oem_preset(NULL, &s, &n), -EINVAL);
}

static void test_kind_strings(void **state) {
        for (SourceKind k = 0; k < _SOURCE_KIND_MAX; k++) {
                assert_non_null(source_kind_to_string(k));
                assert_int_equal(source_kind_from_string(source_kind_to_string(k)), k);
        }
        assert_null(source_kind_to_string(_SOURCE_KIND_MAX));
        assert_int_equal(source_kind_from_string("nope"), _SOURCE_KIND_INVALID);
}

static void test_fetch_file(void **state) {
        char dir[] = "/tmp/nit-test-source-XXXXXX", path[64];
        SourceResult r = {};
        SourceSpec s[2] = {};
        FILE *f;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/ud", dir);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs("#cloud-config\n", f);
        fclose(f);

        /* A config drive that is not there loses the race to the file. */
        s[0] = (SourceSpec) { .kind = SOURCE_CONFIGDRIVE, .arg = (char *) "/nonexistent/nit" };
        s[1] = (SourceSpec) { .kind = SOURCE_FILE, .arg = path };
        assert_int_equal(source_fetch(s, 2, &(SourceOptions) { .timeout_usec = 5000000 }, &r), 0);
        assert_int_equal(r.kind, SOURCE_FILE);
        assert_string_equal(r.where, path);
        assert_true(r.have_user_data);
        assert_int_equal(r.user_data_size, 14);
        assert_string_equal(r.user_data, "#cloud-config\n");
        assert_int_equal(r.counters.requests, 0);
        source_result_done(&r);

        /* Nothing appears: the deadline ends it, with the reason. */
        assert_int_equal(source_fetch(s, 1, &(SourceOptions) { .timeout_usec = 1000 }, &r), -ETIMEDOUT);
        assert_non_null(strstr(r.error, "/nonexistent/nit"));
        source_result_done(&r);

        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

static void test_fetch_nothing(void **state) {
        SourceResult r = {};

        assert_int_equal(source_fetch(NULL, 0, NULL, &r), -EINVAL);
        assert_non_null(r.error);
        source_result_done(&r);
}

static void check_redact(const char *url, const char *want) {
        char *r = http_url_redact(url);

        assert_non_null(r);
        assert_string_equal(r, want);
        free(r);
}

static void test_url_redact(void **state) {
        check_redact("http://169.254.169.254/latest/api/token", "http://169.254.169.254/latest/api/token");
        check_redact("https://user:secret@example.com/ud", "https://example.com/ud");
        check_redact("https://s3.example.com/b/ud?X-Amz-Signature=abc", "https://s3.example.com/b/ud?...");
        check_redact("https://u@h", "https://h");
        check_redact("http://h/a#frag", "http://h/a?...");
        check_redact("http://h/p@q", "http://h/p@q");
        check_redact("http://[fd00:ec2::254]/latest/user-data", "http://[fd00:ec2::254]/latest/user-data");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_words),
                cmocka_unit_test(test_flags),
                cmocka_unit_test(test_oem),
                cmocka_unit_test(test_kind_strings),
                cmocka_unit_test(test_fetch_nothing),
                cmocka_unit_test(test_fetch_file),
                cmocka_unit_test(test_url_redact),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
