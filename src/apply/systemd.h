/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "apply/fs.h"
#include "basic/macro.h"
#include "plan/plan.h"

/* The one sd-bus user. libsystemd is dlopen()ed by systemd_connect(), so runs
 * that never talk to a manager (validate, --systemd=none, dry runs) never
 * load it. One connection serves the whole run. */

typedef enum SystemdMode {
        SYSTEMD_MODE_SYSTEM,    /* PID 1: /run/systemd/private, else the system bus */
        SYSTEMD_MODE_USER,      /* user manager: $XDG_RUNTIME_DIR/systemd/private, else the user bus */
        SYSTEMD_MODE_NONE,      /* write files only: every bus step is reported as skipped */
        _SYSTEMD_MODE_MAX,
        _SYSTEMD_MODE_INVALID = -EINVAL,
} SystemdMode;

const char *systemd_mode_to_string(SystemdMode m) _const_;
SystemdMode systemd_mode_from_string(const char *s) _pure_;

/* What one step did. Steps run in coreos-cloudinit's order. */
typedef enum UnitStep {
        UNIT_STEP_ENABLE,       /* EnableUnitFiles */
        UNIT_STEP_RELOAD,       /* Manager.Reload, at most once */
        UNIT_STEP_MASK,         /* check that a mask hides the unit */
        UNIT_STEP_NETWORKD,     /* restart systemd-networkd for changed network units */
        UNIT_STEP_COMMAND,      /* start/stop/restart/... */
        UNIT_STEP_SCRIPT,       /* #! user-data as a transient unit */
        _UNIT_STEP_MAX,
        _UNIT_STEP_INVALID = -EINVAL,
} UnitStep;

const char *unit_step_to_string(UnitStep s) _const_;
UnitStep unit_step_from_string(const char *s) _pure_;

typedef enum UnitOutcome {
        UNIT_OUTCOME_DONE,              /* job result "done", or the call succeeded */
        UNIT_OUTCOME_FAILED,            /* job results: failed */
        UNIT_OUTCOME_DEPENDENCY,        /* a dependency failed */
        UNIT_OUTCOME_CANCELED,
        UNIT_OUTCOME_TIMEOUT,           /* systemd's own job timeout */
        UNIT_OUTCOME_SKIPPED,           /* job skipped (condition) or step not run (--systemd=none, not applicable) */
        UNIT_OUTCOME_QUEUED,            /* job left running: it waits for our own unit, or outlived our wait */
        UNIT_OUTCOME_WARNING,           /* done, but not what was asked (runtime mask hidden by /etc) */
        UNIT_OUTCOME_ERROR,             /* the D-Bus call itself failed (NoSuchUnit, UnitMasked, ...) */
        UNIT_OUTCOME_OTHER,             /* another systemd job result (invalid, assert, unsupported, ...) */
        _UNIT_OUTCOME_MAX,
        _UNIT_OUTCOME_INVALID = -EINVAL,
} UnitOutcome;

const char *unit_outcome_to_string(UnitOutcome o) _const_;
UnitOutcome unit_outcome_from_string(const char *s) _pure_;
/* Maps systemd's JobRemoved result string. */
UnitOutcome unit_outcome_from_job_result(const char *result) _pure_;
/* done, skipped, queued and warning do not make the run fail. */
bool unit_outcome_is_success(UnitOutcome o) _const_;

typedef struct UnitResult {
        UnitStep step;
        char *unit;             /* NULL for RELOAD */
        UnitCommand command;    /* COMMAND only, else _UNIT_COMMAND_INVALID */
        UnitOutcome outcome;
        char *job_result;       /* systemd's JobRemoved result, NULL when no job finished */
        char *error_name;       /* D-Bus error name, e.g. org.freedesktop.systemd1.NoSuchUnit */
        char *message;          /* error text, or why (reload reason, queued reason, enable changes) */
        uint64_t usec;          /* wall time of the step */
} UnitResult;

void unit_result_done(UnitResult *r);
void unit_results_free(UnitResult *r, size_t n);

#define SYSTEMD_JOB_TIMEOUT_DEFAULT_USEC (90ULL * 1000ULL * 1000ULL)

typedef struct SystemdOptions {
        /* Longest wait for one job's JobRemoved; then it is reported as
         * queued and the run moves on. 0: SYSTEMD_JOB_TIMEOUT_DEFAULT_USEC. */
        uint64_t job_timeout_usec;
        /* CLOCK_MONOTONIC time no job is waited for past, whatever its own
         * timeout: keeps the whole run inside its unit's TimeoutStartSec=.
         * 0: none. */
        uint64_t deadline_usec;
        /* The unit nodeinit runs in, whose job nothing may wait for. NULL:
         * asked from the manager (GetUnitByPID of our own PID). */
        const char *self_unit;
} SystemdOptions;

typedef struct SystemdBus SystemdBus;

/* address: NULL for the default of mode, else a D-Bus address. A plain
 * "unix:path=..." is a direct (peer-to-peer) connection to the manager's
 * private socket; "bus:unix:path=..." goes through a dbus-daemon. When
 * address is NULL, $NODEINIT_SYSTEMD_ADDRESS is honoured (for tests).
 * SYSTEMD_MODE_NONE gives *ret = NULL and returns 0: the apply functions
 * accept a NULL bus and report every bus step as skipped.
 * -ENOSYS: libsystemd.so.0 cannot be loaded. */
int systemd_connect(SystemdMode mode, const char *address, SystemdBus **ret);
SystemdBus *systemd_bus_free(SystemdBus *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(SystemdBus *, systemd_bus_free);
/* "direct unix:path=/run/systemd/private", "system bus", ... */
const char *systemd_bus_description(const SystemdBus *b);

/* Runs the unit steps for units[] (already written to disk by the file
 * stage): enable, one Reload if it matters, mask checks, networkd restart,
 * then each unit's command, each followed to its JobRemoved with a bounded
 * wait. Never stops at a failing unit. Appends one UnitResult per step to
 * *results (n in *n_results; caller frees with unit_results_free()).
 * Returns the number of failed steps (0: all succeeded), or a negative
 * errno when results could not be recorded (-ENOMEM). */
int systemd_apply_units(
                SystemdBus *b,
                const PlanUnit *units,
                size_t n_units,
                const SystemdOptions *o,
                UnitResult **results,
                size_t *n_results);

/* Saves the script as <workspace>/scripts/<id> (0700, in a 0700 directory)
 * inside root (the --root directory or "/"; workspace is the absolute path
 * on the node, e.g. /var/lib/nodeinit) through fs_commit(): confined to the
 * root, atomic, untouched when unchanged. <id> is the first 12 hex digits
 * of the script's SHA-1, so a re-run of the same script reuses its file.
 * Starts it as the transient unit nodeinit-script-<id>.service with
 * ExecStart=<its own #! interpreter> <path>, Type=exec, waiting for the
 * start job (a failed unit of an earlier run is reset first; one still
 * running is reported as queued, not started twice). Fills *ret (always,
 * when returning >= 0). Returns 0 on success, 1 when the step failed,
 * negative errno on -ENOMEM. */
int systemd_run_script(
                SystemdBus *b,
                const PlanScript *script,
                const FsRoot *root,
                const char *workspace,
                const SystemdOptions *o,
                UnitResult *ret);

/* The argv to execute a script saved at path: its #! interpreter, the
 * optional single argument (everything after the first blank, as the
 * kernel does), then path. -EINVAL when there is no #! line or the
 * interpreter path is not absolute. Pure, for tests. */
int script_exec_argv(const char *content, size_t size, const char *path, char ***ret);
