/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <syslog.h>

#include "macro.h"

/* Operational logging for the apply and source stages (stderr, one line per
 * event). Diagnostics about the user's input are values (basic/diag.h), not
 * log lines. The level is the one mutable global besides parsed options. */
void log_set_max_level(int level);
int log_get_max_level(void);
int log_internal(int level, int error, const char *func, const char *fmt, ...) _printf_(4, 5);

#define log_full_errno(level, error, ...) log_internal((level), (error), __func__, __VA_ARGS__)
#define log_full(level, ...) log_internal((level), 0, __func__, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
/* These return the negative errno, so `return log_error_errno(r, "...: %m")` works. */
#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)
