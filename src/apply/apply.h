/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "apply/accounts.h"
#include "apply/fs.h"
#include "apply/systemd.h"
#include "plan/plan.h"

/* Executes a Plan: hostname, users, files (one durable batch), discovery,
 * then units and scripts through the systemd stage. Discovery comes before
 * any unit starts: the etcd2 check must see the token as etcd will, before
 * etcd registers itself, and an etcd 0.4 node is announced before its
 * units look for peers. Discovery talks to the network only on the live
 * node (no --root), whatever --systemd says. Every step's result is
 * recorded; a failing step never stops an independent one. */

typedef enum ApplyStatus {
        APPLY_DONE,          /* changed something (or a unit job finished) */
        APPLY_UNCHANGED,     /* already as planned */
        APPLY_SKIPPED,       /* not run (--systemd=none, --root, not applicable) */
        APPLY_FAILED,
        _APPLY_STATUS_MAX,
        _APPLY_STATUS_INVALID = -EINVAL,
} ApplyStatus;

const char *apply_status_to_string(ApplyStatus s) _const_;
ApplyStatus apply_status_from_string(const char *s) _pure_;

typedef struct ApplyStep {
        char *kind;          /* "hostname", "user", "file", "unit", "discovery", "script" */
        char *target;        /* the path, user name, unit name ... */
        char *action;        /* "write", "mask", "create", "start", ... */
        ApplyStatus status;
        char *detail;        /* why (failure reason, "not a mask", job result); never secret */
        uint64_t start_usec; /* CLOCK_MONOTONIC when the step began and ended (for `analyze`); */
        uint64_t end_usec;   /* the files of one durable batch share the batch's */
} ApplyStep;

typedef struct ApplyResult {
        ApplyStep *steps;
        size_t n_steps;
        size_t n_failed;
        uint64_t usec;       /* wall time of apply_plan() */
        uint64_t step_start_usec; /* when the next step added began (default: the last one's end) */
} ApplyResult;

void apply_result_done(ApplyResult *r);
int apply_result_add(ApplyResult *r, const char *kind, const char *target, const char *action, ApplyStatus status,
                     const char *detail_fmt, ...) _printf_(6, 7);

typedef struct ApplyContext {
        const FsRoot *root;
        Accounts *accounts;
        SystemdMode systemd;
        const SystemdOptions *systemd_options;
        const char *workspace;       /* scripts are saved here */
        bool durable;                /* fsync (default); off only for benchmarks of the rest */
        /* CLOCK_MONOTONIC time by which the run must be over (its unit's
         * TimeoutStartSec=): bounds the discovery retries and every job
         * wait (it tightens systemd_options->deadline_usec). 0: none. */
        uint64_t deadline_usec;
} ApplyContext;

/* The PlanReader for a root (stat, list, owner). */
PlanReader apply_plan_reader(const FsRoot *root, Accounts *accounts);

/* Returns 0 when every step succeeded, 1 when some failed (see
 * ret->n_failed), negative errno when results could not be recorded. */
int apply_plan(const Plan *p, const ApplyContext *ctx, ApplyResult *ret);
