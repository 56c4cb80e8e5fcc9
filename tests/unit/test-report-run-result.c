/* SPDX-License-Identifier: Apache-2.0 */
/* report/run-result.c: what an apply run writes for status and analyze
 * comes back as written (steps relative to the run's start, errors with
 * their positions, the final state), atomically (no temporary file left),
 * anything else is refused, and a dead or reused writer PID is told from a
 * live one. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "basic/time-util.h"
#include "report/run-result.h"

static char *tmp_root(void) {
        char *d = strdup("/tmp/nit-run-result-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static void rm_root(const char *d) {
        char p[512];
        snprintf(p, sizeof p, "%s/run/nodeinit/%s", d, RUN_RESULT_FILE);
        unlink(p);
        snprintf(p, sizeof p, "%s/run/nodeinit", d);
        rmdir(p);
        snprintf(p, sizeof p, "%s/run", d);
        rmdir(p);
        assert_int_equal(rmdir(d), 0);
}

static size_t entries(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;   /* temporaries too */
        closedir(d);
        return n;
}

static void test_round_trip(void **state) {
        _cleanup_(run_result_done) RunResult w = {}, r = {};
        _cleanup_free_ char *root = tmp_root(), *dir = NULL;
        (void) state;

        assert_int_equal(run_result_begin(&w), 0);
        assert_int_equal(w.state, RUN_STATE_RUNNING);
        assert_int_equal(w.pid, getpid());
        uint64_t t0 = w.start_monotonic_usec;
        assert_int_equal(run_result_write(&w, root), 0);

        /* the "running" file is there, readable, and alone */
        assert_int_equal(run_result_read(root, &r), 0);
        assert_int_equal(r.state, RUN_STATE_RUNNING);
        assert_int_equal(r.pid, getpid());
        assert_true(run_result_writer_alive(&r));
        run_result_done(&r);

        w.datasource = strdup("ec2");
        w.where = strdup("http://169.254.169.254/");
        w.requests = 9;
        assert_int_equal(run_result_add_step(&w, "datasource", w.where, "ec2", "done", "9 requests", t0 + 10, t0 + 2000),
                         0);
        assert_int_equal(run_result_add_step(&w, "unit", "etcd2.service", "start", "failed", "failed (job failed)",
                                             t0 + 3000, t0 + 7000), 0);
        /* a start before the run's own start counts from the start */
        assert_int_equal(run_result_add_step(&w, "plan", NULL, NULL, "done", NULL, t0 - 5, t0 + 1), 0);
        assert_int_equal(run_result_add_error(&w, "user-data", 7, 18, "invalid value %s", "0xyz"), 0);
        run_result_finish(&w, false);
        assert_int_equal(w.state, RUN_STATE_ERROR);   /* an error was recorded */
        assert_int_equal(run_result_write(&w, root), 0);

        assert_int_equal(run_result_dir(root, &dir), 0);
        assert_int_equal(entries(dir), 1);   /* no temporary file left */

        assert_int_equal(run_result_read(root, &r), 0);
        assert_int_equal(r.state, RUN_STATE_ERROR);
        assert_string_equal(r.datasource, "ec2");
        assert_string_equal(r.where, "http://169.254.169.254/");
        assert_int_equal(r.requests, 9);
        assert_true(r.end_realtime_usec >= r.start_realtime_usec);
        assert_int_equal(r.n_steps, 3);
        assert_string_equal(r.steps[0].kind, "datasource");
        assert_int_equal(r.steps[0].start_usec, 10);
        assert_int_equal(r.steps[0].end_usec, 2000);
        assert_string_equal(r.steps[1].target, "etcd2.service");
        assert_string_equal(r.steps[1].result, "failed");
        assert_string_equal(r.steps[1].detail, "failed (job failed)");
        assert_int_equal(r.steps[1].end_usec - r.steps[1].start_usec, 4000);
        assert_null(r.steps[2].target);
        assert_int_equal(r.steps[2].start_usec, 0);
        assert_int_equal(r.steps[2].end_usec, 1);
        assert_int_equal(r.n_errors, 1);
        assert_string_equal(r.errors[0].file, "user-data");
        assert_int_equal(r.errors[0].line, 7);
        assert_int_equal(r.errors[0].column, 18);
        assert_string_equal(r.errors[0].message, "invalid value 0xyz");

        rm_root(root);
}

static void test_done_and_failed_states(void **state) {
        _cleanup_(run_result_done) RunResult a = {}, b = {};
        (void) state;

        run_result_begin(&a);
        run_result_finish(&a, false);
        assert_int_equal(a.state, RUN_STATE_DONE);
        run_result_begin(&b);
        b.n_failed = 1;
        run_result_finish(&b, false);
        assert_int_equal(b.state, RUN_STATE_ERROR);
}

static void test_refused(void **state) {
        static const char * const bad[] = {
                "",
                "not json",
                "[]",
                "{\"state\": \"done\"}",                                 /* no version */
                "{\"version\": 2, \"state\": \"done\"}",                 /* another version */
                "{\"version\": 1, \"state\": \"finished\"}",             /* unknown state */
                "{\"version\": 1, \"state\": \"done\", \"steps\": [ { \"result\": \"done\" } ]}",  /* no kind */
                "{\"version\": 1, \"state\": \"done\", \"errors\": [ 3 ]}",
        };
        (void) state;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                RunResult r = {};
                assert_int_equal(run_result_parse(bad[i], &r), -EBADMSG);
        }
}

static void test_missing(void **state) {
        RunResult r = {};
        (void) state;
        assert_int_equal(run_result_read("/nonexistent-nit-root", &r), -ENOENT);
}

static void test_writer_alive(void **state) {
        _cleanup_(run_result_done) RunResult r = {};
        (void) state;

        run_result_begin(&r);
        assert_true(run_result_writer_alive(&r));

        /* same PID, another process (its start time differs) */
        uint64_t start = r.pid_start;
        r.pid_start = start + 1;
        assert_false(run_result_writer_alive(&r));
        r.pid_start = start;

        /* a PID of another boot */
        if (r.boot_id) {
                free(r.boot_id);
                r.boot_id = strdup("00000000-0000-0000-0000-000000000000");
                assert_false(run_result_writer_alive(&r));
        }
        r.boot_id = mfree(r.boot_id);

        /* a process that has ended */
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(0);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        r.pid = pid;
        r.pid_start = 0;
        assert_false(run_result_writer_alive(&r));
}

static void test_timestamp(void **state) {
        char buf[64];
        (void) state;

        assert_int_equal(format_timestamp_utc(1796281369784150ULL, buf, sizeof buf), 0);
        assert_string_equal(buf, "2026-12-03T07:02:49.784150Z");
        assert_int_equal(format_timestamp_utc(1796281369784150ULL, buf, 10), -ENOBUFS);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_done_and_failed_states),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_missing),
                cmocka_unit_test(test_writer_alive),
                cmocka_unit_test(test_timestamp),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
