/* SPDX-License-Identifier: Apache-2.0 */
#include <json-c/json.h>

#include "basic/json-util.h"
#include "basic/log.h"
#include "basic/time-util.h"
#include "cli/verb-status.h"
#include "cli/verbs.h"
#include "report/run-result.h"

/* nodeinit analyze: where the last run's time went, one row per stage and
 * apply step, longest first (`cloud-init analyze blame`), from the same
 * result file as status. The files of one durable batch (writes, fsyncs,
 * renames together) are one row. */

static void help(void) {
        printf("Usage: nodeinit analyze [--format=text|json] [--root=DIR]\n\n"
               "Show where the last apply run's time went: datasource wait and requests,\n"
               "decode and validation, plan, the file batch (writes and fsyncs), discovery,\n"
               "each unit job from queued to done; longest first.\n\n"
               "  --format=text|json  output format (default text)\n"
               "  --root=DIR          the run with --root=DIR (DIR%s)\n\n"
               "Exit status: 0 shown, 2 no run yet or usage.\n",
               RUN_RESULT_DIR);
}

typedef struct Row {
        const RunStep *step;
        size_t count;     /* steps in the row (a file batch) */
        uint64_t end_usec;
        bool failed;
} Row;

static uint64_t row_usec(const Row *r) {
        return r->end_usec - r->step->start_usec;
}

static int row_compare(const void *x, const void *y) {
        const Row *a = x, *b = y;
        uint64_t da = row_usec(a), db = row_usec(b);

        if (da != db)
                return da < db ? 1 : -1;
        return a->step->start_usec < b->step->start_usec ? -1 : a->step->start_usec > b->step->start_usec;
}

/* apply/ gives every file of one batch the batch's start */
static bool same_batch(const RunStep *a, const RunStep *b) {
        return streq(a->kind, "file") && streq(b->kind, "file") && a->start_usec == b->start_usec;
}

static int build_rows(const RunResult *r, Row **ret, size_t *ret_n) {
        _cleanup_free_ Row *rows = new0(Row, r->n_steps);
        size_t n = 0;

        if (!rows)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_steps; i++) {
                const RunStep *s = r->steps + i;
                bool failed = streq_ptr(s->result, "failed");
                if (n > 0 && same_batch(rows[n - 1].step, s)) {
                        rows[n - 1].count++;
                        rows[n - 1].failed |= failed;
                        rows[n - 1].end_usec = MAX(rows[n - 1].end_usec, s->end_usec);
                        continue;
                }
                rows[n++] = (Row) { .step = s, .count = 1, .end_usec = s->end_usec, .failed = failed };
        }
        qsort(rows, n, sizeof(Row), row_compare);
        *ret = TAKE_PTR(rows);
        *ret_n = n;
        return 0;
}

static void format_usec(uint64_t usec, char *buf, size_t size) {
        if (usec >= USEC_PER_SEC)
                snprintf(buf, size, "%llu.%03llus", (unsigned long long) (usec / USEC_PER_SEC),
                         (unsigned long long) (usec % USEC_PER_SEC / USEC_PER_MSEC));
        else
                snprintf(buf, size, "%llu.%03llums", (unsigned long long) (usec / USEC_PER_MSEC),
                         (unsigned long long) (usec % USEC_PER_MSEC));
}

/* "unit etcd2.service start", "files: 5 in one durable batch" */
static void row_name(const Row *row, char *buf, size_t size) {
        const RunStep *s = row->step;
        if (streq(s->kind, "file"))
                snprintf(buf, size, "files: %zu in one durable batch (writes, fsyncs, renames)", row->count);
        else
                snprintf(buf, size, "%s%s%s%s%s", s->kind, s->target ? " " : "", strempty(s->target),
                         s->action ? " " : "", strempty(s->action));
}

static const char *row_result(const Row *row) {
        return row->failed ? "failed" : row->count > 1 ? "done" : strempty(row->step->result);
}

static uint64_t total_usec(const RunResult *r) {
        if (r->end_realtime_usec > r->start_realtime_usec)
                return r->end_realtime_usec - r->start_realtime_usec;
        uint64_t end = 0;
        for (size_t i = 0; i < r->n_steps; i++)
                end = MAX(end, r->steps[i].end_usec);
        return end;
}

static int print_text(const RunResult *r, const Row *rows, size_t n) {
        char total[32], d[32], s[32], name[1024];

        format_usec(total_usec(r), total, sizeof total);
        printf("Last run%s%s%s: %s in %s", r->unit ? " (" : "", strempty(r->unit), r->unit ? ")" : "",
               run_state_to_string(r->state), total);
        if (r->datasource)
                printf("; datasource %s%s%s, %u requests, %u retries", r->datasource, r->where ? " " : "",
                       strempty(r->where), r->requests, r->retries);
        printf("\n\n%12s %12s  %-8s %s\n", "DURATION", "START", "RESULT", "STEP");
        for (size_t i = 0; i < n; i++) {
                format_usec(row_usec(rows + i), d, sizeof d);
                s[0] = '+';
                format_usec(rows[i].step->start_usec, s + 1, sizeof s - 1);
                row_name(rows + i, name, sizeof name);
                printf("%12s %12s  %-8s %s%s%s\n", d, s, row_result(rows + i), name,
                       !streq(rows[i].step->kind, "file") && rows[i].step->detail ? ": " : "",
                       !streq(rows[i].step->kind, "file") ? strempty(rows[i].step->detail) : "");
        }
        return 0;
}

static int print_json(const RunResult *r, const Row *rows, size_t n) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *a = json_object_new_array();
        int q = 0;

        if (!o || !a || json_object_object_add(o, "steps", a) < 0) {
                json_object_put(a);
                return -ENOMEM;
        }
        q |= json_object_object_add(o, "state", json_object_new_string(run_state_to_string(r->state)));
        q |= json_object_object_add(o, "total_usec", json_object_new_int64((int64_t) total_usec(r)));
        if (r->unit)
                q |= json_object_object_add(o, "unit", json_object_new_string(r->unit));
        for (size_t i = 0; i < n; i++) {
                const RunStep *s = rows[i].step;
                char name[1024];
                json_object *j = json_object_new_object();
                if (!j || json_object_array_add(a, j) < 0) {
                        json_object_put(j);
                        return -ENOMEM;
                }
                row_name(rows + i, name, sizeof name);
                q |= json_object_object_add(j, "step", json_object_new_string(name));
                q |= json_object_object_add(j, "kind", json_object_new_string(streq(s->kind, "file") ? "files" : s->kind));
                if (!streq(s->kind, "file") && s->target)
                        q |= json_object_object_add(j, "target", json_object_new_string(s->target));
                if (!streq(s->kind, "file") && s->action)
                        q |= json_object_object_add(j, "action", json_object_new_string(s->action));
                q |= json_object_object_add(j, "result", json_object_new_string(row_result(rows + i)));
                if (!streq(s->kind, "file") && s->detail)
                        q |= json_object_object_add(j, "detail", json_object_new_string(s->detail));
                q |= json_object_object_add(j, "count", json_object_new_int64((int64_t) rows[i].count));
                q |= json_object_object_add(j, "usec", json_object_new_int64((int64_t) row_usec(rows + i)));
                q |= json_object_object_add(j, "start_usec", json_object_new_int64((int64_t) s->start_usec));
        }
        if (q != 0)
                return -ENOMEM;
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        if (!text)
                return -ENOMEM;
        puts(text);
        return 0;
}

int verb_analyze(int argc, char *argv[]) {
        _cleanup_(run_result_done) RunResult r = {};
        _cleanup_free_ Row *rows = NULL;
        const char *root = NULL;
        bool json = false;
        size_t n = 0;
        int q;

        q = status_parse_argv(argc, argv, NULL, &json, &root, help);
        if (q >= 0)
                return q;

        q = run_result_read(root, &r);
        if (q == -ENOENT) {
                log_error("No run to analyze yet (no %s%s/%s).", strempty(root), RUN_RESULT_DIR, RUN_RESULT_FILE);
                return 2;
        }
        if (q < 0)
                return log_error_errno(q, "Cannot read the run's result: %m"), 2;

        q = build_rows(&r, &rows, &n);
        if (q >= 0)
                q = json ? print_json(&r, rows, n) : print_text(&r, rows, n);
        if (q < 0 || fflush(stdout) != 0)
                return log_error("Cannot write the analysis."), 2;
        return 0;
}
