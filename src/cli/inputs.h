/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/diag.h"
#include "config/model.h"
#include "plan/planner.h"
#include "userdata/substitute.h"

/* User-data → cloud-config models and scripts: the one path `validate` and
 * `apply` share, so that they cannot disagree about the same bytes. Decoding
 * (gzip, MIME, base64) and its limits are userdata_decode()'s; this only
 * walks the parts it returns. */

/* Diagnostics kept per input: a file of 200,000 unknown keys is reported
 * with the first ones and a count of the rest, in bounded memory. */
#define INPUTS_MAX_DIAGS 1000U

typedef struct InputsOptions {
        const SubstituteValues *values; /* NULL: no substitution (validate) */
        bool keep;                      /* keep models and scripts for the planner (apply) */
        bool strict;                    /* a cloud-config with any error or warning is not kept */
} InputsOptions;

/* Where a kept cloud-config sits in the original user-data. */
typedef struct InputsOrigin {
        size_t part;                    /* 0-based part index */
        unsigned line_offset;           /* verbatim: lines before the part */
        unsigned part_line;             /* MIME delimiter line, 0 outside MIME */
        bool verbatim;                  /* a byte range of the original */
        bool encoded;                   /* base64/gzip inside MIME: no own lines in the original */
} InputsOrigin;

typedef struct Inputs {
        CloudConfig *configs;           /* kept cloud-configs, in part order */
        InputsOrigin *origins;          /* one per config */
        size_t n_configs;
        char **texts;                   /* substituted texts the models and scripts point into */
        size_t n_texts;
        PlanScriptInput *scripts;
        size_t n_scripts;
        const char *what;               /* what the user-data is, for a summary line */
        size_t n_unknown;               /* parts that are neither cloud-config nor script */
        size_t n_dropped;               /* cloud-configs not kept: YAML syntax, not a mapping, --strict */
        bool undecodable;               /* userdata_decode() refused the data */
        bool ignition;                  /* the user-data is one Ignition config */
} Inputs;

void inputs_done(Inputs *in);

/* Every problem becomes a diagnostic in diags, at its line in the original
 * data (a part that is not a byte range of it, e.g. base64 in MIME, is named
 * and blamed on its delimiter line). diags keeps the first
 * INPUTS_MAX_DIAGS and counts the rest (DiagList.max, .hidden). Negative
 * errno only for out of memory. */
int inputs_read(const char *data, size_t size, const InputsOptions *o, Inputs *ret, DiagList *diags);

/* Maps a line and column of kept config number config to the original
 * user-data's (an encoded part: its delimiter line, column 0). */
void inputs_position(const Inputs *in, size_t config, unsigned *line, unsigned *column);

/* Something in the user-data could not be used at all. */
static inline bool inputs_failed(const Inputs *in) {
        return in->undecodable || in->n_unknown > 0 || in->n_dropped > 0;
}
