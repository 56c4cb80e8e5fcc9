/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* One overall deadline plus exponential backoff with jitter, as a booting node
 * needs while its network or the metadata service comes up. */

#define RETRY_BACKOFF_START_USEC (100ULL * 1000ULL)
#define RETRY_BACKOFF_CAP_USEC (5ULL * 1000ULL * 1000ULL)

typedef struct Retry {
        uint64_t deadline_usec;         /* CLOCK_MONOTONIC */
        char **logged;                  /* wait conditions already logged */
        unsigned waits;
} Retry;

uint64_t now_usec(void);

void retry_init(Retry *r, uint64_t timeout_usec);
void retry_done(Retry *r);

/* Time left before the deadline, 0 when passed. */
uint64_t retry_left_usec(const Retry *r);

/* Backoff before attempt+1: min(cap, start * 2^attempt), of which the upper
 * half is jittered by rnd ("equal jitter"): never below half the nominal
 * delay, never above it. Pure, for tests. */
uint64_t retry_backoff_usec(unsigned attempt, uint64_t rnd) _const_;

/* Logs "Waiting: condition" unless this text was logged before. */
void retry_log_once(Retry *r, const char *condition);

/* Logs condition once per distinct text (NULL: nothing), then sleeps for the backoff of
 * *attempt (incremented), never past the deadline. -ETIMEDOUT when the
 * deadline has passed (no sleep then). */
int retry_wait(Retry *r, unsigned *attempt, const char *condition);
