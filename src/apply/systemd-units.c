/* SPDX-License-Identifier: Apache-2.0 */
#include "apply/systemd-internal.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/time-util.h"

/* The unit steps of a plan: enable, reload, mask checks, networkd, the
 * commands. */

/* Manager methods per UnitCommand (plan.h order). */
static const char *const command_method_table[_UNIT_COMMAND_MAX] = {
        [UNIT_COMMAND_START] = "StartUnit",
        [UNIT_COMMAND_STOP] = "StopUnit",
        [UNIT_COMMAND_RESTART] = "RestartUnit",
        [UNIT_COMMAND_RELOAD] = "ReloadUnit",
        [UNIT_COMMAND_TRY_RESTART] = "TryRestartUnit",
        [UNIT_COMMAND_RELOAD_OR_RESTART] = "ReloadOrRestartUnit",
        [UNIT_COMMAND_RELOAD_OR_TRY_RESTART] = "ReloadOrTryRestartUnit",
};

typedef struct Results {
        UnitResult *items;
        size_t n;
        size_t allocated;
        int failed;
} Results;

static UnitResult *results_add(Results *rs, UnitStep step, const char *unit, UnitCommand command) {
        if (rs->n == rs->allocated) {
                size_t na = MAX(rs->allocated * 2, (size_t) 8);
                UnitResult *n = realloc(rs->items, na * sizeof(UnitResult));
                if (!n)
                        return NULL;
                rs->items = n;
                rs->allocated = na;
        }

        char *u = NULL;
        if (unit) {
                u = strdup(unit);
                if (!u)
                        return NULL;
        }
        UnitResult *r = &rs->items[rs->n++];
        *r = (UnitResult) {
                .step = step,
                .unit = u,
                .command = command,
                .outcome = UNIT_OUTCOME_DONE,
        };
        return r;
}

static bool unit_is_loaded(SystemdBus *b, const char *unit, char **ret_path) {
        _cleanup_free_ char *path = NULL;

        /* GetUnit (unlike LoadUnit) never loads: NoSuchUnit = not in memory. */
        if (unit_object_path(b, "GetUnit", unit, &path) < 0)
                return false;
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return true;
}

/* "…/multi-user.target.wants/x.service" -> "multi-user.target" */
static char *wants_dir_unit(const char *symlink) {
        const char *slash = strrchr(symlink, '/');
        if (!slash || slash == symlink)
                return NULL;
        const char *start = slash - 1;
        while (start > symlink && *start != '/')
                start--;
        if (*start == '/')
                start++;
        size_t l = (size_t) (slash - start);
        static const char *const suffixes[] = { ".wants", ".requires", ".upholds" };
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t sl = strlen(suffixes[i]);
                if (l > sl && memcmp(start + l - sl, suffixes[i], sl) == 0)
                        return strndup(start, l - sl);
        }
        return NULL;
}

/* EnableUnitFiles; *ret_reload_reason is set when a loaded unit (the
 * target it was added to) needs a Reload to see the new dependency. */
static void step_enable(SystemdBus *b, const PlanUnit *u, UnitResult *res, char **reload_reason) {
        BUS_ERROR(e, b);
        REPLY(reply, b);
        _cleanup_(buf_done) Buf msg = {};
        int carries_install_info = 0;
        char *names[] = { u->name, NULL };
        int r;

        {
                REPLY(call, b);
                r = b->f.message_new_method_call(b->bus, &call.m, SD_DEST, SD_PATH, SD_MANAGER, "EnableUnitFiles");
                if (r >= 0)
                        r = b->f.message_append(call.m, "as", 1, names[0]);
                if (r >= 0)
                        r = b->f.message_append(call.m, "bb", (int) u->runtime, 1);
                if (r >= 0)
                        r = b->f.call(b->bus, call.m, 0, &e.e, &reply.m);
                if (r < 0) {
                        result_set_error(res, &e.e, r);
                        return;
                }
        }

        r = b->f.message_read(reply.m, "b", &carries_install_info);
        if (r >= 0)
                r = b->f.message_enter_container(reply.m, 'a', "(sss)");
        if (r < 0) {
                result_set_error(res, NULL, r);
                return;
        }
        for (;;) {
                const char *type, *path, *source;

                r = b->f.message_read(reply.m, "(sss)", &type, &path, &source);
                if (r <= 0)
                        break;
                (void) buf_printf(&msg, "%s%s %s -> %s", msg.len ? "; " : "", type, path, source);

                _cleanup_free_ char *target = wants_dir_unit(path);
                if (target && !*reload_reason && unit_is_loaded(b, target, NULL)) {
                        Buf why = {};
                        if (buf_printf(&why, "%s was enabled into %s, which is loaded", u->name, target) >= 0)
                                *reload_reason = buf_steal(&why, NULL);
                        buf_done(&why);
                }
        }

        if (msg.len)
                result_set_message(res, "%s", msg.data);
        else if (!carries_install_info) {
                res->outcome = UNIT_OUTCOME_WARNING;
                result_set_message(res, "unit has no [Install] section: nothing to enable");
        } else
                result_set_message(res, "already enabled");
}

/* Why a Reload is needed for u, or NULL. A unit that is not loaded is read
 * fresh on its next use; a loaded one keeps its old definition until a
 * Reload: changed file or drop-in (NeedDaemonReload says so), and masks or
 * unmasks (NeedDaemonReload stays "no" for those, measured). */
static char *reload_reason(SystemdBus *b, const PlanUnit *u) {
        _cleanup_free_ char *path = NULL, *load_state = NULL;
        int need = 0;
        Buf why = {};
        char *s;

        if (!unit_is_loaded(b, u->name, &path))
                return NULL;
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "LoadState", NULL, &load_state);
        (void) b->f.get_property_trivial(b->bus, SD_DEST, path, SD_UNIT, "NeedDaemonReload", NULL, 'b', &need);

        /* A unit that was looked up and not found is retried on its next
         * use once its directory changed (systemd >= 245): no Reload. */
        if (streq_ptr(load_state, "not-found") && !need)
                return NULL;

        if (u->mask && u->changed)
                (void) buf_printf(&why, "%s was masked while loaded (%s)", u->name, strna(load_state));
        else if (u->unmask && u->changed)
                (void) buf_printf(&why, "%s was unmasked while loaded (%s)", u->name, strna(load_state));
        else if (need)
                (void) buf_printf(&why, "%s changed on disk while loaded (NeedDaemonReload)", u->name);
        else if (u->changed)
                (void) buf_printf(&why, "%s changed while loaded (%s)", u->name, strna(load_state));
        s = why.len ? buf_steal(&why, NULL) : NULL;
        buf_done(&why);
        return s;
}

static void step_reload(SystemdBus *b, UnitResult *res) {
        BUS_ERROR(e, b);
        int r;

        /* The manager answers once the reload is complete. */
        r = b->f.call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Reload", &e.e, NULL, NULL);
        if (r < 0)
                result_set_error(res, &e.e, r);
}

/* A mask hides the unit only from a higher-priority directory: a runtime
 * mask in /run does nothing against a unit file in /etc. */
static void step_mask_check(SystemdBus *b, const PlanUnit *u, UnitResult *res) {
        _cleanup_free_ char *path = NULL, *load_state = NULL, *fragment = NULL;
        int r;

        r = unit_object_path(b, "LoadUnit", u->name, &path);
        if (r < 0) {
                result_set_error(res, NULL, r);
                return;
        }
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "LoadState", NULL, &load_state);
        if (streq_ptr(load_state, "masked")) {
                result_set_message(res, "masked");
                return;
        }
        (void) b->f.get_property_string(b->bus, SD_DEST, path, SD_UNIT, "FragmentPath", NULL, &fragment);
        res->outcome = UNIT_OUTCOME_WARNING;
        if (u->runtime)
                result_set_message(res, "runtime mask has no effect: %s takes precedence (load state %s)",
                                   isempty(fragment) ? "a unit file in a higher-priority directory" : fragment,
                                   strna(load_state));
        else
                result_set_message(res, "mask has no effect: %s takes precedence (load state %s)",
                                   isempty(fragment) ? "another unit file" : fragment, strna(load_state));
}

/* Opens the result of one step; its wall time counts from here. */
static UnitResult *step_begin(Results *rs, UnitStep step, const char *unit, UnitCommand command) {
        UnitResult *res = results_add(rs, step, unit, command);
        if (res)
                res->usec = now_monotonic_usec();
        return res;
}

static void step_finish(Results *rs, UnitResult *res) {
        res->usec = now_monotonic_usec() - res->usec;
        if (!unit_outcome_is_success(res->outcome))
                rs->failed++;
        log_result(res);
}

static void step_skip(UnitResult *res, const char *why) {
        res->outcome = UNIT_OUTCOME_SKIPPED;
        result_set_message(res, "%s", why);
}

/* Runs the steps into rs; -ENOMEM when a result cannot be recorded. */
static int apply_units(SystemdBus *b, const PlanUnit *units, size_t n_units, const SystemdOptions *o, Results *rs) {
        _cleanup_free_ char *reload_why = NULL;
        bool networkd = false;
        UnitResult *res;

        /* 1. enable (before the Reload, as coreos-cloudinit does) */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->enable || !u->name)
                        continue;
                res = step_begin(rs, UNIT_STEP_ENABLE, u->name, _UNIT_COMMAND_INVALID);
                if (!res)
                        return -ENOMEM;
                if (!b)
                        step_skip(res, "--systemd=none");
                else if (u->network)
                        step_skip(res, "network unit: systemd-networkd reads it, nothing to enable");
                else
                        step_enable(b, u, res, &reload_why);
                step_finish(rs, res);
        }

        /* 2. one Reload, only when a loaded unit would otherwise keep its
         * old definition */
        for (size_t i = 0; b && !reload_why && i < n_units; i++) {
                const PlanUnit *u = &units[i];
                /* only what this run changed: three calls per unit, to a
                 * PID 1 that is busy booting */
                if (u->name && !u->network && u->changed)
                        reload_why = reload_reason(b, u);
        }
        if (reload_why) {
                res = step_begin(rs, UNIT_STEP_RELOAD, NULL, _UNIT_COMMAND_INVALID);
                if (!res)
                        return -ENOMEM;
                step_reload(b, res);
                if (res->outcome == UNIT_OUTCOME_DONE)
                        result_set_message(res, "%s", reload_why);
                step_finish(rs, res);
        }

        /* 3. masks that cannot take effect */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->mask || !u->name || u->network)
                        continue;
                res = step_begin(rs, UNIT_STEP_MASK, u->name, _UNIT_COMMAND_INVALID);
                if (!res)
                        return -ENOMEM;
                if (!b)
                        step_skip(res, "--systemd=none");
                else
                        step_mask_check(b, u, res);
                step_finish(rs, res);
        }

        /* 4. networkd re-reads its configuration only on restart */
        for (size_t i = 0; i < n_units; i++)
                if (units[i].network && units[i].changed)
                        networkd = true;
        if (networkd) {
                res = step_begin(rs, UNIT_STEP_NETWORKD, "systemd-networkd.service", UNIT_COMMAND_RESTART);
                if (!res)
                        return -ENOMEM;
                if (!b)
                        step_skip(res, "--systemd=none");
                else if (b->mode == SYSTEMD_MODE_USER)
                        step_skip(res, "user manager: systemd-networkd is the system's");
                else
                        run_job_method(b, "RestartUnit", "systemd-networkd.service", o, res);
                step_finish(rs, res);
        }

        /* 5. the commands, in order; a failure never stops the others */
        for (size_t i = 0; i < n_units; i++) {
                const PlanUnit *u = &units[i];
                if (!u->name || u->network || u->command < 0 || u->command >= _UNIT_COMMAND_MAX)
                        continue;
                res = step_begin(rs, UNIT_STEP_COMMAND, u->name, u->command);
                if (!res)
                        return -ENOMEM;
                if (!b)
                        step_skip(res, "--systemd=none");
                else
                        run_job_method(b, command_method_table[u->command], u->name, o, res);
                step_finish(rs, res);
        }
        return rs->failed;
}

int systemd_apply_units(
                SystemdBus *b,
                const PlanUnit *units,
                size_t n_units,
                const SystemdOptions *o,
                UnitResult **results,
                size_t *n_results) {

        Results rs = { .items = *results, .n = *n_results, .allocated = *n_results };
        int r = apply_units(b, units, n_units, o, &rs);

        /* what was recorded is the caller's, also on -ENOMEM */
        *results = rs.items;
        *n_results = rs.n;
        return r;
}
