/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply/systemd.h"
#include "basic/fileio.h"
#include "basic/strv.h"

static void check_argv(const char *script, const char *expect_joined) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = script_exec_argv(script, strlen(script), "/w/s", &argv);
        if (!expect_joined) {
                assert_int_equal(r, -EINVAL);
                return;
        }
        assert_int_equal(r, 0);
        _cleanup_free_ char *j = strv_join(argv, "|");
        assert_string_equal(j, expect_joined);
}

static void test_script_exec_argv(void **state) {
        check_argv("#!/bin/sh\necho hi\n", "/bin/sh|/w/s");
        check_argv("#!/usr/bin/python3\nprint(1)\n", "/usr/bin/python3|/w/s");
        /* the kernel passes everything after the first blank as ONE argument */
        check_argv("#!/bin/bash -e -u\n", "/bin/bash|-e -u|/w/s");
        check_argv("#! /usr/bin/env python3 \r\nx\n", "/usr/bin/env|python3|/w/s");
        check_argv("#!/bin/sh", "/bin/sh|/w/s");
        check_argv("#!\t/bin/sh\t-x\n", "/bin/sh|-x|/w/s");
        /* coreos-cloudinit ran everything with /bin/bash; we need a real #! */
        check_argv("echo hi\n", NULL);
        check_argv("#!\n", NULL);
        check_argv("#!python3\n", NULL);
        check_argv("", NULL);
}

static void test_outcomes(void **state) {
        assert_int_equal(unit_outcome_from_job_result("done"), UNIT_OUTCOME_DONE);
        assert_int_equal(unit_outcome_from_job_result("failed"), UNIT_OUTCOME_FAILED);
        assert_int_equal(unit_outcome_from_job_result("dependency"), UNIT_OUTCOME_DEPENDENCY);
        assert_int_equal(unit_outcome_from_job_result("canceled"), UNIT_OUTCOME_CANCELED);
        assert_int_equal(unit_outcome_from_job_result("timeout"), UNIT_OUTCOME_TIMEOUT);
        assert_int_equal(unit_outcome_from_job_result("skipped"), UNIT_OUTCOME_SKIPPED);
        /* ours, never a systemd job result */
        assert_int_equal(unit_outcome_from_job_result("queued"), UNIT_OUTCOME_OTHER);
        assert_int_equal(unit_outcome_from_job_result("invalid"), UNIT_OUTCOME_OTHER);
        assert_int_equal(unit_outcome_from_job_result(NULL), UNIT_OUTCOME_OTHER);

        assert_true(unit_outcome_is_success(UNIT_OUTCOME_DONE));
        assert_true(unit_outcome_is_success(UNIT_OUTCOME_QUEUED));
        assert_true(unit_outcome_is_success(UNIT_OUTCOME_SKIPPED));
        assert_true(unit_outcome_is_success(UNIT_OUTCOME_WARNING));
        assert_false(unit_outcome_is_success(UNIT_OUTCOME_FAILED));
        assert_false(unit_outcome_is_success(UNIT_OUTCOME_ERROR));
        assert_false(unit_outcome_is_success(UNIT_OUTCOME_DEPENDENCY));
        assert_false(unit_outcome_is_success(UNIT_OUTCOME_OTHER));

        for (int i = 0; i < _UNIT_OUTCOME_MAX; i++)
                assert_int_equal(unit_outcome_from_string(unit_outcome_to_string(i)), i);
        for (int i = 0; i < _UNIT_STEP_MAX; i++)
                assert_int_equal(unit_step_from_string(unit_step_to_string(i)), i);
        assert_int_equal(systemd_mode_from_string("user"), SYSTEMD_MODE_USER);
        assert_int_equal(systemd_mode_from_string("bogus"), _SYSTEMD_MODE_INVALID);
}

/* --systemd=none: no bus, no libsystemd; every step is still reported, in
 * coreos-cloudinit's order, and nothing fails. */
static void test_apply_none(void **state) {
        SystemdBus *bus = (SystemdBus *) 1;
        assert_int_equal(systemd_connect(SYSTEMD_MODE_NONE, NULL, &bus), 0);
        assert_null(bus);

        PlanUnit units[] = {
                { .name = (char *) "a.service", .enable = true, .command = UNIT_COMMAND_START, .changed = true },
                { .name = (char *) "b.service", .mask = true, .changed = true, .command = _UNIT_COMMAND_INVALID },
                { .name = (char *) "10-eth.network", .network = true, .enable = true, .changed = true,
                  .command = UNIT_COMMAND_START },
                { .name = (char *) "c.service", .command = UNIT_COMMAND_RELOAD_OR_TRY_RESTART },
                { .name = NULL, .command = UNIT_COMMAND_START },
        };
        UnitResult *res = NULL;
        size_t n = 0;
        assert_int_equal(systemd_apply_units(NULL, units, ELEMENTSOF(units), NULL, &res, &n), 0);

        static const struct { UnitStep step; const char *unit; } expect[] = {
                { UNIT_STEP_ENABLE, "a.service" },
                { UNIT_STEP_ENABLE, "10-eth.network" },
                { UNIT_STEP_MASK, "b.service" },
                { UNIT_STEP_NETWORKD, "systemd-networkd.service" },
                { UNIT_STEP_COMMAND, "a.service" },
                { UNIT_STEP_COMMAND, "c.service" },
        };
        assert_int_equal(n, ELEMENTSOF(expect));
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(res[i].step, expect[i].step);
                assert_string_equal(res[i].unit, expect[i].unit);
                assert_int_equal(res[i].outcome, UNIT_OUTCOME_SKIPPED);
                assert_non_null(res[i].message);
        }
        assert_int_equal(res[5].command, UNIT_COMMAND_RELOAD_OR_TRY_RESTART);
        unit_results_free(res, n);
}

static size_t count_entries(int dfd, const char *dir) {
        _cleanup_close_ int fd = openat(dfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        DIR *d = fdopendir(TAKE_FD(fd));
        size_t n = 0;
        for (struct dirent *de; d && (de = readdir(d));)
                n += de->d_name[0] != '.';
        if (d)
                closedir(d);
        return n;
}

static void rm_rf(const char *path) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", path);
        assert_int_equal(system(cmd), 0);
}

static void test_script_saved_without_bus(void **state) {
        char root[] = "/tmp/nit-test-apply-XXXXXX";
        assert_non_null(mkdtemp(root));
        _cleanup_(fs_root_done) FsRoot fsr = { .fd = -EBADF };
        assert_int_equal(fs_root_open(root, &fsr), 0);
        int fd = fsr.fd;

        const char *text = "#!/bin/sh\necho hi\n";
        PlanScript s = { .content = (char *) text, .size = strlen(text) };
        UnitResult r;
        assert_int_equal(systemd_run_script(NULL, &s, &fsr, "/var/lib/nodeinit", NULL, &r), 0);
        assert_int_equal(r.outcome, UNIT_OUTCOME_SKIPPED);
        assert_int_equal(r.step, UNIT_STEP_SCRIPT);
        /* named by content: the first 12 hex digits of its SHA-1 */
        assert_string_equal(r.unit, "nodeinit-script-b2b62c101a15.service");

        /* saved as <workspace>/scripts/<id>, 0700 in a 0700 directory, the same bytes */
        const char *path = "var/lib/nodeinit/scripts/b2b62c101a15";
        struct stat st;
        assert_int_equal(fstatat(fd, path, &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(fstatat(fd, "var/lib/nodeinit/scripts", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        _cleanup_free_ char *back = NULL;
        size_t size;
        assert_int_equal(read_full_file_at(fd, path, 4096, &back, &size), 0);
        assert_string_equal(back, text);

        /* the same script again: the same file and unit, no second copy */
        UnitResult r3;
        assert_int_equal(systemd_run_script(NULL, &s, &fsr, "/var/lib/nodeinit", NULL, &r3), 0);
        assert_string_equal(r3.unit, r.unit);
        assert_int_equal(count_entries(fd, "var/lib/nodeinit/scripts"), 1);
        unit_result_done(&r3);

        /* no #! line: an error, and nothing saved */
        PlanScript bad = { .content = (char *) "echo\n", .size = 5 };
        UnitResult r2;
        assert_int_equal(systemd_run_script(NULL, &bad, &fsr, "/var/lib/nodeinit", NULL, &r2), 1);
        assert_int_equal(r2.outcome, UNIT_OUTCOME_ERROR);
        assert_int_equal(count_entries(fd, "var/lib/nodeinit/scripts"), 1);

        rm_rf(root);
        unit_result_done(&r);
        unit_result_done(&r2);
}

/* A symlink planted under --root does not lead the script out of it. */
static void test_script_symlink_escape(void **state) {
        char root[] = "/tmp/nit-test-apply-XXXXXX", outside[] = "/tmp/nit-test-outside-XXXXXX";
        assert_non_null(mkdtemp(root));
        assert_non_null(mkdtemp(outside));
        _cleanup_(fs_root_done) FsRoot fsr = { .fd = -EBADF };
        assert_int_equal(fs_root_open(root, &fsr), 0);
        assert_int_equal(mkdirat(fsr.fd, "ws", 0755), 0);
        assert_int_equal(symlinkat(outside, fsr.fd, "ws/scripts"), 0);

        const char *text = "#!/bin/sh\necho hi\n";
        PlanScript s = { .content = (char *) text, .size = strlen(text) };
        UnitResult r;
        /* ws/scripts resolves inside the root, to <root><outside>, which
         * does not exist: refused, nothing saved anywhere */
        assert_int_equal(systemd_run_script(NULL, &s, &fsr, "/ws", NULL, &r), 1);
        assert_int_equal(r.outcome, UNIT_OUTCOME_ERROR);
        assert_non_null(r.message);
        assert_non_null(strstr(r.message, "cannot save script as /ws/scripts/"));
        assert_int_equal(count_entries(AT_FDCWD, outside), 0);
        assert_int_equal(count_entries(fsr.fd, "ws"), 1); /* the link alone */
        unit_result_done(&r);

        /* with that directory made inside the root, the script lands there */
        _cleanup_free_ char *inside = NULL;
        assert_true(asprintf(&inside, "mkdir -p '%s%s'", root, outside) > 0);
        assert_int_equal(system(inside), 0);
        assert_int_equal(systemd_run_script(NULL, &s, &fsr, "/ws", NULL, &r), 0);
        assert_int_equal(r.outcome, UNIT_OUTCOME_SKIPPED);
        assert_int_equal(count_entries(AT_FDCWD, outside), 0);
        assert_int_equal(count_entries(fsr.fd, outside + 1), 1);
        unit_result_done(&r);

        rm_rf(root);
        rm_rf(outside);
}

static void test_connect_bad_address(void **state) {
        SystemdBus *bus = NULL;
        /* nothing listens there: an error, never a hang or a crash */
        int r = systemd_connect(SYSTEMD_MODE_USER, "unix:path=/nonexistent/nit/private", &bus);
        assert_true(r < 0);
        assert_null(bus);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_script_exec_argv),
                cmocka_unit_test(test_outcomes),
                cmocka_unit_test(test_apply_none),
                cmocka_unit_test(test_script_saved_without_bus),
                cmocka_unit_test(test_script_symlink_escape),
                cmocka_unit_test(test_connect_bad_address),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
