/* SPDX-License-Identifier: Apache-2.0 */
#include "apply/systemd-internal.h"
#include "basic/log.h"
#include "basic/strformat.h"

/* Names of modes, steps and outcomes, and the UnitResult helpers. */

static const char *const systemd_mode_table[_SYSTEMD_MODE_MAX] = {
        [SYSTEMD_MODE_SYSTEM] = "system",
        [SYSTEMD_MODE_USER] = "user",
        [SYSTEMD_MODE_NONE] = "none",
};
DEFINE_STRING_TABLE_LOOKUP(systemd_mode, SystemdMode, _SYSTEMD_MODE_MAX);

static const char *const unit_step_table[_UNIT_STEP_MAX] = {
        [UNIT_STEP_ENABLE] = "enable",
        [UNIT_STEP_RELOAD] = "reload",
        [UNIT_STEP_MASK] = "mask",
        [UNIT_STEP_NETWORKD] = "networkd",
        [UNIT_STEP_COMMAND] = "command",
        [UNIT_STEP_SCRIPT] = "script",
};
DEFINE_STRING_TABLE_LOOKUP(unit_step, UnitStep, _UNIT_STEP_MAX);

static const char *const unit_outcome_table[_UNIT_OUTCOME_MAX] = {
        [UNIT_OUTCOME_DONE] = "done",
        [UNIT_OUTCOME_FAILED] = "failed",
        [UNIT_OUTCOME_DEPENDENCY] = "dependency",
        [UNIT_OUTCOME_CANCELED] = "canceled",
        [UNIT_OUTCOME_TIMEOUT] = "timeout",
        [UNIT_OUTCOME_SKIPPED] = "skipped",
        [UNIT_OUTCOME_QUEUED] = "queued",
        [UNIT_OUTCOME_WARNING] = "warning",
        [UNIT_OUTCOME_ERROR] = "error",
        [UNIT_OUTCOME_OTHER] = "other",
};
DEFINE_STRING_TABLE_LOOKUP(unit_outcome, UnitOutcome, _UNIT_OUTCOME_MAX);

UnitOutcome unit_outcome_from_job_result(const char *result) {
        if (!result)
                return UNIT_OUTCOME_OTHER;
        /* "done", "failed", ... share our names; the rest are "other". */
        UnitOutcome o = unit_outcome_from_string(result);
        switch (o) {
        case UNIT_OUTCOME_DONE:
        case UNIT_OUTCOME_FAILED:
        case UNIT_OUTCOME_DEPENDENCY:
        case UNIT_OUTCOME_CANCELED:
        case UNIT_OUTCOME_TIMEOUT:
        case UNIT_OUTCOME_SKIPPED:
                return o;
        default:
                return UNIT_OUTCOME_OTHER;
        }
}

bool unit_outcome_is_success(UnitOutcome o) {
        switch (o) {
        case UNIT_OUTCOME_DONE:
        case UNIT_OUTCOME_SKIPPED:
        case UNIT_OUTCOME_QUEUED:
        case UNIT_OUTCOME_WARNING:
                return true;
        default:
                return false;
        }
}

void unit_result_done(UnitResult *r) {
        if (!r)
                return;
        free(r->unit);
        free(r->job_result);
        free(r->error_name);
        free(r->message);
        *r = (UnitResult) { .command = _UNIT_COMMAND_INVALID };
}

void unit_results_free(UnitResult *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                unit_result_done(&r[i]);
        free(r);
}

void result_set_message(UnitResult *r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) strvprintf_set(&r->message, fmt, ap);
        va_end(ap);
}

void result_set_error(UnitResult *r, const sd_bus_error *e, int error) {
        r->outcome = UNIT_OUTCOME_ERROR;
        free(r->error_name);
        r->error_name = e && e->name ? strdup(e->name) : NULL;
        if (e && e->message)
                result_set_message(r, "%s", e->message);
        else
                result_set_message(r, "%s", strerror(error < 0 ? -error : EIO));
}

void log_result(const UnitResult *r) {
        const char *what = r->step == UNIT_STEP_COMMAND ? (unit_command_to_string(r->command) ?: "command")
                                                        : unit_step_to_string(r->step);
        /* results are values the report prints: only a debug line here */
        log_debug("%s %s: %s%s%s%s%s (%llu.%03llu ms)", what, strempty(r->unit), unit_outcome_to_string(r->outcome),
                 r->error_name ? " " : "", strempty(r->error_name), r->message ? ": " : "", strempty(r->message),
                 (unsigned long long) (r->usec / 1000), (unsigned long long) (r->usec % 1000));
}
