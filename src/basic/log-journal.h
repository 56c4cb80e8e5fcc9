/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* When stderr is the journal (systemd sets $JOURNAL_STREAM to its
 * "device:inode"), every log entry goes to journald as a structured entry
 * over its native socket, the protocol sd_journal_send() speaks, without
 * loading libsystemd: PRIORITY, SYSLOG_IDENTIFIER=nodeinit, MESSAGE and the
 * fields below. Otherwise nothing changes: plain lines on stderr.
 *
 * Fields never carry user-data content or key material: names, paths,
 * results, positions and the log text nodeinit would print anyway. */

/* MESSAGE_IDs, generated once (systemd-id128 new), as systemd's catalog
 * does: `journalctl MESSAGE_ID=...` finds every such event. */
#define NODEINIT_MESSAGE_RUN_STARTED  "e8b22fd54ccb4743a0f7334870d3540a"
#define NODEINIT_MESSAGE_RUN_FINISHED "d21bbe4f7f8f4640b9f9f5a508346083"
#define NODEINIT_MESSAGE_STEP_FAILED  "a033afe950024c448fda6758ea252047"
#define NODEINIT_MESSAGE_ITEM_SKIPPED "22ec5a8c6c7b49cbb40c634f4d39a6ee"
#define NODEINIT_MESSAGE_VALIDATOR    "98c45c6de6b148b5bbbef72fe59b090a"

/* Decided once per process: $JOURNAL_STREAM matches stderr and the
 * socket accepts us. */
bool log_journal_enabled(void);

/* One entry: msg (escaped by the caller, as log_internal() does) as
 * MESSAGE, plus fields ("KEY=value", n of them; values that need it are
 * escaped here). 0 when journald took it; negative errno when not
 * (no journal, or the entry was refused): the caller prints msg to stderr
 * as before. */
int log_journal_send(int level, const char *msg, const char *const *fields, size_t n_fields);

/* The last message logged at LOG_ERR or worse, for a run's result when it
 * stops early; NULL when none. */
const char *log_last_error(void);

/* A log entry with structured fields (n_fields "KEY=value" strings, NULL
 * ones skipped, at most 24): to the journal
 * when it is stderr, else the plain message as log_internal() prints it.
 * Honours the max level. Returns -error like log_internal(). */
int log_struct_internal(int level, int error, const char *func, const char *const *fields, size_t n_fields,
                        const char *fmt, ...) _printf_(6, 7);

#define log_struct(level, fields, n_fields, ...) \
        log_struct_internal((level), 0, __func__, (fields), (n_fields), __VA_ARGS__)
