/* SPDX-License-Identifier: Apache-2.0 */
#include "config/validate.h"
#include "plan/plan-internal.h"

/* coreos.units, the drop-ins of the sections rendered as Environment=
 * lines, and the units that update settings restart. */

static bool unit_is_network(const char *name) {
        return endswith(name, ".network") || endswith(name, ".netdev") || endswith(name, ".link");
}

static int unit_dir_for(Planner *P, const char *name, bool runtime, char **ret) {
        if (unit_is_network(name))
                return asprintf(ret, "%s/systemd/network", runtime ? "/run" : "/etc") < 0 ? -ENOMEM : 0;
        *ret = strdup(runtime ? P->runtime_unit_dir : P->unit_dir);
        return *ret ? 0 : -ENOMEM;
}

static int add_unit(Planner *P, PlanUnit *u) {
        PlanUnit *n = realloc(P->plan->units, sizeof(PlanUnit) * (P->plan->n_units + 1));
        if (!n) {
                plan_unit_done(u);
                return -ENOMEM;
        }
        P->plan->units = n;
        P->plan->units[P->plan->n_units++] = *u;
        *u = (PlanUnit) {};
        return 0;
}

static int plan_one_unit(Planner *P, const ConfigUnit *u, const char *origin) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *item = NULL;
        bool any_change = false;
        int r;

        r = planner_item_name(origin, &u->name, &item);
        if (r < 0)
                return r;
        r = planner_skip_marked(P, &u->self, item);
        if (r != 0)
                return r < 0 ? r : 0;
        if (!u->name.set || !field_check_passes(&check_unit_name, u->name.str))
                return planner_issue_at(P, false, u->name.set ? &u->name : &u->self, item,
                                        "no \"name\", or not a unit name such as \"etcd2.service\"; unit not applied");
        const char *name = u->name.str;
        bool network = unit_is_network(name);
        bool runtime = u->runtime.set && u->runtime.b;

        if (network && P->in->user_units)
                return planner_issue_at(P, false, &u->name, item,
                                        "networkd units cannot be managed by a user manager; unit not applied");
        UnitCommand command = _UNIT_COMMAND_INVALID;
        if (u->command.set && u->command.len > 0) {
                command = unit_command_from_string(u->command.str);
                if (command < 0)
                        return planner_issue_at(P, false, &u->command, item, "command is not one of %s; unit not applied",
                                                check_unit_command.describe);
        }

        r = unit_dir_for(P, name, runtime, &dir);
        if (r < 0)
                return r;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;

        if (u->content.set && u->content.len > 0) {
                char *c = strndup(u->content.str, u->content.len);
                if (!c)
                        return -ENOMEM;
                r = planner_add_write(P, path, c, u->content.len, 0644, NULL, origin, false);
                if (r < 0)
                        return r;
                any_change = any_change || planner_changed(P->plan, path);
        }

        for (size_t j = 0; j < u->n_drop_ins; j++) {
                const ConfigDropIn *d = u->drop_ins + j;
                _cleanup_free_ char *dp = NULL, *ditem = NULL, *dbase = NULL;
                if (asprintf(&dbase, "%s.drop_ins[%zu]", origin, j) < 0)
                        return -ENOMEM;
                r = planner_item_name(dbase, &d->name, &ditem);
                if (r < 0)
                        return r;
                r = planner_skip_marked(P, &d->self, ditem);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (!d->name.set || d->name.len == 0 || !d->content.set || d->content.len == 0)
                        continue; /* as coreos-cloudinit: needs both */
                if (!field_check_passes(&check_dropin_name, d->name.str)) {
                        r = planner_issue_at(P, false, &d->name, ditem,
                                             "the name is not a file name ending in \".conf\"; drop-in not written");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (asprintf(&dp, "%s/%s.d/%s", dir, name, d->name.str) < 0)
                        return -ENOMEM;
                char *c = strndup(d->content.str, d->content.len);
                if (!c)
                        return -ENOMEM;
                r = planner_add_write(P, dp, c, d->content.len, 0644, NULL, origin, false);
                if (r < 0)
                        return r;
                any_change = any_change || planner_changed(P->plan, dp);
        }

        bool mask = u->mask.set && u->mask.b, unmask = false;
        if (mask) {
                r = planner_add_mask(P, path, origin);
                if (r < 0)
                        return r;
                any_change = any_change || planner_changed(P->plan, path);
        } else if (runtime) {
                r = planner_add_unmask(P, path, origin);
                if (r < 0)
                        return r;
                unmask = r > 0;
                any_change = any_change || unmask;
        }

        PlanUnit pu = {
                .runtime = runtime,
                .mask = mask,
                .unmask = unmask,
                .enable = u->enable.set && u->enable.b && !network,
                .command = command,
                .changed = any_change,
                .network = network,
        };

        /* a unit whose configuration section was left out would run
         * half-configured (etcd without its discovery bootstraps a cluster
         * of its own): it is neither started nor enabled; stop stands */
        const char *left_out = planner_unit_left_out(P, name);
        if (left_out && (pu.enable || (command >= 0 && command != UNIT_COMMAND_STOP))) {
                r = planner_issue_at(P, false, &u->self, item, "%s is not %s because coreos.%s was not applied", name,
                                     pu.enable && command >= 0 ? "started or enabled" : pu.enable ? "enabled" : "started",
                                     left_out);
                if (r < 0)
                        return r;
                pu.enable = false;
                pu.command = _UNIT_COMMAND_INVALID;
        }
        pu.name = strdup(name);
        pu.path = TAKE_PTR(path);
        pu.origin = strdup(origin);
        if (!pu.name || !pu.origin) {
                plan_unit_done(&pu);
                return -ENOMEM;
        }
        return add_unit(P, &pu);
}

static int plan_service_dropin(Planner *P, const SchemaStruct *s, const void *section, const char *origin) {
        _cleanup_free_ char *text = NULL, *path = NULL, *unit_path = NULL;
        const char *key = NULL;
        bool secret = false;
        int r;

        /* left out whole (etcd, etcd2, fleet), or without its marked keys
         * (locksmith): reported by plan_units() */
        if (((const Value *) section)->error)
                return 0;
        r = render_dropin(s, section, &text, &secret, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return planner_issue(P, false, origin,
                                     "\"%s\" contains a control character or invalid UTF-8, which an Environment= line "
                                     "cannot carry; %s drop-in not written",
                                     key, s->unit);

        if (asprintf(&unit_path, "%s/%s", P->runtime_unit_dir, s->unit) < 0 ||
            asprintf(&path, "%s/%s.d/20-cloudinit.conf", P->runtime_unit_dir, s->unit) < 0)
                return -ENOMEM;

        bool any_change = false, has_text = text != NULL;
        if (text) {
                size_t n = strlen(text);
                r = planner_add_write(P, path, TAKE_PTR(text), n, 0644, NULL, origin, secret);
                if (r < 0)
                        return r;
                any_change = planner_changed(P->plan, path);
        }
        /* coreos-cloudinit "ensures runtime unit file is unmasked" for these */
        r = planner_add_unmask(P, unit_path, origin);
        if (r < 0)
                return r;
        if (!has_text && r == 0)
                return 0;

        PlanUnit pu = {
                .runtime = true,
                .unmask = r > 0,
                .command = _UNIT_COMMAND_INVALID,
                .changed = any_change || r > 0,
        };
        pu.name = strdup(s->unit);
        pu.path = TAKE_PTR(unit_path);
        pu.origin = strdup(origin);
        if (!pu.name || !pu.origin) {
                plan_unit_done(&pu);
                return -ENOMEM;
        }
        return add_unit(P, &pu);
}

static int plan_update_units(Planner *P, const ConfigUpdate *u) {
        int r;

        /* marked keys were reported with update.conf */
        if (u->reboot_strategy.set && u->reboot_strategy.len > 0 && !u->reboot_strategy.error &&
            field_check_passes(&check_reboot_strategy, u->reboot_strategy.str)) {
                /* the strategy is locksmith's: its unit is the one the
                 * locksmith section's drop-in configures */
                const char *unit = schema_ConfigLocksmith.unit;
                bool off = streq(u->reboot_strategy.str, "off");
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", P->runtime_unit_dir, unit) < 0)
                        return -ENOMEM;
                if (off) {
                        r = planner_add_mask(P, path, "coreos.update");
                        if (r < 0)
                                return r;
                }
                PlanUnit pu = {
                        .runtime = true,
                        .mask = off,
                        .command = off ? UNIT_COMMAND_STOP : UNIT_COMMAND_RESTART,
                        .changed = off && planner_changed(P->plan, path),
                };
                pu.name = strdup(unit);
                pu.path = TAKE_PTR(path);
                pu.origin = strdup("coreos.update");
                if (!pu.name || !pu.origin) {
                        plan_unit_done(&pu);
                        return -ENOMEM;
                }
                r = add_unit(P, &pu);
                if (r < 0)
                        return r;
        }

        if ((u->group.set && u->group.len > 0 && !u->group.error) ||
            (u->server.set && u->server.len > 0 && !u->server.error)) {
                PlanUnit pu = { .command = UNIT_COMMAND_RESTART };
                pu.name = strdup(schema_ConfigUpdate.unit);
                pu.origin = strdup("coreos.update");
                if (asprintf(&pu.path, "%s/%s", P->unit_dir, schema_ConfigUpdate.unit) < 0)
                        pu.path = NULL;
                if (!pu.name || !pu.origin || !pu.path) {
                        plan_unit_done(&pu);
                        return -ENOMEM;
                }
                r = add_unit(P, &pu);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Calls fn on every coreos section the schema renders as a drop-in, in
 * schema order, with its origin ("coreos.etcd2"). */
static int for_each_dropin_section(Planner *P, const ConfigCoreos *co,
                                   int (*fn)(Planner *P, const SchemaStruct *s, const void *section,
                                             const char *origin)) {
        for (size_t i = 0; i < schema_ConfigCoreos.n_fields; i++) {
                const SchemaField *f = schema_ConfigCoreos.fields + i;
                char origin[64];
                if (f->type != FIELD_STRUCT || f->sub->render != SCHEMA_RENDER_DROPIN)
                        continue;
                snprintf(origin, sizeof origin, "coreos.%s", f->key);
                int r = fn(P, f->sub, (const char *) co + f->offset, origin);
                if (r < 0)
                        return r;
        }
        return 0;
}

int plan_units(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        int r;

        /* a left-out section is reported before the units it keeps from
         * starting, so the reason comes first */
        r = for_each_dropin_section(P, co, planner_skip_section);
        if (r < 0)
                return r;

        for (size_t i = 0; i < co->n_units; i++) {
                char origin[64];
                snprintf(origin, sizeof origin, "coreos.units[%zu]", i);
                r = plan_one_unit(P, co->units + i, origin);
                if (r < 0)
                        return r;
        }

        if (P->in->user_units)
                return 0;
        /* the sections the schema renders as drop-ins, in its order
         * (coreos-cloudinit's: etcd, etcd2, fleet, locksmith) */
        r = for_each_dropin_section(P, co, plan_service_dropin);
        if (r < 0)
                return r;
        r = plan_update_units(P, &co->update);
        if (r < 0)
                return r;
        return 0;
}
