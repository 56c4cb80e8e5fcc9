/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* Where a run's time goes inside a stage that reports only its result
 * (decoding inside inputs_read(), fsyncs inside fs_commit()): the stage
 * adds its spans here, the run's record turns them into rows of
 * `nodeinit analyze`. One run per process, so one process-wide table, like
 * the log level; fixed size, never allocates, costs two clock reads. */

typedef struct RunSpan {
        const char *kind;       /* a string literal: "decode", "fsyncs" ... */
        const char *part_of;    /* the row it is part of, or NULL */
        uint64_t start_usec;    /* CLOCK_MONOTONIC of the first span of this kind */
        uint64_t usec;          /* all spans of this kind together */
        unsigned count;
} RunSpan;

/* Spans of one kind add up (each MIME part's validation, each chunk's
 * fsyncs). Past the table's size a new kind is dropped. */
void run_span_add(const char *kind, const char *part_of, uint64_t start_usec, uint64_t end_usec);
/* The table, in the order kinds first came. */
const RunSpan *run_spans(size_t *ret_n);
