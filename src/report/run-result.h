/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "basic/macro.h"

/* What an apply run did, as `status` and `analyze` read it: written
 * atomically (temporary file + rename) to <root>/run/nodeinit/result.json,
 * "running" when the run starts and again, final, when it ends. Only
 * names, paths, URLs, counts, times and diagnostics: never user-data
 * content, file content, password hashes or keys. */

#define RUN_RESULT_DIR "/run/nodeinit"
#define RUN_RESULT_FILE "result.json"

typedef enum RunState {
        RUN_STATE_RUNNING,
        RUN_STATE_DONE,          /* finished, nothing failed */
        RUN_STATE_ERROR,         /* finished with errors (or was interrupted) */
        _RUN_STATE_MAX,
        _RUN_STATE_INVALID = -EINVAL,
} RunState;

const char *run_state_to_string(RunState s) _const_;
RunState run_state_from_string(const char *s) _pure_;

/* One row of `analyze`: a pipeline stage (datasource, decode, validate,
 * plan) or an apply step (hostname, user, file, discovery, unit, script). */
typedef struct RunStep {
        char *kind;
        char *target;            /* unit, path, user, URL; NULL for a stage */
        char *action;            /* start, write, create ...; NULL for a stage */
        char *result;            /* done, unchanged, skipped, failed */
        char *detail;            /* job result, reason, counts */
        uint64_t start_usec;     /* since the run started */
        uint64_t end_usec;
} RunStep;

typedef struct RunError {
        char *file;              /* where the input came from; NULL: the run itself */
        unsigned line, column;   /* 0: unknown */
        char *message;
} RunError;

typedef struct RunResult {
        RunState state;
        char *datasource;        /* "ec2", "file" ...; NULL until fetched */
        char *where;             /* its URL or path */
        char *unit;              /* the systemd unit the run ran in, if any */
        pid_t pid;
        uint64_t pid_start;      /* the process's start time (/proc/PID/stat), to tell a reused PID */
        char *boot_id;
        uint64_t start_realtime_usec, end_realtime_usec;
        uint64_t start_monotonic_usec;   /* CLOCK_MONOTONIC at start: step times are relative to it */
        unsigned requests, retries;      /* datasource HTTP requests and waits */
        unsigned n_failed;               /* failed apply steps */
        RunStep *steps;
        size_t n_steps;
        RunError *errors;
        size_t n_errors;
} RunResult;

void run_result_done(RunResult *r);

/* Fills in this process, boot and the start times; state running. */
int run_result_begin(RunResult *r);
/* start/end are CLOCK_MONOTONIC µs (start 0: same as end). */
int run_result_add_step(RunResult *r, const char *kind, const char *target, const char *action, const char *result,
                        const char *detail, uint64_t start, uint64_t end);
int run_result_add_error(RunResult *r, const char *file, unsigned line, unsigned column, const char *fmt, ...)
        _printf_(5, 6);
/* Sets the end time and the final state: error when anything failed or an
 * error was recorded, else done. */
void run_result_finish(RunResult *r, bool failed);

/* <root>/run/nodeinit; root NULL or "/" is the host. */
int run_result_dir(const char *root, char **ret);
/* Writes result.json atomically, creating the directory. */
int run_result_write(const RunResult *r, const char *root);
/* -ENOENT: no run yet; -EBADMSG: not a result file. */
int run_result_read(const char *root, RunResult *ret);
int run_result_parse(const char *text, RunResult *ret);
/* The result as JSON (the file's fields) plus "status" (status may be
 * "not run" with r NULL). */
int run_result_print_json(const RunResult *r, const char *status, FILE *f);

/* True while the process that wrote a "running" result still runs (same
 * boot, same PID, same start time). */
bool run_result_writer_alive(const RunResult *r);

/* µs since the epoch as RFC 3339 UTC with µs ("2026-12-03T07:01:02.345678Z"). */
int format_timestamp_utc(uint64_t usec, char *buf, size_t size);

/* /proc/PID/stat field 22, clock ticks after boot; 0 when unknown. */
uint64_t process_start_time(pid_t pid);
