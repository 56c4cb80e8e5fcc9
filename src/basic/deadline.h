/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "basic/macro.h"
#include "basic/time-util.h"

/* What a run may take after the datasource deadline: discovery (60 s at
 * most) and the unit job waits. 300 s + 240 s = 9 min by default, under the
 * boot unit's TimeoutStartSec=10min, so nodeinit gives up on a job and
 * reports first, instead of being killed half-way. */
#define RUN_APPLY_BUDGET_USEC (240ULL * USEC_PER_SEC)

/* One deadline for the whole run, with the datasource wait inside it. */
typedef struct RunDeadline {
        uint64_t source_timeout_usec;   /* how long to wait for a datasource */
        uint64_t deadline_usec;         /* CLOCK_MONOTONIC end of the run */
} RunDeadline;

/* source_timeout_usec is the datasource wait asked for (never 0: pass the
 * default); run_timeout_usec the whole run's, 0 = source timeout +
 * RUN_APPLY_BUDGET_USEC. A run timeout shorter than the source timeout
 * shortens the source wait to it. Pure, for tests. */
RunDeadline run_deadline_make(uint64_t now_usec, uint64_t source_timeout_usec, uint64_t run_timeout_usec) _const_;
