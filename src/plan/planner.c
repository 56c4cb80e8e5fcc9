/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/strv.h"
#include "config/validate.h"
#include "plan/plan-internal.h"

/* Turns cloud-config models and metadata into a Plan, in coreos-cloudinit's
 * order: hostname, users and their keys, core's keys, write_files, the
 * generated files, /etc/environment, units, discovery, scripts. A step that
 * cannot be planned becomes a PlanIssue and the others go on. */

void plan_node_done(PlanNode *n) {
        free(n->content);
        *n = (PlanNode) {};
}

int planner_stat(Planner *P, const char *path, bool want_content, PlanNode *ret) {
        const PlanReader *rd = P->in->reader;

        *ret = (PlanNode) { .kind = PLAN_NODE_ABSENT };
        if (!rd || !rd->stat)
                return 0;
        return rd->stat(rd->userdata, path, want_content, ret);
}

static int planner_issue_va(Planner *P, bool warning, const Value *at, const char *origin, const char *fmt,
                            va_list ap) _printf_(5, 0);
static int planner_issue_va(Planner *P, bool warning, const Value *at, const char *origin, const char *fmt,
                            va_list ap) {
        _cleanup_free_ char *m = NULL;

        if (vasprintf(&m, fmt, ap) < 0)
                return -ENOMEM;

        PlanIssue i = {
                .warning = warning,
                .origin = (char *) origin,
                .message = m,
        };
        if (at && at->line > 0) {
                i.line = at->line;
                i.column = at->column;
                i.config = P->config;
        }
        return plan_add_issue_full(P->plan, &i);
}

int planner_issue(Planner *P, bool warning, const char *origin, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        int r = planner_issue_va(P, warning, NULL, origin, fmt, ap);
        va_end(ap);
        return r;
}

int planner_issue_at(Planner *P, bool warning, const Value *at, const char *origin, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        int r = planner_issue_va(P, warning, at, origin, fmt, ap);
        va_end(ap);
        return r;
}

static bool owner_matches(Planner *P, const char *owner, const PlanNode *n) {
        const PlanReader *rd = P->in->reader;
        uid_t uid = 0;
        gid_t gid = 0;

        if (rd && rd->owner) {
                if (rd->owner(rd->userdata, owner, &uid, &gid) < 0)
                        return false;
        } else if (owner)
                return false;
        return n->uid == uid && n->gid == gid;
}

int planner_add_write(Planner *P, const char *path, char *content, size_t size, mode_t mode, const char *owner,
                      const char *origin, int secret) {
        _cleanup_free_ char *c = content;
        _cleanup_(plan_node_done) PlanNode n = {};
        int r;

        r = planner_stat(P, path, true, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s; not written", path, strerror(-r));

        PlanFile f = {
                .action = PLAN_FILE_WRITE,
                .size = size,
                .mode = mode,
                /* what is there now may be private even if the new file is not */
                .secret = secret == SECRET_YES ||
                          (secret == SECRET_NO && n.kind == PLAN_NODE_REGULAR && !(n.mode & 0004)),
                .old_exists = n.kind != PLAN_NODE_ABSENT,
                .old_mode = n.mode,
        };
        if (n.kind == PLAN_NODE_ABSENT)
                f.change = PLAN_CHANGE_CREATE;
        else if (n.kind == PLAN_NODE_REGULAR && n.size == size && (size == 0 || memcmp(n.content, c, size) == 0) &&
                 n.mode == mode && owner_matches(P, owner, &n))
                f.change = PLAN_CHANGE_NONE;
        else
                f.change = PLAN_CHANGE_UPDATE;
        if (n.kind == PLAN_NODE_REGULAR) {
                f.old_content = TAKE_PTR(n.content);
                f.old_size = n.size;
        }

        f.content = c ? TAKE_PTR(c) : strdup("");
        f.path = strdup(path);
        f.origin = strdup(origin);
        f.owner = owner ? strdup(owner) : NULL;
        if (!f.content || !f.path || !f.origin || (owner && !f.owner)) {
                plan_file_done(&f);
                return -ENOMEM;
        }
        r = plan_add_file(P->plan, &f);
        if (r < 0)
                plan_file_done(&f);
        return r;
}

static int add_simple(Planner *P, PlanFileAction action, const char *path, PlanChange change, mode_t mode,
                      const char *owner, const char *origin, const PlanNode *n) {
        PlanFile f = {
                .action = action,
                .change = change,
                .mode = mode,
                .old_exists = n->kind != PLAN_NODE_ABSENT,
                .old_mode = n->mode,
        };
        f.path = strdup(path);
        f.origin = strdup(origin);
        f.owner = owner ? strdup(owner) : NULL;
        if (!f.path || !f.origin || (owner && !f.owner)) {
                plan_file_done(&f);
                return -ENOMEM;
        }
        int r = plan_add_file(P->plan, &f);
        if (r < 0)
                plan_file_done(&f);
        return r;
}

int planner_add_mask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s; not masked", path, strerror(-r));
        return add_simple(P, PLAN_FILE_MASK, path,
                          n.kind == PLAN_NODE_NULL ? PLAN_CHANGE_NONE :
                          n.kind == PLAN_NODE_ABSENT ? PLAN_CHANGE_CREATE : PLAN_CHANGE_UPDATE,
                          0, NULL, origin, &n);
}

int planner_add_unmask(Planner *P, const char *path, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                return planner_issue(P, false, origin, "cannot read the current %s: %s; not unmasked", path, strerror(-r));
        if (plan_find_file(P->plan, path))
                return 0; /* written or masked in this run */
        if (!(n.kind == PLAN_NODE_NULL || (n.kind == PLAN_NODE_REGULAR && n.size == 0)))
                return 0;
        r = add_simple(P, PLAN_FILE_UNMASK, path, PLAN_CHANGE_REMOVE, 0, NULL, origin, &n);
        return r < 0 ? r : 1;
}

int planner_add_dir(Planner *P, const char *path, mode_t mode, const char *owner, const char *origin) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r = planner_stat(P, path, false, &n);
        if (r < 0)
                r = planner_issue(P, false, origin, "cannot read the current %s: %s; not created", path, strerror(-r));
        else if (n.kind != PLAN_NODE_ABSENT && n.kind != PLAN_NODE_DIRECTORY)
                r = planner_issue(P, false, origin, "%s exists and is not a directory; nothing is written into it", path);
        else
                return add_simple(P, PLAN_FILE_DIR, path,
                                  n.kind == PLAN_NODE_DIRECTORY ? PLAN_CHANGE_NONE : PLAN_CHANGE_CREATE, mode, owner,
                                  origin, &n);
        return r < 0 ? r : 1;
}

bool planner_changed(const Plan *p, const char *path) {
        const PlanFile *f = plan_find_file(p, path);
        return f && f->change != PLAN_CHANGE_NONE;
}

int planner_strdup_value(const Value *v, char **ret) {
        *ret = NULL;
        if (!v->set || v->len == 0)
                return 0;
        *ret = strndup(v->str, v->len);
        return *ret ? 0 : -ENOMEM;
}

int planner_skip_marked(Planner *P, const Value *v, const char *item) {
        if (!v->error)
                return 0;
        PlanIssue i = {
                .skipped = true,
                .origin = (char *) item,
                .message = (char *) v->error,
                .line = v->error_line,
                .column = v->error_column,
                .config = P->config,
        };
        int r = plan_add_issue_full(P->plan, &i);
        return r < 0 ? r : 1;
}

int planner_item_name(const char *base, const Value *name, char **ret) {
        bool show = name && name->set && name->str && name->len > 0 && name->len <= 128 &&
                    strlen(name->str) == name->len;
        for (size_t i = 0; show && i < name->len; i++)
                show = (unsigned char) name->str[i] >= 0x20 && name->str[i] != 0x7f;
        if (!show)
                *ret = strdup(base);
        else if (asprintf(ret, "%s (%s)", base, name->str) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
}

int planner_skip_section(Planner *P, const SchemaStruct *s, const void *section, const char *prefix) {
        /* every model struct starts with its self */
        int r = planner_skip_marked(P, (const Value *) section, prefix);
        if (r != 0)
                return r;
        for (size_t i = 0; i < s->n_fields; i++) {
                const Value *v = model_value_const(section, s->fields + i);
                _cleanup_free_ char *item = NULL;
                if (!v->error)
                        continue;
                if (asprintf(&item, "%s.%s", prefix, s->fields[i].key) < 0)
                        return -ENOMEM;
                r = planner_skip_marked(P, v, item);
                if (r < 0)
                        return r;
        }
        return 0;
}

const char *planner_unit_left_out(const Planner *P, const char *unit) {
        for (size_t c = 0; c < P->in->n_configs; c++)
                for (size_t i = 0; i < schema_ConfigCoreos.n_fields; i++) {
                        const SchemaField *f = schema_ConfigCoreos.fields + i;
                        if (f->type != FIELD_STRUCT || !f->sub->unit || !streq(f->sub->unit, unit))
                                continue;
                        const Value *self = (const Value *) ((const char *) &P->in->configs[c]->coreos + f->offset);
                        if (self->error)
                                return f->key;
                }
        return NULL;
}

int plan_build(const PlanInput *in, Plan *ret) {
        _cleanup_(plan_done) Plan plan = {};
        Planner P = {
                .in = in,
                .plan = &plan,
                .unit_dir = in->unit_dir ?: "/etc/systemd/system",
                .runtime_unit_dir = in->runtime_unit_dir ?: "/run/systemd/system",
        };
        int r;

        if (in->ssh_key_name) {
                const char *k = in->ssh_key_name;
                if (!k[0] || k[0] == '.' || strchr(k, '/') || strlen(k) > 255)
                        return -EINVAL;
                for (const char *c = k; *c; c++)
                        if ((unsigned char) *c <= ' ' || *c == 0x7f)
                                return -EINVAL;
        }

        /* operator settings, not user-data: a bad one stops the run */
        if (in->default_user && !field_check_passes(&check_user_name, in->default_user))
                return -EINVAL;

        _cleanup_(plan_node_done) PlanNode pw = {};
        r = planner_stat(&P, "/etc/passwd", true, &pw);
        if (r < 0)
                return r;
        if (pw.kind == PLAN_NODE_REGULAR) {
                P.passwd = pw.content;
                P.passwd_size = pw.size;
        }
        _cleanup_(plan_node_done) PlanNode gr = {};
        r = planner_stat(&P, "/etc/group", true, &gr);
        if (r < 0)
                return r;
        if (gr.kind == PLAN_NODE_REGULAR) {
                P.group = gr.content;
                P.group_size = gr.size;
        }

        r = plan_hostname(&P);
        if (r >= 0)
                r = plan_users(&P);
        if (r >= 0)
                r = plan_default_user_keys(&P);
        for (P.config = 0; r >= 0 && P.config < in->n_configs; P.config++)
                r = plan_write_files(&P, in->configs[P.config]);
        for (P.config = 0; r >= 0 && P.config < in->n_configs; P.config++)
                r = plan_generated(&P, in->configs[P.config]);
        if (r >= 0)
                r = plan_environment(&P);
        for (P.config = 0; r >= 0 && P.config < in->n_configs; P.config++)
                r = plan_units(&P, in->configs[P.config]);
        if (r >= 0)
                r = plan_network(&P); /* after every other unit, as coreos-cloudinit */
        for (P.config = 0; r >= 0 && P.config < in->n_configs; P.config++)
                r = plan_discovery(&P, in->configs[P.config]);
        if (r >= 0)
                r = plan_scripts(&P);
        if (r < 0)
                return r;

        *ret = plan;
        plan = (Plan) {};
        return 0;
}
