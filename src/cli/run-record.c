/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/log-journal.h"
#include "basic/log.h"
#include "basic/run-span.h"
#include "basic/time-util.h"
#include "cli/run-record.h"
#include "report/plan.h"

/* Journal fields are "KEY=value" strings built on the stack; values are
 * names, paths and results, never content (see log-journal.h). */
#define FIELD(buf, key, ...) (snprintf((buf), sizeof(buf), key "=" __VA_ARGS__), (const char *) (buf))

static void record_write(RunRecord *rec) {
        int r;

        if (!rec->active)
                return;
        r = run_result_write(&rec->result, rec->root);
        if (r < 0)
                log_warning_errno(r, "Cannot write the run's result to %s%s: %m", strempty(rec->root),
                                  RUN_RESULT_DIR);
}

static void record_oom(void) {
        /* the run goes on; its result only lacks details */
        log_debug("Out of memory while recording the run's result.");
}

void run_record_start(RunRecord *rec, const char *root) {
        run_result_begin(&rec->result);
        if (root && !(rec->root = strdup(root)))
                return record_oom();
        rec->active = true;
        record_write(rec);

        /* the start and end events are for the journal: on a terminal the
         * report says it all, as before */
        if (!log_journal_enabled())
                return;
        /* NODEINIT_UNIT names the unit a step is about; the unit the run
         * is in is the journal's own _SYSTEMD_UNIT */
        const char *fields[] = { "MESSAGE_ID=" NODEINIT_MESSAGE_RUN_STARTED };
        log_struct(LOG_INFO, fields, ELEMENTSOF(fields), "Run started.");
}

static void add_step(RunRecord *rec, const char *kind, const char *target, const char *action, const char *result,
                     const char *detail, uint64_t start, uint64_t end) {
        if (run_result_add_step(&rec->result, kind, target, action, result, detail, start, end) < 0)
                record_oom();
}

/* A URL's user:password@ and ?query can be credentials (a presigned
 * URL): the result keeps scheme, host and path only. */
static char *where_without_secrets(const char *where) {
        const char *scheme = strstr(where, "://");
        if (!scheme)
                return strdup(where);
        const char *host = scheme + 3, *path = host + strcspn(host, "/?#"), *at = memchr(host, '@', (size_t) (path - host));
        char *r;
        if (at)
                host = at + 1;
        if (asprintf(&r, "%.*s%.*s", (int) (scheme + 3 - where), where, (int) strcspn(host, "?#"), host) < 0)
                return NULL;
        return r;
}

void run_record_source(RunRecord *rec, const SourceResult *res, int r, uint64_t start) {
        RunResult *rr = &rec->result;
        _cleanup_free_ char *detail = NULL;

        rr->requests = res->counters.requests;
        rr->retries = res->counters.retries;
        if (r >= 0) {
                free(rr->datasource);
                free(rr->where);
                rr->datasource = strdup(source_kind_to_string(res->kind));
                rr->where = res->where ? where_without_secrets(res->where) : NULL;
        }
        if (asprintf(&detail, "%u requests, %u retries", res->counters.requests, res->counters.retries) < 0)
                detail = NULL;
        add_step(rec, "datasource", rr->where, rr->datasource, r >= 0 ? "done" : "failed", detail, start,
                 now_monotonic_usec());
        if (r < 0 && run_result_add_error(rr, NULL, 0, 0, "No datasource available in time: %s",
                                          res->error ?: strerror(-r)) < 0)
                record_oom();
}

void run_record_stage(RunRecord *rec, const char *kind, const char *detail, bool failed, uint64_t start) {
        add_step(rec, kind, NULL, NULL, failed ? "failed" : "done", detail, start, now_monotonic_usec());
}

void run_record_diags(RunRecord *rec, const char *where, const DiagList *l) {
        _cleanup_free_ char *w = where_without_secrets(where);

        if (!log_journal_enabled())
                report_diags_text(stderr, where, l);
        if (!w)
                return record_oom();

        for (size_t i = 0; i < l->n; i++) {
                const Diag *d = l->items + i;
                static const int prio[_DIAG_KIND_MAX] = {
                        [DIAG_ERROR] = LOG_ERR,
                        [DIAG_WARNING] = LOG_WARNING,
                        [DIAG_INFO] = LOG_INFO,
                };

                if (d->kind == DIAG_ERROR &&
                    run_result_add_error(&rec->result, w, d->line, d->column, "%s", d->message) < 0)
                        record_oom();
                if (!log_journal_enabled())
                        continue;

                char file[512], line[32], column[32];
                const char *fields[] = {
                        "MESSAGE_ID=" NODEINIT_MESSAGE_VALIDATOR,
                        FIELD(file, "NODEINIT_FILE", "%s", w),
                        d->line > 0 ? FIELD(line, "NODEINIT_LINE", "%u", d->line) : NULL,
                        d->column > 0 ? FIELD(column, "NODEINIT_COLUMN", "%u", d->column) : NULL,
                };
                int level = d->kind >= 0 && d->kind < _DIAG_KIND_MAX ? prio[d->kind] : LOG_NOTICE;
                /* the same text as on stderr (report_diags_text) */
                if (d->line > 0 && d->column > 0)
                        log_struct(level, fields, ELEMENTSOF(fields), "%s:%u:%u: %s: %s", where, d->line, d->column,
                                   diag_kind_to_string(d->kind), d->message);
                else if (d->line > 0)
                        log_struct(level, fields, ELEMENTSOF(fields), "%s:%u: %s: %s", where, d->line,
                                   diag_kind_to_string(d->kind), d->message);
                else
                        log_struct(level, fields, ELEMENTSOF(fields), "%s: %s: %s", where,
                                   diag_kind_to_string(d->kind), d->message);
        }
}

/* The validator's error that made the plan leave an item out is already
 * kept (run_record_diags): it gets the item's name instead of a twin. */
static bool mark_skipped(RunResult *rr, const PlanIssue *is) {
        for (size_t i = 0; i < rr->n_errors; i++) {
                RunError *e = rr->errors + i;
                char *m;
                if (e->line != is->line || e->column != is->column || !streq(e->message, is->message))
                        continue;
                if (asprintf(&m, "%s; %s not applied", is->message, strempty(is->origin)) < 0)
                        return false;
                free(e->message);
                e->message = m;
                return true;
        }
        return false;
}

void run_record_plan(RunRecord *rec, const Plan *p, const char *where_raw) {
        _cleanup_free_ char *where = where_raw ? where_without_secrets(where_raw) : NULL;

        if (where_raw && !where)
                return record_oom();
        for (size_t i = 0; i < p->n_issues; i++) {
                const PlanIssue *is = p->issues + i;
                char file[512], line[32], column[32], item[512];

                if (is->warning)
                        continue;
                if (is->skipped && mark_skipped(&rec->result, is))
                        ;
                else if (run_result_add_error(&rec->result, is->line > 0 ? where : NULL, is->line, is->column, "%s%s%s",
                                         strempty(is->origin), is->origin ? ": " : "", is->message) < 0)
                        record_oom();
                if (!is->skipped)
                        continue;
                /* the report prints it; this is the event for the journal */
                if (!log_journal_enabled())
                        continue;
                const char *fields[] = {
                        "MESSAGE_ID=" NODEINIT_MESSAGE_ITEM_SKIPPED,
                        FIELD(item, "NODEINIT_ITEM", "%s", strempty(is->origin)),
                        is->line > 0 && where ? FIELD(file, "NODEINIT_FILE", "%s", where) : NULL,
                        is->line > 0 ? FIELD(line, "NODEINIT_LINE", "%u", is->line) : NULL,
                        is->column > 0 ? FIELD(column, "NODEINIT_COLUMN", "%u", is->column) : NULL,
                };
                log_struct(LOG_WARNING, fields, ELEMENTSOF(fields), "%s not applied: %s", strempty(is->origin),
                           is->message);
        }
}

void run_record_apply(RunRecord *rec, const ApplyResult *ar) {
        for (size_t i = 0; i < ar->n_steps; i++) {
                const ApplyStep *s = ar->steps + i;
                const char *status = apply_status_to_string(s->status);
                char step[64], target[512], unit[512], action[128];

                add_step(rec, s->kind, s->target, s->action, status, s->detail, s->start_usec, s->end_usec);
                if (s->status != APPLY_FAILED)
                        continue;
                const char *fields[] = {
                        "MESSAGE_ID=" NODEINIT_MESSAGE_STEP_FAILED,
                        FIELD(step, "NODEINIT_STEP", "%s", s->kind),
                        FIELD(target, "NODEINIT_TARGET", "%s", s->target),
                        FIELD(action, "NODEINIT_ACTION", "%s", s->action),
                        streq(s->kind, "unit") || streq(s->kind, "script") ?
                                FIELD(unit, "NODEINIT_UNIT", "%s", s->target) : NULL,
                };
                /* apply/ logged the failure as it happened; on the journal
                 * the event carries the fields to find it by */
                if (log_journal_enabled())
                        log_struct(LOG_ERR, fields, ELEMENTSOF(fields), "%s %s: %s failed%s%s", s->kind, s->target,
                                   s->action, s->detail ? ": " : "", strempty(s->detail));
        }
        rec->result.n_failed = (unsigned) ar->n_failed;
}

void run_record_finish(RunRecord *rec, int exit_status) {
        RunResult *rr = &rec->result;
        char result[64], ds[128], failed[64], errors[64], usec[64];

        if (!rec->active || rec->finished)
                return;
        rec->finished = true;

        /* what the stages measured inside themselves (decode, validate,
         * the batch's fsyncs and renames) */
        size_t n_spans;
        const RunSpan *spans = run_spans(&n_spans);
        for (size_t i = 0; i < n_spans; i++) {
                char detail[128];
                snprintf(detail, sizeof detail, "part of %s%s", strna(spans[i].part_of),
                         spans[i].count > 1 ? ", all of them" : "");
                add_step(rec, spans[i].kind, NULL, NULL, "done", detail, spans[i].start_usec,
                         spans[i].start_usec + spans[i].usec);
        }
        /* a failure that is neither a diagnostic nor a step (undecodable
         * user-data): its log line says what it was */
        if (exit_status != 0 && rr->n_errors == 0 && rr->n_failed == 0 && log_last_error() &&
            run_result_add_error(rr, NULL, 0, 0, "%s", log_last_error()) < 0)
                record_oom();
        run_result_finish(rr, exit_status != 0);
        record_write(rec);

        uint64_t took = rr->end_realtime_usec > rr->start_realtime_usec ? rr->end_realtime_usec - rr->start_realtime_usec : 0;
        if (!log_journal_enabled())
                return;
        const char *fields[] = {
                "MESSAGE_ID=" NODEINIT_MESSAGE_RUN_FINISHED,
                FIELD(result, "NODEINIT_RESULT", "%s", run_state_to_string(rr->state)),
                rr->datasource ? FIELD(ds, "NODEINIT_DATASOURCE", "%s", rr->datasource) : NULL,
                FIELD(failed, "NODEINIT_FAILED", "%u", rr->n_failed),
                FIELD(errors, "NODEINIT_ERRORS", "%zu", rr->n_errors),
                FIELD(usec, "NODEINIT_USEC", "%llu", (unsigned long long) took),
        };
        log_struct(rr->state == RUN_STATE_DONE ? LOG_INFO : LOG_ERR, fields, ELEMENTSOF(fields),
                   "Run finished: %s (%u failed steps, %zu errors) in %llu.%03llus.", run_state_to_string(rr->state),
                   rr->n_failed, rr->n_errors, (unsigned long long) (took / USEC_PER_SEC),
                   (unsigned long long) (took % USEC_PER_SEC / USEC_PER_MSEC));
}

void run_record_done(RunRecord *rec) {
        if (rec->active && !rec->finished) {
                const char *last = log_last_error();
                if (run_result_add_error(&rec->result, NULL, 0, 0, "%s", last ?: "the run stopped early") < 0)
                        record_oom();
                run_record_finish(rec, 1);
        }
        run_result_done(&rec->result);
        rec->root = mfree(rec->root);
        *rec = (RunRecord) {};
}
