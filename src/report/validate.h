/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "basic/diag.h"

/* What `nodeinit validate` found for one input. */
typedef struct ValidateResult {
        char *path;        /* as given; "-" is standard input */
        const char *what;  /* what the input is, for the summary ("cloud-config", "Ignition config, not validated"…) */
        DiagList diags;
        bool unreadable;   /* the file could not be read at all */
} ValidateResult;

void validate_result_done(ValidateResult *r);

/* An input fails on any error, and with strict also on any warning. */
bool validate_result_failed(const ValidateResult *r, bool strict);

/* FILE:LINE:COLUMN: KIND: MESSAGE lines, then a summary line per input. */
void report_validate_text(FILE *f, const ValidateResult *results, size_t n, bool strict);
/* One JSON array, one object per input. */
int report_validate_json(FILE *f, const ValidateResult *results, size_t n, bool strict);
/* coreos-cloudinit -validate: "line N: KIND: MESSAGE", log-style. */
void report_validate_compat(FILE *f, const ValidateResult *r);
