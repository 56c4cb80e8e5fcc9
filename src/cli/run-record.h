/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "apply/apply.h"
#include "basic/diag.h"
#include "plan/plan.h"
#include "report/run-result.h"
#include "source/source.h"

/* An apply run's record: the result file `status` and `analyze` read
 * (report/run-result.h) and the journal events (basic/log-journal.h),
 * kept side by side as the run goes. Recording is best effort: a result
 * that cannot be written is logged and never changes what the run does or
 * its exit status. */

typedef struct RunRecord {
        RunResult result;
        char *root;            /* --root, NULL for the host */
        bool active;           /* a "running" result was written */
        bool finished;
} RunRecord;

/* Writes "running" and logs "run started". */
void run_record_start(RunRecord *rec, const char *root);
/* The datasource stage from start (CLOCK_MONOTONIC) until now; r < 0: no
 * datasource answered (res->error says why). */
void run_record_source(RunRecord *rec, const SourceResult *res, int r, uint64_t start);
/* A pipeline stage that is not an apply step ("decode+validate", "plan"). */
void run_record_stage(RunRecord *rec, const char *kind, const char *detail, bool failed, uint64_t start);
/* Diagnostics about the input at where: shown as report_diags_text()
 * prints them (or as validator entries when stderr is the journal);
 * errors are kept in the result. */
void run_record_diags(RunRecord *rec, const char *where, const DiagList *l);
/* The plan's error issues: items left out ("item skipped"). */
void run_record_plan(RunRecord *rec, const Plan *p, const char *where);
/* Every apply step with its times; failed ones logged as "step failed". */
void run_record_apply(RunRecord *rec, const ApplyResult *ar);
/* The final result from the run's exit status (0 done, else error); logs
 * "run finished". */
void run_record_finish(RunRecord *rec, int exit_status);
/* A run that returns before run_record_finish() ended early: recorded as
 * error, with the last error it logged. */
void run_record_done(RunRecord *rec);
