/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

/* A positive number of seconds ("2", "0.5"), at most a year, in µs. */
int parse_seconds(const char *s, uint64_t *ret_usec);
