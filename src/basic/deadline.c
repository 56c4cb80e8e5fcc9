/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/deadline.h"
#include "basic/macro.h"

RunDeadline run_deadline_make(uint64_t now_usec, uint64_t source_timeout_usec, uint64_t run_timeout_usec) {
        if (run_timeout_usec == 0)
                run_timeout_usec = source_timeout_usec + RUN_APPLY_BUDGET_USEC;
        return (RunDeadline) {
                .source_timeout_usec = MIN(source_timeout_usec, run_timeout_usec),
                .deadline_usec = now_usec + run_timeout_usec,
        };
}
