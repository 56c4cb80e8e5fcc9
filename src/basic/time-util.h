/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MSEC 1000ULL

/* A positive number of seconds ("2", "0.5"), at most a year, in µs. */
int parse_seconds(const char *s, uint64_t *ret_usec);

/* CLOCK_MONOTONIC in µs: deadlines and durations, immune to clock changes. */
uint64_t now_monotonic_usec(void);
