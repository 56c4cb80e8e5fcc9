/* SPDX-License-Identifier: Apache-2.0 */

#include "basic/strv.h"
#include "config/schema.h"
#include "plan/plan.h"

static const char * const plan_file_action_table[_PLAN_FILE_ACTION_MAX] = {
        [PLAN_FILE_WRITE] = "write",
        [PLAN_FILE_MASK] = "mask",
        [PLAN_FILE_UNMASK] = "unmask",
        [PLAN_FILE_DIR] = "directory",
};

DEFINE_STRING_TABLE_LOOKUP(plan_file_action, PlanFileAction, _PLAN_FILE_ACTION_MAX);

static const char * const plan_change_table[_PLAN_CHANGE_MAX] = {
        [PLAN_CHANGE_CREATE] = "created",
        [PLAN_CHANGE_UPDATE] = "changed",
        [PLAN_CHANGE_NONE] = "unchanged",
        [PLAN_CHANGE_REMOVE] = "removed",
};

DEFINE_STRING_TABLE_LOOKUP(plan_change, PlanChange, _PLAN_CHANGE_MAX);

/* The words are the schema's allowed values of units[].command, in
 * UnitCommand order: one list, so the validator and the planner cannot
 * disagree about a command. */
const char *unit_command_to_string(UnitCommand c) {
        if ((int) c < 0 || c >= _UNIT_COMMAND_MAX)
                return NULL;
        return check_unit_command.one_of[c];
}

UnitCommand unit_command_from_string(const char *s) {
        for (size_t i = 0; s && i < _UNIT_COMMAND_MAX; i++)
                if (streq(check_unit_command.one_of[i], s))
                        return (UnitCommand) i;
        return _UNIT_COMMAND_INVALID;
}

static const char * const discovery_kind_table[_DISCOVERY_KIND_MAX] = {
        [DISCOVERY_ETCD] = "etcd",
        [DISCOVERY_ETCD2] = "etcd2",
};

DEFINE_STRING_TABLE_LOOKUP(discovery_kind, DiscoveryKind, _DISCOVERY_KIND_MAX);

void plan_file_done(PlanFile *f) {
        free(f->path);
        free(f->content);
        free(f->owner);
        free(f->origin);
        free(f->old_content);
        *f = (PlanFile) {};
}

void plan_user_done(PlanUser *u) {
        free(u->name);
        free(u->passwd);
        free(u->gecos);
        free(u->homedir);
        free(u->primary_group);
        strv_free(u->groups);
        free(u->shell);
        free(u->origin);
        *u = (PlanUser) {};
}

void plan_unit_done(PlanUnit *u) {
        free(u->name);
        free(u->path);
        free(u->origin);
        *u = (PlanUnit) {};
}

void plan_done(Plan *p) {
        free(p->hostname);
        for (size_t i = 0; i < p->n_users; i++)
                plan_user_done(p->users + i);
        free(p->users);
        for (size_t i = 0; i < p->n_files; i++)
                plan_file_done(p->files + i);
        free(p->files);
        for (size_t i = 0; i < p->n_units; i++)
                plan_unit_done(p->units + i);
        free(p->units);
        for (size_t i = 0; i < p->n_discovery; i++) {
                free(p->discovery[i].url);
                free(p->discovery[i].name);
                free(p->discovery[i].peer_addr);
                free(p->discovery[i].fallback);
        }
        free(p->discovery);
        for (size_t i = 0; i < p->n_scripts; i++) {
                free(p->scripts[i].content);
                free(p->scripts[i].interpreter);
                free(p->scripts[i].origin);
        }
        free(p->scripts);
        for (size_t i = 0; i < p->n_issues; i++) {
                free(p->issues[i].origin);
                free(p->issues[i].message);
        }
        free(p->issues);
        *p = (Plan) {};
}

size_t plan_count_errors(const Plan *p) {
        size_t n = 0;
        for (size_t i = 0; i < p->n_issues; i++)
                n += !p->issues[i].warning;
        return n;
}

const PlanFile *plan_find_file(const Plan *p, const char *path) {
        for (size_t i = 0; i < p->n_files; i++)
                if (streq(p->files[i].path, path))
                        return p->files + i;
        return NULL;
}

int plan_add_file(Plan *p, PlanFile *f) {
        for (size_t i = 0; i < p->n_files; i++)
                if (streq(p->files[i].path, f->path)) {
                        plan_file_done(p->files + i);
                        p->files[i] = *f;
                        *f = (PlanFile) {};
                        return 0;
                }

        PlanFile *n = realloc(p->files, sizeof(PlanFile) * (p->n_files + 1));
        if (!n)
                return -ENOMEM;
        p->files = n;
        p->files[p->n_files++] = *f;
        *f = (PlanFile) {};
        return 0;
}

int plan_add_issue_full(Plan *p, const PlanIssue *issue) {
        _cleanup_free_ char *o = strdup(issue->origin ?: ""), *m = strdup(issue->message ?: "");
        if (!o || !m)
                return -ENOMEM;

        PlanIssue *n = realloc(p->issues, sizeof(PlanIssue) * (p->n_issues + 1));
        if (!n)
                return -ENOMEM;
        p->issues = n;
        p->issues[p->n_issues] = *issue;
        p->issues[p->n_issues].origin = TAKE_PTR(o);
        p->issues[p->n_issues].message = TAKE_PTR(m);
        p->n_issues++;
        return 0;
}

