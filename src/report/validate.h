/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "basic/diag.h"
#include "basic/json-writer.h"

/* What `nodeinit validate` found for one input. */
typedef struct ValidateResult {
        char *path;                       /* as given; "-" is standard input */
        const char *what;                 /* what the input is ("cloud-config", "(Ignition config, ...)") */
        DiagList diags;                   /* in document order; beyond its max only counted */
        bool unreadable;                  /* the file could not be read at all */
} ValidateResult;

void validate_result_done(ValidateResult *r);

/* An input fails on any error, and with strict also on any warning. */
bool validate_result_failed(const ValidateResult *r, bool strict) _pure_;

/* The report is written input by input, as each is validated, so that its
 * cost does not grow with the number of inputs or of diagnostics. Text:
 * FILE:LINE:COLUMN: KIND: MESSAGE lines, then a summary line per input.
 * JSON: one array, one object per input. Every value is escaped
 * (basic/escape.h): a line always starts with the input's name. */
typedef struct ValidateReport {
        FILE *f;
        bool json;
        bool strict;
        JsonWriter w;
} ValidateReport;

void report_validate_begin(ValidateReport *rep, FILE *f, bool json, bool strict);
int report_validate_add(ValidateReport *rep, const ValidateResult *r);
/* 0, or -EIO/-ENOMEM when some of the report could not be written. */
int report_validate_end(ValidateReport *rep);

/* coreos-cloudinit -validate: "line N: KIND: MESSAGE", log-style. */
void report_validate_compat(FILE *f, const ValidateResult *r);
