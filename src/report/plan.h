/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "apply/apply.h"
#include "plan/plan.h"
#include "basic/diag.h"

/* Unified diff (3 lines of context) of two texts, both labelled path, as
 * `diff -u` prints it. Binary content (NUL bytes or invalid UTF-8) gives a
 * one-line note instead. Empty string when equal. */
int unified_diff(const char *path, const char *a, size_t an, const char *b, size_t bn, char **ret);

/* The dry-run view: what would change, file by file, with diffs (secret
 * files: "(content hidden)"), users, units, discovery, scripts, issues.
 * where names the user-data: an item left out for an error is printed as
 * WHERE:LINE:COL: error: MESSAGE; ITEM not applied. */
int report_plan_text(FILE *f, const Plan *p, const char *where, bool verbose);
int report_plan_json(FILE *f, const Plan *p, const char *where);

/* After apply: what was done, what failed and why, and a summary line
 * (which says "nothing changed" on an idempotent rerun). */
int report_apply_text(FILE *f, const Plan *p, const ApplyResult *r, const char *where, bool verbose);
int report_apply_json(FILE *f, const Plan *p, const ApplyResult *r, const char *where);

/* Diagnostics as FILE:LINE:COL: KIND: MESSAGE lines, escaped. */
void report_diags_text(FILE *f, const char *path, const DiagList *l);
