/* SPDX-License-Identifier: Apache-2.0 */
#include "run-span.h"

static RunSpan spans[16];
static size_t n_spans;

void run_span_add(const char *kind, const char *part_of, uint64_t start_usec, uint64_t end_usec) {
        uint64_t d = end_usec > start_usec ? end_usec - start_usec : 0;

        for (size_t i = 0; i < n_spans; i++)
                if (streq(spans[i].kind, kind)) {
                        spans[i].usec += d;
                        spans[i].count++;
                        return;
                }
        if (n_spans >= ELEMENTSOF(spans))
                return;
        spans[n_spans++] = (RunSpan) {
                .kind = kind,
                .part_of = part_of,
                .start_usec = start_usec,
                .usec = d,
                .count = 1,
        };
}

const RunSpan *run_spans(size_t *ret_n) {
        *ret_n = n_spans;
        return spans;
}
