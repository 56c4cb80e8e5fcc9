/* SPDX-License-Identifier: Apache-2.0 */
#include <json-c/json.h>

#include "report/plan.h"

/* Dry-run and apply reports. Secrets — password hashes, script bodies,
 * files marked secret — are never printed; a file's content appears only as
 * a diff in the dry-run output the operator asked for. */

static const char *file_verb(const PlanFile *f) {
        switch (f->action) {
        case PLAN_FILE_MASK:
                return f->change == PLAN_CHANGE_NONE ? "masked" : "mask";
        case PLAN_FILE_UNMASK:
                return "unmask";
        case PLAN_FILE_DIR:
                return f->change == PLAN_CHANGE_NONE ? "dir exists" : "mkdir";
        default:
                return f->change == PLAN_CHANGE_CREATE ? "create" : f->change == PLAN_CHANGE_UPDATE ? "change" : "unchanged";
        }
}

static int file_diff(const PlanFile *f, char **ret) {
        *ret = NULL;
        if (f->action != PLAN_FILE_WRITE || f->change == PLAN_CHANGE_NONE)
                return 0;
        if (f->secret) {
                *ret = strdup("(content hidden)\n");
                return *ret ? 0 : -ENOMEM;
        }
        return unified_diff(f->path, f->old_content, f->old_size, f->content, f->size, ret);
}

static void print_owner_mode(FILE *out, const PlanFile *f) {
        if (f->action == PLAN_FILE_WRITE || f->action == PLAN_FILE_DIR)
                fprintf(out, " (%04o %s)", (unsigned) f->mode, f->owner ?: "root");
}

static void print_user(FILE *out, const PlanUser *u) {
        if (u->create) {
                fprintf(out, "user %s: create%s%s%s%s", u->name, u->system ? " system" : "",
                        u->homedir ? " home=" : "", strempty(u->homedir), u->no_create_home ? " no-home" : "");
                if (u->primary_group)
                        fprintf(out, " group=%s", u->primary_group);
                if (u->groups) {
                        fputs(" groups=", out);
                        for (char **g = u->groups; *g; g++)
                                fprintf(out, "%s%s", g == u->groups ? "" : ",", *g);
                }
                if (u->shell)
                        fprintf(out, " shell=%s", u->shell);
        } else
                fprintf(out, "user %s: exists", u->name);
        if (u->passwd)
                fputs(", set password (hash hidden)", out);
        fputc('\n', out);
}

static void print_unit(FILE *out, const PlanUnit *u) {
        bool first = true;
        fprintf(out, "unit %s:", u->name);
#define WORD(c, w) do { if (c) { fprintf(out, "%s%s", first ? " " : ", ", w); first = false; } } while (0)
        WORD(u->mask, "mask");
        WORD(u->unmask, "unmask");
        WORD(u->enable, u->runtime ? "enable (runtime)" : "enable");
        WORD(u->command >= 0, unit_command_to_string(u->command));
        WORD(first, "no action");
#undef WORD
        fprintf(out, "%s%s\n", u->changed ? " (definition changes)" : "", u->network ? " (networkd)" : "");
}

static void print_issues(FILE *out, const Plan *p) {
        for (size_t i = 0; i < p->n_issues; i++)
                fprintf(out, "%s: %s: %s\n", p->issues[i].warning ? "warning" : "error", p->issues[i].origin,
                        p->issues[i].message);
}

int report_plan_text(FILE *out, const Plan *p, bool verbose) {
        size_t n[_PLAN_CHANGE_MAX] = {};
        size_t unit_actions = 0;
        int r;

        if (p->hostname)
                fprintf(out, "hostname: %s\n", p->hostname);
        for (size_t i = 0; i < p->n_users; i++)
                print_user(out, p->users + i);

        for (size_t i = 0; i < p->n_files; i++) {
                const PlanFile *f = p->files + i;
                n[f->change]++;
                if (f->change == PLAN_CHANGE_NONE && !verbose)
                        continue;
                fprintf(out, "%-9s %s", file_verb(f), f->path);
                print_owner_mode(out, f);
                if (f->old_exists && f->action == PLAN_FILE_WRITE && f->change == PLAN_CHANGE_UPDATE &&
                    f->old_mode != f->mode)
                        fprintf(out, " (mode was %04o)", (unsigned) f->old_mode);
                fprintf(out, " [%s]\n", f->origin);

                _cleanup_free_ char *d = NULL;
                r = file_diff(f, &d);
                if (r < 0)
                        return r;
                if (d)
                        fputs(d, out);
        }

        for (size_t i = 0; i < p->n_units; i++) {
                print_unit(out, p->units + i);
                unit_actions += p->units[i].command >= 0 || p->units[i].enable;
        }
        for (size_t i = 0; i < p->n_discovery; i++) {
                const PlanDiscovery *d = p->discovery + i;
                if (d->kind == DISCOVERY_ETCD)
                        fprintf(out, "discovery etcd: register %s=%s at %s\n", strna(d->name), strna(d->peer_addr), d->url);
                else
                        fprintf(out, "discovery etcd2: check %s for %s%s%s\n", d->url, strna(d->name),
                                d->fallback ? ", fallback " : "", strempty(d->fallback));
        }
        for (size_t i = 0; i < p->n_scripts; i++)
                fprintf(out, "script %s: run with %s (%zu bytes, content hidden)\n", p->scripts[i].origin,
                        p->scripts[i].interpreter, p->scripts[i].size);
        print_issues(out, p);

        fprintf(out, "Plan: %zu to create, %zu to change, %zu to remove, %zu unchanged; %zu user%s, %zu unit action%s",
                n[PLAN_CHANGE_CREATE], n[PLAN_CHANGE_UPDATE], n[PLAN_CHANGE_REMOVE], n[PLAN_CHANGE_NONE], p->n_users,
                p->n_users == 1 ? "" : "s", unit_actions, unit_actions == 1 ? "" : "s");
        size_t errors = plan_count_errors(p);
        if (errors > 0)
                fprintf(out, "; %zu error%s", errors, errors == 1 ? "" : "s");
        fputc('\n', out);
        return 0;
}

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define STR(s) ((s) ? json_object_new_string(s) : NULL)

static json_object *mode_json(mode_t m) {
        char b[8];
        snprintf(b, sizeof b, "%04o", (unsigned) m);
        return json_object_new_string(b);
}

static int plan_json(const Plan *p, bool diffs, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *files = json_object_new_array(), *users = json_object_new_array(),
                    *units = json_object_new_array(), *disc = json_object_new_array(),
                    *scripts = json_object_new_array(), *issues = json_object_new_array();
        int r;

        if (!o || !files || !users || !units || !disc || !scripts || !issues) {
                json_object_put(files);
                json_object_put(users);
                json_object_put(units);
                json_object_put(disc);
                json_object_put(scripts);
                json_object_put(issues);
                return -ENOMEM;
        }
        ADD(o, "hostname", STR(p->hostname));
        ADD(o, "users", users);
        ADD(o, "files", files);
        ADD(o, "units", units);
        ADD(o, "discovery", disc);
        ADD(o, "scripts", scripts);
        ADD(o, "issues", issues);

        for (size_t i = 0; i < p->n_users; i++) {
                const PlanUser *u = p->users + i;
                json_object *e = json_object_new_object(), *g = json_object_new_array();
                if (!e || !g || json_object_array_add(users, e) < 0) {
                        json_object_put(e);
                        json_object_put(g);
                        return -ENOMEM;
                }
                ADD(e, "name", STR(u->name));
                ADD(e, "create", json_object_new_boolean(u->create));
                ADD(e, "set_password", json_object_new_boolean(u->passwd != NULL));
                ADD(e, "gecos", STR(u->gecos));
                ADD(e, "homedir", STR(u->homedir));
                ADD(e, "no_create_home", json_object_new_boolean(u->no_create_home));
                ADD(e, "primary_group", STR(u->primary_group));
                for (char **s = u->groups; s && *s; s++)
                        json_object_array_add(g, json_object_new_string(*s));
                ADD(e, "groups", g);
                ADD(e, "system", json_object_new_boolean(u->system));
                ADD(e, "shell", STR(u->shell));
                ADD(e, "origin", STR(u->origin));
        }

        for (size_t i = 0; i < p->n_files; i++) {
                const PlanFile *f = p->files + i;
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(files, e) < 0) {
                        json_object_put(e);
                        return -ENOMEM;
                }
                ADD(e, "path", STR(f->path));
                ADD(e, "action", STR(plan_file_action_to_string(f->action)));
                ADD(e, "change", STR(plan_change_to_string(f->change)));
                if (f->action == PLAN_FILE_WRITE || f->action == PLAN_FILE_DIR) {
                        ADD(e, "mode", mode_json(f->mode));
                        ADD(e, "owner", STR(f->owner ?: "root"));
                }
                if (f->action == PLAN_FILE_WRITE)
                        ADD(e, "size", json_object_new_int64((int64_t) f->size));
                ADD(e, "origin", STR(f->origin));
                ADD(e, "secret", json_object_new_boolean(f->secret));
                if (!diffs)
                        continue;
                _cleanup_free_ char *d = NULL;
                r = file_diff(f, &d);
                if (r < 0)
                        return r;
                if (d)
                        ADD(e, "diff", json_object_new_string(d));
        }

        for (size_t i = 0; i < p->n_units; i++) {
                const PlanUnit *u = p->units + i;
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(units, e) < 0) {
                        json_object_put(e);
                        return -ENOMEM;
                }
                ADD(e, "name", STR(u->name));
                ADD(e, "path", STR(u->path));
                ADD(e, "runtime", json_object_new_boolean(u->runtime));
                ADD(e, "mask", json_object_new_boolean(u->mask));
                ADD(e, "unmask", json_object_new_boolean(u->unmask));
                ADD(e, "enable", json_object_new_boolean(u->enable));
                ADD(e, "command", STR(u->command >= 0 ? unit_command_to_string(u->command) : NULL));
                ADD(e, "changed", json_object_new_boolean(u->changed));
                ADD(e, "network", json_object_new_boolean(u->network));
                ADD(e, "origin", STR(u->origin));
        }

        for (size_t i = 0; i < p->n_discovery; i++) {
                const PlanDiscovery *d = p->discovery + i;
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(disc, e) < 0) {
                        json_object_put(e);
                        return -ENOMEM;
                }
                ADD(e, "kind", STR(discovery_kind_to_string(d->kind)));
                ADD(e, "url", STR(d->url));
                ADD(e, "name", STR(d->name));
                ADD(e, "peer_addr", STR(d->peer_addr));
                ADD(e, "fallback", STR(d->fallback));
        }

        for (size_t i = 0; i < p->n_scripts; i++) {
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(scripts, e) < 0) {
                        json_object_put(e);
                        return -ENOMEM;
                }
                ADD(e, "origin", STR(p->scripts[i].origin));
                ADD(e, "interpreter", STR(p->scripts[i].interpreter));
                ADD(e, "size", json_object_new_int64((int64_t) p->scripts[i].size));
        }

        for (size_t i = 0; i < p->n_issues; i++) {
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(issues, e) < 0) {
                        json_object_put(e);
                        return -ENOMEM;
                }
                ADD(e, "kind", STR(p->issues[i].warning ? "warning" : "error"));
                ADD(e, "origin", STR(p->issues[i].origin));
                ADD(e, "message", STR(p->issues[i].message));
        }

        *ret = TAKE_PTR(o);
        return 0;
}

static int print_json(FILE *f, json_object *o) {
        fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE), f);
        fputc('\n', f);
        return 0;
}

int report_plan_json(FILE *f, const Plan *p) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        int r = plan_json(p, true, &o);
        if (r < 0)
                return r;
        json_object *top = json_object_new_object();
        if (!top)
                return -ENOMEM;
        ADD(top, "dry_run", json_object_new_boolean(true));
        ADD(top, "plan", TAKE_PTR(o));
        print_json(f, top);
        json_object_put(top);
        return 0;
}

static void count_steps(const ApplyResult *r, size_t n[_APPLY_STATUS_MAX]) {
        for (size_t i = 0; i < r->n_steps; i++)
                n[r->steps[i].status]++;
}

int report_apply_text(FILE *f, const Plan *p, const ApplyResult *r, bool verbose) {
        size_t n[_APPLY_STATUS_MAX] = {};

        for (size_t i = 0; i < r->n_steps; i++) {
                const ApplyStep *s = r->steps + i;
                if (s->status == APPLY_UNCHANGED && !verbose)
                        continue;
                fprintf(f, "%-9s %s %s: %s%s%s\n", apply_status_to_string(s->status), s->kind, s->target, s->action,
                        s->detail ? " — " : "", strempty(s->detail));
        }
        print_issues(f, p);

        count_steps(r, n);
        size_t errors = plan_count_errors(p);
        if (n[APPLY_DONE] == 0 && n[APPLY_FAILED] == 0 && errors == 0)
                fprintf(f, "Nothing changed (%zu step%s already as planned).\n", n[APPLY_UNCHANGED],
                        n[APPLY_UNCHANGED] == 1 ? "" : "s");
        else
                fprintf(f, "Applied: %zu done, %zu unchanged, %zu skipped, %zu failed%s%zu planning error%s (%.1f ms).\n",
                        n[APPLY_DONE], n[APPLY_UNCHANGED], n[APPLY_SKIPPED], n[APPLY_FAILED], "; ", errors,
                        errors == 1 ? "" : "s", (double) r->usec / 1000.0);
        return 0;
}

int report_apply_json(FILE *f, const Plan *p, const ApplyResult *r) {
        _cleanup_(json_object_putp) json_object *top = json_object_new_object();
        json_object *steps = json_object_new_array(), *plan = NULL;
        size_t n[_APPLY_STATUS_MAX] = {};
        int q;

        if (!top || !steps) {
                json_object_put(steps);
                return -ENOMEM;
        }
        /* a real run's output goes to the journal at boot: no file
         * contents there, only what was done */
        q = plan_json(p, false, &plan);
        if (q < 0) {
                json_object_put(steps);
                return q;
        }
        for (size_t i = 0; i < r->n_steps; i++) {
                const ApplyStep *s = r->steps + i;
                json_object *e = json_object_new_object();
                if (!e || json_object_array_add(steps, e) < 0) {
                        json_object_put(e);
                        json_object_put(steps);
                        json_object_put(plan);
                        return -ENOMEM;
                }
                ADD(e, "kind", STR(s->kind));
                ADD(e, "target", STR(s->target));
                ADD(e, "action", STR(s->action));
                ADD(e, "status", STR(apply_status_to_string(s->status)));
                ADD(e, "detail", STR(s->detail));
        }
        count_steps(r, n);
        ADD(top, "dry_run", json_object_new_boolean(false));
        ADD(top, "steps", steps);
        ADD(top, "done", json_object_new_int64((int64_t) n[APPLY_DONE]));
        ADD(top, "unchanged", json_object_new_int64((int64_t) n[APPLY_UNCHANGED]));
        ADD(top, "skipped", json_object_new_int64((int64_t) n[APPLY_SKIPPED]));
        ADD(top, "failed", json_object_new_int64((int64_t) n[APPLY_FAILED]));
        ADD(top, "planning_errors", json_object_new_int64((int64_t) plan_count_errors(p)));
        ADD(top, "usec", json_object_new_int64((int64_t) r->usec));
        ADD(top, "plan", plan);
        print_json(f, top);
        return 0;
}

void report_diags_text(FILE *f, const char *path, const DiagList *l) {
        for (size_t j = 0; j < l->n; j++) {
                const Diag *d = l->items + j;
                if (d->line > 0 && d->column > 0)
                        fprintf(f, "%s:%u:%u: %s: %s\n", path, d->line, d->column, diag_kind_to_string(d->kind),
                                d->message);
                else if (d->line > 0)
                        fprintf(f, "%s:%u: %s: %s\n", path, d->line, diag_kind_to_string(d->kind), d->message);
                else
                        fprintf(f, "%s: %s: %s\n", path, diag_kind_to_string(d->kind), d->message);
        }
}
