/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/escape.h"
#include "basic/json-writer.h"
#include "report/plan.h"

/* Dry-run and apply reports. Secrets — password hashes, script bodies,
 * files marked secret — are never printed; a file's content appears only as
 * a diff in the dry-run output the operator asked for. Every value goes
 * through basic/escape.h (escape_fprintf(): one line per call, whatever
 * the value holds); JSON is streamed by basic/json-writer.h. */

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
                escape_fprintf(out, " (%04o %s)", (unsigned) f->mode, f->owner ?: "root");
}

static void print_user(FILE *out, const PlanUser *u) {
        if (u->create) {
                escape_fprintf(out, "user %s: create%s%s%s%s", u->name, u->system ? " system" : "",
                        u->homedir ? " home=" : "", strempty(u->homedir), u->no_create_home ? " no-home" : "");
                if (u->primary_group)
                        escape_fprintf(out, " group=%s", u->primary_group);
                if (u->groups) {
                        escape_fprintf(out, " groups=");
                        for (char **g = u->groups; *g; g++)
                                escape_fprintf(out, "%s%s", g == u->groups ? "" : ",", *g);
                }
                if (u->shell)
                        escape_fprintf(out, " shell=%s", u->shell);
        } else
                escape_fprintf(out, "user %s: exists", u->name);
        if (u->passwd)
                escape_fprintf(out, ", set password (hash hidden)");
        fputc('\n', out);
}

static void print_unit(FILE *out, const PlanUnit *u) {
        bool first = true;
        escape_fprintf(out, "unit %s:", u->name);
#define WORD(c, w) do { if (c) { escape_fprintf(out, "%s%s", first ? " " : ", ", w); first = false; } } while (0)
        WORD(u->mask, "mask");
        WORD(u->unmask, "unmask");
        WORD(u->enable, u->runtime ? "enable (runtime)" : "enable");
        WORD(u->command >= 0, unit_command_to_string(u->command));
        WORD(first, "no action");
#undef WORD
        escape_fprintf(out, "%s%s\n", u->changed ? " (definition changes)" : "", u->network ? " (networkd)" : "");
}

/* A skipped item: FILE:LINE:COL: error: MESSAGE; ITEM not applied, the
 * validator's error at the place it names. Another issue about a place in
 * the cloud-config (a unit not started because its section was skipped)
 * names it too: FILE:LINE:COL: error: ITEM: MESSAGE. */
static void print_issues(FILE *out, const Plan *p, const char *where) {
        for (size_t i = 0; i < p->n_issues; i++) {
                const PlanIssue *s = p->issues + i;
                const char *kind = s->warning ? "warning" : "error";

                if (!s->skipped && s->line > 0 && s->column > 0)
                        escape_fprintf(out, "%s:%u:%u: %s: %s: %s\n", where, s->line, s->column, kind, s->origin,
                                       s->message);
                else if (!s->skipped)
                        escape_fprintf(out, "%s: %s: %s\n", kind, s->origin, s->message);
                else if (s->line > 0 && s->column > 0)
                        escape_fprintf(out, "%s:%u:%u: %s: %s; %s not applied\n", where, s->line, s->column, kind,
                                       s->message, s->origin);
                else if (s->line > 0)
                        escape_fprintf(out, "%s:%u: %s: %s; %s not applied\n", where, s->line, kind, s->message,
                                       s->origin);
                else
                        escape_fprintf(out, "%s: %s: %s; %s not applied\n", where, kind, s->message, s->origin);
        }
}

int report_plan_text(FILE *out, const Plan *p, const char *where, bool verbose) {
        size_t n[_PLAN_CHANGE_MAX] = {};
        size_t unit_actions = 0;
        int r;

        if (p->hostname)
                escape_fprintf(out, "hostname: %s\n", p->hostname);
        for (size_t i = 0; i < p->n_users; i++)
                print_user(out, p->users + i);

        for (size_t i = 0; i < p->n_files; i++) {
                const PlanFile *f = p->files + i;
                n[f->change]++;
                if (f->change == PLAN_CHANGE_NONE && !verbose)
                        continue;
                escape_fprintf(out, "%-9s %s", file_verb(f), f->path);
                print_owner_mode(out, f);
                if (f->old_exists && f->action == PLAN_FILE_WRITE && f->change == PLAN_CHANGE_UPDATE &&
                    f->old_mode != f->mode)
                        escape_fprintf(out, " (mode was %04o)", (unsigned) f->old_mode);
                escape_fprintf(out, " [%s]\n", f->origin);

                _cleanup_free_ char *d = NULL;
                r = file_diff(f, &d);
                if (r < 0)
                        return r;
                if (d)
                        (void) escape_fputs(d, out, true);
        }

        for (size_t i = 0; i < p->n_units; i++) {
                print_unit(out, p->units + i);
                unit_actions += p->units[i].command >= 0 || p->units[i].enable;
        }
        for (size_t i = 0; i < p->n_discovery; i++) {
                const PlanDiscovery *d = p->discovery + i;
                if (d->kind == DISCOVERY_ETCD)
                        escape_fprintf(out, "discovery etcd: register %s=%s at %s\n", strna(d->name), strna(d->peer_addr), d->url);
                else
                        escape_fprintf(out, "discovery etcd2: check %s for %s%s%s\n", d->url, strna(d->name),
                                d->fallback ? ", fallback " : "", strempty(d->fallback));
        }
        for (size_t i = 0; i < p->n_scripts; i++)
                escape_fprintf(out, "script %s: run with %s (%zu bytes, content hidden)\n", p->scripts[i].origin,
                        p->scripts[i].interpreter, p->scripts[i].size);
        print_issues(out, p, where);

        escape_fprintf(out, "Plan: %zu to create, %zu to change, %zu to remove, %zu unchanged; %zu user%s, %zu unit action%s",
                n[PLAN_CHANGE_CREATE], n[PLAN_CHANGE_UPDATE], n[PLAN_CHANGE_REMOVE], n[PLAN_CHANGE_NONE], p->n_users,
                p->n_users == 1 ? "" : "s", unit_actions, unit_actions == 1 ? "" : "s");
        size_t errors = plan_count_errors(p);
        if (errors > 0)
                escape_fprintf(out, "; %zu error%s", errors, errors == 1 ? "" : "s");
        fputc('\n', out);
        return 0;
}

static void json_mode(JsonWriter *w, const char *key, mode_t m) {
        char b[16];
        snprintf(b, sizeof b, "%04o", (unsigned) m);
        json_writer_string(w, key, b);
}

static int plan_json(JsonWriter *w, const Plan *p, const char *where, bool diffs) {
        int r;

        json_writer_object_begin(w, "plan");
        json_writer_string(w, "hostname", p->hostname);

        json_writer_array_begin(w, "users");
        for (size_t i = 0; i < p->n_users; i++) {
                const PlanUser *u = p->users + i;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "name", u->name);
                json_writer_bool(w, "create", u->create);
                json_writer_bool(w, "set_password", u->passwd != NULL);
                json_writer_string(w, "gecos", u->gecos);
                json_writer_string(w, "homedir", u->homedir);
                json_writer_bool(w, "no_create_home", u->no_create_home);
                json_writer_string(w, "primary_group", u->primary_group);
                json_writer_array_begin(w, "groups");
                for (char **g = u->groups; g && *g; g++)
                        json_writer_string(w, NULL, *g);
                json_writer_array_end(w);
                json_writer_bool(w, "system", u->system);
                json_writer_string(w, "shell", u->shell);
                json_writer_string(w, "origin", u->origin);
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        json_writer_array_begin(w, "files");
        for (size_t i = 0; i < p->n_files; i++) {
                const PlanFile *f = p->files + i;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "path", f->path);
                json_writer_string(w, "action", plan_file_action_to_string(f->action));
                json_writer_string(w, "change", plan_change_to_string(f->change));
                if (f->action == PLAN_FILE_WRITE || f->action == PLAN_FILE_DIR) {
                        json_mode(w, "mode", f->mode);
                        json_writer_string(w, "owner", f->owner ?: "root");
                }
                if (f->action == PLAN_FILE_WRITE)
                        json_writer_int(w, "size", (int64_t) f->size);
                json_writer_string(w, "origin", f->origin);
                json_writer_bool(w, "secret", f->secret);
                if (diffs) {
                        _cleanup_free_ char *d = NULL;
                        r = file_diff(f, &d);
                        if (r < 0)
                                return r;
                        if (d)
                                json_writer_string(w, "diff", d);
                }
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        json_writer_array_begin(w, "units");
        for (size_t i = 0; i < p->n_units; i++) {
                const PlanUnit *u = p->units + i;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "name", u->name);
                json_writer_string(w, "path", u->path);
                json_writer_bool(w, "runtime", u->runtime);
                json_writer_bool(w, "mask", u->mask);
                json_writer_bool(w, "unmask", u->unmask);
                json_writer_bool(w, "enable", u->enable);
                json_writer_string(w, "command", u->command >= 0 ? unit_command_to_string(u->command) : NULL);
                json_writer_bool(w, "changed", u->changed);
                json_writer_bool(w, "network", u->network);
                json_writer_string(w, "origin", u->origin);
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        json_writer_array_begin(w, "discovery");
        for (size_t i = 0; i < p->n_discovery; i++) {
                const PlanDiscovery *d = p->discovery + i;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "kind", discovery_kind_to_string(d->kind));
                json_writer_string(w, "url", d->url);
                json_writer_string(w, "name", d->name);
                json_writer_string(w, "peer_addr", d->peer_addr);
                json_writer_string(w, "fallback", d->fallback);
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        json_writer_array_begin(w, "scripts");
        for (size_t i = 0; i < p->n_scripts; i++) {
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "origin", p->scripts[i].origin);
                json_writer_string(w, "interpreter", p->scripts[i].interpreter);
                json_writer_int(w, "size", (int64_t) p->scripts[i].size);
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        /* a skipped item, and an issue about a place in the cloud-config,
         * names it: "where" is the user-data's, line and column are in it
         * (0: no place) */
        json_writer_array_begin(w, "issues");
        for (size_t i = 0; i < p->n_issues; i++) {
                const PlanIssue *s = p->issues + i;
                json_writer_object_begin(w, NULL);
                json_writer_string(w, "kind", s->warning ? "warning" : "error");
                json_writer_string(w, "origin", s->origin);
                json_writer_string(w, "message", s->message);
                json_writer_bool(w, "skipped", s->skipped);
                if (s->skipped || s->line > 0) {
                        json_writer_string(w, "where", where);
                        json_writer_int(w, "line", s->line);
                        json_writer_int(w, "column", s->column);
                }
                json_writer_object_end(w);
        }
        json_writer_array_end(w);

        json_writer_object_end(w);
        return w->error;
}

int report_plan_json(FILE *f, const Plan *p, const char *where) {
        _cleanup_(json_writer_done) JsonWriter w = { .f = f };
        int r;

        json_writer_object_begin(&w, NULL);
        json_writer_bool(&w, "dry_run", true);
        r = plan_json(&w, p, where, true);
        if (r < 0)
                return r;
        json_writer_object_end(&w);
        return json_writer_finish(&w);
}

static void count_steps(const ApplyResult *r, size_t n[_APPLY_STATUS_MAX]) {
        for (size_t i = 0; i < r->n_steps; i++)
                n[r->steps[i].status]++;
}

int report_apply_text(FILE *f, const Plan *p, const ApplyResult *r, const char *where, bool verbose) {
        size_t n[_APPLY_STATUS_MAX] = {};

        for (size_t i = 0; i < r->n_steps; i++) {
                const ApplyStep *s = r->steps + i;
                if (s->status == APPLY_UNCHANGED && !verbose)
                        continue;
                escape_fprintf(f, "%-9s %s %s: %s%s%s\n", apply_status_to_string(s->status), s->kind, s->target,
                               s->action, s->detail ? " — " : "", strempty(s->detail));
        }
        print_issues(f, p, where);

        count_steps(r, n);
        size_t errors = plan_count_errors(p);
        if (n[APPLY_DONE] == 0 && n[APPLY_FAILED] == 0 && errors == 0)
                fprintf(f, "Nothing changed (%zu step%s already as planned).\n", n[APPLY_UNCHANGED],
                        n[APPLY_UNCHANGED] == 1 ? "" : "s");
        else
                fprintf(f, "Applied: %zu done, %zu unchanged, %zu skipped, %zu failed%s%zu planning error%s (%.1f ms).\n",
                        n[APPLY_DONE], n[APPLY_UNCHANGED], n[APPLY_SKIPPED], n[APPLY_FAILED], "; ", errors,
                        errors == 1 ? "" : "s", (double) r->usec / 1000.0);
        return ferror(f) ? -EIO : 0;
}

int report_apply_json(FILE *f, const Plan *p, const ApplyResult *r, const char *where) {
        _cleanup_(json_writer_done) JsonWriter w = { .f = f };
        size_t n[_APPLY_STATUS_MAX] = {};
        int q;

        json_writer_object_begin(&w, NULL);
        json_writer_bool(&w, "dry_run", false);
        json_writer_array_begin(&w, "steps");
        for (size_t i = 0; i < r->n_steps; i++) {
                const ApplyStep *s = r->steps + i;
                json_writer_object_begin(&w, NULL);
                json_writer_string(&w, "kind", s->kind);
                json_writer_string(&w, "target", s->target);
                json_writer_string(&w, "action", s->action);
                json_writer_string(&w, "status", apply_status_to_string(s->status));
                json_writer_string(&w, "detail", s->detail);
                json_writer_object_end(&w);
        }
        json_writer_array_end(&w);
        count_steps(r, n);
        json_writer_int(&w, "done", (int64_t) n[APPLY_DONE]);
        json_writer_int(&w, "unchanged", (int64_t) n[APPLY_UNCHANGED]);
        json_writer_int(&w, "skipped", (int64_t) n[APPLY_SKIPPED]);
        json_writer_int(&w, "failed", (int64_t) n[APPLY_FAILED]);
        json_writer_int(&w, "planning_errors", (int64_t) plan_count_errors(p));
        json_writer_int(&w, "usec", (int64_t) r->usec);
        /* a real run's output goes to the journal at boot: no file
         * contents there, only what was done */
        q = plan_json(&w, p, where, false);
        if (q < 0)
                return q;
        json_writer_object_end(&w);
        return json_writer_finish(&w);
}

void report_diags_text(FILE *f, const char *path, const DiagList *l) {
        for (size_t j = 0; j < l->n; j++) {
                const Diag *d = l->items + j;
                const char *kind = diag_kind_to_string(d->kind);
                if (d->line > 0 && d->column > 0)
                        escape_fprintf(f, "%s:%u:%u: %s: %s\n", path, d->line, d->column, kind, d->message);
                else if (d->line > 0)
                        escape_fprintf(f, "%s:%u: %s: %s\n", path, d->line, kind, d->message);
                else
                        escape_fprintf(f, "%s: %s: %s\n", path, kind, d->message);
        }
}
