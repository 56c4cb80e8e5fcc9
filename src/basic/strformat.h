/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdarg.h>

#include "basic/macro.h"

/* Replaces *p (freed) by a newly formatted string; *p may be one of the
 * arguments. On -ENOMEM *p is NULL: a message is lost, never stale. */
int strprintf_set(char **p, const char *fmt, ...) _printf_(2, 3);
int strvprintf_set(char **p, const char *fmt, va_list ap) _printf_(2, 0);

/* For parsers' reterr_ output: when reterr is not NULL, sets *reterr to a
 * newly formatted message (NULL if that fails); returns error either way, so
 * `return reterr_printf(reterr, -EBADMSG, "...")` reports and fails at once. */
int reterr_printf(char **reterr, int error, const char *fmt, ...) _printf_(3, 4);
